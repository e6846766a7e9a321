"""List-based observation reads an estate with a few paged lists and decides exactly what one GET
per resource would decide: in sync, drifted, and with resources deleted behind lzengine's back."""

from __future__ import annotations

from lzengine.engine import Engine, EngineOptions
from lzengine.retry import RetryPolicy
from tests.bench.estate import estate_text


class GetsOnly:
    """The same adapter without its list operations: one GET per resource."""

    def __init__(self, adapter) -> None:
        self._adapter = adapter

    def __getattr__(self, name: str):
        if name in ("list_scope", "list_bodies"):
            raise AttributeError(name)
        return getattr(self._adapter, name)


def decisions(engine: Engine, graph) -> dict[str, tuple]:
    changeset = engine.plan(graph)
    return {a: (c.action, tuple((i.path, repr(i.before), repr(i.after)) for i in c.items))
            for a, c in changeset.changes.items()}


def _linked_estate() -> str:
    """The one-spoke estate with its zones linked to the spoke as well as the hub, so one list
    per zone returns several links."""
    return estate_text(1).replace("  bastion: {}\n", "  bastion: {}\n  private_dns: {spoke_links: true}\n")


def test_lists_decide_like_gets_and_read_far_less(harness, emulator) -> None:
    graph = harness.graph(_linked_estate())
    assert harness.engine().apply(graph).exit_code == 0
    retry = RetryPolicy(sleep=harness.clock.sleep, clock=harness.clock)
    by_list = Engine(harness.adapter, EngineOptions(retry=retry, policy_preflight=False))
    by_get = Engine(GetsOnly(harness.adapter), EngineOptions(retry=retry, policy_preflight=False))

    emulator.reset_stats()
    in_sync = decisions(by_list, graph)
    list_reads = emulator.stats()["reads"]
    emulator.reset_stats()
    assert in_sync == decisions(by_get, graph)
    get_reads = emulator.stats()["reads"]
    assert {d[0].name for d in in_sync.values()} == {"NOOP"}
    assert get_reads == len(graph) and list_reads <= 0.6 * get_reads, (list_reads, get_reads)

    # drift: another plan for the same estate (tags, sizes ...), and deletions behind our back
    edited = _linked_estate().replace("environment: bench", "environment: prod").replace(
        "size: 26", "size: 27").replace("capacity: 1}", "capacity: 2}")
    drifted_graph = harness.graph(edited)
    gone = [n for n in graph if n.arm_id.endswith("/subnets/snet-workload") or n.kind.name in (
        "private_dns_zone_link", "cognitive_deployment", "role_assignment", "virtual_network_peering")]
    for kind_name in {n.kind.name for n in gone}:
        node = [n for n in gone if n.kind.name == kind_name][-1]
        harness.adapter.delete(node.kind, node.arm_id)
    drifted = decisions(by_list, drifted_graph)
    assert drifted == decisions(by_get, drifted_graph)
    assert {d[0].name for d in drifted.values()} >= {"NOOP", "UPDATE", "CREATE"}


def test_lists_follow_next_links_across_pages() -> None:
    from lzengine.adapters.azure_sdk import AzureSdkAdapter, Connection, StaticTokenCredential
    from lzengine.compile import compile_plan
    from lzengine.emulator import Emulator
    from lzengine.plan import load_plan_text
    from tests.engine.test_lifecycle import HUB

    with Emulator(time_scale=0.0, throttle="off", page_size=2) as emu:
        adapter = AzureSdkAdapter(Connection(emu.subscription_id, StaticTokenCredential(emu.token), base_url=emu.url,
                                             ca_file=emu.ca_file, polling_interval=0.0))
        try:
            graph = compile_plan(load_plan_text(HUB), emu.subscription_id)
            assert Engine(adapter).apply(graph).exit_code == 0
            nsgs = {n.arm_id.lower() for n in graph if n.kind.name == "network_security_group"}
            assert len(nsgs) > 2  # more than one page
            listed = adapter.list_bodies("microsoft.network/networksecuritygroups|")
            assert {str(i["id"]).lower() for i in listed} == nsgs
            changes = Engine(adapter).plan(graph).changes.values()
            assert {c.action.name for c in changes} == {"NOOP"}
        finally:
            adapter.close()
