"""Microsoft.Storage behaviour: account names, global uniqueness, the service sub-resources, and
the computed endpoints.

Called by :mod:`lzengine.emulator.hooks` with the backend lock held. What it models:

* Names: 3 to 24 lower-case letters and digits (``AccountNameInvalid``), global across Azure
  (``StorageAccountAlreadyTaken``, 409); ``checkNameAvailability`` answers from both.
* ``kind`` and ``sku`` are required; ``minimumTlsVersion`` is TLS1_0, TLS1_1, TLS1_2 or TLS1_3.
* Every account has the ``blobServices/default``, ``fileServices/default``,
  ``queueServices/default`` and ``tableServices/default`` sub-resources from its creation, as in
  Azure: that is where the per-service diagnostic settings (logs) attach; the account itself
  takes metrics only.
* Computed: ``primaryEndpoints``, ``creationTime``, ``provisioningState`` and the defaults Azure
  reports for properties a request leaves out.
"""

from __future__ import annotations

import re
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import now_iso, props
from lzengine.emulator.rp_private_endpoints import render_private_endpoint_connections
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, DeleteMode, PutMode, TypeSpec, sync

ACCOUNT = "microsoft.storage/storageaccounts"
_NAME = re.compile(r"^[a-z0-9]{3,24}$")
SERVICES = ("blobServices", "fileServices", "queueServices", "tableServices")
_TLS = ("tls1_0", "tls1_1", "tls1_2", "tls1_3")


def _name_problem(name: str) -> str | None:
    if _NAME.match(name):
        return None
    return (f"{name} is not a valid storage account name. Storage account name must be between 3 and 24 characters "
            "in length and use numbers and lower-case letters only.")


def _validate_account(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                      parent_body: dict[str, Any] | None) -> None:
    problem = _name_problem(rp.name)
    if problem:
        raise errors.bad_request("AccountNameInvalid", problem, target=rp.name)
    if existing is None:
        for other in ctx.store.of_type(ACCOUNT):
            if str(other.body.get("name", "")).lower() == rp.name.lower():
                raise errors.ArmError(409, "StorageAccountAlreadyTaken",
                                      f"The storage account named {rp.name} is already taken.")
    if not body.get("kind"):  # [unconfirmed] code
        raise errors.bad_request("InvalidRequestContent", "The request must include 'kind'.", target="kind")
    if not (body.get("sku") or {}).get("name"):  # [unconfirmed] code
        raise errors.bad_request("InvalidRequestContent", "The request must include a sku with a name.", target="sku")
    tls = props(body).get("minimumTlsVersion")
    if tls is not None and str(tls).lower() not in _TLS:  # [unconfirmed] code
        raise errors.bad_request("InvalidValuesForRequestParameters",
                                 f"Values for request parameters are invalid: minimumTlsVersion '{tls}'.")


def _after_account(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                   op: Any, state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = props(existing.body) if existing else {}
    name = res.body["name"].lower()
    p["creationTime"] = old.get("creationTime") or now_iso()
    p.setdefault("supportsHttpsTrafficOnly", True)
    p.setdefault("minimumTlsVersion", "TLS1_2")
    p.setdefault("allowBlobPublicAccess", False)
    p.setdefault("allowSharedKeyAccess", None)  # Azure reports null for "allowed" when never set
    p.setdefault("publicNetworkAccess", "Enabled")
    acls = p.setdefault("networkAcls", {})
    if isinstance(acls, dict):
        acls.setdefault("bypass", "AzureServices")
        acls.setdefault("virtualNetworkRules", [])
        acls.setdefault("ipRules", [])
        acls.setdefault("defaultAction", "Allow")
    p.setdefault("encryption", {"keySource": "Microsoft.Storage",
                                "services": {"blob": {"enabled": True, "keyType": "Account"},
                                             "file": {"enabled": True, "keyType": "Account"}}})
    p["primaryEndpoints"] = {svc: f"https://{name}.{svc}.core.windows.net/"
                             for svc in ("blob", "file", "queue", "table", "dfs", "web")}
    p["primaryLocation"] = res.body.get("location")
    p["statusOfPrimary"] = "available"
    if existing is None:
        for service in SERVICES:
            sid = f"{res.id}/{service}/default"
            ctx.store.put(Resource(id=sid, type=f"Microsoft.Storage/storageAccounts/{service}",
                                   body={"id": sid, "name": "default",
                                         "type": f"Microsoft.Storage/storageAccounts/{service}",
                                         "properties": {}},
                                   root_key=res.key))


def _check_name(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /subscriptions/{s}/providers/Microsoft.Storage/checkNameAvailability``."""
    name = str(body.get("name") or "")
    problem = _name_problem(name)
    if problem:
        return {"nameAvailable": False, "reason": "AccountNameInvalid", "message": problem}
    if any(str(a.body.get("name", "")).lower() == name.lower() for a in ctx.store.of_type(ACCOUNT)):
        return {"nameAvailable": False, "reason": "AlreadyExists",
                "message": f"The storage account named {name} is already taken."}
    return {"nameAvailable": True}


def _list_keys(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any]) -> dict[str, Any]:
    """``POST {account}/listKeys``: Azure lists keys even when shared key access is off (requests
    signed with them are refused by the data plane)."""
    account = ctx.store.get(id_key(rp.parent_id))
    if account is None:
        raise errors.resource_not_found("Microsoft.Storage/storageAccounts", rp.names[0], rp.resource_group)
    return {"keys": [{"keyName": f"key{i}", "value": f"emulator-storage-key-{i}", "permissions": "FULL"}
                     for i in (1, 2)]}


# --- how the provider speaks ARM
STORAGE_VERSIONS = ("2021-09-01", "2022-09-01", "2023-01-01", "2023-05-01", "2024-01-01", "2025-01-01",
                    "2025-06-01", "2026-09-01")
SPECS: list[TypeSpec] = [
    # an account create answers 202 with Location and no body; ~25 s in Azure
    TypeSpec(type="Microsoft.Storage/storageAccounts", api_versions=STORAGE_VERSIONS,
             create=PutMode(202, "Creating", location_header=True, body=False), update=PutMode(200),
             delete=DeleteMode(200), latency=(25.0, 0.0, 0.0), locations=SERVICE_REGIONS, normalize_location=True,
             lock="self"),
    *[sync(f"Microsoft.Storage/storageAccounts/{service}", STORAGE_VERSIONS, listed=False) for service in SERVICES],
]
NAMESPACE_DEFAULTS = {"microsoft.storage": sync("Microsoft.Storage/*", STORAGE_VERSIONS)}


HANDLERS: dict[str, Handler] = {
    ACCOUNT: Handler(validate=_validate_account, after_put=_after_account,
                     render=render_private_endpoint_connections),
    f"{ACCOUNT}/listkeys": Handler(action=_list_keys),
    "microsoft.storage/checknameavailability": Handler(action=_check_name),
}
