"""Hub and spokes in their own subscriptions, compiled offline: every resource in its owner's
subscription, what must sit beside a VNet beside it, and the links between them across
subscriptions (peerings both ways, DNS zone links, diagnostics, role assignments)."""

from __future__ import annotations

import textwrap

from lzengine import ids
from lzengine.compile import compile_plan
from lzengine.plan import load_plan, load_plan_text
from lzengine.refs import find
from tests.plan.helpers import REPO, SUBSCRIPTION

RECIPE = REPO / "plans" / "multi-subscription.yaml"
HUB_SUB = "c0ee0000-0000-4000-8000-000000000001"
CHAT_SUB = "1a000000-0000-4000-8000-000000000001"
SEARCH_SUB = "1a000000-0000-4000-8000-000000000002"
OWNER_SUB = {"hub": HUB_SUB, "chat": CHAT_SUB, "search": SEARCH_SUB}


def _home(address: str) -> str:
    """Whose subscription a plan address belongs in: the hub's or a spoke's."""
    parts = address.split(".")
    if parts[0] == "policy_definition":  # a copy per subscription assigning it: policy_definition.<name>.<sub>
        return next(label for label, sub in OWNER_SUB.items() if sub == parts[-1])
    if address.endswith(".peering.from_hub") or address.startswith("hub."):
        return "hub"  # the hub side of a peering; the DNS zones and all their links
    if parts[0] == "spokes":
        return parts[1]
    if parts[0] in ("policy", "role"):  # policy.<name>.<scope>, role.<team>.<scope>.<principal>
        return parts[2]
    raise AssertionError(f"unexpected address {address}")


def test_every_resource_lands_in_its_owners_subscription() -> None:
    graph = compile_plan(load_plan(RECIPE), SUBSCRIPTION)
    seen = set()
    for node in graph:
        home = _home(node.address)
        assert ids.subscription_of(node.arm_id) == OWNER_SUB[home], node.address
        seen.add(home)
    assert seen == {"hub", "chat", "search"}
    assert not [n for n in graph if SUBSCRIPTION in n.arm_id]  # the default is used by nothing here


def test_route_tables_and_nsgs_sit_beside_each_spoke_vnet() -> None:
    graph = compile_plan(load_plan(RECIPE), SUBSCRIPTION)
    firewall_ip = "properties.ipConfigurations.0.properties.privateIPAddress"
    for spoke in ("chat", "search"):
        vnet = ids.parse(graph.nodes[f"spokes.{spoke}.vnet"].arm_id)
        table = graph.nodes[f"spokes.{spoke}.route_table.egress"]
        assert table.owner == "platform"
        where = ids.parse(table.arm_id)
        assert (where.subscription, where.resource_group) == (vnet.subscription, vnet.resource_group)
        (route,) = table.body["properties"]["routes"]
        assert route["properties"]["addressPrefix"] == "0.0.0.0/0"
        hop = route["properties"]["nextHopIpAddress"]
        assert (hop.address, hop.path) == ("hub.firewall", firewall_ip)
        for node in graph:
            if node.kind.name != "subnet" or not node.address.startswith(f"spokes.{spoke}."):
                continue
            props = node.body["properties"]
            for key in ("routeTable", "networkSecurityGroup"):
                if key in props:
                    linked = ids.parse(props[key]["id"])
                    assert (linked.subscription, linked.resource_group) == (vnet.subscription, vnet.resource_group)
    assert not [n for n in graph if n.address.startswith("hub.route_table.")]


def test_links_cross_subscriptions_where_azure_expects_them() -> None:
    graph = compile_plan(load_plan(RECIPE), SUBSCRIPTION)
    hub_vnet = graph.nodes["hub.vnet"].arm_id
    for spoke, sub in (("chat", CHAT_SUB), ("search", SEARCH_SUB)):
        to_hub = graph.nodes[f"spokes.{spoke}.peering.to_hub"]
        from_hub = graph.nodes[f"spokes.{spoke}.peering.from_hub"]
        assert ids.subscription_of(to_hub.arm_id) == sub and to_hub.owner == f"{spoke}-team"
        assert to_hub.body["properties"]["remoteVirtualNetwork"]["id"] == hub_vnet
        assert ids.subscription_of(from_hub.arm_id) == HUB_SUB and from_hub.owner == "platform"
        assert ids.subscription_of(from_hub.body["properties"]["remoteVirtualNetwork"]["id"]) == sub
        link = graph.nodes[f"hub.dns_zone.privatelink.search.windows.net.link.{spoke}"]
        assert ids.subscription_of(link.arm_id) == HUB_SUB
        assert ids.subscription_of(link.body["properties"]["virtualNetwork"]["id"]) == sub
    workspace = graph.nodes["hub.log_analytics"].arm_id
    settings = [n for n in graph if n.kind.name == "diagnostic_setting" and n.address.startswith("spokes.")]
    assert settings
    for node in settings:
        assert node.body["properties"]["workspaceId"] == workspace
        assert ids.subscription_of(node.arm_id) != HUB_SUB
    for node in graph:
        if node.kind.name == "role_assignment":
            definition = node.body["properties"]["roleDefinitionId"]
            assert ids.subscription_of(definition) == ids.subscription_of(node.arm_id), node.address
    zone_group = graph.nodes["spokes.chat.ai.pep.dns"]
    for config in zone_group.body["properties"]["privateDnsZoneConfigs"]:
        assert ids.subscription_of(config["properties"]["privateDnsZoneId"]) == HUB_SUB


def test_every_runtime_reference_is_a_dependency_across_subscriptions() -> None:
    graph = compile_plan(load_plan(RECIPE), SUBSCRIPTION)
    for node in graph:
        for ref in find(node.body):
            assert ref.address in node.depends_on and ref.address in graph.nodes, node.address


PLAN = """\
    name: lz-subs
    location: westeurope
    teams: {app: {principals: []}}
    hub: {address_space: 10.0.0.0/16}
    spokes:
      - {name: one, owner: app, address_space: 10.1.0.0/24, search: {}}
      - {name: two, owner: app, address_space: 10.2.0.0/24, search: {}, subscription: %s}
    """


def test_the_plans_subscriptions_default_first_then_hub_then_spokes() -> None:
    other = "AAAAAAAA-0000-4000-8000-000000000009"
    plan = load_plan_text(textwrap.dedent(PLAN % other))
    assert plan.spoke("two").subscription == other.lower()  # ids are kept in lower case
    assert plan.subscriptions(SUBSCRIPTION) == [SUBSCRIPTION, other.lower()]
    assert plan.hub_subscription(SUBSCRIPTION) == SUBSCRIPTION
    moved = plan.model_copy(update={"hub": plan.hub.model_copy(update={"subscription": HUB_SUB})})
    assert moved.subscriptions(SUBSCRIPTION) == [SUBSCRIPTION, HUB_SUB, other.lower()]


def test_globally_unique_names_hash_the_spokes_own_subscription() -> None:
    other = "aaaaaaaa-0000-4000-8000-000000000009"
    plan = load_plan_text(textwrap.dedent(PLAN % other))
    graph = compile_plan(plan, SUBSCRIPTION)
    same = compile_plan(plan, "bbbbbbbb-0000-4000-8000-000000000001")
    # a spoke in its own subscription keeps its names whichever default subscription runs it
    assert graph.nodes["spokes.two.search"].arm_id.rsplit("/", 1)[1] == \
        same.nodes["spokes.two.search"].arm_id.rsplit("/", 1)[1]
    # one in the default subscription is named as before subscriptions could be set per spoke
    assert graph.nodes["spokes.one.search"].arm_id.rsplit("/", 1)[1] != \
        same.nodes["spokes.one.search"].arm_id.rsplit("/", 1)[1]


def test_raw_resources_follow_their_resource_groups_subscription() -> None:
    other = "aaaaaaaa-0000-4000-8000-000000000009"
    text = textwrap.dedent(PLAN % other) + textwrap.dedent("""\
        resources:
          - {type: Microsoft.Storage/storageAccounts, name: stlzsubstwo, api_version: 2023-05-01,
             resource_group: two, kind: StorageV2, sku: {name: Standard_LRS}}
          - {type: Microsoft.Storage/storageAccounts, name: stlzsubshub, api_version: 2023-05-01,
             kind: StorageV2, sku: {name: Standard_LRS}}
        """)
    graph = compile_plan(load_plan_text(text), SUBSCRIPTION)
    assert ids.subscription_of(graph.nodes["resources.stlzsubstwo"].arm_id) == other
    assert ids.subscription_of(graph.nodes["resources.stlzsubshub"].arm_id) == SUBSCRIPTION


def test_an_existing_hub_in_another_subscription_is_linked_where_it_is() -> None:
    """``hub.existing`` ids may name any subscription: the hub side of the peering and the zone
    links go where the hub's VNet and zones are; the spoke where it says; lzengine's own resource
    group (the control zone) in ``hub.subscription``, else the plan's default."""
    text = (REPO / "plans" / "existing-hub.yaml").read_text(encoding="utf-8")
    platform = "11111111-1111-1111-1111-111111111111"  # the existing hub's, as its ids say
    moved = text.replace("    owner: chat-team\n", f"    owner: chat-team\n    subscription: {CHAT_SUB}\n")
    graph = compile_plan(load_plan_text(moved), SUBSCRIPTION)
    assert ids.subscription_of(graph.nodes["spokes.chat.vnet"].arm_id) == CHAT_SUB
    assert ids.subscription_of(graph.nodes["spokes.chat.route_table.egress"].arm_id) == CHAT_SUB
    assert ids.subscription_of(graph.nodes["spokes.chat.peering.from_hub"].arm_id) == platform
    links = [n for n in graph if n.kind.name == "private_dns_zone_link"]
    assert links and {ids.subscription_of(n.arm_id) for n in links} == {platform}
    assert ids.subscription_of(graph.nodes["hub.resource_group"].arm_id) == SUBSCRIPTION
    pinned = moved.replace("hub:\n", f"hub:\n  subscription: {HUB_SUB}\n", 1)
    graph = compile_plan(load_plan_text(pinned), SUBSCRIPTION)
    assert ids.subscription_of(graph.nodes["hub.resource_group"].arm_id) == HUB_SUB
