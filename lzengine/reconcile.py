"""Scheduled drift reconciliation: detect drift, converge it, one record per cycle, repeat.

Who uses it: ``lzengine reconcile`` (and library callers with a ``LandingZone``). A cycle plans
once (the plan's decisions are the drift report), applies those same decisions when anything
drifted, and hands one ``CycleRecord`` to ``on_cycle``. A cycle that fails — Azure answering
5xx, a token that cannot be fetched, a resource that fails — is recorded and the loop goes on;
only ``stop`` (set on SIGTERM/SIGINT by the CLI) or ``max_runs`` ends it. Setting ``stop``
during a cycle lets the operations in flight finish (the executor starts no new ones). The wait
between cycles goes through ``wait`` (default ``stop.wait``), so tests never sleep.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lzengine.drift import drift_report
from lzengine.errors import ProviderError

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> float:
    """Seconds in ``"90"``, ``"30s"``, ``"15m"``, ``"1h30m"``; ValueError with a hint otherwise."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    parts = _DURATION.findall(text)
    if not text or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"invalid duration {text!r}: use e.g. 30s, 15m, 1h or 1h30m")
    return sum(float(n) * _UNITS[u] for n, u in parts)


@dataclass
class CycleRecord:
    """What one reconcile cycle found and did."""

    cycle: int
    started_at: str
    status: str  # in-sync | repaired | failed | error | stopped
    duration_s: float = 0.0
    drifted: list[str] = field(default_factory=list)  # addresses
    missing: int = 0
    summary: dict[str, int] = field(default_factory=dict)  # the apply's counts, when it ran
    error: str | None = None
    error_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"event": "cycle", "cycle": self.cycle, "started_at": self.started_at, "status": self.status,
                "duration_s": round(self.duration_s, 3), "drifted": self.drifted, "missing": self.missing,
                "summary": self.summary, "error": self.error, "error_code": self.error_code}

    def render(self) -> str:
        text = f"cycle {self.cycle}: {self.status} in {self.duration_s:.1f}s"
        if self.drifted:
            text += f"; drifted: {', '.join(self.drifted)}"
        if self.summary:
            text += "; " + ", ".join(f"{v} {k}" for k, v in self.summary.items() if v and k != "noop")
        if self.error:
            text += f"; error: {self.error}"
        return text


def run_cycle(zone: Any, number: int, *, allow_destructive: bool = False,
              clock: Callable[[], float] = time.monotonic) -> CycleRecord:
    """One cycle: plan, and apply the plan's own decisions when anything drifted."""
    from lzengine.logs import now_iso

    started = clock()
    record = CycleRecord(number, now_iso(), "in-sync")
    try:
        plan = zone.plan()
        report = drift_report(plan.changes, len(plan.changes))
        record.drifted = [d.address for d in report.drifted]
        record.missing = report.summary()["missing"]
        if plan.refused:
            record.status = "failed"
            record.error = "Azure Policy would refuse: " + ", ".join(c.address for c in plan.refused)
        elif report.has_drift or plan.has_changes:
            result = zone.apply(plan=plan, allow_destructive=allow_destructive)
            record.summary = {k: v for k, v in result.summary().items() if v}
            stopped = zone.stop is not None and zone.stop.is_set()
            record.status = "repaired" if result.ok else "stopped" if stopped else "failed"
            if result.failed:
                first = result.failed[0]
                record.error, record.error_code = f"{first.address}: {first.error}", first.error_code
    except Exception as exc:  # noqa: BLE001 - the cycle failed; the next one tries again
        record.status = "error"
        record.error = str(exc)
        record.error_code = exc.code if isinstance(exc, ProviderError) else type(exc).__name__
    record.duration_s = clock() - started
    return record


def reconcile_loop(
    zone: Any,
    *,
    every_s: float,
    jitter_s: float = 0.0,
    max_runs: int | None = None,
    stop: threading.Event | None = None,
    allow_destructive: bool = False,
    on_cycle: Callable[[CycleRecord], None] = lambda record: None,
    wait: Callable[[float], Any] | None = None,
    rng: random.Random | None = None,
) -> list[CycleRecord]:
    """Run cycles until ``stop`` is set or ``max_runs`` cycles ran; returns the records."""
    stop = stop or threading.Event()
    wait = wait or stop.wait
    rng = rng or random.Random()
    records: list[CycleRecord] = []
    while not stop.is_set():
        record = run_cycle(zone, len(records) + 1, allow_destructive=allow_destructive)
        records.append(record)
        on_cycle(record)
        if max_runs is not None and len(records) >= max_runs:
            break
        if stop.is_set():
            break
        wait(every_s + (rng.uniform(0, jitter_s) if jitter_s > 0 else 0.0))
    return records
