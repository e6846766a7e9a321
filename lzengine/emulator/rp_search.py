"""Microsoft.Search behaviour: service names, SKU limits on replicas and partitions, computed fields.

Called by :mod:`lzengine.emulator.hooks` with the backend lock held. Names are global (one
``{name}.search.windows.net`` per cloud): 2 to 60 lower-case letters, digits and single dashes,
no dash first or last (``InvalidServiceName``); a name held by another service is refused
(``ServiceNameUnavailable``). Replica and partition counts are checked against the SKU. The
lower-case provisioning states and the ``status`` field come from the registry.
"""

from __future__ import annotations

import re
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import check_name_availability, list_keys, list_query_keys, props
from lzengine.emulator.rp_private_endpoints import render_private_endpoint_connections
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, DeleteMode, PutMode, TypeSpec, sync

SEARCH = "microsoft.search/searchservices"
_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?!-)){0,58}[a-z0-9]$")
_PARTITIONS = (1, 2, 3, 4, 6, 12)
#: SKU → (max replicas, max partitions)
_SKU_LIMITS = {"free": (1, 1), "basic": (3, 1), "standard": (12, 12), "standard2": (12, 12),
               "standard3": (12, 12), "storage_optimized_l1": (12, 12), "storage_optimized_l2": (12, 12)}


def validate_put(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                 parent_body: dict[str, Any] | None = None) -> None:
    name = rp.name
    if not _NAME.match(name):
        raise errors.bad_request(
            "InvalidServiceName",
            f"Service name '{name}' is invalid: Service name must only contain lowercase letters, digits or "
            "dashes, cannot use dash as the first or last character, cannot contain consecutive dashes, and "
            "is limited between 2 and 60 characters in length.",
            target=name,
        )  # fmt: skip
    for other in ctx.store.of_type(SEARCH):
        if other.key != id_key(rp.id) and other.body.get("name", "").lower() == name.lower():
            # 400, not 409: a deployment log quoting Azure's answer for a taken name ("AI Search ... 400
            # ServiceNameUnavailable"); the message wording is ours [unconfirmed]
            raise errors.ArmError(
                400, "ServiceNameUnavailable", f"The service name '{name}' is already in use.", target=name)
    sku = str((body.get("sku") or {}).get("name") or "")
    if not sku:
        raise errors.bad_request("InvalidRequestContent", "The request must include a sku with a name.", "sku")
    p = props(body)
    max_replicas, max_partitions = _SKU_LIMITS.get(sku.lower(), (12, 12))
    replicas = _int(p.get("replicaCount"), 1)
    partitions = _int(p.get("partitionCount"), 1)
    # the limits per SKU are Azure's (ARM schema of Microsoft.Search, docs on capacity); the three codes below
    # are ours [unconfirmed: searched issues for the search RP's answers, none found]
    if not 1 <= replicas <= max_replicas:
        raise errors.bad_request(
            "InvalidReplicaCount",
            f"The replica count {replicas} is not valid for sku '{sku}': use 1 to {max_replicas}.",
            target="properties.replicaCount")
    if partitions not in _PARTITIONS or partitions > max_partitions:
        raise errors.bad_request(
            "InvalidPartitionCount",
            f"The partition count {partitions} is not valid for sku '{sku}': use one of "
            f"{', '.join(str(x) for x in _PARTITIONS if x <= max_partitions)}.",
            target="properties.partitionCount")
    if replicas * partitions > 36:
        raise errors.bad_request(
            "InvalidSearchUnits", f"{replicas} replicas x {partitions} partitions exceed 36 search units.")


def _int(value: Any, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def after_put(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
              state: str) -> None:
    p = res.body.setdefault("properties", {})
    name = res.body["name"]
    p.setdefault("replicaCount", 1)
    p.setdefault("partitionCount", 1)
    p.setdefault("hostingMode", "default")
    p.setdefault("publicNetworkAccess", "enabled")
    p.setdefault("disableLocalAuth", False)
    rules = p.setdefault("networkRuleSet", {})
    if isinstance(rules, dict):
        rules.setdefault("ipRules", [])
        rules.setdefault("bypass", "None")
    if p.get("disableLocalAuth"):
        p["authOptions"] = None
    else:
        p.setdefault("authOptions", {"apiKeyOnly": {}})
    p.setdefault("encryptionWithCmk", {"enforcement": "Unspecified", "encryptionComplianceStatus": "Compliant"})
    p.setdefault("sharedPrivateLinkResources", [])
    p.setdefault("dataExfiltrationProtections", [])
    p.setdefault("semanticSearch", None)
    p["statusDetails"] = ""
    p["endpoint"] = f"https://{name}.search.windows.net"


SEARCH_VERSIONS = (
    "2015-08-19", "2019-10-01-preview", "2020-03-13", "2020-08-01", "2020-08-01-preview",
    "2021-04-01-preview", "2022-09-01", "2023-11-01", "2024-03-01-preview",
    "2024-06-01-preview", "2025-02-01-preview", "2025-05-01",
)  # fmt: skip

SPECS: list[TypeSpec] = [
    # lower-case states, a ``status`` field beside them, synchronous delete with an empty body
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
]
NAMESPACE_DEFAULTS = {"microsoft.search": sync("Microsoft.Search/*", SEARCH_VERSIONS)}


HANDLERS: dict[str, Handler] = {
    SEARCH: Handler(validate=validate_put, after_put=after_put, render=render_private_endpoint_connections),
    f"{SEARCH}/listadminkeys": Handler(action=list_keys),
    f"{SEARCH}/listquerykeys": Handler(action=list_query_keys),
    "microsoft.search/checknameavailability": Handler(action=check_name_availability),
}
