"""Read a plan file: YAML with positions → typed ``Plan``, every problem reported at once.

Who uses it: the CLI (``validate``, ``plan``, ``apply``) and library callers. Nothing here talks
to Azure; a plan that fails here sends nothing anywhere.

YAML is parsed with ruamel.yaml's round-trip loader because it keeps the line and column of
every key and item; pydantic validates the shape; ``lzengine.plan.checks`` runs on the validated model.
Each error path (``("hub", "subnets", 1, "prefix")``) is mapped back to the position of that
key in the file. Cross-field checks live in ``lzengine.plan.checks``.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from lzengine.errors import Diagnostic, PlanError
from lzengine.plan import checks
from lzengine.plan.models import Plan


def load_plan(path: str | Path) -> Plan:
    """Load and validate the plan at ``path``; raise ``PlanError`` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError([Diagnostic(str(path), 1, 1, f"cannot read plan: {exc.strerror}", code="io")]) from None
    return load_plan_text(text, str(path))


def load_plan_text(text: str, file: str = "<plan>") -> Plan:
    """Validate plan text; ``file`` is only used to label diagnostics."""
    document = _parse_yaml(text, file)
    if not isinstance(document, dict):
        raise PlanError(
            [Diagnostic(file, 1, 1, "a plan is a YAML mapping with at least 'name', 'location' and 'hub'",
                        hint="see plans/minimal.yaml for the smallest valid plan", code="not-a-mapping")]
        )
    try:
        plan = Plan.model_validate(_plain(document))
    except ValidationError as exc:
        raise PlanError([_diagnostic_from_pydantic(err, document, file) for err in exc.errors()]) from None
    findings = _semantic_findings(plan)
    if findings:
        raise PlanError([_diagnostic_at(document, f.path, file, f.message, f.hint, f.code) for f in findings])
    return plan


def _parse_yaml(text: str, file: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}" if "found duplicate key" not in problem else problem
        return _raise_yaml(file, line, column, problem.strip())
    except YAMLError as exc:
        return _raise_yaml(file, 1, 1, str(exc).strip().splitlines()[0])


def _raise_yaml(file: str, line: int, column: int, problem: str) -> typing.NoReturn:
    hint = "check indentation (spaces only) and that every 'key: value' has a space after the colon"
    if "duplicate key" in problem:
        hint = "each key may appear once per mapping"
    raise PlanError([Diagnostic(file, line, column, f"YAML syntax error: {problem}", hint, "yaml")])


def _plain(node: Any) -> Any:
    """ruamel's commented containers → plain dicts and lists for pydantic."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _position(document: Any, path: tuple, *, at_key: bool) -> tuple[int, int]:
    """Line and column (1-based) of the deepest element of ``path`` present in the document."""
    line, column = 0, 0  # 0-based like ruamel's marks
    node = document
    for index, step in enumerate(path):
        last = index == len(path) - 1
        lc = getattr(node, "lc", None)
        if isinstance(node, dict) and step in node:
            if lc is not None:
                key_line, key_col = lc.key(step)
                value_pos = lc.value(step)
                line, column = (key_line, key_col) if (at_key and last) or value_pos is None else value_pos
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            if lc is not None:
                line, column = lc.item(step)
            node = node[step]
        else:
            break
    return line + 1, column + 1


def _diagnostic_at(document: Any, path: tuple, file: str, message: str, hint: str, code: str) -> Diagnostic:
    line, column = _position(document, path, at_key=False)
    return Diagnostic(file, line, column, message, hint, code)


def _diagnostic_from_pydantic(err: dict, document: Any, file: str) -> Diagnostic:
    loc = tuple(err["loc"])
    where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(Plan, loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys here: {', '.join(sorted(allowed))}"
        line, column = _position(document, loc, at_key=True)
        return Diagnostic(file, line, column, f"unknown key '{where}'", hint, "unknown-key")
    if kind == "missing":
        line, column = _position(document, loc[:-1], at_key=True)
        return Diagnostic(file, line, column, f"missing required key '{where}'",
                          _field_description(Plan, loc) or "add it", "missing-key")
    line, column = _position(document, loc, at_key=False)
    message = err["msg"].removeprefix("Value error, ")
    return Diagnostic(file, line, column, f"invalid value at '{where}': {message}",
                      _field_description(Plan, loc), "invalid-value")


def _model_at(model: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """The pydantic model class found by following ``path`` from ``model``.

    List indexes and mapping keys (``teams.<name>``) step into the container's item type.
    """
    current: Any = model
    for step in path:
        current = _strip_optional(current)
        origin = typing.get_origin(current)
        if origin in (list, tuple, set):
            current = typing.get_args(current)[0]
        elif origin is dict:
            current = typing.get_args(current)[1]
        elif isinstance(current, type) and issubclass(current, BaseModel) and step in current.model_fields:
            current = current.model_fields[step].annotation
        else:
            return None
    current = _strip_optional(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _strip_optional(annotation: Any) -> Any:
    """X | None → X."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _allowed_keys(model: type[BaseModel], path: tuple) -> list[str]:
    found = _model_at(model, path)
    return list(found.model_fields) if found else []


def _field_description(model: type[BaseModel], loc: tuple) -> str:
    if not loc or not isinstance(loc[-1], str):
        return ""
    owner = _model_at(model, loc[:-1])
    field = owner.model_fields.get(loc[-1]) if owner else None
    return (field.description or "") if field else ""


def _semantic_findings(plan: Plan) -> list[checks.Finding]:
    return checks.findings(plan)
