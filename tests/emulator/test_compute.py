"""Microsoft.Compute in the emulator, through the typed azure-mgmt-compute client: a jump box VM
with its NIC, what the Compute RP refuses, and a password that never comes back."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients, client_kwargs

API = "2024-11-01"
PASSWORD = "Xy7!correct-horse-battery"


@pytest.fixture
def compute(clients: Clients) -> Any:
    from azure.mgmt.compute import ComputeManagementClient

    return ComputeManagementClient(clients.cred, clients.emu.subscription_id, **client_kwargs(clients.emu))


@pytest.fixture
def nic(arm: Arm, clients: Clients) -> str:
    return make_nic(arm, clients)


def make_nic(arm: Arm, clients: Clients) -> str:
    """A resource group ``rg-hub`` with a VNet and a NIC ``nic-jump`` in its ``snet-jumpbox``."""
    arm.make_rg("rg-hub", "swedencentral")
    net = clients.network
    net.virtual_networks.begin_create_or_update("rg-hub", "vnet-hub", {
        "location": "swedencentral", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/24"]},
                                                    "subnets": [{"name": "snet-jumpbox",
                                                                 "properties": {"addressPrefix": "10.0.0.0/29"}}]}},
    ).result()
    subnet = f"{arm.rg('rg-hub')}/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-jumpbox"
    created = net.network_interfaces.begin_create_or_update("rg-hub", "nic-jump", {
        "location": "swedencentral",
        "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {"subnet": {"id": subnet}}}]},
    }).result()
    assert created.ip_configurations[0].private_ip_address == "10.0.0.4"  # the first address Azure hands out
    return created.id


def vm_body(nic_id: str, **os_profile: Any) -> dict[str, Any]:
    profile = {"computerName": "jump", "adminUsername": "azureuser", "adminPassword": PASSWORD,
               "linuxConfiguration": {"disablePasswordAuthentication": False}} | os_profile
    return {
        "location": "swedencentral",
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "hardwareProfile": {"vmSize": "Standard_B2s"},
            "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "ubuntu-24_04-lts",
                                                  "sku": "server", "version": "latest"},
                               "osDisk": {"createOption": "FromImage",
                                          "managedDisk": {"storageAccountType": "StandardSSD_LRS"}}},
            "osProfile": {k: v for k, v in profile.items() if v is not None},
            "networkProfile": {"networkInterfaces": [{"id": nic_id}]},
        },
    }


def refused(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as info:
        call()
    return info.value


def test_a_vm_is_created_with_its_identity_and_never_shows_its_password(compute: Any, clients: Clients, arm: Arm,
                                                                          nic: str) -> None:
    poller = compute.virtual_machines.begin_create_or_update("rg-hub", "vm-jump", vm_body(nic), api_version=API)
    vm = poller.result()
    assert vm.provisioning_state == "Succeeded" and vm.vm_id
    assert vm.identity.type == "SystemAssigned" and vm.identity.principal_id
    assert vm.os_profile.admin_password is None
    raw = arm.get(f"{arm.rg('rg-hub')}/providers/Microsoft.Compute/virtualMachines/vm-jump", api=API)
    assert PASSWORD not in raw.text and "adminPassword" not in raw.text
    assert raw.json()["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"]
    assert clients.network.network_interfaces.get("rg-hub", "nic-jump").virtual_machine.id.lower() == vm.id.lower()

    # the admin account cannot change in place
    error = refused(lambda: compute.virtual_machines.begin_create_or_update(
        "rg-hub", "vm-jump", vm_body(nic, adminUsername="someoneelse", adminPassword=None),
        api_version=API).result())
    assert error.status_code == 409 and error.error.code == "PropertyChangeNotAllowed"
    # a NIC in use cannot be deleted; with the VM gone it can
    error = refused(lambda: clients.network.network_interfaces.begin_delete("rg-hub", "nic-jump").result())
    assert error.error.code == "NicInUse"
    compute.virtual_machines.begin_delete("rg-hub", "vm-jump", api_version=API).result()
    clients.network.network_interfaces.begin_delete("rg-hub", "nic-jump").result()


@pytest.mark.parametrize("change, code", [
    (lambda b: b["properties"]["hardwareProfile"].update(vmSize="Huge_1"), "InvalidParameter"),
    (lambda b: b["properties"]["storageProfile"]["imageReference"].update(offer="no-such-offer"),
     "PlatformImageNotFound"),
    (lambda b: b["properties"]["osProfile"].update(adminUsername="admin"), "InvalidParameter"),
    (lambda b: b["properties"]["osProfile"].update(adminPassword="short"), "InvalidParameter"),
    (lambda b: b["properties"]["osProfile"].update(linuxConfiguration={"disablePasswordAuthentication": True}),
     "InvalidParameter"),
    (lambda b: b["properties"]["networkProfile"].update(networkInterfaces=[{"id": "/subscriptions/"
     "3f2d7a1c-5b8e-4c6d-9a0f-1e2b3c4d5e6f/resourceGroups/rg-hub/providers/Microsoft.Network/networkInterfaces/"
     "nic-missing"}]), "InvalidResourceReference"),
])
def test_what_the_compute_provider_refuses(compute: Any, nic: str, change: Any, code: str) -> None:
    body = vm_body(nic)
    change(body)
    error = refused(lambda: compute.virtual_machines.begin_create_or_update("rg-hub", "vm-bad", body,
                                                                            api_version=API).result())
    assert error.error.code == code
    assert PASSWORD not in str(error) and "short" not in (error.error.message or "")


def test_extensions_and_ssh_keys(compute: Any, nic: str) -> None:
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJump admin@contoso"
    body = vm_body(nic, adminPassword=None, linuxConfiguration={
        "disablePasswordAuthentication": True,
        "ssh": {"publicKeys": [{"path": "/home/azureuser/.ssh/authorized_keys", "keyData": key}]}})
    vm = compute.virtual_machines.begin_create_or_update("rg-hub", "vm-jump", body, api_version=API).result()
    assert vm.os_profile.linux_configuration.ssh.public_keys[0].key_data == key
    ext = compute.virtual_machine_extensions.begin_create_or_update("rg-hub", "vm-jump", "AADSSHLoginForLinux", {
        "location": "swedencentral", "properties": {"publisher": "Microsoft.Azure.ActiveDirectory",
                                                    "type": "AADSSHLoginForLinux", "typeHandlerVersion": "1.0"}},
        api_version=API).result()
    assert ext.provisioning_state == "Succeeded"
    error = refused(lambda: compute.virtual_machine_extensions.begin_create_or_update(
        "rg-hub", "vm-jump", "x", {"location": "swedencentral", "properties": {
            "publisher": "Contoso", "type": "Miner", "typeHandlerVersion": "1.0"}}, api_version=API).result())
    assert error.status_code == 400
