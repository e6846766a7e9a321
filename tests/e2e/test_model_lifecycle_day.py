"""Model lifecycle follows the emulator's pinned day, never the day the suite happens to run on.

Every catalogue version the shipped plans deploy retires in 2027 (gpt-4o 2024-11-20, the reference
plan's, on 2027-03-01). ``tests/conftest.py`` pins every emulator to ``SUITE_TODAY``; these tests
prove the pin reaches every way an emulator is started (the ``Emulator`` option, the environment
variable for ``--target local``, ``emulator serve --today``) and that the engine takes the
catalogue's word: the same plan converges on the suite's day and is refused, with nothing written,
on a day after the retirement.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from lzengine.cli import main
from lzengine.emulator import Emulator
from lzengine.emulator import model_catalog as catalog
from lzengine.emulator.today import ENV as TODAY_ENV
from tests.conftest import PLANS, SUITE_TODAY, Cli, EmulatorClient
from tests.e2e.day2_support import LOCK_RECORD_TYPE, REFERENCE, LandingZone, applied_reference

AFTER_RETIREMENT = "2027-03-02"  # the day after gpt-4o 2024-11-20 retires
GPT4O = ("gpt-4o", "2024-11-20")


def lifecycle_in(url: str, token: str, ca_file: str, subscription: str, name: str, version: str) -> str:
    """The ``lifecycleStatus`` a served swedencentral catalogue lists for one OpenAI version."""
    path = (f"{url}/subscriptions/{subscription}/providers/Microsoft.CognitiveServices/locations/swedencentral"
            "/models?api-version=2024-10-01")
    response = requests.get(path, headers={"Authorization": f"Bearer {token}"}, verify=ca_file, timeout=10)
    response.raise_for_status()
    return next(e["model"]["lifecycleStatus"] for e in response.json()["value"]
                if e["kind"] == "OpenAI" and (e["model"]["name"], e["model"]["version"]) == (name, version))


@pytest.fixture
def later() -> Iterator[EmulatorClient]:
    with Emulator(time_scale=0.0, throttle="off", today=AFTER_RETIREMENT) as emu:
        yield EmulatorClient(emu)


def test_a_version_turns_deprecating_then_deprecated_on_its_dates() -> None:
    old = catalog.find("gpt-4o", "2024-05-13")
    assert old is not None
    assert catalog.lifecycle(old, date(2025, 9, 30)) == "GenerallyAvailable"
    assert catalog.lifecycle(old, date(2025, 10, 1)) == "Deprecating"
    assert catalog.lifecycle(old, date(2026, 3, 30)) == "Deprecating"
    assert catalog.lifecycle(old, date(2026, 3, 31)) == "Deprecated"
    with pytest.raises(ValueError, match="like 2026-06-01"):
        Emulator(today="tomorrow")


def test_the_suite_pins_every_emulator_to_its_day(emulator: EmulatorClient) -> None:
    emu = emulator.emu
    assert emu.today() == date.fromisoformat(SUITE_TODAY)  # through LZENGINE_EMULATOR_TODAY
    assert lifecycle_in(emu.url, emu.token, emu.ca_file, emu.subscription_id, *GPT4O) == "GenerallyAvailable"
    assert lifecycle_in(emu.url, emu.token, emu.ca_file, emu.subscription_id, "gpt-4o", "2024-05-13") == \
        "Deprecated"


def test_the_reference_plan_converges_on_the_suite_day_and_is_refused_after_its_model_retires(
    landing_zone: LandingZone, later: EmulatorClient, plan_file
) -> None:
    assert landing_zone.converged()  # applied on SUITE_TODAY (the fixture asserts exit 0 and convergence)
    emu = later.emu
    assert lifecycle_in(emu.url, emu.token, emu.ca_file, emu.subscription_id, *GPT4O) == "Deprecated"
    zone = LandingZone(Cli(later), later, plan_file)
    result = zone.plan(REFERENCE)
    assert result.exit_code == 1
    assert "ServiceModelDeprecated" in result.stdout and "2027-03-01" in result.stdout
    assert zone.writes() == 0
    code, report = zone.apply(REFERENCE)
    assert code == 1 and report["refused"] is True
    # on an empty subscription apply first creates its run-lock zone (lzengine.zone_lock); nothing of
    # the landing zone itself is written
    assert set(later.stats()["changes_by_type"]) <= {"microsoft.resources/resourcegroups",
                                                     "microsoft.network/privatednszones", LOCK_RECORD_TYPE}
    assert not [k for k in later.resources() if "/microsoft.cognitiveservices/" in k or "/virtualnetworks/" in k]


def test_verify_reports_a_live_deployment_whose_version_the_catalogue_now_lists_as_retired(
    plan_file, tmp_path: Path
) -> None:
    state = str(tmp_path / "state.sqlite")
    with Emulator(time_scale=0.0, throttle="off", state_file=state) as emu:
        applied_reference(Cli(EmulatorClient(emu)), EmulatorClient(emu), plan_file)
    with Emulator(time_scale=0.0, throttle="off", state_file=state, today=AFTER_RETIREMENT) as emu:
        code, report = Cli(EmulatorClient(emu)).json("verify", plan_file(REFERENCE, "again.yaml"))
    assert code == 2
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert [c["name"] for c in failed] == ["model-deployment"]
    assert "gpt-4o 2024-11-20 is retired in swedencentral (lifecycleStatus Deprecated, inference deprecation " \
           "2027-03-01)" in failed[0]["detail"]


def test_the_local_target_honours_the_pinned_day_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {TODAY_ENV: AFTER_RETIREMENT, "AZURE_SUBSCRIPTION_ID": None, "LZENGINE_ENDPOINT": None}
    result = CliRunner().invoke(main, ["plan", str(PLANS / "ai-landing-zone.yaml"), "--target", "local"], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "local emulator" in result.stdout and "ServiceModelDeprecated" in result.stdout


def test_emulator_serve_takes_today_from_its_option(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "lzengine", "emulator", "serve", "--time-scale", "0", "--throttle", "off",
         "--today", AFTER_RETIREMENT],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    try:
        info = json.loads(server.stdout.readline())
        status = lifecycle_in(info["url"], info["token"], info["ca_file"], info["subscription_id"], *GPT4O)
        assert status == "Deprecated"  # the option wins over the suite's LZENGINE_EMULATOR_TODAY
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
