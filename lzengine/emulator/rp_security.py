"""Microsoft.Security: Defender for Cloud assessments, computed from what they assess.

Registry row (``SPECS``) and handler (``HANDLERS``), collected by :mod:`lzengine.emulator.registry`.
Assessments are not stored: ``GET {resource}/providers/Microsoft.Security/assessments`` answers them
from the assessed resource, and Azure Policy existence conditions (``AuditIfNotExists`` on
``Microsoft.Security/assessments``) read them through the same handler. One assessment is modelled:
"Subnets should be associated with a network security group" on subnets (healthy with an NSG, not
applicable to the subnets Azure manages itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import props
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import TypeSpec, sync

ASSESSMENTS = "microsoft.security/assessments"
SUBNET = "microsoft.network/virtualnetworks/subnets"
SUBNET_NSG = "eade5b56-eefd-444f-95c8-23f29e5d93cb"  # the built-in assessment's name (its GUID)
_NSG_EXEMPT_SUBNETS = ("gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet",
                       "routeserversubnet")  # fmt: skip
SECURITY_VERSIONS = ("2019-01-01-preview", "2020-01-01", "2021-06-01")

SPECS: list[TypeSpec] = [
    sync("Microsoft.Security/assessments", SECURITY_VERSIONS, listed=False, state_field=False, compliance_scan=False),
]


def _subnet_nsg(subnet: Resource) -> dict[str, Any]:
    if str(subnet.body.get("name", "")).lower() in _NSG_EXEMPT_SUBNETS:
        code = "NotApplicable"
    else:
        code = "Healthy" if props(subnet.body).get("networkSecurityGroup") else "Unhealthy"
    return {
        "id": f"{subnet.id}/providers/Microsoft.Security/assessments/{SUBNET_NSG}",
        "name": SUBNET_NSG, "type": "Microsoft.Security/assessments",
        "properties": {"displayName": "Subnets should be associated with a network security group",
                       "status": {"code": code}, "resourceDetails": {"Source": "Azure", "Id": subnet.id}},
    }  # fmt: skip


#: assessed type → the assessments Defender computes for one resource of it
_BY_TYPE: dict[str, list[Callable[[Resource], dict[str, Any]]]] = {SUBNET: [_subnet_nsg]}


def _list_assessments(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]]:
    """``{resource}/providers/Microsoft.Security/assessments``: the assessments of that resource."""
    assessed = ctx.store.get(id_key(rp.scope))
    if assessed is None:
        return []
    return [make(assessed) for make in _BY_TYPE.get(assessed.type.lower(), [])]


HANDLERS: dict[str, Handler] = {
    ASSESSMENTS: Handler(virtual_list=_list_assessments),
}
