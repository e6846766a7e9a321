"""Microsoft.KeyVault behaviour: vault names, secure-default rules Azure enforces, soft delete,
recovery and purge.

Called by :mod:`lzengine.emulator.hooks` with the backend lock held. What it models:

* Names: 3 to 24 letters, digits and single '-', starting with a letter, ending with a letter or
  digit (``VaultNameNotValid``); names are global: a live vault elsewhere holds it
  (``VaultAlreadyExists``, 409) and so does a soft-deleted one (``ConflictError``, 409: "A vault
  with the same name already exists in deleted state", alan-turing-institute/data-safe-haven#2523,
  Azure/azure-cli#29115). ``checkNameAvailability`` answers from both.
* ``tenantId`` and ``sku`` are required; purge protection cannot be switched off once on
  (``BadRequest``: "The property "enablePurgeProtection" cannot be set to false", Azure/ai-hub#241)
  and soft delete cannot be switched off; retention is 7 to 90 days (default 90).
* Soft delete: DELETE keeps the vault under
  ``/subscriptions/{s}/providers/Microsoft.KeyVault/locations/{loc}/deletedVaults/{name}`` with
  ``deletionDate`` and ``scheduledPurgeDate`` (deletion + retention), listed by
  ``GET .../providers/Microsoft.KeyVault/deletedVaults``. ``createMode: recover`` brings it back
  with the properties it had (Azure ignores the new ones: Azure/azure-rest-api-specs#21306);
  ``recover`` with nothing to recover is ``SoftDeletedVaultDoesNotExist``
  (hashicorp/terraform-provider-azurerm#12972).
* Purge: ``POST .../deletedVaults/{name}/purge`` removes it, except under purge protection:
  ``MethodNotAllowed`` "Operation 'DeletedVaultPurge' is not allowed." (microsoft/AzureTRE#1446).
* Secrets through the control plane (``Microsoft.KeyVault/vaults/secrets``, REST spec
  ``keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/secrets.json``): PUT (200/201,
  synchronous) writes ``properties.value`` as a new version whatever the vault's network rules
  (it is ARM, not the vault's data plane); GET and list answer ``contentType``, ``attributes``
  (``enabled``, ``nbf``, ``exp``, ``created``, ``updated``), ``secretUri`` and
  ``secretUriWithVersion``, never the value (the spec: "'value' will never be returned from the
  service"); the spec has no DELETE (a secret is deleted on the data plane, or goes with its
  vault). A deleted vault keeps its secrets and ``recover`` brings them back. The value lives
  in the stored resource's ``extra`` (never rendered); the Application Gateway's certificate
  check (:mod:`lzengine.emulator.vault_access`) reads it as the gateway's identity would, and the
  admin API's ``/_emulator/keyvault/secret`` stands in for the data plane (read, delete+purge).
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import TENANT_ID, ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import norm_loc, props
from lzengine.emulator.rp_private_endpoints import render_private_endpoint_connections
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, DeleteMode, PutMode, TypeSpec, sync

VAULT = "microsoft.keyvault/vaults"
SECRET = "microsoft.keyvault/vaults/secrets"
DELETED_VAULT = "microsoft.keyvault/locations/deletedvaults"
_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){1,22}[A-Za-z0-9]$")
DEFAULT_RETENTION_DAYS = 90


def find_deleted(ctx: ProviderContext, name: str) -> Resource | None:
    """The soft-deleted vault holding ``name`` anywhere (vault names are global)."""
    low = name.lower()
    return next((d for d in ctx.store.of_type(DELETED_VAULT) if str(d.body.get("name", "")).lower() == low), None)


def _validate_vault(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                    parent_body: dict[str, Any] | None) -> None:
    name = rp.name
    if not _NAME.match(name):
        raise errors.bad_request(  # [unconfirmed] code
            "VaultNameNotValid",
            f"The vault name '{name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. "
            "The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.",
            target=name)
    p = props(body)
    recover = str(p.get("createMode") or "").lower() == "recover"
    if existing is None:
        deleted = find_deleted(ctx, name)
        if recover and deleted is None:
            raise errors.bad_request(  # [unconfirmed] message
                "SoftDeletedVaultDoesNotExist",
                f"A soft deleted vault with the given name '{name}' does not exist. Make sure the name of the vault "
                "being recovered is correct and that the vault is still in a recoverable state.")
        if recover:
            return  # the deleted vault's own properties come back (see _after_vault)
        if deleted is not None:
            raise errors.ArmError(
                409, "ConflictError",
                "A vault with the same name already exists in deleted state. You need to either recover or purge "
                "existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more "
                "information on soft delete.")
        for other in ctx.store.of_type(VAULT):
            if str(other.body.get("name", "")).lower() == name.lower():
                raise errors.ArmError(
                    409, "VaultAlreadyExists",
                    f"The vault name '{name}' is already in use. Vault names are globally unique so it is possible "
                    "that the name is already taken. If you are sure that the vault name was not taken then it is "
                    "possible that a vault with the same name was recently deleted but not purged after being "
                    "placed in a recoverable state.")
    if not p.get("tenantId"):  # [unconfirmed] code
        raise errors.bad_request("BadRequest", "The property 'tenantId' is required.", target="properties.tenantId")
    sku = p.get("sku") if isinstance(p.get("sku"), dict) else {}
    if str(sku.get("name") or "").lower() not in ("standard", "premium"):  # [unconfirmed] code
        raise errors.bad_request("BadRequest", "The property 'sku' must name 'standard' or 'premium'.",
                                 target="properties.sku")
    old = props(existing.body) if existing else {}
    if p.get("enablePurgeProtection") is False and (existing is None or old.get("enablePurgeProtection")):
        raise errors.bad_request(
            "BadRequest",
            'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault '
            "is an irreversible action.")
    if p.get("enableSoftDelete") is False:  # [unconfirmed] message
        raise errors.bad_request(
            "BadRequest", 'The property "enableSoftDelete" cannot be set to false. Soft delete cannot be disabled.')
    retention = p.get("softDeleteRetentionInDays")
    if retention is not None and (not isinstance(retention, int) or not 7 <= retention <= 90):
        raise errors.bad_request(  # [unconfirmed] code
            "BadRequest", "The property 'softDeleteRetentionInDays' must be between 7 and 90.",
            target="properties.softDeleteRetentionInDays")
    if existing is not None and retention is not None and old.get("softDeleteRetentionInDays") not in (None, retention):
        raise errors.bad_request(  # [unconfirmed] message
            "BadRequest", "The property 'softDeleteRetentionInDays' cannot be changed once the vault exists.")


def _after_vault(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                 op: Any, state: str) -> None:
    p = res.body.setdefault("properties", {})
    recover = str(p.pop("createMode", "") or "").lower() == "recover"
    if recover and existing is None:
        deleted = find_deleted(ctx, rp.name)
        if deleted is not None:
            p.clear()
            p.update(deleted.extra.get("properties") or {})
            if deleted.extra.get("tags") is not None and "tags" not in res.body:
                res.body["tags"] = deleted.extra["tags"]
            for kept in deleted.extra.get("secrets") or []:  # a recovered vault has its secrets back
                ctx.store.put(Resource.from_json(kept))
            ctx.store.remove(deleted.key)
    p.setdefault("tenantId", TENANT_ID)
    p.setdefault("accessPolicies", [])
    p.setdefault("enabledForDeployment", False)
    p.setdefault("enabledForDiskEncryption", False)
    p.setdefault("enabledForTemplateDeployment", False)
    p["enableSoftDelete"] = True
    p.setdefault("softDeleteRetentionInDays", DEFAULT_RETENTION_DAYS)
    p.setdefault("enableRbacAuthorization", False)
    p.setdefault("publicNetworkAccess", "Enabled")
    p["vaultUri"] = f"https://{res.body['name'].lower()}.vault.azure.net/"


def soft_delete(ctx: ProviderContext, res: Resource) -> None:
    """Keep a deleted vault (its name held) for its retention period under ``deletedVaults``."""
    p = props(res.body)
    location = norm_loc(str(res.body.get("location") or ""))
    sub = res.id.split("/")[2]
    name = str(res.body.get("name"))
    deleted_id = f"/subscriptions/{sub}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{name}"
    now = datetime.now(UTC)
    days = int(p.get("softDeleteRetentionInDays") or DEFAULT_RETENTION_DAYS)
    body = {
        "id": deleted_id,
        "name": name,
        "type": "Microsoft.KeyVault/deletedVaults",
        "properties": {
            "vaultId": res.id,
            "location": location,
            "deletionDate": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "scheduledPurgeDate": (now + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tags": dict(res.body.get("tags") or {}),
            "purgeProtectionEnabled": bool(p.get("enablePurgeProtection")),
        },
    }
    kept = {k: v for k, v in p.items() if k not in ("provisioningState", "privateEndpointConnections")}
    # the vault's secrets are deleted with it and come back when it is recovered (its children
    # are still in the store: the vault is removed first)
    secrets = [c.to_json() for c in ctx.store.children(res.key, SECRET)]
    ctx.store.put(Resource(id=deleted_id, type="Microsoft.KeyVault/locations/deletedVaults", body=body,
                           root_key=id_key(deleted_id),
                           extra={"properties": kept, "tags": res.body.get("tags"), "secrets": secrets}))


def _purge(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any]) -> dict[str, Any]:
    """``POST .../locations/{loc}/deletedVaults/{name}/purge``."""
    deleted_id = rp.parent_id
    deleted = ctx.store.get(id_key(deleted_id))
    if deleted is None:
        raise errors.ArmError(404, "ResourceNotFound",  # [unconfirmed] code
                              f"The deleted vault '{rp.names[-1]}' was not found in location '{rp.names[0]}'.")
    if (deleted.body.get("properties") or {}).get("purgeProtectionEnabled"):
        raise errors.ArmError(405, "MethodNotAllowed", "Operation 'DeletedVaultPurge' is not allowed.")
    ctx.store.remove(deleted.key)
    return {}


def _list_deleted(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]]:
    prefix = f"/subscriptions/{(rp.subscription or '').lower()}/"
    return [ctx.render(r) for r in ctx.store.of_type(DELETED_VAULT) if r.key.startswith(prefix)]


def _check_name(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /subscriptions/{s}/providers/Microsoft.KeyVault/checkNameAvailability``."""
    name = str(body.get("name") or "")
    if not _NAME.match(name):
        return {"nameAvailable": False, "reason": "AccountNameInvalid",
                "message": f"Vault name '{name}' is invalid: 3-24 letters, digits and single '-'."}
    taken = any(str(v.body.get("name", "")).lower() == name.lower() for v in ctx.store.of_type(VAULT))
    deleted = find_deleted(ctx, name) is not None
    if taken or deleted:
        return {"nameAvailable": False, "reason": "AlreadyExists",
                "message": f"The vault name '{name}' is already in use"
                           + (" by a soft-deleted vault." if deleted and not taken else ".")}
    return {"nameAvailable": True}


# --- secrets (control plane) -----------------------------------------------------------------
_SECRET_NAME = re.compile(r"^[A-Za-z0-9-]{1,127}$")


def _validate_secret(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                     parent_body: dict[str, Any] | None) -> None:
    if not _SECRET_NAME.match(rp.name):  # the spec's pattern for secretName; [unconfirmed] code
        raise errors.bad_request("BadRequest", f"The secret name '{rp.name}' is invalid: 1-127 letters, digits and "
                                 "'-'.", target=rp.name)
    p = props(body)
    if existing is None and not isinstance(p.get("value"), str):  # [unconfirmed] code and message
        raise errors.bad_request("BadRequest", "The property 'properties.value' is required to create a secret.",
                                 target="properties.value")
    attributes = p.get("attributes") or {}
    for field in ("nbf", "exp"):
        if attributes.get(field) is not None and not isinstance(attributes.get(field), int):
            raise errors.bad_request("BadRequest",  # [unconfirmed] code
                                     f"The property 'attributes.{field}' must be seconds since 1970-01-01.")


def _after_secret(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                  op: Any, state: str) -> None:
    """Keep the value out of the body; each value written is a new version."""
    p = res.body.setdefault("properties", {})
    value = p.pop("value", None)
    old = existing.extra if existing is not None else {}
    now = int(time.time())
    if isinstance(value, str):
        res.extra = {"value": value, "version": uuid.uuid4().hex, "created": old.get("created") or now}
    else:  # an update without a value keeps the current version [unconfirmed]
        res.extra = dict(old)
    old_attributes = props(existing.body).get("attributes") or {} if existing is not None else {}
    attributes = {**old_attributes, **(p.get("attributes") or {})} if value is None else dict(p.get("attributes") or {})
    attributes.setdefault("enabled", True)
    attributes["created"] = int(res.extra.get("created") or now)
    attributes["updated"] = now
    p["attributes"] = attributes
    if value is None and existing is not None and "contentType" not in p and props(existing.body).get("contentType"):
        p["contentType"] = props(existing.body)["contentType"]
    vault = ctx.store.get(id_key(rp.parent_id))
    vault_name = rp.names[-2] if len(rp.names) >= 2 else ""
    base = f"https://{vault_name.lower()}.vault.azure.net/secrets/{rp.name}"
    p["secretUri"] = base
    p["secretUriWithVersion"] = f"{base}/{res.extra.get('version', '')}"
    if vault is not None and vault.body.get("location"):
        res.body["location"] = vault.body["location"]


def _refuse_secret_delete(ctx: ProviderContext, res: Resource) -> None:
    """ARM has no DELETE for a secret (the REST spec declares none): it is deleted on the vault's
    data plane, or goes with its vault. [unconfirmed] code and message"""
    raise errors.ArmError(405, "MethodNotAllowed", "The requested resource does not support http method 'DELETE'. "
                          "Delete a Key Vault secret through the vault's data plane.")


def secret_value(ctx: ProviderContext, secret_id: str) -> tuple[Resource | None, str | None]:
    """The secret a URI ``https://{vault}.vault.azure.net/secrets/{name}[/{version}]`` (or an ARM
    id) names, and its current value: what the data plane's GET answers. A disabled secret, or one
    outside its ``nbf``/``exp`` window, has no readable value."""
    res = _find_secret(ctx, secret_id)
    if res is None:
        return None, None
    attributes = props(res.body).get("attributes") or {}
    now = int(time.time())
    readable = attributes.get("enabled", True) and not (attributes.get("nbf") and now < int(attributes["nbf"])) \
        and not (attributes.get("exp") and now > int(attributes["exp"]))
    return res, (str(res.extra.get("value")) if readable and res.extra.get("value") is not None else None)


def _find_secret(ctx: ProviderContext, secret_id: str) -> Resource | None:
    if secret_id.lower().startswith("/subscriptions/"):
        return ctx.store.get(id_key(secret_id))
    match = re.match(r"^https://([^./]+)\.vault\.azure\.net/secrets/([^/?]+)", secret_id, re.IGNORECASE)
    if match is None:
        return None
    vault = next((v for v in ctx.store.of_type(VAULT) if str(v.body.get("name", "")).lower() == match[1].lower()),
                 None)
    return ctx.store.get(f"{vault.key}/secrets/{match[2].lower()}") if vault is not None else None


def data_plane_delete(ctx: ProviderContext, secret_id: str) -> bool:
    """What ``az keyvault secret delete`` then ``purge`` do: the secret is gone (the admin API's
    stand-in for the data plane). False when there was none."""
    res = _find_secret(ctx, secret_id)
    if res is None:
        return False
    ctx.store.remove(res.key)
    return True


# --- how the provider speaks ARM
KEYVAULT_VERSIONS = ("2019-09-01", "2021-10-01", "2022-07-01", "2023-02-01", "2023-07-01", "2024-11-01",
                     "2025-05-01", "2026-02-01", "2026-05-15")
SPECS: list[TypeSpec] = [
    # a vault shows provisioningState RegisteringDns while its DNS name is set up; ~15 s in Azure
    TypeSpec(type="Microsoft.KeyVault/vaults", api_versions=KEYVAULT_VERSIONS,
             create=PutMode(201, "RegisteringDns"), update=PutMode(200), delete=DeleteMode(200),
             latency=(15.0, 0.0, 0.0), locations=SERVICE_REGIONS, normalize_location=True, lock="self"),
    sync("Microsoft.KeyVault/locations/deletedVaults", KEYVAULT_VERSIONS, listed=False),
    # a secret written through ARM: synchronous 201/200, no provisioningState (examples/createSecret.json)
    sync("Microsoft.KeyVault/vaults/secrets", KEYVAULT_VERSIONS, listed=False, state_field=False),
    sync("Microsoft.KeyVault/deletedVaults", KEYVAULT_VERSIONS, listed=False),
]
NAMESPACE_DEFAULTS = {"microsoft.keyvault": sync("Microsoft.KeyVault/*", KEYVAULT_VERSIONS)}


HANDLERS: dict[str, Handler] = {
    VAULT: Handler(validate=_validate_vault, after_put=_after_vault, on_removed=soft_delete,
                   render=render_private_endpoint_connections),
    SECRET: Handler(validate=_validate_secret, after_put=_after_secret, check_removal=_refuse_secret_delete),
    "microsoft.keyvault/deletedvaults": Handler(virtual_list=_list_deleted),
    f"{DELETED_VAULT}/purge": Handler(action=_purge),
    "microsoft.keyvault/checknameavailability": Handler(action=_check_name),
}
