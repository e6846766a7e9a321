"""Issue 14, the jump box: the reference plan's VM in the hub converges with no public IP, a NIC in
``snet-jumpbox``, a managed identity, Entra ID login and the platform team's login role; its
generated password is never printed, logged or reported; a public IP attached by hand is drift
that ``apply`` removes."""

from __future__ import annotations

import json

from tests.e2e.day2_support import applied_reference
from tests.ops.helpers import arm, edit, find

NETWORK_API = "2024-05-01"
VM = "/virtualmachines/vm-contoso-ai-jumpbox"
NIC = "/networkinterfaces/nic-vm-contoso-ai-jumpbox"


def _stored_password(emulator) -> str:
    """The password the VM was created with, from the emulator's own store (no API returns it)."""
    backend = emulator.emu.backend
    (vm,) = [r for r in backend.store.of_type("microsoft.compute/virtualmachines")]
    return str(vm.body["properties"]["osProfile"]["adminPassword"])


def test_the_jump_box_is_private_has_its_identity_and_its_password_is_never_shown(cli, emulator, plan_file) -> None:
    zone = applied_reference(cli, emulator, plan_file)
    resources = zone.resources()
    vm_id = find(emulator, VM)
    vm = resources[vm_id.lower()]
    nic = resources[find(emulator, NIC).lower()]
    assert vm["identity"]["type"] == "SystemAssigned" and vm["identity"]["principalId"]
    assert vm["properties"]["networkProfile"]["networkInterfaces"][0]["id"].lower() == find(emulator, NIC).lower()
    assert vm["properties"]["diagnosticsProfile"]["bootDiagnostics"]["enabled"] is True
    assert vm["properties"]["securityProfile"]["securityType"] == "TrustedLaunch"
    assert "adminPassword" not in json.dumps(vm)
    (config,) = nic["properties"]["ipConfigurations"]
    assert config["properties"]["subnet"]["id"].lower().endswith("/subnets/snet-jumpbox")
    assert not config["properties"].get("publicIPAddress")
    assert not [k for k in resources if "/publicipaddresses/" in k and "jump" in k]
    assert f"{vm_id.lower()}/extensions/aadsshloginforlinux" in resources
    roles = [b for k, b in resources.items() if k.startswith(vm_id.lower() + "/providers/microsoft.authorization/")]
    assert [r["properties"]["roleDefinitionId"].rsplit("/", 1)[-1] for r in roles] == \
        ["1c0163c0-47e6-4577-8991-ea5c82e286e4"]  # Virtual Machine Administrator Login, for the platform team
    subnet = resources[find(emulator, "/virtualnetworks/vnet-contoso-ai-hub/subnets/snet-jumpbox").lower()]
    assert subnet["properties"]["routeTable"]["id"].lower().endswith("/routetables/rt-contoso-ai-egress")
    diagnostics = [k for k in resources if k.startswith(vm_id.lower() + "/providers/microsoft.insights/diagnostic")]
    assert len(diagnostics) == 1

    # the generated password exists only in the create request: not in any output of any command
    password = _stored_password(emulator)
    assert len(password) >= 12
    path = zone.plan_file(zone.text, "again.yaml")
    for args in (("apply", path, "--output", "json"), ("apply", path, "--log-format", "json"),
                 ("plan", path, "--output", "json"), ("drift", path, "--output", "json"), ("graph", path)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert password not in result.output and password not in (result.stderr or "")


def test_a_public_ip_attached_to_the_jump_box_is_drift_and_apply_removes_it(cli, emulator, plan_file) -> None:
    zone = applied_reference(cli, emulator, plan_file)
    hub = find(emulator, "/resourcegroups/rg-contoso-ai-hub")
    pip = f"{hub}/providers/Microsoft.Network/publicIPAddresses/pip-jump-by-hand"
    arm(emulator, "PUT", pip, NETWORK_API, {"location": "swedencentral", "sku": {"name": "Standard"},
                                            "properties": {"publicIPAllocationMethod": "Static"}})
    edit(emulator, find(emulator, NIC), NETWORK_API,
         lambda b: b["properties"]["ipConfigurations"][0]["properties"].update(publicIPAddress={"id": pip}))

    path = zone.plan_file(zone.text, "ref.yaml")
    drift = cli("drift", path, "--output", "json")
    assert drift.exit_code == 2
    (item,) = json.loads(drift.stdout)["drifted"]
    assert item["address"] == "hub.jump_box.nic"
    assert [d["path"] for d in item["diff"]] == ["properties.ipConfigurations[ipconfig1].properties.publicIPAddress"]

    code, report = cli.json("apply", path)
    assert code == 0
    assert [o["address"] for o in report["outcomes"] if o["action"] == "update"] == ["hub.jump_box.nic"]
    nic = zone.resources()[find(emulator, NIC).lower()]
    assert not nic["properties"]["ipConfigurations"][0]["properties"].get("publicIPAddress")
    assert zone.converged()


MONITOR_API = "2023-03-11"
DCR = "/datacollectionrules/dcr-contoso-ai-jumpbox"


def test_the_jump_box_sends_syslog_and_counters_through_its_monitor_agent(cli, emulator, plan_file) -> None:
    zone = applied_reference(cli, emulator, plan_file)
    resources = zone.resources()
    vm_id = find(emulator, VM)
    workspace = find(emulator, "/workspaces/log-contoso-ai-hub")
    agent = resources[f"{vm_id.lower()}/extensions/azuremonitorlinuxagent"]["properties"]
    assert (agent["publisher"], agent["type"], agent["autoUpgradeMinorVersion"]) == \
        ("Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent", True)
    assert "settings" not in agent  # it authenticates with the VM's system-assigned identity
    rule_id = find(emulator, DCR)
    rule = resources[rule_id.lower()]
    assert rule["kind"] == "Linux" and rule["properties"]["immutableId"].startswith("dcr-")
    (destination,) = rule["properties"]["destinations"]["logAnalytics"]
    assert destination["workspaceResourceId"].lower() == workspace.lower()
    sources = rule["properties"]["dataSources"]
    assert sources["syslog"][0]["streams"] == ["Microsoft-Syslog"] and "auth" in sources["syslog"][0]["facilityNames"]
    assert sources["performanceCounters"][0]["streams"] == ["Microsoft-Perf"]
    assert rule["properties"]["dataFlows"] == [{"streams": ["Microsoft-Syslog", "Microsoft-Perf"],
                                                "destinations": [destination["name"]]}]
    association_id = f"{vm_id}/providers/Microsoft.Insights/dataCollectionRuleAssociations/dcr-contoso-ai-jumpbox"
    assert resources[association_id.lower()]["properties"]["dataCollectionRuleId"].lower() == rule_id.lower()

    path = zone.plan_file(zone.text, "ref.yaml")
    verify = cli("verify", path, "--output", "json")
    (check,) = [c for c in json.loads(verify.stdout)["checks"] if c["name"] == "monitoring-agent"]
    assert (check["resource"], check["status"]) == (vm_id.lower(), "pass")

    # someone deletes the association: verify fails, drift (missing) that apply restores, nothing else written
    arm(emulator, "DELETE", association_id, MONITOR_API)
    verify = cli("verify", path, "--output", "json")
    assert verify.exit_code == 2
    (check,) = [c for c in json.loads(verify.stdout)["checks"] if c["name"] == "monitoring-agent"]
    assert check["status"] == "fail" and "does not exist" in check["detail"]
    drift = cli("drift", path, "--output", "json")
    assert drift.exit_code == 2
    (item,) = json.loads(drift.stdout)["drifted"]
    assert (item["address"], item["kind"]) == ("hub.jump_box.dcr_association", "missing")
    zone.reset_counts()
    code, report = cli.json("apply", path)
    assert code == 0
    assert [(o["address"], o["action"]) for o in report["outcomes"] if o["action"] != "noop"] == \
        [("hub.jump_box.dcr_association", "create")]
    assert zone.resources()[association_id.lower()]["properties"]["dataCollectionRuleId"].lower() == rule_id.lower()
    zone.reset_counts()
    code, report = cli.json("apply", path)
    assert code == 0 and zone.writes() == 0


SMALL = """\
name: jumpbox-only
location: swedencentral
hub:
  address_space: 10.0.0.0/24
  log_analytics: {}
  jump_box: {ssh_public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJump admin@contoso"}
"""


def test_the_monitor_agent_can_be_left_out_and_destroy_removes_it(cli, emulator, plan_file) -> None:
    code, report = cli.json("apply", plan_file(SMALL.replace("jump_box: {", "jump_box: {monitoring_agent: false, ")))
    assert code == 0, report
    assert not [k for k in emulator.resources() if "datacollection" in k or k.endswith("/azuremonitorlinuxagent")]
    # turned on later: the agent, the rule and the association are added, nothing else changes
    path = plan_file(SMALL, "on.yaml")
    code, report = cli.json("apply", path)
    assert code == 0, report
    assert sorted(o["address"] for o in report["outcomes"] if o["action"] != "noop") == \
        ["hub.jump_box.dcr", "hub.jump_box.dcr_association", "hub.jump_box.monitoring_agent"]
    code, report = cli.json("destroy", path, "--yes")
    assert code == 0, report
    assert not [k for k in emulator.resources() if "datacollection" in k or "/virtualmachines/" in k]
