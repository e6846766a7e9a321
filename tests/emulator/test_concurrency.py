"""Many client threads at once: the store stays consistent and every request is answered."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests
from azure.core.pipeline.transport import RequestsTransport
from azure.mgmt.network import NetworkManagementClient

from lzengine.emulator import Emulator

from .conftest import Arm, StaticCredential

VNET = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}


def test_parallel_sdk_writes_and_reads(emu: Emulator, arm: Arm) -> None:
    arm.make_rg()
    session = requests.Session()
    session.mount("https://", requests.adapters.HTTPAdapter(pool_connections=16, pool_maxsize=16))
    transport = RequestsTransport(session=session, session_owner=False, connection_verify=emu.ca_file)
    nc = NetworkManagementClient(StaticCredential(emu.token), emu.subscription_id, base_url=emu.url,
                                 retry_total=0, polling_interval=0, transport=transport)
    arm.admin("POST", "/stats/reset")

    def work(i: int) -> str:
        vnet = nc.virtual_networks.begin_create_or_update("rg1", f"v{i}", VNET).result()
        sub = nc.subnets.begin_create_or_update(
            "rg1", f"v{i}", "s", {"properties": {"addressPrefix": "10.0.1.0/24"}}).result()
        assert nc.virtual_networks.get("rg1", f"v{i}").subnets[0].name == "s"
        return vnet.id + sub.id

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(work, range(48)))
    assert len(set(results)) == 48
    assert len(list(nc.virtual_networks.list("rg1"))) == 48
    stats = arm.admin("GET", "/stats")
    assert stats["writes"] == 96 and stats["by_method"]["PUT"] == 96


def test_management_group_scope_is_accepted(arm: Arm) -> None:
    r = arm.put("/providers/Microsoft.Management/managementGroups/corp", {}, api="2023-04-01")
    assert r.status_code == 200
    path = ("/providers/Microsoft.Management/managementGroups/corp/providers/Microsoft.Authorization/"
            "policyAssignments/allowed-locations")
    r = arm.put(path, {"properties": {"policyDefinitionId": "/providers/Microsoft.Authorization/"
                                      "policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c"}},
                api="2025-03-01")
    assert r.status_code == 201
    assert r.json()["properties"]["scope"] == "/providers/Microsoft.Management/managementGroups/corp"
