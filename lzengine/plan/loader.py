"""Read a plan file: YAML with positions → typed ``Plan``, every problem reported at once.

Who uses it: the CLI (``validate``, ``plan``, ``apply``) and library callers. Nothing here talks
to Azure; a plan that fails here sends nothing anywhere.

YAML is parsed with ruamel.yaml's round-trip loader because it keeps the line and column of
every key and item; pydantic validates the shape; ``lzengine.plan.checks`` runs on the validated model.
Each error path (``("hub", "subnets", 1, "prefix")``) is mapped back to the position of that
key in the file. Cross-field checks live in ``lzengine.plan.checks``.

Whatever file it is handed, the loader ends in a ``PlanError`` (never another exception), quickly:
the bytes are read up to a size limit and decoded as YAML allows (UTF-8, or UTF-16/32 with a BOM),
and every YAML event is checked as the document is built, for nesting depth, the number of values
after alias expansion (a "billion laughs" document), tags other than YAML's plain ones
(``!!python/object`` and friends) and numbers too long to convert; the first offending event stops
the load, with its line and column.
"""

from __future__ import annotations

import codecs
import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from lzengine.errors import Diagnostic, PlanError
from lzengine.plan import certificate_files, checks, policy_files
from lzengine.plan.models import Plan

#: A plan describes a landing zone in a few hundred lines; a 100-spoke plan is under 100 KB, and
#: reading YAML costs about 10 s of CPU per MB, so this bounds the time any file can take.
MAX_PLAN_BYTES = 512 * 1024
#: Plans nest about eight levels deep; YAML deeper than this is refused before it is built.
MAX_DEPTH = 64
#: Values after alias expansion: a spoke takes about forty, so a 100-spoke plan has about 5,000.
MAX_NODES = 20_000
#: Plain scalars longer than this that look like numbers are refused (Python refuses to convert
#: integers of more than 4300 digits, and no plan value is a number this long).
MAX_NUMBER_CHARS = 1000
#: The only tags a plan may carry (explicitly or not): YAML's core schema.
PLAIN_TAGS = frozenset(
    {"!", *(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq"))}
)
_NUMBER_LIKE = re.compile(r"[-+]?[0-9][0-9a-fA-FxXoObB_:.eE+-]*")
#: Brackets outside quoted scalars and comments (apostrophes inside plain words may hide some: the
#: event check still sees those).
_FLOW_TOKENS = re.compile(r"""'(?:[^'\n]|'')*'|"(?:[^"\\\n]|\\.)*"|(?:^|(?<=\s))#[^\n]*|[\[\]{}]""", re.M)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def load_plan(path: str | Path) -> Plan:
    """Load and validate the plan at ``path``; raise ``PlanError`` listing every problem."""
    path = Path(path)
    file = str(path)
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        with path.open("rb") as handle:
            data = handle.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise PlanError([Diagnostic(file, 1, 1, f"cannot read plan: {exc.strerror or exc}", code="io")]) from None
    if len(data) > MAX_PLAN_BYTES:
        raise PlanError([_too_large(file)])
    return load_plan_text(_decode(data, file), file)


def _too_large(file: str) -> Diagnostic:
    return Diagnostic(file, 1, 1, f"plan is larger than {MAX_PLAN_BYTES // 1024} KiB",
                      hint="a plan describes a landing zone in a few hundred lines: is this the right file?",
                      code="too-large")


def _decode(data: bytes, file: str) -> str:
    """Bytes → text as YAML allows: UTF-8, or UTF-16/32 announced by a byte order mark."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\0" in data:
        line, column = _byte_position(data, data.index(b"\0"))
        raise PlanError([Diagnostic(file, line, column, "this is a binary file, not YAML text (it holds NUL bytes)",
                                    hint="a plan is a YAML text file; see plans/minimal.yaml", code="encoding")])
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        what = f"byte 0x{data[exc.start]:02X}" if exc.start < len(data) else "the end of the file"
        raise PlanError([Diagnostic(file, line, column, f"not {encoding or 'UTF-8'} text: {what} cannot be decoded",
                                    hint="save the plan as UTF-8", code="encoding")]) from None


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset in mostly-UTF-8 data."""
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[start:offset].decode("utf-8", "replace")) + 1


def load_plan_text(text: str, file: str = "<plan>") -> Plan:
    """Validate plan text; ``file`` is only used to label diagnostics."""
    if len(text) > MAX_PLAN_BYTES:
        raise PlanError([_too_large(file)])
    _check_flow_depth(text, file)
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
    file_problems = _policy_files(plan, file, document)
    base = Path(file).parent if file != "<plan>" else Path.cwd()
    findings = [*certificate_files.check(plan, base), *_semantic_findings(plan)]
    if findings or file_problems:
        raise PlanError([*(_diagnostic_at(document, f.path, file, f.message, f.hint, f.code) for f in findings),
                         *file_problems])
    return plan


def _policy_files(plan: Plan, file: str, document: Any) -> list[Diagnostic]:
    """Read the plan's policy-as-code files onto ``plan.hub`` (see ``lzengine.plan.policy_files``);
    problems inside the files, and plan entries that match no file, as diagnostics."""
    if not plan.hub.policy_definitions:
        return []
    base = Path(file).parent if file != "<plan>" else Path.cwd()
    custom, findings, problems = policy_files.load(plan.hub.policy_definitions, base)
    plan.hub._custom_policies = custom
    document_findings = [_diagnostic_at(document, f.path, file, f.message, f.hint, f.code) for f in findings]
    return [*document_findings, *problems, *policy_files.check_members(custom)]


def _check_flow_depth(text: str, file: str) -> None:
    """Refuse ``[[[[...`` and ``{a: {a: ...`` nested past ``MAX_DEPTH`` before the YAML scanner sees
    them: it looks ahead over every open bracket, so 20,000 of them cost it seconds."""
    depth = 0
    for match in _FLOW_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                raise PlanError([Diagnostic(file, line, column, f"nested more than {MAX_DEPTH} levels deep",
                                            "a plan nests a few levels; is this the right file?", "too-deep")])
        elif token in "]}":
            depth = max(depth - 1, 0)


def _parse_yaml(text: str, file: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Parser = _checking(yaml.Parser, _EventCheck(file))
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
        return _raise_yaml(file, 1, 1, (str(exc).strip().splitlines() or ["invalid YAML"])[0])
    except (ValueError, OverflowError, RecursionError, IndexError) as exc:  # a scalar the constructor cannot
        # convert (ruamel's int constructor raises IndexError on "+_")
        return _raise_yaml(file, 1, 1, f"cannot read a value: {exc}")


def _checking(parser: type, check: _EventCheck) -> type:
    """ruamel's parser class, with every event shown to ``check`` as the composer takes it: one
    pass, and the document is refused before the composer (which recurses per level) goes deep."""

    class CheckingParser(parser):  # type: ignore[misc, valid-type]
        def get_event(self) -> Any:
            event = super().get_event()
            check(event)
            return event

    return CheckingParser


class _EventCheck:
    """Refuses what would make building the document slow, huge or unsafe, at the offending event:
    nesting deeper than ``MAX_DEPTH``, more than ``MAX_NODES`` values once aliases are expanded,
    tags outside YAML's plain ones, and numbers longer than ``MAX_NUMBER_CHARS``."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.sizes: dict[str, int] = {}  # anchor → values it expands to
        self.frames: list[list[Any]] = []  # open collections: [anchor, values inside so far]
        self.total = 0
        self.aliases = False

    def __call__(self, event: Any) -> None:
        from ruamel.yaml.events import (
            AliasEvent,
            CollectionEndEvent,
            CollectionStartEvent,
            DocumentStartEvent,
            ScalarEvent,
        )

        tag = getattr(event, "tag", None)
        if tag is not None and tag not in PLAIN_TAGS:
            self._refuse(event, f"YAML tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed in a plan",
                         "plans use plain YAML values: remove the '!' tag", "yaml-tag")
        if isinstance(event, DocumentStartEvent):
            self.sizes.clear()
        elif isinstance(event, ScalarEvent):
            value = event.value
            if event.style is None and len(value) > MAX_NUMBER_CHARS and _NUMBER_LIKE.fullmatch(value):
                self._refuse(event, f"a number {len(value)} characters long", "quote it if it is meant as text",
                             "invalid-value")
            self._add(event, 1)
            if event.anchor:
                self.sizes[event.anchor] = 1
        elif isinstance(event, AliasEvent):
            self.aliases = True
            self._add(event, self.sizes.get(event.anchor, 1))
        elif isinstance(event, CollectionStartEvent):
            self._add(event, 1)
            self.frames.append([event.anchor, 0])
            if len(self.frames) > MAX_DEPTH:
                self._refuse(event, f"nested more than {MAX_DEPTH} levels deep",
                             "a plan nests a few levels; is this the right file?", "too-deep")
        elif isinstance(event, CollectionEndEvent) and self.frames:
            anchor, nodes = self.frames.pop()  # nodes: every value inside, at any depth
            if self.frames:
                self.frames[-1][1] += nodes
            if anchor:
                self.sizes[anchor] = nodes + 1

    def _add(self, event: Any, nodes: int) -> None:
        """Count a value (or an alias worth ``nodes`` values) in the open collection."""
        self.total += nodes
        if self.frames:
            self.frames[-1][1] += nodes
        if self.total > MAX_NODES:
            if self.aliases:
                self._refuse(event, f"the YAML expands to more than {MAX_NODES:,} values through its aliases",
                             "a plan needs no '*alias' that repeats large parts of the document", "too-large")
            self._refuse(event, f"the YAML holds more than {MAX_NODES:,} values",
                         "a plan describes a landing zone in a few hundred lines: is this the right file?",
                         "too-large")

    def _refuse(self, event: Any, message: str, hint: str, code: str) -> typing.NoReturn:
        mark = event.start_mark
        raise PlanError([Diagnostic(self.file, mark.line + 1, mark.column + 1, message, hint, code)])


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
