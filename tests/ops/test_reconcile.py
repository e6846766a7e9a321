"""reconcile: one record per cycle, repairs drift, survives a failed cycle, waits through an
injected function (never in real time), and stops cleanly on SIGTERM mid-cycle."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading

import pytest
import requests

import lzengine
from lzengine.reconcile import parse_duration, reconcile_loop
from tests.conftest import PLANS
from tests.ops.helpers import REFERENCE, edit, find

MINIMAL = PLANS / "minimal.yaml"


def test_durations() -> None:
    assert parse_duration("90") == 90 and parse_duration("30s") == 30 and parse_duration("15m") == 900
    assert parse_duration("1h30m") == 5400 and parse_duration("250ms") == 0.25
    for bad in ("", "soon", "5 minutes", "1x"):
        with pytest.raises(ValueError, match="e.g. 30s"):
            parse_duration(bad)


def admin(emulator, method: str, path: str, body: dict | None = None) -> None:
    emu = emulator.emu
    requests.request(method, f"{emu.url}/_emulator/{path}", json=body, verify=emu.ca_file, timeout=10,
                     headers={"Authorization": f"Bearer {emu.token}"}).raise_for_status()


def zone_for(emulator, **kwargs) -> tuple[lzengine.LandingZone, object]:
    emu = emulator.emu
    env = {"LZENGINE_ENDPOINT": emu.url, "LZENGINE_CA_FILE": emu.ca_file, "LZENGINE_TOKEN": emu.token,
           "AZURE_SUBSCRIPTION_ID": emu.subscription_id}
    context = lzengine.open_target(env=env)
    target = dataclasses.replace(context.__enter__(), backoff_scale=0.0)  # retries without waiting
    return lzengine.LandingZone(lzengine.load_plan(MINIMAL), target, **kwargs), context


def test_cycles_repair_then_find_nothing_and_a_failed_cycle_does_not_end_the_loop(emulator) -> None:
    zone, context = zone_for(emulator)
    waits: list[float] = []
    records: list = []

    def wait(seconds: float) -> None:  # between cycles: the injected clock, plus what changes meanwhile
        waits.append(seconds)
        if len(waits) == 1:  # cycle 2 meets an ARM that answers 500 to everything
            admin(emulator, "PUT", "faults", {"rate": 1.0, "kinds": ["500"]})
        elif len(waits) == 2:
            admin(emulator, "DELETE", "faults")

    try:
        reconcile_loop(zone, every_s=600, jitter_s=30, max_runs=3, wait=wait, on_cycle=records.append)
    finally:
        context.__exit__(None, None, None)
    assert [r.status for r in records] == ["repaired", "error", "in-sync"]
    assert records[0].summary["create"] == len(records[0].drifted) > 0
    assert records[1].error_code == "InternalServerError" or records[1].error_code
    assert len(waits) == 2 and all(600 <= w <= 630 for w in waits)
    assert all(json.dumps(r.as_dict()) for r in records)


def test_stop_set_between_cycles_ends_the_loop_without_another_cycle(emulator) -> None:
    stop = threading.Event()
    zone, context = zone_for(emulator, stop=stop)
    try:
        records = reconcile_loop(zone, every_s=60, stop=stop, wait=lambda s: stop.set())
    finally:
        context.__exit__(None, None, None)
    assert [r.status for r in records] == ["repaired"]


def test_reconcile_max_runs_one_prints_one_json_record(cli, emulator) -> None:
    result = cli("reconcile", str(MINIMAL), "--max-runs", "1", "--log-format", "json")
    assert result.exit_code == 0
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["event"] == "cycle" and record["status"] == "repaired" and record["cycle"] == 1
    for line in result.stderr.splitlines():  # every log record is JSON too
        assert json.loads(line)["event"] in ("target", "started", "done", "retrying")
    text = cli("reconcile", str(MINIMAL), "--max-runs", "1")
    assert text.exit_code == 0 and "cycle 1: in-sync" in text.stdout


def test_reconcile_rejects_a_bad_duration(cli) -> None:
    result = cli("reconcile", str(MINIMAL), "--every", "soon")
    assert result.exit_code == 1 and "invalid duration" in result.stderr


def test_sigterm_mid_cycle_finishes_what_is_running_and_exits_zero(emulator, tmp_path) -> None:
    """A real process: the signal arrives while the first cycle's writes are in flight (the
    emulator's latency model at a small time scale keeps them running for a moment)."""
    from lzengine.emulator import Emulator

    with Emulator(time_scale=0.02, throttle="off") as emu:
        env = {**os.environ, "LZENGINE_ENDPOINT": emu.url, "LZENGINE_CA_FILE": emu.ca_file,
               "LZENGINE_TOKEN": emu.token, "AZURE_SUBSCRIPTION_ID": emu.subscription_id}
        process = subprocess.Popen(
            [sys.executable, "-m", "lzengine", "reconcile", REFERENCE, "--every", "1h", "--log-format", "json",
             "--parallelism", "2"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stderr is not None
            for line in process.stderr:  # blocks on the child's output, no sleeping here
                if json.loads(line)["event"] == "started":
                    process.send_signal(signal.SIGTERM)
                    break
            stdout, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 0, stderr
        (record,) = [json.loads(line) for line in stdout.splitlines()]
        assert record["status"] == "stopped"
        events = [json.loads(line) for line in stderr.splitlines()]
        started = {e["address"] for e in events if e["event"] == "started"}
        finished = {e["address"] for e in events if e["event"] == "done" and e["status"] == "succeeded"}
        assert started <= finished, "every operation that started finished"
        assert record["summary"].get("skipped", 0) > 0, "nothing new started after the signal"


def test_reconcile_repairs_a_portal_change_in_one_cycle(cli, emulator) -> None:
    assert cli.json("apply", REFERENCE)[0] == 0
    table = find(emulator, "/routetables/rt-contoso-ai-chat-egress")
    edit(emulator, table, "2024-05-01", lambda b: b["properties"].update(routes=[]))
    result = cli("reconcile", REFERENCE, "--max-runs", "1", "--every", "5m", "--jitter", "1m")
    assert result.exit_code == 0 and "cycle 1: repaired" in result.stdout
    assert cli("drift", REFERENCE).exit_code == 0


def test_log_format_json_makes_plan_errors_json_lines_too(cli, tmp_path) -> None:
    result = cli("--log-format", "json", "drift", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    (record,) = [json.loads(line) for line in result.stderr.splitlines()]
    assert record["event"] == "diagnostic" and record["level"] == "error" and record["code"] == "io"


def test_a_cycle_that_meets_another_run_s_lock_fails_and_the_next_one_repairs(emulator) -> None:
    """Another machine holds the landing zone's run lock: that cycle is an error record naming
    LockHeld, the loop goes on, and the cycle after the lock is released converges."""
    from lzengine.adapters.azure_sdk import AzureSdkAdapter
    from lzengine.control_zone import ControlZone, hub_resource_group_body
    from lzengine.zone_lock import zone_lock

    zone, context = zone_for(emulator, lock_timeout_s=0)
    plan = zone.plan_model
    adapter = AzureSdkAdapter(zone.target.connection)
    other = zone_lock(adapter, ControlZone.of_plan(plan, zone.target.subscription_id), holder="pipeline-42",
                      timeout_s=0, resource_group_body=hub_resource_group_body(plan))
    other.__enter__()
    records: list = []

    def wait(seconds: float) -> None:
        other.__exit__(None, None, None)  # the other run finishes between cycles

    try:
        reconcile_loop(zone, every_s=60, max_runs=2, wait=wait, on_cycle=records.append)
    finally:
        adapter.close()
        context.__exit__(None, None, None)
    assert [r.status for r in records] == ["error", "repaired"]
    assert records[0].error_code == "LockHeld" and "pipeline-42" in records[0].error
