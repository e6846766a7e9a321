"""apply converges the hub network on the emulator through the real SDK, idempotently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PLANS, REPO

HUB = """\
name: contoso-ai
location: swedencentral
tags: {env: test}
hub:
  address_space: 10.100.0.0/16
  subnets:
    - name: AzureFirewallSubnet
      prefix: 10.100.0.0/26
    - name: snet-shared
      prefix: 10.100.1.0/24
"""


def vnet_id(subscription: str) -> str:
    return (f"/subscriptions/{subscription}/resourceGroups/rg-contoso-ai-hub/providers/"
            "Microsoft.Network/virtualNetworks/vnet-contoso-ai-hub").lower()


def test_first_apply_creates_everything(cli, emulator, plan_file) -> None:
    code, report = cli.json("apply", plan_file(HUB))
    assert code == 0, report
    addresses = [o["address"] for o in report["outcomes"]]
    assert addresses == ["hub.resource_group", "hub.vnet", "hub.subnet.AzureFirewallSubnet",
                         "hub.nsg.snet-shared", "hub.subnet.snet-shared"]
    assert report["summary"]["create"] == 5 and report["summary"]["failed"] == 0
    assert {o["status"] for o in report["outcomes"]} == {"succeeded"}
    state = emulator.resources()
    sub = emulator.emu.subscription_id
    vnet = state[vnet_id(sub)]
    assert vnet["properties"]["addressSpace"]["addressPrefixes"] == ["10.100.0.0/16"]
    assert vnet["properties"]["provisioningState"] == "Succeeded"
    assert vnet["tags"] == {"env": "test", "managed-by": "lzengine", "lzengine-zone": "contoso-ai"}
    subnet = state[vnet_id(sub) + "/subnets/snet-shared"]
    assert subnet["properties"]["addressPrefix"] == "10.100.1.0/24"


def test_second_apply_makes_no_writes(cli, emulator, plan_file) -> None:
    path = plan_file(HUB)
    assert cli.json("apply", path)[0] == 0
    emulator.reset_stats()
    code, report = cli.json("apply", path)
    assert code == 0
    assert report["summary"]["noop"] == 5 and report["summary"]["create"] == 0
    stats = emulator.stats()
    # the only write and delete: the run lock's record, taken and released (lzengine.zone_lock); a run
    # that writes nothing leaves the young verification checkpoint where it is (lzengine.verified)
    assert stats["writes"] == 1 and stats["deletes"] == 1
    assert stats["by_type"]["microsoft.network/privatednszones/txt"] >= 2
    # one list of the subscription's VNets returns the VNet with its subnets (list-based
    # observation), one GET for each other resource, and one list of the ownership records
    assert stats["reads"] == 5


def test_changed_subnet_prefix_is_updated_in_place(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(HUB))[0] == 0
    changed = plan_file(HUB.replace("10.100.1.0/24", "10.100.2.0/23"), "changed.yaml")
    code, plan = cli.json("plan", changed)
    assert code == 0
    pending = [c for c in plan["changes"] if c["action"] != "noop"]
    assert [(c["address"], c["action"]) for c in pending] == [("hub.subnet.snet-shared", "update")]
    assert pending[0]["items"] == [
        {"path": "properties.addressPrefix", "before": "10.100.1.0/24", "after": "10.100.2.0/23"}
    ]
    assert cli("plan", changed, "--detailed-exitcode").exit_code == 2
    emulator.reset_stats()
    code, report = cli.json("apply", changed)
    assert code == 0 and report["summary"]["update"] == 1 and report["summary"]["create"] == 0
    assert emulator.stats()["deletes"] == 1  # the run lock's record, released; nothing was replaced
    subnet = emulator.resources()[vnet_id(emulator.emu.subscription_id) + "/subnets/snet-shared"]
    assert subnet["properties"]["addressPrefix"] == "10.100.2.0/23"
    assert cli("plan", changed, "--detailed-exitcode").exit_code == 0


def test_yaml_syntax_error_exits_1_with_location_and_sends_nothing(cli, emulator, plan_file) -> None:
    path = plan_file("name: contoso-ai\nhub:\n  address_space: [10.0.0.0/16\n")
    result = cli("apply", path)
    assert result.exit_code == 1
    assert f"{path}:4:1: error[yaml]" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    stats = emulator.stats()
    assert stats["reads"] == stats["writes"] == stats["deletes"] == 0


def test_unknown_key_exits_1_with_location_and_sends_nothing(cli, emulator, plan_file) -> None:
    path = plan_file(HUB.replace("  subnets:", "  subnetz:"))
    result = cli("apply", path)
    assert result.exit_code == 1
    assert f"{path}:6:3: error[unknown-key]: unknown key 'hub.subnetz'" in result.stderr
    assert "did you mean 'subnets'?" in result.stderr
    stats = emulator.stats()
    assert stats["reads"] == stats["writes"] == stats["deletes"] == 0


def test_readme_run_line_applies_then_reports_no_changes(tmp_path: Path) -> None:
    """The README's local target, as a newcomer runs it: state persists in ./.lzengine/."""
    env = {k: v for k, v in os.environ.items() if k not in ("AZURE_SUBSCRIPTION_ID", "LZENGINE_ENDPOINT")}
    command = [sys.executable, "-m", "lzengine", "apply", str(PLANS / "ai-landing-zone.yaml"), "--time-scale", "0"]
    first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0].startswith("target: local emulator")
    assert "Apply complete:" in first.stdout
    assert (tmp_path / ".lzengine" / "emulator.sqlite").exists()
    second = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "No changes:" in second.stdout and " 0 created" in second.stdout
    assert REPO.exists()


def test_endpoint_without_subscription_exits_1_not_2(plan_file, monkeypatch) -> None:
    """A drift check must never mistake a configuration error for drift (exit 2)."""
    from click.testing import CliRunner

    from lzengine.cli import main

    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    result = CliRunner().invoke(main, ["plan", plan_file(HUB), "--detailed-exitcode",
                                       "--endpoint", "https://127.0.0.1:1", "--token", "t"])
    assert result.exit_code == 1
    assert "--endpoint needs --subscription" in result.stderr


def test_usage_errors_exit_1_so_exit_2_only_ever_means_changes() -> None:
    from click.testing import CliRunner

    from lzengine.cli import main

    result = CliRunner().invoke(main, ["plan", "--detailed-exitcode", "--no-such-option", "x.yaml"])
    assert result.exit_code == 1 and "No such option" in result.output
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0
