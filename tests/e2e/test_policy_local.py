"""The local target with built-in policies loaded: a plan that breaks the landing zone's own Deny
assignment is refused by plan before any write, with the real RequestDisallowedByPolicy error.

The policy folder comes from each reference data source (``refdata``, see tests/refdata.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lzengine.cli import main

PLAN = """\
name: contoso-ai
location: swedencentral
teams:
  chat-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
  policy_assignments:
    - {definition: allowed-locations, parameters: {listOfAllowedLocations: [swedencentral]}, scope: spokes}
    - {definition: search-disable-public-access, effect: Deny, scope: spokes}
spokes:
  - name: chat
    owner: chat-team
    address_space: 10.101.0.0/22
    search: {sku: basic, replicas: 1}
resources:
  - type: Microsoft.Search/searchServices          # breaks the Search policy: public access enabled
    name: srch-contoso-ai-open
    api_version: "2025-05-01"
    resource_group: chat
    sku: {name: basic}
    properties: {publicNetworkAccess: enabled, replicaCount: 1, partitionCount: 1}
  - type: Microsoft.Network/publicIPAddresses      # breaks Allowed locations
    name: pip-elsewhere
    api_version: "2024-05-01"
    resource_group: chat
    location: westeurope
    sku: {name: Standard}
    properties: {publicIPAllocationMethod: Static}
"""


@pytest.fixture
def local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refdata: Path):
    monkeypatch.chdir(tmp_path)
    for name in ("AZURE_SUBSCRIPTION_ID", "LZENGINE_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")

    def run(*args: str):
        return CliRunner().invoke(main, [*args, "plan.yaml", "--target", "local", "--time-scale", "0",
                                         "--policy-dir", str(refdata / "azure-policy")], catch_exceptions=False)

    return run


def test_plan_refuses_both_violations_before_any_write(local) -> None:
    result = local("plan", "--output", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    refused = {c["address"]: c["failure"] for c in document["changes"] if c["failure"]}
    assert set(refused) == {"resources.srch-contoso-ai-open", "resources.pip-elsewhere"}
    for failure in refused.values():
        assert failure["code"] == "RequestDisallowedByPolicy"
    assert "search-disable-public-access" in refused["resources.srch-contoso-ai-open"]["message"]
    assert "allowed-locations" in refused["resources.pip-elsewhere"]["message"]
    assert document["summary"]["failed"] == 2


def test_apply_converges_the_compliant_rest_and_fails_only_the_violations(local) -> None:
    result = local("apply", "--output", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    failed = {o["address"]: o["error_code"] for o in report["outcomes"] if o["status"] == "failed"}
    assert failed == {"resources.srch-contoso-ai-open": "RequestDisallowedByPolicy",
                      "resources.pip-elsewhere": "RequestDisallowedByPolicy"}
    others = [o for o in report["outcomes"] if o["address"] not in failed]
    assert others and all(o["status"] == "succeeded" for o in others)  # nothing depends on the violations
