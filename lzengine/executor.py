"""Carry out a ``ChangeSet``: a ready queue over the graph, run on a bounded thread pool.

Who uses it: ``lzengine.engine.Engine.apply``. The executor decides nothing about *what* to do
(that was ``lzengine.diff``); it runs each change once its dependencies finished, resolves
runtime references from their fresh outputs, serialises writes per parent where ARM demands it
(the kind's ``serialize_on``; in the scheduler, so a busy key keeps a resource queued and never
blocks a worker), retries through ``lzengine.retry``, and skips only the dependents of a
failed resource while independent branches finish. Outcomes are returned, not raised; the root
cause of a failure is reported once, on the resource that failed.

Which ready work goes first: the longest expected time to the end of the run (``rank``), where
writes ARM takes one at a time (one ``serialize_on`` key) count as a chain, so the head of a
long queue (a hub VNet's hundred peerings) and what feeds it outrank short independent work.
Each operation waits at the adapter's pacer with its rank as priority (``paced_as``).

A reporter with a ``trace(address, event, seconds, detail)`` method also gets the scheduler's
events (``ready``, ``parked`` with the busy key, ``dispatched``, ``running``, ``finished``) on
the executor's clock; the scale benchmark builds its per-resource timeline from them.
"""

from __future__ import annotations

import graphlib
import heapq
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from lzengine import ids, refs
from lzengine.adapters.base import Adapter
from lzengine.adapters.pacing import paced_as
from lzengine.diff import Action, Change, refresh, repairs, writable
from lzengine.errors import ProviderError
from lzengine.graph import Graph, Node
from lzengine.kinds.base import PARENT
from lzengine.report import Outcome, Reporter, Status
from lzengine.retry import Attempts, RetryPolicy, hint_for, run_with_retries

#: ``parallelism=None`` (auto): never fewer workers than this, nor more than ``AUTO_MAX``
AUTO_MIN, AUTO_MAX = 8, 256
#: auto: workers for this many times the average concurrency the work needs (queues are uneven)
AUTO_HEADROOM = 1.5


@dataclass
class ChangeSet:
    """Every decision of one run, in dependency order, with what was observed to make them."""

    changes: dict[str, Change]
    observed: dict[str, dict[str, Any] | None]
    desired: dict[str, Any] = field(default_factory=dict)
    #: what this run could not evaluate or read, for people (a team identity's missing access)
    notes: list[str] = field(default_factory=list)

    def pending(self) -> list[Change]:
        return [c for c in self.changes.values() if c.action is not Action.NOOP]


class Executor:
    def __init__(
        self,
        adapter: Adapter,
        retry: RetryPolicy,
        *,
        parallelism: int | None = 8,
        reporter: Reporter,
        clock: Callable[[], float] = time.monotonic,
        purge: bool = False,
        stop: threading.Event | None = None,
    ):
        self.adapter = adapter
        self.retry = retry
        #: workers, i.e. operations in flight at once; None: sized per run by ``auto_parallelism``
        self.parallelism = None if parallelism is None else max(1, parallelism)
        self.reporter = reporter
        self.clock = clock
        self.purge = purge
        self.stop = stop
        self._written: set[str] = set()  # addresses written in this run
        self._replaced: set[str] = set()  # addresses deleted and created again in this run
        self._locks_guard = threading.Lock()
        self._rank: dict[str, float] = {}
        self._trace: Callable[..., None] | None = getattr(reporter, "trace", None)

    def _event(self, address: str, event: str, detail: str | None = None) -> None:
        if self._trace is not None:
            self._trace(address, event, self.clock(), detail)

    def run(self, graph: Graph, changeset: ChangeSet, *, reverse: bool = False) -> list[Outcome]:
        """Converge every change; return one Outcome per node, in graph order.

        ``reverse`` walks dependents first, as deletes need. Serialisation happens here, in the
        scheduler: a ready resource whose serialisation key (``serialize_on``) is held by a
        running one waits in the queue of that key, and the worker takes the next ready
        resource instead; when the key is released, the best-ranked waiter goes back to the
        ready queue. No worker ever blocks on a busy key.
        """
        sorter = graph.sorter(reverse=reverse)
        prerequisites = graph.prerequisites_map(reverse=reverse)
        rank = _downstream_time(graph, changeset, prerequisites, reverse=reverse)
        self._rank = rank
        workers = self.parallelism or auto_parallelism(graph, changeset, rank)
        outputs: dict[str, dict[str, Any] | None] = dict(changeset.observed)
        outcomes: dict[str, Outcome] = {}
        blocked: dict[str, str] = {}  # address -> address of the failure that blocks it
        running: dict[Future, tuple[str, str | None]] = {}  # -> (address, serialisation key held)
        ready: list[tuple[float, int, str]] = []  # heap: longest expected path to the end first
        busy: set[str] = set()  # serialisation keys held by running resources
        parked: dict[str, list[tuple[float, int, str]]] = {}  # key -> heap of resources waiting for it
        position = {a: i for i, a in enumerate(graph.nodes)}
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lz") as pool:
            while sorter.is_active():
                for address in sorter.get_ready():
                    self._event(address, "ready")
                    heapq.heappush(ready, (-rank[address], position[address], address))
                while ready and len(running) < workers:
                    entry = heapq.heappop(ready)
                    address = entry[2]
                    failed_dep = next((d for d in sorted(prerequisites[address]) if d in blocked), None)
                    if self.stop is not None and self.stop.is_set():
                        outcomes[address] = Outcome.skipped(changeset.changes[address], "not run: stopping")
                        self.reporter.done(outcomes[address])
                        sorter.done(address)
                        continue
                    if failed_dep is not None:
                        root = blocked[failed_dep]
                        blocked[address] = root
                        change = changeset.changes[address]
                        outcomes[address] = Outcome.skipped(change, f"not run: depends on {root}, which failed")
                        self.reporter.done(outcomes[address])
                        sorter.done(address)
                        continue
                    node = graph.nodes[address]
                    key = self._key_for(node, changeset.changes[address], outputs)
                    if key is not None and key in busy:
                        heapq.heappush(parked.setdefault(key, []), entry)
                        self._event(address, "parked", key)
                        continue
                    if key is not None:
                        busy.add(key)
                    self._event(address, "dispatched", key)
                    future = pool.submit(self._converge, node, changeset.changes[address], outputs, reverse)
                    running[future] = (address, key)
                if not running:  # (a parked resource always has a running holder of its key)
                    continue
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in finished:
                    address, key = running.pop(future)
                    if key is not None:
                        busy.discard(key)
                        waiting = parked.get(key)
                        if waiting:
                            heapq.heappush(ready, heapq.heappop(waiting))
                    outcome, body = future.result()
                    self._event(address, "finished", outcome.status.value)
                    outcomes[address] = outcome
                    if outcome.status is Status.FAILED:
                        blocked[address] = address
                    else:
                        outputs[address] = body
                        if outcome.action is not Action.NOOP and outcome.status is Status.OK:
                            with self._locks_guard:
                                self._written.add(address)
                                # created although it existed when the run began: its parent was replaced
                                planned = changeset.changes[address].action
                                recreated = outcome.action is Action.CREATE and planned is not Action.CREATE
                                if outcome.action is Action.REPLACE or recreated:
                                    self._replaced.add(address)
                    self.reporter.done(outcome)
                    sorter.done(address)
        return [outcomes[a] for a in graph.nodes if a in outcomes]

    def _key_for(self, node: Node, change: Change, outputs: dict[str, dict[str, Any] | None]) -> str | None:
        """The serialisation key ``node`` holds while it runs (None: runs beside anything).

        A no-op without references never calls ARM and holds nothing; a body-path key is read
        from the body with its references resolved (all its dependencies have finished)."""
        if node.kind.serialize_on is None:
            return None
        if change.action is Action.NOOP and not refs.find(node.body) and node.kind.repair is None \
                and not self._upstream_in(node, self._replaced):
            return None
        body = node.body if node.kind.serialize_on == PARENT else refs.resolve(node.body, outputs)
        return serialization_key(node, body)

    # -- one node ------------------------------------------------------------------------------
    def _converge(
        self, node: Node, change: Change, outputs: dict[str, dict[str, Any] | None], reverse: bool = False
    ) -> tuple[Outcome, dict[str, Any] | None]:
        """Carry out one change (its requests paced with the node's rank as priority)."""
        self._event(node.address, "running")
        with paced_as(self._rank.get(node.address, 0.0), node.address):
            return self._converge_paced(node, change, outputs, reverse)

    def _converge_paced(
        self, node: Node, change: Change, outputs: dict[str, dict[str, Any] | None], reverse: bool = False
    ) -> tuple[Outcome, dict[str, Any] | None]:
        """In a forward walk a no-op whose body holds references is decided again with its
        dependencies' fresh outputs; a reverse (delete) walk never writes bodies."""
        started = self.clock()
        attempts = Attempts()
        observed = outputs.get(node.address)
        try:
            # What was observed before the run is stale when something upstream was replaced (its
            # children went with it) or, for kinds with a Repair, written (their live state moved).
            recheck = self._upstream_in(node, self._replaced) or (
                node.kind.repair is not None and self._upstream_in(node, self._written)
            )
            if change.action is Action.NOOP and (reverse or not (refs.find(node.body) or recheck)):
                return Outcome.of(change, Status.OK, 0, 0.0), observed
            if recheck and not reverse:
                observed = self._with_retries(node, Attempts(), lambda: self.adapter.read(node.kind, node.arm_id))
            if not change.allowed:
                return replace(Outcome.of(change, Status.NOT_APPLIED, 0, 0.0), error=change.blocked), observed
            if change.failure is not None:
                raise ProviderError(*change.failure, status=403, arm_id=node.arm_id, operation="preflight")
            if change.action is Action.DELETE:
                self.reporter.started(change)
                self._with_retries(node, attempts, lambda: self._delete(node))
                if self.purge and node.kind.purge is not None:
                    location = str((observed or node.body).get("location", ""))
                    refused = self._purge(node, attempts, location)
                    if refused:
                        return Outcome.of(change, Status.OK, attempts.count, self.clock() - started,
                                          hint=refused), None
                return Outcome.of(change, Status.OK, attempts.count, self.clock() - started), None
            desired = refs.resolve(node.body, outputs)
            missing = refs.unresolved(node.body, outputs)
            if missing:
                raise ProviderError(
                    "UnresolvedReference",
                    "; ".join(f"{ref} has no value after {ref.address} converged" for ref in missing),
                    arm_id=node.arm_id,
                )
            current = refresh(change, node.kind, desired, observed, ignore_paths=node.ignore_paths)
            if current.action is Action.NOOP:
                return Outcome.of(change, Status.OK, 0, self.clock() - started), observed
            self.reporter.started(current)
            if current.action is Action.REPLACE:
                self._with_retries(node, attempts, lambda: self._delete(node))
            progress: dict[str, Any] = {}
            options = repairs(current, node.kind)
            creating = current.action in (Action.CREATE, Action.REPLACE)
            write = partial(self._write, node, desired, progress, options, creating)
            if refs.has_generated(desired):  # a secret made up for a create only (refs.GeneratedSecret)
                write = self._create_once(node, desired, progress, options, creating)
            body = self._with_retries(node, attempts, write)
            return Outcome.of(current, Status.OK, attempts.count, self.clock() - started), body
        except ProviderError as error:
            secrets = [refs.resolve(r, outputs) for r in refs.find(node.body) if r.secret]
            for value in secrets:
                if isinstance(value, str) and value:
                    error.message = error.message.replace(value, "(sensitive)")
            return (
                Outcome.of(
                    change, Status.FAILED, attempts.count, self.clock() - started,  # 0: refused before any call
                    error=error, hint=hint_for(error),
                ),
                None,
            )

    def _create_once(self, node: Node, desired: dict[str, Any], progress: dict[str, Any],
                     options: dict[str, str], creating: bool) -> Callable[[], dict[str, Any]]:
        """The write of a body holding values made up for a create (a VM's admin password): a
        create attempt that failed may still have made the resource (its operation ended Failed
        after the VM existed, or the connection dropped after ARM accepted the PUT), and Azure
        refuses those values on what exists (``PropertyChangeNotAllowed``), so every retry asks
        first and is sent as an update once the resource is there."""
        as_create = refs.fill_generated(desired, creating)
        tried = False

        def write() -> dict[str, Any]:
            nonlocal tried
            exists = tried and creating and self.adapter.read(node.kind, node.arm_id) is not None
            tried = True
            if exists:
                return self._write(node, refs.fill_generated(desired, False), progress, options, False)
            return self._write(node, as_create, progress, options, creating)

        return write

    def _write(
        self, node: Node, desired: dict[str, Any], progress: dict[str, Any], options: dict[str, str],
        creating: bool = False,
    ) -> dict[str, Any]:
        return self.adapter.write(node.kind, node.arm_id, writable(desired, node.kind, creating), progress,
                                  options or None)

    def _purge(self, node: Node, attempts: Attempts, location: str) -> str:
        """Purge a soft-deleted resource; "" when done, else what Azure refused and when it will
        purge the resource itself (a refusal the kind declares, such as purge protection)."""
        try:
            self._with_retries(node, attempts, lambda: self.adapter.purge(node.kind, node.arm_id, location))
            return ""
        except ProviderError as error:
            if error.code.lower() not in {c.lower() for c in node.kind.purge_refused}:
                raise
            when = ""
            reader = getattr(self.adapter, "read_deleted", None)
            if node.kind.read_deleted is not None and reader is not None:
                deleted = self._with_retries(node, Attempts(), lambda: reader(node.kind, node.arm_id, location))
                when = str(refs.get_path(deleted, node.kind.read_deleted[3]) or "") if deleted else ""
            return (f"not purged: Azure refuses ({error.code}: {error.message}); it stays soft-deleted, its name held, "
                    f"until Azure purges it {'on ' + when if when else 'at the end of its retention period'}")

    def _upstream_in(self, node: Node, addresses: set[str]) -> bool:
        with self._locks_guard:
            return any(dep in addresses for dep in node.depends_on)

    def _delete(self, node: Node) -> None:
        self.adapter.delete(node.kind, node.arm_id)

    def _with_retries(self, node: Node, attempts: Attempts, operation: Callable[[], Any]) -> Any:
        return run_with_retries(
            operation,
            self.retry,
            deadline_s=node.kind.deadline_s,
            attempts=attempts,
            on_retry=lambda error, delay: self.reporter.retrying(node.address, error, delay),
        )


def _downstream_time(
    graph: Graph, changeset: ChangeSet, prerequisites: dict[str, frozenset[str]], *, reverse: bool
) -> dict[str, float]:
    """For each node, the expected seconds from its start to the end of the walk: its own
    expected duration (if it has work to do) plus its longest chain of successors, where the
    writes that share a serialisation key count as one chain (ARM runs them one at a time).

    Two passes. The first ranks by dependencies alone; it orders each queue (higher rank first,
    then graph order, which never puts a node behind its own descendant). The second adds an
    edge from each queued write to the next of its queue, so the head of a queue of a hundred
    10-second peerings ranks about 1,000 s and what feeds it ranks above that."""
    successors: dict[str, list[str]] = {a: [] for a in graph.nodes}
    for address in graph.nodes:
        for before in prerequisites[address]:
            if before in successors:
                successors[before].append(address)
    order = graph.order(reverse=reverse)
    own = {a: _own_time(graph, changeset, a) for a in graph.nodes}
    base = _longest(order, successors, own)
    queues: dict[str, list[str]] = {}
    for address in order:
        change = changeset.changes.get(address)
        if own[address] <= 0 or change is None:
            continue
        key = serialization_key(graph.nodes[address], graph.nodes[address].body)  # None until a body ref resolves
        if key is not None:
            queues.setdefault(key, []).append(address)
    if not any(len(q) > 1 for q in queues.values()):
        return base
    position = {a: i for i, a in enumerate(order)}
    chained = {a: list(s) for a, s in successors.items()}
    for queue in queues.values():
        queue.sort(key=lambda a: (-base[a], position[a]))
        for first, second in zip(queue, queue[1:], strict=False):
            chained[first].append(second)
    sorter: graphlib.TopologicalSorter = graphlib.TopologicalSorter(
        {a: chained[a] for a in graph.nodes})  # (successors as "predecessors": yields sinks first)
    return _longest(list(reversed(list(sorter.static_order()))), chained, own)


def _own_time(graph: Graph, changeset: ChangeSet, address: str) -> float:
    change = changeset.changes.get(address)
    return graph.nodes[address].kind.expected_s if change and change.action is not Action.NOOP else 0.0


def _longest(order: list[str], successors: dict[str, list[str]], own: dict[str, float]) -> dict[str, float]:
    """Longest own-time path from each node to a sink, given ``order`` (every node before its
    successors)."""
    rank: dict[str, float] = {}
    for address in reversed(order):
        rank[address] = own[address] + max((rank[s] for s in successors[address] if s in rank), default=0.0)
    return rank


def auto_parallelism(graph: Graph, changeset: ChangeSet, rank: dict[str, float]) -> int:
    """How many operations to keep in flight when the caller left it to the run (``None``).

    A worker holds one operation until ARM says it finished (a firewall: ten minutes of waiting
    for polls), so to end near the critical path a run needs about (expected seconds of all its
    writes) / (expected critical path) workers at once, by the kinds' ``expected_s``: a hub with
    one spoke needs 3, a hundred spokes about 150 (about 220 with the headroom). A fixed 8 made a
    ten-spoke apply take 1.9 times its critical path. Waiting workers cost ARM nothing: the
    pacer bounds the request rate, and ARM's Retry-After says when to poll.
    """
    work = sum(graph.nodes[c.address].kind.expected_s for c in changeset.changes.values()
               if c.action is not Action.NOOP and c.address in graph.nodes)
    longest = max(rank.values(), default=0.0)
    needed = math.ceil(AUTO_HEADROOM * work / longest) if longest > 0 else AUTO_MIN
    return max(AUTO_MIN, min(AUTO_MAX, needed))


def serialization_key(node: Node, body: dict[str, Any]) -> str | None:
    """What writes of ``node`` queue behind: its parent id, or a body value, lower-cased."""
    rule = node.kind.serialize_on
    if rule is None:
        return None
    if rule == PARENT:
        parent = ids.parse(node.arm_id).parent
        return str(parent).lower() if parent else node.arm_id.lower()
    value = refs.get_path(body, rule)
    return str(value).lower() if isinstance(value, str) else None
