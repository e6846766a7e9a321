"""Engine lifecycle behaviours, one test each, asserting on the emulator's end state."""

from __future__ import annotations

from dataclasses import replace

from lzengine.diff import Action
from lzengine.report import Status
from tests.conftest import PLANS

HUB = """\
name: contoso-ai
location: swedencentral
hub:
  address_space: 10.100.0.0/16
  subnets:
    - {name: AzureFirewallSubnet, prefix: 10.100.0.0/26}
    - {name: AzureBastionSubnet, prefix: 10.100.0.64/26}
    - {name: snet-a, size: 24}
    - {name: snet-b, size: 24}
"""


def statuses(report) -> dict[str, tuple[str, str]]:
    return {o.address: (o.action.label, o.status.value) for o in report.outcomes}


def test_apply_twice_is_all_noop_with_zero_writes(harness, emulator) -> None:
    graph = harness.graph(HUB)
    assert harness.engine().apply(graph).exit_code == 0
    emulator.reset_stats()
    report = harness.engine().apply(graph)
    assert {o.action for o in report.outcomes} == {Action.NOOP}
    assert emulator.stats()["writes"] == 0


def test_plan_writes_nothing(harness, emulator) -> None:
    graph = harness.graph(HUB)
    changeset = harness.engine().plan(graph)
    assert [c.action for c in changeset.changes.values()] == [Action.CREATE] * len(graph)
    assert emulator.stats()["writes"] == 0 and emulator.resources() == {}


def test_injected_conflicts_are_absorbed_in_virtual_time(harness, emulator) -> None:
    harness.faults(rate=0.5, kinds=["conflict"], methods=["PUT"], types=["Microsoft.Network/*"], seed=3)
    report = harness.engine(parallelism=1).apply(harness.graph(HUB))
    assert report.exit_code == 0, [o.error for o in report.outcomes]
    retried = [o for o in report.outcomes if o.attempts > 1]
    assert retried, "the seeded faults should have forced at least one retry"
    assert harness.clock.sleeps and all(s > 0 for s in harness.clock.sleeps)
    state = emulator.resources()
    assert sum(1 for key in state if key.endswith(("/subnets/snet-a", "/subnets/snet-b"))) == 2
    assert sum(1 for key in state if "/subnets/" in key) == 4


def test_a_resource_group_still_being_deleted_is_waited_for(harness, emulator) -> None:
    # the emulator's busy answer for a resource group is ResourceGroupBeingDeleted (a destroy just
    # before, or another run): the create waits for the deletion instead of failing the landing zone
    harness.faults(rate=0.6, kinds=["conflict"], methods=["PUT"], seed=1)
    graph = harness.graph(HUB)
    report = harness.engine(parallelism=1).apply(graph)
    assert report.exit_code == 0, [o.error for o in report.outcomes]
    groups = [o for o in report.outcomes if o.address.endswith("resource_group")]
    assert groups and any(o.attempts > 1 for o in groups), "the seeded faults should have refused a group once"
    state = emulator.resources()
    assert all(node.arm_id.lower() in state for node in graph)


def test_transient_server_errors_and_dropped_connections_are_retried(harness, emulator) -> None:
    harness.faults(rate=0.25, kinds=["500", "503", "429", "reset"], seed=11)
    graph = harness.graph(HUB)
    report = harness.engine(parallelism=2).apply(graph)
    assert report.exit_code == 0, [o.error for o in report.outcomes]
    state = emulator.resources()
    assert all(node.arm_id.lower() in state for node in graph)


def test_failure_skips_only_dependents(harness, emulator) -> None:
    graph = harness.graph(HUB)
    # Break one subnet behind the plan validator's back: a prefix Azure refuses.
    bad = graph.nodes["hub.subnet.snet-b"]
    graph.nodes["hub.subnet.snet-b"] = replace(bad, body={"properties": {"addressPrefix": "10.100.9.0/33"}})
    report = harness.engine().apply(graph)
    assert report.exit_code == 1
    result = statuses(report)
    assert result["hub.subnet.snet-b"] == ("create", "failed")
    assert all(status == "succeeded" for address, (_, status) in result.items() if address != "hub.subnet.snet-b")
    failed = next(o for o in report.outcomes if o.status is Status.FAILED)
    assert failed.attempts == 1 and failed.error_code  # fatal: not retried, code named


def test_failed_parent_skips_its_children_once(harness, emulator) -> None:
    graph = harness.graph(HUB)
    vnet = graph.nodes["hub.vnet"]
    graph.nodes["hub.vnet"] = replace(vnet, body={**vnet.body, "location": "nowhere-region"})
    report = harness.engine().apply(graph)
    result = statuses(report)
    assert result["hub.vnet"] == ("create", "failed")
    assert result["hub.resource_group"] == ("create", "succeeded")
    skipped = [o for o in report.outcomes if o.status is Status.SKIPPED]
    assert {o.address for o in skipped} == {a for a in graph.nodes if a.startswith("hub.subnet.")}
    assert all("hub.vnet" in o.error for o in skipped)
    assert report.summary()["failed"] == 1  # the root cause is counted once


def test_destroy_deletes_dependents_first_and_leaves_nothing(harness, emulator) -> None:
    graph = harness.graph(HUB)
    assert harness.engine().apply(graph).exit_code == 0
    report = harness.engine().destroy(graph)
    assert report.exit_code == 0
    assert report.summary()["delete"] == len(graph)
    assert emulator.resources() == {}
    again = harness.engine().destroy(graph)
    assert again.summary()["delete"] == 0 and again.summary()["noop"] == len(graph)


def test_team_option_reads_but_never_writes_other_teams_resources(harness, emulator) -> None:
    graph = harness.graph(HUB)  # everything in the hub belongs to the platform team
    report = harness.engine(team="app-team").apply(graph)
    assert report.exit_code == 0
    assert {o.status for o in report.outcomes} == {Status.NOT_APPLIED}
    assert emulator.resources() == {}
    assert report.summary()["not_applied"] == len(graph)


def test_team_option_on_a_converged_zone_reports_nothing_to_do(harness, emulator) -> None:
    # the whole zone: its route tables carry references (the firewall's IP) that are re-checked
    graph = harness.graph((PLANS / "ai-landing-zone.yaml").read_text(encoding="utf-8"))
    assert harness.engine().apply(graph).exit_code == 0
    report = harness.engine(team="chat-team").apply(graph)
    assert {o.status for o in report.outcomes} == {Status.OK}
    assert report.summary()["not_applied"] == 0 and report.summary()["noop"] == len(graph)



JUMP_BOX_AND_STORAGE = """\
name: contoso-ai
location: swedencentral
teams:
  data-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
  jump_box: {}
spokes:
  - name: data
    owner: data-team
    address_space: 10.101.0.0/22
    storage: {}
"""


def test_operations_that_end_failed_are_written_again_until_they_converge(harness, emulator) -> None:
    # operations of the VM and the storage account end Failed after ARM accepted the PUT: the
    # storage account's Location poll answers the failure (a resumed poll would read it again, so
    # the retry re-PUTs), and the VM exists by then, so its retry must leave out the admin password
    # Azure refuses to change (PropertyChangeNotAllowed)
    harness.faults(rate=0.6, kinds=["lro-failed"], methods=["PUT"], seed=1,
                   types=["Microsoft.Compute/virtualMachines", "Microsoft.Storage/storageAccounts"])
    graph = harness.graph(JUMP_BOX_AND_STORAGE)
    report = harness.engine(parallelism=1).apply(graph)
    assert report.exit_code == 0, [o.error for o in report.outcomes if o.error]
    retried = {o.address for o in report.outcomes if o.attempts > 1}
    assert {"hub.jump_box", "spokes.data.storage"} <= retried, retried
    state = emulator.resources()
    assert all(node.arm_id.lower() in state for node in graph)
