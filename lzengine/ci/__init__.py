"""Pipeline files a team can copy: ``lzengine init --ci github|azure-devops|kubernetes [DIR]``.

Who uses it: the CLI's ``init`` command. The files are templates shipped as package data
(``lzengine/ci/templates``); writing them only fills in the plan path and the package to
install. Each pipeline authenticates to Azure without secrets, through OpenID Connect workload
identity federation (GitHub's ``azure/login`` with ``id-token: write``, an Azure DevOps service
connection of type workload identity federation, AKS workload identity for the CronJob), and
runs lzengine against ``--target azure``:

- GitHub Actions: ``plan`` on pull requests with the plan as the job summary; ``apply`` on
  ``main``; a nightly ``drift`` job that fails (exit 2) and lists what drifted in its summary.
- Azure DevOps: the same three stages, chosen by ``Build.Reason``.
- Kubernetes: a container image definition and a CronJob running ``reconcile --max-runs 1``.
"""

from __future__ import annotations

from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: template name -> path written under DIR, per --ci choice
FILES: dict[str, dict[str, str]] = {
    "github": {"github-workflow.yml": ".github/workflows/landing-zone.yml"},
    "azure-devops": {"azure-pipelines.yml": "azure-pipelines.yml"},
    "kubernetes": {"Dockerfile": "Dockerfile", "cronjob.yaml": "deploy/lzengine-reconcile.yaml"},
}


def package_spec() -> str:
    """What the pipelines ``pip install``: this lzengine's version, pinned."""
    try:
        return f"lzengine=={version('lzengine')}"
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "lzengine"


def render(template: str, *, plan_file: str, package: str | None = None) -> str:
    text = resources.files("lzengine.ci").joinpath("templates", template).read_text(encoding="utf-8")
    return text.replace("@@PLAN_FILE@@", plan_file).replace("@@PACKAGE@@", package or package_spec())


def write_pipeline(ci: str, directory: Path, *, plan_file: str, force: bool = False) -> list[Path]:
    """Write the files of ``ci`` under ``directory``; FileExistsError names a file that exists
    (nothing is written then) unless ``force``."""
    targets = {directory / relative: template for template, relative in FILES[ci].items()}
    if not force:
        for path in targets:
            if path.exists():
                raise FileExistsError(str(path))
    for path, template in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(template, plan_file=plan_file), encoding="utf-8")
    return list(targets)
