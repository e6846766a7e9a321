"""The engine: observe → diff → converge → report, for a compiled resource graph.

Who uses it: the CLI (``plan``, ``apply``) and library callers. ``plan`` and drift checks are the
same path as ``apply`` with execution off: both observe every node and build a ``ChangeSet``
through ``lzengine.diff``; only ``apply`` hands it to the executor. The engine never imports an
Azure SDK or the emulator: it talks to whatever ``Adapter`` it is given.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from lzengine import address_guard, ids, model_preflight, preflight, refs
from lzengine.adapters.base import Adapter
from lzengine.compile import MANAGED_BY_TAG, ZONE_TAG
from lzengine.diff import Action, Change, decide, secret_paths
from lzengine.executor import ChangeSet, Executor
from lzengine.graph import Graph, Node
from lzengine.kinds import generic_kind, kind_for_type
from lzengine.report import NilReporter, Outcome, Reporter, RunReport, refused_run
from lzengine.retry import Attempts, RetryPolicy, run_with_retries

#: how long registering the resource providers of a change set may take
REGISTRATION_DEADLINE_S = 15 * 60


@dataclass
class EngineOptions:
    parallelism: int = 8
    #: converge only what this team owns; other teams' resources are read, never written
    team: str | None = None
    #: purge soft-deleted resources (Cognitive Services accounts) after deleting them
    purge: bool = False
    #: evaluate Azure Policy assignments against every pending write before any write
    policy_preflight: bool = True
    #: refuse the whole apply before any write on live-address, quota and model problems
    run_preflight: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Callable[[], float] = time.monotonic
    #: when set, operations in flight finish and no new one starts (reconcile on SIGTERM)
    stop: threading.Event | None = None


class Engine:
    """Converges a Graph through an Adapter."""

    def __init__(self, adapter: Adapter, options: EngineOptions | None = None, reporter: Reporter | None = None):
        self.adapter = adapter
        self.options = options or EngineOptions()
        self.reporter = reporter or NilReporter()

    def observe(self, graph: Graph) -> dict[str, dict[str, Any] | None]:
        """Read every node's live body (None when absent), in parallel."""

        def read(node: Node) -> dict[str, Any] | None:
            return run_with_retries(
                lambda: self.adapter.read(node.kind, node.arm_id),
                self.options.retry,
                deadline_s=node.kind.deadline_s,
                attempts=Attempts(),
            )

        nodes = list(graph)
        with ThreadPoolExecutor(max_workers=max(1, self.options.parallelism), thread_name_prefix="lz-read") as pool:
            bodies = list(pool.map(read, nodes))
        return {node.address: body for node, body in zip(nodes, bodies, strict=True)}

    def plan(self, graph: Graph) -> ChangeSet:
        """Observe and decide, without writing anything."""
        observed = self.observe(graph)
        changes = {}
        desired: dict[str, Any] = {}
        for address in graph.order():
            node = graph.nodes[address]
            body = refs.resolve(node.body, observed)
            desired[address] = body
            change = decide(address, node.arm_id, node.kind, body, observed[address], owner=node.owner,
                            ignore_paths=node.ignore_paths)
            secret = secret_paths(node.body)
            if secret:
                change = replace(change, secret_paths=secret)
            if change.action is not Action.NOOP and self.options.team not in (None, node.owner):
                change = replace(change, blocked=_foreign_team(node.owner))
            changes[address] = change
        if self.options.policy_preflight and any(c.action is not Action.NOOP for c in changes.values()):
            found = self._with_retries(
                lambda: preflight.denials(graph, changes, desired, self.adapter, self.adapter.subscription_id)
            )
            for address, failure in found.items():
                changes[address] = replace(changes[address], failure=failure)
        if self.options.run_preflight and any(c.action is not Action.NOOP and c.allowed for c in changes.values()):
            # refusals that stop the whole apply: live addresses, quota and the model catalogue
            refused = address_guard.refusals(changes, observed, desired)
            refused |= self._with_retries(
                lambda: model_preflight.refusals(graph, changes, desired, observed, self.adapter)
            )
            for address, failure in refused.items():
                changes[address] = replace(changes[address], failure=failure, stops_run=True)
        return ChangeSet(changes=changes, observed=observed, desired=desired)

    def plan_destroy(self, graph: Graph) -> ChangeSet:
        """Observe every node and decide to delete what exists (nothing is written)."""
        observed = self.observe(graph)
        changes = {}
        for address in graph.order(reverse=True):
            node = graph.nodes[address]
            absent = observed[address] is None
            purge_only = absent and self.options.purge and node.kind.purge is not None
            action = Action.DELETE if not absent or purge_only else Action.NOOP
            reason = "purge a soft-deleted copy" if purge_only else "destroy" if not absent else "already absent"
            changes[address] = Change(action, address, node.arm_id, node.kind.arm_type, reason=reason,
                                      owner=node.owner,
                                      blocked="" if action is Action.NOOP or self.options.team in (None, node.owner)
                                      else _foreign_team(node.owner))
        return ChangeSet(changes=changes, observed=observed)

    def destroy(self, graph: Graph, changeset: ChangeSet | None = None) -> RunReport:
        """Delete every node that exists, dependents first."""
        started = self.options.clock()
        changeset = changeset or self.plan_destroy(graph)
        outcomes = self._executor().run(graph, changeset, reverse=True)
        return RunReport(outcomes=outcomes, duration_s=self.options.clock() - started)

    def plan_prune(self, graph: Graph, zone: str) -> tuple[Graph, ChangeSet]:
        """Resources tagged as managed by landing zone ``zone`` that ``graph`` no longer declares,
        as a graph of deletions (children before what contains them). Nothing else is touched:
        a resource group that still holds resources of anyone else is reported, not deleted."""
        declared = {node.arm_id.lower() for node in graph}
        listing = self._with_retries(lambda: self.adapter.list_resources((ZONE_TAG, zone)))
        orphans = [
            item for item in listing
            if (item.get("tags") or {}).get(MANAGED_BY_TAG) == "lzengine"
            and (item.get("tags") or {}).get(ZONE_TAG) == zone
            and str(item["id"]).lower() not in declared
        ]
        orphan_ids = {str(o["id"]).lower(): str(o["id"]) for o in orphans}
        prune_graph = Graph()
        changes: dict[str, Change] = {}
        for lowered, arm_id in sorted(orphan_ids.items()):
            arm_type = next(str(o["type"]) for o in orphans if str(o["id"]) == arm_id)
            kind = kind_for_type(arm_type) or generic_kind(arm_type, self.adapter.latest_api_version(arm_type))
            containers = frozenset(f"prune:{orphan_ids[o]}" for o in orphan_ids if lowered.startswith(o + "/"))
            address = f"prune:{arm_id}"
            prune_graph.add(Node(address, kind, arm_id, {}, containers))
            foreign = []
            if arm_type.lower() == "microsoft.resources/resourcegroups":
                contents = self._with_retries(partial(self.adapter.list_resource_group, ids.parse_name(arm_id)))
                foreign = [str(i["id"]) for i in contents if str(i["id"]).lower() not in orphan_ids]
            change = Change(Action.DELETE, address, arm_id, kind.arm_type, reason="no longer in the plan")
            if foreign:
                reason = f"not deleted: it holds {len(foreign)} resource(s) this landing zone does not manage, " \
                         f"e.g. {foreign[0]}"
                change = replace(change, blocked=reason)
            changes[address] = change
        return prune_graph, ChangeSet(changes=changes, observed={a: {} for a in changes})

    def _with_retries(self, operation: Callable[[], Any]) -> Any:
        """Reads that are not about one node (lists, the policy preflight), retried like any other."""
        return run_with_retries(operation, self.options.retry, deadline_s=600, attempts=Attempts())

    def prune(self, prune_graph: Graph, changeset: ChangeSet) -> list[Outcome]:
        """Delete what ``plan_prune`` found, dependents first; returns the outcomes."""
        return self._executor().run(prune_graph, changeset, reverse=True)

    def _executor(self) -> Executor:
        return Executor(
            self.adapter, self.options.retry,
            parallelism=self.options.parallelism, reporter=self.reporter, clock=self.options.clock,
            purge=self.options.purge, stop=self.options.stop,
        )

    def apply(self, graph: Graph, changeset: ChangeSet | None = None) -> RunReport:
        """Converge every node; ``changeset`` from an earlier ``plan`` avoids reading twice."""
        started = self.options.clock()
        changeset = changeset or self.plan(graph)
        if any(c.stops_run and c.failure and c.allowed for c in changeset.pending()):
            return RunReport(outcomes=refused_run(changeset), duration_s=self.options.clock() - started, refused=True)
        namespaces = {c.arm_type.split("/")[0] for c in changeset.pending() if c.allowed}
        namespaces.discard("Microsoft.Resources")
        if namespaces:
            run_with_retries(lambda: self.adapter.register_providers(namespaces), self.options.retry,
                             deadline_s=REGISTRATION_DEADLINE_S, attempts=Attempts())
        outcomes = self._executor().run(graph, changeset)
        return RunReport(outcomes=outcomes, duration_s=self.options.clock() - started)


def _foreign_team(owner: str) -> str:
    return f"owned by team {owner!r}; not applied under --team"
