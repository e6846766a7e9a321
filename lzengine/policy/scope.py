"""Which assignments apply to a resource: scope containment, ``notScopes`` and definition ``mode``.

Called by :mod:`lzengine.policy.engine` before evaluating any rule; hosts may call
:func:`scope_contains` and :func:`is_indexed_type` directly (e.g. to list the assignments that
govern a resource). Pure string logic over ARM ids; the type table is data.
"""

from __future__ import annotations

__all__ = [
    "INDEXED_CHILD_TYPES",
    "NOT_INDEXED_TYPES",
    "applies_to_mode",
    "is_indexed_type",
    "resource_group_id",
    "scope_contains",
]


def _norm(resource_id: str) -> str:
    return "/" + resource_id.strip().strip("/").lower()


def scope_contains(scope: str, resource_id: str, management_group_ids: tuple[str, ...] = ()) -> bool:
    """True if ``resource_id`` is ``scope`` or below it (case-insensitive, on segment boundaries).

    A management-group scope contains a resource when that group is among
    ``management_group_ids`` (the subscription's ancestors, as ids or bare names, supplied by the
    host). The root
    scope ``/`` contains everything.
    """
    s = _norm(scope)
    if s == "/":
        return True
    if s.startswith("/providers/microsoft.management/managementgroups/"):
        wanted = s.rsplit("/", 1)[-1]
        for mg in management_group_ids:
            bare = mg.strip().strip("/")
            if ("/" in bare and _norm(bare) == s) or ("/" not in bare and bare.lower() == wanted):
                return True
        return False
    r = _norm(resource_id)
    return r == s or r.startswith(s + "/")


def resource_group_id(resource_id: str) -> str | None:
    """``/subscriptions/s/resourceGroups/rg/...`` → ``/subscriptions/s/resourceGroups/rg``."""
    parts = resource_id.strip("/").split("/")
    if len(parts) >= 4 and parts[0].lower() == "subscriptions" and parts[2].lower() == "resourcegroups":
        return "/" + "/".join(parts[:4])
    return None


NOT_INDEXED_TYPES: frozenset[str] = frozenset(
    {
        # Evaluated only by mode "All" (learn.microsoft.com: definition structure basics, Mode).
        "microsoft.resources/subscriptions",
        "microsoft.resources/subscriptions/resourcegroups",
        "microsoft.resources/resourcegroups",
        # Top-level or extension types without tags and location.
        "microsoft.resources/deployments",
        "microsoft.resources/links",
        "microsoft.authorization/policyassignments",
        "microsoft.authorization/policydefinitions",
        "microsoft.authorization/policysetdefinitions",
        "microsoft.authorization/policyexemptions",
        "microsoft.authorization/roleassignments",
        "microsoft.authorization/roledefinitions",
        "microsoft.authorization/locks",
        "microsoft.insights/diagnosticsettings",
        "microsoft.insights/datacollectionruleassociations",
        "microsoft.security/assessments",
        "microsoft.security/pricings",
    }
)
"""Types never evaluated under ``mode: Indexed``."""

INDEXED_CHILD_TYPES: frozenset[str] = frozenset(
    {
        # Child types that do support tags and location.
        "microsoft.network/privatednszones/virtualnetworklinks",
        "microsoft.network/networkwatchers/flowlogs",
        "microsoft.network/networkwatchers/connectionmonitors",
        "microsoft.network/virtualhubs/bgpconnections",
        "microsoft.sql/servers/databases",
        "microsoft.sql/servers/elasticpools",
        "microsoft.web/sites/slots",
        "microsoft.compute/virtualmachines/extensions",
        "microsoft.compute/virtualmachinescalesets/extensions",
        "microsoft.automation/automationaccounts/runbooks",
        "microsoft.automation/automationaccounts/configurations",
        "microsoft.machinelearningservices/workspaces/computes",
        "microsoft.machinelearningservices/workspaces/onlineendpoints",
        "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments",
        "microsoft.documentdb/databaseaccounts/sqldatabases",
        "microsoft.operationalinsights/workspaces/datasources",
    }
)
"""Child types (``ns/parent/child``) that ``mode: Indexed`` still evaluates."""


def is_indexed_type(resource_type: str) -> bool:
    """Whether ``mode: Indexed`` evaluates this type (it supports tags and location).

    Top-level types are assumed to, except :data:`NOT_INDEXED_TYPES`; child types are assumed not
    to, except :data:`INDEXED_CHILD_TYPES` (routes, subnets, security rules, ... carry no tags).
    """
    t = resource_type.strip().lower()
    if t in NOT_INDEXED_TYPES:
        return False
    if t.count("/") == 1:
        return True
    return t in INDEXED_CHILD_TYPES


def applies_to_mode(mode: str, resource_type: str) -> bool:
    """``All`` evaluates every type; ``Indexed`` (and a missing mode) only indexed ones. Resource
    provider modes (``Microsoft.Kubernetes.Data``, ...) never apply to ARM requests."""
    m = (mode or "indexed").strip().lower()
    if m == "all":
        return True
    if m == "indexed":
        return is_indexed_type(resource_type)
    return False
