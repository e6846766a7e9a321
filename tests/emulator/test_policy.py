"""Azure Policy in the emulator: built-in and custom definitions, assignments, request-time
enforcement in Azure's order, and the compliance report, through the typed policy client."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from lzengine.emulator.serve import serve_forever
from tests.refdata import policy_files, read_json

from .conftest import Arm, Clients

DEFS = "/providers/Microsoft.Authorization/policyDefinitions"
NSG_TYPE = "Microsoft.Network/networkSecurityGroups"


@pytest.fixture
def pol(make_emu: Callable[..., Any], refdata: Path) -> tuple[Arm, Clients]:
    """An emulator preloaded with the built-ins of one reference data source (own stand-ins or shared)."""
    emu = make_emu(policy_dirs=[str(refdata / "azure-policy")])
    arm = Arm(emu)
    arm.make_rg("rg1")
    return arm, Clients(emu)


def error(call: Callable[[], Any]) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value


def assign(c: Clients, scope: str, name: str, definition: str, **props: Any) -> Any:
    def_id = definition if definition.startswith("/") else f"{DEFS}/{definition}"
    return c.policy.policy_assignments.create(scope, name, {"properties": {"policyDefinitionId": def_id, **props}})


def params(**values: Any) -> dict[str, Any]:
    return {k: {"value": v} for k, v in values.items()}


def compliance(arm: Arm) -> dict[str, Any]:
    return arm.admin("GET", "/policy/compliance")


# ---------------------------------------------------------------------------- definitions
def test_builtins_are_preloaded_under_their_real_ids(pol: tuple[Arm, Clients], refdata: Path) -> None:
    arm, c = pol
    listed = {d.name for d in c.policy.policy_definitions.list_built_in()}
    for path in policy_files(refdata).values():
        data = read_json(path)
        d = c.policy.policy_definitions.get_built_in(data["name"])
        assert d.id == f"{DEFS}/{data['name']}" and d.policy_type == "BuiltIn"
        assert d.display_name == data["properties"]["displayName"]
        assert c.policy.policy_definitions.get(data["name"]).id == d.id  # readable at subscription scope
        assert data["name"] in listed
    unknown = str(uuid.uuid4())
    for call in (lambda: c.policy.policy_definitions.get_built_in(unknown),
                 lambda: c.policy.policy_definitions.get(unknown)):
        err = error(call)
        assert (err.status_code, err.error.code) == (404, "PolicyDefinitionNotFound")
        assert err.error.message == f"The policy definition '{unknown}' could not be found."


def test_without_policy_dirs_no_builtin_is_known(clients: Clients) -> None:
    err = error(lambda: clients.policy.policy_definitions.get_built_in("e56962a6-4747-49cd-b67b-bf8b01975c4c"))
    assert err.error.code == "PolicyDefinitionNotFound"


def test_serve_forever_takes_a_policy_dir() -> None:
    assert inspect.signature(serve_forever).parameters["policy_dir"].default is None


def test_custom_definitions_and_assignment_validation(pol: tuple[Arm, Clients]) -> None:
    arm, c = pol
    pd = c.policy.policy_definitions
    err = error(lambda: pd.create_or_update("broken", {"properties": {"policyRule": {
        "if": {"field": "location", "wrongOperator": "x"}, "then": {"effect": "deny"}}}}))
    assert (err.status_code, err.error.code) == (400, "InvalidPolicyRule")
    custom = pd.create_or_update("no-westus", {"properties": {"mode": "All", "displayName": "No westus",
                                                               "policyRule": {"if": {"field": "location",
                                                                                     "equals": "westus"},
                                                                              "then": {"effect": "deny"}}}})
    assert custom.policy_type == "Custom" and custom.id == f"{arm.sub()}{DEFS}/no-westus"
    scope = arm.rg("rg1")
    err = error(lambda: assign(c, scope, "a", f"{arm.sub()}{DEFS}/missing"))
    assert (err.status_code, err.error.code) == (404, "PolicyDefinitionNotFound")
    allowed = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
    err = error(lambda: assign(c, scope, "a", allowed))
    assert (err.status_code, err.error.code) == (400, "MissingPolicyParameter")
    assert "listOfAllowedLocations" in err.error.message
    err = error(lambda: assign(c, scope, "a", allowed, parameters=params(listOfAllowedLocations=["eastus"],
                                                                          nope=1)))
    assert err.error.code == "UndefinedPolicyParameter"
    err = error(lambda: assign(c, scope, "a", "e71308d3-144b-4262-b144-efdc3cc90517",
                               parameters=params(effect="Deny")))
    assert (err.status_code, err.error.code) == (400, "PolicyParameterValueNotAllowed")
    assert "The allowed values are" in err.error.message
    # a built-in the emulator was not given is accepted, but not evaluated
    other = assign(c, scope, "zr", "90bc8109-d21a-4692-88fc-51419391da3d")
    assert other.enforcement_mode == "Default" and other.scope == scope
    assert compliance(arm)["unevaluated"] == [other.id]
    err = error(lambda: c.policy.policy_assignments.get(scope, "nothing"))
    assert (err.status_code, err.error.code) == (404, "PolicyAssignmentNotFound")
    # custom definitions at management-group scope, assigned there: they govern the subscription below it
    mg = "/providers/Microsoft.Management/managementGroups/platform"
    assert arm.put(mg, {}, api="2023-04-01").status_code == 200
    assert arm.put(f"{mg}/subscriptions/{arm.emu.subscription_id}", None, api="2023-04-01").status_code == 200
    r = arm.put(f"{mg}{DEFS}/mg-no-westus", {"properties": {"mode": "All", "policyRule": {
        "if": {"field": "location", "equals": "westus"}, "then": {"effect": "deny"}}}}, api="2023-04-01")
    assert r.status_code == 201 and r.json()["id"] == f"{mg}{DEFS}/mg-no-westus"
    assign(c, mg, "mg-a", f"{mg}{DEFS}/mg-no-westus")
    err = error(lambda: c.network.network_security_groups.begin_create_or_update("rg1", "n", {"location": "westus"}))
    assert err.status_code == 403
    info = err.response.json()["error"]["additionalInfo"][0]["info"]
    assert info["policyAssignmentScope"] == mg


# ---------------------------------------------------------------------------- every shipped built-in
@dataclass
class Case:
    """One shipped built-in: how to assign it with Deny, a compliant and a violating request."""

    parameters: dict[str, Any]
    compliant: Callable[[Arm, Clients], Any]
    violating: Callable[[Arm, Clients], Any]
    setup: Callable[[Arm, Clients], Any] | None = None
    at_subscription: bool = False
    audit_only: bool = False


def _nsg(location: str = "eastus", tags: dict[str, str] | None = None, name: str = "nsg") -> Callable[..., Any]:
    return lambda arm, c: c.network.network_security_groups.begin_create_or_update(
        "rg1", name, {"location": location, "tags": tags or {}}).result()


def _account(name: str, **props: Any) -> Callable[..., Any]:
    return lambda arm, c: c.cognitive.accounts.begin_create("rg1", name, {
        "location": "eastus", "kind": "AIServices", "sku": {"name": "S0"},
        "properties": {"customSubDomainName": name, **props}}).result()


def _search(name: str, access: str) -> Callable[..., Any]:
    return lambda arm, c: c.search.services.begin_create_or_update("rg1", name, {
        "location": "eastus", "sku": {"name": "basic"}, "properties": {"publicNetworkAccess": access}}).result()


def _plan(arm: Arm, c: Clients) -> None:
    c.web.app_service_plans.begin_create_or_update("rg1", "plan", {"location": "eastus", "sku": {"name": "P1v3"}}
                                                   ).result()


def _site(name: str, https_only: bool) -> Callable[..., Any]:
    def make(arm: Arm, c: Clients) -> Any:
        plan_id = arm.rg("rg1", "/providers/Microsoft.Web/serverfarms/plan")
        return c.web.web_apps.begin_create_or_update("rg1", name, {
            "location": "eastus", "kind": "app", "properties": {"serverFarmId": plan_id, "httpsOnly": https_only}}
        ).result()
    return make


def _vnet_and_nsg(arm: Arm, c: Clients) -> None:
    c.network.virtual_networks.begin_create_or_update("rg1", "v", {"location": "eastus", "properties": {
        "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}).result()
    c.network.network_security_groups.begin_create_or_update("rg1", "nsg", {"location": "eastus"}).result()


def _subnet(name: str, prefix: str, with_nsg: bool) -> Callable[..., Any]:
    def make(arm: Arm, c: Clients) -> Any:
        body: dict[str, Any] = {"addressPrefix": prefix}
        if with_nsg:
            nsg_id = arm.rg("rg1", "/providers/Microsoft.Network/networkSecurityGroups/nsg")
            body["networkSecurityGroup"] = {"id": nsg_id}
        return c.network.subnets.begin_create_or_update("rg1", "v", name, {"properties": body}).result()
    return make


def _rg(name: str, tags: dict[str, str]) -> Callable[..., Any]:
    return lambda arm, c: c.resource.resource_groups.create_or_update(name, {"location": "eastus", "tags": tags})


CASES: dict[str, Case] = {
    "e56962a6-4747-49cd-b67b-bf8b01975c4c": Case(
        params(listOfAllowedLocations=["eastus"]), _nsg("East US"), _nsg("westus", name="far")),
    "871b6d14-10aa-478d-b590-94f262ecfa99": Case(
        params(tagName="costCenter"), _nsg(tags={"costCenter": "1"}), _nsg(name="untagged")),
    "96670d01-0a4d-4649-9c89-2d3abc0a5025": Case(
        params(tagName="costCenter"), _rg("rg-tagged", {"costCenter": "1"}), _rg("rg-bare", {}),
        at_subscription=True),
    "71ef260a-8f18-47b7-abcb-62d0673d94dc": Case(
        params(effect="Deny"), _account("keyless", disableLocalAuth=True), _account("keyed")),
    "037eea7a-bd0a-46c5-9a66-03aea78705d3": Case(
        params(effect="Deny"), _account("private", publicNetworkAccess="Disabled"),
        _account("public", publicNetworkAccess="Enabled")),
    "ee980b6d-0eca-4501-8d54-f6290fd512c3": Case(
        params(effect="Deny"), _search("srch-private", "disabled"), _search("srch-public", "enabled")),
    "a4af4a39-4135-47fb-b175-47fbdf85311d": Case(
        params(effect="Deny"), _site("app-https", True), _site("app-http", False), setup=_plan),
    "35f9c03a-cc27-418e-9c0c-539ff999d010": Case(
        {}, _subnet("GatewaySubnet", "10.0.0.0/27", False), _subnet("GatewaySubnet", "10.0.0.0/27", True),
        setup=_vnet_and_nsg),
    "e71308d3-144b-4262-b144-efdc3cc90517": Case(
        {}, _subnet("with-nsg", "10.0.1.0/24", True), _subnet("bare", "10.0.2.0/24", False),
        setup=_vnet_and_nsg, audit_only=True),
}


def test_every_shipped_builtin_has_a_case(refdata: Path) -> None:
    assert set(policy_files(refdata)) == set(CASES)


@pytest.mark.parametrize("guid", sorted(CASES))
def test_shipped_builtin_enforced_through_the_emulator(guid: str, pol: tuple[Arm, Clients]) -> None:
    arm, c = pol
    case = CASES[guid]
    if case.setup:
        case.setup(arm, c)
    scope = arm.sub() if case.at_subscription else arm.rg("rg1")
    assignment = assign(c, scope, "guard", guid, parameters=case.parameters)
    made = case.compliant(arm, c)
    assert made is not None
    if case.audit_only:  # auditIfNotExists: the write goes through, compliance tells
        bad = case.violating(arm, c)
        states = {r["resourceId"].lower(): r["complianceState"] for r in compliance(arm)["resources"]}
        assert states[made.id.lower()] == "Compliant"
        assert states[bad.id.lower()] == "NonCompliant"
        return
    err = error(lambda: case.violating(arm, c))
    assert (err.status_code, err.error.code) == (403, "RequestDisallowedByPolicy")
    assert err.response.headers["x-ms-failure-cause"] == "gateway"
    body = err.response.json()["error"]
    assert body["message"].startswith(f"Resource '{body['target']}' was disallowed by policy.")
    (violation,) = body["additionalInfo"]
    assert violation["type"] == "PolicyViolation"
    info = violation["info"]
    assert info["policyDefinitionId"] == f"{DEFS}/{guid}"
    assert info["policyAssignmentId"] == assignment.id and info["policyAssignmentScope"] == scope
    assert info["policyDefinitionEffect"] == "Deny"
    assert all({"result", "expressionKind", "expression", "operator"} <= set(e)
               for e in info["evaluationDetails"]["evaluatedExpressions"])
    assert compliance(arm)["denials"][-1]["error"]["code"] == "RequestDisallowedByPolicy"


# ---------------------------------------------------------------------------- order and options
def test_enforcement_mode_not_scopes_and_audit(pol: tuple[Arm, Clients]) -> None:
    arm, c = pol
    arm.make_rg("rg2")
    allowed = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
    assign(c, arm.sub(), "locations", allowed, parameters=params(listOfAllowedLocations=["eastus"]),
           notScopes=[arm.rg("rg2")])
    assert error(lambda: _nsg("westus")(arm, c)).status_code == 403
    c.network.network_security_groups.begin_create_or_update("rg2", "far", {"location": "westus"}).result()
    c.policy.policy_assignments.delete(arm.sub(), "locations")
    assign(c, arm.sub(), "locations", allowed, parameters=params(listOfAllowedLocations=["eastus"]),
           enforcementMode="DoNotEnforce")
    nsg = _nsg("westus")(arm, c)
    assign(c, arm.rg("rg1"), "tags", "871b6d14-10aa-478d-b590-94f262ecfa99", parameters=params(tagName="owner"))
    nsg2 = _nsg("eastus", tags={"owner": "me"}, name="tagged")(arm, c)
    report = compliance(arm)
    by_id = {r["resourceId"].lower(): r for r in report["resources"]}
    (result,) = by_id[nsg.id.lower()]["results"]
    assert (result["complianceState"], result["enforced"], result["effect"]) == ("NonCompliant", False, "Deny")
    assert by_id[nsg2.id.lower()]["complianceState"] == "Compliant"
    assert report["summary"]["nonCompliant"] >= 1 and report["summary"]["denied"] is False
    # audit: recorded, never blocks
    c.policy.policy_definitions.create_or_update("audit-nsg", {"properties": {"mode": "All", "policyRule": {
        "if": {"field": "type", "equals": NSG_TYPE}, "then": {"effect": "audit"}}}})
    assign(c, arm.rg("rg1"), "audit", f"{arm.sub()}{DEFS}/audit-nsg")
    audited = _nsg("eastus", tags={"owner": "me"}, name="audited")(arm, c)
    results = {r["resourceId"].lower(): r for r in compliance(arm)["resources"]}[audited.id.lower()]["results"]
    assert {(r["effect"], r["complianceState"]) for r in results} >= {("Audit", "NonCompliant")}


def test_modify_and_append_rewrite_the_stored_body(pol: tuple[Arm, Clients]) -> None:
    arm, c = pol
    c.policy.policy_definitions.create_or_update("stamp-env", {"properties": {"mode": "Indexed", "policyRule": {
        "if": {"field": "tags['env']", "exists": "false"},
        "then": {"effect": "modify", "details": {
            "roleDefinitionIds": ["/providers/Microsoft.Authorization/roleDefinitions/"
                                  "b24988ac-6180-42a0-ab88-20f7382dd24c"],
            "operations": [{"operation": "addOrReplace", "field": "tags['env']", "value": "prod"}]}}}}})
    err = error(lambda: assign(c, arm.rg("rg1"), "stamp", f"{arm.sub()}{DEFS}/stamp-env"))
    assert (err.status_code, err.error.code) == (400, "InvalidCreatePolicyAssignmentRequest")
    c.policy.policy_assignments.create(arm.rg("rg1"), "stamp", {
        "location": "eastus", "identity": {"type": "SystemAssigned"},
        "properties": {"policyDefinitionId": f"{arm.sub()}{DEFS}/stamp-env"}})
    nsg = _nsg("eastus", tags={"team": "a"})(arm, c)
    assert nsg.tags == {"team": "a", "env": "prod"}
    c.policy.policy_definitions.create_or_update("append-rule", {"properties": {"mode": "All", "policyRule": {
        "if": {"field": "type", "equals": "Microsoft.Network/routeTables"},
        "then": {"effect": "append", "details": [
            {"field": "Microsoft.Network/routeTables/disableBgpRoutePropagation", "value": True}]}}}})
    assign(c, arm.rg("rg1"), "append", f"{arm.sub()}{DEFS}/append-rule")
    rt = c.network.route_tables.begin_create_or_update("rg1", "rt", {"location": "eastus"}).result()
    assert rt.disable_bgp_route_propagation is True


def test_tags_only_patch_and_deny_action(pol: tuple[Arm, Clients]) -> None:
    arm, c = pol
    _nsg("westus", tags={"owner": "me"})(arm, c)
    assign(c, arm.rg("rg1"), "locations", "e56962a6-4747-49cd-b67b-bf8b01975c4c",
           parameters=params(listOfAllowedLocations=["eastus"]))
    assign(c, arm.rg("rg1"), "owner", "871b6d14-10aa-478d-b590-94f262ecfa99", parameters=params(tagName="owner"))
    # a tags-only PATCH is checked by tag policies only: the location no longer matters
    ok = c.network.network_security_groups.update_tags("rg1", "nsg", {"tags": {"owner": "you"}})
    assert ok.tags == {"owner": "you"}
    err = error(lambda: c.network.network_security_groups.update_tags("rg1", "nsg", {"tags": {"x": "1"}}))
    assert err.error.code == "RequestDisallowedByPolicy"
    # denyAction blocks deletes
    c.policy.policy_definitions.create_or_update("keep-nsgs", {"properties": {"mode": "Indexed", "policyRule": {
        "if": {"field": "type", "equals": NSG_TYPE},
        "then": {"effect": "denyAction", "details": {"actionNames": ["delete"]}}}}})
    assign(c, arm.rg("rg1"), "keep", f"{arm.sub()}{DEFS}/keep-nsgs")
    err = error(lambda: c.network.network_security_groups.begin_delete("rg1", "nsg"))
    assert (err.status_code, err.error.code) == (403, "RequestDisallowedByPolicy")
    c.policy.policy_assignments.delete(arm.rg("rg1"), "keep")
    c.network.network_security_groups.begin_delete("rg1", "nsg").result()


def test_policy_and_role_writes_are_not_evaluated(pol: tuple[Arm, Clients]) -> None:
    arm, c = pol
    c.policy.policy_definitions.create_or_update("deny-all", {"properties": {"mode": "All", "policyRule": {
        "if": {"field": "name", "notEquals": "nothing-is-called-this"}, "then": {"effect": "deny"}}}})
    assign(c, arm.sub(), "deny-all", f"{arm.sub()}{DEFS}/deny-all")
    assert error(lambda: _nsg()(arm, c)).error.code == "RequestDisallowedByPolicy"
    assign(c, arm.rg("rg1"), "second", f"{arm.sub()}{DEFS}/deny-all", enforcementMode="DoNotEnforce")
    c.authorization.role_assignments.create(arm.rg("rg1"), str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": f"{arm.sub()}/providers/Microsoft.Authorization/roleDefinitions/"
                            "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "principalId": str(uuid.uuid4()), "principalType": "User"}})
    c.policy.policy_assignments.delete(arm.sub(), "deny-all")
    c.policy.policy_assignments.delete(arm.rg("rg1"), "second")
    assert _nsg()(arm, c).provisioning_state == "Succeeded"


def test_scan_evaluates_existing_resources(pol: tuple[Arm, Clients]) -> None:
    arm, c = pol
    far = _nsg("westus", name="far")(arm, c)
    assign(c, arm.rg("rg1"), "locations", "e56962a6-4747-49cd-b67b-bf8b01975c4c",
           parameters=params(listOfAllowedLocations=["eastus"]))
    assert far.id.lower() not in {r["resourceId"].lower() for r in compliance(arm)["resources"]}
    report = arm.admin("POST", "/policy/scan")
    states = {r["resourceId"].lower(): r["complianceState"] for r in report["resources"]}
    assert states[far.id.lower()] == "NonCompliant"
    assert report["summary"]["nonCompliantAssignments"] == [arm.rg("rg1") + "/providers/Microsoft.Authorization/"
                                                            "policyAssignments/locations"]
    # deleting the resource drops its results
    c.network.network_security_groups.begin_delete("rg1", "far").result()
    assert far.id.lower() not in {r["resourceId"].lower() for r in compliance(arm)["resources"]}


def test_policy_set_assignment(pol: tuple[Arm, Clients]) -> None:
    arm, c = pol
    allowed = f"{DEFS}/e56962a6-4747-49cd-b67b-bf8b01975c4c"
    r = arm.put(arm.sub("/providers/Microsoft.Authorization/policySetDefinitions/guardrails"), {"properties": {
        "displayName": "Guardrails", "parameters": {"locs": {"type": "Array"}},
        "policyDefinitions": [{"policyDefinitionId": allowed, "policyDefinitionReferenceId": "where",
                               "parameters": {"listOfAllowedLocations": {"value": "[parameters('locs')]"}}}]}},
        api="2023-04-01")
    assert r.status_code == 201, r.text
    set_id = r.json()["id"]
    assign(c, arm.rg("rg1"), "guardrails", set_id, parameters=params(locs=["eastus"]))
    _nsg("eastus")(arm, c)
    err = error(lambda: _nsg("westus", name="far")(arm, c))
    info = err.response.json()["error"]["additionalInfo"][0]["info"]
    assert info["policySetDefinitionId"] == set_id and info["policyDefinitionReferenceId"] == "where"
    missing = arm.put(arm.sub("/providers/Microsoft.Authorization/policySetDefinitions/broken"), {"properties": {
        "policyDefinitions": [{"policyDefinitionId": arm.sub(f"{DEFS}/nope")}]}}, api="2023-04-01")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "PolicyDefinitionNotFound"
