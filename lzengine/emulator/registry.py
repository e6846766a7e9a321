"""The registry: every resource type's row (how it speaks ARM) and handler (what it does), collected
from the provider modules.

Each provider module declares, in one place, its types' rows (``SPECS``: api-versions, how PUT and
DELETE answer, latency, ETag style, locations; see :mod:`lzengine.emulator.typespec`), the defaults
of its namespace (``NAMESPACE_DEFAULTS``, optional) and its handlers (``HANDLERS``, see
:mod:`lzengine.emulator.handlers`). This module lists the provider modules (:data:`PROVIDERS`) and
builds the lookup tables: :func:`lookup` (the row of a type; a type not in the table falls back to
its namespace's defaults, and an unknown ``Microsoft.*`` namespace to a plain synchronous provider,
so any ARM type can be stored), :data:`HANDLERS` (used by :mod:`lzengine.emulator.hooks`) and the
canonical casing of types (:mod:`lzengine.emulator.casing`).

Called by :mod:`lzengine.emulator.backend` (how a PUT/DELETE answers, how long it takes, which error
code a busy resource gives), by :mod:`lzengine.emulator.app` (api-version checks, provider listings)
and by the ``/_emulator/latency`` admin endpoint.

The status codes follow what the typed Python SDKs accept (see shared notes, arm-protocol §4):
Network answers 201/200 with ``Updating`` and ``Azure-AsyncOperation``; Private DNS 202 with
``Location`` and ``Azure-AsyncOperation``; Cognitive Services and Search use body polling; App
Service creates answer 202 with a body; App Insights components 200 only; policy objects 201 only.
"""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType

from lzengine.emulator import (
    casing,
    governance,
    locations,
    rp_activitylog,
    rp_apim,
    rp_authorization,
    rp_cognitive,
    rp_compute,
    rp_keyvault,
    rp_management,
    rp_monitor,
    rp_monitor_dcr,
    rp_network,
    rp_network_appliances,
    rp_network_interfaces,
    rp_operationalinsights,
    rp_private_endpoints,
    rp_privatedns,
    rp_resources,
    rp_search,
    rp_security,
    rp_storage,
    rp_web,
)
from lzengine.emulator.handlers import Table
from lzengine.emulator.rp_resources import RESOURCE_GROUP, RESOURCES_NAMESPACE, RESOURCES_VERSIONS
from lzengine.emulator.typespec import (
    API_VERSION_RE,
    GENERIC_VERSIONS,
    DeleteMode,
    InlineChildren,
    PutMode,
    TypeSpec,
    api_version_at_least,
    sync,
)

__all__ = ["API_VERSION_RE", "HANDLERS", "PROVIDERS", "RESOURCES_NAMESPACE", "RESOURCES_VERSIONS", "RESOURCE_GROUP",
           "DeleteMode", "InlineChildren", "PutMode", "TypeSpec", "api_version_at_least", "canonical_namespace",
           "canonical_type", "display_name", "is_known", "known_specs", "lookup", "namespaces", "version_supported"]

#: the provider modules: each declares ``SPECS`` and ``HANDLERS`` (and may declare ``NAMESPACE_DEFAULTS``).
#: A new provider module is one more entry here.
PROVIDERS: tuple[ModuleType, ...] = (
    rp_resources,
    rp_network,
    rp_network_appliances,
    rp_network_interfaces,
    rp_private_endpoints,
    rp_privatedns,
    rp_cognitive,
    rp_compute,
    rp_search,
    rp_web,
    rp_monitor,
    rp_operationalinsights,
    rp_authorization,
    governance,
    rp_apim,
    rp_security,
    rp_management,
    rp_keyvault,
    rp_storage,
    # the Activity Log (reads/issue 12): events of every write, for observation validated by the log
    rp_activitylog,
    # the Azure Monitor agent's data collection rules and associations (the jump box)
    rp_monitor_dcr,
)

#: types stored generically, with no behaviour of their own yet (no provider module)
_UNMODELLED: list[TypeSpec] = []

_SPECS: list[TypeSpec] = [spec for module in PROVIDERS for spec in module.SPECS] + _UNMODELLED
_BY_TYPE: dict[str, TypeSpec] = {}
for _spec in _SPECS:
    if _spec.lower in _BY_TYPE:
        raise ValueError(f"two registry rows for {_spec.type}")
    _BY_TYPE[_spec.lower] = _spec
casing.learn(s.type for s in _SPECS)

#: lower-case type → handler, from every provider module's ``HANDLERS``
HANDLERS = Table()
for _module in PROVIDERS:
    HANDLERS.add(_module.HANDLERS)

# Namespace defaults for types not listed above (any type of the namespace gets these).
_NAMESPACE_DEFAULTS: dict[str, TypeSpec] = {
    ns: spec for module in PROVIDERS for ns, spec in getattr(module, "NAMESPACE_DEFAULTS", {}).items()
}
_GENERIC = sync("Microsoft.Generic/*", GENERIC_VERSIONS)


def canonical_namespace(ns: str) -> str:
    """The registered casing of a provider namespace (``microsoft.network`` → ``Microsoft.Network``)."""
    return casing.namespace(ns)


def canonical_type(full_type: str) -> str:
    """Canonical casing of a full type name; unknown segments keep the casing given."""
    return casing.full_type(full_type)


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


def display_name(region: str) -> str:
    """Display name of a region code as the providers API lists it (``eastus2`` → ``East US 2``)."""
    return locations.display_name(region)
