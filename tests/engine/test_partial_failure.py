"""A fatal error on one spoke leaves the other spokes converged; the root cause is stated once.
And adoption: resources that already exist with the planned ids are taken over, not recreated."""

from __future__ import annotations

import requests

from lzengine.compile import compile_plan
from lzengine.plan import load_plan
from lzengine.report import Status
from tests.conftest import PLANS


def admin(emulator, method: str, path: str, body: dict) -> None:
    emu = emulator.emu
    requests.request(method, f"{emu.url}/_emulator{path}", json=body, verify=emu.ca_file, timeout=10,
                     headers={"Authorization": f"Bearer {emu.token}"}).raise_for_status()


def test_quota_failure_on_one_spoke_leaves_the_others_converged(harness, emulator) -> None:
    graph = compile_plan(load_plan(PLANS / "multi-spoke.yaml"), emulator.emu.subscription_id)
    engine = harness.engine()
    changeset = engine.plan(graph)  # the quota preflight passes ...
    # ... and someone else takes the quota before the deployment is written
    admin(emulator, "PUT", "/quota",
          {"location": "swedencentral", "sku": "GlobalStandard", "model": "gpt-4o-mini", "limit": 10})
    report = engine.apply(graph, changeset)
    assert report.exit_code == 1
    failed = [o for o in report.outcomes if o.status is Status.FAILED]
    assert [(o.address, o.error_code, o.attempts) for o in failed] == [
        ("spokes.chat.ai.deployment.gpt-4o-mini", "InsufficientQuota", 1)
    ]
    assert "quota" in failed[0].hint
    skipped = [o for o in report.outcomes if o.status is Status.SKIPPED]
    assert all("spokes.chat.ai.deployment.gpt-4o-mini" in o.error for o in skipped)
    state = emulator.resources()
    others = [n for n in graph if n.address.startswith(("spokes.search.", "spokes.data.", "hub."))]
    assert others and all(n.arm_id.lower() in state for n in others)
    assert report.summary()["failed"] == 1


def test_existing_resources_are_adopted_and_tagged(harness, emulator) -> None:
    graph = harness.graph("""\
name: contoso-ai
location: swedencentral
hub:
  address_space: 10.100.0.0/16
  subnets:
    - {name: snet-a, prefix: 10.100.1.0/24, nsg: false}
""")
    rg = graph.nodes["hub.resource_group"]
    vnet = graph.nodes["hub.vnet"]
    emu = emulator.emu
    auth = {"Authorization": f"Bearer {emu.token}"}
    for arm_id, version, body in (
        (rg.arm_id, "2025-04-01", {"location": "swedencentral"}),
        (vnet.arm_id, "2024-05-01", {"location": "swedencentral",
                                     "properties": {"addressSpace": {"addressPrefixes": ["10.100.0.0/16"]}}}),
    ):
        requests.put(f"{emu.url}{arm_id}?api-version={version}", json=body, headers=auth, verify=emu.ca_file,
                     timeout=10).raise_for_status()
    report = harness.engine().apply(graph)
    actions = {o.address: o.action.label for o in report.outcomes}
    assert actions == {"hub.resource_group": "update", "hub.vnet": "update", "hub.subnet.snet-a": "create"}
    state = emulator.resources()
    assert state[vnet.arm_id.lower()]["tags"] == {"managed-by": "lzengine", "lzengine-zone": "contoso-ai"}
