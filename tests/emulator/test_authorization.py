"""Role definitions and role assignments as Azure answers them, and the request-time RBAC check
that uses them, through the typed authorization client."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients

NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
VNET = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}


def role_id(arm: Arm, guid: str) -> str:
    return f"{arm.sub()}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        call()
    return exc.value


def test_built_in_role_definitions_by_id_and_name(clients: Clients, arm: Arm) -> None:
    rd = clients.authorization.role_definitions
    net = rd.get(arm.sub(), NETWORK_CONTRIBUTOR)
    assert net.role_name == "Network Contributor" and net.role_type == "BuiltInRole"
    assert net.id == role_id(arm, NETWORK_CONTRIBUTOR)
    assert "Microsoft.Network/*" in net.permissions[0].actions
    found = list(rd.list(arm.sub(), filter="roleName eq 'Cognitive Services OpenAI User'"))
    assert [r.name for r in found] == ["5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"]
    err = error(lambda: rd.get(arm.sub(), str(uuid.uuid4())))
    assert (err.status_code, err.error.code) == (404, "RoleDefinitionDoesNotExist")


def test_role_assignment_validation(clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    ra = clients.authorization.role_assignments
    scope = arm.rg("rg1")
    stranger = str(uuid.uuid4())
    err = error(lambda: ra.create(scope, "not-a-guid", {"properties": {
        "roleDefinitionId": role_id(arm, READER), "principalId": stranger, "principalType": "User"}}))
    assert (err.status_code, err.error.code) == (400, "InvalidRoleAssignmentId")
    err = error(lambda: ra.create(scope, str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": role_id(arm, str(uuid.uuid4())), "principalId": stranger, "principalType": "User"}}))
    assert (err.status_code, err.error.code) == (400, "RoleDefinitionDoesNotExist")
    # an unknown principal: the replication-delay error, unless principalType is given
    err = error(lambda: ra.create(scope, str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": role_id(arm, READER), "principalId": stranger}}))
    assert (err.status_code, err.error.code) == (400, "PrincipalNotFound")
    assert "set the role assignment principalType property" in err.error.message
    made = ra.create(scope, str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": role_id(arm, READER), "principalId": stranger, "principalType": "Group"}})
    assert made.principal_type == "Group" and made.scope == scope
    # a managed identity is known to the directory, as a service principal
    v = clients.network.virtual_networks.begin_create_or_update("rg1", "v", VNET).result()
    site_identity = clients.cognitive.accounts.begin_create("rg1", "acct", {
        "location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}, "identity": {"type": "SystemAssigned"},
        "properties": {}}).result().identity.principal_id
    mi = ra.create(v.id, str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": role_id(arm, READER), "principalId": site_identity}})
    assert mi.principal_type == "ServicePrincipal"
    err = error(lambda: ra.create(scope, str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": role_id(arm, NETWORK_CONTRIBUTOR), "principalId": site_identity,
        "principalType": "User"}}))
    assert err.error.code == "UnmatchedPrincipalType"
    err = error(lambda: ra.get(scope, str(uuid.uuid4())))
    assert (err.status_code, err.error.code) == (404, "RoleAssignmentNotFound")


def test_rbac_check_uses_role_definition_permissions(clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    p = arm.admin("POST", "/principals", {"name": "netops", "role": "Reader", "scope": arm.rg("rg1")})
    caller = Arm(arm.emu, token=p["token"])
    vnet_path = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    assert caller.put(vnet_path, VNET).status_code == 403
    clients.authorization.role_assignments.create(arm.rg("rg1"), str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": role_id(arm, NETWORK_CONTRIBUTOR), "principalId": p["object_id"]}})
    assert caller.put(vnet_path, VNET).status_code == 201
    # Network Contributor does not reach other providers
    r = caller.put(arm.rg("rg1", "/providers/Microsoft.Search/searchServices/srch"),
                   {"location": "eastus", "sku": {"name": "basic"}}, api="2025-05-01")
    assert r.status_code == 403 and r.json()["error"]["code"] == "AuthorizationFailed"
    # a custom role grants exactly its actions
    custom = str(uuid.uuid4())
    clients.authorization.role_definitions.create_or_update(arm.sub(), custom, {"properties": {
        "roleName": "Search writer", "assignableScopes": [arm.sub()],
        "permissions": [{"actions": ["Microsoft.Search/searchServices/*"], "notActions": []}]}})
    clients.authorization.role_assignments.create(arm.rg("rg1"), str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": role_id(arm, custom), "principalId": p["object_id"]}})
    r = caller.put(arm.rg("rg1", "/providers/Microsoft.Search/searchServices/srch"),
                   {"location": "eastus", "sku": {"name": "basic"}}, api="2025-05-01")
    assert r.status_code == 201
    assert clients.authorization.role_definitions.get(arm.sub(), custom).role_type == "CustomRole"
