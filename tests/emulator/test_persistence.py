"""State files: resources survive a restart, including ``kill -9`` right after a write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from lzengine.emulator import Emulator

from .conftest import Arm, FakeClock

VNET = {
    "location": "eastus",
    "properties": {
        "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
        "subnets": [{"name": "a", "properties": {"addressPrefix": "10.0.1.0/24"}}],
    },
}
REPO = Path(__file__).resolve().parents[2]


def test_restart_keeps_resources_and_completes_inflight_operations(tmp_path: Path, clock: FakeClock) -> None:
    state = str(tmp_path / "state.sqlite")
    with Emulator(state_file=state, time_scale=1.0, throttle="off", clock=clock) as emu:
        arm = Arm(emu)
        arm.make_rg()
        r = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET)
        assert r.json()["properties"]["provisioningState"] == "Updating"
        arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/gone"), VNET)
        clock.advance(5)
        arm.delete(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/gone"))  # in flight
        arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET)  # in flight
        p = arm.admin("POST", "/principals", {"name": "r", "role": "Reader"})
    with Emulator(state_file=state, time_scale=1.0, throttle="off") as emu:
        arm = Arm(emu)
        body = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")).json()
        assert body["properties"]["provisioningState"] == "Succeeded"
        assert body["properties"]["subnets"][0]["properties"]["provisioningState"] == "Succeeded"
        assert arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/gone")).status_code == 404
        assert emu.subscription_id == Emulator().subscription_id
        assert Arm(emu, token=p["token"]).get(arm.rg("rg1"), api="2025-04-01").status_code == 200


def test_in_memory_by_default() -> None:
    with Emulator(time_scale=0, throttle="off") as emu:
        Arm(emu).make_rg()
    with Emulator(time_scale=0, throttle="off") as emu:
        assert Arm(emu).get(Arm(emu).rg("rg1"), api="2025-04-01").status_code == 404


def _spawn(state: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lzengine.emulator.serve", "--state-file", state, "--time-scale", "0",
         "--throttle", "off"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    info = json.loads(line)
    assert set(info) == {"url", "ca_file", "token", "subscription_id", "subscriptions"}
    return proc, info


class _Info:
    def __init__(self, info: dict[str, str]) -> None:
        self.url = info["url"]
        self.ca_file = info["ca_file"]
        self.token = info["token"]
        self.subscription_id = info["subscription_id"]


def test_kill_9_after_acknowledged_write(tmp_path: Path) -> None:
    state = str(tmp_path / "state.sqlite")
    proc, info = _spawn(state)
    try:
        arm = Arm(_Info(info))  # type: ignore[arg-type]
        arm.make_rg()
        r = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET)
        assert r.status_code == 201
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    proc, info = _spawn(state)
    try:
        arm = Arm(_Info(info))  # type: ignore[arg-type]
        body = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")).json()
        assert body["properties"]["provisioningState"] == "Succeeded"
        assert [s["name"] for s in body["properties"]["subnets"]] == ["a"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
