"""Per-resource timeline of one apply, and where its time above the bound went.

Who uses it: ``tests/bench/bench_scale.py`` passes a ``Timeline`` to the engine as its reporter
(the executor sends it the scheduler's events: ready, parked on a busy key, dispatched to a
worker, running, finished; the reporter's ``retrying`` gives the retry waits) and reads the
pacer's per-resource waits (``Pacer.waited_by``) after the run. ``analyse`` then walks the
chain that ended last back to the start: each link is gated either by a dependency or by the
serialisation key its predecessor in the queue released, and its seconds are split into what
the emulator's latency model charges, waits at the pacer, waits between retries, waiting for a
worker or a key, and the rest (round trips, polling, the scheduler's reaction).

Run ``python tests/bench/timeline.py FILE`` on a timeline the benchmark saved (``--timeline``)
to print the analysis again.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter, defaultdict
from typing import Any


class Timeline:
    """A reporter that records, per resource address, when each scheduler event happened."""

    def __init__(self) -> None:
        self.events: dict[str, dict[str, float]] = defaultdict(dict)
        self.keys: dict[str, str] = {}  # address -> serialisation key it held
        self.retry_s: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    # -- the executor's trace hook and the Reporter protocol ------------------------------------
    def trace(self, address: str, event: str, seconds: float, detail: str | None = None) -> None:
        with self._lock:
            events = self.events[address]
            if event == "parked":  # the first time counts: parked again after a wake-up is the same wait
                events.setdefault(event, seconds)
            else:
                events[event] = seconds
            if event == "dispatched" and detail:
                self.keys[address] = detail

    def started(self, change: Any) -> None:
        pass

    def retrying(self, address: str, error: BaseException, delay_s: float) -> None:
        with self._lock:
            self.retry_s[address] += delay_s

    def done(self, outcome: Any) -> None:
        pass

    # -- persistence ----------------------------------------------------------------------------
    def rows(self, pacer_waits: dict[tuple[str, str], float], types: dict[str, str],
             latency_s: dict[str, float], depends: dict[str, list[str]]) -> list[dict[str, Any]]:
        """One row per resource, times relative to the first event."""
        start = min((t for ev in self.events.values() for t in ev.values()), default=0.0)
        waits: dict[str, dict[str, float]] = defaultdict(dict)
        for (address, op_class), seconds in pacer_waits.items():
            waits[address][op_class] = round(seconds, 3)
        out = []
        for address, ev in self.events.items():
            out.append({
                "address": address, "type": types.get(address, ""), "model_s": latency_s.get(address, 0.0),
                **{name: round(t - start, 3) for name, t in ev.items()},
                "key": self.keys.get(address), "pacer_s": waits.get(address, {}),
                "retry_s": round(self.retry_s.get(address, 0.0), 3), "depends_on": depends.get(address, []),
            })
        return out


def analyse(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The chain that finished last, walked back to the start, and where its seconds went."""
    by = {r["address"]: r for r in rows if "finished" in r}
    if not by:
        return {}
    holders: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for r in by.values():
        if r.get("key"):
            holders[r["key"]].append((r["finished"], r["address"]))
    for items in holders.values():
        items.sort()
    last = max(by.values(), key=lambda r: r["finished"])
    totals: Counter[str] = Counter()
    chain: list[dict[str, Any]] = []
    current: dict[str, Any] | None = last
    while current is not None:
        dispatched = current.get("dispatched", current.get("ready", 0.0))
        running = current.get("running", dispatched)
        deps = [by[d] for d in current["depends_on"] if d in by]
        dep = max(deps, key=lambda r: r["finished"], default=None)
        releaser = None
        if current.get("parked") is not None and current.get("key"):
            before = [a for f, a in holders[current["key"]] if f <= dispatched + 1e-6 and a != current["address"]]
            releaser = by[before[-1]] if before else None
        gate, reason = dep, "dependency"
        if releaser is not None and (dep is None or releaser["finished"] > dep["finished"]):
            gate, reason = releaser, "key"
        gate_end = gate["finished"] if gate else 0.0
        service = current["finished"] - running
        pacer = sum(current.get("pacer_s", {}).values())
        retry = current.get("retry_s", 0.0)
        model = min(current.get("model_s", 0.0), service)
        ready = current.get("ready", gate_end)
        link = {
            "address": current["address"], "type": current["type"], "gated_by": reason,
            "scheduler_s": max(0.0, min(ready, dispatched) - gate_end) if reason == "dependency"
            else max(0.0, dispatched - gate_end),
            "worker_wait_s": max(0.0, dispatched - ready) if reason == "dependency" and current.get("parked") is None
            else 0.0,
            "key_wait_s": max(0.0, dispatched - max(ready, gate_end)) if reason == "dependency" and
            current.get("parked") is not None else 0.0,
            "thread_start_s": max(0.0, running - dispatched),
            "model_s": model, "pacer_s": min(pacer, service - model),
            "retry_s": min(retry, max(0.0, service - model - pacer)),
        }
        link["other_s"] = max(0.0, service - model - link["pacer_s"] - link["retry_s"])
        for name in ("scheduler_s", "worker_wait_s", "key_wait_s", "thread_start_s", "model_s", "pacer_s", "retry_s",
                     "other_s"):
            totals[name] += link[name]
        chain.append({k: round(v, 3) if isinstance(v, float) else v for k, v in link.items()})
        current = gate
    chain.reverse()
    return {
        "wall_s": round(last["finished"], 1),
        "chain_length": len(chain),
        "chain_seconds": {k: round(v, 1) for k, v in totals.items()},
        "chain_types": dict(Counter(link["type"].rsplit("/", 1)[-1] for link in chain).most_common()),
        "chain_gated_by_key": sum(link["gated_by"] == "key" for link in chain),
        "chain": chain,
        "all_pacer_s": {c: round(sum(r.get("pacer_s", {}).get(c, 0.0) for r in by.values()), 1)
                        for c in ("reads", "writes", "deletes")},
        "all_retry_s": round(sum(r.get("retry_s", 0.0) for r in by.values()), 1),
    }


def summary(analysis: dict[str, Any]) -> str:
    """A few lines for people: the chain's seconds by cause, and its links grouped by type."""
    if not analysis:
        return "no timeline"
    lines = [f"critical chain: {analysis['chain_length']} links ending at {analysis['wall_s']} s; "
             f"{analysis['chain_gated_by_key']} gated by a serialisation key",
             "  seconds on it: " + ", ".join(f"{k[:-2]} {v}" for k, v in analysis["chain_seconds"].items()),
             "  links by type: " + ", ".join(f"{t} {n}" for t, n in analysis["chain_types"].items()),
             f"  all resources: pacer waits {analysis['all_pacer_s']}, retry waits {analysis['all_retry_s']} s"]
    return "\n".join(lines)


if __name__ == "__main__":
    saved = json.loads(open(sys.argv[1], encoding="utf-8").read())
    result = analyse(saved["rows"] if isinstance(saved, dict) else saved)
    print(summary(result))
    for link in result.get("chain", [])[:200]:
        print(json.dumps(link))
