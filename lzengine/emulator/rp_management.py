"""Microsoft.Management in the emulator: management groups, the subscriptions under them, the hierarchy.

Reached through its ``HANDLERS`` (collected by :mod:`lzengine.emulator.hooks`) for
``PUT/GET/DELETE /providers/Microsoft.Management/managementGroups/{group}`` and
``.../managementGroups/{group}/subscriptions/{subscriptionId}``, the API
``azure-mgmt-managementgroups`` speaks. The hierarchy functions (:func:`ancestors`,
:func:`group_ancestors`, :func:`scopes_above`) are used by :mod:`lzengine.emulator.governance`
(policy assignments at a management group apply to every subscription below it, and a
subscription's assignment list includes them) and by :mod:`lzengine.emulator.app` (a role
assigned at a management group grants on every subscription below it).

As in Azure: the tenant root group (named after the tenant id, display name "Tenant Root Group")
always exists and every subscription and group without another parent sits under it; a group's
parent is ``properties.details.parent.id`` (default: the root); a subscription has exactly one
parent group, so putting it under another group moves it, and deleting that record moves it back
to the root; a group that still has children cannot be deleted; a group cannot be moved under
itself or its descendants. Simplification: create and delete answer at once (200) where Azure
may answer 202 and an operation to poll; the SDK's poller accepts both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import TENANT_ID, ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key, parse_resource, split, under
from lzengine.emulator.rp_common import props
from lzengine.emulator.store import Resource, Store
from lzengine.emulator.subscriptions import of_id
from lzengine.emulator.typespec import DeleteMode, PutMode, TypeSpec, sync

GROUP = "microsoft.management/managementgroups"
GROUP_SUBSCRIPTION = "microsoft.management/managementgroups/subscriptions"
GROUP_TYPE = "Microsoft.Management/managementGroups"
PREFIX = "/providers/Microsoft.Management/managementGroups/"
ROOT_NAME = TENANT_ID
ROOT_DISPLAY_NAME = "Tenant Root Group"

__all__ = ["HANDLERS", "ROOT_NAME", "SPECS", "ancestors", "group_ancestors", "group_id", "scopes_above",
           "visible_assignments"]


def group_id(name: str) -> str:
    return f"{PREFIX}{name}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _root_body() -> dict[str, Any]:
    return {"id": group_id(ROOT_NAME), "type": GROUP_TYPE, "name": ROOT_NAME,
            "properties": {"tenantId": TENANT_ID, "displayName": ROOT_DISPLAY_NAME,
                           "details": {"version": 1, "updatedTime": "2020-01-01T00:00:00.0000000Z",
                                       "updatedBy": "emulator", "parent": None}}}  # fmt: skip


def _group_name_of(ref: Any) -> str | None:
    """The group name of a parent reference (``{"id": ".../managementGroups/x"}``), else ``None``."""
    text = ref.get("id") if isinstance(ref, dict) else ref
    if not isinstance(text, str) or not text.strip():
        return None
    parts = split(text)
    if len(parts) != 4 or parts[0].lower() != "providers" or parts[2].lower() != "managementgroups":
        return ""
    return parts[3]


def _parent_of_group(store: Store, name: str) -> str | None:
    if name.lower() == ROOT_NAME.lower():  # the root is computed, never stored
        return None
    res = store.get(id_key(group_id(name)))
    if res is None:
        return None
    parent = _group_name_of((props(res.body).get("details") or {}).get("parent"))
    return parent or ROOT_NAME


def _parent_of_subscription(store: Store, subscription: str) -> str:
    for res in store.of_type(GROUP_SUBSCRIPTION):
        if str(res.body.get("name", "")).lower() == subscription.lower():
            rp = parse_resource(split(res.id))
            if rp is not None:
                return rp.names[0]
    return ROOT_NAME


def group_ancestors(store: Store, name: str) -> list[str]:
    """The names of the groups above group ``name``, nearest first, ending with the root."""
    out: list[str] = []
    current = _parent_of_group(store, name)
    while current is not None and current.lower() not in (n.lower() for n in out) and len(out) < 10:
        out.append(current)
        current = _parent_of_group(store, current)
    return out


def ancestors(store: Store, subscription: str) -> list[str]:
    """The names of the groups a subscription sits under, its parent first, the root last."""
    parent = _parent_of_subscription(store, subscription)
    return [parent, *group_ancestors(store, parent)]


def scopes_above(store: Store, scope: str) -> list[str]:
    """Lower-case ids of the management groups that contain ``scope`` (a subscription, something in
    one, or a management group), for role and policy inheritance."""
    sub = of_id(scope)
    if sub is not None:
        names = ancestors(store, sub)
    else:
        rp = parse_resource(split(scope))
        if rp is None or rp.full_type.lower() != GROUP or rp.is_collection:
            return []
        names = group_ancestors(store, rp.names[0])
    return [id_key(group_id(n)) for n in names]


# ---------------------------------------------------------------------------- groups
def _children(ctx: ProviderContext, name: str, recurse: bool = False, depth: int = 0) -> list[dict[str, Any]]:
    """``properties.children`` of ``$expand=children`` (with ``$recurse=true``: their children too)."""
    out: list[dict[str, Any]] = []
    for res in ctx.store.of_type(GROUP):
        parent = _parent_of_group(ctx.store, str(res.body["name"])) or ""
        if res.body.get("name") != name and parent.lower() == name.lower():
            child: dict[str, Any] = {"type": GROUP_TYPE, "id": res.id, "name": res.body["name"],
                                     "displayName": props(res.body).get("displayName")}
            if recurse and depth < 10:
                child["children"] = _children(ctx, str(res.body["name"]), True, depth + 1)
            out.append(child)
    for sub in ctx.subscriptions or [ctx.subscription_id]:
        if _parent_of_subscription(ctx.store, sub).lower() == name.lower():
            out.append({"type": "/subscriptions", "id": f"/subscriptions/{sub}", "name": sub,
                        "displayName": ctx.subscriptions.display_name(sub) if ctx.subscriptions else sub})
    return out


def _validate_group(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                    parent_body: dict[str, Any] | None) -> None:
    if rp.name.lower() == ROOT_NAME.lower():
        raise errors.bad_request(  # [unconfirmed] code: the root group is managed by Azure itself
            "BadRequest", "The tenant root group cannot be created or changed through this request.")
    if len(rp.name) > 90 or rp.name.endswith("."):
        raise errors.bad_request("InvalidManagementGroupName", f"The management group name '{rp.name}' is invalid: "
                                 "up to 90 letters, digits, '-', '_', '(', ')' and '.', not ending with '.'.")
    details = props(body).get("details") if isinstance(props(body).get("details"), dict) else {}
    parent = _group_name_of(details.get("parent"))
    if parent == "":
        raise errors.bad_request("BadRequest", "properties.details.parent.id must be a management group id "
                                 "(/providers/Microsoft.Management/managementGroups/{groupId}).")  # [unconfirmed]
    if parent is None:
        return
    if parent.lower() != ROOT_NAME.lower() and ctx.store.get(id_key(group_id(parent))) is None:
        raise errors.ArmError(  # [unconfirmed] code
            404, "NotFound", f"The parent management group '{parent}' was not found.")
    if parent.lower() == rp.name.lower() or rp.name.lower() in (a.lower() for a in group_ancestors(ctx.store, parent)):
        raise errors.bad_request("BadRequest", f"The management group '{rp.name}' cannot be moved under "
                                 f"'{parent}': that group is itself or one of its descendants.")  # [unconfirmed]


def _after_group(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                 state: str) -> None:
    p = res.body.setdefault("properties", {})
    p["tenantId"] = TENANT_ID
    p["displayName"] = p.get("displayName") or rp.name
    details = p.get("details") if isinstance(p.get("details"), dict) else {}
    parent = _group_name_of(details.get("parent")) or ROOT_NAME
    parent_res = ctx.store.get(id_key(group_id(parent)))
    parent_name = props(parent_res.body).get("displayName") if parent_res else ROOT_DISPLAY_NAME
    old_version = ((props(existing.body).get("details") or {}).get("version", 0)) if existing else 0
    p["details"] = {
        "version": int(old_version or 0) + 1, "updatedTime": _now(), "updatedBy": "emulator",
        "parent": {"id": group_id(parent), "name": parent,
                   "displayName": parent_name},
    }  # fmt: skip


def _expanded(ctx: ProviderContext, name: str) -> list[dict[str, Any]] | None:
    if (ctx.query.get("$expand") or "").lower() != "children":
        return None
    return _children(ctx, name, (ctx.query.get("$recurse") or "").lower() == "true")


def _render_group(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
    children = _expanded(ctx, str(res.body["name"]))
    if children is not None:
        body["properties"] = {**body.get("properties", {}), "children": children}


def _check_group_removal(ctx: ProviderContext, res: Resource) -> None:
    name = str(res.body.get("name", ""))
    if name.lower() == ROOT_NAME.lower():
        raise errors.bad_request("BadRequest", "The tenant root group cannot be deleted.")  # [unconfirmed]
    children = _children(ctx, name)
    if children:
        raise errors.bad_request(  # [unconfirmed] code; the behaviour is the API's ("the request will fail")
            "BadRequest", f"The management group '{name}' has children ({', '.join(c['name'] for c in children)}): "
            "move or delete them first.")


def _virtual_group(ctx: ProviderContext, rp: ResourcePath) -> dict[str, Any] | None:
    """The tenant root group (computed: every tenant has it)."""
    if rp.full_type.lower() != GROUP or rp.name.lower() != ROOT_NAME.lower():
        return None
    body = _root_body()
    children = _expanded(ctx, ROOT_NAME)
    if children is not None:
        body["properties"]["children"] = children
    return body


def _list_groups(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]] | None:
    """``GET /providers/Microsoft.Management/managementGroups``: the root and every stored group."""
    if rp.full_type.lower() != GROUP:
        return None
    return [_root_body(), *(ctx.render(r) for r in ctx.store.of_type(GROUP))]


def _group_not_found(ctx: ProviderContext, rp: ResourcePath) -> errors.ArmError:
    if rp.full_type.lower() == GROUP_SUBSCRIPTION:
        return errors.ArmError(404, "NotFound", f"The subscription '{rp.name}' is not a child of the management "
                               f"group '{rp.names[0]}'.")  # [unconfirmed]
    return errors.ArmError(404, "NotFound", f"The management group '{rp.name}' was not found.")  # [unconfirmed]


# ---------------------------------------------------------------------------- subscriptions under groups
def _validate_subscription(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                           parent_body: dict[str, Any] | None) -> None:
    if ctx.subscriptions is not None and rp.name not in ctx.subscriptions:
        raise errors.subscription_not_found(rp.name)


def _after_subscription(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                        state: str) -> None:
    sub = ctx.subscriptions.canonical(rp.name) if ctx.subscriptions is not None else rp.name
    for other in list(ctx.store.of_type(GROUP_SUBSCRIPTION)):  # one parent: this moves it
        if str(other.body.get("name", "")).lower() == sub.lower() and other.key != res.key:
            ctx.store.remove(other.key)
    res.body["name"] = sub
    res.body["properties"] = {
        "tenant": TENANT_ID,
        "displayName": ctx.subscriptions.display_name(sub) if ctx.subscriptions is not None else sub,
        "parent": {"id": group_id(rp.names[0])},
        "state": "Active",
    }


# Tenant-level types without provisioningState; create and delete answer 200 at once (the SDK's
# pollers accept it where Azure may answer 202 and an operation to poll).
MANAGEMENT_VERSIONS = ("2020-02-01", "2020-05-01", "2020-10-01", "2021-04-01", "2023-04-01")
_PUT = PutMode(200)
_DELETE = DeleteMode(200, absent_status=200)
SPECS: list[TypeSpec] = [
    sync(GROUP_TYPE, MANAGEMENT_VERSIONS, create=_PUT, delete=_DELETE, listed=False, state_field=False,
         policy_exempt=True),
    sync(f"{GROUP_TYPE}/subscriptions", MANAGEMENT_VERSIONS, create=_PUT, delete=_DELETE, listed=False,
         state_field=False, lock="root", policy_exempt=True),
]

HANDLERS: dict[str, Handler] = {
    GROUP: Handler(validate=_validate_group, after_put=_after_group, render=_render_group,
                   check_removal=_check_group_removal, not_found=_group_not_found, virtual_get=_virtual_group,
                   virtual_list=_list_groups),
    GROUP_SUBSCRIPTION: Handler(validate=_validate_subscription, after_put=_after_subscription,
                                not_found=_group_not_found),
}


def visible_assignments(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]] | None:
    """Policy assignments listed at a subscription, resource group or management group, as Azure
    lists them unfiltered: those at the scope and above it (its groups, the subscription) and those
    below it; ``None`` for other scopes (the generic listing). Azure documents this for
    ``PolicyAssignments_List`` ("including those that apply directly or from management groups that
    contain the given subscription, as well as any applied to objects contained within the
    subscription") and the resource-group and management-group variants."""
    scope = rp.scope or ""
    rg_scope = parse_resource(split(scope)) is None and of_id(scope) is not None
    group = parse_resource(split(scope))
    mg_scope = group is not None and group.full_type.lower() == GROUP and not group.is_collection
    if not (rg_scope or mg_scope) or len(rp.types) != 1:
        return None
    scope_key = id_key(scope)
    above = set(scopes_above(ctx.store, scope))
    out = []
    for res in ctx.store.of_type(rp.full_type.lower()):
        at = id_key(str(props(res.body).get("scope") or res.id.rpartition("/providers/")[0] or "/"))
        if at in above or under(scope_key, at) or (not mg_scope and under(at, scope_key)):
            out.append(ctx.render(res))
    return out
