"""Small helpers shared by the per-provider modules (``rp_*.py``) and :mod:`lzengine.emulator.hooks`.

Called with the ctx lock held. Nothing here knows a resource type: stable server-side ids,
property access, reference lookups ("does the resource this body points at exist?") and the
``InvalidResourceReference`` error the network provider answers for a dangling reference.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from lzengine.emulator import errors, locations
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.paths import id_key
from lzengine.emulator.store import Resource
from lzengine.emulator.subscriptions import of_id

_NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")


def stable_guid(*parts: str) -> str:
    """A GUID derived from ``parts`` (so re-creating a resource gives the same server ids)."""
    return str(uuid.uuid5(_NS, "/".join(p.lower() for p in parts)))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def props(body: dict[str, Any]) -> dict[str, Any]:
    """``body["properties"]`` as a dict (``{}`` when absent or not an object)."""
    p = body.get("properties")
    return p if isinstance(p, dict) else {}


def ref(value: Any) -> str:
    """The id of a ``{"id": ...}`` reference (``""`` when absent)."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return ""


def local(ctx: ProviderContext, resource_id: str) -> bool:
    """Whether an id lives in a subscription this emulator serves (ids elsewhere cannot be checked)."""
    if ctx.subscriptions is not None:
        return bool(ctx.subscriptions.serves(resource_id))
    return id_key(resource_id).startswith(f"/subscriptions/{ctx.subscription_id.lower()}/")


def find(ctx: ProviderContext, resource_id: str) -> Resource | None:
    return ctx.store.get(id_key(resource_id)) if resource_id else None


def invalid_reference(ref_id: str, by_id: str) -> errors.ArmError:
    return errors.bad_request(
        "InvalidResourceReference",
        f"Resource {ref_id} referenced by resource {by_id} was not found. Please make sure that the "
        "referenced resource exists, and that both resources are in the same region.",
    )


def require(ctx: ProviderContext, ref_id: str, by_id: str, *, location: str | None = None) -> Resource | None:
    """The referenced resource, or ``InvalidResourceReference`` when it is missing (ids of other
    subscriptions are not checked: ``None``). ``location``: the referenced resource must be there."""
    if not ref_id or not local(ctx, ref_id):
        return None
    found = find(ctx, ref_id)
    if found is None:
        raise invalid_reference(ref_id, by_id)
    loc = found.body.get("location")
    if location and isinstance(loc, str) and norm_loc(loc) not in (norm_loc(location), "global"):
        raise invalid_reference(ref_id, by_id)
    return found


def require_same_subscription(ref_id: str, by_id: str) -> None:
    """A subnet's route table, NSG and NAT gateway must be in its VNet's subscription (and region,
    checked by :func:`require`): Azure refuses the association otherwise, so a hub route table cannot
    serve spokes in other subscriptions. [unconfirmed] code and message: public material confirms the
    rule (the association fails across subscriptions) but no recorded error body was found."""
    theirs, mine = of_id(ref_id), of_id(by_id)
    if not ref_id or theirs is None or mine is None or theirs.lower() == mine.lower():
        return
    raise errors.bad_request(
        "InvalidResourceReference",
        f"Resource {ref_id} referenced by resource {by_id} must be in the same subscription ({mine}) and the "
        "same region as the virtual network of the subnet.")


def norm_loc(loc: str) -> str:
    """The region's programmatic name (:func:`lzengine.emulator.locations.normalize`)."""
    return locations.normalize(loc)


def type_of(resource_id: str) -> str:
    """Lower-case full type of an id (``microsoft.network/virtualnetworks/subnets``)."""
    parts = [p for p in resource_id.split("/") if p]
    low = [p.lower() for p in parts]
    if "providers" not in low:
        return ""
    idx = len(low) - 1 - low[::-1].index("providers")
    rest = low[idx + 1:]
    if not rest:
        return ""
    return "/".join([rest[0], *rest[1::2]])


def check_name_availability(ctx: ProviderContext, rp: Any, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /subscriptions/{s}/providers/{namespace}/checkNameAvailability``: a top-level resource of the
    namespace with that name exists anywhere in the emulator (names are global for these services)."""
    name = str(body.get("name", "")).lower()
    ns_low = rp.namespace.lower() + "/"
    taken = any(str(r.body.get("name", "")).lower() == name for r in ctx.store.all()
                if r.type.lower().startswith(ns_low) and r.type.count("/") == 1)
    return {"nameAvailable": not taken, "reason": "AlreadyExists" if taken else None, "message": None}


def list_keys(ctx: ProviderContext, rp: Any, body: dict[str, Any]) -> dict[str, Any]:
    """``POST {resource}/listKeys`` (and other key listings): two fixed, fake keys."""
    require_parent(ctx, rp)
    return {"key1": "emulator-key-1", "key2": "emulator-key-2",
            "primaryKey": "emulator-key-1", "secondaryKey": "emulator-key-2"}


def list_query_keys(ctx: ProviderContext, rp: Any, body: dict[str, Any]) -> dict[str, Any]:
    """``POST {search service}/listQueryKeys``."""
    require_parent(ctx, rp)
    return {"value": [{"name": None, "key": "emulator-query-key"}]}


def require_parent(ctx: ProviderContext, rp: Any) -> Resource:
    """The resource a POST action is on (``{resource}/listKeys``), or ``ResourceNotFound``."""
    res = ctx.store.get(id_key(rp.parent_id))
    if res is None:
        raise errors.resource_not_found("/".join([rp.namespace, *rp.types[:-1]]), "/".join(rp.names),
                                        rp.resource_group)
    return res


def old_props(existing: Resource | None) -> dict[str, Any]:
    """The stored ``properties`` of the resource a PUT replaces (``{}`` for a create)."""
    return props(existing.body) if existing else {}


def body_only(check: Any) -> Any:
    """Adapt a ``check(ctx, rp, body)`` validator to the handler's ``validate`` signature."""
    def validate(ctx: ProviderContext, rp: Any, body: dict[str, Any], existing: Resource | None,
                 parent_body: dict[str, Any] | None) -> None:
        check(ctx, rp, body)
    return validate
