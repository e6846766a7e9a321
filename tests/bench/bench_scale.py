"""Benchmark at scale: one command, every figure of issue 12 beside its goal, as JSON and a table.

Run: ``python tests/bench/bench_scale.py [--spokes 100] [--time-scale 0.1] [--seeds 20] [--quick]``

1. ``apply``: the N-spoke estate (``tests/bench/estate.py``) against an emulator in its own
   process with ARM's throttling on, refilling at ARM's rates on the emulator's clock
   (``--throttle scaled``: everything, latencies and refills, runs ``1/time_scale`` times faster
   than Azure). Wall time over max(critical path, ARM write budget), both on the emulator's
   clock: the critical path is the longest latency-weighted dependency chain (writes that ARM
   serialises per key queue behind each other); the write budget is the time ARM's write bucket
   (200, refilled at 10/s) needs for the writes the apply made. Goal <= 1.15, zero failures.
   Beside it (``bounds``): the longest chain of dependencies alone and the earliest end of the
   longest serialised queue, to show which of the two limits the apply; and the apply's
   timeline (``tests/bench/timeline.py``: where the seconds of the chain that ended last went).
   ``--apply-only`` runs just this part, ``--timeline FILE`` keeps the per-resource rows.
2. ``no-change apply``: the same apply again; reads per resource (goal <= 0.3), zero writes; first
   with one GET per resource no list returns (no landing zone), then as ``lzengine apply`` runs
   it, validated by the Activity Log (``validated_no_change``: adopt, first, steady).
3. ``validate + compile + diff`` of the estate in a fresh process: CPU seconds and peak RSS
   (goals < 3 s, < 300 MB).
4. ``fault soak``: ``plans/ai-landing-zone.yaml`` against ``--seeds`` emulators with 10% faults of
   every kind (time scale 0); converged = exit 0 and a second apply with nothing to do (goal:
   all seeds).
5. The existing figures of ``tests/bench/bench_apply.py`` (skipped with ``--quick``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from lzengine.adapters.azure_sdk import AzureSdkAdapter, Connection, StaticTokenCredential  # noqa: E402
from lzengine.compile import compile_plan  # noqa: E402
from lzengine.engine import Engine, EngineOptions  # noqa: E402
from lzengine.plan import load_plan, load_plan_text  # noqa: E402
from lzengine.retry import RetryPolicy  # noqa: E402
from tests.bench.bench_apply import critical_path  # noqa: E402
from tests.bench.estate import estate_text  # noqa: E402
from tests.bench.timeline import Timeline, analyse, summary  # noqa: E402

WRITE_BUCKET, WRITE_REFILL = 200, 10.0
READ_BUCKET, READ_REFILL = 250, 25.0
SOAK_FAULTS = "rate=0.1,kinds=500+503+429+reset+lro-failed+conflict"


class ExternalEmulator:
    """``lzengine emulator serve`` in its own process (so it does not share our GIL)."""

    def __init__(self, *args: str) -> None:
        self.args = args

    def __enter__(self) -> ExternalEmulator:
        self.proc = subprocess.Popen([sys.executable, "-m", "lzengine", "emulator", "serve", *self.args],
                                     stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
        info = json.loads(self.proc.stdout.readline())  # type: ignore[union-attr]
        self.url, self.ca_file, self.token = info["url"], info["ca_file"], info["token"]
        self.subscription_id = info["subscription_id"]
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(30)

    def admin(self, method: str, path: str) -> Any:
        response = requests.request(method, f"{self.url}{path}", headers={"Authorization": f"Bearer {self.token}"},
                                    verify=self.ca_file, timeout=60)
        response.raise_for_status()
        return response.json() if response.content else None

    def connection(self, speedup: float) -> Connection:
        return Connection(self.subscription_id, StaticTokenCredential(self.token), base_url=self.url,
                          ca_file=self.ca_file, polling_interval=0.01, pacing_speedup=speedup)


def scale_apply(spokes: int, scale: float, parallelism: int | None, observed_file: Path,
                timeline_file: Path | None = None, *, no_change: bool = True) -> dict[str, Any]:
    """The throttled apply, then the no-change apply; leaves the converged bodies (by address)
    and the subscription id in ``observed_file`` for the cost figure's diff. The first apply is
    traced (``tests/bench/timeline.py``): its analysis is in the figures, its per-resource rows
    in ``timeline_file`` when given."""
    text = estate_text(spokes)
    with ExternalEmulator("--time-scale", str(scale), "--throttle", "scaled") as emu:
        graph = compile_plan(load_plan_text(text), emu.subscription_id)
        latency = emu.admin("GET", "/_emulator/latency")["types"]
        path = critical_path(graph, latency, scale)
        limits = bounds(graph, latency, scale)
        speedup = 1 / scale if scale > 0 else float("inf")

        def apply(reporter: Any = None) -> tuple[Any, float, AzureSdkAdapter]:
            adapter = AzureSdkAdapter(emu.connection(speedup))
            engine = Engine(adapter, EngineOptions(parallelism=parallelism, retry=RetryPolicy(backoff_scale=scale)),
                            reporter=reporter)
            started = time.perf_counter()
            report = engine.apply(graph)
            return report, time.perf_counter() - started, adapter

        emu.admin("POST", "/_emulator/stats/reset")
        timeline = Timeline()
        report, wall, adapter = apply(timeline)
        stats = emu.admin("GET", "/_emulator/stats")
        rows = timeline.rows(adapter.pacer.waited_by, {n.address: n.kind.arm_type for n in graph},
                             {n.address: _create_s(n, latency, scale) for n in graph},
                             {n.address: sorted(n.depends_on) for n in graph})
        if timeline_file is not None:
            timeline_file.write_text(json.dumps({"spokes": spokes, "time_scale": scale, "bounds": limits,
                                                 "rows": rows}))
        traced = analyse(rows)
        traced.pop("chain", None)
        failures = [o for o in report.outcomes if o.status.value != "succeeded"]
        throttled = adapter.pacer.stats.throttled
        adapter.close()
        # ARM's bucket at the start, then its refill for the rest; a write answered 429 took no token
        refused = adapter.pacer.stats.throttled_by_class
        write_budget = max(0, stats["writes"] - refused.get("writes", 0) - WRITE_BUCKET) / WRITE_REFILL * scale
        # shown beside the goal's bound, not in it: the polls of long-running operations are reads
        read_budget = max(0, stats["reads"] - refused.get("reads", 0) - READ_BUCKET) / READ_REFILL * scale
        bound = max(path, write_budget)
        result = {
            "spokes": spokes, "resources": len(graph), "time_scale": scale,
            "parallelism": parallelism or f"auto ({auto_workers(graph)})",
            "apply_wall_s": round(wall, 1), "critical_path_s": round(path, 1),
            "write_budget_s": round(write_budget, 1), "read_budget_s": round(read_budget, 1),
            "apply_over_bound": round(wall / bound, 3) if bound else None,
            "apply_over_dependency_bound": round(wall / max(limits["dependency_path_s"], write_budget), 3)
            if bound else None,
            "failed": len(failures), "failures": [f"{o.address}: {o.error}" for o in failures[:5]],
            "requests": {k: stats[k] for k in ("reads", "writes", "deletes")}, "throttled_429": throttled,
            "bounds": limits, "timeline": traced,
        }
        if not no_change:
            return result
        emu.admin("POST", "/_emulator/stats/reset")
        again, again_wall, adapter2 = apply()
        again_stats = emu.admin("GET", "/_emulator/stats")
        observed_file.write_text(json.dumps({"subscription": emu.subscription_id,
                                             "observed": Engine(adapter2).observe(graph)}))
        adapter2.close()
        validated = validated_no_change(emu, graph, speedup, scale, parallelism)
    return {
        **result,
        "no_change_apply": {
            "wall_s": round(again_wall, 1), "reads": again_stats["reads"], "writes": again_stats["writes"],
            "reads_per_resource": round(again_stats["reads"] / len(graph), 3),
            "reads_by_type": dict(sorted(again_stats["by_type"].items(), key=lambda kv: -kv[1])),
            "all_noop": all(o.action.name == "NOOP" for o in again.outcomes),
        },
        "validated_no_change": validated,
    }


def validated_no_change(emu: ExternalEmulator, graph: Any, speedup: float, scale: float,
                        parallelism: int | None) -> dict[str, Any]:
    """No-change applies as ``lzengine apply`` runs them, with the landing zone's control zone
    (``lzengine.verified``: a resource no list returns is read only when the Activity Log shows it
    touched since the last converged run). The estate above was applied without a landing zone, so
    the first run here adopts it: it writes an ownership record with the desired-body hash for every
    child, and the checkpoint. Then two no-change runs, ten minutes apart on the emulator's clock:
    the first reads the log back over the adoption run's writes, the second is the steady state."""
    runs = []
    for name in ("adopt", "first", "steady"):
        adapter = AzureSdkAdapter(emu.connection(speedup))
        engine = Engine(adapter, EngineOptions(parallelism=parallelism, retry=RetryPolicy(backoff_scale=scale),
                                               landing_zone="estate"))
        emu.admin("POST", "/_emulator/stats/reset")
        started = time.perf_counter()
        report = engine.apply(graph)
        wall = time.perf_counter() - started
        stats = emu.admin("GET", "/_emulator/stats")
        adapter.close()
        runs.append({
            "run": name, "wall_s": round(wall, 1), "reads": stats["reads"], "writes": stats["writes"],
            "reads_per_resource": round(stats["reads"] / len(graph), 3),
            "unchanged_without_read": len(engine.unchanged),
            "reads_by_type": dict(sorted(stats["by_type"].items(), key=lambda kv: -kv[1])[:8]),
            "all_noop": all(o.action.name == "NOOP" for o in report.outcomes),
            "failed": sum(1 for o in report.outcomes if o.status.value != "succeeded"),
        })
        requests.post(f"{emu.url}/_emulator/clock", json={"advance": 600}, verify=emu.ca_file, timeout=60,
                      headers={"Authorization": f"Bearer {emu.token}"}).raise_for_status()
    return {"runs": runs, "goal_figure": "steady"}


def _create_s(node: Any, latency: dict[str, dict[str, float]], scale: float) -> float:
    """What the emulator's latency model charges for creating ``node``, on its clock."""
    return latency.get(node.kind.arm_type.lower(), {}).get("create", 0.0) * scale


def bounds(graph: Any, latency: dict[str, dict[str, float]], scale: float) -> dict[str, Any]:
    """The lower bounds beside the goal's: the longest chain of dependencies alone (ARM's
    serialisation ignored), and for the longest serialised queue the earliest it can finish
    (its writes one after another, each no earlier than its dependencies allow: max over j of
    r_j + the seconds of every write of the queue ready at r_j or later). The goal's critical
    path (``critical_path``) counts both at once; when it equals the queue's bound, the queue is
    what limits the apply, not a chain of dependencies."""
    from lzengine.executor import serialization_key

    earliest: dict[str, float] = {}
    finish: dict[str, float] = {}
    queues: dict[str, list[str]] = {}
    for address in graph.order():
        node = graph.nodes[address]
        earliest[address] = max((finish[d] for d in node.depends_on if d in finish), default=0.0)
        finish[address] = earliest[address] + _create_s(node, latency, scale)
        key = serialization_key(node, node.body)
        if key is not None:
            queues.setdefault(key, []).append(address)
    best: dict[str, Any] = {"seconds": 0.0}
    for key, members in queues.items():
        members.sort(key=lambda a: earliest[a])
        durations = [_create_s(graph.nodes[a], latency, scale) for a in members]
        tail, end = 0.0, 0.0
        for index in range(len(members) - 1, -1, -1):
            tail += durations[index]
            end = max(end, earliest[members[index]] + tail)
        if end > best["seconds"]:
            best = {"seconds": round(end, 1), "key": key.rsplit("/providers/", 1)[-1], "writes": len(members),
                    "work_s": round(sum(durations), 1), "first_ready_s": round(earliest[members[0]], 1)}
    return {"dependency_path_s": round(max(finish.values(), default=0.0), 1), "longest_queue": best}


def auto_workers(graph: Any) -> int:
    """What ``parallelism=None`` gives a first apply of ``graph`` (everything to create)."""
    from lzengine.diff import Action, Change
    from lzengine.executor import ChangeSet, _downstream_time, auto_parallelism

    changes = ChangeSet({n.address: Change(Action.CREATE, n.address, n.arm_id, n.kind.arm_type) for n in graph}, {})
    rank = _downstream_time(graph, changes, graph.prerequisites_map(), reverse=False)
    return auto_parallelism(graph, changes, rank)


COST_SCRIPT = """
import json, resource, sys, time
start = time.process_time()
from lzengine.plan import load_plan
from lzengine.compile import compile_plan
from lzengine.diff import decide
from lzengine import refs
plan = load_plan(sys.argv[1])
live = json.load(open(sys.argv[2]))
graph = compile_plan(plan, live["subscription"])
observed = live["observed"]
compiled = time.process_time()
changes = 0
for address in graph.order():
    node = graph.nodes[address]
    body = refs.resolve(node.body, observed)
    change = decide(address, node.arm_id, node.kind, body, observed.get(address), owner=node.owner,
                    ignore_paths=node.ignore_paths)
    changes += change.action.name != "NOOP"
done = time.process_time()
print(json.dumps({"resources": len(graph), "cpu_s": round(done - start, 2),
                  "validate_compile_cpu_s": round(compiled - start, 2), "diff_cpu_s": round(done - compiled, 2),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "changes": changes}))
"""


def cost(spokes: int, observed_file: Path) -> dict[str, Any]:
    """Validate + compile + diff against the converged estate (the JSON load of the live bodies
    included), in a fresh interpreter, imports included."""
    plan = observed_file.with_name("estate.yaml")
    plan.write_text(estate_text(spokes))
    out = subprocess.run([sys.executable, "-c", COST_SCRIPT, str(plan), str(observed_file)], capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return json.loads(out.stdout)


def soak(seeds: int) -> dict[str, Any]:
    plan = load_plan(REPO / "plans" / "ai-landing-zone.yaml")
    converged, details = 0, []
    for seed in range(seeds):
        with ExternalEmulator("--time-scale", "0", "--throttle", "off", "--faults", SOAK_FAULTS,
                              "--seed", str(seed)) as emu:
            graph = compile_plan(plan, emu.subscription_id)
            adapter = AzureSdkAdapter(emu.connection(float("inf")))
            engine = Engine(adapter, EngineOptions(retry=RetryPolicy(backoff_scale=0.0)))
            first = engine.apply(graph)
            second = engine.plan(graph)
            adapter.close()
            ok = first.exit_code == 0 and not second.pending()
            converged += ok
            if not ok:
                details.append({"seed": seed, "failed": [f"{o.address}: {o.error}" for o in first.outcomes
                                                         if o.status.value == "failed"][:3],
                                "pending_after": len(second.pending())})
    return {"seeds": seeds, "converged": converged, "faults": SOAK_FAULTS, "not_converged": details}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spokes", type=int, default=100)
    parser.add_argument("--time-scale", type=float, default=0.1)
    parser.add_argument("--parallelism", default="auto",
                        help="operations in flight: a number, or auto (the default of lzengine apply)")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="skip the existing bench_apply figures")
    parser.add_argument("--timeline", type=Path, help="save the first apply's per-resource timeline (JSON) here")
    parser.add_argument("--apply-only", action="store_true",
                        help="only the throttled apply and its timeline analysis (for iterating on the scheduler)")
    args = parser.parse_args()
    if args.apply_only:
        with tempfile.TemporaryDirectory() as tmp:
            apply_figures = scale_apply(args.spokes, args.time_scale, None if args.parallelism == "auto"
                                        else int(args.parallelism), Path(tmp) / "observed.json", args.timeline,
                                        no_change=False)
        print(json.dumps(apply_figures))
        print(summary(apply_figures["timeline"]))
        return
    figures: dict[str, Any] = {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")}
    with tempfile.TemporaryDirectory() as tmp:
        observed_file = Path(tmp) / "observed.json"
        parallelism = None if args.parallelism == "auto" else int(args.parallelism)
        figures["apply"] = scale_apply(args.spokes, args.time_scale, parallelism, observed_file, args.timeline)
        figures["cost"] = cost(args.spokes, observed_file)
    figures["soak"] = soak(args.seeds)
    if not args.quick:
        from tests.bench.bench_apply import run

        figures["bench_apply"] = [run(REPO / "plans" / p, 0.01, parallelism)
                                  for p in ("ai-landing-zone.yaml", "multi-spoke.yaml")]
    figures["bench_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))
    a, c, s = figures["apply"], figures["cost"], figures["soak"]
    spokes_half = max(1, a["spokes"] // 2)  # a type read about once per spoke or more: read per resource
    rows = [
        ("Figure", "Value", "Goal"),
        (f"apply {a['spokes']} spokes ({a['resources']} resources), throttled, time scale {a['time_scale']:g}, "
         f"parallelism {a['parallelism']}", f"{a['apply_wall_s']} s", ""),
        ("  critical path / ARM write budget / read budget (emulator clock)",
         f"{a['critical_path_s']} s / {a['write_budget_s']} s / {a['read_budget_s']} s", ""),
        ("  apply wall / max(critical path, write budget)", f"{a['apply_over_bound']}", "<= 1.15"),
        ("  longest chain of dependencies alone; longest serialised queue's earliest end",
         f"{a['bounds']['dependency_path_s']} s; {a['bounds']['longest_queue'].get('seconds')} s "
         f"({a['bounds']['longest_queue'].get('writes')} writes on {a['bounds']['longest_queue'].get('key')})", ""),
        ("  apply wall / max(dependency chain, write budget)", f"{a['apply_over_dependency_bound']}", ""),
        ("  failed resources; 429s met", f"{a['failed']}; {a['throttled_429']}", "0; rare"),
        ("no-change apply: reads per resource", f"{a['no_change_apply']['reads_per_resource']} "
         f"({a['no_change_apply']['reads']} reads, {a['no_change_apply']['writes']} writes)", "<= 0.3, 0 writes"),
        ("  of which GETs of types no list returns", ", ".join(
            f"{t.rsplit('/', 1)[-1]} {n}" for t, n in a['no_change_apply']['reads_by_type'].items() if n > spokes_half),
         ""),
        *[(f"no-change apply with the Activity Log ({r['run']}): reads per resource",
           f"{r['reads_per_resource']} ({r['reads']} reads, {r['writes']} writes, "
           f"{r['unchanged_without_read']} unread, {r['failed']} failed)", "<= 0.3" if r["run"] == "steady" else "")
          for r in a["validated_no_change"]["runs"]],
        (f"validate + compile + diff, {c['resources']} resources: CPU", f"{c['cpu_s']} s "
         f"(load+compile {c['validate_compile_cpu_s']} s, diff {c['diff_cpu_s']} s)", "< 3 s"),
        ("  peak memory (RSS, whole process)", f"{c['peak_rss_mb']} MB", "< 300 MB"),
        (f"fault soak, ai-landing-zone, {s['faults']}", f"{s['converged']}/{s['seeds']}", f"{s['seeds']}/{s['seeds']}"),
    ]
    for b in figures.get("bench_apply", []):
        rows.append((f"bench_apply {b['plan']}: converge / critical path",
                     f"{b['converge_s'] / b['critical_path_s']:.2f}", "<= 1.10"))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)))
    print(summary(a["timeline"]))


if __name__ == "__main__":
    main()
