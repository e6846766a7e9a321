"""Read the address layout of the plan's VNets from Azure, and compile the plan against it.

Who uses it: the CLI (``plan``, ``apply``) and library callers, before the engine observes
anything. Automatic subnet placement must never move a subnet that exists (Azure refuses to
change the prefix of a subnet holding IP configurations, and where it is allowed the addresses
of what runs in it would silently stop matching), so the live prefixes become pins of the
compiler (``lzengine.compile.live``). The plan is compiled once offline to learn which VNets it
declares, those VNets are read (one GET each; Azure returns a VNet's subnets inline), and the
plan is compiled again with their layout. A VNet that does not exist yet contributes nothing,
so a first apply places subnets exactly as ``validate`` and ``graph`` show them.
"""

from __future__ import annotations

from typing import Any

from lzengine.adapters.base import Adapter
from lzengine.compile import LiveVnet, compile_plan
from lzengine.errors import ProviderError
from lzengine.graph import Graph
from lzengine.plan.models import Plan
from lzengine.retry import Attempts, RetryPolicy, run_with_retries

VNET_TYPE = "microsoft.network/virtualnetworks"


def live_vnet(body: dict[str, Any]) -> LiveVnet:
    """The address layout of a VNet's GET body."""
    properties = body.get("properties") or {}
    space = tuple((properties.get("addressSpace") or {}).get("addressPrefixes") or ())
    subnets: dict[str, str] = {}
    for subnet in properties.get("subnets") or []:
        sp = subnet.get("properties") or {}
        prefix = sp.get("addressPrefix") or next(iter(sp.get("addressPrefixes") or []), None)
        if subnet.get("name") and prefix:
            subnets[str(subnet["name"])] = str(prefix)
    return LiveVnet(space, subnets)


def read_live_addresses(graph: Graph, adapter: Adapter, retry: RetryPolicy | None = None) -> dict[str, LiveVnet]:
    """Layout of every VNet of ``graph`` that exists, by lower-case id."""
    policy = retry or RetryPolicy()
    found: dict[str, LiveVnet] = {}
    for node in graph:
        if node.kind.arm_type.lower() != VNET_TYPE:
            continue
        try:
            body = run_with_retries(lambda n=node: adapter.read(n.kind, n.arm_id), policy,
                                    deadline_s=node.kind.deadline_s, attempts=Attempts())
        except ProviderError as error:
            if error.status != 403:
                raise
            continue  # not readable with this identity (another team's VNet): nothing to pin there
        if body is not None:
            found[node.arm_id.lower()] = live_vnet(body)
    return found


def compile_against_live(plan: Plan, subscription: str, adapter: Adapter, retry: RetryPolicy | None = None) -> Graph:
    """The plan's graph with every existing subnet kept at its live prefix. Raises
    ``lzengine.compile.AddressesDoNotFit`` when a new subnet finds no room beside them."""
    offline = compile_plan(plan, subscription)
    live = read_live_addresses(offline, adapter, retry)
    return compile_plan(plan, subscription, live) if live else offline
