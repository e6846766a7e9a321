"""Shared fixtures: a real emulator over HTTPS, and a CLI runner pointed at it.

Every engine test runs the real Azure SDK clients against ``lzengine.emulator.Emulator``, in
zero time scale (long-running operations finish at the first poll) and without throttling,
unless a test asks for more.

The emulator's calendar day is pinned for the whole suite (``SUITE_TODAY``, through
``LZENGINE_EMULATOR_TODAY`` so in-process emulators, ``--target local`` and ``emulator serve``
subprocesses all see it): model versions retire on real dates, and a test must not turn red on
the day one of them passes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from hypothesis import settings

from lzengine.cli import main
from lzengine.emulator import Emulator
from lzengine.emulator.today import ENV as TODAY_ENV
from tests.refdata import SOURCES, root

#: The day every emulator of the suite decides model lifecycles on: after the retirements the
#: tests rely on (gpt-35-turbo, gpt-4o 2024-05-13 on 2026-03-31), before those of the versions the
#: shipped plans deploy (2027). Set for the process, so subprocesses inherit it.
SUITE_TODAY = "2026-06-01"
os.environ[TODAY_ENV] = SUITE_TODAY

# Property tests bound their work by example counts, not by wall time: hypothesis' default 200 ms
# deadline per example fails them at random on a loaded CI machine.
settings.register_profile("lzengine", deadline=None)
settings.load_profile("lzengine")

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"


@dataclass
class EmulatorClient:
    """Admin access to an emulator for assertions on its end state."""

    emu: Emulator

    def _get(self, path: str) -> Any:
        response = requests.get(
            f"{self.emu.url}{path}", headers={"Authorization": f"Bearer {self.emu.token}"},
            verify=self.emu.ca_file, timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, Any]:
        return self._get("/_emulator/stats")

    def resources(self) -> dict[str, dict[str, Any]]:
        """Every stored resource by lower-case id."""
        return {r["id"].lower(): r["body"] for r in self._get("/_emulator/resources")["value"]}

    def reset_stats(self) -> None:
        requests.post(
            f"{self.emu.url}/_emulator/stats/reset", headers={"Authorization": f"Bearer {self.emu.token}"},
            verify=self.emu.ca_file, timeout=10,
        ).raise_for_status()


@pytest.fixture
def emulator() -> Iterator[EmulatorClient]:
    with Emulator(time_scale=0.0, throttle="off") as emu:
        yield EmulatorClient(emu)


@dataclass
class Cli:
    """Runs ``lzengine`` in-process against one emulator via the --endpoint target."""

    emulator: EmulatorClient

    def __call__(self, *args: str) -> Any:
        emu = self.emulator.emu
        env = {
            "LZENGINE_ENDPOINT": emu.url,
            "LZENGINE_CA_FILE": emu.ca_file,
            "LZENGINE_TOKEN": emu.token,
            "AZURE_SUBSCRIPTION_ID": emu.subscription_id,
        }
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    def json(self, *args: str) -> tuple[int, dict[str, Any]]:
        result = self(*args, "--output", "json")
        return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def cli(emulator: EmulatorClient) -> Cli:
    return Cli(emulator)


@pytest.fixture
def plan_file(tmp_path: Path):
    """Write plan text to a temporary file and return its path."""

    def write(text: str, name: str = "plan.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture(params=SOURCES)
def refdata(request: pytest.FixtureRequest) -> Path:
    """Reference data folder, once per source: the project's own fixtures, then ``../shared/data``
    (skipped with the reason when absent). See ``tests/refdata.py``."""
    return root(request.param)
