"""Soft-deleted Cognitive Services accounts: the name stays blocked until restored or purged."""

from __future__ import annotations

AI = """\
name: contoso-ai
location: swedencentral
teams:
  chat-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
spokes:
  - name: chat
    owner: chat-team
    address_space: 10.101.0.0/22
    ai:
      kind: AIServices
      deployments:
        - {model: gpt-4o, version: "2024-11-20", sku: DataZoneStandard, capacity: 50}
"""


def account(report: dict) -> dict:
    return next(o for o in report["outcomes"] if o["address"] == "spokes.chat.ai")


def test_blocked_name_is_reported_once_with_what_to_do(cli, plan_file) -> None:
    path = plan_file(AI)
    assert cli.json("apply", path)[0] == 0
    assert cli.json("destroy", path, "--yes")[0] == 0
    code, report = cli.json("apply", path)
    assert code == 1
    failed = [o for o in report["outcomes"] if o["status"] == "failed"]
    assert [o["address"] for o in failed] == ["spokes.chat.ai"]  # root cause once; dependents skipped
    assert failed[0]["error_code"] == "FlagMustBeSetForRestore" and failed[0]["attempts"] == 1
    assert "destroy FILE --purge" in failed[0]["hint"]
    assert {o["status"] for o in report["outcomes"] if o["address"].startswith("spokes.chat.ai.")} <= {"skipped"}


def test_restore_recovers_the_soft_deleted_account(cli, emulator, plan_file) -> None:
    path = plan_file(AI)
    assert cli.json("apply", path)[0] == 0
    assert cli.json("destroy", path, "--yes")[0] == 0
    with_restore = AI.replace("      kind: AIServices\n", "      kind: AIServices\n      restore: true\n")
    restoring = plan_file(with_restore, "restore.yaml")
    code, report = cli.json("apply", restoring)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert account(report)["status"] == "succeeded"
    assert cli("plan", restoring, "--detailed-exitcode").exit_code == 0  # the flag is not drift


def test_destroy_purge_frees_the_name(cli, emulator, plan_file) -> None:
    path = plan_file(AI)
    assert cli.json("apply", path)[0] == 0
    code, report = cli.json("destroy", path, "--yes", "--purge")
    assert code == 0
    assert account(report)["status"] == "succeeded" and account(report)["action"] == "delete"
    code, report = cli.json("apply", path)
    assert code == 0 and account(report)["action"] == "create"
