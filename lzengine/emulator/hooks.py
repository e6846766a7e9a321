"""Provider behaviour that is code rather than data: the dispatcher the backend calls.

:mod:`lzengine.emulator.backend` calls these functions at fixed points of a request, with its
lock held: ``validate_put`` (reject a body, before anything is written), ``put_status``,
``compose_identity`` (fill managed-identity ids), ``after_put`` (server-filled properties),
``check_child_removal`` / ``validate_delete`` (in-use checks), ``on_removed`` (bookkeeping after
a resource disappears), ``render`` (read-time back-references), and ``virtual_get`` /
``virtual_list`` / ``not_found`` for resources that are computed rather than stored (built-in
role and policy definitions, usages, record-set lists). Each dispatches on the lower-case type
to one module per provider: :mod:`~lzengine.emulator.rp_network`,
:mod:`~lzengine.emulator.rp_cognitive`, :mod:`~lzengine.emulator.rp_search`,
:mod:`~lzengine.emulator.rp_web`, :mod:`~lzengine.emulator.rp_monitor`,
:mod:`~lzengine.emulator.rp_authorization` and :mod:`~lzengine.emulator.governance` (policy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lzengine.emulator import (
    errors,
    rp_authorization,
    rp_cognitive,
    rp_monitor,
    rp_network,
    rp_search,
    rp_web,
)
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.registry import TypeSpec
from lzengine.emulator.rp_common import stable_guid
from lzengine.emulator.store import Resource

if TYPE_CHECKING:
    from lzengine.emulator.backend import Backend, Operation

__all__ = [
    "after_put", "check_child_removal", "compose_identity", "not_found", "on_removed", "put_status", "render",
    "stable_guid", "validate_delete", "validate_put", "virtual_get", "virtual_list",
]  # fmt: skip

MSI = "microsoft.managedidentity/userassignedidentities"
POLICY_ASSIGNMENT = "microsoft.authorization/policyassignments"
_WEB = ("microsoft.web/",)
_MONITOR = ("microsoft.insights/", "microsoft.operationalinsights/")


def _ns(t: str) -> str:
    return t.split("/", 1)[0]


# ---------------------------------------------------------------------------- validation
def validate_put(backend: Backend, rp: ResourcePath, spec: TypeSpec, body: dict[str, Any],
                 existing: Resource | None, parent_body: dict[str, Any] | None = None) -> None:
    """Reject a PUT body. ``parent_body``: the parent's new body when the resource is written
    inline (a subnet inside a VNet PUT); checks across siblings are then the parent's job."""
    t = spec.lower
    ns = _ns(t)
    if ns == "microsoft.network":
        rp_network.validate_put(backend, rp, t, body, existing, parent_body)
    elif ns == "microsoft.cognitiveservices":
        rp_cognitive.validate_put(backend, rp, t, body, existing)
    elif t == rp_search.SEARCH:
        rp_search.validate_put(backend, rp, body, existing)
    elif t.startswith(_WEB):
        rp_web.validate_put(backend, rp, t, body, existing)
    elif t.startswith(_MONITOR):
        rp_monitor.validate_put(backend, rp, t, body, existing)
    elif ns == "microsoft.authorization":
        if t.startswith("microsoft.authorization/policy"):
            backend.policy.validate_put(rp, t, body, existing)
        else:
            rp_authorization.validate_put(backend, rp, t, body, existing)


def put_status(backend: Backend, rp: ResourcePath, spec: TypeSpec, body: dict[str, Any],
               existing: Resource | None, status: int) -> int:
    return status


def validate_delete(backend: Backend, res: Resource) -> None:
    """Refuse a DELETE of something still in use; remember what a soft delete keeps."""
    check_child_removal(backend, res)
    rp_web.check_removal(backend, res)
    rp_cognitive.before_delete(backend, res)


def check_child_removal(backend: Backend, child: Resource) -> None:
    """A subnet that still holds NICs, appliances, private endpoints or links cannot be removed (nor
    its VNet, nor an NSG, route table or public IP that something uses)."""
    rp_network.check_removal(backend, child)


# ---------------------------------------------------------------------------- composition
def compose_identity(backend: Backend, body: dict[str, Any], existing: Resource | None) -> None:
    """Fill ``principalId``/``tenantId`` of a system identity and the ids of user identities."""
    from lzengine.emulator.backend import TENANT_ID

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
            target = backend.store.get(id_key(uid))
            tp = target.body.get("properties", {}) if target else {}
            users[uid] = {
                "principalId": tp.get("principalId") or stable_guid("user", uid),
                "clientId": tp.get("clientId") or stable_guid("client", uid),
            }


def after_put(backend: Backend, rp: ResourcePath, spec: TypeSpec, res: Resource,
              existing: Resource | None, op: Operation | None, state: str) -> None:
    t = spec.lower
    ns = _ns(t)
    if ns == "microsoft.network":
        rp_network.after_put(backend, rp, t, res, existing, op, state)
    elif ns == "microsoft.cognitiveservices":
        rp_cognitive.after_put(backend, rp, t, res, existing)
    elif t == rp_search.SEARCH:
        rp_search.after_put(res)
    elif t.startswith(_WEB):
        rp_web.after_put(backend, rp, t, res, existing)
    elif t.startswith(_MONITOR):
        rp_monitor.after_put(backend, rp, t, res, existing)
    elif t == MSI:
        from lzengine.emulator.backend import TENANT_ID

        p = res.body.setdefault("properties", {})
        old = existing.body.get("properties", {}) if existing else {}
        p["principalId"] = old.get("principalId") or stable_guid("msi-principal", res.id)
        p["clientId"] = old.get("clientId") or stable_guid("msi-client", res.id)
        p["tenantId"] = TENANT_ID
    elif t == POLICY_ASSIGNMENT:
        p = res.body.setdefault("properties", {})
        p["scope"] = rp.scope or "/"
        p.setdefault("enforcementMode", "Default")
        p.setdefault("notScopes", [])
        p.setdefault("parameters", {})
    elif t in ("microsoft.authorization/policydefinitions", "microsoft.authorization/policysetdefinitions"):
        p = res.body.setdefault("properties", {})
        p["policyType"] = "Custom"
        if t.endswith("/policydefinitions"):
            p.setdefault("mode", "Indexed")
        p.setdefault("parameters", {})
    elif ns == "microsoft.authorization":
        rp_authorization.after_put(backend, rp, t, res, existing)


def on_removed(backend: Backend, res: Resource) -> None:
    """Bookkeeping after a resource is gone: PE NICs, DNS records, peer state, soft delete, policy."""
    t = res.type.lower()
    backend.policy.forget(res.key)
    if _ns(t) == "microsoft.network":
        rp_network.on_removed(backend, res)
    elif t == rp_cognitive.ACCOUNT:
        rp_cognitive.soft_delete(backend, res)
    elif t == POLICY_ASSIGNMENT:
        backend.policy.forget_assignment(res.id)


# ---------------------------------------------------------------------------- reads
def render(backend: Backend, res: Resource, body: dict[str, Any]) -> None:
    """Read-time fields (back-references); ``body["properties"]`` is a copy the hook may change."""
    t = res.type.lower()
    if _ns(t) in ("microsoft.network", "microsoft.cognitiveservices") or t in (rp_search.SEARCH, rp_web.SITE):
        rp_network.render(backend, res, body)
    if t == rp_web.PLAN:
        rp_web.render(backend, res, body)


def virtual_get(backend: Backend, rp: ResourcePath) -> dict[str, Any] | None:
    """The body of a resource that is computed, not stored (``None``: not one of those)."""
    t = rp.full_type.lower()
    if t.startswith("microsoft.authorization/policy"):
        return backend.policy.virtual_get(rp)
    if t == rp_authorization.ROLE_DEFINITION:
        return rp_authorization.virtual_get(backend, rp)
    return None


def virtual_list(backend: Backend, rp: ResourcePath, query: dict[str, str]) -> list[dict[str, Any]] | None:
    """The items of a computed collection (``None``: list the store as usual)."""
    t = rp.full_type.lower()
    ns = _ns(t)
    if t.startswith("microsoft.authorization/policy"):
        return backend.policy.virtual_list(rp)
    if t == rp_authorization.ROLE_DEFINITION:
        return rp_authorization.virtual_list(backend, rp, query)
    if ns == "microsoft.cognitiveservices":
        return rp_cognitive.virtual_list(backend, rp)
    if ns == "microsoft.network":
        return rp_network.virtual_list(backend, rp)
    return None


def not_found(backend: Backend, rp: ResourcePath) -> errors.ArmError | None:
    """A type's own 404 (``PolicyDefinitionNotFound``...) instead of ``ResourceNotFound``."""
    t = rp.full_type.lower()
    if t.startswith("microsoft.authorization/policy"):
        return backend.policy.not_found(rp)
    if t.startswith("microsoft.authorization/role"):
        return rp_authorization.not_found(rp)
    return None
