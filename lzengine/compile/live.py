"""What the compiler may know of Azure: the address layout of the VNets that already exist.

Who uses it: ``lzengine.compile.context.Context`` takes a ``LiveAddresses`` so that automatic
subnet placement keeps every subnet that exists where it is (its live prefix is a pin) and puts
new subnets into free space; ``lzengine.live_addresses`` reads it from Azure. Without it (``validate``,
``graph``, a first apply) the compiler carves from the plan alone, which gives the same prefixes
as long as nothing exists yet. Pure data: nothing here calls Azure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lzengine.errors import LzengineError


@dataclass(frozen=True)
class LiveVnet:
    """One existing VNet: its address space and its subnets' prefixes, by subnet name."""

    address_space: tuple[str, ...] = ()
    subnets: Mapping[str, str] = field(default_factory=dict)


#: Live VNets by lower-case ARM id.
LiveAddresses = Mapping[str, LiveVnet]


class AddressesDoNotFit(LzengineError):
    """A new subnet has no free block left once every existing subnet keeps its prefix."""
