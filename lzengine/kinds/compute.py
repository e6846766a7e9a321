"""Kinds for the hub's jump box: the virtual machine and its extensions (azure-mgmt-compute) and
its network interface (azure-mgmt-network).

Who uses it: ``lzengine.compile.platform.jump_box`` and the adapter. Azure never returns
``osProfile.adminPassword`` and refuses to change it through a PUT, so the path is never compared
(the compiler writes a generated secret there, filled at create time only: see
``lzengine.refs.GeneratedSecret``). What a VM cannot change in place (the admin account and its
SSH keys, the image, the security type, the zone) forces a replacement, which needs ``--yes``.
A VM's extensions are written one at a time (Azure answers ``OperationNotAllowed`` to a second
extension operation on a VM while one runs [unconfirmed: seen in public IaC modules' retries]).
"""

from lzengine.kinds.base import PARENT, ResourceKind

COMPUTE_CLIENT = "azure.mgmt.compute:ComputeManagementClient"
COMPUTE_API = "2024-11-01"
NETWORK_CLIENT = "azure.mgmt.network:NetworkManagementClient"

VIRTUAL_MACHINE = ResourceKind(
    name="virtual_machine",
    arm_type="Microsoft.Compute/virtualMachines",
    client=COMPUTE_CLIENT,
    operations="virtual_machines",
    id_args=("resourceGroups", "virtualMachines"),
    api_version=COMPUTE_API,
    ignore_paths=("etag", "properties.osProfile.adminPassword", "properties.vmId", "properties.timeCreated",
                  "properties.instanceView", "properties.storageProfile.osDisk.name",
                  "properties.storageProfile.osDisk.managedDisk.id", "properties.storageProfile.imageReference."
                  "exactVersion", "resources", "identity.principalId", "identity.tenantId"),
    case_insensitive_paths=("properties.hardwareProfile.vmSize",
                            "properties.storageProfile.osDisk.managedDisk.storageAccountType"),
    replace_on=("location", "zones", "properties.osProfile", "properties.storageProfile.imageReference",
                "properties.securityProfile.securityType"),
    deadline_s=45 * 60,
    expected_s=90,
)
VIRTUAL_MACHINE_EXTENSION = ResourceKind(
    name="virtual_machine_extension",
    arm_type="Microsoft.Compute/virtualMachines/extensions",
    client=COMPUTE_CLIENT,
    operations="virtual_machine_extensions",
    id_args=("resourceGroups", "virtualMachines", "extensions"),
    api_version=COMPUTE_API,
    ignore_paths=("etag", "properties.instanceView"),
    serialize_on=PARENT,
    deadline_s=45 * 60,
    expected_s=60,
)
NETWORK_INTERFACE = ResourceKind(
    name="network_interface",
    arm_type="Microsoft.Network/networkInterfaces",
    client=NETWORK_CLIENT,
    operations="network_interfaces",
    id_args=("resourceGroups", "networkInterfaces"),
    api_version="2024-05-01",
    ignore_paths=("etag", "properties.virtualMachine", "properties.macAddress", "properties.dnsSettings",
                  "properties.ipConfigurations.properties.privateIPAddress"),
    case_insensitive_paths=("properties.ipConfigurations.properties.privateIPAllocationMethod",),
    replace_on=("location",),
    expected_s=5,
)

KINDS = (VIRTUAL_MACHINE, VIRTUAL_MACHINE_EXTENSION, NETWORK_INTERFACE)
