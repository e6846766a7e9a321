"""`lzengine init --ci`: the files are written, complete, and pass their ecosystem's own checkers
(actionlint for GitHub Actions, the Azure Pipelines JSON Schema through check-jsonschema,
kubernetes-validate for the manifests), all from the test extra and offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML


def tool(name: str) -> str:
    """A checker installed by the test extra, next to this interpreter or on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install the test extra (pip install -e '.[test]')")
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120)


def init(cli, tmp_path: Path, ci: str, *extra: str) -> list[Path]:
    result = cli("init", "--ci", ci, str(tmp_path), *extra)
    assert result.exit_code == 0, result.output
    return [Path(line.removeprefix("wrote ")) for line in result.stdout.splitlines()]


def test_github_workflow_passes_actionlint_and_has_the_three_jobs(cli, tmp_path) -> None:
    (workflow,) = init(cli, tmp_path, "github")
    assert workflow == tmp_path / ".github" / "workflows" / "landing-zone.yml"
    checked = run(tool("actionlint"), "-no-color", str(workflow))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    document = YAML(typ="safe").load(workflow.read_text(encoding="utf-8"))
    assert document["permissions"]["id-token"] == "write"  # OIDC workload identity federation
    jobs = document["jobs"]
    assert set(jobs) == {"plan", "apply", "drift"}
    assert "pull_request" in jobs["plan"]["if"] and "GITHUB_STEP_SUMMARY" in str(jobs["plan"]["steps"])
    assert "refs/heads/main" in jobs["apply"]["if"]
    assert "schedule" in jobs["drift"]["if"] and "lzengine drift" in str(jobs["drift"]["steps"])
    assert any(s.get("uses", "").startswith("azure/login@") for s in jobs["apply"]["steps"])
    assert "plans/ai-landing-zone.yaml" in workflow.read_text(encoding="utf-8")


def test_azure_pipeline_passes_the_azure_pipelines_schema(cli, tmp_path) -> None:
    (pipeline,) = init(cli, tmp_path, "azure-devops", "--plan-file", "infra/zone.yaml")
    # the vendored schema ships inside check-jsonschema: no network. Its patterns are not
    # ECMA-valid for the default engine, hence the Python regex variant.
    checked = run(tool("check-jsonschema"), "--regex-variant", "python", "--builtin-schema",
                  "vendor.azure-pipelines", str(pipeline))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    document = YAML(typ="safe").load(pipeline.read_text(encoding="utf-8"))
    assert [s["stage"] for s in document["stages"]] == ["plan", "apply", "drift"]
    assert document["variables"]["PLAN_FILE"] == "infra/zone.yaml"
    assert document["schedules"][0]["cron"]


def test_kubernetes_manifests_pass_kubernetes_validate_and_run_one_reconcile_cycle(cli, tmp_path) -> None:
    dockerfile, manifest = init(cli, tmp_path, "kubernetes")
    checked = run(tool("kubernetes-validate"), "--strict", str(manifest))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    documents = list(YAML(typ="safe").load_all(manifest.read_text(encoding="utf-8")))
    kinds = {d["kind"]: d for d in documents}
    assert set(kinds) == {"Namespace", "ServiceAccount", "CronJob"}
    assert "azure.workload.identity/client-id" in kinds["ServiceAccount"]["metadata"]["annotations"]
    pod = kinds["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]
    assert pod["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    args = pod["spec"]["containers"][0]["args"]
    assert args[:2] == ["reconcile", "plan.yaml"] and args[args.index("--max-runs") + 1] == "1"
    text = dockerfile.read_text(encoding="utf-8")
    assert text.startswith("#") and "FROM python:" in text and 'ENTRYPOINT ["lzengine"]' in text
    assert "COPY plans/ai-landing-zone.yaml plan.yaml" in text


def test_the_image_command_is_a_real_lzengine_command(cli) -> None:
    """The CronJob's arguments parse as the CLI's own (a typo would only show in the cluster)."""
    result = cli("reconcile", "--help")
    for option in ("--max-runs", "--target", "--log-format", "--every"):
        assert option in result.stdout


def test_init_refuses_to_overwrite_without_force(cli, tmp_path) -> None:
    init(cli, tmp_path, "github")
    again = cli("init", "--ci", "github", str(tmp_path))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert cli("init", "--ci", "github", str(tmp_path), "--force").exit_code == 0
