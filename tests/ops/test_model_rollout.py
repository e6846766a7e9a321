"""Model rollout as a pipeline step: a new model version, SKU capacity or both update the
deployments in place (the account is not written), one deployment of an account at a time; an
update Azure refuses leaves the previous deployment serving and is reported with the reason."""

from __future__ import annotations

import dataclasses

import requests

import lzengine

PLAN = """\
name: rollout
location: swedencentral
teams:
  chat-team: {{principals: [22222222-2222-2222-2222-222222222222]}}
hub:
  address_space: 10.100.0.0/16
  policy_assignments: []
spokes:
  - name: chat
    owner: chat-team
    address_space: 10.101.0.0/22
    ai:
      kind: AIServices
      deployments:
        - {{model: gpt-4o, version: "{version}", sku: DataZoneStandard, capacity: {capacity}}}
        - {{model: gpt-4o-mini, version: "2024-07-18", sku: GlobalStandard, capacity: {mini}}}
"""


def estate_writes(emulator) -> int:
    """Writes and deletes of the estate: lzengine's own run-lock TXT record set (taken and
    released by every apply) aside."""
    stats = emulator.stats()
    return stats["writes"] + stats["deletes"] - stats["changes_by_type"].get("microsoft.network/privatednszones/txt", 0)


def deployments(emulator) -> dict[str, dict]:
    return {i.rsplit("/", 1)[-1]: b for i, b in emulator.resources().items() if "/deployments/" in i}


def account_of(emulator) -> dict:
    return next(b for i, b in emulator.resources().items() if i.split("/")[-2] == "accounts")


def test_a_model_upgrade_updates_deployments_in_place_one_at_a_time(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(PLAN.format(version="2024-08-06", capacity=20, mini=20)))[0] == 0
    account_before = account_of(emulator)
    emulator.reset_stats()

    upgraded = plan_file(PLAN.format(version="2024-11-20", capacity=30, mini=40), "upgraded.yaml")
    code, report = cli.json("apply", upgraded)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    by_address = {o["address"]: o for o in report["outcomes"]}
    assert by_address["spokes.chat.ai"]["action"] == "noop"  # the account is not written
    rolled = [o for a, o in by_address.items() if ".deployment." in a]
    assert [o["action"] for o in rolled] == ["update", "update"]
    assert all(o["attempts"] == 1 for o in rolled), "serialised per account: no RequestConflict to retry"
    assert estate_writes(emulator) == 2
    live = deployments(emulator)
    assert live["gpt-4o"]["properties"]["model"]["version"] == "2024-11-20" and live["gpt-4o"]["sku"]["capacity"] == 30
    assert live["gpt-4o-mini"]["sku"]["capacity"] == 40
    assert account_of(emulator).get("etag") == account_before.get("etag")
    assert cli("drift", upgraded).exit_code == 0


def test_a_version_the_region_does_not_offer_is_refused_before_any_write(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(PLAN.format(version="2024-08-06", capacity=20, mini=20)))[0] == 0
    emulator.reset_stats()
    code, report = cli.json("apply", plan_file(PLAN.format(version="2031-01-01", capacity=20, mini=20), "bad.yaml"))
    assert code == 1
    (failed,) = [o for o in report["outcomes"] if o["status"] == "failed"]
    assert failed["address"] == "spokes.chat.ai.deployment.gpt-4o" and failed["error_code"]
    assert estate_writes(emulator) == 0
    assert deployments(emulator)["gpt-4o"]["properties"]["model"]["version"] == "2024-08-06"


def test_an_update_azure_refuses_leaves_the_previous_deployment_serving(emulator, plan_file) -> None:
    """The quota shrinks between plan and apply (another team took it): the PUT is refused with
    InsufficientQuota, reported with the reason, and the deployment keeps serving as it was."""
    emu = emulator.emu
    env = {"LZENGINE_ENDPOINT": emu.url, "LZENGINE_CA_FILE": emu.ca_file, "LZENGINE_TOKEN": emu.token,
           "AZURE_SUBSCRIPTION_ID": emu.subscription_id}
    with lzengine.open_target(env=env) as opened:
        target = dataclasses.replace(opened, backoff_scale=0.0)
        first = lzengine.LandingZone(lzengine.load_plan(plan_file(PLAN.format(version="2024-08-06", capacity=20,
                                                                              mini=20))), target)
        assert first.apply().ok
        zone = lzengine.LandingZone(lzengine.load_plan(plan_file(PLAN.format(version="2024-11-20", capacity=80,
                                                                             mini=20), "more.yaml")), target)
        planned = zone.plan()
        assert not planned.refused
        requests.put(f"{emu.url}/_emulator/quota", verify=emu.ca_file, timeout=10,
                     headers={"Authorization": f"Bearer {emu.token}"},
                     json={"location": "swedencentral", "sku": "DataZoneStandard", "model": "gpt-4o",
                           "limit": 50}).raise_for_status()
        result = zone.apply(plan=planned)
    assert not result.ok
    (failed,) = result.failed
    assert failed.address == "spokes.chat.ai.deployment.gpt-4o"
    assert failed.error_code == "InsufficientQuota" and failed.hint
    live = deployments(emulator)["gpt-4o"]
    assert live["properties"]["model"]["version"] == "2024-08-06" and live["sku"]["capacity"] == 20
    assert live["properties"]["provisioningState"] == "Succeeded"
