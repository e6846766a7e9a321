"""Key Vault as Azure answers it, through the typed keyvault client: global names, secure-default
rules, soft delete, recovery, purge and purge protection, and the Application Gateway's read of a
certificate from a vault."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from lzengine.certificates import self_signed

from .conftest import Arm, Clients, client_kwargs
from .test_validation import pip, vnet

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


def vault(purge_protection: bool = True, rbac: bool = True, **extra: Any) -> dict[str, Any]:
    props = {"tenantId": TENANT, "sku": {"family": "A", "name": "standard"}, "enableRbacAuthorization": rbac,
             "enablePurgeProtection": purge_protection, "publicNetworkAccess": "Disabled",
             "networkAcls": {"defaultAction": "Deny", "bypass": "None"}, **extra}
    if not purge_protection:
        props.pop("enablePurgeProtection")
    return {"location": "swedencentral", "properties": props}


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value


@pytest.fixture
def kv(clients: Clients, arm: Arm) -> Any:
    from azure.mgmt.keyvault import KeyVaultManagementClient

    arm.make_rg("rg1")
    arm.make_rg("rg2")
    return KeyVaultManagementClient(clients.cred, clients.emu.subscription_id, **client_kwargs(clients.emu))


def test_vault_names_rules_and_secure_defaults(kv: Any) -> None:
    made = kv.vaults.begin_create_or_update("rg1", "kv-one", vault()).result()
    p = made.properties
    assert made.properties.vault_uri == "https://kv-one.vault.azure.net/"
    assert (p.enable_soft_delete, p.soft_delete_retention_in_days, p.enable_rbac_authorization,
            p.enable_purge_protection, p.public_network_access, p.network_acls.default_action) == \
        (True, 90, True, True, "Disabled", "Deny")
    for bad in ("kv", "1kv-starts-with-digit", "kv--double", "kv-" + "x" * 22):
        err = error(lambda bad=bad: kv.vaults.begin_create_or_update("rg1", bad, vault()))
        assert (err.status_code, err.error.code) == (400, "VaultNameNotValid"), bad
    err = error(lambda: kv.vaults.begin_create_or_update("rg2", "KV-ONE", vault()))
    assert (err.status_code, err.error.code) == (409, "VaultAlreadyExists")
    assert kv.vaults.check_name_availability({"name": "kv-one", "type": "Microsoft.KeyVault/vaults"}) \
        .name_available is False
    assert kv.vaults.check_name_availability({"name": "kv-free", "type": "Microsoft.KeyVault/vaults"}) \
        .name_available is True
    off = vault()
    off["properties"]["enablePurgeProtection"] = False
    err = error(lambda: kv.vaults.begin_create_or_update("rg1", "kv-one", off))
    assert (err.status_code, err.error.code) == (400, "BadRequest")
    assert "irreversible" in err.error.message
    err = error(lambda: kv.vaults.begin_create_or_update("rg1", "kv-two", vault(enableSoftDelete=False)))
    assert err.status_code == 400
    no_tenant = vault()
    no_tenant["properties"].pop("tenantId")
    assert error(lambda: kv.vaults.begin_create_or_update("rg1", "kv-three", no_tenant)).status_code == 400


def test_soft_delete_holds_the_name_recover_brings_it_back_and_purge_follows_protection(kv: Any) -> None:
    kv.vaults.begin_create_or_update("rg1", "kv-kept", vault(purge_protection=True)).result()
    kv.vaults.begin_create_or_update("rg1", "kv-gone", vault(purge_protection=False)).result()
    kv.vaults.delete("rg1", "kv-kept")
    kv.vaults.delete("rg1", "kv-gone")
    deleted = {d.name: d for d in kv.vaults.list_deleted()}
    assert set(deleted) == {"kv-kept", "kv-gone"}
    kept = kv.vaults.get_deleted("kv-kept", "swedencentral")
    assert kept.properties.purge_protection_enabled is True
    assert (kept.properties.scheduled_purge_date - kept.properties.deletion_date).days == 90
    assert kept.properties.vault_id.endswith("/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv-kept")
    # the deleted vault holds its name, in any resource group
    err = error(lambda: kv.vaults.begin_create_or_update("rg2", "kv-kept", vault()))
    assert (err.status_code, err.error.code) == (409, "ConflictError")
    assert "already exists in deleted state" in err.error.message
    assert kv.vaults.check_name_availability({"name": "kv-kept", "type": "Microsoft.KeyVault/vaults"}) \
        .reason == "AlreadyExists"
    # recover: the vault comes back with the properties it had
    changed = vault(createMode="recover")
    changed["properties"]["publicNetworkAccess"] = "Enabled"
    back = kv.vaults.begin_create_or_update("rg1", "kv-kept", changed).result()
    assert back.properties.public_network_access == "Disabled"
    assert [d.name for d in kv.vaults.list_deleted()] == ["kv-gone"]
    err = error(lambda: kv.vaults.begin_create_or_update("rg1", "kv-never", vault(createMode="recover")))
    assert (err.status_code, err.error.code) == (400, "SoftDeletedVaultDoesNotExist")
    # purge: refused under purge protection, done otherwise
    kv.vaults.delete("rg1", "kv-kept")
    err = error(lambda: kv.vaults.begin_purge_deleted("kv-kept", "swedencentral"))
    assert (err.status_code, err.error.code) == (405, "MethodNotAllowed")
    kv.vaults.begin_purge_deleted("kv-gone", "swedencentral").result()
    assert [d.name for d in kv.vaults.list_deleted()] == ["kv-kept"]
    kv.vaults.begin_create_or_update("rg2", "kv-gone", vault()).result()


def test_app_gateway_certificate_needs_the_vault_and_an_identity_that_may_read_it(kv: Any, arm: Arm,
                                                                                   clients: Clients) -> None:
    nc = clients.network
    net = nc.virtual_networks.begin_create_or_update("rg1", "hub", vnet("10.0.0.0/16", ("agw", "10.0.0.0/24"))
                                                     ).result()
    public = pip(nc, "pip", "swedencentral")
    kv.vaults.begin_create_or_update("rg1", "kv-certs", vault()).result()
    identity_id = arm.rg("rg1", "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-agw")
    r = arm.put(identity_id, {"location": "swedencentral"}, api="2023-01-31")
    assert r.status_code in (200, 201), r.text
    principal = r.json()["properties"]["principalId"]

    def gateway(secret_id: str) -> Any:
        props = {"sku": {"name": "WAF_v2", "tier": "WAF_v2"}, "autoscaleConfiguration": {"minCapacity": 1},
                 "gatewayIPConfigurations": [{"name": "gw", "properties": {"subnet": {"id": net.subnets[0].id}}}],
                 "frontendIPConfigurations": [{"name": "pub", "properties": {"publicIPAddress": {"id": public.id}}}],
                 "sslCertificates": [{"name": "tls", "properties": {"keyVaultSecretId": secret_id}}]}
        return nc.application_gateways.begin_create_or_update("rg1", "agw", {
            "location": "swedencentral", "properties": props,
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {identity_id: {}}}})

    secret = "https://kv-certs.vault.azure.net/secrets/tls"
    err = error(lambda: gateway("https://kv-missing.vault.azure.net/secrets/tls"))
    assert (err.status_code, err.error.code) == (400, "ApplicationGatewayKeyVaultSecretException")
    err = error(lambda: gateway(secret))
    assert err.error.code == "ApplicationGatewayKeyVaultSecretException"
    assert "ApplicationGatewayKeyVaultSecretAccessDenied" in str(err.response.json())
    vault_id = arm.rg("rg1", "/providers/Microsoft.KeyVault/vaults/kv-certs")
    for role, name in ((READER, "00000000-0000-0000-0000-0000000000a1"),
                       (SECRETS_USER, "00000000-0000-0000-0000-0000000000a2")):
        r = arm.put(f"{vault_id}/providers/Microsoft.Authorization/roleAssignments/{name}", {"properties": {
            "roleDefinitionId": arm.sub(f"/providers/Microsoft.Authorization/roleDefinitions/{role}"),
            "principalId": principal, "principalType": "ServicePrincipal"}}, api="2022-04-01")
        assert r.status_code in (200, 201), r.text
        if role == READER:  # a control-plane role does not read secrets
            assert error(lambda: gateway(secret)).status_code == 400
    # readable now, but there is nothing to read: the secret was never written
    err = error(lambda: gateway(secret))
    assert "ApplicationGatewayKeyVaultSecretNotFound" in str(err.response.json())
    # a secret that is not a password-less PFX is no certificate
    kv.secrets.create_or_update("rg1", "kv-certs", "tls", {"properties": {"value": "not-a-pfx"}})
    err = error(lambda: gateway(secret))
    assert "ApplicationGatewaySslCertificateDataMustBeValidPfx" in str(err.response.json())
    kv.secrets.create_or_update("rg1", "kv-certs", "tls", {"properties": {
        "value": self_signed("CN=www.contoso.example", 30).base64(), "contentType": "application/x-pkcs12"}})
    assert gateway(secret).result().ssl_certificates[0].key_vault_secret_id == secret


def test_secrets_through_the_control_plane(kv: Any, arm: Arm) -> None:
    """A secret PUT through ARM lands in a vault whose public access is off; GET and list never
    answer the value; each value is a version; ARM cannot delete it; it goes and comes back with
    its vault (soft delete, recover)."""
    kv.vaults.begin_create_or_update("rg1", "kv-sec", vault(purge_protection=False)).result()
    pfx = self_signed("CN=app.contoso.example", 30)
    made = kv.secrets.create_or_update("rg1", "kv-sec", "app-tls", {
        "tags": {"source": "test"}, "properties": {"value": pfx.base64(), "contentType": "application/x-pkcs12",
                                                   "attributes": {"nbf": pfx.not_before, "exp": pfx.not_after}}})
    secret_id = arm.rg("rg1", "/providers/Microsoft.KeyVault/vaults/kv-sec/secrets/app-tls")
    raw = arm.get(secret_id, api="2024-11-01").json()
    p = raw["properties"]
    assert "value" not in p and pfx.base64() not in str(raw) and pfx.base64() not in str(made.as_dict())
    assert (p["contentType"], p["attributes"]["exp"], p["attributes"]["enabled"], raw["tags"]) == \
        ("application/x-pkcs12", pfx.not_after, True, {"source": "test"})
    assert p["secretUri"] == "https://kv-sec.vault.azure.net/secrets/app-tls"
    first_version = p["secretUriWithVersion"]
    assert [s.name for s in kv.secrets.list("rg1", "kv-sec")] == ["app-tls"]
    # a new value is a new version; a write without one keeps the value and its version
    kv.secrets.create_or_update("rg1", "kv-sec", "app-tls", {"properties": {"value": "second"}})
    second = arm.get(secret_id, api="2024-11-01").json()["properties"]["secretUriWithVersion"]
    assert second != first_version
    assert (arm.put(secret_id, {"tags": {"x": "y"}, "properties": {}}, api="2024-11-01").status_code) == 200
    assert arm.get(secret_id, api="2024-11-01").json()["properties"]["secretUriWithVersion"] == second
    err = arm.put(arm.rg("rg1", "/providers/Microsoft.KeyVault/vaults/kv-sec/secrets/empty"), {"properties": {}},
                  api="2024-11-01")
    assert err.status_code == 400  # nothing to create a secret from
    assert arm.delete(secret_id, api="2024-11-01").status_code == 405
    # deleted with the vault, back with it
    kv.vaults.delete("rg1", "kv-sec")
    assert arm.get(secret_id, api="2024-11-01").status_code == 404
    kv.vaults.begin_create_or_update("rg1", "kv-sec", vault(purge_protection=False, createMode="recover")).result()
    assert arm.get(secret_id, api="2024-11-01").json()["properties"]["secretUriWithVersion"] == second
