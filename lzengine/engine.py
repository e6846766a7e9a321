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

from lzengine import address_guard, existing, ids, model_preflight, name_preflight, preflight, prune, refs
from lzengine.adapters.base import Adapter, at, subscriptions_of
from lzengine.compile import MANAGED_BY_TAG, ZONE_TAG
from lzengine.control_zone import HUB_RESOURCE_GROUP, ControlZone
from lzengine.diff import Action, Change, decide, secret_paths
from lzengine.errors import ProviderError
from lzengine.executor import AUTO_MIN, ChangeSet, Executor
from lzengine.graph import Graph, Node
from lzengine.kinds import generic_kind, kind_for_type
from lzengine.ownership import Ownership, Snapshot, needs_record
from lzengine.report import NilReporter, Outcome, Reporter, RunReport, Status, refused_run
from lzengine.retry import Attempts, RetryPolicy, run_with_retries
from lzengine.verified import (
    CHECKPOINT_REFRESH_S,
    MARGIN_S,
    RETENTION_S,
    desired_hash,
    iso,
    referenced,
    touched,
    unchanged_body,
)

#: how long registering the resource providers of a change set may take
REGISTRATION_DEADLINE_S = 15 * 60


@dataclass
class EngineOptions:
    #: operations in flight at once; None: as many as the run's long operations need (see
    #: ``lzengine.executor.auto_parallelism``), at least 8
    parallelism: int | None = 8
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
    #: the plan's name: ``apply`` records the children it writes in this landing zone's control
    #: zone (``lzengine.ownership``), so a later ``--prune`` from anywhere can delete them
    landing_zone: str | None = None
    #: when set, operations in flight finish and no new one starts (reconcile on SIGTERM)
    stop: threading.Event | None = None
    #: read every resource (``--refresh``): no resource is observed as "unchanged since verified"
    #: from the Activity Log (``lzengine.verified``); needs ``landing_zone`` to apply at all
    refresh: bool = False
    #: how far before the checkpoint the Activity Log is read (its latency; ``lzengine.verified``)
    activity_margin_s: float = MARGIN_S


class Engine:
    """Converges a Graph through an Adapter."""

    def __init__(self, adapter: Adapter, options: EngineOptions | None = None, reporter: Reporter | None = None):
        self.adapter = adapter
        self.options = options or EngineOptions()
        self.reporter = reporter or NilReporter()
        #: address → why it could not be read (another team's resource, under --team)
        self.unreadable: dict[str, str] = {}
        #: the control zone's records and checkpoint as the last observation found them (None:
        #: no landing zone, or they could not be read); ``apply`` records hashes and advances from it
        self.verification: Snapshot | None = None
        #: addresses the last observation reported unchanged since verified, without reading them
        self.unchanged: set[str] = set()

    def observe(self, graph: Graph) -> dict[str, dict[str, Any] | None]:
        """Read every node's live body (None when absent), in parallel, with as few reads as the
        adapter allows: nodes that one list returns (the adapter's ``list_scope``: every VNet of
        the subscription with its subnets and peerings, the links of one DNS zone ...) are read
        with that list when it serves two or more of them; the others with one GET each. A node
        a complete list does not return does not exist, as a GET's 404 would say."""
        nodes = list(graph)
        scope_of = getattr(self.adapter, "list_scope", None)
        groups: dict[str, list[Node]] = {}
        for node in nodes if scope_of is not None else ():
            scope = scope_of(node.kind, node.arm_id)
            if scope is not None:
                groups.setdefault(scope, []).append(node)
        lists = [scope for scope, members in groups.items() if len(members) > 1]  # one: a GET is as cheap
        listed = {node.address for scope in lists for node in groups[scope]}
        singles = [node for node in nodes if node.address not in listed]
        # what no list returns and the Activity Log shows untouched since it was verified: no GET
        unchanged = self._unchanged(graph, singles)
        singles = [node for node in singles if node.address not in unchanged]

        self.unreadable = {}

        def read(node: Node) -> dict[str, Any] | None:
            try:
                return run_with_retries(
                    lambda: self.adapter.read(node.kind, node.arm_id),
                    self.options.retry,
                    deadline_s=node.kind.deadline_s,
                    attempts=Attempts(),
                )
            except ProviderError as error:
                # under --team, another team's resource this identity may not read is reported
                # (not applied), not fatal: a team's identity holds roles on its own groups only
                if self.options.team in (None, node.owner) or not preflight.no_read_access(error):
                    raise
                self.unreadable[node.address] = (f"not read: no read access to it ({error.code}); "
                                                  f"owned by team {node.owner!r}")
                return None

        def read_list(scope: str) -> dict[str, dict[str, Any]] | None:
            try:
                items = self._with_retries(lambda: self.adapter.list_bodies(scope))  # type: ignore[attr-defined]
            except ProviderError as error:
                if error.status == 403:  # an identity with rights on its own resources only: GET them
                    return None
                raise
            return {str(item.get("id", "")).lower(): item for item in items if isinstance(item, dict)}

        observed: dict[str, dict[str, Any] | None] = {}
        with ThreadPoolExecutor(max_workers=self._read_workers(), thread_name_prefix="lz-read") as pool:
            found = list(pool.map(read_list, lists))
            refused = [node for scope, index in zip(lists, found, strict=True) if index is None
                       for node in groups[scope]]
            for scope, index in zip(lists, found, strict=True):
                for node in groups[scope] if index is not None else ():
                    observed[node.address] = index.get(node.arm_id.lower())
            observed.update(unchanged)  # verified and untouched since (lzengine.verified): not read
            by_id = {n.arm_id.lower(): n.address for n in nodes}
            for wave in _by_ancestry(singles + refused, by_id):
                # a child of an absent resource, or a resource in a missing group, is absent too:
                # a first apply does not GET it (extension resources are still read, see below)
                unknown = [n for n in wave if not self._under_absent(n, by_id, observed)]
                observed.update((n.address, None) for n in wave)
                observed.update((n.address, b) for n, b in zip(unknown, pool.map(read, unknown), strict=True))
        return {node.address: observed[node.address] for node in nodes}

    def _unchanged(self, graph: Graph, singles: list[Node]) -> dict[str, dict[str, Any]]:
        """The nodes among ``singles`` (those only a GET would read) observed as unchanged since
        verified (``lzengine.verified``): a record with their desired hash, a checkpoint, and no
        Activity Log event on, under or above them since the checkpoint minus the margin. Anything
        unknown leaves a node to its GET."""
        self.verification = None
        self.unchanged = set()
        zone = self.options.landing_zone
        if not zone or HUB_RESOURCE_GROUP not in graph.nodes:
            return {}
        control = ControlZone.of_graph(graph, zone, self.adapter.subscription_id)
        try:
            snapshot: Snapshot = self._with_retries(Ownership(self.adapter, control).snapshot)
        except ProviderError:
            return {}  # the records cannot be read (a team without access to the control zone): GET
        self.verification = snapshot
        checkpoint = snapshot.checkpoint
        if self.options.refresh or checkpoint is None or snapshot.server_time is None \
                or checkpoint.since < snapshot.server_time - RETENTION_S:
            return {}
        needed = referenced(graph)
        candidates = []
        for node in singles:
            record = snapshot.records.get(node.arm_id.lower())
            wanted = desired_hash(node) if record is not None and node.address not in needed else None
            if wanted is not None and record is not None and record[2] == wanted:
                candidates.append(node)
        by_subscription: dict[str, list[Node]] = {}
        for node in candidates:
            subscription = subscriptions_of([node.arm_id], self.adapter.subscription_id)[0]
            by_subscription.setdefault(subscription, []).append(node)
        since = iso(checkpoint.since - self.options.activity_margin_s)
        unchanged: dict[str, dict[str, Any]] = {}
        for subscription, members in sorted(by_subscription.items()):
            log = at(self.adapter, subscription)
            if not hasattr(log, "activity_log"):
                continue
            try:
                events = self._with_retries(partial(log.activity_log, since))  # type: ignore[attr-defined]
            except ProviderError:
                continue  # unreadable (403 for a team's identity) or failing: read them with GETs
            changed = touched(members, events, checkpoint)
            unchanged.update({node.address: unchanged_body(node) for node in members if node.address not in changed})
        self.unchanged = set(unchanged)
        return unchanged

    def _under_absent(self, node: Node, by_id: dict[str, str], observed: dict[str, dict[str, Any] | None]) -> bool:
        """Whether a resource of the graph that ``node`` lives in was observed absent (and not
        merely unreadable). Never for an extension resource (a diagnostic setting, a role or
        policy assignment): Azure does not always delete those with the resource they are on,
        and a resource created again under the same name finds them back (MicrosoftDocs/azure-docs
        issue 100347), so they are read whatever their target's state."""
        if node.kind.scope_arg or node.arm_id.lower().count("/providers/") != 1:
            return False
        return any(observed.get(a, {}) is None and a not in self.unreadable for a in _ancestors(node, by_id))

    def plan(self, graph: Graph) -> ChangeSet:
        """Observe and decide, without writing anything. An existing hub (read-only nodes) is
        resolved first: ``lzengine.existing.ExistingHubUnresolved`` names every id that does not."""
        self.resolve_existing(graph)
        observed = self.observe(graph)
        notes: list[str] = []
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
            unknown = sorted({r.address for r in refs.find(node.body)} & set(self.unreadable))
            if unknown and address not in self.unreadable:
                change = replace(change, blocked=f"not applied: it needs values of {unknown[0]}, which this "
                                                 f"identity cannot read")
            if address in self.unreadable:
                change = Change(Action.NOOP, address, node.arm_id, node.kind.arm_type,
                                reason=self.unreadable[address], owner=node.owner, blocked=self.unreadable[address])
            changes[address] = change
        if self.options.policy_preflight and any(c.action is not Action.NOOP for c in changes.values()):
            def evaluate() -> dict[str, tuple[str, str]]:
                notes.clear()
                return preflight.denials(graph, changes, desired, self.adapter, self.adapter.subscription_id, notes)

            found = self._with_retries(evaluate)
            for address, failure in found.items():
                changes[address] = replace(changes[address], failure=failure)
        if self.options.run_preflight and any(c.action is not Action.NOOP and c.allowed for c in changes.values()):
            # refusals that stop the whole apply: live addresses, quota and the model catalogue
            refused = address_guard.refusals(changes, observed, desired)
            refused |= self._with_retries(
                lambda: model_preflight.refusals(graph, changes, desired, observed, self.adapter)
            )
            refused |= self._with_retries(lambda: preflight.missing_management_groups(graph, changes, self.adapter))
            for address, failure in refused.items():
                changes[address] = replace(changes[address], failure=failure, stops_run=True)
            if not refused and any(c.action is Action.CREATE for c in changes.values()):
                # global names (Key Vault, Storage): a taken one fails that resource, like a denial;
                # not asked when the run is refused anyway (the check is a POST)
                taken = self._with_retries(
                    lambda: name_preflight.refusals(changes, desired, self.adapter, self.adapter.subscription_id))
                for address, failure in taken.items():
                    changes[address] = replace(changes[address], failure=failure)
        notes += existing.waiting_on_platform(graph, observed)
        return ChangeSet(changes=changes, observed=observed, desired=desired, notes=list(notes))

    def resolve_existing(self, graph: Graph) -> None:
        """Read the read-only nodes (an existing hub's resources) and raise
        ``ExistingHubUnresolved`` listing every one that does not resolve or does not fit."""
        if not existing.read_only_nodes(graph):
            return
        bodies = existing.read_existing(graph, lambda node: self._with_retries(
            partial(self.adapter.read, node.kind, node.arm_id)))
        existing.check(graph, bodies)

    def plan_destroy(self, graph: Graph) -> ChangeSet:
        """Observe every node and decide to delete what exists (nothing is written)."""
        observed = self.observe(graph)
        changes = {}
        for address in graph.order(reverse=True):
            node = graph.nodes[address]
            absent = observed[address] is None or node.kind.read_only  # an existing hub's: never deleted
            purge_only = absent and self.options.purge and node.kind.purge is not None
            # a setting (a second write of a resource) goes with the resource its creating node deletes
            left = node.kind.deleted_with_parent or node.kind.setting
            action = Action.DELETE if (not absent and not left) or purge_only else Action.NOOP
            reason = "purge a soft-deleted copy" if purge_only else "existing: never destroyed" \
                if node.kind.read_only else "already absent" if absent else "deleted with its parent" \
                if node.kind.deleted_with_parent else "deleted with the resource" if node.kind.setting else "destroy"
            changes[address] = Change(action, address, node.arm_id, node.kind.arm_type, reason=reason,
                                      owner=node.owner, existing=node.kind.read_only,
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
        """What landing zone ``zone`` manages and ``graph`` no longer declares, as a graph of
        deletions in an order Azure accepts (``lzengine.prune``): tagged top-level resources from
        one tag-filtered list per subscription, children and extension resources from the
        ownership record in the control zone. Nothing else is touched: a resource group that still
        holds resources of anyone else is reported, not deleted. Each orphan's live body is read
        once (for the order of references and for purging)."""
        control = ControlZone.of_graph(graph, zone, self.adapter.subscription_id)
        recorded = self._with_retries(Ownership(self.adapter, control).recorded)
        # the tagged resources of every subscription the plan uses (the hub's, the spokes') and of
        # every subscription a recorded child lies in: a spoke dropped from the plan together with
        # its subscription left records of its subnets and peering there
        subscriptions = sorted({*self._subscriptions(graph),
                                *subscriptions_of(recorded, self.adapter.subscription_id)})
        listing = [item for subscription in subscriptions for item in self._with_retries(
            partial(at(self.adapter, subscription).list_resources, (ZONE_TAG, zone)))]
        tagged = [
            (str(item["id"]), str(item["type"])) for item in listing
            if (item.get("tags") or {}).get(MANAGED_BY_TAG) == "lzengine"
            and (item.get("tags") or {}).get(ZONE_TAG) == zone
        ]
        orphans = prune.find_orphans((node.arm_id for node in graph), tagged, recorded, keep=[control.arm_id])
        kinds = {lowered: kind_for_type(o.arm_type) or generic_kind(
            o.arm_type, self.adapter.latest_api_version(o.arm_type)) for lowered, o in orphans.items()}
        active = [lowered for lowered, o in orphans.items() if o.covered_by is None]

        def live(lowered: str) -> dict[str, Any] | None:
            return self._with_retries(partial(self.adapter.read, kinds[lowered], orphans[lowered].arm_id))

        with ThreadPoolExecutor(max_workers=self._read_workers(), thread_name_prefix="lz-prune") as pool:
            bodies = dict(zip(active, pool.map(live, active), strict=True))
        before = prune.order_edges(orphans, bodies)
        prune_graph = Graph()
        changes: dict[str, Change] = {}
        observed: dict[str, dict[str, Any] | None] = {}
        forget: dict[str, Any] = {}
        for lowered in sorted(active):
            orphan = orphans[lowered]
            address = f"prune:{orphan.arm_id}"
            kind = kinds[lowered]
            # a node "depends on" what is deleted after it: the reverse walk deletes dependents first
            after = frozenset(f"prune:{orphans[o].arm_id}" for o in active if lowered in before[o])
            prune_graph.add(Node(address, kind, orphan.arm_id, {}, after))
            observed[address] = bodies.get(lowered) or {}
            covered = [o.arm_id for o in orphans.values() if o.covered_by == lowered]
            forget[address] = {"records": [orphan.arm_id] * orphan.recorded + covered, "control": control}
            foreign = []
            if orphan.arm_type.lower() == prune.RESOURCE_GROUP_TYPE:
                group_adapter = at(self.adapter, ids.subscription_of(orphan.arm_id))
                contents = self._with_retries(partial(group_adapter.list_resource_group, ids.parse_name(orphan.arm_id)))
                foreign = [str(i["id"]) for i in contents if str(i["id"]).lower() not in orphans
                           and not self._goes_with(i, orphans)]
            change = Change(Action.DELETE, address, orphan.arm_id, kind.arm_type, reason="no longer in the plan",
                            owner=self._owner_of(graph, orphan.arm_id))
            if foreign:
                reason = f"not deleted: it holds {len(foreign)} resource(s) this landing zone does not manage, " \
                         f"e.g. {foreign[0]}"
                change = replace(change, blocked=reason)
            elif self.options.team not in (None, change.owner):
                change = replace(change, blocked=_foreign_team(change.owner))
            if kind.deleted_with_parent:  # ARM cannot delete it (a vault's secret): it goes with its parent only
                if orphan.arm_id.rsplit("/", 2)[0].lower() in orphans:
                    change = replace(change, action=Action.NOOP, reason="deleted with its parent")
                else:
                    change = replace(change, blocked="not deleted: Azure Resource Manager cannot delete a "
                                     f"{kind.arm_type}; delete it on the service's data plane (a Key Vault "
                                     "secret: az keyvault secret delete, then purge)")
            changes[address] = change
        # desired carries, per deletion, the ownership records to forget once it succeeded
        return prune_graph, ChangeSet(changes=changes, observed=observed, desired=forget)

    def _subscriptions(self, graph: Graph) -> list[str]:
        """Every subscription the graph's resources live in."""
        return subscriptions_of((node.arm_id for node in graph), self.adapter.subscription_id)

    def _with_retries(self, operation: Callable[[], Any]) -> Any:
        """Reads that are not about one node (lists, the policy preflight), retried like any other."""
        return run_with_retries(operation, self.options.retry, deadline_s=600, attempts=Attempts())

    def prune(self, prune_graph: Graph, changeset: ChangeSet) -> list[Outcome]:
        """Delete what ``plan_prune`` found, dependents first, then forget the ownership records
        of what is gone; returns the outcomes."""
        outcomes = self._executor().run(prune_graph, changeset, reverse=True)
        for outcome in outcomes:
            entry = changeset.desired.get(outcome.address) or {}
            if outcome.status is Status.OK and entry.get("records"):
                ownership = Ownership(self.adapter, entry["control"])
                self._with_retries(partial(ownership.forget, entry["records"]))
        return outcomes

    def _read_workers(self) -> int:
        """Threads for reading (observe, prune): reads are short, so auto parallelism reads with 8."""
        return max(1, self.options.parallelism or AUTO_MIN)

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
        # providers are registered per subscription: each subscription for what lands in it
        wanted: dict[str, set[str]] = {}
        for c in changeset.pending():
            if c.allowed and not c.arm_type.startswith("Microsoft.Resources/"):
                subscription = (ids.subscription_of(c.arm_id) or self.adapter.subscription_id).lower()
                wanted.setdefault(subscription, set()).add(c.arm_type.split("/")[0])
        for subscription, namespaces in sorted(wanted.items()):
            target = at(self.adapter, subscription)
            try:
                run_with_retries(partial(target.register_providers, namespaces), self.options.retry,
                                 deadline_s=REGISTRATION_DEADLINE_S, attempts=Attempts())
            except ProviderError as error:
                # a team's identity may not read the subscription's providers: the platform
                # registers them; a missing one still fails the write, with its own error
                if self.options.team is None or not preflight.no_read_access(error):
                    raise
                changeset.notes.append(f"resource provider registration not checked: no read access to "
                                       f"/subscriptions/{subscription} ({error.code}); the platform team "
                                       "registers providers")
        outcomes = self._executor().run(graph, changeset)
        outcomes = [replace(o, status=Status.NOT_APPLIED, error=self.unreadable[o.address])
                    if o.address in self.unreadable and o.status is Status.OK else o for o in outcomes]
        outcomes += self._record_children(graph, outcomes)
        self._advance_checkpoint(graph, outcomes)
        return RunReport(outcomes=outcomes, duration_s=self.options.clock() - started)

    def _advance_checkpoint(self, graph: Graph, outcomes: list[Outcome]) -> None:
        """Move the landing zone's checkpoint to when this run began observing, when every
        resource ended converged (``lzengine.verified``): a failed, blocked or unread resource
        leaves it where it was, so the next run reads the Activity Log from the older time."""
        snapshot = self.verification
        zone = self.options.landing_zone
        if not zone or snapshot is None or snapshot.server_time is None or self.unreadable:
            return
        if any(o.status is not Status.OK for o in outcomes):
            return
        previous = snapshot.checkpoint
        wrote = any(o.action is not Action.NOOP for o in outcomes)
        if not wrote and previous is not None and snapshot.server_time - previous.since < CHECKPOINT_REFRESH_S:
            # nothing written: the checkpoint still holds (no event since it changed what this run
            # found converged), and leaving it saves a no-change run its one write beside the lock
            return
        control = ControlZone.of_graph(graph, zone, self.adapter.subscription_id)
        run = str(getattr(self.adapter, "correlation_id", "") or "")
        try:  # one attempt, no retries: the zone may be gone with a replaced hub resource group
            Ownership(self.adapter, control).advance(snapshot.server_time, run)
        except ProviderError:
            return  # not advanced: the next run reads a longer stretch of the log, nothing worse

    def _record_children(self, graph: Graph, outcomes: list[Outcome]) -> list[Outcome]:
        """Record every declared child that exists after this run and has no record yet (created
        now, or adopted); returns a failed outcome when the record cannot be written."""
        zone = self.options.landing_zone
        if not zone:
            return []
        converged = {o.address for o in outcomes if o.status is Status.OK and o.action is not Action.DELETE}
        candidates = [n for n in graph if n.address in converged and needs_record(n)
                      and self.options.team in (None, n.owner)]
        if not candidates:
            return []
        control = ControlZone.of_graph(graph, zone, self.adapter.subscription_id)
        ownership = Ownership(self.adapter, control)
        started = self.options.clock()
        try:
            # the records as this run's observation found them (this run holds the zone's lock);
            # each converged resource's record carries the hash of the body it now matches, written
            # only when missing or different (lzengine.verified)
            # (listed again when this run deleted or replaced anything: a replaced hub resource
            # group takes the control zone and its records along)
            rewritten = any(o.action in (Action.DELETE, Action.REPLACE) for o in outcomes)
            snapshot = self.verification if self.verification is not None and not rewritten \
                else self._with_retries(ownership.snapshot)
            missing = []
            for n in candidates:
                found = snapshot.records.get(n.arm_id.lower())
                wanted = desired_hash(n)
                if found is None or (wanted is not None and found[2] != wanted):
                    missing.append((n.arm_id, n.kind.arm_type, wanted))
            self._with_retries(partial(ownership.record, missing))
        except ProviderError as error:
            change = Change(Action.CREATE, "lzengine.ownership", control.arm_id,
                            "Microsoft.Network/privateDnsZones/TXT",
                            reason="record the child resources this run created")
            hint = (f"the identity needs Microsoft.Network/privateDnsZones/TXT/* on {control.arm_id} "
                    "(e.g. Private DNS Zone Contributor on that zone); until then --prune cannot remove them")
            return [Outcome.of(change, Status.FAILED, 1, self.options.clock() - started, error=error, hint=hint)]
        return []

    def _goes_with(self, item: dict[str, Any], orphans: dict[str, Any]) -> bool:
        """Whether ``item`` is deleted by Azure with one of ``orphans`` (a private endpoint's NIC)."""
        path = prune.CREATED_WITH.get(str(item.get("type", "")).lower())
        if path is None:
            return False
        kind = generic_kind(str(item["type"]), self.adapter.latest_api_version(str(item["type"])))
        body = self._with_retries(partial(self.adapter.read, kind, str(item["id"])))
        owner = refs.get_path(body or {}, path)
        return isinstance(owner, str) and owner.lower() in orphans

    @staticmethod
    def _owner_of(graph: Graph, arm_id: str) -> str:
        """Who owns an undeclared resource: the owner of its nearest declared container."""
        lowered = arm_id.lower()
        holders = [n for n in graph if lowered.startswith(n.arm_id.lower() + "/")]
        return max(holders, key=lambda n: len(n.arm_id)).owner if holders else "platform"


def _foreign_team(owner: str) -> str:
    return f"owned by team {owner!r}; not applied under --team"


def _ancestors(node: Node, by_id: dict[str, str]) -> list[str]:
    """Addresses (``by_id``: lower-case ARM id → address) of the resources whose id is a prefix
    of ``node``'s: its resource group, its parents (for an extension resource, the resource it
    is on)."""
    parts = node.arm_id.lower().split("/")
    found = (by_id.get("/".join(parts[:end])) for end in range(3, len(parts)))
    return [a for a in found if a is not None and a != node.address]


def _by_ancestry(nodes: list[Node], by_id: dict[str, str]) -> list[list[Node]]:
    """``nodes`` in waves: a node comes after every one of them it lives in (a project's
    connections after the project), so an absent parent is known before its children's turn."""
    among = {n.address for n in nodes}
    depth: dict[str, int] = {}
    for node in sorted(nodes, key=lambda n: n.arm_id.count("/")):
        depth[node.address] = 1 + max((depth.get(a, 0) for a in _ancestors(node, by_id) if a in among), default=-1)
    waves: dict[int, list[Node]] = {}
    for node in nodes:
        waves.setdefault(depth[node.address], []).append(node)
    return [waves[d] for d in sorted(waves)]
