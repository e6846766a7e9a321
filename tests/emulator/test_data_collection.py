"""Azure Monitor agent configuration in the emulator, through the typed azure-mgmt-monitor client:
a data collection rule to a workspace, its association with a VM, what the provider refuses, and
the agent extension that needs the VM's managed identity."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients, client_kwargs
from .test_compute import API, make_nic, refused, vm_body

WORKSPACE = "/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/log-hub"


@pytest.fixture
def compute(clients: Clients) -> Any:
    from azure.mgmt.compute import ComputeManagementClient

    return ComputeManagementClient(clients.cred, clients.emu.subscription_id, **client_kwargs(clients.emu))


@pytest.fixture
def nic(arm: Arm, clients: Clients) -> str:
    return make_nic(arm, clients)


@pytest.fixture
def monitor(clients: Clients) -> Any:
    from azure.mgmt.monitor import MonitorManagementClient

    return MonitorManagementClient(clients.cred, clients.emu.subscription_id, **client_kwargs(clients.emu))


def rule_body(workspace_id: str, destination: str = "hub") -> dict[str, Any]:
    return {"location": "swedencentral", "kind": "Linux", "properties": {
        "dataSources": {"syslog": [{"name": "syslog", "streams": ["Microsoft-Syslog"], "facilityNames": ["auth"],
                                    "logLevels": ["Warning"]}],
                        "performanceCounters": [{"name": "perf", "streams": ["Microsoft-Perf"],
                                                 "samplingFrequencyInSeconds": 60,
                                                 "counterSpecifiers": ["\\Memory(*)\\% Used Memory"]}]},
        "destinations": {"logAnalytics": [{"name": "hub", "workspaceResourceId": workspace_id}]},
        "dataFlows": [{"streams": ["Microsoft-Syslog", "Microsoft-Perf"], "destinations": [destination]}]}}


def test_a_rule_to_the_workspace_and_its_association_with_a_vm(monitor: Any, compute: Any, clients: Clients,
                                                               arm: Arm, nic: str) -> None:
    workspace = clients.loganalytics.workspaces.begin_create_or_update(
        "rg-hub", "log-hub", {"location": "swedencentral", "properties": {"sku": {"name": "PerGB2018"}}}).result()
    vm = compute.virtual_machines.begin_create_or_update("rg-hub", "vm-jump", vm_body(nic), api_version=API).result()

    rule = monitor.data_collection_rules.create("rg-hub", "dcr-jump", rule_body(workspace.id))
    assert rule.immutable_id.startswith("dcr-") and len(rule.immutable_id) == 36
    assert rule.destinations.log_analytics[0].workspace_id == workspace.customer_id
    association = monitor.data_collection_rule_associations.create(vm.id, "dcr-jump",
                                                                    {"properties": {"dataCollectionRuleId": rule.id}})
    assert association.data_collection_rule_id == rule.id
    assert monitor.data_collection_rule_associations.get(vm.id, "dcr-jump").data_collection_rule_id == rule.id

    # the association's rule must exist; a rule to a workspace that does not exist is refused with why
    error = refused(lambda: monitor.data_collection_rule_associations.create(
        vm.id, "other", {"properties": {"dataCollectionRuleId": rule.id.replace("dcr-jump", "dcr-none")}}))
    assert error.status_code == 400
    error = refused(lambda: monitor.data_collection_rules.create(
        "rg-hub", "dcr-bad", rule_body(arm.sub(WORKSPACE.replace("log-hub", "log-none")))))
    assert error.status_code == 400 and error.error.code == "InvalidPayload"
    assert "log-none" in error.error.details[0].message
    error = refused(lambda: monitor.data_collection_rules.create("rg-hub", "dcr-bad",
                                                                 rule_body(workspace.id, destination="nowhere")))
    assert error.error.code == "InvalidPayload" and "nowhere" in error.error.details[0].message

    # deleting the VM takes its association with it (an extension resource on it); the rule stays
    compute.virtual_machines.begin_delete("rg-hub", "vm-jump", api_version=API).result()
    assert monitor.data_collection_rules.get("rg-hub", "dcr-jump").id == rule.id
    assert arm.get(f"{vm.id}/providers/Microsoft.Insights/dataCollectionRuleAssociations/dcr-jump",
                   api="2023-03-11").status_code == 404


def test_deleting_a_rule_with_delete_associations(monitor: Any, compute: Any, clients: Clients, nic: str) -> None:
    workspace = clients.loganalytics.workspaces.begin_create_or_update(
        "rg-hub", "log-hub", {"location": "swedencentral", "properties": {"sku": {"name": "PerGB2018"}}}).result()
    vm = compute.virtual_machines.begin_create_or_update("rg-hub", "vm-jump", vm_body(nic), api_version=API).result()
    rule = monitor.data_collection_rules.create("rg-hub", "dcr-jump", rule_body(workspace.id))
    monitor.data_collection_rule_associations.create(vm.id, "a1", {"properties": {"dataCollectionRuleId": rule.id}})
    monitor.data_collection_rules.delete("rg-hub", "dcr-jump", delete_associations=True)
    with pytest.raises(HttpResponseError) as info:
        monitor.data_collection_rule_associations.get(vm.id, "a1")
    assert info.value.status_code == 404


def test_the_monitor_agent_needs_the_vms_managed_identity(compute: Any, nic: str) -> None:
    body = vm_body(nic)
    body.pop("identity")
    compute.virtual_machines.begin_create_or_update("rg-hub", "vm-jump", body, api_version=API).result()
    agent = {"location": "swedencentral", "properties": {"publisher": "Microsoft.Azure.Monitor",
                                                         "type": "AzureMonitorLinuxAgent", "typeHandlerVersion": "1.0"}}
    error = refused(lambda: compute.virtual_machine_extensions.begin_create_or_update(
        "rg-hub", "vm-jump", "AzureMonitorLinuxAgent", agent, api_version=API).result())
    assert error.error.code == "VMExtensionProvisioningError" and "managed identity" in error.error.message
    body = vm_body(nic, adminPassword=None)  # an update: the password cannot be sent again
    compute.virtual_machines.begin_create_or_update("rg-hub", "vm-jump", body, api_version=API).result()
    ext = compute.virtual_machine_extensions.begin_create_or_update(
        "rg-hub", "vm-jump", "AzureMonitorLinuxAgent", agent, api_version=API).result()
    assert ext.provisioning_state == "Succeeded"
