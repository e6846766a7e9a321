"""The subnets each VNet really gets: the ones the plan lists plus the ones its components need.

Who uses it: ``lzengine.plan.checks`` (carving, overlap and size checks run on this list, so an
implicit subnet that does not fit is reported at the component that asked for it) and the
compiler (which creates exactly these subnets). A firewall needs AzureFirewallSubnet (and
AzureFirewallManagementSubnet when Basic), Bastion needs AzureBastionSubnet; in a spoke, private
endpoints, App Service integration and the App Gateway each need a subnet of that purpose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lzengine.plan import network
from lzengine.plan.base import SubnetSpec
from lzengine.plan.models import Hub, Plan, Spoke

Path = tuple[str | int, ...]

#: Name and size of the subnet carved for a purpose the plan did not give a subnet to.
IMPLICIT_SPOKE_SUBNETS: dict[str, tuple[str, int]] = {
    "private-endpoints": ("snet-pep", 27),
    "app-service": ("snet-app", 26),
    "app-gateway": ("snet-agw", 26),
    # API Management in internal mode: a dedicated subnet, /27 or larger for the stv2 platform
    # (Microsoft Learn, "Network resource requirements for API Management injection")
    "ai-gateway": ("snet-apim", 27),
}


#: The hub subnet of the jump box's NIC.
JUMP_BOX_SUBNET = "snet-jumpbox"


@dataclass(frozen=True)
class PlannedSubnet:
    """A subnet with where it comes from: ``path`` is its place in the plan, or the component
    that asked for it when ``implicit``."""

    spec: SubnetSpec
    path: Path
    implicit: bool = False


def hub_subnets(hub: Hub) -> list[PlannedSubnet]:
    out = [PlannedSubnet(s, ("hub", "subnets", i)) for i, s in enumerate(hub.subnets)]
    names = {s.name.lower() for s in hub.subnets}
    wanted: list[tuple[str, Path]] = []
    if hub.firewall is not None:
        wanted.append(("AzureFirewallSubnet", ("hub", "firewall")))
        if hub.firewall.sku == "Basic":
            wanted.append(("AzureFirewallManagementSubnet", ("hub", "firewall", "sku")))
    if hub.bastion is not None:
        wanted.append(("AzureBastionSubnet", ("hub", "bastion")))
    for name, path in wanted:
        if name.lower() not in names:
            size = network.SPECIAL_SUBNET_MIN_SIZE[name.lower()]
            out.append(PlannedSubnet(SubnetSpec(name=name, size=size), path, implicit=True))
    for purpose, component in (("ai-gateway", "ai_gateway"), ("app-gateway", "app_gateway")):
        if purpose == "ai-gateway" and not injected(hub.ai_gateway):
            continue
        if getattr(hub, component) is not None and not any(s.purpose == purpose for s in hub.subnets):
            name, size = IMPLICIT_SPOKE_SUBNETS[purpose]
            spec = SubnetSpec(name=name, size=size, purpose=purpose)  # type: ignore[arg-type]
            out.append(PlannedSubnet(spec, ("hub", component), implicit=True))
    endpoint_users = [c for c in ("key_vault", "ai_gateway") if getattr(hub, c) is not None
                      and (c != "ai_gateway" or not injected(hub.ai_gateway))]
    if endpoint_users and not any(s.purpose == "private-endpoints" for s in hub.subnets):
        name, size = IMPLICIT_SPOKE_SUBNETS["private-endpoints"]  # the hub vault's or gateway's private endpoint
        spec = SubnetSpec(name=name, size=size, purpose="private-endpoints")  # type: ignore[arg-type]
        out.append(PlannedSubnet(spec, ("hub", endpoint_users[0]), implicit=True))
    if hub.jump_box is not None and JUMP_BOX_SUBNET not in names:
        # a /29 (the smallest Azure subnet: 3 usable addresses), egress through the firewall
        spec = SubnetSpec(name=JUMP_BOX_SUBNET, size=29, route_table="egress" if hub.firewall else None)
        out.append(PlannedSubnet(spec, ("hub", "jump_box"), implicit=True))
    return out


def spoke_needs(spoke: Spoke) -> dict[str, str]:
    """Subnet purposes the spoke's components need, each with the component key asking."""
    needs: dict[str, str] = {}
    for component in ("ai", "search", "app_service", "key_vault", "storage"):
        if getattr(spoke, component) is not None:
            needs.setdefault("private-endpoints", component)
    if spoke.app_service is not None:
        needs["app-service"] = "app_service"
    if spoke.app_gateway is not None:
        needs["app-gateway"] = "app_gateway"
    if injected(spoke.ai_gateway):
        needs["ai-gateway"] = "ai_gateway"
    elif spoke.ai_gateway is not None:
        needs.setdefault("private-endpoints", "ai_gateway")
    return needs


def injected(gateway: object) -> bool:
    """Whether an AI gateway is injected into a subnet of its own (internal VNet mode), rather
    than reached through a private endpoint."""
    return gateway is not None and getattr(gateway, "network", "internal") == "internal"


def spoke_subnets(spoke: Spoke, index: int) -> list[PlannedSubnet]:
    out = [PlannedSubnet(s, ("spokes", index, "subnets", i)) for i, s in enumerate(spoke.subnets)]
    have = {s.purpose for s in spoke.subnets}
    for purpose, component in spoke_needs(spoke).items():
        if purpose not in have:
            name, size = IMPLICIT_SPOKE_SUBNETS[purpose]
            spec = SubnetSpec(name=name, size=size, purpose=purpose)  # type: ignore[arg-type]
            out.append(PlannedSubnet(spec, ("spokes", index, component), implicit=True))
    return out


def subnet_for(planned: list[PlannedSubnet], purpose: str) -> SubnetSpec | None:
    return next((p.spec for p in planned if p.spec.purpose == purpose), None)


def carve(space: list[str], planned: list[PlannedSubnet], pins: Mapping[str, str] | None = None,
          occupied: Sequence[str] = ()) -> dict[str, str]:
    """Prefix of every subnet (explicit, kept where it lives, or carved); subnets that do not fit
    are left out. ``pins``/``occupied``: see ``lzengine.plan.network.carve``."""
    prefixes, _ = network.carve(space, [p.spec for p in planned], pins, occupied)
    return prefixes


def all_vnets(plan: Plan) -> list[tuple[str, Path, list[str], list[PlannedSubnet]]]:
    """(label, path of address_space, address space, subnets) of the hub then every spoke (an
    existing hub's VNet is not the plan's: its space is known only once read)."""
    out = [] if plan.hub.existing is not None else [
        ("hub", ("hub", "address_space"), list(plan.hub.address_space), hub_subnets(plan.hub))]
    for i, spoke in enumerate(plan.spokes):
        out.append((spoke.name, ("spokes", i, "address_space"), list(spoke.address_space), spoke_subnets(spoke, i)))
    return out
