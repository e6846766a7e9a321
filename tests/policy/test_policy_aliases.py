"""Alias → body-path resolution (data-driven), reading real ARM bodies, and writes for modify/append."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _policy_support import check

from lzengine.policy import resolve_alias
from lzengine.policy.aliases import MISSING, STAR, parse_field, select, write
from tests.refdata import CHECKOUT, DEFAULT_SHARED, ENV, policy_files, read_json, shared_location

ALIAS_PATHS = [
    # Microsoft.Network
    ("Microsoft.Network/virtualNetworks/addressSpace.addressPrefixes[*]", "properties.addressSpace.addressPrefixes[*]"),
    ("Microsoft.Network/virtualNetworks/subnets[*]", "properties.subnets[*]"),
    ("Microsoft.Network/virtualNetworks/subnets[*].name", "properties.subnets[*].name"),
    ("Microsoft.Network/virtualNetworks/subnets[*].id", "properties.subnets[*].id"),
    ("Microsoft.Network/virtualNetworks/subnets[*].addressPrefix", "properties.subnets[*].properties.addressPrefix"),
    (
        "Microsoft.Network/virtualNetworks/subnets[*].networkSecurityGroup.id",
        "properties.subnets[*].properties.networkSecurityGroup.id",
    ),
    (
        "Microsoft.Network/virtualNetworks/subnets[*].delegations[*].serviceName",
        "properties.subnets[*].properties.delegations[*].properties.serviceName",
    ),
    ("Microsoft.Network/virtualNetworks/enableDdosProtection", "properties.enableDdosProtection"),
    ("Microsoft.Network/virtualNetworks/subnets/networkSecurityGroup.id", "properties.networkSecurityGroup.id"),
    ("Microsoft.Network/virtualNetworks/subnets/routeTable.id", "properties.routeTable.id"),
    (
        "Microsoft.Network/virtualNetworks/subnets/delegations[*].serviceName",
        "properties.delegations[*].properties.serviceName",
    ),
    (
        "Microsoft.Network/virtualNetworks/subnets/privateEndpointNetworkPolicies",
        "properties.privateEndpointNetworkPolicies",
    ),
    (
        "Microsoft.Network/networkSecurityGroups/securityRules[*].destinationPortRanges[*]",
        "properties.securityRules[*].properties.destinationPortRanges[*]",
    ),
    ("Microsoft.Network/networkSecurityGroups/securityRules/access", "properties.access"),
    ("Microsoft.Network/routeTables/routes[*].nextHopType", "properties.routes[*].properties.nextHopType"),
    ("Microsoft.Network/routeTables/routes/nextHopIpAddress", "properties.nextHopIpAddress"),
    ("Microsoft.Network/routeTables/disableBgpRoutePropagation", "properties.disableBgpRoutePropagation"),
    ("Microsoft.Network/publicIPAddresses/sku.name", "sku.name"),
    ("Microsoft.Network/publicIPAddresses/publicIPAllocationMethod", "properties.publicIPAllocationMethod"),
    ("Microsoft.Network/azureFirewalls/sku.tier", "properties.sku.tier"),
    ("Microsoft.Network/azureFirewalls/threatIntelMode", "properties.threatIntelMode"),
    (
        "Microsoft.Network/azureFirewalls/ipConfigurations[*].subnet.id",
        "properties.ipConfigurations[*].properties.subnet.id",
    ),
    ("Microsoft.Network/firewallPolicies/sku.tier", "properties.sku.tier"),
    ("Microsoft.Network/firewallPolicies/intrusionDetection.mode", "properties.intrusionDetection.mode"),
    ("Microsoft.Network/bastionHosts/sku.name", "sku.name"),
    ("Microsoft.Network/bastionHosts/disableCopyPaste", "properties.disableCopyPaste"),
    ("Microsoft.Network/applicationGateways/sku.tier", "properties.sku.tier"),
    (
        "Microsoft.Network/applicationGateways/webApplicationFirewallConfiguration.enabled",
        "properties.webApplicationFirewallConfiguration.enabled",
    ),
    (
        "Microsoft.Network/privateEndpoints/privateLinkServiceConnections[*].groupIds[*]",
        "properties.privateLinkServiceConnections[*].properties.groupIds[*]",
    ),
    (
        "Microsoft.Network/networkInterfaces/ipconfigurations[*].publicIpAddress.id",
        "properties.ipconfigurations[*].properties.publicIpAddress.id",
    ),
    # AI landing-zone services
    ("Microsoft.CognitiveServices/accounts/disableLocalAuth", "properties.disableLocalAuth"),
    ("Microsoft.CognitiveServices/accounts/networkAcls.defaultAction", "properties.networkAcls.defaultAction"),
    ("Microsoft.CognitiveServices/accounts/publicNetworkAccess", "properties.publicNetworkAccess"),
    ("Microsoft.CognitiveServices/accounts/sku.name", "sku.name"),
    ("Microsoft.CognitiveServices/accounts/kind", "kind"),
    ("Microsoft.CognitiveServices/accounts/identity.type", "identity.type"),
    (
        "Microsoft.CognitiveServices/accounts/privateEndpointConnections[*].privateLinkServiceConnectionState.status",
        "properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status",
    ),
    ("Microsoft.Search/searchServices/publicNetworkAccess", "properties.publicNetworkAccess"),
    ("Microsoft.Search/searchServices/replicaCount", "properties.replicaCount"),
    ("Microsoft.Search/searchServices/partitionCount", "properties.partitionCount"),
    ("Microsoft.Search/searchServices/sku.name", "sku.name"),
    ("Microsoft.Search/searchServices/networkRuleSet.ipRules[*].value", "properties.networkRuleSet.ipRules[*].value"),
    ("Microsoft.Web/sites/httpsOnly", "properties.httpsOnly"),
    ("Microsoft.Web/sites/siteConfig.minTlsVersion", "properties.siteConfig.minTlsVersion"),
    ("Microsoft.Web/sites/siteConfig.ftpsState", "properties.siteConfig.ftpsState"),
    ("Microsoft.Web/sites/publicNetworkAccess", "properties.publicNetworkAccess"),
    ("Microsoft.Web/sites/config/minTlsVersion", "properties.minTlsVersion"),
    ("Microsoft.Web/serverFarms/sku.tier", "sku.tier"),
    ("Microsoft.Web/serverFarms/zoneRedundant", "properties.zoneRedundant"),
    ("Microsoft.Insights/components/DisableLocalAuth", "properties.DisableLocalAuth"),
    ("Microsoft.Insights/components/publicNetworkAccessForIngestion", "properties.publicNetworkAccessForIngestion"),
    ("Microsoft.OperationalInsights/workspaces/sku.name", "properties.sku.name"),
    ("Microsoft.OperationalInsights/workspaces/retentionInDays", "properties.retentionInDays"),
    ("Microsoft.OperationalInsights/workspaces/features.disableLocalAuth", "properties.features.disableLocalAuth"),
    ("Microsoft.Resources/subscriptions/resourceGroups/managedBy", "managedBy"),
    # Key Vault and Storage guardrails; a vault keeps its sku under properties
    ("Microsoft.KeyVault/vaults/enableRbacAuthorization", "properties.enableRbacAuthorization"),
    ("Microsoft.KeyVault/vaults/enablePurgeProtection", "properties.enablePurgeProtection"),
    ("Microsoft.KeyVault/vaults/networkAcls.defaultAction", "properties.networkAcls.defaultAction"),
    ("Microsoft.KeyVault/vaults/sku.name", "properties.sku.name"),
    ("Microsoft.Storage/storageAccounts/allowSharedKeyAccess", "properties.allowSharedKeyAccess"),
    ("Microsoft.Storage/storageAccounts/minimumTlsVersion", "properties.minimumTlsVersion"),
    ("Microsoft.Storage/storageAccounts/sku.name", "sku.name"),
    # Exceptions that do not follow the rule at all (data table).
    ("Microsoft.Storage/storageAccounts/enableBlobEncryption", "properties.encryption.services.blob.enabled"),
    ("Microsoft.Compute/virtualMachines/sku.name", "properties.hardwareProfile.vmSize"),
    ("Microsoft.Security/assessments/status.code", "properties.status.code"),
]


@pytest.mark.parametrize(("alias", "path"), ALIAS_PATHS)
def test_alias_paths(alias: str, path: str) -> None:
    resolved = resolve_alias(alias)
    assert resolved is not None
    assert resolved.path == path
    assert resolve_alias(alias.upper()).path.lower() == path.lower()  # type: ignore[union-attr]


def _aliases_in(node: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key.lower() == "field" and isinstance(value, str) and "/" in value and not value.startswith("["):
                out.add(value)
            out |= _aliases_in(value)
    elif isinstance(node, list):
        for value in node:
            out |= _aliases_in(value)
    return out


def test_every_alias_used_by_the_shipped_builtins_resolves(refdata: Path) -> None:
    files = policy_files(refdata)
    assert files, f"no built-ins under {refdata}"
    seen = set()
    for path in files.values():
        for alias in _aliases_in(read_json(path)["properties"]["policyRule"]):
            resolved = resolve_alias(alias)
            assert resolved is not None, alias
            assert resolved.path.startswith("properties."), (alias, resolved.path)
            seen.add(alias)
    assert "Microsoft.Network/virtualNetworks/subnets/networkSecurityGroup.id" in seen


def _body(refdata: Path, rel: str, rtype: str | None = None) -> dict[str, Any]:
    """The first response body of an ARM example, with ``type`` filled in where examples omit it."""
    responses = read_json(refdata / "arm-examples" / rel)["responses"]
    body = dict(responses.get("200", next(iter(responses.values())))["body"])
    if rtype:
        body.setdefault("type", rtype)
    return body


def test_paths_on_real_arm_example_bodies(refdata: Path) -> None:
    """Aliases find the values the example bodies hold (expected values read from the body itself)."""
    vnet = _body(refdata, "Microsoft.Network/VirtualNetworkGet.json")
    first = vnet["properties"]["subnets"][0]
    sub_alias = "Microsoft.Network/virtualNetworks/subnets[*]"
    prefixes = [s["properties"]["addressPrefix"] for s in vnet["properties"]["subnets"]]
    assert check({"field": f"{sub_alias}.addressPrefix", "in": prefixes}, vnet)  # every element is in the list
    named = {"count": {"field": sub_alias, "where": {"field": f"{sub_alias}.name", "equals": first["name"]}}}
    assert check({**named, "equals": 1}, vnet)
    has_nsg = any("networkSecurityGroup" in s["properties"] for s in vnet["properties"]["subnets"])
    assert check({"field": f"{sub_alias}.networkSecurityGroup.id", "exists": "false"}, vnet) is not has_nsg
    fw = _body(refdata, "Microsoft.Network/AzureFirewallPut.json")
    assert check({"field": "Microsoft.Network/azureFirewalls/sku.tier", "equals": fw["properties"]["sku"]["tier"]}, fw)
    assert check({"field": "Microsoft.Network/azureFirewalls/ipConfigurations[*].privateIPAddress", "exists": True}, fw)
    rules = "Microsoft.Network/azureFirewalls/networkRuleCollections[*].rules[*]"
    all_rules = [r for c in fw["properties"]["networkRuleCollections"] for r in c["properties"]["rules"]]
    assert check({"count": {"field": rules}, "equals": len(all_rules)}, fw)
    # a [*] field inside ``where`` is ANDed over the element's own array: count rules whose every port is P
    port = all_rules[0]["destinationPorts"][0]
    every_port_is = sum(all(p == port for p in r["destinationPorts"]) for r in all_rules)
    where = {"field": f"{rules}.destinationPorts[*]", "equals": port}
    assert check({"count": {"field": rules, "where": where}, "equals": every_port_is}, fw)
    policy = _body(refdata, "Microsoft.Network/FirewallPolicyPut.json")
    tier = policy["properties"]["sku"]["tier"]
    assert check({"field": "Microsoft.Network/firewallPolicies/sku.tier", "equals": tier}, policy)
    proxy = policy["properties"]["dnsSettings"]["enableProxy"]
    assert check({"field": "Microsoft.Network/firewallPolicies/dnsSettings.enableProxy", "equals": proxy}, policy)
    pip = _body(refdata, "Microsoft.Network/PublicIpAddressCreateDefaults.json")
    assert check({"field": "Microsoft.Network/publicIPAddresses/sku.name", "equals": pip["sku"]["name"]}, pip)
    pe = _body(refdata, "Microsoft.Network/PrivateEndpointCreate.json", rtype="Microsoft.Network/privateEndpoints")
    group = pe["properties"]["privateLinkServiceConnections"][0]["properties"]["groupIds"][0]
    assert check(
        {"field": "Microsoft.Network/privateEndpoints/privateLinkServiceConnections[*].groupIds[*]", "equals": group},
        pe,
    )
    plan = _body(refdata, "Microsoft.Web/CreateOrUpdateAppServicePlan.json")
    assert check({"field": "Microsoft.Web/serverfarms/sku.tier", "equals": plan["sku"]["tier"]}, plan)
    nsg = _body(refdata, "Microsoft.Network/NetworkSecurityGroupCreate.json")
    assert check(
        {"count": {"field": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules[*]"}, "equals": 6}, nsg
    )


def test_unknown_subresource_arrays_fall_back_to_the_properties_wrapper() -> None:
    lb = {
        "type": "Microsoft.Network/customThings",
        "properties": {"frontends": [{"name": "fe1", "properties": {"port": 80}}]},
    }
    assert check({"field": "Microsoft.Network/customThings/frontends[*].port", "equals": 80}, lb)
    assert check({"field": "Microsoft.Network/customThings/frontends[*].name", "equals": "fe1"}, lb)


def test_select_and_bindings() -> None:
    body = {"properties": {"a": [{"b": [1, 2]}, {"b": [3]}, {}]}}
    tokens = ("properties", "a", STAR, "b", STAR)
    assert select(body, tokens) == (True, [1, 2, 3])
    assert select(body, tokens, {("properties", "a", "[*]"): 0}) == (True, [1, 2])
    assert select(body, ("properties", "a", STAR, "b")) == (True, [[1, 2], [3], MISSING])
    assert select(body, ("properties", "zzz")) == (False, [MISSING])
    assert select(body, ("properties", "zzz", STAR)) == (True, [])


def test_parse_field_kinds() -> None:
    assert parse_field("Name").kind == "name"
    assert parse_field("fullName").kind == "fullname"
    assert parse_field("location").is_location
    assert parse_field("tags['a.b']").tokens == ("tags", "a.b")
    assert parse_field("tags.x").tag == "x"
    ref = parse_field("Microsoft.Web/sites/httpsOnly")
    assert ref.resource_type == "microsoft.web/sites" and ref.tokens == ("properties", "httpsOnly")


def test_write_operations() -> None:
    body: dict[str, Any] = {"tags": {"Env": "dev"}, "properties": {"rules": [{"a": 1}, {"a": 2}]}}
    assert write(body, ("tags", "env"), "prod", "addOrReplace").changed
    assert body["tags"] == {"Env": "prod"}  # existing key casing kept
    assert write(body, ("tags", "owner"), "me", "add").changed
    assert write(body, ("tags", "owner"), "you", "add").conflict
    assert write(body, ("tags", "OWNER"), None, "remove").changed and "owner" not in body["tags"]
    assert write(body, ("properties", "rules", STAR), {"a": 3}, "append").changed
    assert body["properties"]["rules"][-1] == {"a": 3}
    assert write(body, ("properties", "rules", STAR, "b"), "x", "addOrReplace").changed
    assert all(r["b"] == "x" for r in body["properties"]["rules"])
    assert write(body, ("properties", "deep", "x"), 1, "addOrReplace").skipped  # parent absent: skipped
    assert write(body, ("properties", "deep", "x"), 1, "append").changed  # append creates it
    fresh: dict[str, Any] = {}
    assert write(fresh, ("tags", "a"), "b", "addOrReplace").changed and fresh == {"tags": {"a": "b"}}


def test_shared_data_is_looked_for_beside_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The locator CI relies on: beside the checkout by default, elsewhere or nowhere by env var."""
    monkeypatch.delenv(ENV, raising=False)
    assert shared_location() == DEFAULT_SHARED and DEFAULT_SHARED.parents[1] == CHECKOUT.parent
    monkeypatch.setenv(ENV, "none")
    assert shared_location() is None
    monkeypatch.setenv(ENV, str(tmp_path))
    assert shared_location() == tmp_path.resolve()
