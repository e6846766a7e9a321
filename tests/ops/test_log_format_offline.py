"""``--log-format json`` on the commands that never talk to a target: validate, graph, init.

Each record on stderr is one JSON object, so a pipeline's log collector reads every command the
same way; stdout keeps the command's own document (the graph, the written files' list in text).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lzengine.cli import main
from tests.conftest import PLANS


def _records(stderr: str) -> list[dict]:
    return [json.loads(line) for line in stderr.splitlines() if line.strip()]


def test_validate_of_a_broken_plan_gives_one_json_record_per_problem(tmp_path) -> None:
    broken = tmp_path / "plan.yaml"
    broken.write_text("name: lz\nlocation: westus\nhub: {address_space: 10.0.0.0/16}\nbogus: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--log-format", "json", "validate", str(broken)])
    assert result.exit_code == 1
    records = _records(result.stderr)
    diagnostics = [r for r in records if r["event"] == "diagnostic"]
    assert diagnostics and all(r["level"] == "error" and r["file"].endswith("plan.yaml") for r in diagnostics)
    assert any(r.get("line") == 4 for r in diagnostics)
    assert records[-1]["event"] == "validate" and records[-1]["problems"] == len(diagnostics)


def test_validate_of_valid_plans_logs_a_json_summary_with_its_own_option() -> None:
    result = CliRunner().invoke(main, ["validate", str(PLANS / "minimal.yaml"), "--log-format", "json"])
    assert result.exit_code == 0
    (record,) = _records(result.stderr)
    assert record == {**record, "event": "validate", "level": "info", "files": 1, "problems": 0}


def test_graph_of_a_missing_plan_is_a_json_diagnostic(tmp_path) -> None:
    result = CliRunner().invoke(main, ["--log-format", "json", "graph", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    (record,) = _records(result.stderr)
    assert record["event"] == "diagnostic" and record["level"] == "error"


def test_init_logs_each_written_file_as_a_json_record(tmp_path) -> None:
    result = CliRunner().invoke(main, ["--log-format", "json", "init", "--ci", "github", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = [r["path"] for r in _records(result.stderr) if r["event"] == "wrote"]
    assert written and all(Path(p).exists() for p in written)
    again = CliRunner().invoke(main, ["--log-format", "json", "init", "--ci", "github", str(tmp_path)])
    assert again.exit_code == 1
    assert _records(again.stderr)[-1]["event"] == "error"
