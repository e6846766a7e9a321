"""Microsoft.Authorization role definitions and role assignments.

Called by :mod:`lzengine.emulator.hooks` with the backend lock held, and by the app's RBAC check
(custom role permissions). What it models:

* Built-in role definitions answered by id at any scope (``GET .../roleDefinitions/{guid}``,
  lists with ``$filter=roleName eq '...'``), custom ones created through the API.
* Role assignments: the name must be a GUID (``InvalidRoleAssignmentId``), the role definition
  must exist (``RoleDefinitionDoesNotExist``), the principal must be known to the directory
  unless ``principalType`` is given (``PrincipalNotFound``, the replication-delay error) and must
  then have that type (``UnmatchedPrincipalType``); one assignment per (scope, role,
  principal) (``RoleAssignmentExists``); the principal, role and scope are immutable
  (``RoleAssignmentUpdateNotPermitted``).

The directory is: the emulator's principals, the objects registered with
``POST /_emulator/directory``, and every managed identity in the store (system-assigned
identities of resources, user-assigned identities).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import TENANT_ID, ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.roles import BUILTIN_ROLES, guid_of
from lzengine.emulator.rp_common import now_iso, props, stable_guid
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import GENERIC_VERSIONS, REGIONS, DeleteMode, PutMode, TypeSpec, sync

ROLE_ASSIGNMENT = "microsoft.authorization/roleassignments"
ROLE_DEFINITION = "microsoft.authorization/roledefinitions"
MSI = "microsoft.managedidentity/userassignedidentities"
PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal", "ForeignGroup", "Device")


def _is_guid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def directory(ctx: ProviderContext) -> dict[str, str]:
    """Known principal object ids (lower case) → principal type."""
    known: dict[str, str] = {k.lower(): v for k, v in ctx.directory.items()}
    for res in ctx.store.all():
        ident = res.body.get("identity")
        if isinstance(ident, dict) and ident.get("principalId"):
            known.setdefault(str(ident["principalId"]).lower(), "ServicePrincipal")
    for res in ctx.store.of_type(MSI):
        pid = props(res.body).get("principalId")
        if pid:
            known.setdefault(str(pid).lower(), "ServicePrincipal")
    return known


def custom_role(ctx: ProviderContext, guid: str) -> Resource | None:
    for res in ctx.store.of_type(ROLE_DEFINITION):
        if res.body.get("name", "").lower() == guid.lower():
            return res
    return None


def role_exists(ctx: ProviderContext, role_definition_id: str) -> bool:
    guid = guid_of(role_definition_id)
    return guid in BUILTIN_ROLES or custom_role(ctx, guid) is not None


def _validate_role_assignment(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
        parent_body: dict[str, Any] | None) -> None:
    _validate_assignment(ctx, rp, props(body), existing)


def _validate_role_definition(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
        parent_body: dict[str, Any] | None) -> None:
    p = props(body)
    if not p.get("roleName"):
        raise errors.bad_request("InvalidRoleDefinition", "A role definition needs properties.roleName.")
    if not _is_guid(rp.name):
        raise errors.bad_request("InvalidRoleDefinitionId",
                                 f"The role definition ID '{rp.name}' is not valid. It must be a GUID.")
    for other in ctx.store.of_type(ROLE_DEFINITION):
        if other.body.get("name", "").lower() != rp.name.lower() and str(
                props(other.body).get("roleName", "")).lower() == str(p["roleName"]).lower():
            raise errors.ArmError(409, "RoleDefinitionWithSameNameExists",
                                  f"A custom role with the same name '{p['roleName']}' already exists.")


def _validate_assignment(ctx: ProviderContext, rp: ResourcePath, p: dict[str, Any], existing: Resource | None) -> None:
    if not _is_guid(rp.name):
        raise errors.bad_request(
            "InvalidRoleAssignmentId",
            f"The role assignment ID '{rp.name}' is not valid. The role assignment ID must be a GUID.")
    role = str(p.get("roleDefinitionId") or "")
    principal = str(p.get("principalId") or "")
    if not role or not principal:
        raise errors.bad_request(
            "InvalidRequestContent",
            "A role assignment needs properties.roleDefinitionId and properties.principalId.")
    if existing is not None:
        old = props(existing.body)
        if (guid_of(str(old.get("roleDefinitionId", ""))) != guid_of(role)
                or str(old.get("principalId", "")).lower() != principal.lower()):
            raise errors.bad_request(
                "RoleAssignmentUpdateNotPermitted",
                "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
            )  # fmt: skip
        return
    if not role_exists(ctx, role):
        raise errors.bad_request(
            "RoleDefinitionDoesNotExist", f"The specified role definition with ID '{guid_of(role)}' does not exist.")
    ptype = p.get("principalType")
    if ptype is not None and str(ptype) not in PRINCIPAL_TYPES:
        raise errors.bad_request(
            "InvalidPrincipalType",
            f"The principal type '{ptype}' is not valid. Use one of {', '.join(PRINCIPAL_TYPES)}.")
    known = directory(ctx).get(principal.lower())
    if known is None and ptype is None:
        raise errors.bad_request(
            "PrincipalNotFound",
            f"Principal {principal.replace('-', '')} does not exist in the directory {TENANT_ID}. Check that you "
            "have the correct principal ID. If you are creating this principal and then immediately assigning "
            "a role, this error might be related to a replication delay. In this case, set the role assignment "
            "principalType property to a value, such as ServicePrincipal, User, or Group. See "
            "https://aka.ms/docs-principaltype",
        )  # fmt: skip
    if known is not None and ptype is not None and str(ptype).lower() != known.lower():
        raise errors.bad_request(
            "UnmatchedPrincipalType",
            f"The PrincipalId '{principal.replace('-', '')}' has type '{known}' , which is different from "
            f"specified PrincipalType '{ptype}'.")
    scope_key = id_key(rp.scope)
    for other in ctx.store.of_type(ROLE_ASSIGNMENT):
        op = props(other.body)
        if (id_key(str(op.get("scope", ""))) == scope_key
                and guid_of(str(op.get("roleDefinitionId", ""))) == guid_of(role)
                and str(op.get("principalId", "")).lower() == principal.lower()):
            raise errors.ArmError(409, "RoleAssignmentExists", "The role assignment already exists.")


def _after_role_assignment(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
        state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = props(existing.body) if existing else {}
    p["scope"] = rp.scope or "/"
    known = directory(ctx).get(str(p.get("principalId", "")).lower())
    p["principalType"] = p.get("principalType") or known or "User"
    p["createdOn"] = old.get("createdOn") or now_iso()
    p["updatedOn"] = now_iso()
    p.setdefault("condition", None)
    p.setdefault("conditionVersion", None)
    p.setdefault("description", None)


def _after_role_definition(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
        state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = props(existing.body) if existing else {}
    p["type"] = "CustomRole"
    p.setdefault("assignableScopes", [rp.scope or "/"])
    p.setdefault("permissions", [])
    p["createdOn"] = old.get("createdOn") or now_iso()
    p["updatedOn"] = now_iso()


def _assignment_not_found(ctx: ProviderContext, rp: ResourcePath) -> errors.ArmError:
    return errors.ArmError(404, "RoleAssignmentNotFound", f"The role assignment '{rp.name}' is not found.")


def _definition_not_found(ctx: ProviderContext, rp: ResourcePath) -> errors.ArmError:
    return errors.ArmError(404, "RoleDefinitionDoesNotExist",
                           f"The specified role definition with ID '{rp.name}' does not exist.")


def virtual_get(ctx: ProviderContext, rp: ResourcePath) -> dict[str, Any] | None:
    """A built-in role definition (computed), or a custom one read through its subscription-level id."""
    role = BUILTIN_ROLES.get(rp.name.lower())
    if role is not None:
        return role.body(rp.scope)
    custom = custom_role(ctx, rp.name)
    return ctx.render(custom) if custom is not None else None


_FILTER = re.compile(r"roleName\s+eq\s+'([^']*)'", re.IGNORECASE)


def virtual_list(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]] | None:
    """Built-in and custom role definitions, ``$filter=roleName eq '...'`` applied."""
    query = ctx.query
    items = [r.body(rp.scope) for r in BUILTIN_ROLES.values()]
    items += [ctx.render(r) for r in ctx.store.of_type(ROLE_DEFINITION)]
    wanted = _FILTER.search(query.get("$filter", ""))
    if wanted:
        items = [i for i in items if str(i["properties"].get("roleName", "")).lower() == wanted.group(1).lower()]
    return items


def custom_permissions(ctx: ProviderContext) -> dict[str, list[tuple[list[str], list[str]]]]:
    """Permission blocks of custom role definitions by GUID (for the RBAC check)."""
    from lzengine.emulator.roles import permission_blocks

    return {r.body.get("name", "").lower(): permission_blocks(r.body) for r in ctx.store.of_type(ROLE_DEFINITION)}


# ---------------------------------------------------------------------------- managed identities
def compose_identity(ctx: ProviderContext, body: dict[str, Any], existing: Resource | None) -> None:
    """Fill ``principalId``/``tenantId`` of a system identity and the ids of user identities (any type)."""
    ident = body.get("identity")
    if not isinstance(ident, dict):
        return
    kind = str(ident.get("type") or "")
    if "systemassigned" in kind.lower().replace(" ", "").replace(",", ""):
        old = (existing.body.get("identity") or {}) if existing else {}
        ident["principalId"] = old.get("principalId") or stable_guid("system", body["id"])
        ident["tenantId"] = TENANT_ID
    else:
        ident.pop("principalId", None)
    users = ident.get("userAssignedIdentities")
    if isinstance(users, dict):
        for uid in list(users):
            target = ctx.store.get(id_key(uid))
            tp = target.body.get("properties", {}) if target else {}
            users[uid] = {
                "principalId": tp.get("principalId") or stable_guid("user", uid),
                "clientId": tp.get("clientId") or stable_guid("client", uid),
            }


def _after_identity(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                    state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = existing.body.get("properties", {}) if existing else {}
    p["principalId"] = old.get("principalId") or stable_guid("msi-principal", res.id)
    p["clientId"] = old.get("clientId") or stable_guid("msi-client", res.id)
    p["tenantId"] = TENANT_ID


AUTHORIZATION_VERSIONS = (
    "2015-07-01", "2018-01-01-preview", "2018-09-01-preview", "2020-04-01-preview",
    "2020-10-01-preview", "2022-04-01", "2022-05-01-preview",
)  # fmt: skip
_PROXY: dict[str, Any] = {"listed": False, "state_field": False, "policy_exempt": True}
MSI_VERSIONS = ("2018-11-30", "2021-09-30-preview", "2022-01-31-preview", "2023-01-31", "2024-11-30")

SPECS: list[TypeSpec] = [
    # proxy resources: not in the generic /resources lists, no provisioningState, not evaluated by Azure Policy
    sync("Microsoft.Authorization/roleAssignments", AUTHORIZATION_VERSIONS, create=PutMode(201),
         update=PutMode(200), delete=DeleteMode(200, body=True), **_PROXY),
    sync("Microsoft.Authorization/roleDefinitions", AUTHORIZATION_VERSIONS, **_PROXY),
    sync("Microsoft.Authorization/locks", ("2016-09-01", "2020-05-01"), **_PROXY),
    # user-assigned identities are principals of the directory the role checks use
    sync("Microsoft.ManagedIdentity/userAssignedIdentities", MSI_VERSIONS, locations=REGIONS),
]
NAMESPACE_DEFAULTS = {
    "microsoft.authorization": sync("Microsoft.Authorization/*", GENERIC_VERSIONS, **_PROXY),
}


HANDLERS: dict[str, Handler] = {
    ROLE_ASSIGNMENT: Handler(validate=_validate_role_assignment, after_put=_after_role_assignment,
                             not_found=_assignment_not_found),
    ROLE_DEFINITION: Handler(validate=_validate_role_definition, after_put=_after_role_definition,
                             not_found=_definition_not_found, virtual_get=virtual_get, virtual_list=virtual_list),
    MSI: Handler(after_put=_after_identity),
}
