"""Run the emulator as a foreground process (``lzengine emulator serve`` calls :func:`serve_forever`).

Prints one JSON line ``{"url", "ca_file", "token", "subscription_id", "subscriptions"}`` on stdout once the
server accepts connections, serves until SIGINT or SIGTERM, then stops cleanly. Also runnable
as ``python -m lzengine.emulator.serve`` for scripts and the kill -9 persistence test.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from lzengine.emulator.server import Emulator


def serve_forever(*, port: int, state_file: str | None, time_scale: float, throttle: str,
                  faults: str | None, seed: int, policy_dir: str | list[str] | None = None,
                  today: str | None = None, subscriptions: int | list[str] = 1) -> int:
    """Serve until SIGINT/SIGTERM; returns the process exit code (0).

    ``policy_dir``: folder(s) of built-in policy definition files to preload; ``today``: the pinned
    calendar day (``YYYY-MM-DD``; default ``LZENGINE_EMULATOR_TODAY``, else the real date);
    ``subscriptions``: how many subscriptions to serve (deterministic ids), or the ids.
    """
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    dirs = [policy_dir] if isinstance(policy_dir, str) else list(policy_dir or [])
    emu = Emulator(port=port, state_file=state_file, time_scale=time_scale, throttle=throttle,
                   faults=faults, seed=seed, policy_dirs=dirs, today=today,
                   subscriptions=subscriptions).start()  # fmt: skip
    try:
        line = {"url": emu.url, "ca_file": emu.ca_file, "token": emu.token,
                "subscription_id": emu.subscription_id, "subscriptions": emu.subscriptions}  # fmt: skip
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lzengine.emulator.serve")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state-file", default=None)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--throttle", choices=("on", "off", "scaled"), default="on")
    parser.add_argument("--faults", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--subscriptions", type=int, default=1,
                        help="how many subscriptions to serve (deterministic ids; the first is the default)")
    parser.add_argument("--policy-dir", action="append", default=None,
                        help="folder of built-in policy definition JSON files (repeatable)")
    parser.add_argument("--today", default=None,
                        help="pin the day model lifecycles are decided on (YYYY-MM-DD; default "
                             "$LZENGINE_EMULATOR_TODAY, else the real date)")
    a = parser.parse_args(argv)
    return serve_forever(port=a.port, state_file=a.state_file, time_scale=a.time_scale,
                         throttle=a.throttle, faults=a.faults, seed=a.seed, policy_dir=a.policy_dir,
                         today=a.today, subscriptions=a.subscriptions)  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
