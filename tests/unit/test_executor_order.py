"""The executor starts the ready resource with the longest expected path to the end first."""

from __future__ import annotations

from dataclasses import replace

from lzengine.diff import Action, Change
from lzengine.executor import ChangeSet, Executor
from lzengine.graph import Graph, Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.report import NilReporter
from lzengine.retry import RetryPolicy


class RecordingAdapter:
    """In-memory adapter: records the order of writes."""

    subscription_id = "s"

    def __init__(self) -> None:
        self.writes: list[str] = []

    def read(self, kind, arm_id):
        return None

    def write(self, kind, arm_id, body, progress=None, options=None):
        self.writes.append(arm_id)
        return dict(body)

    def delete(self, kind, arm_id):
        self.writes.append(f"delete {arm_id}")


def test_long_chains_start_first_when_workers_are_scarce() -> None:
    rg = KINDS_BY_NAME["resource_group"]
    slow = replace(rg, expected_s=600)
    graph = Graph()
    graph.add(Node("quick-1", rg, "quick-1", {}))
    graph.add(Node("quick-2", rg, "quick-2", {}))
    graph.add(Node("gateway", slow, "gateway", {}))
    graph.add(Node("after-gateway", rg, "after-gateway", {}, frozenset({"gateway"})))
    changes = {a: Change(Action.CREATE, a, a, "t") for a in graph.nodes}
    adapter = RecordingAdapter()
    executor = Executor(adapter, RetryPolicy(sleep=lambda s: None), parallelism=1, reporter=NilReporter())
    outcomes = executor.run(graph, ChangeSet(changes=changes, observed=dict.fromkeys(graph.nodes)))
    assert adapter.writes[0] == "gateway"
    assert [o.address for o in outcomes] == list(graph.nodes)


def test_destroy_of_absent_resources_never_resolves_their_references() -> None:
    from lzengine.refs import Ref
    from lzengine.report import Status

    rg = KINDS_BY_NAME["resource_group"]
    graph = Graph()
    graph.add(Node("identity", rg, "identity", {}))
    graph.add(Node("role", rg, "role", {"properties": {"principalId": Ref("identity", "identity.principalId")}},
                   frozenset({"identity"})))
    changes = {a: Change(Action.NOOP, a, a, "t", reason="already absent") for a in graph.nodes}
    adapter = RecordingAdapter()
    executor = Executor(adapter, RetryPolicy(sleep=lambda s: None), parallelism=2, reporter=NilReporter())
    outcomes = executor.run(graph, ChangeSet(changes=changes, observed=dict.fromkeys(graph.nodes)), reverse=True)
    assert {o.status for o in outcomes} == {Status.OK} and adapter.writes == []
