"""Day 2: ordinary edits of the live reference landing zone converge, or are refused before the
first write with the numbers and what to do. Each test starts from ``plans/ai-landing-zone.yaml``
applied, makes one edit, and checks the exit codes and the live state."""

from __future__ import annotations

import re

from tests.e2e.day2_support import REFERENCE, LandingZone, applied_reference, edited

WORKLOAD = "      - {name: snet-workload, size: 26}\n"
DEPLOYMENT = '        - {model: gpt-4o, version: "2024-11-20", sku: DataZoneStandard, capacity: 50}'
SPOKE_SPACE = "    address_space: 10.101.0.0/22         # snet-pep, snet-app, snet-agw carved automatically"
SECOND_SPOKE = """\
  - name: rag
    owner: chat-team
    address_space: 10.102.0.0/22
    subnets:
      - {name: snet-workload, size: 26}
    ai:
      kind: AIServices
      deployments:
        - {model: gpt-4o-mini, version: "2024-07-18", sku: GlobalStandard, capacity: 20}
"""


def outcomes(report: dict) -> dict[str, str]:
    """Address → action of every outcome that did something."""
    return {o["address"]: o["action"] for o in report["outcomes"] if o["action"] != "noop"}


def ai_account(resources: dict[str, dict]) -> dict:
    """The chat spoke's AI Services account as stored."""
    return next(b for k, b in resources.items() if "/accounts/" in k and "/" not in k.rsplit("/accounts/", 1)[1])


def test_user_adds_a_subnet_and_no_existing_prefix_moves(landing_zone: LandingZone) -> None:
    before = landing_zone.subnet_prefixes()
    extra = WORKLOAD + "      - {name: snet-extra, size: 27}\n"
    code, report = landing_zone.apply(edited(landing_zone.text, WORKLOAD, extra))
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    after = landing_zone.subnet_prefixes()
    assert {k: after[k] for k in before} == before  # snet-pep and every other subnet stay where they are
    placed = next(prefix for key, prefix in after.items() if key.endswith("/subnets/snet-extra"))
    assert placed not in before.values()
    landing_zone.assert_endpoints_inside_their_subnets()
    assert landing_zone.converged()


def test_user_adds_a_spoke_and_the_first_spoke_is_untouched(landing_zone: LandingZone) -> None:
    before = landing_zone.subnet_prefixes()
    code, report = landing_zone.apply(landing_zone.text + SECOND_SPOKE)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    changed = outcomes(report)
    updated = sorted(a for a, action in changed.items() if action != "create")
    assert updated == ["hub.firewall_policy.rcg.rcg-application", "hub.firewall_policy.rcg.rcg-network",
                       "hub.firewall_policy.rcg.rcg-platform-egress"]  # sources
    assert not [a for a in changed if a.startswith("spokes.chat.")]
    after = landing_zone.subnet_prefixes()
    assert {k: after[k] for k in before} == before
    peerings = [b["properties"] for k, b in landing_zone.resources().items() if "/virtualnetworkpeerings/" in k]
    assert len(peerings) == 4 and {p["peeringState"] for p in peerings} == {"Connected"}
    landing_zone.assert_endpoints_inside_their_subnets()
    assert landing_zone.converged()


def test_user_upgrades_the_model_version_and_only_the_deployment_is_updated(
    cli, emulator, plan_file
) -> None:
    older = edited(REFERENCE, '"2024-11-20"', '"2024-08-06"')  # the reference plan before the upgrade
    zone = applied_reference(cli, emulator, plan_file, older)
    account_before = ai_account(zone.resources())
    code, report = zone.apply(edited(zone.text, '"2024-08-06"', '"2024-11-20"'))
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert outcomes(report) == {"spokes.chat.ai.deployment.gpt-4o": "update"}  # in place, account untouched
    resources = zone.resources()
    deployment = next(b for k, b in resources.items() if k.endswith("/deployments/gpt-4o"))
    assert deployment["properties"]["model"]["version"] == "2024-11-20"
    account_after = ai_account(resources)
    assert account_after == account_before
    assert zone.converged()


def test_user_raises_capacity_beyond_quota_and_plan_refuses_with_the_numbers(landing_zone: LandingZone) -> None:
    raised = edited(landing_zone.text, "capacity: 50}", "capacity: 5000}")
    landing_zone.reset_counts()
    result = landing_zone.plan(raised)
    assert result.exit_code == 1
    assert "InsufficientQuota" in result.stdout
    assert "requests capacity 5000" in result.stdout
    assert "50 in use (50 of it by the deployment(s) being updated, which the new capacity replaces), " \
           "limit 450, 450 available" in result.stdout  # its own 50 do not count against itself
    code, document = landing_zone.plan_json(raised)
    refused = [c for c in document["changes"] if c["disposition"] == "refused"]
    assert [c["address"] for c in refused] == ["spokes.chat.ai.deployment.gpt-4o"]
    assert refused[0]["failure"]["code"] == "InsufficientQuota" and not refused[0]["will_write"]
    code, report = landing_zone.apply(raised)
    assert code == 1 and report["refused"] is True
    assert landing_zone.writes() == 0  # neither plan nor apply wrote anything


def test_user_pins_a_retired_model_version_and_plan_refuses_it(landing_zone: LandingZone) -> None:
    retired = edited(landing_zone.text, '"2024-11-20"', '"2024-05-13"')
    landing_zone.reset_counts()
    result = landing_zone.plan(retired, "--detailed-exitcode")
    assert result.exit_code == 1
    assert "ServiceModelDeprecated" in result.stdout and "2026-03-31" in result.stdout
    assert landing_zone.writes() == 0


def test_user_shrinks_the_spoke_address_space_under_live_subnets_and_plan_refuses(
    landing_zone: LandingZone,
) -> None:
    shrunk = edited(landing_zone.text, SPOKE_SPACE, "    address_space: 10.101.2.0/23")
    before = landing_zone.subnet_prefixes()
    landing_zone.reset_counts()
    result = landing_zone.plan(shrunk)
    assert result.exit_code == 1
    assert "NetcfgSubnetRangeOutsideVnet" in result.stdout
    held = re.search(r"snet-pep \(10\.101\.0\.192/27, holding (\d+) IP configuration\(s\) \(nic-pep-", result.stdout)
    assert held, result.stdout
    assert f"{held.group(1)} private endpoint(s) (pep-" in result.stdout  # one NIC per endpoint in the plan
    assert "InUsePrefixCannotBeDeleted" in result.stdout  # and each endpoint subnet would move
    code, report = landing_zone.apply(shrunk, "--yes")
    assert code == 1 and report["refused"] is True
    assert landing_zone.writes() == 0
    assert landing_zone.subnet_prefixes() == before


def test_user_moves_the_endpoint_subnet_to_another_prefix_and_plan_refuses(landing_zone: LandingZone) -> None:
    moved = edited(landing_zone.text, WORKLOAD,
                   WORKLOAD + "      - {name: snet-pep, prefix: 10.101.1.0/27, purpose: private-endpoints}\n")
    landing_zone.reset_counts()
    code, document = landing_zone.plan_json(moved)
    assert code == 1
    refused = {c["address"]: c["failure"] for c in document["changes"] if c["disposition"] == "refused"}
    assert list(refused) == ["spokes.chat.subnet.snet-pep"]
    failure = refused["spokes.chat.subnet.snet-pep"]
    assert failure["code"] == "InUsePrefixCannotBeDeleted"
    message = failure["message"]
    assert "would move from 10.101.0.192/27 to 10.101.1.0/27" in message
    held = re.search(r"(\d+) IP configuration\(s\) \(nic-pep-", message)  # what is in it: a NIC per endpoint
    assert held and f"{held.group(1)} private endpoint(s) (pep-" in message, message
    assert "'prefix: 10.101.0.192/27'" in message  # and what to do
    assert landing_zone.writes() == 0


def test_user_grows_the_endpoint_subnet_in_place_and_endpoints_keep_their_addresses(
    landing_zone: LandingZone,
) -> None:
    before = {config: ip for config, ip, _ in landing_zone.endpoint_addresses()}
    grown = edited(landing_zone.text, WORKLOAD,
                   WORKLOAD + "      - {name: snet-pep, size: 26, purpose: private-endpoints}\n")
    code, report = landing_zone.apply(grown)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert outcomes(report) == {"spokes.chat.subnet.snet-pep": "update"}
    assert landing_zone.subnet_prefixes()[next(k for k in landing_zone.subnet_prefixes()
                                               if k.endswith("/vnet-contoso-ai-chat/subnets/snet-pep"))] == \
        "10.101.0.192/26"
    assert {config: ip for config, ip, _ in landing_zone.endpoint_addresses()} == before
    landing_zone.assert_endpoints_inside_their_subnets()
    assert landing_zone.converged()
