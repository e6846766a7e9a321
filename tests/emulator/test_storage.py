"""Storage accounts as Azure answers them, through the typed storage client: name rules, global
names, the service sub-resources diagnostics attach to, private endpoints and their DNS names."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients, client_kwargs
from .test_validation import vnet


def account(**props: Any) -> dict[str, Any]:
    return {"location": "swedencentral", "kind": "StorageV2", "sku": {"name": "Standard_ZRS"},
            "properties": {"allowSharedKeyAccess": False, "allowBlobPublicAccess": False,
                           "publicNetworkAccess": "Disabled", "minimumTlsVersion": "TLS1_2",
                           "supportsHttpsTrafficOnly": True, **props}}


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value


@pytest.fixture
def st(clients: Clients, arm: Arm) -> Any:
    from azure.mgmt.storage import StorageManagementClient

    arm.make_rg("rg1")
    arm.make_rg("rg2")
    return StorageManagementClient(clients.cred, clients.emu.subscription_id, **client_kwargs(clients.emu))


def test_accounts_names_defaults_and_service_sub_resources(st: Any, arm: Arm) -> None:
    made = st.storage_accounts.begin_create("rg1", "stdata01", account()).result()
    assert (made.allow_shared_key_access, made.allow_blob_public_access, made.public_network_access,
            made.minimum_tls_version, made.enable_https_traffic_only) == (False, False, "Disabled", "TLS1_2", True)
    assert made.primary_endpoints.blob == "https://stdata01.blob.core.windows.net/"
    for bad in ("st", "St-Data", "x" * 25):
        err = error(lambda bad=bad: st.storage_accounts.begin_create("rg1", bad, account()))
        assert (err.status_code, err.error.code) == (400, "AccountNameInvalid"), bad
    err = error(lambda: st.storage_accounts.begin_create("rg2", "stdata01", account()))
    assert (err.status_code, err.error.code) == (409, "StorageAccountAlreadyTaken")
    check = st.storage_accounts.check_name_availability(
        {"name": "stdata01", "type": "Microsoft.Storage/storageAccounts"})
    assert (check.name_available, check.reason) == (False, "AlreadyExists")
    assert st.storage_accounts.check_name_availability(
        {"name": "Bad-Name", "type": "Microsoft.Storage/storageAccounts"}).reason == "AccountNameInvalid"
    # the service sub-resources exist with the account; per-service diagnostics attach there
    assert st.blob_services.get_service_properties("rg1", "stdata01").name == "default"
    account_id = arm.rg("rg1", "/providers/Microsoft.Storage/storageAccounts/stdata01")
    assert arm.get(f"{account_id}/fileServices/default", api="2025-01-01").status_code == 200
    # an update through PUT: shared key turned on is visible
    again = st.storage_accounts.begin_create("rg1", "stdata01", account(allowSharedKeyAccess=True)).result()
    assert again.allow_shared_key_access is True
    st.storage_accounts.delete("rg1", "stdata01")
    assert arm.get(f"{account_id}/blobServices/default", api="2025-01-01").status_code == 404


def test_private_endpoints_to_blob_and_file_resolve_their_service_names(st: Any, arm: Arm, clients: Clients) -> None:
    nc = clients.network
    net = nc.virtual_networks.begin_create_or_update("rg1", "spoke", vnet("10.1.0.0/24", ("pep", "10.1.0.0/27"))
                                                     ).result()
    made = st.storage_accounts.begin_create("rg1", "stfiles01", account()).result()
    for group in ("blob", "file"):
        pe = nc.private_endpoints.begin_create_or_update("rg1", f"pep-{group}", {
            "location": "eastus", "properties": {"subnet": {"id": net.subnets[0].id}, "privateLinkServiceConnections": [
                {"name": group, "properties": {"privateLinkServiceId": made.id, "groupIds": [group]}}]}}).result()
        assert [c.fqdn for c in pe.custom_dns_configs] == [f"stfiles01.{group}.core.windows.net"]
    connections = st.storage_accounts.get_properties("rg1", "stfiles01").private_endpoint_connections
    assert len(connections) == 2


def test_a_deny_policy_on_the_guardrail_aliases_refuses_shared_keys_and_access_policies(
        st: Any, clients: Clients, arm: Arm) -> None:
    """The aliases the guardrails are written with (``.../allowSharedKeyAccess``,
    ``.../enableRbacAuthorization``) resolve on the emulator's bodies: a Deny on them refuses the
    insecure write at request time and lets the secure one through."""
    from azure.mgmt.keyvault import KeyVaultManagementClient

    defs = "/providers/Microsoft.Authorization/policyDefinitions"
    rules = {
        "no-shared-key": {"allOf": [
            {"field": "type", "equals": "Microsoft.Storage/storageAccounts"},
            {"field": "Microsoft.Storage/storageAccounts/allowSharedKeyAccess", "notEquals": False}]},
        "vault-rbac": {"allOf": [
            {"field": "type", "equals": "Microsoft.KeyVault/vaults"},
            {"field": "Microsoft.KeyVault/vaults/enableRbacAuthorization", "notEquals": True}]},
    }
    for name, condition in rules.items():
        clients.policy.policy_definitions.create_or_update(name, {"properties": {
            "mode": "Indexed", "policyRule": {"if": condition, "then": {"effect": "deny"}}}})
        clients.policy.policy_assignments.create(arm.rg("rg1"), name, {"properties": {
            "policyDefinitionId": f"{arm.sub()}{defs}/{name}"}})
    err = error(lambda: st.storage_accounts.begin_create("rg1", "stkeys01", account(allowSharedKeyAccess=True)))
    assert (err.status_code, err.error.code) == (403, "RequestDisallowedByPolicy")
    assert st.storage_accounts.begin_create("rg1", "stkeys01", account()).result().allow_shared_key_access is False
    kv = KeyVaultManagementClient(clients.cred, clients.emu.subscription_id, **client_kwargs(clients.emu))
    body = {"location": "swedencentral", "properties": {
        "tenantId": "72f988bf-0000-4000-8000-00000000c0de", "sku": {"family": "A", "name": "standard"}}}
    err = error(lambda: kv.vaults.begin_create_or_update("rg1", "kv-policies", body))
    assert err.error.code == "RequestDisallowedByPolicy"
    body["properties"]["enableRbacAuthorization"] = True
    assert kv.vaults.begin_create_or_update("rg1", "kv-policies", body).result().properties.enable_rbac_authorization
