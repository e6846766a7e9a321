"""One run at a time per landing zone, across processes: ``lzengine emulator serve`` plays Azure,
and separate ``lzengine apply`` processes (as on two CI runners) contend for the run lock.

No test sleeps: the CLI processes poll the lock every few milliseconds (``LZENGINE_LOCK_POLL_S``)
and the test waits on their output and exit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lzengine.adapters.azure_sdk import AzureSdkAdapter, Connection, StaticTokenCredential
from lzengine.control_zone import ControlZone
from lzengine.zone_lock import ZoneLock

PLAN = """\
name: contoso-ai
location: swedencentral
hub:
  address_space: 10.100.0.0/16
  subnets:
    - {name: snet-shared, prefix: 10.100.1.0/24}
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict]:
    server = subprocess.Popen(
        [sys.executable, "-m", "lzengine", "emulator", "serve", "--time-scale", "0", "--throttle", "off"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        yield json.loads(server.stdout.readline())
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def cli_env(info: dict, holder: str) -> dict:
    return {**os.environ, "LZENGINE_ENDPOINT": info["url"], "LZENGINE_CA_FILE": info["ca_file"],
            "LZENGINE_TOKEN": info["token"], "AZURE_SUBSCRIPTION_ID": info["subscription_id"],
            "LZENGINE_LOCK_HOLDER": holder, "LZENGINE_LOCK_POLL_S": "0.02"}


def apply_process(info: dict, plan: Path, holder: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lzengine", "apply", str(plan), "--output", "json", *extra],
                            env=cli_env(info, holder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=plan.parent)


def held_by_test(info: dict, holder: str) -> tuple[ZoneLock, AzureSdkAdapter]:
    """Take the landing zone's lock from this process, as a third machine would."""
    adapter = AzureSdkAdapter(Connection(info["subscription_id"], StaticTokenCredential(info["token"]),
                                         base_url=info["url"], ca_file=info["ca_file"]))
    from lzengine.kinds import KINDS_BY_NAME

    group = f"/subscriptions/{info['subscription_id']}/resourceGroups/rg-contoso-ai-hub"
    adapter.write(KINDS_BY_NAME["resource_group"], group, {"location": "swedencentral"})
    lock = ZoneLock(adapter, ControlZone(info["subscription_id"], "rg-contoso-ai-hub", "contoso-ai"), holder=holder)
    lock.acquire()
    return lock, adapter


def wait_for_line(process: subprocess.Popen, needle: str) -> str:
    """Read the process's stderr until a line holds ``needle`` (or the process ends)."""
    for line in process.stderr:
        if needle in line:
            return line
    raise AssertionError(f"the process ended without printing {needle!r}")


def test_an_apply_while_another_run_holds_the_lock_gives_up_naming_the_holder(served, tmp_path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    lock, adapter = held_by_test(served, "release-pipeline-42")
    try:
        process = apply_process(served, plan, "ci-runner-2", "--lock-timeout", "0")
        stdout, stderr = process.communicate(timeout=120)
    finally:
        lock.release()
        adapter.close()
    assert process.returncode == 1, stdout + stderr
    assert "landing zone 'contoso-ai' is locked by release-pipeline-42 on" in stderr
    assert f"since {lock.info.acquired}" in stderr
    assert "Traceback" not in stderr
    assert stdout.count("{") == 0  # no report: nothing was planned or applied


def test_two_concurrent_applies_of_one_landing_zone_never_interleave(served, tmp_path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    lock, adapter = held_by_test(served, "gatekeeper")  # both start while the zone is busy
    try:
        first = apply_process(served, plan, "ci-runner-1", "--lock-timeout", "120")
        second = apply_process(served, plan, "ci-runner-2", "--lock-timeout", "120")
        for process in (first, second):
            assert "held by gatekeeper on" in wait_for_line(process, "waiting for the lock of contoso-ai")
    finally:
        lock.release()
        adapter.close()
    reports = []
    for process in (first, second):
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        reports.append(json.loads(stdout))
    intervals = sorted((r["lock"]["acquired_at"], r["lock"]["released_at"], r["lock"]["holder"]) for r in reports)
    assert intervals[0][1] <= intervals[1][0], f"the runs overlapped: {intervals}"
    assert {i[2] for i in intervals} == {"ci-runner-1", "ci-runner-2"}
    # the first converged everything (the hub group, made by this test, only got its tags); the
    # second decided after the first had finished, so it found nothing to do
    summaries = sorted((r["summary"]["create"], r["summary"]["update"], r["summary"]["noop"]) for r in reports)
    assert summaries == [(0, 0, 4), (3, 1, 0)]
