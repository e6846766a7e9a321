"""Seeded fault injection: kinds, filters, determinism, admin control."""

from __future__ import annotations

import pytest
import requests
from azure.core.exceptions import AzureError, HttpResponseError

from lzengine.emulator import Emulator
from lzengine.emulator.faults import FaultInjector, FaultSpec

from .conftest import Arm, Clients

VNET = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}


def test_spec_parsing() -> None:
    spec = FaultSpec.parse("rate=0.1,kinds=500+503+429+reset+lro-failed+conflict,"
                           "types=Microsoft.Network/*,methods=PUT+GET", seed=7)
    assert spec.rate == 0.1 and spec.seed == 7
    assert spec.kinds == ["500", "503", "429", "reset", "lro-failed", "conflict"]
    assert spec.types == ["Microsoft.Network/*"] and spec.methods == ["PUT", "GET"]
    assert FaultSpec.from_json(spec.to_json()) == spec
    for bad in ("rate=2", "kinds=teapot", "color=red"):
        with pytest.raises(ValueError):
            FaultSpec.parse(bad)
    with pytest.raises(ValueError):
        Emulator(faults="kinds=teapot")


def test_decisions_are_deterministic_per_seed() -> None:
    def draw(seed: int) -> list[str | None]:
        inj = FaultInjector(FaultSpec.parse("rate=0.3,kinds=500+503+conflict", seed=seed))
        return [inj.decide("PUT", "Microsoft.Network/virtualNetworks", lro_possible=True) for _ in range(200)]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)
    hits = [d for d in draw(7) if d]
    assert 30 < len(hits) < 90 and set(hits) == {"500", "503", "conflict"}


def test_filters_by_type_and_method() -> None:
    inj = FaultInjector(FaultSpec.parse("rate=1,kinds=500,types=Microsoft.Network/*,methods=PUT"))
    assert inj.decide("PUT", "Microsoft.Network/virtualNetworks", lro_possible=True) == "500"
    assert inj.decide("GET", "Microsoft.Network/virtualNetworks", lro_possible=False) is None
    assert inj.decide("PUT", "Microsoft.Resources/resourceGroups", lro_possible=False) is None
    only_lro = FaultInjector(FaultSpec.parse("rate=1,kinds=lro-failed+conflict"))
    assert only_lro.decide("GET", "x/y", lro_possible=False) is None  # neither applies to a read


def test_same_seed_same_http_outcomes(make_emu) -> None:
    def run() -> list[int]:
        emu = make_emu(faults="rate=0.4,kinds=500+503+429,types=Microsoft.Network/*", seed=3)
        arm = Arm(emu)
        arm.make_rg()
        return [arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks")).status_code
                for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert {500, 503, 429, 200} == set(first)


def test_error_kinds_have_arm_bodies(make_emu) -> None:
    emu = make_emu(faults="rate=1,kinds=500,types=Microsoft.Network/*")
    arm = Arm(emu)
    arm.make_rg()  # resource groups are not matched by the type filter
    r = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"))
    assert r.status_code == 500 and r.json()["error"]["code"] == "InternalServerError"
    arm.admin("PUT", "/faults", {"rate": 1, "kinds": ["429"], "seed": 1})
    r = arm.get(arm.rg("rg1"), api="2025-04-01")
    assert r.status_code == 429 and r.headers["retry-after-ms"]
    arm.admin("PUT", "/faults", {"rate": 1, "kinds": ["conflict"], "types": ["Microsoft.Network/*"]})
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET)
    assert r.status_code == 409 and r.json()["error"]["code"] == "AnotherOperationInProgress"
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.CognitiveServices/accounts/a"),
                {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}}, api="2025-09-01")
    assert r.status_code == 201  # not matched by types
    arm.admin("PUT", "/faults", {"rate": 1, "kinds": ["conflict"], "types": ["Microsoft.CognitiveServices/*"]})
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.CognitiveServices/accounts/a"),
                {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}}, api="2025-09-01")
    assert r.status_code == 409 and r.json()["error"]["code"] == "RequestConflict"
    state = arm.admin("GET", "/faults")
    assert state["faults"]["kinds"] == ["conflict"] and state["injected"] == {"conflict": 1}
    arm.admin("DELETE", "/faults")
    assert arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET).status_code == 201


def test_reset_drops_the_connection(make_emu) -> None:
    emu = make_emu(faults="rate=1,kinds=reset,methods=GET")
    arm = Arm(emu)
    arm.make_rg()  # PUT is not affected
    with pytest.raises(requests.ConnectionError):
        arm.get(arm.rg("rg1"), api="2025-04-01")
    clients = Clients(emu)
    with pytest.raises(AzureError) as exc:
        clients.resource.resource_groups.get("rg1")
    assert not isinstance(exc.value, HttpResponseError)
    arm.admin("DELETE", "/faults")  # the admin API is never faulted
    assert clients.resource.resource_groups.get("rg1").name == "rg1"


def test_admin_rejects_bad_fault_json(arm: Arm) -> None:
    r = arm.session.put(f"{arm.emu.url}/_emulator/faults", json={"rate": 5},
                        headers={"Authorization": f"Bearer {arm.emu.token}"}, verify=arm.emu.ca_file)
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidFaultSpec"
