"""Network interfaces (``Microsoft.Network/networkInterfaces``): their registry row and handler.

Registered in :data:`lzengine.emulator.registry.PROVIDERS`. A NIC written through the API (the
jump box's, see :mod:`lzengine.emulator.rp_compute`) needs at least one IP configuration whose
subnet (and public IP, if any) exists; a dynamic configuration gets the subnet's first free address
and keeps it across updates in the same subnet; a NIC a virtual machine holds cannot be deleted
(``NicInUse``). Private endpoints' NICs are made by :mod:`lzengine.emulator.rp_private_endpoints`.
"""

from __future__ import annotations

from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import find, props, ref, require, stable_guid
from lzengine.emulator.rp_network import NIC, allocate_ip, network
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import TypeSpec

SPECS: list[TypeSpec] = [network("Microsoft.Network/networkInterfaces", (3.0, 3.0, 3.0))]


def _validate_nic(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                  parent_body: dict[str, Any] | None = None) -> None:
    configs = props(body).get("ipConfigurations") or []
    if not configs:
        raise errors.bad_request("NetworkInterfaceMustHaveAtLeastOneIpConfiguration",
                                 f"Network interface {rp.id} must have at least one IP configuration.")
    for config in configs:
        cp = props(config)
        require(ctx, ref(cp.get("subnet")), rp.id)
        pip = ref(cp.get("publicIPAddress"))
        if pip:
            require(ctx, pip, rp.id, location=str(body.get("location") or ""))


def _after_nic(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
               state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = {str(c.get("name")).lower(): props(c) for c in props(existing.body).get("ipConfigurations") or []
           if isinstance(c, dict)} if existing is not None else {}
    for config in p.get("ipConfigurations") or []:
        if not isinstance(config, dict) or not config.get("name"):
            continue
        config["id"] = f"{res.id}/ipConfigurations/{config['name']}"
        config.setdefault("type", "Microsoft.Network/networkInterfaces/ipConfigurations")
        cp = config.setdefault("properties", {})
        cp["provisioningState"] = "Succeeded"
        cp.setdefault("privateIPAllocationMethod", "Dynamic")
        cp.setdefault("privateIPAddressVersion", "IPv4")
        if cp.get("privateIPAllocationMethod", "").lower() == "dynamic" and cp.get("subnet"):
            previous = old.get(str(config["name"]).lower(), {})
            same_subnet = id_key(ref(previous.get("subnet"))) == id_key(ref(cp["subnet"]))
            cp["privateIPAddress"] = previous.get("privateIPAddress") if same_subnet and \
                previous.get("privateIPAddress") else allocate_ip(ctx, ref(cp["subnet"]), res.id)
    if existing is not None and props(existing.body).get("virtualMachine"):
        p["virtualMachine"] = props(existing.body)["virtualMachine"]
    p.setdefault("macAddress", "00-0D-3A-" + "-".join(stable_guid("mac", res.id)[i:i + 2].upper() for i in (0, 2, 4)))
    p.setdefault("enableAcceleratedNetworking", False)
    p.setdefault("enableIPForwarding", False)
    p.setdefault("dnsSettings", {"dnsServers": [], "appliedDnsServers": []})


def _check_nic_removal(ctx: ProviderContext, res: Resource) -> None:
    holder = ref(props(res.body).get("virtualMachine"))
    if holder and find(ctx, holder) is not None:
        raise errors.bad_request("NicInUse", f"Network Interface {res.id} is used by existing resource {holder}. In "
                                 "order to delete the network interface, it must be dissociated from the resource.")


HANDLERS: dict[str, Handler] = {
    NIC: Handler(validate=_validate_nic, after_put=_after_nic, check_removal=_check_nic_removal),
}
