"""Plain ARM requests, as a portal user would make them, for the operations tests."""

from __future__ import annotations

from typing import Any

import requests

from tests.conftest import PLANS

REFERENCE = str(PLANS / "ai-landing-zone.yaml")


def arm(emulator: Any, method: str, arm_id: str, api_version: str, body: Any = None) -> Any:
    """One ARM call with the emulator's token, then let running operations finish."""
    emu = emulator.emu
    headers = {"Authorization": f"Bearer {emu.token}"}
    response = requests.request(method, f"{emu.url}{arm_id}?api-version={api_version}", json=body, headers=headers,
                                verify=emu.ca_file, timeout=10)
    response.raise_for_status()
    requests.post(f"{emu.url}/_emulator/settle", headers=headers, verify=emu.ca_file, timeout=10).raise_for_status()
    return response.json() if response.content else None


def edit(emulator: Any, arm_id: str, api_version: str, mutate: Any) -> None:
    """GET, change, PUT: an edit in the portal."""
    body = arm(emulator, "GET", arm_id, api_version)
    mutate(body)
    arm(emulator, "PUT", arm_id, api_version, body)


def find(emulator: Any, suffix: str) -> str:
    """The id of the one stored resource whose id ends with ``suffix`` (case-insensitive)."""
    matches = [r for r in emulator.resources() if r.endswith(suffix.lower())]
    assert len(matches) == 1, matches
    return str(emulator.resources()[matches[0]].get("id") or matches[0])


def reference_size(subscription: str) -> int:
    """How many resources the reference plan compiles to (several engineers add components to it:
    tests compare with this, not with a number)."""
    from lzengine.compile import compile_plan
    from lzengine.plan import load_plan

    return len(compile_plan(load_plan(str(REFERENCE)), subscription).nodes)
