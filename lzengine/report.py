"""What a run did, and how it is shown: outcomes, progress events, text and JSON renderers.

Who uses it: the executor emits progress events to a ``Reporter`` and returns ``Outcome``s; the
engine wraps them in a ``RunReport``; the CLI renders the report as text or JSON and takes the
exit code from it. Renderers never print bodies, so a secret value cannot reach output.
"""

from __future__ import annotations

import enum
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from typing import IO, Any, Protocol

from lzengine.diff import Action, Change, is_sensitive
from lzengine.errors import ProviderError
from lzengine.refs import UNKNOWN

SUMMARY_KEYS = ("create", "update", "replace", "delete", "noop", "failed", "skipped", "not_applied")


class Status(enum.Enum):
    OK = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_APPLIED = "not-applied"  # reported, deliberately not carried out (see Change.blocked)


@dataclass(frozen=True)
class Outcome:
    """The result of converging one resource. Returned by the executor, never raised."""

    address: str
    arm_id: str
    type: str
    action: Action
    status: Status
    attempts: int
    duration_s: float
    error: str | None = None
    error_code: str | None = None
    hint: str = ""

    @classmethod
    def of(
        cls, change: Change, status: Status, attempts: int, duration_s: float,
        *, error: ProviderError | None = None, hint: str = "",
    ) -> Outcome:
        return cls(
            change.address, change.arm_id, change.arm_type, change.action, status, attempts, round(duration_s, 3),
            error=f"{error.code}: {error.message}" if error else None,
            error_code=error.code if error else None,
            hint=hint,
        )

    @classmethod
    def skipped(cls, change: Change, reason: str) -> Outcome:
        return cls(change.address, change.arm_id, change.arm_type, change.action, Status.SKIPPED, 0, 0.0, error=reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.arm_id,
            "address": self.address,
            "type": self.type,
            "action": self.action.label,
            "status": self.status.value,
            "attempts": self.attempts,
            "duration_s": self.duration_s,
            "error": self.error,
            "error_code": self.error_code,
            "hint": self.hint or None,
        }


@dataclass
class RunReport:
    """Everything ``apply`` did; ``exit_code`` is 0 when nothing failed."""

    outcomes: list[Outcome]
    target: str = ""
    duration_s: float = 0.0
    #: True: the run was refused before its first write (see ``refused_run``)
    refused: bool = False

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(SUMMARY_KEYS, 0)
        for outcome in self.outcomes:
            if outcome.status is Status.FAILED:
                counts["failed"] += 1
            elif outcome.status is Status.SKIPPED:
                counts["skipped"] += 1
            elif outcome.status is Status.NOT_APPLIED:
                counts["not_applied"] += 1
            else:
                counts[outcome.action.label] += 1
        return counts

    @property
    def exit_code(self) -> int:
        return 1 if any(o.status in (Status.FAILED, Status.SKIPPED) for o in self.outcomes) else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "duration_s": round(self.duration_s, 3),
            "refused": self.refused,
            "outcomes": [o.as_dict() for o in self.outcomes],
            "summary": self.summary(),
        }


#: What a run would do with one change, as ``disposition`` in plan JSON.
WRITE = "write"  # this run would send the write (or delete)
NOTHING = "nothing"  # in sync: no write needed
NOT_APPLIED = "not-applied"  # a difference reported, deliberately not written (--team, prune blocked)
REFUSED = "refused"  # would fail: refused before any write (policy, quota, model, addresses)
EXISTING = "existing"  # someone else's resource the plan only reads (an existing hub's): never written


def disposition(change: Change) -> str:
    """Whether this run would write ``change``, or only report it, and in which way."""
    if change.existing:
        return EXISTING
    if change.action is Action.NOOP:
        return NOTHING
    if not change.allowed:
        return NOT_APPLIED
    if change.failure is not None:
        return REFUSED
    return WRITE


def refused_run(changeset: Any) -> list[Outcome]:
    """Outcomes of an apply refused before its first write: the refusals fail (0 attempts), every
    other pending change is reported as not applied, and nothing is written."""
    outcomes = []
    for change in changeset.changes.values():
        if change.action is Action.NOOP:
            outcomes.append(Outcome.of(change, Status.OK, 0, 0.0))
        elif change.failure is not None and change.stops_run and change.allowed:
            outcomes.append(Outcome(change.address, change.arm_id, change.arm_type, change.action, Status.FAILED, 0,
                                    0.0, error=f"{change.failure[0]}: {change.failure[1]}",
                                    error_code=change.failure[0], hint="refused before any write"))
        else:
            reason = change.blocked or "not written: this apply was refused before its first write (see the errors)"
            outcomes.append(replace(Outcome.of(change, Status.NOT_APPLIED, 0, 0.0), error=reason))
    return outcomes


def change_as_dict(change: Change) -> dict[str, Any]:
    """One change of a ``plan`` (nothing has been applied): ``will_write`` says whether this run
    would write it; ``disposition`` and ``not_written_because`` say why not."""
    shown = disposition(change)
    return {
        "id": change.arm_id,
        "address": change.address,
        "type": change.arm_type,
        "action": change.action.label,
        "reason": change.reason or None,
        "owner": change.owner,
        "will_write": shown == WRITE,
        "disposition": shown,
        "not_written_because": change.blocked or (change.failure[1] if change.failure else None)
        if shown in (NOT_APPLIED, REFUSED) else None,
        "failure": {"code": change.failure[0], "message": change.failure[1]} if change.failure else None,
        "items": [
            {"path": i.path, "before": _shown(i.before, i.path, change), "after": _shown(i.after, i.path, change)}
            for i in change.items
        ],
    }


def plan_summary(changes: list[Change]) -> dict[str, int]:
    counts = dict.fromkeys(SUMMARY_KEYS, 0)
    for change in changes:
        if change.failure is not None:
            counts["failed"] += 1
        elif change.allowed or change.action is Action.NOOP:
            counts[change.action.label] += 1
        else:
            counts["not_applied"] += 1
    return counts


def _shown(value: Any, path: str, change: Change) -> Any:
    if is_sensitive(path, change.secret_paths):
        return "(sensitive)"
    if value is UNKNOWN:
        return "(known after apply)"
    return value


class Reporter(Protocol):
    """Progress events from the executor (called from worker threads)."""

    def started(self, change: Change) -> None: ...

    def retrying(self, address: str, error: BaseException, delay_s: float) -> None: ...

    def done(self, outcome: Outcome) -> None: ...

    def close(self) -> None: ...


class NilReporter:
    """Reports nothing; for library callers and JSON output."""

    def started(self, change: Change) -> None:
        pass

    def retrying(self, address: str, error: BaseException, delay_s: float) -> None:
        pass

    def done(self, outcome: Outcome) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class LineReporter:
    """One plain line per event, for logs and non-TTY output."""

    stream: IO[str] = field(default_factory=lambda: sys.stdout)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _line(self, text: str) -> None:
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()

    def started(self, change: Change) -> None:
        self._line(f"  {change.action.value:>3} {change.address}: {change.action.label} started")

    def retrying(self, address: str, error: BaseException, delay_s: float) -> None:
        code = error.code if isinstance(error, ProviderError) else type(error).__name__
        self._line(f"      {address}: {code}, retrying in {delay_s:.1f}s")

    def done(self, outcome: Outcome) -> None:
        if outcome.action is Action.NOOP and outcome.status is Status.OK:
            return
        mark = {Status.OK: "ok", Status.FAILED: "FAILED", Status.SKIPPED: "skipped",
                Status.NOT_APPLIED: "not applied"}[outcome.status]
        text = f"  {outcome.action.value:>3} {outcome.address}: {mark}"
        if outcome.status is Status.OK:
            text += f" ({outcome.duration_s:.1f}s, {outcome.attempts} attempt{'s' if outcome.attempts != 1 else ''})"
        self._line(text)

    def close(self) -> None:
        pass


def render_plan_text(changes: list[Change]) -> str:
    """Terraform-like listing of the changes, with field-level before/after."""
    lines: list[str] = []
    pending = [c for c in changes if c.action is not Action.NOOP]
    for change in (c for c in changes if c.existing):
        lines.append(f"  <=  {change.address}  ({change.arm_type}, existing: read, never written)")
    for change in pending:
        lines.append(f"  {change.action.value:>3} {change.address}  ({change.arm_type})")
        if not change.allowed:
            lines.append(f"        {change.blocked}")
        if change.failure is not None:
            lines.append(f"        refused before any write: {change.failure[0]}: {change.failure[1]}")
        if change.reason and change.action is not Action.CREATE:
            lines.append(f"        reason: {change.reason}")
        for item in change.items:
            before = _shown(item.before, item.path, change)
            after = _shown(item.after, item.path, change)
            lines.append(f"        {item.path}: {before!r} -> {after!r}")
    counts = plan_summary(changes)
    if not pending:
        lines.append("No changes. The landing zone matches the plan.")
    lines.append(
        "Plan: " + ", ".join(f"{counts[k]} to {k}" for k in ("create", "update", "replace", "delete"))
        + f", {counts['noop']} unchanged."
        + "".join(f" {n} would be refused {why}." for why, n in _refusals(changes).items())
    )
    return "\n".join(lines)


#: How a refusal found before any write is described in the plan's last line, by ARM code.
REFUSAL_LABELS = {
    "RequestDisallowedByPolicy": "by Azure Policy",
    "InsufficientQuota": "for lack of quota",
    "DeploymentModelNotSupported": "by the regional model catalogue",
    "InvalidResourceProperties": "by the regional model catalogue",
    "ServiceModelDeprecated": "by the regional model catalogue",
    "ServiceModelDeprecating": "by the regional model catalogue",
    "InUsePrefixCannotBeDeleted": "to protect live addresses",
    "InUseSubnetCannotBeUpdated": "to protect live addresses",
    "NetcfgSubnetRangeOutsideVnet": "to protect live addresses",
}


def _refusals(changes: list[Change]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in changes:
        if change.failure is not None and change.allowed:
            label = REFUSAL_LABELS.get(change.failure[0], "before any write")
            counts[label] = counts.get(label, 0) + 1
    return counts


def render_report_text(report: RunReport, verb: str = "Apply") -> str:
    lines: list[str] = []
    failures = [o for o in report.outcomes if o.status is Status.FAILED]
    for outcome in failures:
        lines.append(f"error: {outcome.address} ({outcome.arm_id})")
        lines.append(f"    {outcome.error}")
        if outcome.hint:
            lines.append(f"    hint: {outcome.hint}")
    foreign = [o for o in report.outcomes if o.status is Status.NOT_APPLIED]
    if report.refused:
        lines.append(f"Refused before any write: nothing was written; {len(foreign)} other change(s) not applied.")
    elif foreign:
        lines.append(f"{len(foreign)} change(s) reported but not applied:")
        lines.extend(f"    {o.address}: {o.error}" for o in foreign)
    skipped = [o for o in report.outcomes if o.status is Status.SKIPPED]
    if skipped:
        lines.append(f"{len(skipped)} resource(s) not attempted because a dependency failed:")
        lines.extend(f"    {o.address}" for o in skipped)
    counts = report.summary()
    changed = counts["create"] + counts["update"] + counts["replace"] + counts["delete"]
    verdict = f"{verb} failed" if failures or skipped else (f"{verb} complete" if changed else "No changes")
    words = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted", "noop": "unchanged"}
    lines.append(
        f"{verdict}: " + ", ".join(f"{counts[k]} {w}" for k, w in words.items())
        + f", {counts['failed']} failed, {counts['skipped']} skipped in {report.duration_s:.1f}s."
    )
    return "\n".join(lines)


class LiveReporter:
    """Live progress on a terminal (rich): finished resources scroll, running ones stay pinned.

    Used by the CLI when stdout is a TTY; ``LineReporter`` otherwise.
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live

        self._console = Console()
        self._running: dict[str, tuple[Change, float]] = {}
        self._lock = threading.Lock()
        # get_renderable: rich redraws the running table on every refresh, so elapsed times tick.
        # Started on the first event, not here: a confirmation question comes before any event
        # and must not be drawn over.
        self._live = Live(get_renderable=self._render, console=self._console, refresh_per_second=8, transient=True)

    def _render(self) -> Any:
        from rich.table import Table

        table = Table.grid(padding=(0, 1))
        now = time.monotonic()
        with self._lock:
            running = list(self._running.values())
        for change, since in running:
            table.add_row("[cyan]…[/]", f"{change.action.label}", change.address, f"{now - since:5.1f}s")
        return table

    def started(self, change: Change) -> None:
        with self._lock:
            self._running[change.address] = (change, time.monotonic())
            if not self._live.is_started:
                self._live.start()

    def retrying(self, address: str, error: BaseException, delay_s: float) -> None:
        code = error.code if isinstance(error, ProviderError) else type(error).__name__
        self._console.print(f"  [yellow]↻[/] {address}: {code}, retrying in {delay_s:.1f}s")

    def done(self, outcome: Outcome) -> None:
        with self._lock:
            self._running.pop(outcome.address, None)
        if outcome.action is Action.NOOP and outcome.status is Status.OK:
            return
        style = {Status.OK: "[green]✓[/]", Status.FAILED: "[red]✗[/]", Status.SKIPPED: "[dim]-[/]",
                 Status.NOT_APPLIED: "[yellow]![/]"}[outcome.status]
        detail = f" ({outcome.duration_s:.1f}s)" if outcome.status is Status.OK else ""
        self._console.print(f"  {style} {outcome.action.label:<7} {outcome.address}{detail}")

    def close(self) -> None:
        if self._live.is_started:
            self._live.stop()
