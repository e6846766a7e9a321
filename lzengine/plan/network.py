"""Address arithmetic for plans: carve subnets out of a VNet and check the layout.

Who uses it: the loader (to report overlaps, containment and minimum sizes before any call to
Azure) and the compiler (to know each subnet's prefix). Findings come back as ``Finding`` with a
path into the plan (e.g. ``("hub", "subnets", 2, "prefix")``); the loader turns the path into
file:line:column.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lzengine.plan.base import SubnetSpec

Path = tuple[str | int, ...]

#: Subnets Azure names specially, with the largest prefix length each accepts.
SPECIAL_SUBNET_MIN_SIZE = {
    "azurefirewallsubnet": 26,
    "azurefirewallmanagementsubnet": 26,
    "azurebastionsubnet": 26,
    "gatewaysubnet": 27,
}

#: Smallest prefix (largest prefix length) per subnet purpose.
PURPOSE_MIN_SIZE = {
    "private-endpoints": 28,
    "app-service": 28,
    "app-gateway": 26,
    "ai-gateway": 27,
}
#: Why each purpose has its minimum, shown as the hint.
PURPOSE_HINT = {
    "private-endpoints": "a /28 holds 11 private endpoints; use /27 or /26 to grow without races",
    "app-service": "App Service VNet integration needs a /28 at least; /26 is recommended",
    "app-gateway": "Application Gateway v2 needs room to autoscale: a dedicated /26 at least, /24 recommended",
    "ai-gateway": "API Management in a VNet (stv2) needs a dedicated /27 at least, more to scale out",
}


@dataclass(frozen=True)
class Finding:
    path: Path
    message: str
    hint: str = ""
    code: str = "network"


def carve(
    space: Sequence[str], specs: Sequence[SubnetSpec], pins: Mapping[str, str] | None = None,
    occupied: Sequence[str] = (),
) -> tuple[dict[str, str], list[Finding]]:
    """Give every subnet a prefix: explicit ones are kept, sized ones take the lowest free block.

    ``pins`` are the prefixes sized subnets already have in Azure (by name, any case): a pin is
    kept when it still has the declared size, lies inside the address space and overlaps no
    explicit prefix or earlier pin, so adding, removing or reordering subnets never moves one
    that exists. ``occupied`` are live prefixes of subnets the plan no longer declares: new
    subnets avoid them. The other sized subnets are placed largest first (so alignment wastes the
    least space), each into the first aligned block of any address-space range that overlaps
    nothing placed, pinned or occupied.
    """
    networks = [ipaddress.IPv4Network(c) for c in space]
    taken: list[ipaddress.IPv4Network] = [ipaddress.IPv4Network(s.prefix) for s in specs if s.prefix]
    result: dict[str, str] = {s.name: s.prefix for s in specs if s.prefix}
    findings: list[Finding] = []
    live = {name.lower(): prefix for name, prefix in (pins or {}).items()}
    to_place: list[tuple[int, SubnetSpec]] = []
    for index, spec in enumerate(specs):
        if spec.size is None:
            continue
        pinned = _usable_pin(live.get(spec.name.lower()), spec.size, networks, taken)
        if pinned is None:
            to_place.append((index, spec))
            continue
        taken.append(pinned)
        result[spec.name] = str(pinned)
    for prefix in occupied:
        with contextlib.suppress(ValueError):
            taken.append(ipaddress.IPv4Network(prefix))
    for index, spec in sorted(to_place, key=lambda item: (item[1].size, item[0])):
        placed = next((p for net in networks if spec.size >= net.prefixlen
                       for p in [_first_free(net, spec.size, taken)] if p is not None), None)
        if placed is None:
            findings.append(
                Finding(
                    ("subnets", index, "size"),
                    f"no free /{spec.size} block left in {', '.join(space)} for subnet {spec.name!r}",
                    "enlarge the address space or shrink other subnets",
                    "address-space-full",
                )
            )
            continue
        taken.append(placed)
        result[spec.name] = str(placed)
    return result, findings


def _first_free(
    net: ipaddress.IPv4Network, size: int, taken: Sequence[ipaddress.IPv4Network]
) -> ipaddress.IPv4Network | None:
    """The lowest aligned /``size`` block of ``net`` that overlaps nothing ``taken``.

    One pass over the taken blocks in address order, jumping past each one in the way, instead of
    trying every candidate block: a /29 in a mostly used /8 is found in a few steps, not two million.
    """
    step = 1 << (32 - size)
    candidate, last = int(net.network_address), int(net.broadcast_address)
    for low, high in sorted((int(t.network_address), int(t.broadcast_address)) for t in taken):
        if candidate + step - 1 > last or low > candidate + step - 1:
            break  # past the end, or this block (and every later one) starts after the candidate
        if high >= candidate:
            candidate = (high // step + 1) * step  # the first aligned block after the one in the way
    return ipaddress.IPv4Network((candidate, size)) if candidate + step - 1 <= last else None


def _usable_pin(
    prefix: str | None, size: int, networks: Sequence[ipaddress.IPv4Network], taken: Sequence[ipaddress.IPv4Network]
) -> ipaddress.IPv4Network | None:
    """The live prefix as a pin, or None when it no longer fits the plan (size changed, outside
    the address space, overlapping an explicit prefix): then the subnet is placed again."""
    if not prefix:
        return None
    try:
        net = ipaddress.IPv4Network(prefix)
    except ValueError:
        return None
    if net.prefixlen != size or not any(net.subnet_of(n) for n in networks if n.version == net.version):
        return None
    if any(net.overlaps(t) for t in taken):
        return None
    return net


def check_subnets(space: Sequence[str], specs: Sequence[SubnetSpec], prefixes: dict[str, str]) -> list[Finding]:
    """Containment, overlap, duplicates and Azure's minimum sizes for special subnets."""
    networks = [ipaddress.IPv4Network(c) for c in space]
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    placed: list[tuple[int, ipaddress.IPv4Network]] = []
    for index, spec in enumerate(specs):
        lowered = spec.name.lower()
        if lowered in seen:
            findings.append(
                Finding(
                    ("subnets", index, "name"),
                    f"subnet {spec.name!r} is declared twice (first at subnets[{seen[lowered]}])",
                    "subnet names are unique per VNet, ignoring case",
                    "duplicate",
                )
            )
            continue
        seen[lowered] = index
        if spec.name not in prefixes:
            continue
        net = ipaddress.IPv4Network(prefixes[spec.name])
        field = "prefix" if spec.prefix else "size"
        if spec.prefix and not any(net.subnet_of(n) for n in networks):
            findings.append(
                Finding(
                    ("subnets", index, "prefix"),
                    f"subnet {spec.name!r} ({net}) lies outside the VNet address space {', '.join(space)}",
                    "pick a prefix inside the address space, or use 'size' to carve one automatically",
                    "subnet-outside-vnet",
                )
            )
        for other_index, other in placed:
            if net.overlaps(other):
                findings.append(
                    Finding(
                        ("subnets", index, field),
                        f"subnet {spec.name!r} ({net}) overlaps subnet {specs[other_index].name!r} ({other})",
                        "subnets of one VNet must not overlap",
                        "subnet-overlap",
                    )
                )
        placed.append((index, net))
        minimum = SPECIAL_SUBNET_MIN_SIZE.get(lowered)
        if minimum is not None and net.prefixlen > minimum:
            findings.append(
                Finding(
                    ("subnets", index, field),
                    f"{spec.name} must be /{minimum} or larger, got /{net.prefixlen}",
                    f"Azure refuses a smaller {spec.name}; use a /{minimum}",
                    "subnet-too-small",
                )
            )
        purpose_min = PURPOSE_MIN_SIZE.get(spec.purpose)
        if purpose_min is not None and net.prefixlen > purpose_min:
            findings.append(
                Finding(
                    ("subnets", index, field),
                    f"subnet {spec.name!r} for {spec.purpose} must be /{purpose_min} or larger, got /{net.prefixlen}",
                    PURPOSE_HINT[spec.purpose],
                    "subnet-too-small",
                )
            )
    return findings


def check_space(space: Sequence[str]) -> list[Finding]:
    """Blocks of one address space must not overlap each other."""
    networks = [ipaddress.IPv4Network(c) for c in space]
    findings = []
    for i, a in enumerate(networks):
        for b in networks[:i]:
            if a.overlaps(b):
                findings.append(
                    Finding(("address_space", i), f"{a} overlaps {b} in the same address space", code="space-overlap")
                )
    return findings


def check_vnet_overlaps(vnets: Sequence[tuple[str, Path, Sequence[str]]]) -> list[Finding]:
    """Address spaces of different VNets (hub and spokes, which are peered) must not overlap.

    ``vnets`` holds (label, path of the address_space key, CIDRs); a finding points at the
    later VNet's overlapping block.
    """
    findings: list[Finding] = []
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for label, path, space in vnets:
        mine = [ipaddress.IPv4Network(c) for c in space]
        for index, net in enumerate(mine):
            for other_label, other in seen:
                if net.overlaps(other):
                    findings.append(
                        Finding(
                            (*path, index),
                            f"address space {net} of {label!r} overlaps {other} of {other_label!r}",
                            "peered VNets need disjoint address spaces; pick another block",
                            "vnet-overlap",
                        )
                    )
        seen.extend((label, n) for n in mine)
    return findings
