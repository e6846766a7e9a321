"""Day 2, teams with their own identities: ``apply --team chat-team`` run as the chat team's own
principal, holding only the minimum the README documents, converges the team's spoke; what it may
not read or write outside its groups is reported, never fatal."""

from __future__ import annotations

import json
import uuid

import requests
from click.testing import CliRunner

from lzengine.cli import main
from tests.e2e.day2_support import REFERENCE, edited

READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f"
#: the custom role the README documents for a team on the hub's resource group: link to the hub
#: (no routeTables/join/action there: each spoke's route table is in the spoke's own group)
LINKER_ACTIONS = ["Microsoft.Network/virtualNetworks/peer/action", "Microsoft.Network/privateDnsZones/join/action"]
WORKLOAD = "      - {name: snet-workload, size: 26}\n"


def admin(emulator, method: str, path: str, body: dict | None = None, api: str = "2022-04-01") -> dict:
    emu = emulator.emu
    url = f"{emu.url}{path}" + (f"?api-version={api}" if not path.startswith("/_emulator") else "")
    response = requests.request(method, url, json=body, verify=emu.ca_file, timeout=10,
                                headers={"Authorization": f"Bearer {emu.token}"})
    assert response.status_code < 300, response.text
    return response.json() if response.text else {}


def grant(emulator, scope: str, role: str, principal: str) -> None:
    sub = emulator.emu.subscription_id
    admin(emulator, "PUT", f"{scope}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}",
          {"properties": {"roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/"
                                              f"roleDefinitions/{role}", "principalId": principal,
                          "principalType": "ServicePrincipal"}})


def team_identity(emulator) -> str:
    """A principal holding the README's team minimum; returns its token."""
    sub = emulator.emu.subscription_id
    spoke = f"/subscriptions/{sub}/resourceGroups/rg-contoso-ai-chat"
    hub = f"/subscriptions/{sub}/resourceGroups/rg-contoso-ai-hub"
    principal = admin(emulator, "POST", "/_emulator/principals",
                      {"name": "chat-team-pipeline", "role": "Contributor", "scope": spoke})
    oid = principal["object_id"]
    grant(emulator, spoke, RBAC_ADMIN, oid)  # the app's own role assignments
    grant(emulator, hub, READER, oid)
    linker = str(uuid.uuid4())
    admin(emulator, "PUT", f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{linker}",
          {"properties": {"roleName": "lzengine spoke linker", "type": "CustomRole",
                          "permissions": [{"actions": LINKER_ACTIONS, "notActions": []}],
                          "assignableScopes": [hub]}})
    grant(emulator, hub, linker, oid)
    grant(emulator, f"{hub}/providers/Microsoft.Network/privateDnsZones/contoso-ai.lzengine.internal",
          PRIVATE_DNS_ZONE_CONTRIBUTOR, oid)
    return principal["token"]


def as_team(emulator, token: str, *args: str):
    emu = emulator.emu
    env = {"LZENGINE_ENDPOINT": emu.url, "LZENGINE_CA_FILE": emu.ca_file, "LZENGINE_TOKEN": token,
           "AZURE_SUBSCRIPTION_ID": emu.subscription_id}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_team_applies_its_spoke_with_its_own_identity(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(REFERENCE))[0] == 0  # the platform's first apply, all-powerful
    token = team_identity(emulator)
    # the team adds a subnet to its spoke; meanwhile someone changed a tag on the hub's VNet
    extra = WORKLOAD + "      - {name: snet-extra, prefix: 10.101.3.0/27}\n"
    edited_plan = plan_file(edited(REFERENCE, WORKLOAD, extra), "team.yaml")
    sub = emulator.emu.subscription_id
    hub_vnet = f"/subscriptions/{sub}/resourceGroups/rg-contoso-ai-hub/providers/Microsoft.Network/" \
               "virtualNetworks/vnet-contoso-ai-hub"
    body = admin(emulator, "GET", hub_vnet, api="2024-05-01")
    admin(emulator, "PUT", hub_vnet, {**body, "tags": {**body["tags"], "environment": "changed-by-hand"}},
          api="2024-05-01")

    result = as_team(emulator, token, "apply", edited_plan, "--team", "chat-team", "--output", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    by_address = {o["address"]: o for o in report["outcomes"]}
    assert by_address["spokes.chat.subnet.snet-extra"]["action"] == "create"
    assert by_address["spokes.chat.nsg.snet-extra"]["status"] == "succeeded"
    assert by_address["hub.vnet"]["status"] == "not-applied"  # the platform's: reported, not written
    assert report["summary"]["failed"] == 0
    # the subscription's policy assignments are out of the team's reach: said, not fatal
    assert any("not evaluated: no read access" in n for n in report.get("notes", [])), report.get("notes")
    state = emulator.resources()
    assert state[hub_vnet.lower()]["tags"]["environment"] == "changed-by-hand"
    subnet = f"/subscriptions/{sub}/resourceGroups/rg-contoso-ai-chat/providers/Microsoft.Network/" \
             "virtualNetworks/vnet-contoso-ai-chat/subnets/snet-extra"
    assert state[subnet.lower()]["properties"]["routeTable"]["id"].lower().endswith("rt-contoso-ai-chat-egress")
    # converged for the team: what is left is the platform's
    assert as_team(emulator, token, "plan", edited_plan, "--team", "chat-team", "--detailed-exitcode").exit_code == 0


SMALL = """\
name: contoso-ai
location: swedencentral
teams:
  chat-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
  subnets:
    - {name: snet-shared, prefix: 10.100.1.0/24}
spokes:
  - name: chat
    owner: chat-team
    address_space: 10.101.0.0/24
    subnets:
      - {name: snet-workload, prefix: 10.101.0.0/26, route_table: none}
"""


def test_another_teams_resources_the_team_cannot_read_are_reported_not_fatal(cli, emulator, plan_file) -> None:
    path = plan_file(SMALL)
    assert cli.json("apply", path)[0] == 0
    sub = emulator.emu.subscription_id
    spoke = f"/subscriptions/{sub}/resourceGroups/rg-contoso-ai-chat"
    hub = f"/subscriptions/{sub}/resourceGroups/rg-contoso-ai-hub"
    # a team identity with no role at all on the hub: only its own group, and the control zone
    principal = admin(emulator, "POST", "/_emulator/principals",
                      {"name": "chat-team-narrow", "role": "Contributor", "scope": spoke})
    grant(emulator, f"{hub}/providers/Microsoft.Network/privateDnsZones/contoso-ai.lzengine.internal",
          PRIVATE_DNS_ZONE_CONTRIBUTOR, principal["object_id"])
    result = as_team(emulator, principal["token"], "apply", path, "--team", "chat-team", "--output", "json",
                     "--lock-timeout", "0")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    by_address = {o["address"]: o for o in report["outcomes"]}
    assert by_address["hub.vnet"]["status"] == "not-applied"
    assert "not read: no read access to it (AuthorizationFailed)" in by_address["hub.vnet"]["error"]
    assert by_address["spokes.chat.vnet"]["status"] == "succeeded"
    # its peering needs the hub's live address space: not decided, reported
    assert by_address["spokes.chat.peering.to_hub"]["status"] == "not-applied"
    assert "needs values of hub.vnet" in by_address["spokes.chat.peering.to_hub"]["error"]
    assert report["summary"]["failed"] == 0
