"""Built-in definitions read from disk, each against compliant and non-compliant resources, with the
deny body checked against ``RequestDisallowedByPolicy`` bodies; and a few more built-ins written inline.

The on-disk tests run once per reference data source (``refdata`` fixture, see ``tests/refdata.py``):
the project's own stand-ins in ``tests/fixtures`` (same ids and parameters as the built-ins lzengine
assigns, our own rule text) and the real definitions and error bodies in ``shared/data`` when present.
Cases are keyed by definition name (the built-in GUID), so both sources answer the same cases."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _policy_support import (
    RG_ID,
    SUB,
    SUB_SCOPE,
    make_assignment,
    make_context,
    make_resource,
    run,
)

from lzengine.policy import Assignment, Decision, Definition, evaluate_request, load_definition
from tests.refdata import policy_files, read_json

#: The error bodies of each source: a complete documented 403, and an excerpt under Allowed locations.
ERROR_FILES = {
    "own": ("RequestDisallowedByPolicy.full-body.json", "RequestDisallowedByPolicy.allowed-locations.excerpt.json"),
    "shared": ("RequestDisallowedByPolicy.automation-doc.json",
               "RequestDisallowedByPolicy.allowed-locations.excerpt.json"),
}


def _source(base: Path) -> str:
    return "own" if base.name == "fixtures" else "shared"


@pytest.fixture
def builtins(refdata: Path) -> dict[str, Definition]:
    """Every definition file of the source, by definition name (GUID)."""
    return {name: load_definition(read_json(path)) for name, path in policy_files(refdata).items()}


@pytest.fixture
def reference(refdata: Path) -> dict[str, Any]:
    return read_json(refdata / "errors" / ERROR_FILES[_source(refdata)][0])


@pytest.fixture
def excerpt(refdata: Path) -> dict[str, Any]:
    return read_json(refdata / "errors" / ERROR_FILES[_source(refdata)][1])

MESSAGE = re.compile(r"^Resource '(?P<name>[^']+)' was disallowed by policy\. Policy identifiers: '(?P<ids>\[.*\])'\.$")


# ------------------------------------------------------------------------------ bodies


def vnet(location: str = "westeurope", **body: Any) -> dict[str, Any]:
    return make_resource("Microsoft.Network/virtualNetworks", "vnet-hub", location=location, **body)


def subnet(name: str, nsg: bool) -> dict[str, Any]:
    props: dict[str, Any] = {"addressPrefix": "10.0.0.0/27"}
    if nsg:
        props["networkSecurityGroup"] = {"id": f"{RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg"}
    return make_resource("Microsoft.Network/virtualNetworks/subnets", "vnet-hub", name, location=None, properties=props)


def cognitive(**props: Any) -> dict[str, Any]:
    return make_resource(
        "Microsoft.CognitiveServices/accounts", "aoai", kind="OpenAI", sku={"name": "S0"}, properties=props
    )


def search(**props: Any) -> dict[str, Any]:
    return make_resource("Microsoft.Search/searchServices", "srch", sku={"name": "standard"}, properties=props)


def site(kind: str = "app", **props: Any) -> dict[str, Any]:
    return make_resource("Microsoft.Web/sites", "web", kind=kind, properties=props)


def resource_group(tags: dict[str, str] | None = None) -> dict[str, Any]:
    rg: dict[str, Any] = {
        "id": RG_ID,
        "name": "rg-lz",
        "type": "Microsoft.Resources/subscriptions/resourceGroups",
        "location": "westeurope",
    }
    if tags is not None:
        rg["tags"] = tags
    return rg


@dataclass
class Case:
    """How to assign one built-in and which resources it must deny / allow."""

    params: dict[str, Any]
    denied: list[dict[str, Any]]
    allowed: list[dict[str, Any]]
    effect: str = "Deny"
    existence: Callable[..., Any] | None = field(default=None)


ALLOWED_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
ASC_NSG = "e71308d3-144b-4262-b144-efdc3cc90517"  # AuditIfNotExists: its own tests below

CASES: dict[str, Case] = {
    ALLOWED_LOCATIONS: Case(
        params={"listOfAllowedLocations": ["westeurope", "swedencentral"], "effect": "Deny"},
        denied=[vnet("East US 2"), {**search(), "location": "Norway East"}, vnet("eastus")],
        allowed=[
            vnet("West Europe"),
            vnet("Sweden Central"),
            make_resource("Microsoft.Network/privateDnsZones", "privatelink.openai.azure.com", location="global"),
            {**resource_group(), "location": "eastus"},  # Indexed: resource groups are not evaluated
            subnet("snet-app", nsg=False),  # Indexed: no location, not evaluated
        ],
    ),
    "871b6d14-10aa-478d-b590-94f262ecfa99": Case(
        params={"tagName": "costCenter"},
        denied=[vnet(), vnet(tags={"owner": "x"}), cognitive()],
        allowed=[vnet(tags={"CostCenter": "42"}), resource_group(tags={}), subnet("snet", nsg=True)],
    ),
    "96670d01-0a4d-4649-9c89-2d3abc0a5025": Case(
        params={"tagName": "costCenter"},
        denied=[resource_group(), resource_group(tags={"owner": "me"})],
        allowed=[resource_group(tags={"costcenter": "1"}), vnet()],
    ),
    "71ef260a-8f18-47b7-abcb-62d0673d94dc": Case(
        params={"effect": "Deny"},
        denied=[cognitive(), cognitive(disableLocalAuth=False), search(disableLocalAuth=False), search()],
        allowed=[cognitive(disableLocalAuth=True), search(disableLocalAuth=True), vnet()],
    ),
    "037eea7a-bd0a-46c5-9a66-03aea78705d3": Case(
        params={"effect": "Deny"},
        denied=[
            cognitive(),
            cognitive(publicNetworkAccess="Enabled", networkAcls={"defaultAction": "Allow"}),
            search(publicNetworkAccess="enabled"),
            search(publicNetworkAccess="Enabled", networkRuleSet={"ipRules": []}),
        ],
        allowed=[
            cognitive(publicNetworkAccess="Disabled"),
            cognitive(publicNetworkAccess="Enabled", networkAcls={"defaultAction": "Deny"}),
            search(publicNetworkAccess="disabled"),
            search(publicNetworkAccess="Enabled", networkRuleSet={"ipRules": [{"value": "203.0.113.7"}]}),
        ],
    ),
    "ee980b6d-0eca-4501-8d54-f6290fd512c3": Case(
        params={"effect": "Deny"},
        denied=[search(), search(publicNetworkAccess="Enabled")],
        allowed=[search(publicNetworkAccess="disabled"), search(publicNetworkAccess="Disabled"), cognitive()],
    ),
    "a4af4a39-4135-47fb-b175-47fbdf85311d": Case(
        params={"effect": "Deny"},
        denied=[site(), site(httpsOnly=False), site("app,linux", httpsOnly="false")],
        allowed=[site(httpsOnly=True), site("functionapp,linux", httpsOnly=False), site("FunctionApp")],
    ),
    "35f9c03a-cc27-418e-9c0c-539ff999d010": Case(
        params={},
        denied=[subnet("GatewaySubnet", nsg=True), subnet("gatewaysubnet", nsg=True)],
        allowed=[subnet("GatewaySubnet", nsg=False), subnet("snet-app", nsg=True), vnet()],
    ),
}


def test_every_shipped_builtin_has_a_case(builtins: dict[str, Definition]) -> None:
    missing = set(builtins) - set(CASES) - {ASC_NSG}
    assert not missing, f"{sorted(missing)} have no test case: add one (nothing is skipped)"


def test_the_shipped_builtins_are_all_there(builtins: dict[str, Definition]) -> None:
    assert len(builtins) >= 9
    assert set(CASES) | {ASC_NSG} == set(builtins)


def _assign(definition: Definition, params: dict[str, Any], **kw: Any) -> Assignment:
    return make_assignment(
        definition,
        name=f"lz-{definition.name[:8]}",
        display_name=f"LZ: {definition.display_name}",
        params=params,
        **kw,
    )


def _decide(definition: Definition, case: Case, resource: dict[str, Any], **kw: Any) -> Decision:
    return run(resource, (_assign(definition, case.params, **kw), definition))


@pytest.mark.parametrize("name", sorted(CASES))
def test_builtin_denies_non_compliant_resources(name: str, builtins: dict[str, Definition],
                                                reference: dict[str, Any]) -> None:
    definition, case = builtins[name], CASES[name]
    for resource in case.denied:
        decision = _decide(definition, case, resource)
        assert decision.denied, (name, resource)
        (result,) = decision.results
        assert result.effect == case.effect and result.compliant is False
        _assert_reference_shape(reference, decision.deny_error(), decision, resource)
        # the same assignment in DoNotEnforce mode only records
        relaxed = _decide(definition, case, resource, enforcement="DoNotEnforce")
        assert not relaxed.denied and relaxed.results[0].compliant is False


@pytest.mark.parametrize("name", sorted(CASES))
def test_builtin_allows_compliant_resources(name: str, builtins: dict[str, Definition]) -> None:
    definition, case = builtins[name], CASES[name]
    for resource in case.allowed:
        decision = _decide(definition, case, resource)
        assert not decision.denied, (name, resource, [r.evaluated_expressions for r in decision.results])
        assert all(r.compliant is not False for r in decision.results)


@pytest.mark.parametrize("name", sorted(CASES))
def test_builtin_with_audit_effect_records_without_denying(name: str, builtins: dict[str, Definition]) -> None:
    definition, case = builtins[name], CASES[name]
    if "effect" not in definition.parameters:
        assert case.params.get("effect") is None  # a fixed effect: nothing to switch
        return
    params = {**case.params, "effect": "Audit"}
    decision = run(case.denied[0], (_assign(definition, params), definition))
    assert not decision.denied and decision.results[0].effect == "Audit" and decision.results[0].compliant is False


def _keys(d: dict[str, Any]) -> set[str]:
    return {k for k in d if not k.startswith("_")}


def _assert_reference_shape(reference: dict[str, Any], body: dict[str, Any], decision: Decision,
                            resource: dict[str, Any]) -> None:
    ref_error = reference["body"]["error"]
    error = body["error"]
    assert _keys(body) == _keys(reference["body"])
    assert _keys(error) == _keys(ref_error)
    assert error["code"] == ref_error["code"] == "RequestDisallowedByPolicy"
    assert error["target"] == resource["name"]
    m = MESSAGE.match(error["message"])
    assert m and m.group("name") == resource["name"]
    ids = json.loads(m.group("ids"))
    ref_ids = json.loads(MESSAGE.match(ref_error["message"]).group("ids"))  # type: ignore[union-attr]
    assert [set(i) for i in ids] == [set(i) for i in ref_ids]
    assert all(set(i["policyAssignment"]) == {"name", "id"} == set(i["policyDefinition"]) for i in ids)
    (info_entry,) = error["additionalInfo"]
    ref_entry = ref_error["additionalInfo"][0]
    assert _keys(info_entry) == _keys(ref_entry) and info_entry["type"] == "PolicyViolation"
    info, ref_info = info_entry["info"], ref_entry["info"]
    assert _keys(info) == _keys(ref_info)
    assert list(info) == list(ref_info)  # same key order, too
    assert info["policyDefinitionEffect"] == "Deny"
    result = decision.results[0]
    assert info["policyDefinitionId"] == result.definition.id
    assert info["policyAssignmentId"] == result.assignment.id
    assert info["policyAssignmentScope"] == SUB_SCOPE
    expressions = info["evaluationDetails"]["evaluatedExpressions"]
    assert expressions and _keys(info["evaluationDetails"]) == {"evaluatedExpressions"}
    allowed = set().union(*(e.keys() for e in ref_info["evaluationDetails"]["evaluatedExpressions"]))
    for expr in expressions:
        assert set(expr) <= allowed
        assert {"result", "expressionKind", "expression", "targetValue", "operator"} <= set(expr)
        assert expr["result"] == "True"
        if expr["expressionKind"] == "Field":
            assert "path" in expr


def test_deny_body_reproduces_the_allowed_locations_excerpt_exactly(builtins: dict[str, Definition],
                                                                    excerpt: dict[str, Any]) -> None:
    """Rebuild the excerpt's request (assignment, resource, location) from the excerpt itself."""
    definition = builtins[ALLOWED_LOCATIONS]
    expected = excerpt["details_element"]
    first = expected["additionalInfo"][0]["info"]["evaluationDetails"]["evaluatedExpressions"][0]
    (ids,) = json.loads(MESSAGE.match(expected["message"]).group("ids"))  # type: ignore[union-attr]
    scope = ids["policyAssignment"]["id"].split("/providers/Microsoft.Authorization/")[0]
    assignment = Assignment.from_arm(
        {
            "id": ids["policyAssignment"]["id"],
            "name": ids["policyAssignment"]["name"],
            "properties": {
                "policyDefinitionId": definition.id,
                "parameters": {"listOfAllowedLocations": {"value": first["targetValue"]}},
            },
        }
    )
    resource = {
        "id": f"{scope}/providers/Microsoft.Network/virtualNetworks/{expected['target']}",
        "name": expected["target"],
        "type": "Microsoft.Network/virtualNetworks",
        "location": first["expressionValue"],
    }
    decision = evaluate_request(
        resource,
        assignments=[assignment],
        definitions={definition.id: definition},
        context=make_context(subscription_id=scope.split("/")[2]),
    )
    error = decision.deny_error()["error"]
    assert error["code"] == expected["code"]
    assert error["target"] == expected["target"]
    assert error["message"] == expected["message"]
    got_info = error["additionalInfo"][0]
    want_info = expected["additionalInfo"][0]
    assert got_info["type"] == want_info["type"]
    assert got_info["info"]["evaluationDetails"]["evaluatedExpressions"][0] == first


def test_deny_body_reproduces_the_documented_403_exactly(reference: dict[str, Any]) -> None:
    """Rebuild the documented denial (a Value expression over ``length(field(...))``) from its parts."""
    ref = reference["body"]["error"]
    info = ref["additionalInfo"][0]["info"]
    sub = info["policyAssignmentScope"].split("/")[2]
    definition = load_definition(
        {
            "id": info["policyDefinitionId"],
            "name": info["policyDefinitionName"],
            "properties": {
                "displayName": info["policyDefinitionDisplayName"],
                "mode": "All",
                "policyRule": {
                    "if": {
                        "allOf": [
                            {"field": "type", "equals": "Microsoft.Automation/automationAccounts/jobs"},
                            {
                                "value": "[length(field('Microsoft.Automation/automationAccounts/jobs/runOn'))]",
                                "less": 1,
                            },
                        ]
                    },
                    "then": {"effect": "Deny"},
                },
            },
        }
    )
    assignment = Assignment.from_arm(
        {
            "id": info["policyAssignmentId"],
            "name": info["policyAssignmentName"],
            "properties": {
                "displayName": info["policyAssignmentDisplayName"],
                "policyDefinitionId": definition.id,
                "scope": info["policyAssignmentScope"],
                "parameters": {},
            },
        }
    )
    account = f"{info['policyAssignmentScope']}/providers/Microsoft.Automation/automationAccounts/aa"
    job = {
        "id": f"{account}/jobs/{ref['target']}",
        "name": ref["target"],
        "type": "Microsoft.Automation/automationAccounts/jobs",
        "properties": {"runbook": {"name": ref["target"]}},
    }
    decision = evaluate_request(
        job,
        assignments=[assignment],
        definitions={definition.id: definition},
        context=make_context(subscription_id=sub),
    )
    assert decision.deny_error() == reference["body"]
    hybrid = {**job, "properties": {"runOn": "hybrid-group"}}
    assert not evaluate_request(
        hybrid,
        assignments=[assignment],
        definitions={definition.id: definition},
        context=make_context(subscription_id=sub),
    ).denied


# ------------------------------------------------------------------------------ AuditIfNotExists built-in


def _assessment(code: str) -> dict[str, Any]:
    return {
        "name": "eade5b56-eefd-444f-95c8-23f29e5d93cb",
        "type": "Microsoft.Security/assessments",
        "properties": {"status": {"code": code}},
    }


@pytest.mark.parametrize(
    ("assessments", "compliant"),
    [
        ([_assessment("Healthy")], True),
        ([_assessment("NotApplicable")], True),
        ([_assessment("Unhealthy")], False),
        ([], False),
    ],
)
def test_asc_subnet_nsg_audit_if_not_exists_through_the_existence_callback(
    assessments: list[dict[str, Any]], compliant: bool, builtins: dict[str, Definition]
) -> None:
    definition = builtins[ASC_NSG]
    sn = subnet("snet-app", nsg=False)
    calls: list[tuple[str, str, str | None]] = []

    def lookup(rtype: str, scope: str, name: str | None) -> list[dict[str, Any]]:
        calls.append((rtype, scope, name))
        return assessments

    decision = run(sn, (_assign(definition, {}), definition), existence_lookup=lookup)
    assert not decision.denied  # AuditIfNotExists never blocks
    (result,) = decision.results
    assert result.effect == "AuditIfNotExists" and result.compliant is compliant
    assert calls == [("Microsoft.Security/assessments", sn["id"], "eade5b56-eefd-444f-95c8-23f29e5d93cb")]


def test_asc_subnet_nsg_is_pending_without_callback_and_ignores_other_types(builtins: dict[str, Definition]) -> None:
    definition = builtins[ASC_NSG]
    decision = run(subnet("snet", nsg=True), (_assign(definition, {}), definition))
    assert decision.pending_results and decision.results[0].compliant is None
    decision = run(vnet(), (_assign(definition, {}), definition), existence_lookup=lambda *a: [])
    assert decision.results[0].compliant is True
    disabled = run(subnet("snet", nsg=False), (_assign(definition, {"effect": "Disabled"}), definition))
    assert disabled.results[0].effect == "Disabled"


# ------------------------------------------------------------------------------ more real built-ins, inline


def _builtin(guid: str, display: str, mode: str, rule_if: dict[str, Any], effect: Any, **extra: Any) -> Definition:
    props: dict[str, Any] = {"displayName": display, "policyType": "BuiltIn", "mode": mode}
    props.update(extra)
    then = {"effect": effect}
    if "details" in props:
        then["details"] = props.pop("details")
    props["policyRule"] = {"if": rule_if, "then": then}
    return load_definition(
        {"properties": props, "id": f"/providers/Microsoft.Authorization/policyDefinitions/{guid}", "name": guid}
    )


EFFECT = {"effect": {"type": "String", "defaultValue": "Deny", "allowedValues": ["Audit", "Deny", "Disabled"]}}

ALLOWED_TYPES = _builtin(
    "a08ec900-254a-4555-9bf5-e42af04b5c5c",
    "Allowed resource types",
    "Indexed",
    {"not": {"field": "type", "in": "[parameters('listOfResourceTypesAllowed')]"}},
    "deny",
    parameters={"listOfResourceTypesAllowed": {"type": "Array"}},
)
NOT_ALLOWED_TYPES = _builtin(
    "6c112d4e-5bc7-47ae-a041-ea2d9dccd749",
    "Not allowed resource types",
    "All",
    {
        "allOf": [
            {"field": "type", "in": "[parameters('listOfResourceTypesNotAllowed')]"},
            {"value": "[field('type')]", "exists": True},
        ]
    },
    "[parameters('effect')]",
    parameters={"listOfResourceTypesNotAllowed": {"type": "Array"}, **EFFECT},
)
NIC_NO_PUBLIC_IP = _builtin(
    "83a86a26-fd1f-447c-b59d-e51f44264114",
    "Network interfaces should not have public IPs",
    "Indexed",
    {
        "allOf": [
            {"field": "type", "equals": "Microsoft.Network/networkInterfaces"},
            {
                "not": {
                    "field": "Microsoft.Network/networkInterfaces/ipconfigurations[*].publicIpAddress.id",
                    "notLike": "*",
                }
            },
        ]
    },
    "deny",
)
SUBNETS = "Microsoft.Network/virtualNetworks/subnets[*]"
SUBNET_WITHOUT_NSG = _builtin(  # the landing-zone custom deny, with a count over VNet subnets
    "Deny-Subnet-Without-Nsg",
    "Subnets should have a Network Security Group",
    "All",
    {
        "anyOf": [
            {
                "allOf": [
                    {"field": "type", "equals": "Microsoft.Network/virtualNetworks"},
                    {
                        "count": {
                            "field": "Microsoft.Network/virtualNetworks/subnets[*]",
                            "where": {
                                "allOf": [
                                    {"field": f"{SUBNETS}.networkSecurityGroup.id", "exists": "false"},
                                    {"field": f"{SUBNETS}.name", "notIn": "[parameters('excludedSubnets')]"},
                                ]
                            },
                        },
                        "notEquals": 0,
                    },
                ]
            },
            {
                "allOf": [
                    {"field": "type", "equals": "Microsoft.Network/virtualNetworks/subnets"},
                    {"field": "name", "notIn": "[parameters('excludedSubnets')]"},
                    {"field": "Microsoft.Network/virtualNetworks/subnets/networkSecurityGroup.id", "exists": "false"},
                ]
            },
        ]
    },
    "[parameters('effect')]",
    parameters={
        **EFFECT,
        "excludedSubnets": {
            "type": "Array",
            "defaultValue": ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet"],
        },
    },
)
STORAGE_NETWORK = _builtin(
    "2a1a9cdf-e04d-429a-8416-3bfb72a1b26f",
    "Storage accounts should restrict network access using virtual network rules",
    "Indexed",
    {
        "allOf": [
            {"field": "type", "equals": "Microsoft.Storage/storageAccounts"},
            {
                "anyOf": [
                    {
                        "count": {"field": "Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]"},
                        "greaterOrEquals": 1,
                    },
                    {"field": "Microsoft.Storage/storageAccounts/networkAcls.defaultAction", "equals": "Allow"},
                ]
            },
        ]
    },
    "[parameters('effect')]",
    parameters=EFFECT,
)
KEYVAULT_FIREWALL = _builtin(  # Key Vault firewall, with a count-where over IP rules and value count
    "kv-firewall-ip-allowlist",
    "Key Vault firewall rules should only allow approved ranges",
    "Indexed",
    {
        "allOf": [
            {"field": "type", "equals": "Microsoft.KeyVault/vaults"},
            {"field": "Microsoft.KeyVault/vaults/createMode", "notEquals": "recover"},
            {
                "anyOf": [
                    {"field": "Microsoft.KeyVault/vaults/networkAcls.defaultAction", "notEquals": "Deny"},
                    {
                        "count": {
                            "field": "Microsoft.KeyVault/vaults/networkAcls.ipRules[*]",
                            "where": {
                                "count": {
                                    "value": "[parameters('approvedRanges')]",
                                    "name": "range",
                                    "where": {
                                        "value": "[ipRangeContains(current('range'), "
                                        "current('Microsoft.KeyVault/vaults/networkAcls.ipRules[*].value'))]",
                                        "equals": True,
                                    },
                                },
                                "equals": 0,
                            },
                        },
                        "greater": 0,
                    },
                ]
            },
        ]
    },
    "[parameters('effect')]",
    parameters={**EFFECT, "approvedRanges": {"type": "Array", "defaultValue": ["10.0.0.0/8"]}},
)
SR = "Microsoft.Network/networkSecurityGroups/securityRules"


def _covers_3389(port: str) -> str:
    """The built-in's port-range test: ``port`` is an expression yielding one range string."""
    return (
        f"[if(and(not(empty({port})), contains({port},'-')), "
        f"and(lessOrEquals(int(first(split({port}, '-'))),3389),"
        f"greaterOrEquals(int(last(split({port}, '-'))),3389)), 'false')]"
    )


RDP_FROM_INTERNET = {
    "properties": {
        "displayName": "RDP access from the Internet should be blocked",
        "mode": "All",
        "parameters": {"effect": {"type": "string", "defaultValue": "Audit"}},
        "policyRule": {
            "if": {
                "allOf": [
                    {"field": "type", "equals": SR},
                    {
                        "allOf": [
                            {"field": f"{SR}/access", "equals": "Allow"},
                            {"field": f"{SR}/direction", "equals": "Inbound"},
                            {
                                "anyOf": [
                                    {"field": f"{SR}/destinationPortRange", "equals": "*"},
                                    {"field": f"{SR}/destinationPortRange", "equals": "3389"},
                                    {"value": _covers_3389(f"field('{SR}/destinationPortRange')"), "equals": "true"},
                                    {
                                        "count": {
                                            "field": f"{SR}/destinationPortRanges[*]",
                                            "where": {
                                                "value": _covers_3389(f"first(field('{SR}/destinationPortRanges[*]'))"),
                                                "equals": "true",
                                            },
                                        },
                                        "greater": 0,
                                    },
                                    {"not": {"field": f"{SR}/destinationPortRanges[*]", "notEquals": "*"}},
                                    {"not": {"field": f"{SR}/destinationPortRanges[*]", "notEquals": "3389"}},
                                ]
                            },
                            {
                                "anyOf": [
                                    {"field": f"{SR}/sourceAddressPrefix", "equals": "*"},
                                    {"field": f"{SR}/sourceAddressPrefix", "equals": "Internet"},
                                    {"not": {"field": f"{SR}/sourceAddressPrefixes[*]", "notEquals": "*"}},
                                    {"not": {"field": f"{SR}/sourceAddressPrefixes[*]", "notEquals": "Internet"}},
                                ]
                            },
                        ]
                    },
                ]
            },
            "then": {"effect": "[parameters('effect')]"},
        },
    },
    "id": "/providers/Microsoft.Authorization/policyDefinitions/e372f825-a257-4fb8-9175-797a8a8627d6",
    "name": "e372f825-a257-4fb8-9175-797a8a8627d6",
}
TAG_FIELD = "[concat('tags[', parameters('tagName'), ']')]"
RG_TAG = "[resourceGroup().tags[parameters('tagName')]]"
INHERIT_TAG = _builtin(
    "cd3aa116-8754-49c9-a813-ad46512ece54",
    "Inherit a tag from the resource group",
    "Indexed",
    {
        "allOf": [
            {"field": TAG_FIELD, "notEquals": RG_TAG},
            {"value": RG_TAG, "notEquals": ""},
        ]
    },
    "modify",
    parameters={"tagName": {"type": "String"}},
    details={
        "roleDefinitionIds": [
            "/providers/microsoft.authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"
        ],
        "operations": [{"operation": "addOrReplace", "field": TAG_FIELD, "value": RG_TAG}],
    },
)
NO_DELETE = _builtin(
    "78460a36-508a-49a4-b2b2-2f5ec564f4bb",
    "[Preview]: Do not allow deletion of resource types",
    "All",
    {"field": "type", "in": "[parameters('listOfResourceTypesDisallowedForDeletion')]"},
    "[parameters('effect')]",
    parameters={
        "listOfResourceTypesDisallowedForDeletion": {"type": "Array"},
        "effect": {"type": "String", "defaultValue": "DenyAction", "allowedValues": ["DenyAction", "Disabled"]},
    },
    details={"actionNames": ["delete"]},
)


def _decision(
    definition: Definition, resource: dict[str, Any], params: dict[str, Any] | None = None, **ctx: Any
) -> Decision:
    return run(resource, (make_assignment(definition, params=params), definition), **ctx)


def test_allowed_and_not_allowed_resource_types() -> None:
    allowed = {"listOfResourceTypesAllowed": ["Microsoft.Network/virtualNetworks", "Microsoft.Web/sites"]}
    assert not _decision(ALLOWED_TYPES, vnet(), allowed).denied
    assert _decision(ALLOWED_TYPES, search(), allowed).denied
    assert not _decision(ALLOWED_TYPES, subnet("s", nsg=False), allowed).denied  # Indexed: child type skipped
    banned = {
        "listOfResourceTypesNotAllowed": [
            "microsoft.search/searchservices",
            "Microsoft.Network/virtualNetworks/subnets",
        ]
    }
    assert _decision(NOT_ALLOWED_TYPES, search(), banned).denied
    assert _decision(NOT_ALLOWED_TYPES, subnet("s", nsg=True), banned).denied  # All: child types too
    assert not _decision(NOT_ALLOWED_TYPES, vnet(), banned).denied


def test_nic_without_public_ip() -> None:
    def nic(*public: bool) -> dict[str, Any]:
        configs = []
        for i, has_pip in enumerate(public):
            props: dict[str, Any] = {"privateIPAllocationMethod": "Dynamic"}
            if has_pip:
                props["publicIPAddress"] = {"id": f"{RG_ID}/providers/Microsoft.Network/publicIPAddresses/pip{i}"}
            configs.append({"name": f"ipconfig{i}", "properties": props})
        return make_resource("Microsoft.Network/networkInterfaces", "nic", properties={"ipConfigurations": configs})

    assert not _decision(NIC_NO_PUBLIC_IP, nic(False)).denied
    assert not _decision(NIC_NO_PUBLIC_IP, nic()).denied
    assert _decision(NIC_NO_PUBLIC_IP, nic(True)).denied
    assert _decision(NIC_NO_PUBLIC_IP, nic(False, True)).denied


def test_subnet_without_nsg_custom_deny_with_count() -> None:
    def hub(*subnets: tuple[str, bool]) -> dict[str, Any]:
        items = []
        for name, has_nsg in subnets:
            props: dict[str, Any] = {"addressPrefix": "10.0.0.0/26"}
            if has_nsg:
                props["networkSecurityGroup"] = {"id": "/x/nsg"}
            items.append({"name": name, "properties": props})
        return vnet(properties={"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": items})

    assert not _decision(SUBNET_WITHOUT_NSG, hub(("GatewaySubnet", False), ("snet-app", True))).denied
    d = _decision(SUBNET_WITHOUT_NSG, hub(("GatewaySubnet", False), ("snet-app", True), ("snet-data", False)))
    assert d.denied
    count_expr = d.deny_error()["error"]["additionalInfo"][0]["info"]["evaluationDetails"]["evaluatedExpressions"][-1]
    assert count_expr["expressionKind"] == "Count" and count_expr["expressionValue"] == 1
    assert not _decision(SUBNET_WITHOUT_NSG, hub()).denied
    assert _decision(SUBNET_WITHOUT_NSG, subnet("snet-data", nsg=False)).denied
    assert not _decision(SUBNET_WITHOUT_NSG, subnet("AzureFirewallSubnet", nsg=False)).denied
    assert not _decision(SUBNET_WITHOUT_NSG, subnet("snet-data", nsg=True)).denied


def test_storage_network_rules_count() -> None:
    def account(default: str, *ips: str) -> dict[str, Any]:
        acls = {"defaultAction": default, "ipRules": [{"value": ip, "action": "Allow"} for ip in ips]}
        return make_resource(
            "Microsoft.Storage/storageAccounts", "st", kind="StorageV2", properties={"networkAcls": acls}
        )

    assert not _decision(STORAGE_NETWORK, account("Deny")).denied
    assert _decision(STORAGE_NETWORK, account("Deny", "1.2.3.4")).denied
    assert _decision(STORAGE_NETWORK, account("allow")).denied


def test_key_vault_firewall_count_where_with_value_count() -> None:
    def vault(default: str, *ips: str, create_mode: str | None = None) -> dict[str, Any]:
        props: dict[str, Any] = {"networkAcls": {"defaultAction": default, "ipRules": [{"value": ip} for ip in ips]}}
        if create_mode:
            props["createMode"] = create_mode
        return make_resource("Microsoft.KeyVault/vaults", "kv", properties=props)

    assert not _decision(KEYVAULT_FIREWALL, vault("Deny", "10.1.2.3", "10.9.0.0/16")).denied
    assert _decision(KEYVAULT_FIREWALL, vault("Deny", "10.1.2.3", "203.0.113.0/24")).denied
    assert _decision(KEYVAULT_FIREWALL, vault("Allow")).denied
    assert not _decision(KEYVAULT_FIREWALL, vault("Allow", create_mode="recover")).denied
    wider = {"approvedRanges": ["10.0.0.0/8", "203.0.113.0/24"]}
    assert not _decision(KEYVAULT_FIREWALL, vault("Deny", "203.0.113.5"), wider).denied


def _rule(port: str | list[str], source: str | list[str], access: str = "Allow") -> dict[str, Any]:
    props: dict[str, Any] = {"access": access, "direction": "Inbound"}
    props["destinationPortRanges" if isinstance(port, list) else "destinationPortRange"] = port
    props["sourceAddressPrefixes" if isinstance(source, list) else "sourceAddressPrefix"] = source
    return props


@pytest.mark.parametrize(
    ("props", "non_compliant"),
    [
        (_rule("3389", "*"), True),
        (_rule("3000-4000", "Internet"), True),
        (_rule(["22", "3380-3390"], "*"), True),
        (_rule(["3389"], ["10.0.0.0/8", "Internet"]), True),
        (_rule("443", "*"), False),
        (_rule("3389", "10.0.0.0/8"), False),
        (_rule("3389", "*", access="Deny"), False),
        (_rule(["80", "1000-2000"], "*"), False),
    ],
)
def test_rdp_from_internet_audit_on_security_rules(props: dict[str, Any], non_compliant: bool) -> None:
    definition = load_definition(RDP_FROM_INTERNET)
    rule = make_resource(
        "Microsoft.Network/networkSecurityGroups/securityRules", "nsg", "rule", location=None, properties=props
    )
    d = _decision(definition, rule)
    assert not d.denied
    assert d.results[0].effect == "Audit" and d.results[0].compliant is (not non_compliant)
    assert _decision(definition, rule, {"effect": "Deny"}).denied is non_compliant


def test_inherit_tag_from_resource_group_modify() -> None:
    params = {"tagName": "costCenter"}
    tagged_rg = {"id": RG_ID, "name": "rg-lz", "location": "westeurope", "tags": {"costCenter": "42"}}
    d = _decision(INHERIT_TAG, vnet(), params, resource_group=tagged_rg)
    assert d.modified_resource["tags"] == {"costCenter": "42"}
    d = _decision(INHERIT_TAG, vnet(tags={"costcenter": "7"}), params, resource_group=tagged_rg)
    assert d.modified_resource["tags"] == {"costcenter": "42"}
    d = _decision(INHERIT_TAG, vnet(tags={"costCenter": "42"}), params, resource_group=tagged_rg)
    assert not d.modified and d.results[0].compliant is True
    untagged_rg = {"id": RG_ID, "name": "rg-lz", "location": "westeurope"}
    d = _decision(INHERIT_TAG, vnet(), params, resource_group=untagged_rg)
    assert not d.denied and not d.modified  # a missing tag on the group is not a failure


def test_do_not_allow_deletion_of_resource_types() -> None:
    params = {"listOfResourceTypesDisallowedForDeletion": ["Microsoft.Network/virtualNetworks"]}
    assert _decision(NO_DELETE, vnet(), params, method="DELETE").denied
    assert not _decision(NO_DELETE, vnet(), params, method="PUT").denied
    assert not _decision(NO_DELETE, search(), params, method="DELETE").denied
    assert not _decision(NO_DELETE, vnet(), {**params, "effect": "Disabled"}, method="DELETE").denied


def test_all_shipped_builtins_together_on_one_landing_zone(builtins: dict[str, Definition]) -> None:
    """Assign every shipped built-in at once (the emulator's situation) and push a small landing zone."""
    params = {name: case.params for name, case in CASES.items()}
    assignments = [
        make_assignment(d, name=f"a{i}", params=params.get(name, {}))
        for i, (name, d) in enumerate(sorted(builtins.items()))
    ]
    definitions = {d.id: d for d in builtins.values()}
    good = [
        vnet(tags={"costCenter": "1"}),
        subnet("GatewaySubnet", nsg=False),
        cognitive(disableLocalAuth=True, publicNetworkAccess="Disabled"),
        search(disableLocalAuth=True, publicNetworkAccess="Disabled"),
        site(httpsOnly=True),
        resource_group(tags={"costCenter": "1"}),
    ]
    for resource in good:
        for r in (resource, {**resource, "tags": {"costCenter": "1"}}):
            d = evaluate_request(r, assignments=assignments, definitions=definitions, context=make_context())
            if r.get("type") != "Microsoft.Network/virtualNetworks/subnets" and "tags" in r:
                assert not d.denied, [x.evaluated_expressions for x in d.denying_results]
    bad = cognitive()
    d = evaluate_request(bad, assignments=assignments, definitions=definitions, context=make_context())
    names = sorted(r.definition.name for r in d.denying_results)
    assert names == sorted(
        [
            "71ef260a-8f18-47b7-abcb-62d0673d94dc",  # key access disabled
            "037eea7a-bd0a-46c5-9a66-03aea78705d3",  # restrict network access
            "871b6d14-10aa-478d-b590-94f262ecfa99",  # require a tag
        ]
    )
    body = d.deny_error()
    assert len(body["error"]["additionalInfo"]) == 3
    assert len(json.loads(MESSAGE.match(body["error"]["message"]).group("ids"))) == 3  # type: ignore[union-attr]
    assert SUB in body["error"]["additionalInfo"][0]["info"]["policyAssignmentId"]
