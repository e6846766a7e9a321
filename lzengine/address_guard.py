"""Refuse, before any write, address changes that would break what runs in a live VNet.

Who uses it: ``lzengine.engine.Engine.plan``, on the observed bodies. Automatic placement keeps
existing subnets where they are (``lzengine.live_addresses``), so what is left are edits a person
made: an explicit prefix changed, a size changed, an address space shrunk. These are refused here,
as Azure refuses them, but up front and with what to do:

* a subnet whose prefix would move (the new prefixes do not contain the old ones) while it holds
  IP configurations or private endpoints: Azure answers ``InUsePrefixCannotBeDeleted`` ("IpPrefix
  X on Subnet Y has active allocations", quoted in hashicorp/terraform-provider-azurerm#11211),
  and where it is allowed the addresses in the subnet would silently stop matching it. Growing a
  subnet around its old prefix keeps every address inside and is let through;
* any prefix change of a subnet used by something that holds no address of its own there
  (Application Gateway, Bastion, App Service integration): ``InUseSubnetCannotBeUpdated``;
* a VNet address space that would no longer contain one of its live subnets (Azure:
  ``NetcfgSubnetRangeOutsideVnet`` on the VNet PUT).

The result is a ``failure`` per address; such a failure stops the whole apply before its first
write (``Change.stops_run``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from lzengine import ids
from lzengine.diff import Action, Change

SUBNET_TYPE = "microsoft.network/virtualnetworks/subnets"
VNET_TYPE = "microsoft.network/virtualnetworks"
IN_USE_PREFIX = "InUsePrefixCannotBeDeleted"
IN_USE_SUBNET = "InUseSubnetCannotBeUpdated"
SUBNET_OUTSIDE_VNET = "NetcfgSubnetRangeOutsideVnet"
#: Back-references of a subnet that mean something lives in it.
USERS = ("ipConfigurations", "privateEndpoints", "applicationGatewayIPConfigurations", "serviceAssociationLinks")


def refusals(
    changes: Mapping[str, Change], observed: Mapping[str, Any], desired: Mapping[str, Any]
) -> dict[str, tuple[str, str]]:
    """Address → (code, message) for every pending subnet or VNet write that would move or
    exclude a subnet in use."""
    found: dict[str, tuple[str, str]] = {}
    live_subnets = {
        change.arm_id.lower(): observed.get(address)
        for address, change in changes.items() if change.arm_type.lower() == SUBNET_TYPE
    }
    for address, change in changes.items():
        if change.action not in (Action.UPDATE, Action.REPLACE) or not change.allowed:
            continue
        kind = change.arm_type.lower()
        if kind == SUBNET_TYPE and any(i.path.startswith("properties.addressPrefix") for i in change.items):
            refusal = _moved_subnet(change, observed.get(address) or {}, desired.get(address) or {})
        elif kind == VNET_TYPE and any(i.path.startswith("properties.addressSpace") for i in change.items):
            refusal = _shrunk_space(change, observed.get(address) or {}, desired.get(address) or {}, live_subnets)
        else:
            continue
        if refusal is not None:
            found[address] = refusal
    return found


def users(subnet: Mapping[str, Any]) -> list[str]:
    """Ids of what lives in a subnet (from its GET body's back-references)."""
    properties = subnet.get("properties") or {}
    return [str(u.get("id")) for key in USERS for u in properties.get(key) or [] if isinstance(u, Mapping)]


def _prefixes(properties: Mapping[str, Any]) -> list[str]:
    single = properties.get("addressPrefix")
    return [str(single)] if single else [str(p) for p in properties.get("addressPrefixes") or []]


#: How each kind of subnet user is named in a refusal.
LABELS = {
    "ipConfigurations": "IP configuration(s)",
    "privateEndpoints": "private endpoint(s)",
    "applicationGatewayIPConfigurations": "Application Gateway IP configuration(s)",
    "serviceAssociationLinks": "service association link(s)",
}


def _describe(subnet: Mapping[str, Any]) -> str:
    """What lives in a subnet, by kind, with the names of the resources holding it."""
    properties = subnet.get("properties") or {}
    parts = []
    for key, label in LABELS.items():
        found = [str(u.get("id")) for u in properties.get(key) or [] if isinstance(u, Mapping)]
        if found:
            names = list(dict.fromkeys(_holder(i) for i in found))
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            parts.append(f"{len(found)} {label} ({shown})")
    return "; ".join(parts)


def _holder(arm_id: str) -> str:
    """``nic-x`` for ``.../networkInterfaces/nic-x/ipConfigurations/c``: the top resource's name."""
    parsed = arm_id.split("/providers/", 1)[-1].split("/")
    return parsed[2] if len(parsed) > 2 else arm_id


def _moved_subnet(change: Change, live: Mapping[str, Any], want: Mapping[str, Any]) -> tuple[str, str] | None:
    if not users(live):
        return None
    old = _prefixes(live.get("properties") or {})
    new = _prefixes(want.get("properties") or {})
    new_nets = [ipaddress.ip_network(p, strict=False) for p in new]
    moved = not all(any(o.version == n.version and o.subnet_of(n) for n in new_nets)
                    for o in (ipaddress.ip_network(p, strict=False) for p in old))
    properties = live.get("properties") or {}
    addresses = [i for key in ("ipConfigurations", "privateEndpoints") for i in _ids(properties, key)
                 if "/bastionhosts/" not in i.lower()]
    whole = len(users(live)) > len(addresses)  # Application Gateway, Bastion, App Service integration
    if not (moved and addresses) and not whole:
        return None  # grown around its old prefix: every address stays inside
    before, after = ", ".join(old), ", ".join(new)
    name, vnet = ids.parse_name(change.arm_id), ids.parse_name(change.arm_id.rsplit("/subnets/", 1)[0])
    what = f"subnet {name} of {vnet} would {'move' if moved else 'change'} from {before} to {after}"
    keep = (f"Keep it where it is (in the plan: 'prefix: {before}' on subnet {name}, or its previous size), "
            "or first remove what is in it.")
    if moved and addresses:
        return IN_USE_PREFIX, (f"{what}, but it holds {_describe(live)}; Azure refuses to take addresses in use "
                               f"away from a subnet, and they would no longer match it. {keep}")
    return IN_USE_SUBNET, (f"{what}, but it is used by {_describe(live)}, which Azure does not let a subnet "
                           f"change under. {keep}")


def _ids(properties: Mapping[str, Any], key: str) -> list[str]:
    return [str(u.get("id")) for u in properties.get(key) or [] if isinstance(u, Mapping)]


def _shrunk_space(
    change: Change, live: Mapping[str, Any], want: Mapping[str, Any], live_subnets: Mapping[str, Any]
) -> tuple[str, str] | None:
    space = [ipaddress.ip_network(p, strict=False)
             for p in ((want.get("properties") or {}).get("addressSpace") or {}).get("addressPrefixes") or []]
    if not space:
        return None
    outside: list[str] = []
    for subnet in (live.get("properties") or {}).get("subnets") or []:
        properties = subnet.get("properties") or {}
        nets = [ipaddress.ip_network(p, strict=False) for p in _prefixes(properties)]
        if all(any(n.version == s.version and n.subnet_of(s) for s in space) for n in nets):
            continue
        subnet_id = str(subnet.get("id") or f"{change.arm_id}/subnets/{subnet.get('name')}")
        held = _describe(subnet) or _describe(live_subnets.get(subnet_id.lower()) or {}) or "nothing yet"
        outside.append(f"{subnet.get('name')} ({', '.join(map(str, nets))}, holding {held})")
    if not outside:
        return None
    wanted = ", ".join(map(str, space))
    return SUBNET_OUTSIDE_VNET, (
        f"the address space of {ids.parse_name(change.arm_id)} would become {wanted}, which no longer contains "
        f"its live subnet(s) {'; '.join(outside)}. Keep the address space as it is, or move or remove those "
        "subnets first and shrink it in a later apply."
    )
