"""Fixtures of the CLI scenarios; the day-2 helpers themselves live in ``day2_support``."""

from __future__ import annotations

import pytest

from tests.e2e.day2_support import LandingZone, applied_reference


@pytest.fixture
def landing_zone(cli, emulator, plan_file) -> LandingZone:
    """``plans/ai-landing-zone.yaml`` applied to a fresh emulator."""
    return applied_reference(cli, emulator, plan_file)
