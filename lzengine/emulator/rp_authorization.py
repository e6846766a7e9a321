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
from typing import TYPE_CHECKING, Any

from lzengine.emulator import errors
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.roles import BUILTIN_ROLES, guid_of
from lzengine.emulator.rp_common import now_iso, props
from lzengine.emulator.store import Resource

if TYPE_CHECKING:
    from lzengine.emulator.backend import Backend

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


def directory(backend: Backend) -> dict[str, str]:
    """Known principal object ids (lower case) → principal type."""
    known: dict[str, str] = {k.lower(): v for k, v in backend.directory.items()}
    for res in backend.store.all():
        ident = res.body.get("identity")
        if isinstance(ident, dict) and ident.get("principalId"):
            known.setdefault(str(ident["principalId"]).lower(), "ServicePrincipal")
        if res.type.lower() == MSI:
            pid = props(res.body).get("principalId")
            if pid:
                known.setdefault(str(pid).lower(), "ServicePrincipal")
    return known


def custom_role(backend: Backend, guid: str) -> Resource | None:
    for res in backend.store.of_type(ROLE_DEFINITION):
        if res.body.get("name", "").lower() == guid.lower():
            return res
    return None


def role_exists(backend: Backend, role_definition_id: str) -> bool:
    guid = guid_of(role_definition_id)
    return guid in BUILTIN_ROLES or custom_role(backend, guid) is not None


def validate_put(backend: Backend, rp: ResourcePath, t: str, body: dict[str, Any], existing: Resource | None) -> None:
    if t == ROLE_ASSIGNMENT:
        _validate_assignment(backend, rp, props(body), existing)
    elif t == ROLE_DEFINITION:
        p = props(body)
        if not p.get("roleName"):
            raise errors.bad_request("InvalidRoleDefinition", "A role definition needs properties.roleName.")
        if not _is_guid(rp.name):
            raise errors.bad_request("InvalidRoleDefinitionId",
                                     f"The role definition ID '{rp.name}' is not valid. It must be a GUID.")
        for other in backend.store.of_type(ROLE_DEFINITION):
            if other.body.get("name", "").lower() != rp.name.lower() and str(
                    props(other.body).get("roleName", "")).lower() == str(p["roleName"]).lower():
                raise errors.ArmError(409, "RoleDefinitionWithSameNameExists",
                                      f"A custom role with the same name '{p['roleName']}' already exists.")


def _validate_assignment(backend: Backend, rp: ResourcePath, p: dict[str, Any], existing: Resource | None) -> None:
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
    if not role_exists(backend, role):
        raise errors.bad_request(
            "RoleDefinitionDoesNotExist", f"The specified role definition with ID '{guid_of(role)}' does not exist.")
    ptype = p.get("principalType")
    if ptype is not None and str(ptype) not in PRINCIPAL_TYPES:
        raise errors.bad_request(
            "InvalidPrincipalType",
            f"The principal type '{ptype}' is not valid. Use one of {', '.join(PRINCIPAL_TYPES)}.")
    from lzengine.emulator.backend import TENANT_ID

    known = directory(backend).get(principal.lower())
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
    for other in backend.store.of_type(ROLE_ASSIGNMENT):
        op = props(other.body)
        if (id_key(str(op.get("scope", ""))) == scope_key
                and guid_of(str(op.get("roleDefinitionId", ""))) == guid_of(role)
                and str(op.get("principalId", "")).lower() == principal.lower()):
            raise errors.ArmError(409, "RoleAssignmentExists", "The role assignment already exists.")


def after_put(backend: Backend, rp: ResourcePath, t: str, res: Resource, existing: Resource | None) -> None:
    p = res.body.setdefault("properties", {})
    old = props(existing.body) if existing else {}
    if t == ROLE_ASSIGNMENT:
        p["scope"] = rp.scope or "/"
        known = directory(backend).get(str(p.get("principalId", "")).lower())
        p["principalType"] = p.get("principalType") or known or "User"
        p["createdOn"] = old.get("createdOn") or now_iso()
        p["updatedOn"] = now_iso()
        p.setdefault("condition", None)
        p.setdefault("conditionVersion", None)
        p.setdefault("description", None)
    elif t == ROLE_DEFINITION:
        p["type"] = "CustomRole"
        p.setdefault("assignableScopes", [rp.scope or "/"])
        p.setdefault("permissions", [])
        p["createdOn"] = old.get("createdOn") or now_iso()
        p["updatedOn"] = now_iso()


def not_found(rp: ResourcePath) -> errors.ArmError | None:
    t = rp.full_type.lower()
    if t == ROLE_ASSIGNMENT:
        return errors.ArmError(404, "RoleAssignmentNotFound", f"The role assignment '{rp.name}' is not found.")
    if t == ROLE_DEFINITION:
        return errors.ArmError(404, "RoleDefinitionDoesNotExist",
                               f"The specified role definition with ID '{rp.name}' does not exist.")
    return None


def virtual_get(backend: Backend, rp: ResourcePath) -> dict[str, Any] | None:
    if rp.full_type.lower() == ROLE_DEFINITION:
        role = BUILTIN_ROLES.get(rp.name.lower())
        if role is not None:
            return role.body(rp.scope)
        custom = custom_role(backend, rp.name)
        if custom is not None:
            return backend.render(custom)
    return None


_FILTER = re.compile(r"roleName\s+eq\s+'([^']*)'", re.IGNORECASE)


def virtual_list(backend: Backend, rp: ResourcePath, query: dict[str, str]) -> list[dict[str, Any]] | None:
    if rp.full_type.lower() != ROLE_DEFINITION:
        return None
    items = [r.body(rp.scope) for r in BUILTIN_ROLES.values()]
    items += [backend.render(r) for r in backend.store.of_type(ROLE_DEFINITION)]
    wanted = _FILTER.search(query.get("$filter", ""))
    if wanted:
        items = [i for i in items if str(i["properties"].get("roleName", "")).lower() == wanted.group(1).lower()]
    return items


def custom_permissions(backend: Backend) -> dict[str, list[tuple[list[str], list[str]]]]:
    """Permission blocks of custom role definitions by GUID (for the RBAC check)."""
    from lzengine.emulator.roles import permission_blocks

    return {r.body.get("name", "").lower(): permission_blocks(r.body) for r in backend.store.of_type(ROLE_DEFINITION)}
