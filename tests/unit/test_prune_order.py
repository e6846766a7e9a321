"""Pure units of prune: which undeclared resources are orphans, the order they are deleted in, and
the ownership records lzengine believes."""

from __future__ import annotations

from lzengine.compile import compile_plan
from lzengine.control_zone import ControlZone, hub_resource_group_body
from lzengine.ownership import Ownership, needs_record, record_body, record_name
from lzengine.plan import load_plan
from lzengine.prune import find_orphans, order_edges, references
from tests.conftest import PLANS

RG = "/subscriptions/s/resourceGroups/rg-spoke"
NET = f"{RG}/providers/Microsoft.Network"
VNET = f"{NET}/virtualNetworks/vnet"
SUBNET = f"{VNET}/subnets/snet-extra"
NSG = f"{NET}/networkSecurityGroups/nsg-extra"
PEP = f"{NET}/privateEndpoints/pep"
HUB_PEERING = "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/" \
              "virtualNetworkPeerings/to-spoke"


def test_a_recorded_child_of_a_pruned_parent_goes_with_it() -> None:
    orphans = find_orphans(
        declared=[], tagged=[(RG, "Microsoft.Resources/resourceGroups"), (VNET, "Microsoft.Network/virtualNetworks")],
        recorded={SUBNET.lower(): (SUBNET, "Microsoft.Network/virtualNetworks/subnets"),
                  HUB_PEERING.lower(): (HUB_PEERING, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings")})
    assert orphans[SUBNET.lower()].covered_by == VNET.lower()
    assert orphans[HUB_PEERING.lower()].covered_by is None  # its parent, the hub VNet, stays
    assert orphans[VNET.lower()].covered_by is None  # tagged resources in a pruned group are deleted one by one


def test_declared_and_kept_ids_are_never_orphans() -> None:
    orphans = find_orphans(declared=[VNET.upper()], tagged=[(VNET, "t"), (NSG, "t")], recorded={}, keep=[NSG])
    assert orphans == {}


def test_a_subnet_goes_before_its_nsg_and_a_peering_before_the_remote_vnet() -> None:
    orphans = find_orphans(
        declared=[], tagged=[(NSG, "Microsoft.Network/networkSecurityGroups"),
                             (VNET, "Microsoft.Network/virtualNetworks")],
        recorded={HUB_PEERING.lower(): (HUB_PEERING, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings")})
    bodies = {
        VNET.lower(): {"properties": {"subnets": [
            {"id": SUBNET, "properties": {"networkSecurityGroup": {"id": NSG}}}]}},
        NSG.lower(): {"properties": {"subnets": [{"id": SUBNET}]}},  # a back-reference: not followed
        HUB_PEERING.lower(): {"properties": {"remoteVirtualNetwork": {"id": VNET}}},
    }
    before = order_edges(orphans, bodies)
    assert before[NSG.lower()] == {VNET.lower()}  # the VNet (holding the subnet) is deleted first
    assert before[VNET.lower()] == {HUB_PEERING.lower()}
    assert before[HUB_PEERING.lower()] == set()


def test_back_references_are_not_references_and_cycles_are_broken() -> None:
    subnet_body = {"properties": {"networkSecurityGroup": {"id": NSG}, "ipConfigurations": [{"id": PEP + "/nic"}],
                                  "privateEndpoints": [{"id": PEP}]}}
    assert references(subnet_body) == {NSG.lower()}
    firewall = {"properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": SUBNET}}}]}}
    assert references(firewall) == {SUBNET.lower()}  # a firewall's own ip configurations point forward
    a, b = f"{NET}/x/a", f"{NET}/x/b"
    orphans = find_orphans(declared=[], tagged=[(a, "t"), (b, "t")], recorded={})
    before = order_edges(orphans, {a.lower(): {"p": {"id": b}}, b.lower(): {"p": {"id": a}}})
    assert before[b.lower()] == {a.lower()} and before[a.lower()] == set()  # one direction kept, no cycle


def test_only_records_named_after_their_id_and_zone_count() -> None:
    class Listing:
        def __init__(self, records):
            self.records = records

        def list_txt_records(self, resource_group, zone):
            return self.records

    good = {"name": record_name(SUBNET), **record_body(SUBNET, "Microsoft.Network/virtualNetworks/subnets", "lz")}
    renamed = {"name": "own-0000", **record_body(NSG, "t", "lz")}
    other_zone = {"name": record_name(PEP), **record_body(PEP, "t", "another")}
    lock = {"name": "lzengine-lock", "properties": {"metadata": {"holder": "x"}, "txtRecords": [{"value": ["x"]}]}}
    ownership = Ownership(Listing([good, renamed, other_zone, lock]), ControlZone("s", "rg-hub", "lz"))
    assert ownership.recorded() == {SUBNET.lower(): (SUBNET, "Microsoft.Network/virtualNetworks/subnets")}
    assert record_name(SUBNET) == record_name(SUBNET.upper())  # ids compare case-insensitively
    long_id = SUBNET + "/x" * 200
    assert "".join(record_body(long_id, "t", "lz")["properties"]["txtRecords"][0]["value"]) == long_id


def test_what_needs_a_record_and_where_the_control_zone_is() -> None:
    plan = load_plan(PLANS / "ai-landing-zone.yaml")
    graph = compile_plan(plan, "s")
    recorded = {n.kind.arm_type for n in graph if needs_record(n)}
    assert "Microsoft.Network/virtualNetworks/subnets" in recorded
    assert "Microsoft.Network/privateDnsZones/virtualNetworkLinks" in recorded  # tagged, but a child
    assert "Microsoft.Insights/diagnosticSettings" in recorded and "Microsoft.Authorization/roleAssignments" in recorded
    assert "Microsoft.Network/virtualNetworks" not in recorded and "Microsoft.Resources/resourceGroups" not in recorded
    assert ControlZone.of_plan(plan, "s") == ControlZone.of_graph(graph, plan.name, "s")
    assert ControlZone.of_plan(plan, "s").name == "contoso-ai.lzengine.internal"
    assert graph.nodes["hub.resource_group"].body == hub_resource_group_body(plan)
