"""The policy-rule condition language: ``allOf``/``anyOf``/``not``, ``field``/``value``/``count``
conditions and every comparison operator.

Called by :mod:`lzengine.policy.engine` to evaluate a definition's ``if`` block (and an
``existenceCondition``), and by :mod:`lzengine.policy.models` (through :func:`validate_condition`)
when a definition is loaded. It reads the resource through :mod:`lzengine.policy.aliases` and
evaluates template expressions through :mod:`lzengine.policy.expressions`; the
:class:`Evaluator` is the expression host that provides ``field()``, ``current()``,
``parameters()`` and the request-scoped functions.

Semantics (learn.microsoft.com, "Azure Policy definition structure policy rule"):

* string comparisons are case-insensitive except ``match``/``notMatch``;
* ``location`` values are normalised (lower case, spaces removed) on both sides;
* a ``field`` condition on an ``[*]`` alias must hold for every selected value (an empty or missing
  array selects nothing, so the condition is vacuously true, e.g. ``exists: false``);
* inside ``count.where`` the counted ``[*]`` selects only the current element;
* a missing property (or JSON ``null``) fails every positive operator and satisfies its negation,
  except that it ``equals`` ``""``; ``exists`` tests presence;
* ``less``/``greater`` on values of different types raise (Azure throws), as do template failures.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from . import aliases
from .aliases import MISSING, STAR, FieldRef
from .expressions import TemplateError, evaluate_value

__all__ = [
    "OPERATORS",
    "DefinitionError",
    "Environment",
    "Evaluator",
    "validate_condition",
]

VALUE_COUNT_ITERATION_LIMIT = 100


class DefinitionError(ValueError):
    """A policy rule is malformed (Azure rejects it when the definition is created)."""


@dataclass(frozen=True)
class Environment:
    """Request-scoped values the template functions expose (built by the engine per request)."""

    subscription: Mapping[str, Any]
    request: Mapping[str, Any]
    resource_group: Mapping[str, Any] | None = None
    policy: Mapping[str, Any] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


# ----------------------------------------------------------------------------------------------
# Scalar comparison helpers
# ----------------------------------------------------------------------------------------------


def _absent(v: Any) -> bool:
    return v is MISSING or v is None


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _as_text(v: Any) -> str | None:
    """The string a scalar compares as (``True`` → ``"true"``); ``None`` for objects/arrays."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if _is_num(v):
        return _num_text(v)
    return None


def _num_text(v: int | float) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _to_number(v: Any) -> float | int | None:
    if _is_num(v):
        return v
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            try:
                return float(v.strip())
            except ValueError:
                return None
    return None


def values_equal(a: Any, b: Any) -> bool:
    """Policy ``equals``: case-insensitive strings, bool/number ↔ string coercion, deep for
    objects and arrays; a missing value, ``null`` and ``""`` are equal to each other."""
    if _absent(a) or _absent(b):
        # Absent, JSON null and "" are all "no value".
        return (_absent(a) or a == "") and (_absent(b) or b == "")
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or len(a) != len(b):
            return False
        lowered = {k.lower(): v for k, v in b.items()}
        return all(k.lower() in lowered and values_equal(v, lowered[k.lower()]) for k, v in a.items())
    if isinstance(a, list) or isinstance(b, list):
        if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
            return False
        return all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if _is_num(a) and _is_num(b):
        return a == b
    if isinstance(a, bool) and isinstance(b, bool):
        return a == b
    if (_is_num(a) and isinstance(b, str)) or (_is_num(b) and isinstance(a, str)):
        na, nb = _to_number(a), _to_number(b)
        return na is not None and nb is not None and na == nb
    ta, tb = _as_text(a), _as_text(b)
    return ta is not None and tb is not None and ta.casefold() == tb.casefold()


@lru_cache(maxsize=2048)
def _like_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(p) for p in pattern.split("*")), re.IGNORECASE | re.DOTALL)


def like(value: Any, pattern: Any) -> bool:
    """``like``: ``*`` matches any run of characters, everything else literally, ignoring case."""
    text, pat = _as_text(value), _as_text(pattern)
    if text is None or pat is None or _absent(value):
        return False
    return _like_regex(pat).fullmatch(text) is not None


def match(value: Any, pattern: Any, *, ignore_case: bool) -> bool:
    """``match``: ``#`` a digit, ``?`` a letter, ``.`` any character, others literal; whole string."""
    text, pat = _as_text(value), _as_text(pattern)
    if text is None or pat is None or _absent(value) or len(text) != len(pat):
        return False
    for ch, p in zip(text, pat, strict=True):
        if p == "#":
            if not ch.isdigit():
                return False
        elif p == "?":
            if not ch.isalpha():
                return False
        elif p == ".":
            continue
        elif ignore_case:
            if ch.casefold() != p.casefold():
                return False
        elif ch != p:
            return False
    return True


def contains(value: Any, item: Any) -> bool:
    """``contains``: substring for strings (ignoring case), membership for arrays."""
    if _absent(value):
        return False
    if isinstance(value, list):
        return any(values_equal(v, item) for v in value)
    text, sub = _as_text(value), _as_text(item)
    if text is None or sub is None:
        return False
    return sub.casefold() in text.casefold()


def in_list(value: Any, target: Any) -> bool:
    """``in``: ``value`` equals one of the target array's members."""
    if _absent(value):
        return False
    members = target if isinstance(target, list) else [target]
    return any(values_equal(value, m) for m in members)


def contains_key(value: Any, key: Any) -> bool:
    """``containsKey``: the object has the key (ignoring case)."""
    if not isinstance(value, dict):
        return False
    text = _as_text(key)
    if text is None:
        return False
    return any(k.casefold() == text.casefold() for k in value)


def _parse_dt(text: str) -> datetime | None:
    s = text.strip()
    if len(s) < 10 or not s[:4].isdigit() or s[4] != "-":
        return None
    if s[-1] in "Zz":
        s = s[:-1] + "+00:00"
    m = re.match(r"^(.*T\d{2}:\d{2}:\d{2})\.(\d+)(.*)$", s)
    if m:
        s = m.group(1) + "." + (m.group(2) + "000000")[:6] + m.group(3)
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def compare(value: Any, target: Any) -> int | None:
    """Order for ``less``/``greater``: numbers, ISO date-times, or strings ignoring case.

    ``None`` when the value is missing; raises :class:`TemplateError` for incompatible types.
    """
    if _absent(value):
        return None
    nv, nt = _to_number(value), _to_number(target)
    if nv is not None and nt is not None and (_is_num(value) or _is_num(target)):
        return (nv > nt) - (nv < nt)
    if isinstance(value, str) and isinstance(target, str):
        dv, dt = _parse_dt(value), _parse_dt(target)
        if dv is not None and dt is not None:
            return (dv > dt) - (dv < dt)
        a, b = value.casefold(), target.casefold()
        return (a > b) - (a < b)
    raise TemplateError(f"cannot compare {value!r} with {target!r}: the types differ")


def _exists_flag(target: Any) -> bool:
    if isinstance(target, bool):
        return target
    if isinstance(target, str) and target.strip().lower() in ("true", "false"):
        return target.strip().lower() == "true"
    raise DefinitionError(f"'exists' expects true or false, got {target!r}")


def _ordered(test: Any) -> Any:
    def op(value: Any, target: Any) -> bool:
        c = compare(value, target)
        return c is not None and test(c)

    return op


# lower-case key → (name in evaluation details, predicate, negate)
OPERATORS: Mapping[str, tuple[str, Any, bool]] = {
    "equals": ("Equals", values_equal, False),
    "notequals": ("NotEquals", values_equal, True),
    "like": ("Like", like, False),
    "notlike": ("NotLike", like, True),
    "match": ("Match", lambda v, t: match(v, t, ignore_case=False), False),
    "notmatch": ("NotMatch", lambda v, t: match(v, t, ignore_case=False), True),
    "matchinsensitively": ("MatchInsensitively", lambda v, t: match(v, t, ignore_case=True), False),
    "notmatchinsensitively": ("NotMatchInsensitively", lambda v, t: match(v, t, ignore_case=True), True),
    "contains": ("Contains", contains, False),
    "notcontains": ("NotContains", contains, True),
    "in": ("In", in_list, False),
    "notin": ("NotIn", in_list, True),
    "containskey": ("ContainsKey", contains_key, False),
    "notcontainskey": ("NotContainsKey", contains_key, True),
    "less": ("Less", _ordered(lambda c: c < 0), False),
    "lessorequals": ("LessOrEquals", _ordered(lambda c: c <= 0), False),
    "greater": ("Greater", _ordered(lambda c: c > 0), False),
    "greaterorequals": ("GreaterOrEquals", _ordered(lambda c: c >= 0), False),
    "exists": ("Exists", lambda v, t: (not _absent(v)) == _exists_flag(t), False),
}

_SUBJECTS = ("field", "value", "count")
_LOGICAL = ("allof", "anyof", "not")


def apply_operator(op_key: str, value: Any, target: Any) -> bool:
    """Apply one operator (lower-case key) to a single value."""
    _, predicate, negate = OPERATORS[op_key]
    result = bool(predicate(value, target))
    return not result if negate else result


def normalize_location(v: Any) -> Any:
    """``East US 2`` → ``eastus2`` (recursively for arrays)."""
    if isinstance(v, str):
        return v.replace(" ", "").lower()
    if isinstance(v, list):
        return [normalize_location(x) for x in v]
    return v


# ----------------------------------------------------------------------------------------------
# Structure
# ----------------------------------------------------------------------------------------------


def _lower_keys(node: Mapping[str, Any]) -> dict[str, Any]:
    return {k.lower(): v for k, v in node.items()}


def split_condition(node: Mapping[str, Any]) -> tuple[str, str]:
    """Return ``(subject, operator)`` keys (lower-case) of a leaf condition, or raise."""
    keys = _lower_keys(node)
    subjects = [k for k in _SUBJECTS if k in keys]
    ops = [k for k in keys if k in OPERATORS]
    if len(subjects) != 1:
        raise DefinitionError(f"a condition needs exactly one of field/value/count: {dict(node)!r}")
    if len(ops) != 1:
        raise DefinitionError(f"a condition needs exactly one operator: {dict(node)!r}")
    extra = set(keys) - {subjects[0], ops[0]}
    if extra:
        raise DefinitionError(f"unexpected keys {sorted(extra)} in condition {dict(node)!r}")
    return subjects[0], ops[0]


def validate_condition(node: Any, *, depth: int = 0) -> None:
    """Check the shape of an ``if``/``where``/``existenceCondition`` tree; raise DefinitionError."""
    if depth > 64:
        raise DefinitionError("condition nesting is too deep")
    if not isinstance(node, dict) or not node:
        raise DefinitionError(f"a condition must be a non-empty object, got {node!r}")
    keys = _lower_keys(node)
    logical = [k for k in _LOGICAL if k in keys]
    if logical:
        if len(keys) != 1:
            raise DefinitionError(f"a logical operator must be alone in its object: {node!r}")
        inner = keys[logical[0]]
        if logical[0] == "not":
            validate_condition(inner, depth=depth + 1)
        else:
            if not isinstance(inner, list) or not inner:
                raise DefinitionError(f"{logical[0]} needs a non-empty array")
            for child in inner:
                validate_condition(child, depth=depth + 1)
        return
    subject, _op = split_condition(node)
    if subject == "count":
        count = keys["count"]
        if not isinstance(count, dict):
            raise DefinitionError("count must be an object")
        ckeys = _lower_keys(count)
        if ("field" in ckeys) == ("value" in ckeys):
            raise DefinitionError("count needs exactly one of field or value")
        unknown = set(ckeys) - {"field", "value", "name", "where"}
        if unknown:
            raise DefinitionError(f"unexpected keys {sorted(unknown)} in count")
        if "field" in ckeys and "name" in ckeys:
            raise DefinitionError("a field count has no name")
        if "where" in ckeys:
            validate_condition(ckeys["where"], depth=depth + 1)


# ----------------------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------------------


@dataclass
class _Frame:
    kind: str  # "value" or "field"
    name: str | None  # value count: index name; field count: the alias text
    value: Any = None
    ref: FieldRef | None = None


def _last_segment(text: Any) -> Any:
    if isinstance(text, str) and "/" in text:
        return text.rsplit("/", 1)[1]
    return text


def full_name(resource: Mapping[str, Any]) -> Any:
    """``vnet/subnet`` for a subnet: the names of the parents and the resource, from its id."""
    rid = resource.get("id")
    if isinstance(rid, str) and "/providers/" in rid.lower():
        tail = rid[rid.lower().rindex("/providers/") + len("/providers/") :].strip("/").split("/")
        names = tail[2::2]
        if names:
            return "/".join(names)
    name = resource.get("name")
    return name if name is not None else MISSING


class Evaluator:
    """Evaluates conditions against one resource; also the template-expression host.

    ``resource`` is what ``field`` conditions read; ``function_resource`` is what the ``field()``
    function reads (they differ only inside an ``existenceCondition``, where ``field`` reads the
    related resource and ``field()`` the evaluated one).
    """

    def __init__(
        self,
        resource: Mapping[str, Any],
        *,
        parameters: Mapping[str, Any],
        env: Environment,
        function_resource: Mapping[str, Any] | None = None,
    ) -> None:
        self.resource = resource
        self.function_resource = resource if function_resource is None else function_resource
        self._params = {k.lower(): v for k, v in parameters.items()}
        self.env = env
        self._bindings: dict[tuple[str, ...], int] = {}
        self._frames: list[_Frame] = []
        self._multiplier = 1

    # ------------------------------------------------------------------ expression host

    def parameter(self, name: str) -> Any:
        key = name.lower()
        if key not in self._params:
            raise TemplateError(f"the policy parameter {name!r} has no value and no defaultValue")
        return self._params[key]

    def field(self, name: str) -> Any:
        ref = aliases.parse_field(name)
        collection, values = self._select(self.function_resource, ref)
        if collection:
            return [v for v in values if v is not MISSING]
        value = values[0]
        return "" if value is MISSING else value

    def current(self, name: str | None) -> Any:
        if not self._frames:
            raise TemplateError("current() is only valid inside count.where")
        if name is None:
            frame = self._frames[-1]
            if frame.kind == "value":
                return frame.value
            assert frame.ref is not None
            return self._current_element(frame.ref)
        lowered = name.lower()
        for frame in reversed(self._frames):
            if frame.kind == "value" and frame.name is not None and frame.name.lower() == lowered:
                return frame.value
        if not any(f.kind == "field" for f in self._frames):
            raise TemplateError(f"current({name!r}) does not name an enclosing count")
        return self._current_element(aliases.parse_field(name))

    def _current_element(self, ref: FieldRef) -> Any:
        collection, values = self._select(self.resource, ref)
        present = [v for v in values if v is not MISSING]
        if not collection:
            return values[0] if values[0] is not MISSING else None
        if len(values) == 1:
            return present[0] if present else None
        raise TemplateError(f"current({ref.text!r}) does not name the counted array")

    def resource_group(self) -> Any:
        if self.env.resource_group is None:
            raise TemplateError("resourceGroup() is not available: the resource is not in a resource group")
        return dict(self.env.resource_group)

    def subscription(self) -> Any:
        return dict(self.env.subscription)

    def request_context(self) -> Any:
        return dict(self.env.request)

    def policy_info(self) -> Any:
        return dict(self.env.policy)

    def now(self) -> datetime:
        return self.env.now

    # ------------------------------------------------------------------ field selection

    def _select(self, resource: Mapping[str, Any], ref: FieldRef) -> tuple[bool, list[Any]]:
        if ref.kind == "name":
            return False, [_last_segment(resource.get("name", MISSING))]
        if ref.kind == "fullname":
            return False, [full_name(resource)]
        if ref.kind in ("type", "id"):
            return False, [resource.get(ref.kind, MISSING)]
        if ref.resource_type is not None:
            rtype = resource.get("type")
            if not isinstance(rtype, str) or rtype.lower() != ref.resource_type:
                return (True, []) if ref.has_star else (False, [MISSING])
        return aliases.select(resource, ref.tokens, self._bindings)

    # ------------------------------------------------------------------ conditions

    def evaluate(self, node: Mapping[str, Any]) -> tuple[bool, list[dict[str, Any]]]:
        """Evaluate a condition tree; returns the result and the evaluated expressions that
        explain it (Azure's ``evaluationDetails.evaluatedExpressions``)."""
        out: list[dict[str, Any]] = []
        return self._eval(node, out), out

    def test(self, node: Mapping[str, Any]) -> bool:
        """Evaluate without collecting evaluation details."""
        return self._eval(node, None)

    def _eval(self, node: Mapping[str, Any], out: list[dict[str, Any]] | None) -> bool:
        keys = _lower_keys(node)
        if "allof" in keys:
            collected: list[dict[str, Any]] = []
            for child in keys["allof"]:
                part: list[dict[str, Any]] | None = [] if out is not None else None
                if not self._eval(child, part):
                    if out is not None and part is not None:
                        out.extend(part)
                    return False
                if part:
                    collected.extend(part)
            if out is not None:
                out.extend(collected)
            return True
        if "anyof" in keys:
            collected = []
            for child in keys["anyof"]:
                part = [] if out is not None else None
                if self._eval(child, part):
                    if out is not None and part is not None:
                        out.extend(part)
                    return True
                if part:
                    collected.extend(part)
            if out is not None:
                out.extend(collected)
            return False
        if "not" in keys:
            return not self._eval(keys["not"], out)
        subject, op = split_condition(node)
        if subject == "field":
            return self._field_condition(keys["field"], op, keys[op], out)
        if subject == "value":
            return self._value_condition(keys["value"], op, keys[op], out)
        return self._count_condition(keys["count"], op, keys[op], out)

    def _target(self, raw: Any) -> Any:
        return evaluate_value(raw, self)

    def _field_condition(self, raw_field: Any, op: str, raw_target: Any, out: list | None) -> bool:
        name = evaluate_value(raw_field, self)
        if not isinstance(name, str):
            raise TemplateError(f"a field name must be a string, got {name!r}")
        ref = aliases.parse_field(name)
        target = self._target(raw_target)
        collection, values = self._select(self.resource, ref)
        compared_target = normalize_location(target) if ref.is_location else target
        if collection:
            result = True
            for v in values:
                if not apply_operator(op, normalize_location(v) if ref.is_location else v, compared_target):
                    result = False
                    break
        else:
            v = values[0]
            result = apply_operator(op, normalize_location(v) if ref.is_location else v, compared_target)
        if out is not None:
            shown: Any = [v for v in values if v is not MISSING] if collection else values[0]
            out.append(_record(result, "Field", name, ref.path, shown, target, op))
        return result

    def _value_condition(self, raw_value: Any, op: str, raw_target: Any, out: list | None) -> bool:
        value = evaluate_value(raw_value, self)
        target = self._target(raw_target)
        # field() yields "" for a missing property, so for a value "exists" means "not empty".
        result = apply_operator(op, MISSING if op == "exists" and value == "" else value, target)
        if out is not None:
            expression = raw_value if isinstance(raw_value, str) else value
            out.append(_record(result, "Value", expression, None, value, target, op))
        return result

    def _count_condition(self, count: Mapping[str, Any], op: str, raw_target: Any, out: list | None) -> bool:
        ckeys = _lower_keys(count)
        where = ckeys.get("where")
        if "field" in ckeys:
            name = evaluate_value(ckeys["field"], self)
            if not isinstance(name, str):
                raise TemplateError(f"count.field must be a string, got {name!r}")
            ref = aliases.parse_field(name)
            if STAR not in ref.tokens:
                raise TemplateError(f"count.field must be an array alias ([*]), got {name!r}")
            n = self._count_field(ref, where)
            expression, path = name, ref.path
        else:
            n = self._count_value(ckeys["value"], ckeys.get("name"), where)
            raw = ckeys["value"]
            expression, path = (raw if isinstance(raw, str) else "count.value"), None
        target = self._target(raw_target)
        result = apply_operator(op, n, target)
        if out is not None:
            out.append(_record(result, "Count", expression, path, n, target, op))
        return result

    def _count_field(self, ref: FieldRef, where: Any) -> int:
        if ref.resource_type is not None:
            rtype = self.resource.get("type")
            if not isinstance(rtype, str) or rtype.lower() != ref.resource_type:
                return 0
        sets = aliases.enumerate_bindings(self.resource, ref.tokens, self._bindings)
        if where is None:
            return len(sets)
        n = 0
        saved = self._bindings
        self._frames.append(_Frame("field", ref.text, ref=ref))
        try:
            for binding in sets:
                self._bindings = {**saved, **binding}
                if self._eval(where, None):
                    n += 1
        finally:
            self._bindings = saved
            self._frames.pop()
        return n

    def _count_value(self, raw_value: Any, raw_name: Any, where: Any) -> int:
        items = evaluate_value(raw_value, self)
        if not isinstance(items, list):
            raise TemplateError(f"count.value must be an array, got {type(items).__name__}")
        name = evaluate_value(raw_name, self) if raw_name is not None else "default"
        iterations = self._multiplier * max(len(items), 1)
        if iterations > VALUE_COUNT_ITERATION_LIMIT:
            raise TemplateError(f"value count exceeds {VALUE_COUNT_ITERATION_LIMIT} iterations ({iterations})")
        if where is None:
            return len(items)
        n = 0
        saved = self._multiplier
        self._multiplier = iterations
        try:
            for item in items:
                self._frames.append(_Frame("value", str(name), value=item))
                try:
                    if self._eval(where, None):
                        n += 1
                finally:
                    self._frames.pop()
        finally:
            self._multiplier = saved
        return n


def _record(
    result: bool, kind: str, expression: Any, path: str | None, value: Any, target: Any, op: str
) -> dict[str, Any]:
    rec: dict[str, Any] = {"result": "True" if result else "False", "expressionKind": kind}
    rec["expression"] = expression
    if path is not None:
        rec["path"] = path
    if value is not MISSING:
        rec["expressionValue"] = value
    rec["targetValue"] = target
    rec["operator"] = OPERATORS[op][0]
    return rec
