"""Compile a validated ``Plan`` into the resource ``Graph`` lzengine converges.

Who uses it: the engine (before observing anything) and ``lzengine graph``. Everything here is
pure and deterministic: the same plan and subscription give the same ids, names, bodies and
edges. Names follow the Cloud Adoption Framework abbreviations (``rg-``, ``vnet-``, ``afw-`` ...)
and come from ``lzengine.plan.naming``; addresses from ``lzengine.plan.addresses``.

The compiler is an ordered list of small steps (``STEPS``), each adding the nodes of one part of
the plan through ``Context.add``, which turns every runtime reference into a dependency.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import replace

from lzengine.compile import (
    ai_gateway,
    central_gateway,
    data_services,
    existing_hub,
    foundry,
    governance,
    hub,
    network,
    platform,
    raw,
    workload,
)
from lzengine.compile.context import MANAGED_BY_TAG, ZONE_TAG, Context
from lzengine.compile.live import AddressesDoNotFit, LiveAddresses, LiveVnet
from lzengine.graph import Graph
from lzengine.plan.models import Plan


def built_hub(step: Callable[[Context], None]) -> Callable[[Context], None]:
    """``step`` for a hub lzengine builds; nothing with an existing hub (``hub.existing``), whose
    resources are the read-only nodes of ``existing_hub.hub_resources``."""

    def run(ctx: Context) -> None:
        if ctx.existing is None:
            step(ctx)

    run.__name__ = run.__qualname__ = step.__name__
    return run


#: The compiler's steps, in order. Each adds the nodes of one part of the plan.
STEPS: tuple[Callable[[Context], None], ...] = (
    network.resource_groups,
    existing_hub.hub_resources,
    hub.log_analytics,
    built_hub(network.hub_network),
    network.route_tables,
    hub.firewall,
    hub.bastion,
    built_hub(platform.jump_box),
    network.spoke_networks,
    built_hub(hub.private_dns),
    existing_hub.dns_links,
    data_services.key_vaults,
    data_services.storage_accounts,
    workload.ai_accounts,
    workload.search_services,
    workload.monitoring,
    workload.app_services,
    workload.app_gateways,
    central_gateway.central_gateway,
    foundry.projects,
    ai_gateway.gateways,
    raw.raw_resources,
    governance.diagnostics,
    governance.policy_definitions,
    governance.policies,
    governance.roles,
    governance.policies_before_resources,
)


def compile_plan(plan: Plan, subscription: str, live: LiveAddresses | None = None) -> Graph:
    """Plan → Graph. Raises graph.CycleError if the declared dependencies form a cycle.

    ``live``: the address layout of VNets that exist (``lzengine.live_addresses``), so that
    automatically placed subnets keep their prefixes; raises ``AddressesDoNotFit`` when a new
    subnet has no room left beside them."""
    context = Context(plan, subscription, live)
    for step in STEPS:
        step(context)
    _apply_ignore_changes(plan, context.graph)
    context.graph.order()  # validates: no cycles
    return context.graph


def _apply_ignore_changes(plan: Plan, graph: Graph) -> None:
    """Attach the plan's ignore_changes paths to every node whose address matches."""
    for address, node in list(graph.nodes.items()):
        paths = [p for rule in plan.ignore_changes if fnmatch.fnmatchcase(address, rule.address) for p in rule.paths]
        if paths:
            graph.nodes[address] = replace(node, ignore_paths=(*node.ignore_paths, *paths))


__all__ = ["MANAGED_BY_TAG", "STEPS", "ZONE_TAG", "AddressesDoNotFit", "LiveAddresses", "LiveVnet", "compile_plan"]
