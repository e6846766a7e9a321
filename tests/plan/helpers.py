"""Shared helpers of the plan and compiler tests: the shipped plans, a fixed subscription,
and a JSON-safe dump of a compiled graph (refs shown as ``{"$ref", "path", "secret"}``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lzengine.compile import compile_plan
from lzengine.graph import Graph
from lzengine.plan import load_plan
from lzengine.refs import Expected, GeneratedSecret, Ref

REPO = Path(__file__).resolve().parents[2]
PLANS = sorted((REPO / "plans").glob("*.yaml"))
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


def compiled(plan_file: Path | str, subscription: str = SUBSCRIPTION) -> Graph:
    return compile_plan(load_plan(plan_file), subscription)


def plain(value: Any) -> Any:
    if isinstance(value, Ref):
        return {"$ref": value.address, "path": value.path, "secret": value.secret}
    if isinstance(value, GeneratedSecret):
        return {"$generated": type(value).__name__}
    if isinstance(value, Expected):
        return {"$expected": str(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def dump(graph: Graph) -> list[dict[str, Any]]:
    return [
        {
            "address": n.address,
            "kind": n.kind.name,
            "id": n.arm_id,
            "owner": n.owner,
            "depends_on": sorted(n.depends_on),
            "body": plain(n.body),
        }
        for n in graph
    ]
