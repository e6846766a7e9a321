"""Per-type behaviour of the emulated resource providers, kept as data.

Called by :mod:`lzengine.emulator.backend` (how a PUT/DELETE answers, how long it takes, which
error code a busy resource gives), by :mod:`lzengine.emulator.app` (api-version checks, provider
listings) and by the ``/_emulator/latency`` admin endpoint. One table row per resource type; a
type not in the table falls back to its namespace's defaults, and an unknown ``Microsoft.*``
namespace to a plain synchronous provider, so any ARM type can be stored.

The status codes follow what the typed Python SDKs accept (see shared notes, arm-protocol §4):
Network answers 201/200 with ``Updating`` and ``Azure-AsyncOperation``; Private DNS 202 with
``Location`` and ``Azure-AsyncOperation``; Cognitive Services and Search use body polling; App
Service creates answer 202 with a body; App Insights components 200 only; policy objects 201 only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lzengine.emulator import locations

API_VERSION_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9.]+)?$")


@dataclass(frozen=True)
class PutMode:
    """How a PUT answers.

    ``transient`` is the provisioningState shown while the operation runs; ``None`` means the PUT
    is synchronous (the body already shows the success state and no operation is created).
    """

    status: int
    transient: str | None = None
    async_header: bool = False
    location_header: bool = False
    body: bool = True


@dataclass(frozen=True)
class DeleteMode:
    """How a DELETE answers; ``transient`` set means an LRO (202) that removes the resource later."""

    status: int
    transient: str | None = None
    async_header: bool = False
    location_header: bool = False
    absent_status: int = 204
    body: bool = False


@dataclass(frozen=True)
class InlineChildren:
    """A parent property that mirrors a child collection (``properties.subnets`` of a VNet).

    ``preserve_since``: api-version from which a PUT that omits the property keeps the children
    (``""`` = always keep); ``None`` means an omitted property removes them all.
    """

    prop: str
    child: str
    preserve_since: str | None = None


@dataclass(frozen=True)
class TypeSpec:
    """Behaviour of one resource type. ``type`` is the canonical full type name."""

    type: str
    api_versions: tuple[str, ...]
    create: PutMode
    update: PutMode
    delete: DeleteMode
    latency: tuple[float, float, float] = (0.0, 0.0, 0.0)  # create, update, delete (unscaled s)
    success_state: str = "Succeeded"
    etag: str | None = None  # "network" | "datetime-header" | "datetime-body" | "guid"
    conflict_code: str = "Conflict"
    conflict_status: int = 409
    lock: str = "root"  # "root": one writer for the whole family; "self": per resource
    locations: tuple[str, ...] | None = None
    normalize_location: bool = False
    inline: tuple[InlineChildren, ...] = ()
    extra_status: dict[str, str] = field(default_factory=dict)  # e.g. Search ``status``
    listed: bool = True  # False for proxy/extension types the generic /resources list omits
    state_field: bool = True  # False for types whose body has no provisioningState (policy, roles...)

    @property
    def lower(self) -> str:
        return self.type.lower()

    @property
    def namespace(self) -> str:
        return self.type.split("/", 1)[0]

    @property
    def is_lro_put(self) -> bool:
        return self.create.transient is not None or self.update.transient is not None


#: every public region (networking, identities, resource groups); see :mod:`lzengine.emulator.locations`
REGIONS: tuple[str, ...] = locations.ALL
#: regions where the platform services are offered (restricted-access regions left out)
SERVICE_REGIONS: tuple[str, ...] = locations.SERVICES

NETWORK_VERSIONS = (
    "2018-10-01", "2019-02-01", "2019-04-01", "2019-06-01", "2019-09-01", "2019-11-01",
    "2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01", "2020-07-01", "2020-08-01",
    "2020-11-01", "2021-02-01", "2021-03-01", "2021-05-01", "2021-08-01", "2022-01-01",
    "2022-05-01", "2022-07-01", "2022-09-01", "2022-11-01", "2023-02-01", "2023-04-01",
    "2023-05-01", "2023-06-01", "2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01",
    "2024-05-01", "2024-07-01", "2024-10-01", "2025-01-01", "2025-03-01", "2025-05-01",
    "2025-07-01", "2026-01-01", "2026-03-01",
)  # fmt: skip
PRIVATE_DNS_VERSIONS = ("2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01")
RESOURCES_VERSIONS = (
    "2015-11-01", "2016-02-01", "2016-09-01", "2017-05-10", "2018-05-01", "2019-05-01",
    "2019-07-01", "2019-10-01", "2020-06-01", "2020-10-01", "2021-01-01", "2021-04-01",
    "2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-03-01",
    "2025-04-01",
)  # fmt: skip
COGNITIVE_VERSIONS = (
    "2017-04-18", "2021-04-30", "2021-10-01", "2022-03-01", "2022-10-01", "2022-12-01",
    "2023-05-01", "2023-10-01-preview", "2024-04-01-preview", "2024-06-01-preview",
    "2024-10-01", "2025-04-01-preview", "2025-06-01", "2025-07-01-preview", "2025-09-01",
)  # fmt: skip
SEARCH_VERSIONS = (
    "2015-08-19", "2019-10-01-preview", "2020-03-13", "2020-08-01", "2020-08-01-preview",
    "2021-04-01-preview", "2022-09-01", "2023-11-01", "2024-03-01-preview",
    "2024-06-01-preview", "2025-02-01-preview", "2025-05-01",
)  # fmt: skip
WEB_VERSIONS = (
    "2019-08-01", "2020-06-01", "2020-12-01", "2021-02-01", "2021-03-01", "2022-03-01",
    "2022-09-01", "2023-01-01", "2023-12-01", "2024-04-01", "2024-11-01", "2025-03-01",
    "2025-05-01",
)  # fmt: skip
INSIGHTS_VERSIONS = (
    "2015-05-01", "2018-05-01-preview", "2020-02-02", "2020-02-02-preview",
)
DIAGNOSTIC_VERSIONS = ("2017-05-01-preview", "2020-01-01-preview", "2021-05-01-preview")
LOG_ANALYTICS_VERSIONS = (
    "2015-11-01-preview", "2020-03-01-preview", "2020-08-01", "2020-10-01", "2021-06-01",
    "2021-12-01-preview", "2022-10-01", "2023-09-01", "2025-02-01", "2025-07-01",
)  # fmt: skip
POLICY_VERSIONS = (
    "2019-09-01", "2020-09-01", "2021-06-01", "2022-06-01", "2023-04-01", "2024-04-01",
    "2024-05-01", "2025-01-01", "2025-03-01", "2025-11-01", "2026-06-01",
)  # fmt: skip
AUTHORIZATION_VERSIONS = (
    "2015-07-01", "2018-01-01-preview", "2018-09-01-preview", "2020-04-01-preview",
    "2020-10-01-preview", "2022-04-01", "2022-05-01-preview",
)  # fmt: skip
APIM_VERSIONS = (
    "2021-08-01", "2022-08-01", "2023-03-01-preview", "2023-05-01-preview", "2023-09-01-preview",
    "2024-05-01", "2024-06-01-preview",
)  # fmt: skip
MSI_VERSIONS = ("2018-11-30", "2021-09-30-preview", "2022-01-31-preview", "2023-01-31", "2024-11-30")
GENERIC_VERSIONS: tuple[str, ...] = ()  # empty: any well-formed api-version is accepted

SYNC_CREATE = PutMode(201)
SYNC_UPDATE = PutMode(200)
SYNC_DELETE = DeleteMode(200)

_NET_CREATE = PutMode(201, "Updating", async_header=True)
_NET_UPDATE = PutMode(200, "Updating", async_header=True)
_NET_DELETE = DeleteMode(202, "Deleting", async_header=True, location_header=True)


def _network(type_: str, latency: tuple[float, float, float], **kw: object) -> TypeSpec:
    spec = TypeSpec(
        type=type_,
        api_versions=NETWORK_VERSIONS,
        create=_NET_CREATE,
        update=_NET_UPDATE,
        delete=_NET_DELETE,
        latency=latency,
        etag="network",
        conflict_code="AnotherOperationInProgress",
        locations=REGIONS,
        normalize_location=True,
    )
    return replace(spec, **kw)  # type: ignore[arg-type]


def _private_dns(type_: str, latency: tuple[float, float, float]) -> TypeSpec:
    return TypeSpec(
        type=type_,
        api_versions=PRIVATE_DNS_VERSIONS,
        create=PutMode(202, "Creating", async_header=True, location_header=True, body=False),
        update=PutMode(202, "Updating", async_header=True, location_header=True, body=False),
        delete=DeleteMode(202, "Deleting", async_header=True, location_header=True),
        latency=latency,
        etag="guid",
        locations=("global",),
    )


def _sync(type_: str, versions: tuple[str, ...], **kw: object) -> TypeSpec:
    spec = TypeSpec(
        type=type_, api_versions=versions, create=SYNC_CREATE, update=SYNC_UPDATE, delete=SYNC_DELETE,
        lock="self",
    )
    return replace(spec, **kw)  # type: ignore[arg-type]


_SPECS: list[TypeSpec] = [
    # --- Microsoft.Resources
    _sync(
        "Microsoft.Resources/resourceGroups",
        RESOURCES_VERSIONS,
        delete=DeleteMode(202, "Deleting", location_header=True, absent_status=404),
        latency=(0.0, 0.0, 10.0),
        locations=REGIONS,
    ),
    TypeSpec(
        type="Microsoft.Resources/deployments",
        api_versions=RESOURCES_VERSIONS,
        create=PutMode(201, "Accepted", async_header=True),
        update=PutMode(200, "Accepted", async_header=True),
        delete=DeleteMode(202, "Deleting", location_header=True),
        latency=(30.0, 30.0, 5.0),
        lock="self",
    ),
    # --- Microsoft.Network
    _network(
        "Microsoft.Network/virtualNetworks",
        (5.0, 5.0, 5.0),
        inline=(
            InlineChildren("subnets", "subnets", preserve_since="2023-09-01"),
            InlineChildren("virtualNetworkPeerings", "virtualNetworkPeerings", preserve_since=""),
        ),
    ),
    _network("Microsoft.Network/virtualNetworks/subnets", (3.0, 3.0, 3.0)),
    _network("Microsoft.Network/virtualNetworks/virtualNetworkPeerings", (10.0, 10.0, 5.0)),
    _network(
        "Microsoft.Network/networkSecurityGroups",
        (3.0, 3.0, 3.0),
        inline=(InlineChildren("securityRules", "securityRules"),),
    ),
    _network("Microsoft.Network/networkSecurityGroups/securityRules", (2.0, 2.0, 2.0)),
    _network(
        "Microsoft.Network/routeTables", (3.0, 3.0, 3.0), inline=(InlineChildren("routes", "routes"),)
    ),
    _network("Microsoft.Network/routeTables/routes", (2.0, 2.0, 2.0)),
    _network("Microsoft.Network/publicIPAddresses", (5.0, 5.0, 5.0)),
    _network("Microsoft.Network/networkInterfaces", (3.0, 3.0, 3.0)),
    _network("Microsoft.Network/natGateways", (5.0, 5.0, 5.0)),
    _network("Microsoft.Network/applicationSecurityGroups", (2.0, 2.0, 2.0)),
    _network("Microsoft.Network/ddosProtectionPlans", (10.0, 10.0, 10.0)),
    _network("Microsoft.Network/networkWatchers", (2.0, 2.0, 2.0)),
    _network("Microsoft.Network/azureFirewalls", (600.0, 300.0, 300.0)),
    _network("Microsoft.Network/firewallPolicies", (10.0, 10.0, 10.0)),
    _network("Microsoft.Network/firewallPolicies/ruleCollectionGroups", (20.0, 20.0, 10.0)),
    _network("Microsoft.Network/bastionHosts", (600.0, 300.0, 300.0)),
    _network("Microsoft.Network/applicationGateways", (360.0, 240.0, 180.0)),
    _network("Microsoft.Network/virtualNetworkGateways", (2700.0, 1200.0, 900.0)),
    _network("Microsoft.Network/privateEndpoints", (30.0, 20.0, 20.0)),
    _network("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", (10.0, 10.0, 10.0)),
    _network("Microsoft.Network/privateLinkServices", (30.0, 20.0, 20.0)),
    _private_dns("Microsoft.Network/privateDnsZones", (30.0, 10.0, 30.0)),
    # links of one zone are written side by side in Azure (see lzengine/kinds/privatedns.py)
    replace(_private_dns("Microsoft.Network/privateDnsZones/virtualNetworkLinks", (30.0, 30.0, 30.0)), lock="self"),
    _sync("Microsoft.Network/privateDnsZones/A", PRIVATE_DNS_VERSIONS, etag="guid", lock="root"),
    _sync("Microsoft.Network/privateDnsZones/CNAME", PRIVATE_DNS_VERSIONS, etag="guid", lock="root"),
    _sync("Microsoft.Network/privateDnsZones/SOA", PRIVATE_DNS_VERSIONS, etag="guid", lock="root"),
    _sync("Microsoft.Network/privateDnsZones/AAAA", PRIVATE_DNS_VERSIONS, etag="guid", lock="root"),
    _sync("Microsoft.Network/privateDnsZones/TXT", PRIVATE_DNS_VERSIONS, etag="guid", lock="root"),
    _sync("Microsoft.Network/privateDnsZones/ALL", PRIVATE_DNS_VERSIONS, etag="guid", lock="root", listed=False),
    # --- Microsoft.CognitiveServices
    TypeSpec(
        type="Microsoft.CognitiveServices/accounts",
        api_versions=COGNITIVE_VERSIONS,
        create=PutMode(201, "Creating"),
        update=PutMode(200, "Accepted"),
        delete=DeleteMode(202, "Deleting", location_header=True),
        latency=(90.0, 30.0, 30.0),
        etag="datetime-body",
        conflict_code="RequestConflict",
        locations=SERVICE_REGIONS,
        normalize_location=True,
    ),
    TypeSpec(
        type="Microsoft.CognitiveServices/accounts/deployments",
        api_versions=COGNITIVE_VERSIONS,
        create=PutMode(201, "Accepted"),
        update=PutMode(200, "Accepted"),
        delete=DeleteMode(202, "Deleting", location_header=True),
        latency=(30.0, 20.0, 10.0),
        etag="datetime-body",
        conflict_code="RequestConflict",
    ),
    # --- AI Foundry projects and their connections (lzengine.emulator.rp_cognitive) [latency unconfirmed]
    TypeSpec(
        type="Microsoft.CognitiveServices/accounts/projects",
        api_versions=COGNITIVE_VERSIONS,
        create=PutMode(201, "Creating"),
        update=PutMode(200, "Accepted"),
        delete=DeleteMode(202, "Deleting", location_header=True),
        latency=(30.0, 10.0, 10.0),
        etag="datetime-body",
        conflict_code="RequestConflict",
        locations=SERVICE_REGIONS,
        normalize_location=True,
    ),
    # connections answer 200 to create and update (azure-mgmt-cognitiveservices accepts only 200)
    _sync("Microsoft.CognitiveServices/accounts/projects/connections", COGNITIVE_VERSIONS,
          create=PutMode(200), update=PutMode(200), state_field=False),
    _sync("Microsoft.CognitiveServices/locations/usages", COGNITIVE_VERSIONS, listed=False),
    _sync("Microsoft.CognitiveServices/locations/models", COGNITIVE_VERSIONS, listed=False),
    _sync("Microsoft.CognitiveServices/deletedAccounts", COGNITIVE_VERSIONS, listed=False),
    _sync(
        "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts",
        COGNITIVE_VERSIONS,
        delete=DeleteMode(200),
    ),
    # --- Microsoft.Search (lower-case states, sync delete with empty body)
    TypeSpec(
        type="Microsoft.Search/searchServices",
        api_versions=SEARCH_VERSIONS,
        create=PutMode(201, "provisioning"),
        update=PutMode(200, "provisioning"),
        delete=DeleteMode(200),
        latency=(420.0, 30.0, 0.0),
        success_state="succeeded",
        etag="datetime-header",
        locations=SERVICE_REGIONS,
        extra_status={"provisioning": "provisioning", "succeeded": "running", "failed": "error"},
    ),
    # --- Microsoft.Web (create 202 with body; update synchronous 200)
    TypeSpec(
        type="Microsoft.Web/serverfarms",
        api_versions=WEB_VERSIONS,
        create=PutMode(202, "InProgress", async_header=True, location_header=True),
        update=SYNC_UPDATE,
        delete=SYNC_DELETE,
        latency=(60.0, 0.0, 0.0),
        locations=SERVICE_REGIONS,
        lock="self",
    ),
    TypeSpec(
        type="Microsoft.Web/sites",
        api_versions=WEB_VERSIONS,
        create=PutMode(202, "InProgress", async_header=True, location_header=True),
        update=SYNC_UPDATE,
        delete=SYNC_DELETE,
        latency=(60.0, 0.0, 0.0),
        locations=SERVICE_REGIONS,
        lock="self",
    ),
    # --- Monitoring
    _sync(
        "Microsoft.Insights/components",
        INSIGHTS_VERSIONS,
        create=PutMode(200),
        update=PutMode(200),
        locations=SERVICE_REGIONS,
    ),
    _sync("Microsoft.Insights/actionGroups", ("2019-06-01", "2021-09-01", "2022-06-01", "2023-01-01",
                                              "2023-09-01-preview", "2024-10-01-preview")),
    _sync("Microsoft.Insights/metricAlerts", ("2018-03-01", "2024-03-01-preview"),
          create=PutMode(200), update=PutMode(200)),
    _sync(
        "Microsoft.Insights/diagnosticSettings",
        DIAGNOSTIC_VERSIONS,
        create=PutMode(200),
        update=PutMode(200),
    ),
    TypeSpec(
        type="Microsoft.OperationalInsights/workspaces",
        api_versions=LOG_ANALYTICS_VERSIONS,
        create=PutMode(201, "Creating"),
        update=PutMode(200, "Updating"),
        delete=DeleteMode(202, "Deleting", async_header=True, location_header=True),
        latency=(30.0, 5.0, 5.0),
        locations=SERVICE_REGIONS,
        lock="self",
    ),
    # --- Identity and governance
    _sync("Microsoft.ManagedIdentity/userAssignedIdentities", MSI_VERSIONS, locations=REGIONS),
    _sync(
        "Microsoft.Authorization/policyDefinitions",
        POLICY_VERSIONS,
        create=PutMode(201),
        update=PutMode(201),
        delete=DeleteMode(200, body=True),
    ),
    _sync(
        "Microsoft.Authorization/policySetDefinitions",
        POLICY_VERSIONS,
        create=PutMode(201),
        update=PutMode(201),
        delete=DeleteMode(200, body=True),
    ),
    _sync(
        "Microsoft.Authorization/policyAssignments",
        POLICY_VERSIONS,
        create=PutMode(201),
        update=PutMode(201),
        delete=DeleteMode(200, body=True),
    ),
    _sync(
        "Microsoft.Authorization/policyExemptions",
        POLICY_VERSIONS,
        create=PutMode(201),
        update=PutMode(200),
        delete=DeleteMode(200),
    ),
    _sync(
        "Microsoft.Authorization/roleAssignments",
        AUTHORIZATION_VERSIONS,
        create=PutMode(201),
        update=PutMode(200),
        delete=DeleteMode(200, body=True),
    ),
    _sync("Microsoft.Authorization/roleDefinitions", AUTHORIZATION_VERSIONS),
    _sync("Microsoft.Authorization/locks", ("2016-09-01", "2020-05-01")),
    _sync("Microsoft.KeyVault/vaults", ("2019-09-01", "2022-07-01", "2023-07-01", "2024-11-01"),
          locations=SERVICE_REGIONS),
    _sync("Microsoft.Web/sites/config", WEB_VERSIONS, listed=False),
    _sync("Microsoft.Storage/storageAccounts",
          ("2021-09-01", "2022-09-01", "2023-01-01", "2023-05-01", "2024-01-01", "2025-01-01"),
          locations=SERVICE_REGIONS),
]  # fmt: skip

# --- Microsoft.ApiManagement: the AI gateway (lzengine.emulator.rp_apim). A classic-tier service takes
# 30 to 45 minutes or more to create (API Management lab: "Expect ~45-75 minutes") and infrastructure
# changes 15 minutes or more (Microsoft Learn, internal VNet mode); children are synchronous.
_SPECS += [
    TypeSpec(
        type="Microsoft.ApiManagement/service",
        api_versions=APIM_VERSIONS,
        create=PutMode(201, "Activating"),
        update=PutMode(200, "Updating"),
        delete=DeleteMode(202, "Deleting", location_header=True),
        latency=(2700.0, 900.0, 900.0),
        etag="datetime-body",
        locations=SERVICE_REGIONS,
        normalize_location=True,
    ),
    _sync("Microsoft.ApiManagement/service/backends", APIM_VERSIONS, create=PutMode(201), update=PutMode(200),
          state_field=False),
    # an API's DELETE is long-running in the SDK, which accepts 202 or 204 only
    _sync("Microsoft.ApiManagement/service/apis", APIM_VERSIONS, create=PutMode(201), update=PutMode(200),
          delete=DeleteMode(204)),
    _sync("Microsoft.ApiManagement/service/apis/operations", APIM_VERSIONS, create=PutMode(201),
          update=PutMode(200), state_field=False),
    _sync("Microsoft.ApiManagement/service/apis/policies", APIM_VERSIONS, create=PutMode(201),
          update=PutMode(200), state_field=False),
]

# Proxy/extension types (governance, diagnostics) are not "tracked" resources: the generic
# ``/resources`` listings leave them out.
_SPECS = [
    replace(s, listed=False)
    if s.namespace.lower() == "microsoft.authorization" or s.lower == "microsoft.insights/diagnosticsettings"
    else s
    for s in _SPECS
]
# Governance objects, diagnostic settings and site config carry no provisioningState.
_STATELESS = ("microsoft.authorization/", "microsoft.insights/diagnosticsettings", "microsoft.web/sites/config")
_SPECS = [replace(s, state_field=False) if s.lower.startswith(_STATELESS) else s for s in _SPECS]
_BY_TYPE: dict[str, TypeSpec] = {s.lower: s for s in _SPECS}

# Namespace defaults for types not listed above (any type of the namespace gets these).
_NAMESPACE_DEFAULTS: dict[str, TypeSpec] = {
    "microsoft.network": _network("Microsoft.Network/*", (5.0, 5.0, 5.0)),
    "microsoft.resources": _sync("Microsoft.Resources/*", RESOURCES_VERSIONS),
    "microsoft.cognitiveservices": _sync("Microsoft.CognitiveServices/*", COGNITIVE_VERSIONS),
    "microsoft.search": _sync("Microsoft.Search/*", SEARCH_VERSIONS),
    "microsoft.web": _sync("Microsoft.Web/*", WEB_VERSIONS),
    "microsoft.insights": _sync("Microsoft.Insights/*", GENERIC_VERSIONS),
    "microsoft.authorization": _sync("Microsoft.Authorization/*", GENERIC_VERSIONS, listed=False,
                                     state_field=False),
}
_GENERIC = _sync("Microsoft.Generic/*", GENERIC_VERSIONS)

# Canonical casing for namespaces and type segments (the SDK and users send any casing).
_CANONICAL_NS: dict[str, str] = {s.namespace.lower(): s.namespace for s in _SPECS}
_CANONICAL_SEG: dict[str, str] = {}
for _s in _SPECS:
    for _seg in _s.type.split("/")[1:]:
        _CANONICAL_SEG.setdefault(_seg.lower(), _seg)


def canonical_namespace(ns: str) -> str:
    """The registered casing of a provider namespace (``microsoft.network`` → ``Microsoft.Network``)."""
    return _CANONICAL_NS.get(ns.lower(), ns)


def canonical_type(full_type: str) -> str:
    """Canonical casing of a full type name; unknown segments keep the casing given."""
    spec = _BY_TYPE.get(full_type.lower())
    if spec is not None:
        return spec.type
    parts = full_type.split("/")
    return "/".join([canonical_namespace(parts[0])] + [_CANONICAL_SEG.get(p.lower(), p) for p in parts[1:]])


_LOOKUP_CACHE: dict[str, TypeSpec] = {}


def lookup(full_type: str) -> TypeSpec:
    """The spec of a type: its own row, else its namespace default, else the generic one."""
    low = full_type.lower()
    spec = _BY_TYPE.get(low) or _LOOKUP_CACHE.get(low)
    if spec is not None:
        return spec
    ns = low.split("/", 1)[0]
    base = _NAMESPACE_DEFAULTS.get(ns, _GENERIC)
    spec = replace(base, type=canonical_type(full_type), inline=())
    if len(_LOOKUP_CACHE) < 10000:
        _LOOKUP_CACHE[low] = spec
    return spec


def is_known(full_type: str) -> bool:
    return full_type.lower() in _BY_TYPE


def known_specs() -> list[TypeSpec]:
    return list(_SPECS)


def namespaces() -> list[str]:
    """Every namespace the emulator lists under ``/providers`` (sorted, canonical casing)."""
    return sorted({s.namespace for s in _SPECS}, key=str.lower)


def version_supported(spec: TypeSpec, api_version: str) -> bool:
    if not API_VERSION_RE.match(api_version):
        return False
    if not spec.api_versions:
        return True
    return api_version.lower() in _version_set(spec.api_versions)


_VERSION_SETS: dict[tuple[str, ...], frozenset[str]] = {}


def _version_set(versions: tuple[str, ...]) -> frozenset[str]:
    found = _VERSION_SETS.get(versions)
    if found is None:
        found = _VERSION_SETS[versions] = frozenset(v.lower() for v in versions)
    return found


def api_version_at_least(api_version: str, floor: str) -> bool:
    """Compare the date parts of two api-versions (previews compare by their date)."""
    return api_version[:10] >= floor[:10]





def display_name(region: str) -> str:
    """Display name of a region code as the providers API lists it (``eastus2`` → ``East US 2``)."""
    return locations.display_name(region)
