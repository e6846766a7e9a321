"""The ``lzengine`` command line: a thin client of the library API (``lzengine.api``).

Who uses it: people and CI (``lzengine ...`` / ``python -m lzengine ...``). Commands parse
arguments, open a target and a ``LandingZone`` through the API, render its typed results as text
or JSON, ask the terminal question before a replacement, and map results to exit codes. The
workflows themselves (plan → prune plan → confirm → apply → prune, drift, verify, reconcile)
live behind the API. Heavy imports (Azure SDKs, the emulator) happen inside the commands that
need them, so ``--help`` and ``validate`` stay fast.

Exit codes: 0 success; 1 failure (a plan error, a failed resource, a refused confirmation);
2 from ``plan --detailed-exitcode`` when there are changes, from ``drift`` when there is drift
and from ``verify`` when a check fails.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from lzengine.errors import LzengineError, PlanError

DEFAULT_LOCAL_TIME_SCALE = 0.01

_log_format_option = click.option(
    "--log-format", type=click.Choice(["text", "json"]), default=None,
    help="json: every log record (target, progress, errors, reconcile cycles) as one JSON line on stderr.")


class Parallelism(click.ParamType):
    """``--parallelism``: an integer from 1 to 256, or ``auto`` (given to the library as None)."""

    name = "N|auto"

    def convert(self, value: Any, param: Any, ctx: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        if str(value).strip().lower() == "auto":
            return None
        try:
            number = int(str(value))
        except ValueError:
            self.fail(f"{value!r} is neither a number nor 'auto'", param, ctx)
        if not 1 <= number <= 256:
            self.fail(f"{number} is not in the range 1 to 256", param, ctx)
        return number


def _lock_timeout_option(help_text: str) -> Any:
    """``--lock-timeout`` of apply, destroy and reconcile. Unset means the run lock's own default
    (``lzengine.zone_lock.DEFAULT_TIMEOUT_S``, 300 s), resolved by ``_lock_timeout`` so the number lives
    in one place and ``--help`` imports nothing."""
    return click.option("--lock-timeout", type=click.FloatRange(min=0), default=None,
                        help=f"{help_text} [default: 300]")


#: ``--refresh`` of plan, apply and drift: read every resource, like ``terraform plan -refresh``
_refresh_option = click.option(
    "--refresh", is_flag=True,
    help="Read every resource. Without it, a resource verified by an earlier run and untouched since "
         "according to the Azure Activity Log is not read again (a change made in the few minutes before "
         "this run may then be seen by the next run).")


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
        click.option("--parallelism", type=Parallelism(), default="auto", show_default=True,
                     help="How many resources are converged at once: a number (1 to 256), or 'auto': as many as "
                          "the plan's long operations need to finish near its critical path, at least 8."),
        click.option("--output", type=click.Choice(["text", "json"]), default="text", show_default=True),
        click.option("--team", default=None,
                     help="Converge only what this team owns; other teams' resources are read, never written."),
        _log_format_option,
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
@_log_format_option
def main(log_format: str | None) -> None:
    """Converge a secure AI landing zone on Azure from a short YAML plan.

    \b
    lzengine validate plans/ai-landing-zone.yaml
    lzengine plan plans/ai-landing-zone.yaml
    lzengine apply plans/ai-landing-zone.yaml
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_log_format_option
def validate(files: tuple[str, ...], output: str, log_format: str | None) -> None:
    """Check plan files without calling Azure; report every problem with file:line:column."""
    from lzengine.plan import load_plan

    log = Log(_log_format({"log_format": log_format}))
    problems = []
    for file in files:
        try:
            load_plan(file)
        except PlanError as exc:
            problems.extend(exc.diagnostics)
    if output == "json":
        click.echo(json.dumps({"valid": not problems, "diagnostics": [d.as_dict() for d in problems]}, indent=2))
    elif log.json:
        for diagnostic in problems:
            log.record("diagnostic", level="error", **diagnostic.as_dict())
        log.record("validate", level="error" if problems else "info", files=len(files), problems=len(problems))
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
@_log_format_option
def graph(file: str, fmt: str, subscription: str | None, log_format: str | None) -> None:
    """Print the resource graph of a plan: nodes with ids and owners, edges from dependency to dependent."""
    from lzengine.compile import compile_plan
    from lzengine.plan import load_plan
    from lzengine.plan.naming import PLACEHOLDER_SUBSCRIPTION
    from lzengine.render_graph import graph_to_dot, graph_to_json, graph_to_mermaid

    try:
        plan_model = load_plan(file)
    except PlanError as exc:
        _fail_plan(exc, as_json=False, log=Log(_log_format({"log_format": log_format})))
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
@_refresh_option
def plan(file: str, detailed_exitcode: bool, prune: bool, **options: Any) -> None:
    """Show what apply would change, field by field. Writes nothing.

    With --detailed-exitcode this is a drift check for schedulers: 0 in sync, 2 drifted, 1 error
    (`lzengine drift` gives the drift alone, as its own report).
    """
    from lzengine.report import change_as_dict, plan_summary, render_plan_text

    with _session(file, options) as session:
        result = session.zone.plan(prune=prune)
        changes = result.changes
        if session.as_json:
            document = {"target": session.target.label, "changes": [change_as_dict(c) for c in changes],
                        "summary": plan_summary(changes), "notes": result.notes}
            click.echo(json.dumps(document, indent=2, default=str))
        else:
            click.echo(render_plan_text(changes))
            for note in result.notes:
                click.echo(f"note: {note}", err=True)
    if result.refused:
        session.log.error("some of these changes would be refused (see above); nothing was written")
        sys.exit(1)
    if detailed_exitcode and result.has_changes:
        sys.exit(2)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_target_options
@click.option("--yes", is_flag=True, help="Do not ask before replacing or deleting resources.")
@_lock_timeout_option("Seconds to wait for another run of this landing zone to finish before giving up (exit 1).")
@click.option("--prune", is_flag=True,
              help="Delete resources tagged as managed by this landing zone that the plan no longer declares.")
@_refresh_option
def apply(file: str, yes: bool, prune: bool, **options: Any) -> None:
    """Converge Azure to the plan: create and update what differs, in dependency order."""
    from lzengine.report import render_report_text

    with _session(file, options) as session:
        result = session.zone.apply(prune=prune, allow_destructive=yes,
                                    confirm=_terminal_confirm(session, "Replace/delete the resources above?"))
        session.reporter.close()
        click.echo(json.dumps(result.as_dict(), indent=2) if session.as_json else render_report_text(result))
        if not session.as_json:
            for note in result.notes:
                click.echo(f"note: {note}", err=True)
    sys.exit(result.exit_code)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_target_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_lock_timeout_option("Seconds to wait for another run of this landing zone to finish before giving up (exit 1).")
@click.option("--purge", is_flag=True,
              help="Also purge soft-deleted Cognitive Services accounts (kept 48 h) and Key Vaults (kept for their "
                   "retention); a vault under purge protection is reported with the date Azure purges it.")
def destroy(file: str, yes: bool, purge: bool, **options: Any) -> None:
    """Delete every resource of the plan that exists, dependents first."""
    from lzengine.report import render_report_text

    with _session(file, options) as session:
        result = session.zone.destroy(purge=purge, allow_destructive=yes,
                                      confirm=_terminal_confirm(session, "Delete the resources above?"))
        session.reporter.close()
        click.echo(json.dumps(result.as_dict(), indent=2) if session.as_json
                   else render_report_text(result, "Destroy"))
        if not session.as_json:
            for note in result.notes:
                click.echo(f"note: {note}", err=True)
    sys.exit(result.exit_code)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_target_options
@_refresh_option
def drift(file: str, **options: Any) -> None:
    """Compare the live estate with the plan, without writing: exit 0 in sync, 2 drifted, 1 error.

    One read per resource; no policy preflight. `--output json` gives
    {"drifted": [{"id", "address", "type", "kind", "diff": [{"path", "expected", "actual"}]}], "summary"}.
    """
    from lzengine.drift import render_drift_text

    with _session(file, options) as session:
        report = session.zone.drift()
        if session.as_json:
            click.echo(json.dumps(report.as_dict(), indent=2, default=str))
        else:
            click.echo(render_drift_text(report))
        session.log.info("drift", f"drift: {report.summary()['drifted']} drifted", **report.summary())
    sys.exit(2 if report.has_drift else 0)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_target_options
def verify(file: str, **options: Any) -> None:
    """Check the guardrails on the live estate: private DNS, public access, egress through the
    firewall, diagnostics, model deployments, policy compliance. Exit 0 all pass, 2 a check
    failed, 1 error."""
    from lzengine.verify import render_verify_text

    with _session(file, options) as session:
        report = session.zone.verify()
        if session.as_json:
            click.echo(json.dumps(report.as_dict(), indent=2, default=str))
        else:
            click.echo(render_verify_text(report))
        session.log.info("verify", f"verify: {report.summary()['failed']} failed", **report.summary())
    sys.exit(2 if report.failed else 0)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_target_options
@click.option("--every", "every", default="15m", show_default=True, help="Time between cycles, e.g. 30s, 15m, 1h.")
@click.option("--jitter", default="0s", show_default=True, help="Up to this much extra wait, random per cycle.")
@click.option("--max-runs", type=click.IntRange(min=1), default=None,
              help="Stop after this many cycles (1: one cycle, for schedulers such as a CronJob).")
@click.option("--yes", is_flag=True, help="Also carry out replacements (otherwise a cycle that needs one fails).")
@_lock_timeout_option("Seconds a cycle waits for another run of this landing zone; then that cycle fails and the "
                      "loop goes on.")
def reconcile(file: str, every: str, jitter: str, max_runs: int | None, yes: bool, **options: Any) -> None:
    """Loop: detect drift, converge it, log one record per cycle. SIGTERM/SIGINT lets the
    operations in flight finish and exits 0; a failed cycle is logged and the loop goes on."""
    import threading

    from lzengine.reconcile import parse_duration, reconcile_loop

    try:
        every_s, jitter_s = parse_duration(every), parse_duration(jitter)
    except ValueError as exc:
        _fail_target(str(exc))
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with _session(file, options, stop=stop) as session:
            def on_cycle(record: Any) -> None:
                if session.log.json:
                    click.echo(json.dumps(record.as_dict(), default=str))
                else:
                    click.echo(record.render())

            reconcile_loop(session.zone, every_s=every_s, jitter_s=jitter_s, max_runs=max_runs, stop=stop,
                           allow_destructive=yes, on_cycle=on_cycle)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sys.exit(0)


@main.command(name="init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--ci", "ci", type=click.Choice(["github", "azure-devops", "kubernetes"]), required=True,
              help="Which pipeline files to write.")
@click.option("--plan-file", default="plans/ai-landing-zone.yaml", show_default=True,
              help="The plan the pipeline converges (path inside the repository).")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@_log_format_option
def init(directory: str, ci: str, plan_file: str, force: bool, log_format: str | None) -> None:
    """Write pipeline files a team can copy: GitHub Actions, Azure DevOps, or a container image
    and a Kubernetes CronJob running `reconcile --max-runs 1`."""
    from lzengine.ci import write_pipeline

    log = Log(_log_format({"log_format": log_format}))
    try:
        written = write_pipeline(ci, Path(directory), plan_file=plan_file, force=force)
    except FileExistsError as exc:
        _fail_target(f"{exc} exists; pass --force to overwrite it", log)
    for path in written:
        log.info("wrote", f"wrote {path}", to_stderr=False, path=str(path))


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
@click.option("--today", default=None, metavar="YYYY-MM-DD", envvar="LZENGINE_EMULATOR_TODAY",
              help="Pin the day model lifecycles (Deprecating, Deprecated) are decided on; default the real date.")
@click.option("--subscriptions", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="How many subscriptions to serve; their ids are fixed and printed in the ready line.")
def serve(port: int, state_file: str | None, time_scale: float, faults: str | None, seed: int, throttle: str,
          policy_dirs: tuple[str, ...], today: str | None, subscriptions: int) -> None:
    """Serve the ARM protocol on https://127.0.0.1 until SIGINT/SIGTERM."""
    from lzengine.emulator.serve import serve_forever
    from lzengine.emulator.today import parse

    if today is not None:
        try:
            parse(today)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--today") from None
    sys.exit(serve_forever(port=port, state_file=state_file, time_scale=time_scale, throttle=throttle,
                           faults=faults, seed=seed, policy_dir=list(policy_dirs) or None, today=today,
                           subscriptions=subscriptions))


# -- sessions --------------------------------------------------------------------------------------
class Log:
    """Where the CLI's log records go: human lines on stderr, or JSON lines (``--log-format json``)."""

    def __init__(self, fmt: str | None):
        from lzengine.logs import JsonLog

        self.json = fmt == "json"
        self._json = JsonLog() if self.json else None

    def info(self, event: str, text: str, *, to_stderr: bool = True, **fields: Any) -> None:
        if self._json is not None:
            self._json.record(event, **fields)
        elif event not in ("drift", "verify"):  # their text is the report itself
            click.echo(text, err=to_stderr)

    def record(self, event: str, level: str = "info", **fields: Any) -> None:
        """A JSON record only (text mode prints its own lines)."""
        if self._json is not None:
            self._json.record(event, level=level, **fields)

    def error(self, message: str, *, code: str | None = None, hint: str = "") -> None:
        if self._json is not None:
            self._json.record("error", level="error", message=message, code=code, hint=hint or None)
            return
        click.echo(f"error: {message}", err=True)
        if hint:
            click.echo(f"    hint: {hint}", err=True)


def _lock_timeout(options: dict[str, Any]) -> float:
    from lzengine.zone_lock import DEFAULT_TIMEOUT_S

    value = options.get("lock_timeout")
    return DEFAULT_TIMEOUT_S if value is None else float(value)


def _log_format(options: dict[str, Any]) -> str | None:
    ctx = click.get_current_context(silent=True)
    inherited = ctx.find_root().params.get("log_format") if ctx else None
    return options.get("log_format") or inherited


@dataclass
class Session:
    """What a command that talks to a target works with."""

    zone: Any
    target: Any
    reporter: Any
    log: Log
    as_json: bool


@contextlib.contextmanager
def _session(file: str, options: dict[str, Any], stop: Any = None) -> Iterator[Session]:
    """Load the plan, open the target, and yield a LandingZone with the right progress display.
    Plan errors, target errors and lzengine errors end the command with exit 1 and no traceback."""
    from lzengine import api
    from lzengine.errors import ProviderError, TargetError
    from lzengine.retry import hint_for
    from lzengine.targets import plan_subscriptions

    as_json = options["output"] == "json"
    log = Log(_log_format(options))
    try:
        plan_model = api.load_plan(file)
    except PlanError as exc:
        _fail_plan(exc, as_json, log)
    kind = "endpoint" if options["endpoint"] else options["target"]
    try:
        with api.open_target(kind, subscription_id=options["subscription"], endpoint=options["endpoint"],
                             ca_file=options["ca_file"], token=options["token"], time_scale=options["time_scale"],
                             policy_dir=options.get("policy_dir"), env={},
                             fallback_subscription_id=plan_model.subscription,
                             subscriptions=plan_subscriptions(plan_model)) as target:
            log.info("target", f"target: {target.label}", to_stderr=as_json, target=target.label)
            reporter = _reporter(as_json, log)
            zone = api.LandingZone(plan_model, target, parallelism=options["parallelism"], team=options["team"],
                                   on_progress=_forward(reporter), stop=stop,
                                   lock_timeout_s=_lock_timeout(options), refresh=bool(options.get("refresh")),
                                   on_lock_wait=lambda held: log.info(
                                       "lock-wait", f"waiting for the lock of {plan_model.name}: held by "
                                       f"{held.describe()}", to_stderr=True, holder=held.as_dict()))
            try:
                yield Session(zone, target, reporter, log, as_json)
            except PlanError as exc:  # a dependency cycle found while compiling
                _fail_plan(_relabel(exc, file), as_json, log)
            except api.ConfirmationRefused as exc:
                log.error(f"{exc}; re-run with --yes to allow it")
                sys.exit(1)
            except LzengineError as exc:
                hint = hint_for(exc) if isinstance(exc, ProviderError) else ""
                log.error(str(exc), code=getattr(exc, "code", None), hint=hint)
                sys.exit(1)
            finally:
                reporter.close()
    except TargetError as exc:
        _fail_target(str(exc), log)


def _reporter(as_json: bool, log: Log) -> Any:
    from lzengine.report import LineReporter, LiveReporter, NilReporter

    if log.json:
        from lzengine.logs import JsonLinesReporter, JsonLog

        return JsonLinesReporter(JsonLog())
    if as_json:
        return NilReporter()
    return LiveReporter() if sys.stdout.isatty() else LineReporter()


def _forward(reporter: Any) -> Any:
    """The API's progress callback, drawn by one of the report module's reporters."""

    def on_progress(event: Any) -> None:
        if event.kind == "started":
            reporter.started(event.change)
        elif event.kind == "retrying":
            reporter.retrying(event.address, event.error, event.delay_s)
        elif event.kind == "done":
            reporter.done(event.outcome)

    return on_progress


def _terminal_confirm(session: Session, question: str) -> Any:
    """Show the changes and ask on a TTY; without one (or with JSON output) the answer is no."""
    from lzengine.report import render_plan_text

    def confirm(changes: list[Any]) -> bool:
        click.echo(render_plan_text(changes), err=session.as_json)
        return sys.stdin.isatty() and not session.as_json and click.confirm(question)

    return confirm


def _relabel(exc: PlanError, file: str) -> PlanError:
    from dataclasses import replace

    return PlanError([replace(d, file=file) if d.file == "<plan>" else d for d in exc.diagnostics])


def _fail_plan(exc: PlanError, as_json: bool, log: Log | None = None) -> None:
    if as_json:
        click.echo(json.dumps({"diagnostics": [d.as_dict() for d in exc.diagnostics]}, indent=2))
    if log is not None and log.json:
        for diagnostic in exc.diagnostics:
            log.record("diagnostic", level="error", **diagnostic.as_dict())
        sys.exit(1)
    for diagnostic in exc.diagnostics:
        click.echo(diagnostic.render(), err=True)
    click.echo(f"{len(exc.diagnostics)} problem(s) found; nothing was sent to Azure.", err=True)
    sys.exit(1)


def _fail_target(message: str, log: Log | None = None) -> None:
    """A target (or an option) that cannot be used: exit 1 (2 means changes, drift or a failed check)."""
    (log or Log(None)).error(message)
    sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
