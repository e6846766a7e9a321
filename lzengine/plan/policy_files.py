"""Policy as code: custom policy definitions and initiatives from JSON files in Azure's format.

Who uses it: ``lzengine.plan.loader`` (``load`` for ``hub.policy_definitions``, after the plan's
shape validated and before its cross-field checks), ``lzengine.plan.checks`` (custom names an
assignment may use, their parameters) and ``lzengine.compile.governance`` (the definitions to
create at the subscription or at a management group, with members rewritten to full ids).

A file holds one definition as Azure exports it: ``{"name": ..., "properties": {"policyRule":
..., "mode": ..., "parameters": ...}}``, or an initiative with ``properties.policyDefinitions``.
An initiative's member is a full definition id (a built-in, or a custom one at a scope) or the
bare name of a custom definition of the same plan or of lzengine's own library (which the
compiler turns into that definition's id: at the subscription, or at the management group its
entry names with ``scope: management_group:<id>``). The library in ``lzengine/policy/library`` is
lzengine's initiative of AI landing zone guardrails (``lzengine-ai-guardrails``: private access,
no local auth, diagnostics); a plan uses it by assigning it by name.

Every problem in a file is a ``Diagnostic`` at that file's line and column (the JSON is read a
second time through ruamel.yaml, whose round-trip loader keeps positions); a pattern that
matches no file is a finding at the plan's entry. Nothing here calls Azure.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from lzengine import policy
from lzengine.errors import Diagnostic
from lzengine.plan.network import Finding

LIBRARY = Path(policy.__file__).parent / "library"
MAX_FILE_BYTES = 1024 * 1024
#: Azure: a policy (set) definition name has at most 64 characters and none of <>*%&:\?.+/
NAME = re.compile(r"^[^<>*%&:\\?.+/#\s]{1,64}$")
EFFECTS = {"append", "audit", "auditifnotexists", "deny", "denyaction", "deployifnotexists", "disabled",
           "manual", "modify"}
PARAMETER_REF = re.compile(r"parameters\(\s*'([^']*)'\s*\)", re.IGNORECASE)
FULL_ID = re.compile(r"^(/subscriptions/[^/]+|/providers/Microsoft\.Management/managementGroups/[^/]+)?"
                     r"/providers/Microsoft\.Authorization/policy(Set)?Definitions/[^/]+$", re.IGNORECASE)


@dataclass(frozen=True)
class CustomPolicy:
    """One custom policy definition or initiative, as read from its file."""

    name: str
    is_set: bool
    properties: dict[str, Any]
    file: str
    shipped: bool = False
    #: the members' ``policyDefinitionId`` as written (initiatives only)
    members: tuple[str, ...] = field(default=())
    #: the management group it is created at (``scope: management_group:<id>``); None: the
    #: subscription's
    management_group: str | None = None

    @property
    def arm_type(self) -> str:
        return "Microsoft.Authorization/policySetDefinitions" if self.is_set else \
            "Microsoft.Authorization/policyDefinitions"

    def arm_id(self, subscription: str) -> str:
        """Its id: under the management group it is created at, else under ``subscription``."""
        kind = "policySetDefinitions" if self.is_set else "policyDefinitions"
        return f"{self.location(subscription)}/providers/Microsoft.Authorization/{kind}/{self.name}"

    def location(self, subscription: str) -> str:
        """Where it is created (Azure's "definition location"): the group's id or the subscription's."""
        if self.management_group is not None:
            return f"/providers/Microsoft.Management/managementGroups/{self.management_group}"
        return f"/subscriptions/{subscription}"

    @property
    def scope_label(self) -> str:
        return f"management_group:{self.management_group}" if self.management_group else "subscription"

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(self.properties.get("parameters") or {})


def load(entries: list[Any], base: Path) -> tuple[list[CustomPolicy], list[Finding], list[Diagnostic]]:
    """The plan's policy files: ``entries`` are paths or globs relative to ``base`` (the plan's
    folder), or ``hub.policy_definitions`` objects with ``path`` and ``management_group``; findings
    for entries of the plan, diagnostics for problems inside files."""
    found: list[CustomPolicy] = []
    findings: list[Finding] = []
    diagnostics: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(entries):
        pattern = entry if isinstance(entry, str) else str(entry.path)
        group = None if isinstance(entry, str) else entry.management_group
        where: tuple[str | int, ...] = ("hub", "policy_definitions", index) if isinstance(entry, str) else \
            ("hub", "policy_definitions", index, "path")
        matched = sorted(glob.glob(str(base / pattern), recursive=True)) if glob.has_magic(pattern) \
            else ([str(base / pattern)] if (base / pattern).exists() else [])
        files = [m for m in matched if Path(m).is_file()]
        if not files:
            findings.append(Finding(where, f"no policy definition file matches {pattern!r}",
                                    f"paths are relative to the plan's folder ({base})", "io"))
            continue
        for file in files:
            policy_file, problems = _read(Path(file))
            diagnostics += problems
            if policy_file is None:
                continue
            if policy_file.name.lower() in seen:
                diagnostics.append(Diagnostic(file, 1, 1, f"policy definition {policy_file.name!r} is also defined "
                                              f"in {seen[policy_file.name.lower()]}", "give each a different 'name'",
                                              "duplicate"))
                continue
            seen[policy_file.name.lower()] = file
            found.append(replace(policy_file, management_group=group))
    return found, findings, diagnostics


@cache
def library() -> dict[str, CustomPolicy]:
    """lzengine's own definitions, by lower-case name."""
    out = {}
    for path in sorted(LIBRARY.glob("*.json")):
        loaded, problems = _read(path, shipped=True)
        assert loaded is not None and not problems, problems
        out[loaded.name.lower()] = loaded
    return out


def with_library(custom: list[CustomPolicy], used: list[str]) -> list[CustomPolicy]:
    """``custom`` plus every library definition that ``used`` names (assignments' definitions)
    or that an initiative among them has as a member, members first. A library definition that an
    initiative at a management group takes as a member is created at that group too (a member must
    be at or above its initiative's location)."""
    have = {c.name.lower() for c in custom}
    shipped = library()
    out: list[CustomPolicy] = []

    def take(name: str, group: str | None) -> None:
        item = shipped.get(name.lower())
        if item is None or name.lower() in have:
            return
        have.add(name.lower())
        for member in item.members:
            take(member, group)
        out.append(replace(item, management_group=group))

    for name in used:
        take(name, None)
    for c in custom:
        for member in c.members:
            take(member, c.management_group)
    return [*out, *custom]


def check_members(custom: list[CustomPolicy]) -> list[Diagnostic]:
    """Initiative members that are neither full ids nor custom definitions by name."""
    names = {c.name.lower(): c for c in custom} | {k: v for k, v in library().items() if k not in
                                                  {c.name.lower() for c in custom}}
    problems = []
    for item in custom:
        for index, member in enumerate(item.members):
            target = names.get(member.lower())
            if target is not None and not target.is_set and item.management_group and target in custom \
                    and target.management_group is None:
                line, column = _locate(item.file, ("properties", "policyDefinitions", index, "policyDefinitionId"))
                problems.append(Diagnostic(
                    item.file, line, column, f"member {member!r} is created at the subscription, below this "
                    f"initiative at management group {item.management_group!r}: Azure refuses a member that is not at "
                    "or above its initiative's location (InvalidCreatePolicySetDefinitionRequest)",
                    "create the member's file at the same management group (or one above it)", "out-of-scope"))
                continue
            if FULL_ID.match(member) or (target is not None and not target.is_set):
                continue
            line, column = _locate(item.file, ("properties", "policyDefinitions", index, "policyDefinitionId"))
            why = "is an initiative; an initiative's members are definitions" if target is not None else \
                "is neither a policy definition id nor the name of a custom definition of this plan"
            problems.append(Diagnostic(item.file, line, column, f"member {member!r} {why}",
                                       "use a full id (/providers/Microsoft.Authorization/policyDefinitions/<guid>) "
                                       "or the 'name' of a definition listed in hub.policy_definitions",
                                       "unknown-policy"))
    return problems


# -- one file ---------------------------------------------------------------------------------------
def _read(path: Path, shipped: bool = False) -> tuple[CustomPolicy | None, list[Diagnostic]]:
    file = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Diagnostic(file, 1, 1, f"cannot read policy file: {exc.strerror or exc}", code="io")]
    if len(data) > MAX_FILE_BYTES:
        return None, [Diagnostic(file, 1, 1, f"policy file is larger than {MAX_FILE_BYTES // 1024} KiB", code="io")]
    try:
        text = data.decode("utf-8-sig")
        body = json.loads(text)
    except UnicodeDecodeError:
        return None, [Diagnostic(file, 1, 1, "policy file is not UTF-8 text", code="io")]
    except json.JSONDecodeError as exc:
        return None, [Diagnostic(file, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}",
                                 "a policy file is one JSON object in Azure's format", "json")]
    problems = list(_problems(body, path.stem))
    if problems:
        return None, [Diagnostic(file, *_locate(file, where, text), message, hint, code)
                      for where, message, hint, code in problems]
    props = dict(body["properties"])
    props["policyType"] = "Custom"
    name = str(body.get("name") or path.stem)
    members = tuple(str(m.get("policyDefinitionId", "")) for m in props.get("policyDefinitions") or [])
    return CustomPolicy(name, "policyDefinitions" in props, props, file, shipped, members), []


def _problems(body: Any, stem: str) -> Iterator[tuple[tuple, str, str, str]]:
    """(path in the JSON, message, hint, code) for each problem of one file's object."""
    if not isinstance(body, Mapping):
        yield (), "a policy file holds one JSON object", "see Azure's policy definition structure", "invalid-value"
        return
    name = body.get("name", stem)
    if not isinstance(name, str) or not NAME.match(name):
        yield ("name",), f"{name!r} is not a policy definition name", \
            "at most 64 characters, none of < > * % & : \\ ? . + / # or spaces", "invalid-value"
    props = body.get("properties")
    if not isinstance(props, Mapping):
        yield ("properties",), "missing 'properties' object", "Azure's format: {\"properties\": {...}}", "missing-key"
        return
    if props.get("policyType", "Custom") != "Custom":
        yield ("properties", "policyType"), f"policyType {props['policyType']!r} cannot be created", \
            "only Custom definitions can be written; built-ins exist already", "invalid-value"
    is_set = "policyDefinitions" in props
    if is_set == ("policyRule" in props):
        yield ("properties",), "a definition has 'policyRule', an initiative 'policyDefinitions' (one of them)", \
            "", "missing-key"
        return
    declared = {str(k).lower() for k in props.get("parameters") or {}}
    if not isinstance(props.get("parameters", {}), Mapping):
        yield ("properties", "parameters"), "'parameters' must be an object", "", "invalid-value"
        declared = set()
    if is_set:
        yield from _set_problems(props, declared)
        return
    mode = props.get("mode", "Indexed")
    if not isinstance(mode, str) or (mode.lower() not in ("all", "indexed") and "." not in mode):
        yield ("properties", "mode"), f"mode {mode!r} is not All, Indexed or a resource provider mode", \
            "use Indexed for resources with tags and location, All otherwise", "invalid-value"
    rule = props["policyRule"]
    try:
        policy.load_definition({"name": name, "properties": dict(props)})
    except policy.DefinitionError as exc:
        yield ("properties", "policyRule"), f"the policy rule does not parse: {exc}", \
            "see Azure Policy's definition structure (if / then / effect)", "invalid-value"
        return
    effect = rule.get("then", {}).get("effect") if isinstance(rule.get("then"), Mapping) else None
    if isinstance(effect, str) and not effect.startswith("[") and effect.lower() not in EFFECTS:
        yield ("properties", "policyRule", "then", "effect"), f"unknown effect {effect!r}", \
            "one of " + ", ".join(sorted(EFFECTS)), "invalid-value"
    yield from _undeclared(rule, ("properties", "policyRule"), declared)


def _set_problems(props: Mapping[str, Any], declared: set[str]) -> Iterator[tuple[tuple, str, str, str]]:
    members = props["policyDefinitions"]
    if not isinstance(members, list) or not members:
        yield ("properties", "policyDefinitions"), "an initiative needs at least one member", "", "invalid-value"
        return
    references: set[str] = set()
    for index, member in enumerate(members):
        where = ("properties", "policyDefinitions", index)
        if not isinstance(member, Mapping) or not isinstance(member.get("policyDefinitionId"), str):
            yield where, "a member needs 'policyDefinitionId'", "", "missing-key"
            continue
        reference = str(member.get("policyDefinitionReferenceId") or member["policyDefinitionId"]).lower()
        if reference in references:
            yield (*where, "policyDefinitionReferenceId"), f"member reference {reference!r} is used twice", \
                "give each member its own policyDefinitionReferenceId", "duplicate"
        references.add(reference)
        yield from _undeclared(member.get("parameters") or {}, (*where, "parameters"), declared)


def _undeclared(node: Any, where: tuple, declared: set[str]) -> Iterator[tuple[tuple, str, str, str]]:
    """``[parameters('x')]`` uses of parameters the file does not declare."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _undeclared(value, (*where, key), declared)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _undeclared(value, (*where, index), declared)
    elif isinstance(node, str) and node.startswith("["):
        for name in PARAMETER_REF.findall(node):
            if name.lower() not in declared:
                yield where, f"parameter {name!r} is used but not declared", \
                    "declare it under properties.parameters", "unresolved-reference"


def _locate(file: str, path: tuple, text: str | None = None) -> tuple[int, int]:
    """1-based line and column of the deepest element of ``path`` in the JSON file (1:1 when the
    file cannot be read again as YAML)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        if text is None:
            text = Path(file).read_text(encoding="utf-8-sig")
        node = YAML(typ="rt").load(text)
    except (OSError, YAMLError, UnicodeDecodeError, ValueError):
        return 1, 1
    line, column = 0, 0
    for step in path:
        lc = getattr(node, "lc", None)
        if isinstance(node, dict) and step in node:
            if lc is not None:
                line, column = lc.key(step)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            if lc is not None:
                line, column = lc.item(step)
            node = node[step]
        else:
            break
    return line + 1, column + 1
