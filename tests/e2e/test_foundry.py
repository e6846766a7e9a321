"""AI Foundry projects end to end: the reference landing zone's project converges keyless, its
wiring is checked by ``verify``, lost wiring is found by ``drift``/``verify`` and repaired by
``apply``, and projects survive a destroy followed by a recovery of the soft-deleted account."""

from __future__ import annotations

from tests.e2e.day2_support import edited
from tests.ops.helpers import arm, find

COGNITIVE_API = "2025-06-01"
AUTH_API = "2022-04-01"
PROJECT = "chat-research"


def checks(cli, path: str, name: str) -> list[dict]:
    code, report = cli.json("verify", path)
    return [c for c in report["checks"] if c["name"] == name]


def test_project_converges_keyless_and_lost_wiring_is_found_and_repaired(landing_zone) -> None:
    zone, emulator, cli = landing_zone, landing_zone.emulator, landing_zone.cli
    resources = zone.resources()
    account = next(b for k, b in resources.items() if k.endswith("/accounts/" + b.get("name", "").lower())
                   and "/microsoft.cognitiveservices/" in k)
    assert account["properties"]["allowProjectManagement"] is True and account["properties"]["disableLocalAuth"]
    project_id = find(emulator, f"/projects/{PROJECT}")
    project = resources[project_id.lower()]
    principal = project["identity"]["principalId"]
    assert project["identity"]["type"] == "SystemAssigned" and principal
    connections = {k.rsplit("/", 1)[-1]: b for k, b in resources.items() if k.startswith(project_id.lower() + "/")}
    assert set(connections) == {"search", "storage", "app-insights"}
    assert {c["properties"]["authType"] for c in connections.values()} == {"AAD"}
    search_id = connections["search"]["properties"]["metadata"]["ResourceId"]
    assert search_id.lower() in resources and "credentials" not in connections["search"]["properties"]
    roles = [b for k, b in resources.items() if "/roleassignments/" in k
             and b["properties"]["principalId"] == principal]
    assert {r["properties"]["roleDefinitionId"].rsplit("/", 1)[-1] for r in roles} == {
        "8ebe5a00-799e-43f5-93ac-243d3dce84a7", "7ca78c08-252a-4471-8644-bb5ff32d4ba0",  # search index data, service
        "ba92f5b4-2d11-453d-a403-e96b0029c9fe"}  # storage blob data contributor
    storage = connections["storage"]["properties"]
    assert storage["category"] == "AzureStorageAccount" and storage["metadata"]["ResourceId"].lower() in resources
    path = zone.write(zone.text)
    assert [c["status"] for c in checks(cli, path, "foundry-project")] == ["pass"]

    # someone deletes the Search connection and one of the identity's roles
    arm(emulator, "DELETE", f"{project_id}/connections/search", COGNITIVE_API)
    role_id = next(k for k, b in zone.resources().items() if "/roleassignments/" in k
                   and b["properties"]["principalId"] == principal)
    arm(emulator, "DELETE", role_id, AUTH_API)
    code, drift = cli.json("drift", path)
    assert code == 2
    assert {(d["address"], d["kind"]) for d in drift["drifted"]} >= {
        (f"spokes.chat.ai.project.{PROJECT}.connection.search", "missing")}
    failed = checks(cli, path, "foundry-project")
    assert failed[0]["status"] == "fail"
    assert "connection search does not exist" in failed[0]["detail"] and "is not assigned" in failed[0]["detail"]
    assert cli("verify", path).exit_code == 2

    code, report = cli.json("apply", path)
    assert code == 0 and report["summary"]["create"] == 2, report["summary"]
    assert [c["status"] for c in checks(cli, path, "foundry-project")] == ["pass"]
    assert zone.converged()


FOUNDRY = """\
name: contoso-ai
location: swedencentral
teams:
  chat-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
  log_analytics: {}
spokes:
  - name: chat
    owner: chat-team
    address_space: 10.101.0.0/22
    ai:
      kind: AIServices
      deployments:
        - {model: gpt-4o, version: "2024-11-20", sku: DataZoneStandard, capacity: 50}
      projects:
        - {name: research, connections: [search]}
    search: {sku: basic, replicas: 1}
"""


def test_projects_under_a_recovered_account_and_after_a_purge(cli, emulator, plan_file) -> None:
    path = plan_file(FOUNDRY)
    assert cli.json("apply", path)[0] == 0
    assert cli("plan", path, "--detailed-exitcode").exit_code == 0
    assert cli.json("destroy", path, "--yes")[0] == 0
    assert not [k for k in emulator.resources() if "/projects/" in k]

    restoring = plan_file(edited(FOUNDRY, "      kind: AIServices\n", "      kind: AIServices\n      restore: true\n"),
                          "restore.yaml")
    code, report = cli.json("apply", restoring)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    project = next(b for k, b in emulator.resources().items() if k.endswith("/projects/research"))
    assert project["identity"]["principalId"]
    assert cli("plan", restoring, "--detailed-exitcode").exit_code == 0
    assert cli("verify", restoring).exit_code == 0

    assert cli.json("destroy", restoring, "--yes", "--purge")[0] == 0
    code, report = cli.json("apply", path)  # the name is free again: a new account, a new project
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert any(k.endswith("/projects/research/connections/search") for k in emulator.resources())
    assert cli("verify", path).exit_code == 0


def test_plan_errors_for_projects(cli, plan_file) -> None:
    openai = plan_file(edited(FOUNDRY, "kind: AIServices", "kind: OpenAI"), "openai.yaml")
    result = cli("validate", openai)
    assert result.exit_code == 1 and "need an AI Services account" in result.output
    storage = plan_file(edited(FOUNDRY, "connections: [search]", "connections: [search, storage]"), "s.yaml")
    result = cli("validate", storage)
    assert result.exit_code == 1 and "does not deploy" in result.output and ":17:" in result.output
