"""Shared helpers of the day-2 scenarios: the reference landing zone applied, edits of its plan
text, and checks of live state in the emulator.

Who uses it: ``tests/e2e/test_day2_*.py`` through the ``landing_zone`` fixture (in
``tests/e2e/conftest.py``). Each scenario starts from ``plans/ai-landing-zone.yaml`` applied to a
fresh emulator, makes one edit a user would make, and checks what ``plan``/``apply`` did to the
live estate. Nothing here reaches past the emulator's admin API and the CLI.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import PLANS, Cli, EmulatorClient

REFERENCE = (PLANS / "ai-landing-zone.yaml").read_text(encoding="utf-8")
NIC = "/providers/microsoft.network/networkinterfaces/"
SUBNET = "/subnets/"
LOCK_RECORD_TYPE = "microsoft.network/privatednszones/txt"


def edited(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced once by ``new``; ``old`` must be there (a scenario whose edit
    silently does nothing would prove nothing)."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the plan"
    return text.replace(old, new)


@dataclass
class LandingZone:
    """The reference plan applied to one emulator, and the edits a scenario makes to it."""

    cli: Cli
    emulator: EmulatorClient
    plan_file: Any
    text: str = REFERENCE
    edits: int = field(default=0)

    def write(self, text: str) -> str:
        self.edits += 1
        self.text = text
        return self.plan_file(text, f"plan-{self.edits}.yaml")

    def apply(self, text: str | None = None, *args: str) -> tuple[int, dict[str, Any]]:
        path = self.write(text if text is not None else self.text)
        return self.cli.json("apply", path, *args)

    def plan(self, text: str, *args: str) -> Any:
        return self.cli("plan", self.write(text), *args)

    def plan_json(self, text: str, *args: str) -> tuple[int, dict[str, Any]]:
        return self.cli.json("plan", self.write(text), *args)

    def converged(self) -> bool:
        """``plan --detailed-exitcode`` of the current text exits 0: nothing left to do."""
        return self.cli("plan", self.plan_file(self.text, "check.yaml"), "--detailed-exitcode").exit_code == 0

    # -- live state --------------------------------------------------------------------------
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.emulator.resources()

    def subnet_prefixes(self) -> dict[str, str]:
        """Every live subnet's prefix by lower-case id."""
        return {key: body["properties"]["addressPrefix"] for key, body in self.resources().items()
                if SUBNET in key and key.count("/") == 10}

    def endpoint_addresses(self) -> list[tuple[str, str, str]]:
        """(NIC ip configuration id, private IP, prefix of its subnet) of every NIC address."""
        resources = self.resources()
        prefixes = self.subnet_prefixes()
        out = []
        for key, body in resources.items():
            if NIC not in key:
                continue
            for config in body["properties"].get("ipConfigurations") or []:
                props = config["properties"]
                out.append((config["id"], props["privateIPAddress"], prefixes[props["subnet"]["id"].lower()]))
        return out

    def assert_endpoints_inside_their_subnets(self) -> None:
        found = self.endpoint_addresses()
        assert found, "the reference landing zone has private endpoints"
        for config, ip, prefix in found:
            assert ipaddress.ip_address(ip) in ipaddress.ip_network(prefix), f"{config}: {ip} not in {prefix}"

    def writes(self) -> int:
        """Writes and deletes of the estate. lzengine's own TXT record sets in the control zone do
        not count: the run lock every apply takes and releases (lzengine.zone_lock) and the
        ownership records (lzengine.ownership); the landing zone's plans write no TXT records."""
        stats = self.emulator.stats()
        lock = stats["changes_by_type"].get(LOCK_RECORD_TYPE, 0)
        return stats["writes"] + stats["deletes"] - lock

    def reset_counts(self) -> None:
        self.emulator.reset_stats()


def applied_reference(cli: Cli, emulator: EmulatorClient, plan_file: Any, text: str = REFERENCE) -> LandingZone:
    """The reference landing zone (or ``text``), applied and converged."""
    zone = LandingZone(cli, emulator, plan_file, text)
    code, report = zone.apply()
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert zone.converged()
    return zone
