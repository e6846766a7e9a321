"""The local target serves every subscription a plan names (CLI ``--target local`` and the library).

The engine side (resources placed per subscription) is tested with the multi-subscription plan; here
only the wiring: which subscriptions the embedded emulator serves and which one is the default.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import requests

import lzengine
from lzengine.targets import plan_subscriptions

HUB = "3f2d7a1c-5b8e-4c6d-9a0f-000000000002"
SPOKE = "3f2d7a1c-5b8e-4c6d-9a0f-000000000003"
TOP = "11111111-2222-4333-8444-555555555555"


def _listed(target: Any) -> list[str]:
    conn = target.connection
    token = conn.credential.get_token("https://management.azure.com/.default").token
    r = requests.get(f"{conn.base_url}/subscriptions", params={"api-version": "2022-12-01"},
                     headers={"Authorization": f"Bearer {token}"}, verify=conn.ca_file, timeout=10)
    return [s["subscriptionId"] for s in r.json()["value"]]


def test_plan_subscriptions_in_order_without_repeats() -> None:
    plan = SimpleNamespace(subscription=TOP, hub=SimpleNamespace(subscription=HUB),
                           spokes=[SimpleNamespace(subscription=SPOKE), SimpleNamespace(subscription=None),
                                   SimpleNamespace(subscription=HUB.upper())])
    assert plan_subscriptions(plan) == [TOP, HUB, SPOKE]
    assert plan_subscriptions(SimpleNamespace(subscription=None, hub=SimpleNamespace(), spokes=[])) == []
    existing = SimpleNamespace(
        virtual_network_id=f"/subscriptions/{HUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
        firewall_id=None, private_dns_resource_group_id=f"/subscriptions/{SPOKE}/resourceGroups/rg-dns",
        log_analytics_workspace_id=None, private_dns_zone_ids=None)
    assert plan_subscriptions(SimpleNamespace(subscription=TOP, hub=SimpleNamespace(existing=existing),
                                              spokes=[])) == [TOP, HUB, SPOKE]


def test_the_local_emulator_serves_the_plans_subscriptions(tmp_path: Any) -> None:
    with lzengine.open_target("local", state_dir=str(tmp_path / "a"), time_scale=0.0, env={},
                              subscriptions=[HUB, SPOKE]) as target:
        assert target.subscription_id == "3f2d7a1c-5b8e-4c6d-9a0f-1e2b3c4d5e6f"  # the emulator's default
        assert _listed(target) == [target.subscription_id, HUB, SPOKE]
    with lzengine.open_target("local", state_dir=str(tmp_path / "b"), time_scale=0.0, env={},
                              fallback_subscription_id=TOP, subscriptions=[TOP, HUB]) as target:
        assert target.subscription_id == TOP
        assert _listed(target) == [TOP, HUB]
