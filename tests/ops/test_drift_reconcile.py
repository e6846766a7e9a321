"""Issue 11's "done when": apply the reference plan, change things through plain ARM as a portal
user would, and `drift` reports exactly those changes (exit 2), `reconcile --max-runs 1` repairs
them, `drift` exits 0 and `verify` passes."""

from __future__ import annotations

import json

import pytest

from tests.ops.helpers import REFERENCE, arm, edit, find, reference_size

NETWORK_API = "2024-05-01"


def drift_of(cli) -> tuple[int, dict]:
    result = cli("drift", REFERENCE, "--output", "json")
    return result.exit_code, json.loads(result.stdout)


def reconcile_once(cli) -> list[dict]:
    result = cli("reconcile", REFERENCE, "--max-runs", "1", "--log-format", "json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def route_removed(emulator) -> str:
    table = find(emulator, "/routetables/rt-contoso-ai-chat-egress")
    edit(emulator, table, NETWORK_API, lambda b: b["properties"].update(routes=[]))
    return "spokes.chat.route_table.egress"


def public_access_reenabled(emulator) -> str:
    search = next(i for i in emulator.resources() if "/microsoft.search/searchservices/" in i)
    edit(emulator, search, "2025-05-01", lambda b: b["properties"].update(publicNetworkAccess="enabled"))
    return "spokes.chat.search"


def property_changed(emulator) -> str:
    table = find(emulator, "/routetables/rt-contoso-ai-chat-egress")
    edit(emulator, table, NETWORK_API, lambda b: b["properties"].update(disableBgpRoutePropagation=False))
    return "spokes.chat.route_table.egress"


def resource_deleted(emulator) -> str:
    link = find(emulator, "/privatednszones/privatelink.openai.azure.com/virtualnetworklinks/link-vnet-contoso-ai-hub")
    arm(emulator, "DELETE", link, "2024-06-01")
    return "hub.dns_zone.privatelink.openai.azure.com.link.hub"


@pytest.mark.parametrize("portal_change, kind, breaks_guardrail", [
    (property_changed, "changed", False),
    (resource_deleted, "missing", True),
    (route_removed, "changed", True),
    (public_access_reenabled, "changed", True),
])
def test_drift_is_reported_repaired_and_verified(cli, emulator, portal_change, kind, breaks_guardrail) -> None:
    assert cli.json("apply", REFERENCE)[0] == 0
    assert drift_of(cli)[0] == 0
    address = portal_change(emulator)

    code, report = drift_of(cli)
    assert code == 2
    assert [(d["address"], d["kind"]) for d in report["drifted"]] == [(address, kind)]
    assert report["summary"]["drifted"] == 1 and report["summary"]["missing"] == (kind == "missing")
    assert report["summary"]["resources"] == reference_size(emulator.emu.subscription_id)
    if kind == "changed":
        assert report["drifted"][0]["diff"], "a changed resource names the fields that differ"
    assert cli("verify", REFERENCE).exit_code == (2 if breaks_guardrail else 0)

    (record,) = reconcile_once(cli)
    assert record["status"] == "repaired" and record["drifted"] == [address]
    assert drift_of(cli)[0] == 0
    result = cli("verify", REFERENCE, "--output", "json")
    assert result.exit_code == 0, [c for c in json.loads(result.stdout)["checks"] if c["status"] == "fail"]


def test_drift_reports_the_changed_fields_with_expected_and_actual(cli, emulator) -> None:
    assert cli.json("apply", REFERENCE)[0] == 0
    public_access_reenabled(emulator)
    code, report = drift_of(cli)
    (entry,) = report["drifted"]
    assert entry["type"] == "Microsoft.Search/searchServices" and entry["id"].lower().startswith("/subscriptions/")
    (field,) = [d for d in entry["diff"] if d["path"] == "properties.publicNetworkAccess"]
    assert field["expected"].lower() == "disabled" and field["actual"].lower() == "enabled"
    text = cli("drift", REFERENCE)
    assert text.exit_code == 2 and "spokes.chat.search" in text.stdout and "publicNetworkAccess" in text.stdout


def test_drift_reads_each_resource_once_and_writes_nothing(cli, emulator) -> None:
    assert cli.json("apply", REFERENCE)[0] == 0
    route_removed(emulator)
    emulator.reset_stats()
    code, report = drift_of(cli)
    stats = emulator.stats()
    assert code == 2
    assert stats["writes"] == 0
    assert stats["reads"] <= report["summary"]["resources"], stats


def test_drift_on_an_empty_subscription_reports_everything_missing(cli, emulator) -> None:
    code, report = drift_of(cli)
    assert code == 2
    size = reference_size(emulator.emu.subscription_id)
    assert report["summary"]["missing"] == report["summary"]["resources"] == size


def test_drift_never_shows_a_secret(cli, emulator) -> None:
    """The App Insights connection string flows into app settings; no drift output carries it."""
    assert cli.json("apply", REFERENCE)[0] == 0
    component = next(b for i, b in emulator.resources().items() if "/microsoft.insights/components/" in i)
    secret = component["properties"]["ConnectionString"]
    public_access_reenabled(emulator)
    for args in (("--output", "json"), ("--log-format", "json"), ()):
        result = cli("drift", REFERENCE, *args)
        assert result.exit_code == 2
        assert secret not in result.output


def test_a_drifted_secret_field_is_shown_as_sensitive() -> None:
    from lzengine.diff import Action, Change, DiffItem
    from lzengine.drift import drift_report

    change = Change(Action.UPDATE, "spokes.chat.app_service.app", "/x", "Microsoft.Web/sites",
                    (DiffItem("properties.siteConfig.appSettings[CONN]", "old-secret", "new-secret"),
                     DiffItem("properties.httpsOnly", False, True)),
                    secret_paths=frozenset({"properties.siteConfig.appSettings[CONN].value"}))
    (entry,) = drift_report([change], 1).as_dict()["drifted"]
    assert entry["diff"][0] == {"path": "properties.siteConfig.appSettings[CONN]", "expected": "(sensitive)",
                                "actual": "(sensitive)"}
    assert entry["diff"][1] == {"path": "properties.httpsOnly", "expected": True, "actual": False}
