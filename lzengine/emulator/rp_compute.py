"""Microsoft.Compute behaviour for a landing zone's jump box: virtual machines and their
extensions, and the network interfaces (Microsoft.Network) a VM is given.

Registry rows (``SPECS``) and handlers (``HANDLERS``), collected by
:mod:`lzengine.emulator.registry`. What it models:

* **VM create** is a long-running operation (``Azure-AsyncOperation``, 201 then ``Creating`` →
  ``Succeeded``) with a latency like Azure's (about a minute and a half for a Linux VM).
* **Validation** as the Compute RP answers it: the size must be a size shape the emulator knows
  (``InvalidParameter`` on ``hardwareProfile.vmSize``), the image a known marketplace image
  (``PlatformImageNotFound``, 404) or an image id, the admin name not a reserved one and a
  password that meets Azure's complexity rules (``InvalidParameter`` on ``adminUsername`` /
  ``adminPassword``), SSH keys when password sign-in is off, and every NIC must exist
  (``InvalidResourceReference``) and not be used by another VM (``NicInUse``).
* **Secrets**: ``osProfile.adminPassword`` is kept out of every response, as Azure never returns
  it; an update may not change it or the admin name (``PropertyChangeNotAllowed``, 409).
* **Server-side fields**: ``vmId``, ``timeCreated``, the OS disk's name and managed disk id,
  the image's ``exactVersion``; the NIC gets ``virtualMachine`` pointing back at the VM.
* **Extensions** must be ones the emulator knows; the Azure Monitor agent needs a managed identity
  on the VM (the system-assigned one, or the user-assigned one its settings name).
* **NICs** created through the API get their private IP from the subnet (the first free address,
  as for the firewall), ``ipConfigurations[].id``; a public IP they name must exist.

Error codes that could not be confirmed against public material are marked ``[unconfirmed]``.
"""

from __future__ import annotations

import re
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import find, now_iso, props, ref, require, stable_guid
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, DeleteMode, PutMode, TypeSpec

VM = "microsoft.compute/virtualmachines"
EXTENSION = "microsoft.compute/virtualmachines/extensions"
NIC = "microsoft.network/networkinterfaces"

COMPUTE_VERSIONS = (
    "2021-03-01", "2021-07-01", "2021-11-01", "2022-03-01", "2022-08-01", "2022-11-01", "2023-03-01",
    "2023-07-01", "2023-09-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-04-01", "2026-04-01",
)  # fmt: skip

_CREATE = PutMode(201, "Creating", async_header=True)
_UPDATE = PutMode(200, "Updating", async_header=True)
_DELETE = DeleteMode(202, "Deleting", async_header=True, location_header=True)

SPECS: list[TypeSpec] = [
    # a Linux VM from a marketplace image takes a minute or two; deleting it (with its disk) as long
    TypeSpec("Microsoft.Compute/virtualMachines", COMPUTE_VERSIONS, _CREATE, _UPDATE, _DELETE,
             latency=(90.0, 30.0, 60.0), lock="self", locations=SERVICE_REGIONS, normalize_location=True),
    TypeSpec("Microsoft.Compute/virtualMachines/extensions", COMPUTE_VERSIONS, _CREATE, _UPDATE, _DELETE,
             latency=(60.0, 30.0, 30.0), lock="root", locations=SERVICE_REGIONS, normalize_location=True),
]

#: Size families the emulator accepts: Standard_<family><vCPUs>[letters][_v<n>] (B, D, E, F, ...).
_SIZE = re.compile(r"^Standard_(A|B|D|DC|DS|E|EC|F|FX|L|M|N[CDV]?)\d+[a-z-]*(_v\d+)?$", re.IGNORECASE)
#: Marketplace images the emulator knows: (publisher, offer) → SKUs.
IMAGES: dict[tuple[str, str], tuple[str, ...]] = {
    ("canonical", "ubuntu-24_04-lts"): ("server", "server-gen1", "minimal", "server-arm64"),
    ("canonical", "0001-com-ubuntu-server-jammy"): ("22_04-lts", "22_04-lts-gen2", "22_04-lts-arm64"),
    ("debian", "debian-12"): ("12", "12-gen2", "12-arm64"),
    ("microsoftwindowsserver", "windowsserver"): ("2022-datacenter-azure-edition", "2025-datacenter-azure-edition"),
}
#: Admin names the Compute RP refuses for a Linux VM.
RESERVED = {"administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123",
            "a", "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner",
            "root", "server", "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5"}
#: Extensions the emulator knows: (publisher, type).
MONITOR_AGENT = ("microsoft.azure.monitor", "azuremonitorlinuxagent")
EXTENSIONS = {("microsoft.azure.activedirectory", "aadsshloginforlinux"),
              ("microsoft.azure.monitor", "azuremonitorlinuxagent"),
              ("microsoft.azure.extensions", "customscript")}


# -- virtual machines ---------------------------------------------------------------------------
def _validate_vm(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                 parent_body: dict[str, Any] | None = None) -> None:
    p = props(body)
    size = str((p.get("hardwareProfile") or {}).get("vmSize") or "")
    if not _SIZE.match(size):  # [unconfirmed] wording
        raise errors.bad_request("InvalidParameter", f"The value {size!r} of parameter 'vmSize' is not allowed.",
                                 target="hardwareProfile.vmSize")
    _check_image(p)
    os_profile = p.get("osProfile") or {}
    if existing is None:
        _check_credentials(os_profile)
    else:
        old = props(existing.body).get("osProfile") or {}
        new_user = os_profile.get("adminUsername")
        if new_user is not None and str(new_user) != str(old.get("adminUsername")):
            raise errors.ArmError(409, "PropertyChangeNotAllowed",
                                  "Changing property 'osProfile.adminUsername' is not allowed.",
                                  target="osProfile.adminUsername")
        if os_profile.get("adminPassword") is not None:
            raise errors.ArmError(409, "PropertyChangeNotAllowed",
                                  "Changing property 'osProfile.adminPassword' is not allowed.",
                                  target="osProfile.adminPassword")
    nics = (p.get("networkProfile") or {}).get("networkInterfaces") or []
    if not nics:
        raise errors.bad_request("InvalidParameter", "At least one network interface is required.",
                                 target="networkProfile.networkInterfaces")
    for nic_ref in nics:
        nic = require(ctx, ref(nic_ref), rp.id, location=str(body.get("location") or ""))
        holder = ref(props(nic.body).get("virtualMachine")) if nic is not None else ""
        if holder and id_key(holder) != id_key(rp.id):  # [unconfirmed] wording
            raise errors.bad_request("NicInUse", f"Network Interface {ref(nic_ref)} is used by existing resource "
                                     f"{holder}. In order to delete the network interface, it must be dissociated "
                                     "from the resource.")


def _check_image(p: dict[str, Any]) -> None:
    image = (p.get("storageProfile") or {}).get("imageReference") or {}
    if image.get("id") or image.get("sharedGalleryImageId") or image.get("communityGalleryImageId"):
        return
    publisher, offer, sku = (str(image.get(k) or "") for k in ("publisher", "offer", "sku"))
    if not (publisher and offer and sku):
        raise errors.bad_request("InvalidParameter", "The image reference needs publisher, offer, sku and version, "
                                 "or an image id.", target="imageReference")
    skus = IMAGES.get((publisher.lower(), offer.lower()))
    if skus is None or sku.lower() not in skus:  # [unconfirmed] status and wording
        raise errors.ArmError(404, "PlatformImageNotFound",
                              f"The platform image '{publisher}:{offer}:{sku}:{image.get('version') or 'latest'}' "
                              "is not available. Verify that all fields in the storage profile are correct.")


def _check_credentials(os_profile: dict[str, Any]) -> None:
    user = str(os_profile.get("adminUsername") or "")
    if not user or user.lower() in RESERVED or len(user) > 64:
        raise errors.bad_request("InvalidParameter", "The Admin Username specified is not allowed.",
                                 target="adminUsername")
    linux = os_profile.get("linuxConfiguration") or {}
    password = os_profile.get("adminPassword")
    keys = ((linux.get("ssh") or {}).get("publicKeys")) or []
    if linux.get("disablePasswordAuthentication") and not keys:
        raise errors.bad_request("InvalidParameter", "When password authentication is disabled, at least one SSH "
                                 "public key must be given.", target="linuxConfiguration.ssh.publicKeys")
    if password is None:
        if not keys:
            raise errors.bad_request("InvalidParameter", "Required parameter 'adminPassword' is missing (null).",
                                     target="adminPassword")
        return
    text = str(password)
    classes = sum(bool(re.search(pattern, text)) for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    if not 6 <= len(text) <= 72 or classes < 3:  # the message never echoes the password
        raise errors.bad_request(
            "InvalidParameter", "The supplied password must be between 6-72 characters long and must satisfy at "
            "least 3 of password complexity requirements from the following: 1) Contains an uppercase character "
            "2) Contains a lowercase character 3) Contains a numeric digit 4) Contains a special character 5) "
            "Control characters are not allowed", target="adminPassword")


def _after_vm(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
              state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = props(existing.body) if existing is not None else {}
    p["vmId"] = old.get("vmId") or stable_guid("vm", res.id)
    p["timeCreated"] = old.get("timeCreated") or now_iso()
    os_profile = p.setdefault("osProfile", {})
    if existing is not None:  # the stored credential stays what the create set
        os_profile.update({k: v for k, v in (old.get("osProfile") or {}).items() if k == "adminPassword"})
    storage = p.setdefault("storageProfile", {})
    image = storage.get("imageReference") or {}
    if image.get("version") == "latest":
        image["exactVersion"] = "1.0.20261101"
    disk = storage.setdefault("osDisk", {})
    disk.setdefault("osType", "Windows" if "windows" in str(image.get("publisher", "")).lower() else "Linux")
    disk.setdefault("name", f"{res.body['name']}_OsDisk_1_{stable_guid('disk', res.id).replace('-', '')[:32]}")
    managed = disk.setdefault("managedDisk", {})
    managed.setdefault("storageAccountType", "Premium_LRS")
    group = res.id.split("/providers/", 1)[0]
    managed["id"] = f"{group}/providers/Microsoft.Compute/disks/{disk['name']}"
    disk.setdefault("caching", "ReadWrite")
    for nic_ref in (p.get("networkProfile") or {}).get("networkInterfaces") or []:
        nic = find(ctx, ref(nic_ref))
        if nic is not None:
            props(nic.body)["virtualMachine"] = {"id": res.id}
            ctx.store.put(nic)


def _render_vm(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
    os_profile = (body.get("properties") or {}).get("osProfile")
    if isinstance(os_profile, dict):  # Azure never returns the password (a copy: the store keeps it)
        body["properties"]["osProfile"] = {k: v for k, v in os_profile.items() if k != "adminPassword"}


def _removed_vm(ctx: ProviderContext, res: Resource) -> None:
    for nic_ref in (props(res.body).get("networkProfile") or {}).get("networkInterfaces") or []:
        nic = find(ctx, ref(nic_ref))
        if nic is not None and id_key(ref(props(nic.body).get("virtualMachine"))) == res.key:
            props(nic.body).pop("virtualMachine", None)
            ctx.store.put(nic)


# -- extensions ---------------------------------------------------------------------------------
def _validate_extension(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                        parent_body: dict[str, Any] | None = None) -> None:
    p = props(body)
    known = (str(p.get("publisher", "")).lower(), str(p.get("type", "")).lower())
    if known not in EXTENSIONS:  # [unconfirmed] code
        raise errors.bad_request("VMExtensionProvisioningError" if all(known) else "InvalidParameter",
                                 f"The extension {p.get('publisher')}.{p.get('type')} is not known to the emulator.")
    if not p.get("typeHandlerVersion"):
        raise errors.bad_request("InvalidParameter", "Required parameter 'typeHandlerVersion' is missing (null).",
                                 target="typeHandlerVersion")
    vm = find(ctx, rp.parent_id)
    if known == MONITOR_AGENT and vm is not None and not _identity_for_agent(p, vm.body):
        # the Azure Monitor agent authenticates to its control and ingestion endpoints with a managed
        # identity of the VM (Microsoft Learn, "Azure Monitor Agent requirements"); without one its
        # install fails [unconfirmed: code and wording, the failure is the extension's provisioning]
        raise errors.bad_request("VMExtensionProvisioningError", "VM has reported a failure when processing "
                                 "extension 'AzureMonitorLinuxAgent': the VM has no managed identity for the agent "
                                 "to authenticate with. Enable a system-assigned identity or name a user-assigned "
                                 "one in settings.authentication.managedIdentity.")


def _identity_for_agent(p: dict[str, Any], vm_body: dict[str, Any] | None) -> bool:
    """Whether the VM has the managed identity the Azure Monitor agent uses: the system-assigned one
    by default, or the user-assigned one its settings name (which must be assigned to the VM)."""
    identity = (vm_body or {}).get("identity") or {}
    kind = str(identity.get("type") or "").lower()
    named = (((p.get("settings") or {}).get("authentication") or {}).get("managedIdentity") or {})
    value = str(named.get("identifier-value") or "")
    if value and str(named.get("identifier-name") or "") == "mi_res_id":
        assigned = {k.lower() for k in (identity.get("userAssignedIdentities") or {})}
        return value.lower() in assigned
    if value:  # by object or client id: taken as given
        return "userassigned" in kind
    return "systemassigned" in kind


HANDLERS: dict[str, Handler] = {
    VM: Handler(validate=_validate_vm, after_put=_after_vm, render=_render_vm, on_removed=_removed_vm),
    EXTENSION: Handler(validate=_validate_extension),
}
