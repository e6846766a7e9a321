"""Compiler step for the plan's raw ``resources:`` (the escape hatch): any ARM type, written
through the generic by-id operations at the plan's api-version.

Who uses it: ``lzengine.compile.STEPS``. A ``{$ref: <address>, path: <dotted>}`` value inside
``properties`` becomes a ``Ref`` (and so a dependency); ``depends_on`` adds explicit edges.
"""

from __future__ import annotations

from typing import Any

from lzengine.compile.context import PLATFORM, Context
from lzengine.kinds import generic_kind
from lzengine.plan import addresses
from lzengine.plan.models import RawResource
from lzengine.refs import Ref


def to_refs(value: Any) -> Any:
    """Replace every ``{$ref, path[, secret]}`` mapping by a ``Ref``."""
    if isinstance(value, dict):
        if "$ref" in value:
            return Ref(str(value["$ref"]), str(value.get("path", "")), secret=bool(value.get("secret", False)))
        return {k: to_refs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_refs(v) for v in value]
    return value


def raw_id(ctx: Context, resource: RawResource) -> str:
    spoke = ctx.plan.spoke(resource.resource_group)
    group = ctx.spoke_rg(spoke) if spoke else ctx.hub_rg()
    namespace, *types = resource.type.split("/")
    return ctx.res_id(group, namespace, *zip(types, resource.name.split("/"), strict=True))


def raw_resources(ctx: Context) -> None:
    for resource in ctx.plan.resources:
        spoke = ctx.plan.spoke(resource.resource_group)
        owner = spoke.owner if spoke else PLATFORM
        group_address = f"spokes.{spoke.name}.resource_group" if spoke else "hub.resource_group"
        kind = generic_kind(resource.type, resource.api_version)
        body: dict[str, Any] = {}
        if kind.has_location and resource.location != "none":
            body["location"] = resource.location or ctx.plan.location
        if kind.supports_tags and resource.tags:
            body["tags"] = ctx.tags()
        for key in ("kind", "sku", "identity", "zones"):
            value = getattr(resource, key)
            if value is not None:
                body[key] = value
        body["properties"] = to_refs(resource.properties)
        ctx.add(addresses.raw(resource.name), kind, raw_id(ctx, resource), body,
                {group_address, *resource.depends_on}, owner)
