"""The library API: a small typed surface (pinned), no printing, typed results, callbacks for
progress and confirmation, against the real emulator."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

import lzengine
from tests.conftest import PLANS

MINIMAL = PLANS / "minimal.yaml"

PINNED = [
    "Action", "ApplyResult", "Change", "ConfirmationRefused", "DriftReport", "DriftedResource", "Event",
    "LandingZone", "LockHeld", "LzengineError", "Outcome", "Plan", "PlanError", "PlanResult", "ProviderError", "Status",
    "Target", "TargetError", "VerifyCheck", "VerifyReport", "load_plan", "open_target",
]


def test_the_public_surface_is_pinned_and_every_name_resolves() -> None:
    assert sorted(lzengine.__all__) == sorted(PINNED)
    for name in lzengine.__all__:
        assert getattr(lzengine, name) is not None, name
    with pytest.raises(AttributeError):
        lzengine.Engine  # noqa: B018 - the engine's internals are not part of the surface


def test_the_package_ships_type_information() -> None:
    package = Path(lzengine.__file__).parent
    assert (package / "py.typed").is_file()
    pyproject = (package.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"py.typed"' in pyproject


def test_import_lzengine_loads_neither_azure_nor_the_emulator() -> None:
    code = ("import sys, lzengine\n"
            "print(','.join(sorted(m for m in sys.modules if m.startswith(('azure', 'lzengine.emulator', "
            "'lzengine.engine')))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def env_of(emulator) -> dict[str, str]:
    emu = emulator.emu
    return {"LZENGINE_ENDPOINT": emu.url, "LZENGINE_CA_FILE": emu.ca_file, "LZENGINE_TOKEN": emu.token,
            "AZURE_SUBSCRIPTION_ID": emu.subscription_id}


def test_plan_apply_drift_destroy_through_the_library(emulator, capsys) -> None:
    plan = lzengine.load_plan(MINIMAL)
    events: list[lzengine.Event] = []
    with lzengine.open_target(env=env_of(emulator)) as target:
        assert target.label.startswith("endpoint ")
        zone = lzengine.LandingZone(plan, target, on_progress=events.append)
        planned = zone.plan()
        assert isinstance(planned, lzengine.PlanResult) and planned.has_changes
        assert {c.action for c in planned.changes} == {lzengine.Action.CREATE}
        assert zone.drift().summary()["missing"] == len(planned.changes)

        result = zone.apply(plan=planned)
        assert isinstance(result, lzengine.ApplyResult) and result.ok
        assert result.summary()["create"] == len(planned.changes)
        started = {e.address for e in events if e.kind == "started"}
        done = {e.address for e in events if e.kind == "done" and e.outcome.status is lzengine.Status.OK}
        assert started == done == {c.address for c in planned.changes}

        assert not zone.drift().has_drift and not zone.plan().has_changes
        with pytest.raises(lzengine.ConfirmationRefused) as refused:
            zone.destroy()
        assert refused.value.changes and all(c.action is lzengine.Action.DELETE for c in refused.value.changes)
        assert len(emulator.resources()) > 0  # refused before any write

        asked: list[int] = []
        gone = zone.destroy(confirm=lambda changes: asked.append(len(changes)) or True)
        assert gone.ok and asked and gone.summary()["delete"] == len(planned.changes)
    assert capsys.readouterr() == ("", "")  # the library never prints


def test_a_confirm_callback_that_says_no_stops_a_replacement(emulator, tmp_path) -> None:
    plan = lzengine.load_plan(MINIMAL)
    with lzengine.open_target(env=env_of(emulator)) as target:
        assert lzengine.LandingZone(plan, target).apply().ok
        moved = tmp_path / "moved.yaml"
        moved.write_text(MINIMAL.read_text().replace("westeurope", "northeurope"), encoding="utf-8")
        zone = lzengine.LandingZone(lzengine.load_plan(moved), target)
        with pytest.raises(lzengine.ConfirmationRefused):
            zone.apply(confirm=lambda changes: False)
        rg = next(b for i, b in emulator.resources().items() if i.endswith("/resourcegroups/rg-lz-minimal-hub"))
        assert rg["location"] == "westeurope"
        assert zone.apply(allow_destructive=True).ok


def test_target_errors_are_typed(emulator) -> None:
    env = {**env_of(emulator), "LZENGINE_TOKEN": ""}
    with pytest.raises(lzengine.TargetError, match="token"):
        with lzengine.open_target(env=env):
            pass
    with pytest.raises(lzengine.TargetError, match="subscription"):
        with lzengine.open_target("azure", env={}):
            pass


def test_the_local_target_starts_an_emulator_with_its_state_in_the_given_folder(tmp_path) -> None:
    with lzengine.open_target("local", state_dir=str(tmp_path / "state"), time_scale=0.0, env={}) as target:
        assert target.label.startswith("local emulator")
        result = lzengine.LandingZone(lzengine.load_plan(MINIMAL), target).apply()
        assert result.ok
    assert (tmp_path / "state" / "emulator.sqlite").is_file()


def test_a_plan_with_a_problem_raises_plan_error(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    with pytest.raises(lzengine.PlanError) as caught:
        lzengine.load_plan(bad)
    assert caught.value.diagnostics and all(d.file == str(bad) for d in caught.value.diagnostics)


def test_results_are_plain_data() -> None:
    assert dataclasses.is_dataclass(lzengine.ApplyResult) and dataclasses.is_dataclass(lzengine.DriftReport)
    assert dataclasses.is_dataclass(lzengine.VerifyCheck) and dataclasses.is_dataclass(lzengine.Event)
