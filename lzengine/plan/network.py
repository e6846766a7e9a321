"""Address arithmetic for plans: carve subnets out of a VNet and check the layout.

Who uses it: the loader (to report overlaps, containment and minimum sizes before any call to
Azure) and the compiler (to know each subnet's prefix). Findings come back as ``Finding`` with a
path into the plan (e.g. ``("hub", "subnets", 2, "prefix")``); the loader turns the path into
file:line:column.
"""

from __future__ import annotations

import bisect
import contextlib
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
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
    taken = Taken(ipaddress.IPv4Network(s.prefix) for s in specs if s.prefix)
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
        taken.add(pinned)
        result[spec.name] = str(pinned)
    for prefix in occupied:
        with contextlib.suppress(ValueError):
            taken.add(ipaddress.IPv4Network(prefix))
    for index, spec in sorted(to_place, key=lambda item: (item[1].size, item[0])):
        placed = next((p for net in networks if spec.size >= net.prefixlen
                       for p in [taken.first_free(net, spec.size)] if p is not None), None)
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
        taken.add(placed)
        result[spec.name] = str(placed)
    return result, findings


class Taken:
    """The blocks taken so far in a VNet, as disjoint ``[low, high]`` integer ranges in address
    order (overlapping or touching blocks merged), searched with bisection.

    Who uses it: ``carve``. Placing a subnet costs a bisection and a jump per range in its way
    (placed subnets merge into few ranges), not a sort of everything taken: carving 1,000
    subnets stays linear-ish instead of quadratic.
    """

    def __init__(self, blocks: Iterable[ipaddress.IPv4Network] = ()) -> None:
        self.lows: list[int] = []
        self.highs: list[int] = []
        for block in blocks:
            self.add(block)

    def add(self, block: ipaddress.IPv4Network) -> None:
        low, high = int(block.network_address), int(block.broadcast_address)
        first = bisect.bisect_left(self.highs, low - 1)  # first range that ends at or after low - 1
        end = bisect.bisect_right(self.lows, high + 1)  # ranges [first, end) touch or overlap the block
        if first < end:
            low, high = min(low, self.lows[first]), max(high, self.highs[end - 1])
        self.lows[first:end] = [low]
        self.highs[first:end] = [high]

    def overlaps(self, block: ipaddress.IPv4Network) -> bool:
        low, high = int(block.network_address), int(block.broadcast_address)
        index = bisect.bisect_left(self.highs, low)
        return index < len(self.lows) and self.lows[index] <= high

    def first_free(self, net: ipaddress.IPv4Network, size: int) -> ipaddress.IPv4Network | None:
        """The lowest aligned /``size`` block of ``net`` that overlaps nothing taken."""
        step = 1 << (32 - size)
        candidate, last = int(net.network_address), int(net.broadcast_address)
        while candidate + step - 1 <= last:
            index = bisect.bisect_left(self.highs, candidate)  # the first range not wholly below it
            if index == len(self.lows) or self.lows[index] > candidate + step - 1:
                return ipaddress.IPv4Network((candidate, size))
            candidate = (self.highs[index] // step + 1) * step  # the first aligned block after it
        return None


def _usable_pin(
    prefix: str | None, size: int, networks: Sequence[ipaddress.IPv4Network], taken: Taken
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
    if taken.overlaps(net):
        return None
    return net


def overlapping_earlier(blocks: Sequence[ipaddress.IPv4Network]) -> list[list[int]]:
    """For each block, the positions of the blocks before it in ``blocks`` that overlap it.

    Sort-based, O(n log n + overlaps) instead of comparing every pair: two CIDR blocks overlap
    only when one contains the other, so in address order (larger first on a tie) the blocks
    that contain the current one form a stack of nested blocks; a block leaves the stack when
    the sweep passes its end. Whoever checks 1,000 subnets pays for the overlaps there are.
    """
    order = sorted(range(len(blocks)), key=lambda i: (int(blocks[i].network_address), blocks[i].prefixlen, i))
    stack: list[int] = []  # positions of nested blocks containing the current one, outermost first
    found: list[list[int]] = [[] for _ in blocks]
    for i in order:
        start = int(blocks[i].network_address)
        while stack and int(blocks[stack[-1]].broadcast_address) < start:
            stack.pop()
        for j in stack:  # each one contains block i: a pair, reported on the later one
            found[max(i, j)].append(min(i, j))
        stack.append(i)
    for positions in found:
        positions.sort()
    return found


def check_subnets(space: Sequence[str], specs: Sequence[SubnetSpec], prefixes: dict[str, str]) -> list[Finding]:
    """Containment, overlap, duplicates and Azure's minimum sizes for special subnets."""
    networks = [ipaddress.IPv4Network(c) for c in space]
    findings: list[Finding] = []
    first: dict[str, int] = {}
    placed: list[tuple[int, ipaddress.IPv4Network]] = []  # (index in specs, prefix), declaration order
    for index, spec in enumerate(specs):
        if first.setdefault(spec.name.lower(), index) == index and spec.name in prefixes:
            placed.append((index, ipaddress.IPv4Network(prefixes[spec.name])))
    earlier = overlapping_earlier([net for _, net in placed])
    overlaps_of = {placed[k][0]: [placed[j] for j in earlier[k]] for k in range(len(placed))}
    for index, spec in enumerate(specs):
        lowered = spec.name.lower()
        if first[lowered] != index:
            findings.append(
                Finding(
                    ("subnets", index, "name"),
                    f"subnet {spec.name!r} is declared twice (first at subnets[{first[lowered]}])",
                    "subnet names are unique per VNet, ignoring case",
                    "duplicate",
                )
            )
            continue
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
        for other_index, other in overlaps_of[index]:
            findings.append(
                Finding(
                    ("subnets", index, field),
                    f"subnet {spec.name!r} ({net}) overlaps subnet {specs[other_index].name!r} ({other})",
                    "subnets of one VNet must not overlap",
                    "subnet-overlap",
                )
            )
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
    earlier = overlapping_earlier(networks)
    return [Finding(("address_space", i), f"{a} overlaps {networks[j]} in the same address space", code="space-overlap")
            for i, a in enumerate(networks) for j in earlier[i]]


def check_vnet_overlaps(vnets: Sequence[tuple[str, Path, Sequence[str]]]) -> list[Finding]:
    """Address spaces of different VNets (hub and spokes, which are peered) must not overlap.

    ``vnets`` holds (label, path of the address_space key, CIDRs); a finding points at the
    later VNet's overlapping block.
    """
    blocks: list[tuple[int, str, Path, int, ipaddress.IPv4Network]] = [
        (vnet, label, path, index, ipaddress.IPv4Network(c))
        for vnet, (label, path, space) in enumerate(vnets) for index, c in enumerate(space)]
    earlier = overlapping_earlier([b[4] for b in blocks])
    findings: list[Finding] = []
    for k, (vnet, label, path, index, net) in enumerate(blocks):
        for j in earlier[k]:
            other_vnet, other_label, _, _, other = blocks[j]
            if other_vnet == vnet:
                continue  # blocks of one address space: check_space reports those
            findings.append(
                Finding(
                    (*path, index),
                    f"address space {net} of {label!r} overlaps {other} of {other_label!r}",
                    "peered VNets need disjoint address spaces; pick another block",
                    "vnet-overlap",
                )
            )
    return findings
