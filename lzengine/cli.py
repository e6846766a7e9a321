"""The ``lzengine`` command line, and the composition root that wires a target to the engine.

Who uses it: people and CI (``lzengine ...`` / ``python -m lzengine ...``). It is the only module
that chooses a concrete adapter and the only one that starts the embedded emulator. Heavy
imports (Azure SDKs, the emulator) happen inside the commands that need them, so ``--help``
and ``validate`` stay fast.

Exit codes: 0 success; 1 failure (a plan error, a failed resource, a refused confirmation);
2 from ``plan --detailed-exitcode`` when there are changes.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from lzengine.errors import LzengineError, PlanError

LOCAL_STATE_DIR = ".lzengine"
DEFAULT_LOCAL_TIME_SCALE = 0.01


@dataclass
class Target:
    """A resolved target: a human label, the adapter connection, and the time scale of waits."""

    label: str
    connection: Any
    backoff_scale: float = 1.0


def _target_options(func: Any) -> Any:
    options = [
        click.option("--target", type=click.Choice(["local", "azure"]), default=None,
                     help="local: the embedded ARM emulator (state in ./.lzengine/); azure: real Azure. "
                          "Default: azure when a subscription is configured, else local."),
        click.option("--subscription", envvar="AZURE_SUBSCRIPTION_ID", default=None,
                     help="Subscription id (env AZURE_SUBSCRIPTION_ID)."),
        click.option("--endpoint", envvar="LZENGINE_ENDPOINT", default=None,
                     help="External ARM endpoint URL, e.g. a running 'lzengine emulator serve' "
                          "(env LZENGINE_ENDPOINT)."),
        click.option("--ca-file", envvar="LZENGINE_CA_FILE", default=None, type=click.Path(dir_okay=False),
                     help="CA bundle that verifies --endpoint (env LZENGINE_CA_FILE)."),
        click.option("--token", envvar="LZENGINE_TOKEN", default=None,
                     help="Bearer token for --endpoint (env LZENGINE_TOKEN)."),
        click.option("--time-scale", type=float, default=DEFAULT_LOCAL_TIME_SCALE, show_default=True,
                     help="Local target only: multiply Azure's provisioning durations by this."),
        click.option("--policy-dir", envvar="LZENGINE_POLICY_DIR", default=None,
                     type=click.Path(file_okay=False, exists=True),
                     help="Local target only: built-in policy definitions to load, so the emulator enforces "
                          "them (env LZENGINE_POLICY_DIR)."),
        click.option("--parallelism", type=click.IntRange(1, 64), default=8, show_default=True,
                     help="How many resources are converged at once."),
        click.option("--output", type=click.Choice(["text", "json"]), default="text", show_default=True),
        click.option("--team", default=None,
                     help="Converge only what this team owns; other teams' resources are read, never written."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class _Commands(click.Group):
    """Click's group, but usage errors exit 1: exit 2 means "changes" for plan --detailed-exitcode."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.ClickException as exc:
            exc.show()
            sys.exit(1)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lzengine")
def main() -> None:
    """Converge a secure AI landing zone on Azure from a short YAML plan.

    \b
    lzengine validate plans/ai-landing-zone.yaml
    lzengine plan plans/ai-landing-zone.yaml
    lzengine apply plans/ai-landing-zone.yaml
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(files: tuple[str, ...], output: str) -> None:
    """Check plan files without calling Azure; report every problem with file:line:column."""
    from lzengine.plan import load_plan

    problems = []
    for file in files:
        try:
            load_plan(file)
        except PlanError as exc:
            problems.extend(exc.diagnostics)
    if output == "json":
        click.echo(json.dumps({"valid": not problems, "diagnostics": [d.as_dict() for d in problems]}, indent=2))
    else:
        for diagnostic in problems:
            click.echo(diagnostic.render(), err=True)
        if not problems:
            click.echo(f"{len(files)} plan(s) valid.")
    sys.exit(1 if problems else 0)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a plan file (for editors and CI linters)."""
    from lzengine.schema import plan_json_schema

    click.echo(json.dumps(plan_json_schema(), indent=2))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "dot", "mermaid"]), default="json", show_default=True)
@click.option("--subscription", envvar="AZURE_SUBSCRIPTION_ID", default=None,
              help="Subscription used in the ids (a placeholder when not given).")
def graph(file: str, fmt: str, subscription: str | None) -> None:
    """Print the resource graph of a plan: nodes with ids and owners, edges from dependency to dependent."""
    from lzengine.compile import compile_plan
    from lzengine.plan import load_plan
    from lzengine.plan.naming import PLACEHOLDER_SUBSCRIPTION
    from lzengine.render_graph import graph_to_dot, graph_to_json, graph_to_mermaid

    try:
        plan_model = load_plan(file)
    except PlanError as exc:
        _fail_plan(exc, as_json=False)
    compiled = compile_plan(plan_model, subscription or plan_model.subscription or PLACEHOLDER_SUBSCRIPTION)
    if fmt == "json":
        click.echo(json.dumps(graph_to_json(compiled), indent=2))
    else:
        click.echo(graph_to_dot(compiled) if fmt == "dot" else graph_to_mermaid(compiled))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_target_options
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when none, 1 on error.")
@click.option("--prune", is_flag=True, help="Also show deletions of resources this landing zone no longer declares.")
def plan(file: str, detailed_exitcode: bool, prune: bool, **options: Any) -> None:
    """Show what apply would change, field by field. Writes nothing.

    With --detailed-exitcode this is a drift check for schedulers: 0 in sync, 2 drifted, 1 error.
    """
    from lzengine.report import change_as_dict, plan_summary, render_plan_text

    with _session(file, options) as session:
        changeset = session.engine.plan(session.graph)
        changes = list(changeset.changes.values())
        if prune:
            changes += list(session.engine.plan_prune(session.graph, session.plan.name)[1].changes.values())
        if options["output"] == "json":
            document = {"target": session.target.label, "changes": [change_as_dict(c) for c in changes],
                        "summary": plan_summary(changes)}
            click.echo(json.dumps(document, indent=2, default=str))
        else:
            click.echo(render_plan_text(changes))
    if any(c.failure for c in changes):
        click.echo("error: Azure Policy would refuse some of these changes (see above)", err=True)
        sys.exit(1)
    if detailed_exitcode and any(c.allowed and c.action.label != "noop" for c in changes):
        sys.exit(2)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_target_options
@click.option("--yes", is_flag=True, help="Do not ask before replacing or deleting resources.")
@click.option("--prune", is_flag=True,
              help="Delete resources tagged as managed by this landing zone that the plan no longer declares.")
def apply(file: str, yes: bool, prune: bool, **options: Any) -> None:
    """Converge Azure to the plan: create and update what differs, in dependency order."""
    from lzengine.diff import Action
    from lzengine.report import render_report_text

    as_json = options["output"] == "json"
    with _session(file, options) as session:
        engine = session.engine
        started = time.monotonic()
        changeset = engine.plan(session.graph)
        prune_graph, prune_changes = engine.plan_prune(session.graph, session.plan.name) if prune else (None, None)
        shown = list(changeset.changes.values()) + (list(prune_changes.changes.values()) if prune_changes else [])
        destructive = [c for c in shown if c.action in (Action.REPLACE, Action.DELETE) and c.allowed]
        if destructive and not yes:
            _confirm(shown, as_json, "Replace/delete the resources above?",
                     "this apply would replace or delete resources")
        report = engine.apply(session.graph, changeset)
        if prune_graph is not None and prune_changes is not None:
            report.outcomes += engine.prune(prune_graph, prune_changes)
        engine.reporter.close()
        report.target = session.target.label
        report.duration_s = time.monotonic() - started  # reads and preflight included
        if as_json:
            click.echo(json.dumps(report.as_dict(), indent=2))
        else:
            click.echo(render_report_text(report))
    sys.exit(report.exit_code)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_target_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--purge", is_flag=True,
              help="Also purge soft-deleted Cognitive Services accounts, which otherwise keep their name for 48 h.")
def destroy(file: str, yes: bool, purge: bool, **options: Any) -> None:
    """Delete every resource of the plan that exists, dependents first."""
    from lzengine.report import render_report_text

    options["purge"] = purge
    as_json = options["output"] == "json"
    with _session(file, options) as session:
        graph, engine, target = session.graph, session.engine, session.target
        started = time.monotonic()
        changeset = engine.plan_destroy(graph)
        if any(c.allowed for c in changeset.pending()) and not yes:
            _confirm(list(changeset.changes.values()), as_json, "Delete the resources above?",
                     "destroy deletes resources")
        report = engine.destroy(graph, changeset)
        engine.reporter.close()
        report.target = target.label
        report.duration_s = time.monotonic() - started
        click.echo(json.dumps(report.as_dict(), indent=2) if as_json else render_report_text(report, "Destroy"))
    sys.exit(report.exit_code)


@main.group()
def emulator() -> None:
    """The local ARM emulator."""


@emulator.command()
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
@click.option("--state", "state_file", default=None, help="SQLite file that keeps resources across restarts.")
@click.option("--time-scale", type=float, default=1.0, show_default=True)
@click.option("--faults", default=None, help='e.g. "rate=0.1,kinds=500+429+reset,types=Microsoft.Network/*"')
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--throttle", type=click.Choice(["on", "off", "scaled"]), default="on", show_default=True)
@click.option("--policy-dir", "policy_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Folder of built-in policy definition JSON files to preload (repeatable).")
def serve(port: int, state_file: str | None, time_scale: float, faults: str | None, seed: int, throttle: str,
          policy_dirs: tuple[str, ...]) -> None:
    """Serve the ARM protocol on https://127.0.0.1 until SIGINT/SIGTERM."""
    from lzengine.emulator.serve import serve_forever

    sys.exit(serve_forever(port=port, state_file=state_file, time_scale=time_scale, throttle=throttle,
                           faults=faults, seed=seed, policy_dir=list(policy_dirs) or None))


def _confirm(changes: list[Any], as_json: bool, question: str, what: str) -> None:
    """Show the destructive changes and ask on a TTY; without one (or with JSON output), stop."""
    from lzengine.report import render_plan_text

    click.echo(render_plan_text(changes), err=as_json)
    if not sys.stdin.isatty() or as_json or not click.confirm(question):
        click.echo(f"error: {what}; re-run with --yes to allow it", err=True)
        sys.exit(1)


# -- composition root ------------------------------------------------------------------------------
@dataclass
class Session:
    """What a plan/apply/destroy command works with."""

    plan: Any
    graph: Any
    engine: Any
    target: Target


@contextlib.contextmanager
def _session(file: str, options: dict[str, Any]) -> Iterator[Session]:
    """Load and compile the plan, open the target, and yield a Session."""
    from lzengine.plan import load_plan

    as_json = options["output"] == "json"
    try:
        plan_model = load_plan(file)
    except PlanError as exc:
        _fail_plan(exc, as_json)
    with _open_target(options, plan_model) as target:
        click.echo(f"target: {target.label}", err=as_json)
        from lzengine.adapters.azure_sdk import AzureSdkAdapter
        from lzengine.compile import compile_plan
        from lzengine.engine import Engine, EngineOptions
        from lzengine.graph import CycleError
        from lzengine.report import LineReporter, LiveReporter, NilReporter
        from lzengine.retry import RetryPolicy

        try:
            graph = compile_plan(plan_model, target.connection.subscription_id)
        except CycleError as exc:
            click.echo(f"{file}: error[cycle]: {exc}", err=True)
            sys.exit(1)
        adapter = AzureSdkAdapter(target.connection)
        reporter: Any = NilReporter() if as_json else LiveReporter() if sys.stdout.isatty() else LineReporter()
        engine = Engine(
            adapter,
            EngineOptions(parallelism=options["parallelism"], team=options["team"], purge=options.get("purge", False),
                          retry=RetryPolicy(backoff_scale=target.backoff_scale)),
            reporter,
        )
        try:
            yield Session(plan_model, graph, engine, target)
        except LzengineError as exc:
            from lzengine.errors import ProviderError
            from lzengine.retry import hint_for

            click.echo(f"error: {exc}", err=True)
            if isinstance(exc, ProviderError) and hint_for(exc):
                click.echo(f"    hint: {hint_for(exc)}", err=True)
            sys.exit(1)
        finally:
            reporter.close()
            adapter.close()


def _fail_plan(exc: PlanError, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"diagnostics": [d.as_dict() for d in exc.diagnostics]}, indent=2))
    for diagnostic in exc.diagnostics:
        click.echo(diagnostic.render(), err=True)
    click.echo(f"{len(exc.diagnostics)} problem(s) found; nothing was sent to Azure.", err=True)
    sys.exit(1)


@contextlib.contextmanager
def _open_target(options: dict[str, Any], plan_model: Any) -> Iterator[Target]:
    from lzengine.adapters.azure_sdk import Connection, StaticTokenCredential

    subscription = options["subscription"] or plan_model.subscription
    if options["endpoint"]:
        if not subscription:
            _fail_target("--endpoint needs --subscription or AZURE_SUBSCRIPTION_ID")
        if not options["token"]:
            _fail_target("--endpoint needs --token or LZENGINE_TOKEN")
        connection = Connection(subscription, StaticTokenCredential(options["token"]), base_url=options["endpoint"],
                                ca_file=options["ca_file"], polling_interval=0.05)
        yield Target(f"endpoint {options['endpoint']} (subscription {subscription})", connection)
        return
    target = options["target"] or ("azure" if options["subscription"] else "local")
    if target == "azure":
        if not subscription:
            _fail_target("--target azure needs --subscription or AZURE_SUBSCRIPTION_ID")
        from azure.identity import DefaultAzureCredential

        connection = Connection(subscription, DefaultAzureCredential(), polling_interval=5.0)
        yield Target(f"azure (subscription {subscription})", connection)
        return
    with _local_emulator(options["time_scale"], options.get("policy_dir")) as emu:
        scale = options["time_scale"]
        connection = Connection(emu.subscription_id, StaticTokenCredential(emu.token), base_url=emu.url,
                                ca_file=emu.ca_file, polling_interval=0.02,
                                pacing_speedup=1 / scale if scale > 0 else math.inf)  # its "scaled" throttling
        state = Path(LOCAL_STATE_DIR) / "emulator.sqlite"
        yield Target(f"local emulator (state {state}, time scale {options['time_scale']:g})", connection,
                     backoff_scale=options["time_scale"])


@contextlib.contextmanager
def _local_emulator(time_scale: float, policy_dir: str | None) -> Iterator[Any]:
    from lzengine.emulator import Emulator

    state_dir = Path(LOCAL_STATE_DIR)
    state_dir.mkdir(exist_ok=True)
    emu = Emulator(state_file=str(state_dir / "emulator.sqlite"), time_scale=time_scale, throttle="scaled",
                   policy_dirs=[policy_dir] if policy_dir else None)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def _fail_target(message: str) -> None:
    """A target that cannot be used: exit 1 (2 is reserved for plan --detailed-exitcode's changes)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
