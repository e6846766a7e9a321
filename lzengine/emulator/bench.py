"""Speed benchmark of the emulator as the engine sees it (``python -m lzengine.emulator.bench``).

Run by developers (and recorded in reports) to check the emulator stays fast enough for the
engine's parallel runs. It starts an emulator (time scale 0, no throttling) and drives it with the
real ``azure-mgmt-network`` client over keep-alive HTTPS: single GETs, and PUTs that complete
(PUT + operation poll + final GET through ``begin_create_or_update().result()``), sequentially and
from several threads sharing one connection pool. Prints requests/s and p50/p99 next to goals.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lzengine.emulator.server import Emulator

# Goals: an ~80-resource landing zone at time scale 0 should converge in about a second of
# emulator time (one PUT that completes per resource), and reads should not dominate a plan.
# Parallel cases share one GIL with the in-process server on small machines, so their goals are
# on throughput and tail latency only.
GOALS = {
    "get x1": {"rps": 300.0, "p50_ms": 5.0, "p99_ms": 20.0},
    "get xN": {"rps": 250.0, "p50_ms": 100.0, "p99_ms": 150.0},
    "put x1": {"rps": 60.0, "p50_ms": 15.0, "p99_ms": 50.0},
    "put xN": {"rps": 60.0, "p50_ms": 200.0, "p99_ms": 400.0},
}


class _Token:
    def __init__(self, token: str) -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self.token, int(time.time()) + 36000)


def _client(emu: Emulator, pool: int) -> Any:
    import requests
    from azure.core.pipeline.transport import RequestsTransport
    from azure.mgmt.network import NetworkManagementClient

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=pool, pool_maxsize=pool)
    session.mount("https://", adapter)
    transport = RequestsTransport(session=session, session_owner=False, connection_verify=emu.ca_file)
    return NetworkManagementClient(
        _Token(emu.token), emu.subscription_id, base_url=emu.url, retry_total=0, polling_interval=0,
        transport=transport,
    )  # fmt: skip


def _measure(fn: Callable[[int], None], count: int, threads: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        t0 = time.perf_counter()
        fn(i)
        dt = time.perf_counter() - t0
        with lock:
            latencies.append(dt)

    start = time.perf_counter()
    if threads <= 1:
        for i in range(count):
            one(i)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(count)))
    return time.perf_counter() - start, latencies


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


class _External:
    """An emulator in a child process (``python -m lzengine.emulator.serve``), same attributes."""

    def __enter__(self) -> Any:
        import json
        import subprocess
        import sys

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lzengine.emulator.serve", "--time-scale", "0", "--throttle", "off"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        info = json.loads(self.proc.stdout.readline())
        self.url, self.ca_file = info["url"], info["ca_file"]
        self.token, self.subscription_id = info["token"], info["subscription_id"]
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def run(count: int = 500, threads: int = 8, external: bool = False) -> dict[str, dict[str, float]]:
    """Run the benchmark; returns ``{case: {rps, p50_ms, p99_ms}}`` and prints a table."""
    results: dict[str, dict[str, float]] = {}
    target: Any = _External() if external else Emulator(time_scale=0.0, throttle="off")
    with target as emu:
        nc = _client(emu, max(threads, 1) * 2)
        from azure.mgmt.resource.resources import ResourceManagementClient

        rc = ResourceManagementClient(_Token(emu.token), emu.subscription_id, base_url=emu.url,
                                      connection_verify=emu.ca_file, retry_total=0)
        rc.resource_groups.create_or_update("bench", {"location": "eastus"})
        vnet = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
        nc.virtual_networks.begin_create_or_update("bench", "v0", vnet).result()

        def get(i: int) -> None:
            nc.virtual_networks.get("bench", "v0")

        def put(i: int) -> None:
            nc.virtual_networks.begin_create_or_update("bench", f"v{i % 50 + 1}-{threading.get_ident()}",
                                                       vnet).result()

        for _ in range(20):  # warm up connections and imports
            get(0)
        for name, fn, n, t in (("get", get, count, 1), ("get", get, count, threads),
                               ("put", put, count // 5, 1), ("put", put, count // 5, threads)):
            elapsed, lat = _measure(fn, n, t)
            key = f"{name} x{t}"
            results[key] = {
                "rps": n / elapsed, "p50_ms": statistics.median(lat) * 1000, "p99_ms": _pct(lat, 99),
            }
    print(f"{'case':<10} {'ops/s':>9} {'p50 ms':>8} {'p99 ms':>8}   goals (ops/s, p50, p99)")
    for key, r in results.items():
        g = GOALS[key if key.endswith("x1") else key.split()[0] + " xN"]
        ok = r["rps"] >= g["rps"] and r["p50_ms"] <= g["p50_ms"] and r["p99_ms"] <= g["p99_ms"]
        print(f"{key:<10} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}   "
              f">={g['rps']:.0f}, <={g['p50_ms']:.0f}, <={g['p99_ms']:.0f}  {'ok' if ok else 'MISS'}")
    print("put = PUT + operation poll + final GET via begin_create_or_update().result()")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lzengine.emulator.bench")
    parser.add_argument("--count", type=int, default=500, help="GETs per case (PUT cases use count/5)")
    parser.add_argument("--threads", type=int, default=8, help="client threads for the parallel cases")
    parser.add_argument("--external", action="store_true",
                        help="serve from a child process instead of in-process (no shared GIL)")
    args = parser.parse_args(argv)
    print(f"emulator {'in a child process' if args.external else 'in-process'}, time scale 0, "
          f"throttle off, {args.threads} threads for xN")
    run(args.count, args.threads, args.external)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
