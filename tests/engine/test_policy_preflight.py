"""Azure Policy preflight: a Deny assignment refuses a resource before any write is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from lzengine.adapters.azure_sdk import POLICY_CLIENT
from lzengine.diff import Action
from lzengine.report import Status
from tests.refdata import policy_files, read_json

ALLOWED_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c"


@pytest.fixture
def allowed_locations(refdata: Path) -> dict:
    """The 'Allowed locations' built-in of each reference data source (own stand-in, shared copy)."""
    return read_json(policy_files(refdata)[ALLOWED_LOCATIONS])

HUB = """\
name: contoso-ai
location: swedencentral
hub:
  address_space: 10.100.0.0/16
  subnets:
    - {name: snet-a, prefix: 10.100.1.0/24}
"""


def assign_allowed_locations(harness, builtin: dict, allowed: list[str]) -> None:
    """The 'Allowed locations' built-in, created as a custom definition and assigned with Deny."""
    policy = harness.adapter.client(POLICY_CLIENT)
    definition = policy.policy_definitions.create_or_update(
        "allowed-locations-copy", {"properties": builtin["properties"]}
    )
    scope = f"subscriptions/{harness.emulator.emu.subscription_id}"
    policy.policy_assignments.create(scope, "only-allowed-locations", {"properties": {
        "policyDefinitionId": definition["id"] if isinstance(definition, dict) else definition.id,
        "parameters": {"listOfAllowedLocations": {"value": allowed}},
    }})


def test_denied_resources_are_refused_before_any_write(harness, emulator, allowed_locations) -> None:
    assign_allowed_locations(harness, allowed_locations, ["westeurope"])
    graph = harness.graph(HUB)
    changeset = harness.engine().plan(graph)
    refused = {a: c.failure for a, c in changeset.changes.items() if c.failure}
    assert set(refused) == {"hub.vnet", "hub.nsg.snet-a"}  # located resources; RGs and subnets are not Indexed
    code, message = refused["hub.vnet"]
    assert code == "RequestDisallowedByPolicy"
    assert "was disallowed by policy" in message and "only-allowed-locations" in message
    assert changeset.changes["hub.resource_group"].action is Action.CREATE

    emulator.reset_stats()
    report = harness.engine().apply(graph, changeset)
    outcome = {o.address: o for o in report.outcomes}
    assert outcome["hub.vnet"].status is Status.FAILED and outcome["hub.vnet"].error_code == "RequestDisallowedByPolicy"
    assert outcome["hub.subnet.snet-a"].status is Status.SKIPPED
    assert outcome["hub.resource_group"].status is Status.OK
    state = emulator.resources()
    assert not [key for key in state if "/virtualnetworks/" in key or "/networksecuritygroups/" in key]


def test_compliant_plan_passes_the_preflight(harness, emulator, allowed_locations) -> None:
    assign_allowed_locations(harness, allowed_locations, ["swedencentral"])
    graph = harness.graph(HUB)
    changeset = harness.engine().plan(graph)
    assert not [c for c in changeset.changes.values() if c.failure]
    assert harness.engine().apply(graph, changeset).exit_code == 0


def test_plan_cli_reports_the_denial_and_exits_1(harness, cli, plan_file, allowed_locations) -> None:
    assign_allowed_locations(harness, allowed_locations, ["westeurope"])
    result = cli("plan", plan_file(HUB))
    assert result.exit_code == 1
    assert "refused before any write: RequestDisallowedByPolicy" in result.stdout
    assert "would be refused by Azure Policy" in result.stdout
