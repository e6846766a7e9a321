"""Benchmark: how close ``apply`` gets to the critical path of the landing zone graph.

Run: ``python tests/bench/bench_apply.py [--time-scale 0.01] [plans/*.yaml ...]``

For each plan, against a fresh emulator with its latency model scaled by ``--time-scale``:
- the critical path: the longest latency-weighted path through the graph, where writes that
  ARM serialises per parent (subnets of one VNet ...) count one after another;
- the wall time of ``apply`` with the default parallelism, and its ratio to the critical path
  (goal: within 10%);
- the requests of a second, no-change apply (goal: 0 writes);
- the wall time with ``--parallelism 1`` (a script that creates one resource at a time), and
  the speed-up of the default over it.
Not a test: it prints figures next to their goals.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import requests

from lzengine.adapters.azure_sdk import AzureSdkAdapter, Connection, StaticTokenCredential
from lzengine.compile import compile_plan
from lzengine.emulator import Emulator
from lzengine.engine import Engine, EngineOptions
from lzengine.executor import serialization_key
from lzengine.graph import Graph
from lzengine.plan import load_plan
from lzengine.retry import RetryPolicy

REPO = Path(__file__).resolve().parents[2]


def admin(emu: Emulator, method: str, path: str) -> Any:
    response = requests.request(method, f"{emu.url}{path}", headers={"Authorization": f"Bearer {emu.token}"},
                                verify=emu.ca_file, timeout=30)
    response.raise_for_status()
    return response.json() if response.content else None


def critical_path(graph: Graph, latency: dict[str, dict[str, float]], scale: float) -> float:
    """Longest latency-weighted path; per-parent serialised writes queue behind each other."""
    def cost(address: str) -> float:
        node = graph.nodes[address]
        return latency.get(node.kind.arm_type.lower(), {}).get("create", 0.0) * scale

    finish: dict[str, float] = {}
    queue_free: dict[str, float] = {}
    for address in graph.order():
        node = graph.nodes[address]
        start = max((finish[d] for d in node.depends_on if d in finish), default=0.0)
        key = serialization_key(node, node.body)
        if key is not None:
            start = max(start, queue_free.get(key, 0.0))
            queue_free[key] = start + cost(address)
        finish[address] = start + cost(address)
    return max(finish.values(), default=0.0)


def run(plan_path: Path, scale: float, parallelism: int | None) -> dict[str, Any]:
    plan = load_plan(plan_path)
    with Emulator(time_scale=scale, throttle="scaled") as emu:
        graph = compile_plan(plan, emu.subscription_id)
        latency = admin(emu, "GET", "/_emulator/latency")["types"]
        connection = Connection(emu.subscription_id, StaticTokenCredential(emu.token), base_url=emu.url,
                                ca_file=emu.ca_file, polling_interval=0.02)

        def apply(par: int) -> tuple[float, float]:
            """(whole apply incl. reads and first SDK imports, converge phase only) in seconds."""
            adapter = AzureSdkAdapter(connection)
            engine = Engine(adapter, EngineOptions(parallelism=par, retry=RetryPolicy(backoff_scale=scale)))
            started = time.perf_counter()
            changeset = engine.plan(graph)
            converging = time.perf_counter()
            report = engine.apply(graph, changeset)
            finished = time.perf_counter()
            adapter.close()
            assert report.exit_code == 0, [o.error for o in report.outcomes if o.error]
            return finished - started, finished - converging

        wall, converge = apply(parallelism)
        admin(emu, "POST", "/_emulator/stats/reset")
        second_wall, _ = apply(parallelism)
        second = admin(emu, "GET", "/_emulator/stats")
        admin(emu, "POST", "/_emulator/reset")
        serial, serial_converge = apply(1)
        return {
            "plan": str(plan_path.relative_to(REPO)) if plan_path.is_relative_to(REPO) else str(plan_path),
            "resources": len(graph),
            "critical_path_s": round(critical_path(graph, latency, scale), 3),
            "apply_s": round(wall, 3),
            "converge_s": round(converge, 3),
            "second_apply_s": round(second_wall, 3),
            "second_apply": {k: second[k] for k in ("reads", "writes", "deletes")},
            "one_at_a_time_s": round(serial, 3),
            "one_at_a_time_converge_s": round(serial_converge, 3),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plans", nargs="*", default=[str(REPO / "plans" / "ai-landing-zone.yaml")])
    parser.add_argument("--time-scale", type=float, default=0.01)
    parser.add_argument("--parallelism", type=int, default=8)
    args = parser.parse_args()
    for plan in args.plans:
        figures = run(Path(plan).resolve(), args.time_scale, args.parallelism)
        path = figures["critical_path_s"] or float("nan")
        print(json.dumps(figures))
        print(f"  converge / critical path:     {figures['converge_s'] / path:.2f}  (goal <= 1.10)")
        print(f"  whole apply / critical path:  {figures['apply_s'] / path:.2f}  (reads and SDK imports included)")
        print(f"  second apply: {figures['second_apply']}  (goal: 0 writes)")
        print(f"  speed-up over one-at-a-time:  {figures['one_at_a_time_converge_s'] / figures['converge_s']:.1f}x "
              f"converge, {figures['one_at_a_time_s'] / figures['apply_s']:.1f}x whole apply")


if __name__ == "__main__":
    main()
