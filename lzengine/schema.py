"""The JSON Schema of a plan file, for editors (YAML language servers) and tools.

Who uses it: the ``lzengine schema`` command (wired in the CLI). Generated from the typed plan
models, so it can never disagree with what ``lzengine validate`` accepts structurally.
"""

from __future__ import annotations

from typing import Any

from lzengine.plan.models import Plan

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an lzengine plan."""
    schema = Plan.model_json_schema(mode="validation")
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://lzengine.invalid/schema/plan.json",
        "title": "lzengine plan",
        "description": "A secure AI landing zone: a hub owned by the platform team and spokes owned by "
        "application teams. Validate with `lzengine validate FILE`.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }
