"""The library API: load a plan, open a target, and plan / apply / drift / verify / destroy.

Who uses it: automation scripts (``import lzengine``) and the CLI, which is a thin client of it
(argument parsing, rendering, exit codes, the terminal question). Nothing here prints: progress
goes to an ``on_progress`` callback as ``Event``s, results come back as typed objects, and
confirmation before replacing or deleting resources is a callback (``confirm``) or a flag
(``allow_destructive``), never a prompt.

    import lzengine
    plan = lzengine.load_plan("plans/ai-landing-zone.yaml")
    with lzengine.open_target() as target:          # same environment variables as the CLI
        zone = lzengine.LandingZone(plan, target)
        if zone.drift().has_drift:
            zone.apply()
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lzengine.diff import Action, Change
from lzengine.drift import DriftReport, drift_report
from lzengine.errors import Diagnostic, LzengineError, PlanError
from lzengine.report import Outcome, RunReport, Status, plan_summary
from lzengine.targets import Target, open_target
from lzengine.verify import VerifyReport
from lzengine.zone_lock import DEFAULT_POLL_S as DEFAULT_LOCK_POLL_S
from lzengine.zone_lock import DEFAULT_TIMEOUT_S as DEFAULT_LOCK_TIMEOUT_S
from lzengine.zone_lock import LockHeld, LockInfo

if TYPE_CHECKING:
    from lzengine.plan.models import Plan

__all__ = [
    "ApplyResult", "ConfirmationRefused", "Event", "LandingZone", "LockHeld", "PlanResult", "Target", "load_plan",
    "open_target",
]


class ConfirmationRefused(LzengineError):
    """An apply or destroy would replace or delete resources and was not allowed to.

    ``changes`` are the destructive changes that needed the confirmation."""

    def __init__(self, message: str, changes: list[Change]):
        super().__init__(message)
        self.changes = changes


@dataclass(frozen=True)
class Event:
    """One progress event of a run, given to ``on_progress`` (called from worker threads).

    ``kind`` is ``"started"``, ``"retrying"`` or ``"done"``. ``change`` is set for ``started``,
    ``outcome`` for ``done``, ``error`` and ``delay_s`` for ``retrying``."""

    kind: str
    address: str
    change: Change | None = None
    outcome: Outcome | None = None
    error: BaseException | None = None
    delay_s: float = 0.0


ProgressCallback = Callable[[Event], None]
ConfirmCallback = Callable[[list[Change]], bool]


class _CallbackReporter:
    """The executor's Reporter protocol, forwarded to a user callback."""

    def __init__(self, callback: ProgressCallback | None):
        self._callback = callback

    def started(self, change: Change) -> None:
        if self._callback:
            self._callback(Event("started", change.address, change=change))

    def retrying(self, address: str, error: BaseException, delay_s: float) -> None:
        if self._callback:
            self._callback(Event("retrying", address, error=error, delay_s=delay_s))

    def done(self, outcome: Outcome) -> None:
        if self._callback:
            self._callback(Event("done", outcome.address, outcome=outcome))

    def close(self) -> None:
        pass


@dataclass
class PlanResult:
    """What apply would do: one ``Change`` per resource (no-ops included), plus prune deletions."""

    changes: list[Change]
    target: str = ""
    #: internal: the engine's decisions, so ``apply(plan=...)`` need not read again
    _changeset: Any = field(default=None, repr=False)
    _prune: Any = field(default=None, repr=False)
    #: internal: the control zone's records and checkpoint as that plan's observation read them
    _verification: Any = field(default=None, repr=False)

    @property
    def notes(self) -> list[str]:
        """What could not be evaluated or read (e.g. a team identity's missing read access)."""
        return list(self._changeset.notes) if self._changeset is not None else []

    @property
    def pending(self) -> list[Change]:
        return [c for c in self.changes if c.action is not Action.NOOP]

    @property
    def has_changes(self) -> bool:
        """Changes apply would carry out (those blocked under ``team`` do not count)."""
        return any(c.allowed for c in self.pending)

    @property
    def refused(self) -> list[Change]:
        """Changes Azure Policy would deny, found by the preflight before any write."""
        return [c for c in self.changes if c.failure is not None]

    @property
    def destructive(self) -> list[Change]:
        return [c for c in self.pending if c.action in (Action.REPLACE, Action.DELETE) and c.allowed]

    def summary(self) -> dict[str, int]:
        return plan_summary(self.changes)


@dataclass
class ApplyResult(RunReport):
    """What an apply or destroy did: the engine's ``RunReport`` (one ``Outcome`` per resource,
    summary, exit code) plus what only the API knows: the run lock held and the notes."""

    #: the run lock this run held (lzengine.zone_lock.ZoneLock.as_dict), None without one
    lock: dict[str, Any] | None = None
    #: what could not be evaluated or read (e.g. a team identity's missing read access)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is Status.FAILED]

    def as_dict(self) -> dict[str, Any]:
        document = super().as_dict()
        if self.lock is not None:
            document["lock"] = self.lock
        if self.notes:
            document["notes"] = self.notes
        return document


def load_plan(path: str | Path) -> Plan:
    """Load and validate a plan file; raises ``PlanError`` listing every problem."""
    from lzengine.plan import load_plan as _load

    return _load(path)


class LandingZone:
    """One plan against one open target. Methods read (``plan``, ``drift``, ``verify``) or
    converge (``apply``, ``destroy``) and return typed results; nothing is printed.

    ``team`` converges only what that team owns; ``parallelism`` bounds concurrent operations
    (None: as many as the run's long operations need, at least 8);
    ``on_progress`` receives ``Event``s; ``stop`` (a ``threading.Event``), when set, lets the
    operations in flight finish and starts no new ones (``reconcile`` uses it on SIGTERM)."""

    def __init__(
        self,
        plan: Plan,
        target: Target,
        *,
        parallelism: int | None = None,
        team: str | None = None,
        on_progress: ProgressCallback | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
        lock: bool = True,
        lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
        lock_holder: str | None = None,
        on_lock_wait: Callable[[LockInfo], None] | None = None,
        refresh: bool = False,
    ):
        self.plan_model = plan
        self.target = target
        self.parallelism = parallelism
        self.team = team
        self.on_progress = on_progress
        self.stop = stop
        self.clock = clock
        self.graph: Any = None  # compiled per operation, against the live VNets (see _engine)
        #: apply and destroy hold the landing zone's run lock (lzengine.zone_lock); a second run
        #: waits up to lock_timeout_s, then raises LockHeld naming the holder
        self.lock = lock
        self.lock_timeout_s = lock_timeout_s
        self.lock_holder = lock_holder
        self.on_lock_wait = on_lock_wait
        #: read every resource, like ``terraform plan -refresh``: none is taken as unchanged since
        #: verified from the Activity Log (``lzengine.verified``)
        self.refresh = refresh

    @property
    def name(self) -> str:
        return str(self.plan_model.name)

    # -- reads ----------------------------------------------------------------------------------
    def plan(self, *, prune: bool = False) -> PlanResult:
        """What apply would change, field by field, with the policy preflight; writes nothing."""
        with self._engine() as engine:
            return self._plan(engine, prune)

    def _plan(self, engine: Any, prune: bool) -> PlanResult:
        changeset = engine.plan(self.graph)
        changes = list(changeset.changes.values())
        prune_plan = engine.plan_prune(self.graph, self.name) if prune else None
        if prune_plan is not None:
            changes += list(prune_plan[1].changes.values())
        return PlanResult(changes, self.target.label, changeset, prune_plan, engine.verification)

    def drift(self) -> DriftReport:
        """The live estate against the plan: one read per resource, no policy preflight, no writes."""
        with self._engine(preflight=False) as engine:
            changeset = engine.plan(self.graph)
        return drift_report(list(changeset.changes.values()), len(changeset.changes), self.target.label)

    def verify(self) -> VerifyReport:
        """The guardrail checks on the live estate (see ``lzengine.verify``); writes nothing."""
        from lzengine.retry import Attempts, run_with_retries
        from lzengine.verify import run_checks

        with self._engine(preflight=False, refresh=True) as engine:  # checks look at live-only fields
            changeset = engine.plan(self.graph)

            def read(operation: Callable[[], Any]) -> Any:
                return run_with_retries(operation, engine.options.retry, deadline_s=600, attempts=Attempts())

            checks = run_checks(self.graph, changeset.observed, changeset.desired, engine.adapter, read)
        return VerifyReport(tuple(checks), self.target.label)

    # -- writes ---------------------------------------------------------------------------------
    def apply(
        self,
        *,
        prune: bool = False,
        allow_destructive: bool = False,
        confirm: ConfirmCallback | None = None,
        plan: PlanResult | None = None,
    ) -> ApplyResult:
        """Converge the estate to the plan (and, with ``prune``, delete what the zone no longer
        declares). Replacements and deletions need ``allow_destructive`` or a ``confirm``
        callback that returns True for them; otherwise ``ConfirmationRefused`` is raised before
        any write. ``plan`` (from ``plan(prune=...)``) avoids reading twice."""
        started = self.clock()
        self._resolve_existing()  # before the lock: a first run's lock writes the control zone
        with self._locked() as lock, self._engine() as engine:
            stale = lock is not None and lock.waited  # another run held the zone since that plan was made
            if plan is None or plan._changeset is None or (prune and plan._prune is None) or stale:
                plan = self._plan(engine, prune)
            else:
                engine.adapter.forget()
                engine.verification = plan._verification  # what that plan's observation verified, and when
            self._confirm(plan.changes, plan.destructive, allow_destructive, confirm,
                          "this apply would replace or delete resources")
            report = engine.apply(self.graph, plan._changeset)
            if prune and plan._prune is not None and not report.refused:
                report.outcomes += engine.prune(*plan._prune)
            if lock is not None and lock.created:  # the lock's first run made the hub's resource group
                report.outcomes = [
                    replace(o, action=Action.CREATE) if o.arm_id.lower() in lock.created
                    and o.action is Action.NOOP and o.status is Status.OK else o for o in report.outcomes]
        return ApplyResult(report.outcomes, self.target.label, self.clock() - started, report.refused,
                           lock=lock.as_dict() if lock else None, notes=plan.notes)

    def destroy(
        self, *, purge: bool = False, allow_destructive: bool = False, confirm: ConfirmCallback | None = None,
    ) -> ApplyResult:
        """Delete every resource of the plan that exists, dependents first; ``purge`` also purges
        soft-deleted AI accounts. Needs ``allow_destructive`` or ``confirm`` like ``apply``."""
        started = self.clock()
        with self._locked() as lock, self._engine(purge=purge) as engine:
            changeset = engine.plan_destroy(self.graph)
            deletions = [c for c in changeset.pending() if c.allowed]
            self._confirm(list(changeset.changes.values()), deletions, allow_destructive, confirm,
                          "destroy deletes resources")
            report = engine.destroy(self.graph, changeset)
        # what was deleted but could not be purged (Key Vault purge protection), and until when
        notes = [f"{o.address}: {o.hint}" for o in report.outcomes if o.status is Status.OK and o.hint]
        return ApplyResult(report.outcomes, self.target.label, self.clock() - started,
                           lock=lock.as_dict() if lock else None, notes=notes)

    # -- internals ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[Any]:
        """The landing zone's run lock around a converging run (nothing when ``lock`` is off).
        Taken before the first read, so every decision of the run is made under it."""
        if not self.lock:
            yield None
            return
        from lzengine.adapters.azure_sdk import AzureSdkAdapter
        from lzengine.control_zone import ControlZone, hub_resource_group_body
        from lzengine.zone_lock import zone_lock

        control = ControlZone.of_plan(self.plan_model, self.target.subscription_id)
        poll_s = float(os.environ.get("LZENGINE_LOCK_POLL_S") or DEFAULT_LOCK_POLL_S)
        adapter = AzureSdkAdapter(self.target.connection)
        try:
            with zone_lock(adapter, control, holder=self.lock_holder, timeout_s=self.lock_timeout_s,
                           poll_s=poll_s, resource_group_body=hub_resource_group_body(self.plan_model),
                           on_wait=self.on_lock_wait) as lock:
                yield lock
        finally:
            adapter.close()

    def _resolve_existing(self) -> None:
        """With an existing hub, raise ``ExistingHubUnresolved`` (every id that does not resolve)
        before anything is written; nothing without one."""
        if self.plan_model.hub.existing is None:
            return
        from lzengine.adapters.azure_sdk import AzureSdkAdapter
        from lzengine.compile import compile_plan
        from lzengine.engine import Engine, EngineOptions
        from lzengine.retry import RetryPolicy

        adapter = AzureSdkAdapter(self.target.connection)
        try:
            retry = RetryPolicy(backoff_scale=self.target.backoff_scale)
            engine = Engine(adapter, EngineOptions(parallelism=self.parallelism, retry=retry))
            engine.resolve_existing(compile_plan(self.plan_model, self.target.subscription_id))
        finally:
            adapter.close()

    @staticmethod
    def _confirm(shown: list[Change], destructive: list[Change], allowed: bool, confirm: ConfirmCallback | None,
                 what: str) -> None:
        if not destructive or allowed:
            return
        if confirm is not None and confirm(shown):
            return
        raise ConfirmationRefused(what, destructive)

    @contextlib.contextmanager
    def _engine(self, *, preflight: bool = True, purge: bool = False, refresh: bool = False) -> Iterator[Any]:
        """An engine on a fresh adapter, with ``self.graph`` compiled against the live VNets
        (existing subnets keep their prefixes). ``preflight=False`` (drift, verify) skips the
        policy, quota and model checks, so each resource is read once and nothing else is."""
        from lzengine.adapters.azure_sdk import AzureSdkAdapter
        from lzengine.engine import Engine, EngineOptions
        from lzengine.graph import CycleError
        from lzengine.live_addresses import compile_against_live
        from lzengine.retry import RetryPolicy

        adapter = _ReadOnce(AzureSdkAdapter(self.target.connection))
        retry = RetryPolicy(backoff_scale=self.target.backoff_scale)
        options = EngineOptions(parallelism=self.parallelism, team=self.team, purge=purge,
                                policy_preflight=preflight, run_preflight=preflight, stop=self.stop, retry=retry,
                                landing_zone=self.plan_model.name, refresh=refresh or self.refresh)
        try:
            try:
                self.graph = compile_against_live(self.plan_model, self.target.subscription_id, adapter, retry)
                self.graph.order()
            except CycleError as exc:
                raise PlanError([Diagnostic("<plan>", 1, 1, str(exc), code="cycle")]) from None
            engine = Engine(adapter, options, _CallbackReporter(self.on_progress))
            for name in ("plan", "plan_destroy"):
                setattr(engine, name, _then_forget(getattr(engine, name), adapter))
            yield engine
        finally:
            adapter.inner.close()


def _then_forget(method: Callable[..., Any], adapter: _ReadOnce) -> Callable[..., Any]:
    """``method``, after which the adapter stops sharing compile-time reads: later reads (the
    executor's re-reads) go to Azure again."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        finally:
            adapter.forget()

    return wrapped


class _ReadOnce:
    """The adapter, but a resource read while compiling (the VNets whose live prefixes pin the
    subnets) is not read again by the observation that follows: each resource is read once per
    plan. ``forget`` ends the sharing once the plan is made."""

    def __init__(self, inner: Any):
        self.inner = inner
        self._seen: dict[str, Any] | None = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def read(self, kind: Any, arm_id: str) -> Any:
        key = arm_id.lower()
        with self._lock:
            seen = self._seen
            if seen is not None and key in seen:
                return seen.pop(key)
        body = self.inner.read(kind, arm_id)
        with self._lock:
            if self._seen is not None and kind.arm_type.lower() == "microsoft.network/virtualnetworks":
                self._seen[key] = body
        return body

    def forget(self) -> None:
        with self._lock:
            self._seen = None
