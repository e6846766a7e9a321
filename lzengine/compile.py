"""Compile a validated ``Plan`` into the resource ``Graph`` lzengine converges.

Who uses it: the engine (before observing anything) and ``lzengine graph``. Everything here is
pure and deterministic: the same plan and subscription give the same ids, names, bodies and
edges. Names follow the Cloud Adoption Framework abbreviations (``rg-``, ``vnet-``, ...).

The compiler is an ordered list of small steps, each adding the nodes of one part of the plan.
"""

from __future__ import annotations

from collections.abc import Callable

from lzengine import ids
from lzengine.graph import Graph, Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import network
from lzengine.plan.models import Plan

#: Tag keys lzengine writes on every taggable resource it manages.
MANAGED_BY_TAG = "managed-by"
ZONE_TAG = "lzengine-zone"


def compile_plan(plan: Plan, subscription: str) -> Graph:
    """Plan → Graph. Raises graph.CycleError if the declared dependencies form a cycle."""
    graph = Graph()
    context = _Context(plan, subscription, graph)
    for step in STEPS:
        step(context)
    graph.order()  # validates: no cycles
    return graph


class _Context:
    def __init__(self, plan: Plan, subscription: str, graph: Graph):
        self.plan = plan
        self.subscription = subscription
        self.graph = graph

    def tags(self) -> dict[str, str]:
        return {**self.plan.tags, MANAGED_BY_TAG: "lzengine", ZONE_TAG: self.plan.name}

    def hub_resource_group(self) -> str:
        return self.plan.hub.resource_group or f"rg-{self.plan.prefix}-hub"


def _hub_resource_group(ctx: _Context) -> None:
    name = ctx.hub_resource_group()
    ctx.graph.add(
        Node(
            address="hub.resource_group",
            kind=KINDS_BY_NAME["resource_group"],
            arm_id=ids.resource_group_id(ctx.subscription, name),
            body={"location": ctx.plan.location, "tags": ctx.tags()},
        )
    )


def _hub_network(ctx: _Context) -> None:
    hub = ctx.plan.hub
    rg = ctx.hub_resource_group()
    vnet_name = f"vnet-{ctx.plan.prefix}-hub"
    vnet_id = ids.resource_id(ctx.subscription, rg, "Microsoft.Network", ("virtualNetworks", vnet_name))
    ctx.graph.add(
        Node(
            address="hub.vnet",
            kind=KINDS_BY_NAME["virtual_network"],
            arm_id=vnet_id,
            body={
                "location": ctx.plan.location,
                "tags": ctx.tags(),
                "properties": {"addressSpace": {"addressPrefixes": list(hub.address_space)}},
            },
            depends_on=frozenset({"hub.resource_group"}),
        )
    )
    prefixes, _ = network.carve(hub.address_space, hub.subnets)
    for spec in hub.subnets:
        ctx.graph.add(
            Node(
                address=f"hub.subnet.{spec.name}",
                kind=KINDS_BY_NAME["subnet"],
                arm_id=f"{vnet_id}/subnets/{spec.name}",
                body={"properties": {"addressPrefix": prefixes[spec.name]}},
                depends_on=frozenset({"hub.vnet"}),
            )
        )


#: The compiler's steps, in order. Each adds the nodes of one part of the plan.
STEPS: tuple[Callable[[_Context], None], ...] = (_hub_resource_group, _hub_network)
