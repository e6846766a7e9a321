"""Principals, built-in roles at scopes, and the 403 AuthorizationFailed answer."""

from __future__ import annotations

import uuid

import pytest
from azure.core.exceptions import HttpResponseError

from lzengine.emulator.auth import CONTRIBUTOR, OWNER, READER, permits

from .conftest import Arm, Clients

VNET = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}


def principal(arm: Arm, role: str, scope: str) -> dict:
    return arm.admin("POST", "/principals", {"name": f"{role}-user", "role": role, "scope": scope})


def test_role_permissions() -> None:
    assert permits(OWNER, "Microsoft.Authorization/roleAssignments/write")
    assert permits(CONTRIBUTOR, "Microsoft.Network/virtualNetworks/write")
    assert not permits(CONTRIBUTOR, "Microsoft.Authorization/roleAssignments/write")
    assert not permits(CONTRIBUTOR, "Microsoft.Authorization/policyAssignments/delete")
    assert permits(READER, "Microsoft.Network/virtualNetworks/read")
    assert not permits(READER, "Microsoft.Network/virtualNetworks/write")


def test_reader_can_read_but_not_write(arm: Arm) -> None:
    arm.make_rg()
    p = principal(arm, "Reader", arm.sub())
    assert set(p) >= {"object_id", "token"}
    reader = Arm(arm.emu, token=p["token"])
    assert reader.get(arm.rg("rg1"), api="2025-04-01").status_code == 200
    path = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    r = reader.put(path, VNET)
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == "AuthorizationFailed"
    oid = p["object_id"]
    assert err["message"] == (
        f"The client '{oid}' with object id '{oid}' does not have authorization to perform action "
        f"'Microsoft.Network/virtualNetworks/write' over scope '{path}' or the scope is invalid. "
        "If access was recently granted, please refresh your credentials.")
    assert reader.delete(arm.rg("rg1"), api="2025-04-01").status_code == 403
    # principals may not use the admin API
    r = reader.session.get(f"{arm.emu.url}/_emulator/stats",
                           headers={"Authorization": f"Bearer {p['token']}"}, verify=arm.emu.ca_file)
    assert r.status_code == 403


def test_contributor_scoped_to_one_resource_group(arm: Arm) -> None:
    arm.make_rg("rg1")
    arm.make_rg("rg2")
    p = principal(arm, "Contributor", arm.rg("rg1"))
    c = Clients(arm.emu, token=p["token"])
    vnet = c.network.virtual_networks.begin_create_or_update("rg1", "v", VNET).result()
    assert vnet.provisioning_state == "Succeeded"
    with pytest.raises(HttpResponseError) as exc:
        c.network.virtual_networks.begin_create_or_update("rg2", "v", VNET)
    assert exc.value.status_code == 403 and exc.value.error.code == "AuthorizationFailed"
    with pytest.raises(HttpResponseError) as exc:
        c.network.virtual_networks.get("rg2", "v")  # no read outside its scope either
    assert exc.value.error.code == "AuthorizationFailed"
    # Contributor cannot create role assignments
    r = Arm(arm.emu, token=p["token"]).put(
        arm.rg("rg1", f"/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}"),
        {"properties": {"roleDefinitionId": READER, "principalId": str(uuid.uuid4())}}, api="2022-04-01")
    assert r.status_code == 403


def test_arm_role_assignment_grants_access(arm: Arm, clients: Clients) -> None:
    arm.make_rg()
    p = principal(arm, "Reader", arm.rg("rg1"))
    writer = Arm(arm.emu, token=p["token"])
    path = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    assert writer.put(path, VNET).status_code == 403
    role_def = f"{arm.sub()}/providers/Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}"
    ra = clients.authorization.role_assignments.create(
        arm.rg("rg1"), str(uuid.uuid4()),
        {"properties": {"roleDefinitionId": role_def, "principalId": p["object_id"],
                        "principalType": "ServicePrincipal"}})
    assert ra.scope == arm.rg("rg1")
    assert writer.put(path, VNET).status_code == 201
    # a second assignment of the same role to the same principal at the same scope
    with pytest.raises(HttpResponseError) as exc:
        clients.authorization.role_assignments.create(
            arm.rg("rg1"), str(uuid.uuid4()),
            {"properties": {"roleDefinitionId": role_def, "principalId": p["object_id"]}})
    assert exc.value.status_code == 409 and exc.value.error.code == "RoleAssignmentExists"


def test_unknown_role_rejected(arm: Arm) -> None:
    r = arm.session.post(f"{arm.emu.url}/_emulator/principals", json={"name": "x", "role": "Wizard"},
                         headers={"Authorization": f"Bearer {arm.emu.token}"}, verify=arm.emu.ca_file)
    assert r.status_code == 400
