"""Azure's own validation (issue 10), through the typed SDK clients: locations by display name and
the full region list, properties that cannot change in place, and Application Gateway TLS policy and
certificate checks."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients

NET = "/providers/Microsoft.Network"


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value


def vnet(space: str, *subnets: tuple[str, str], location: str = "eastus") -> dict[str, Any]:
    body: dict[str, Any] = {"location": location, "properties": {"addressSpace": {"addressPrefixes": [space]}}}
    if subnets:
        body["properties"]["subnets"] = [{"name": n, "properties": {"addressPrefix": p}} for n, p in subnets]
    return body


def pip(nc: Any, name: str, location: str) -> Any:
    return nc.public_ip_addresses.begin_create_or_update("rg1", name, {
        "location": location, "sku": {"name": "Standard"},
        "properties": {"publicIPAllocationMethod": "Static"}}).result()


# ---------------------------------------------------------------------------- locations
def test_display_name_locations_are_the_same_region(clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    nc = clients.network
    hub = nc.virtual_networks.begin_create_or_update("rg1", "hub", vnet(
        "10.0.0.0/16", ("AzureFirewallSubnet", "10.0.0.0/26"), ("AzureBastionSubnet", "10.0.1.0/26"),
        location="westus")).result()
    assert hub.location == "westus"
    fw = nc.azure_firewalls.begin_create_or_update("rg1", "fw", {"location": "West US", "properties": {
        "sku": {"name": "AZFW_VNet", "tier": "Standard"}, "ipConfigurations": [{"name": "c", "properties": {
            "subnet": {"id": hub.subnets[0].id}, "publicIPAddress": {"id": pip(nc, "p1", "West US").id}}}]}}).result()
    assert fw.location == "westus" and fw.ip_configurations[0].private_ip_address == "10.0.0.4"
    bastion = nc.bastion_hosts.begin_create_or_update("rg1", "bas", {"location": "WEST US", "properties": {
        "ipConfigurations": [{"name": "c", "properties": {
            "subnet": {"id": hub.subnets[1].id}, "publicIPAddress": {"id": pip(nc, "p2", "westus").id}}}]}}).result()
    assert bastion.location == "westus"
    # a region really elsewhere is still refused
    assert error(lambda: nc.bastion_hosts.begin_create_or_update("rg1", "bas2", {"location": "East US", "properties": {
        "ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": hub.subnets[1].id},
                                                          "publicIPAddress": {"id": pip(nc, "p3", "eastus").id}}}]}}
    )).error.code == "InvalidResourceReference"


@pytest.mark.parametrize("region", ["australiasoutheast", "Australia Central", "canadaeast", "japanwest",
                                    "koreasouth", "southindia", "westindia", "spaincentral", "Mexico Central"])
def test_public_regions_outside_the_old_list_are_accepted(region: str, clients: Clients, arm: Arm) -> None:
    arm.make_rg("rg1", location=region)
    ws = clients.loganalytics.workspaces.begin_create_or_update("rg1", "law", {"location": region}).result()
    assert ws.location.replace(" ", "").lower() == region.replace(" ", "").lower()
    v = clients.network.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16", location=region)
                                                                ).result()
    assert v.location == region.replace(" ", "").lower()


def test_unknown_and_restricted_regions(clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    exc = error(lambda: clients.loganalytics.workspaces.begin_create_or_update("rg1", "law", {"location": "marsnorth"}))
    assert exc.error.code == "LocationNotAvailableForResourceType"
    # restricted-access regions offer networking but not the platform services
    clients.network.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16", location="norwaywest"))
    exc = error(lambda: clients.cognitive.accounts.begin_create("rg1", "ai", {
        "location": "norwaywest", "kind": "AIServices", "sku": {"name": "S0"}, "properties": {}}))
    assert exc.error.code == "LocationNotAvailableForResourceType"
    provider = clients.resource.providers.get("Microsoft.Network")
    vnets = next(t for t in provider.resource_types if t.resource_type == "virtualNetworks")
    assert {"Australia Southeast", "Mexico Central", "Spain Central", "West India"} <= set(vnets.locations)


# ---------------------------------------------------------------------------- immutable properties
def test_account_kind_cannot_change_in_place(clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    cs = clients.cognitive

    def account(kind: str, sub: str = "sub-a") -> dict[str, Any]:
        return {"location": "eastus", "kind": kind, "sku": {"name": "S0"}, "properties": {"customSubDomainName": sub}}

    cs.accounts.begin_create("rg1", "a", account("TextAnalytics")).result()
    exc = error(lambda: cs.accounts.begin_create("rg1", "a", account("AIServices")))
    assert (exc.status_code, exc.error.code) == (400, "UpdateKindNotAllowed")
    assert exc.error.message.startswith("It's not allowed to update kind of API account.")
    assert error(lambda: cs.accounts.begin_create("rg1", "a", account("TextAnalytics", "sub-b"))
                 ).error.code == "CustomSubDomainNameCannotBeChanged"
    assert cs.accounts.get("rg1", "a").kind == "TextAnalytics"
    # the documented upgrade of an Azure OpenAI resource to AI Services is allowed
    cs.accounts.begin_create("rg1", "o", account("OpenAI", "sub-o")).result()
    assert cs.accounts.begin_create("rg1", "o", account("AIServices", "sub-o")).result().kind == "AIServices"
    # the location cannot change, through PUT or PATCH
    exc = error(lambda: cs.accounts.begin_create("rg1", "o", {**account("AIServices", "sub-o"), "location": "westus"}))
    assert (exc.status_code, exc.error.code) == (409, "InvalidResourceLocation")
    assert "already exists in location 'eastus'" in exc.error.message


def test_location_and_skus_that_cannot_change(clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    exc = error(lambda: clients.resource.resource_groups.create_or_update("rg1", {"location": "westus"}))
    assert (exc.status_code, exc.error.code) == (409, "InvalidResourceGroupLocation")
    nc = clients.network
    nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16")).result()
    assert error(lambda: nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16", location="West US"))
                 ).error.code == "InvalidResourceLocation"
    # the same region by display name is no change
    assert nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16", location="East US")
                                                      ).result().location == "eastus"
    search = clients.search
    search.services.begin_create_or_update("rg1", "s-free", {"location": "eastus", "sku": {"name": "free"}}).result()
    refused = error(lambda: search.services.begin_create_or_update(
        "rg1", "s-free", {"location": "eastus", "sku": {"name": "basic"}}))
    assert (refused.status_code, refused.error.code) == (400, "BadRequest")
    assert "Cannot update sku for an existing search service" in refused.error.message
    web = clients.web
    web.app_service_plans.begin_create_or_update("rg1", "plan", {
        "location": "eastus", "sku": {"name": "P1v3"}, "properties": {"reserved": True}}).result()
    flipped = error(lambda: web.app_service_plans.begin_create_or_update("rg1", "plan", {
        "location": "eastus", "sku": {"name": "P1v3"}, "properties": {"reserved": False}}).result())
    assert (flipped.status_code, flipped.error.code) == (400, "BadRequest")
    assert "You cannot change the OS hosting your app" in flipped.error.message
    search.services.begin_create_or_update("rg1", "s-paid", {"location": "eastus", "sku": {"name": "basic"}}).result()
    assert search.services.begin_create_or_update(
        "rg1", "s-paid", {"location": "eastus", "sku": {"name": "standard"}}).result().sku.name == "standard"
    nc.public_ip_addresses.begin_create_or_update("rg1", "p", {"location": "eastus", "sku": {"name": "Standard"},
                                                               "properties": {"publicIPAllocationMethod": "Static"}})
    assert error(lambda: nc.public_ip_addresses.begin_create_or_update("rg1", "p", {
        "location": "eastus", "sku": {"name": "Basic"}, "properties": {"publicIPAllocationMethod": "Static"}}
    )).error.code == "PublicIPAddressSkuCannotBeDowngraded"


# ---------------------------------------------------------------------------- application gateway
def make_pfx(password: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "app.example.com")])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
            .sign(key, hashes.SHA256()))
    raw = pkcs12.serialize_key_and_certificates(b"tls", key, cert, None,
                                                serialization.BestAvailableEncryption(password.encode()))
    return base64.b64encode(raw).decode()


@pytest.fixture
def gateway(clients: Clients, arm: Arm) -> Any:
    arm.make_rg()
    nc = clients.network
    hub = nc.virtual_networks.begin_create_or_update("rg1", "hub", vnet("10.0.0.0/16", ("agw", "10.0.0.0/24"))
                                                     ).result()
    public = pip(nc, "pip", "eastus")

    def put(**extra: Any) -> Any:
        props = {"sku": {"name": "WAF_v2", "tier": "WAF_v2"}, "autoscaleConfiguration": {"minCapacity": 1},
                 "gatewayIPConfigurations": [{"name": "gw", "properties": {"subnet": {"id": hub.subnets[0].id}}}],
                 "frontendIPConfigurations": [{"name": "pub", "properties": {"publicIPAddress": {"id": public.id}}}],
                 **extra}
        return nc.application_gateways.begin_create_or_update("rg1", "agw", {"location": "eastus",
                                                                             "properties": props})
    return put


def test_application_gateway_refuses_tls_1_0_and_1_1(gateway: Any, arm: Arm) -> None:
    for policy in ({"policyType": "Predefined", "policyName": "AppGwSslPolicy20150501"},
                   {"policyType": "Predefined", "policyName": "AppGwSslPolicy20170401"},
                   {"policyType": "CustomV2", "minProtocolVersion": "TLSv1_1"},
                   {"disabledSslProtocols": ["TLSv1_0"]}):
        exc = error(lambda p=policy: gateway(sslPolicy=p))  # type: ignore[misc]
        assert (exc.status_code, exc.error.code) == (400, "ApplicationGatewayDeprecatedTlsVersionUsedInSslPolicy")
    assert gateway(sslPolicy={"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101"}).result()
    assert gateway(sslPolicy={"policyType": "CustomV2", "minProtocolVersion": "TLSv1_2"}).result()
    # before api-version 2023-02-01 an omitted policy means AppGwSslPolicy20150501
    body = arm.get(arm.rg("rg1", f"{NET}/applicationGateways/agw")).json()
    body["properties"].pop("sslPolicy")
    r = arm.put(arm.rg("rg1", f"{NET}/applicationGateways/agw"), body, api="2022-09-01")
    assert (r.status_code, r.json()["error"]["code"]) == (400, "ApplicationGatewayDeprecatedTlsVersionUsedInSslPolicy")
    assert arm.put(arm.rg("rg1", f"{NET}/applicationGateways/agw"), body, api="2024-05-01").status_code == 200


def test_application_gateway_certificates_must_open(gateway: Any, clients: Clients) -> None:
    def certs(**props: Any) -> dict[str, Any]:
        return {"sslCertificates": [{"name": "tls", "properties": props}]}

    exc = error(lambda: gateway(**certs(data="<base64-encoded-pfx>", password="<password>")))
    assert (exc.status_code, exc.error.code) == (400, "ApplicationGatewaySslCertificateInvalidData")
    assert exc.error.message.startswith("Data or Password for certificate ")
    assert "/sslCertificates/tls" in exc.error.message
    pfx = make_pfx("s3cret-Pass")
    assert error(lambda: gateway(**certs(data=pfx, password="wrong"))).error.code == \
        "ApplicationGatewaySslCertificateInvalidData"
    assert error(lambda: gateway(**certs(data=pfx))).error.code == \
        "ApplicationGatewaySslCertificatePasswordNotSpecified"
    assert error(lambda: gateway(**certs())).error.code == "ApplicationGatewaySslCertificateDataMustBeSpecified"
    agw = gateway(**certs(data=pfx, password="s3cret-Pass")).result()
    cert = agw.ssl_certificates[0]
    assert cert.data is None and cert.password is None and cert.public_cert_data
    # GET never returns the secret; sending the certificate back without its data keeps it
    raw = clients.network.application_gateways.get("rg1", "agw").as_dict()
    assert "s3cret-Pass" not in str(raw) and pfx not in str(raw)
    again = gateway(**certs()).result()
    assert again.ssl_certificates[0].public_cert_data == cert.public_cert_data
    # a Key Vault reference needs no data, but a vault the gateway can read (tests/emulator/test_keyvault.py)
    assert error(lambda: gateway(**certs(keyVaultSecretId="https://kv.vault.azure.net/secrets/tls"))).error.code == \
        "ApplicationGatewayKeyVaultSecretException"


def test_subnet_of_an_application_gateway_cannot_change_prefix(gateway: Any, clients: Clients) -> None:
    gateway().result()
    exc = error(lambda: clients.network.subnets.begin_create_or_update(
        "rg1", "hub", "agw", {"properties": {"addressPrefix": "10.0.0.0/23"}}))
    assert (exc.status_code, exc.error.code) == (400, "InUseSubnetCannotBeUpdated")
