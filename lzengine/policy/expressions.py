"""Template-language expressions inside policy rules (``"[concat(...)]"``, ``"[parameters('x')]"``).

Called by :mod:`lzengine.policy.conditions` (field names, condition targets, ``value`` and
``count.value`` operands), by :mod:`lzengine.policy.engine` (effects, modify/append values and
operation conditions, existence details) and nowhere else.  It parses the ARM template
expression syntax once per distinct string (cached) and evaluates it against an
:class:`ExpressionHost`, which supplies the policy-only functions (``field()``, ``current()``,
``parameters()``, ``resourceGroup()``, ...).

Any failure (unknown function, wrong argument types, missing property, index out of range)
raises :class:`TemplateError`; Azure Policy treats a failed function as an implicit deny, and the
engine reports it that way.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

__all__ = [
    "ExpressionHost",
    "TemplateError",
    "evaluate_value",
    "function_names",
    "is_expression",
    "parse_expression",
]


class TemplateError(Exception):
    """A template expression could not be parsed or evaluated (an implicit deny in Azure Policy)."""


class ExpressionHost(Protocol):
    """What an expression needs from the policy evaluation it runs in."""

    def parameter(self, name: str) -> Any: ...

    def field(self, name: str) -> Any: ...

    def current(self, name: str | None) -> Any: ...

    def resource_group(self) -> Any: ...

    def subscription(self) -> Any: ...

    def request_context(self) -> Any: ...

    def policy_info(self) -> Any: ...

    def now(self) -> datetime: ...


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<str>'(?:[^']|'')*')
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_$][A-Za-z0-9_$\-]*)
  | (?P<punct>[(),.\[\]])
    """,
    re.VERBOSE,
)

# AST nodes are tuples: ("lit", value) | ("call", lname, args, name) | ("prop", target, name)
# | ("index", target, expr)
Node = tuple


def is_expression(value: Any) -> bool:
    """True if ``value`` is a string holding a template expression (not an escaped ``[[`` literal)."""
    return (
        isinstance(value, str)
        and len(value) >= 2
        and value[0] == "["
        and value[-1] == "]"
        and not value.startswith("[[")
    )


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise TemplateError(f"unexpected character {text[pos]!r} at {pos} in expression {text!r}")
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, m.group()))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise TemplateError(f"unexpected end of expression {self.text!r}")
        if value is not None and tok[1] != value:
            raise TemplateError(f"expected {value!r} but found {tok[1]!r} in expression {self.text!r}")
        self.pos += 1
        return tok

    def parse(self) -> Node:
        node = self.expr()
        if self.peek() is not None:
            raise TemplateError(f"unexpected {self.peek()[1]!r} in expression {self.text!r}")  # type: ignore[index]
        return node

    def expr(self) -> Node:
        node = self.primary()
        while True:
            tok = self.peek()
            if tok == ("punct", "."):
                self.take()
                kind, name = self.take()
                if kind != "ident":
                    raise TemplateError(f"expected a property name after '.' in {self.text!r}")
                node = ("prop", node, name)
            elif tok == ("punct", "["):
                self.take()
                index = self.expr()
                self.take("]")
                node = ("index", node, index)
            else:
                return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "str":
            return ("lit", text[1:-1].replace("''", "'"))
        if kind == "num":
            return ("lit", float(text) if "." in text else int(text))
        if kind == "ident":
            if self.peek() == ("punct", "("):
                self.take()
                args: list[Node] = []
                if self.peek() != ("punct", ")"):
                    while True:
                        args.append(self.expr())
                        if self.peek() == ("punct", ","):
                            self.take()
                            continue
                        break
                self.take(")")
                return ("call", text.lower(), tuple(args), text)
            lowered = text.lower()
            if lowered in ("true", "false"):
                return ("lit", lowered == "true")
            if lowered == "null":
                return ("lit", None)
            raise TemplateError(f"unknown identifier {text!r} in expression {self.text!r}")
        raise TemplateError(f"unexpected {text!r} in expression {self.text!r}")


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> Node:
    """Parse ``"[...]"`` (brackets included) into an AST; cached per distinct string."""
    if not is_expression(text):
        raise TemplateError(f"not a template expression: {text!r}")
    return _Parser(text[1:-1]).parse()


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def evaluate_value(value: Any, host: ExpressionHost) -> Any:
    """Evaluate a JSON value from a rule: expressions are evaluated, ``[[`` unescaped, and lists and
    objects are evaluated element by element. Other values are returned unchanged."""
    if isinstance(value, str):
        if is_expression(value):
            return _eval(parse_expression(value), host)
        if value.startswith("[["):
            return value[1:]
        return value
    if isinstance(value, list):
        return [evaluate_value(v, host) for v in value]
    if isinstance(value, dict):
        return {k: evaluate_value(v, host) for k, v in value.items()}
    return value


def _eval(node: Node, host: ExpressionHost) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "prop":
        return _member(_eval(node[1], host), node[2])
    if kind == "index":
        target = _eval(node[1], host)
        key = _eval(node[2], host)
        if isinstance(target, list | str):
            if not _is_int(key):
                raise TemplateError(f"array index must be an integer, got {key!r}")
            if not 0 <= key < len(target):
                raise TemplateError(f"index {key} is out of range for length {len(target)}")
            return target[key]
        return _member(target, key)
    if kind == "call":
        _, lname, args, name = node
        special = _LAZY.get(lname)
        if special is not None:
            return special(args, host)
        fn = _FUNCTIONS.get(lname)
        if fn is None:
            raise TemplateError(f"the template function {name!r} is not valid in a policy rule")
        values = [_eval(a, host) for a in args]
        try:
            return fn(host, values)
        except TemplateError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError) as exc:
            raise TemplateError(f"{name}() failed: {exc}") from exc
    raise TemplateError(f"bad expression node {kind!r}")  # pragma: no cover


def _member(target: Any, key: Any) -> Any:
    """Object member access, ignoring case. A missing member (or a member of ``null``) is ``null``:
    built-ins such as "Inherit a tag from the resource group" read
    ``resourceGroup().tags[parameters('tagName')]`` on groups that lack the tag and expect no
    failure. Member access on a string, number or array is an error."""
    if target is None:
        return None
    if isinstance(target, dict):
        if not isinstance(key, str):
            raise TemplateError(f"object member name must be a string, got {key!r}")
        if key in target:
            return target[key]
        lowered = key.lower()
        for k, v in target.items():
            if k.lower() == lowered:
                return v
        return None
    raise TemplateError(f"cannot access property {key!r} of a {type(target).__name__} value")


# ------------------------------------------------------------------- helpers for functions


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _arity(args: Sequence[Any], lo: int, hi: int | None = None, name: str = "function") -> None:
    hi = lo if hi is None else hi
    if not lo <= len(args) <= hi:
        want = str(lo) if lo == hi else f"{lo}..{hi}"
        raise TemplateError(f"{name}() takes {want} argument(s), got {len(args)}")


def _want_str(v: Any, name: str) -> str:
    if not isinstance(v, str):
        raise TemplateError(f"{name}() expects a string, got {type(v).__name__}")
    return v


def _want_int(v: Any, name: str) -> int:
    if _is_int(v):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    raise TemplateError(f"{name}() expects an integer, got {v!r}")


def _deep_equal(a: Any, b: Any) -> bool:
    """ARM ``equals()``: type-strict deep equality; string comparison is ordinal (case-sensitive)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_num(a) and _is_num(b):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        if len(a) != len(b):
            return False
        lower_b = {k.lower(): v for k, v in b.items()}
        return all(k.lower() in lower_b and _deep_equal(v, lower_b[k.lower()]) for k, v in a.items())
    return type(a) is type(b) and a == b


def _compare(a: Any, b: Any, name: str) -> int:
    if _is_num(a) and _is_num(b):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    raise TemplateError(f"{name}() expects two integers or two strings, got {a!r} and {b!r}")


def _to_json_text(v: Any) -> str:
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def _string(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "True" if v else "False"
    if v is None:
        return ""
    if _is_num(v):
        return str(v)
    return _to_json_text(v)


def _length(v: Any) -> int:
    if isinstance(v, str | list | dict):
        return len(v)
    if v is None:
        return 0
    raise TemplateError(f"length() expects a string, array or object, got {type(v).__name__}")


def _empty(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str | list | dict):
        return len(v) == 0
    raise TemplateError(f"empty() expects a string, array or object, got {type(v).__name__}")


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        return _string(item) in container
    if isinstance(container, list):
        return any(_deep_equal(x, item) for x in container)
    if isinstance(container, dict):
        key = _want_str(item, "contains").lower()
        return any(k.lower() == key for k in container)
    if container is None:
        return False
    raise TemplateError(f"contains() expects a string, array or object, got {type(container).__name__}")


def _concat(args: Sequence[Any]) -> Any:
    if not args:
        raise TemplateError("concat() needs at least one argument")
    if all(isinstance(a, list) for a in args):
        out: list[Any] = []
        for a in args:
            out.extend(a)
        return out
    if any(isinstance(a, list | dict) for a in args):
        raise TemplateError("concat() arguments must all be arrays or all be strings/scalars")
    return "".join(_string(a) for a in args)


def _union(args: Sequence[Any]) -> Any:
    if not args:
        raise TemplateError("union() needs at least one argument")
    if all(isinstance(a, dict) for a in args):
        merged: dict[str, Any] = {}
        for a in args:
            merged.update(a)
        return merged
    if all(isinstance(a, list) for a in args):
        out: list[Any] = []
        for a in args:
            for x in a:
                if not any(_deep_equal(x, y) for y in out):
                    out.append(x)
        return out
    raise TemplateError("union() arguments must all be arrays or all be objects")


def _intersection(args: Sequence[Any]) -> Any:
    if len(args) < 2:
        raise TemplateError("intersection() needs at least two arguments")
    if all(isinstance(a, dict) for a in args):
        first = args[0]
        return {k: v for k, v in first.items() if all(k in o and _deep_equal(o[k], v) for o in args[1:])}
    if all(isinstance(a, list) for a in args):
        out: list[Any] = []
        for x in args[0]:
            if all(any(_deep_equal(x, y) for y in o) for o in args[1:]) and not any(_deep_equal(x, y) for y in out):
                out.append(x)
        return out
    raise TemplateError("intersection() arguments must all be arrays or all be objects")


def _int(v: Any) -> int:
    if isinstance(v, bool):
        raise TemplateError("int() cannot convert a boolean")
    if _is_int(v):
        return v
    if isinstance(v, float):
        return int(v)
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError as exc:
            raise TemplateError(f"int() cannot convert {v!r}") from exc
    raise TemplateError(f"int() cannot convert a {type(v).__name__}")


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if _is_num(v):
        return v != 0
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    raise TemplateError(f"bool() cannot convert {v!r}")


def _split(s: Any, sep: Any) -> list[str]:
    text = _want_str(s, "split")
    seps = sep if isinstance(sep, list) else [sep]
    seps = [_want_str(x, "split") for x in seps]
    if not seps or any(x == "" for x in seps):
        raise TemplateError("split() delimiter must not be empty")
    pattern = "|".join(re.escape(x) for x in seps)
    return re.split(pattern, text)


def _join(items: Any, sep: Any) -> str:
    if not isinstance(items, list):
        raise TemplateError("join() expects an array")
    return _want_str(sep, "join").join(_string(x) for x in items)


def _substring(args: Sequence[Any]) -> str:
    _arity(args, 1, 3, "substring")
    text = _want_str(args[0], "substring")
    start = _want_int(args[1], "substring") if len(args) > 1 else 0
    length = _want_int(args[2], "substring") if len(args) > 2 else len(text) - start
    if start < 0 or start > len(text):
        raise TemplateError(f"substring() start index {start} is out of range for {text!r}")
    if length < 0 or start + length > len(text):
        raise TemplateError(f"substring() length {length} is out of range for {text!r}")
    return text[start : start + length]


def _take_skip(args: Sequence[Any], take: bool) -> Any:
    name = "take" if take else "skip"
    _arity(args, 2, 2, name)
    seq, n = args[0], _want_int(args[1], name)
    if not isinstance(seq, str | list):
        raise TemplateError(f"{name}() expects a string or array")
    n = max(0, min(n, len(seq)))
    return seq[:n] if take else seq[n:]


def _first_last(v: Any, first: bool) -> Any:
    name = "first" if first else "last"
    if isinstance(v, str | list):
        if not v:
            return "" if isinstance(v, str) else None
        return v[0] if first else v[-1]
    raise TemplateError(f"{name}() expects a string or array")


def _index_of(args: Sequence[Any], last: bool) -> int:
    name = "lastIndexOf" if last else "indexOf"
    _arity(args, 2, 2, name)
    a, b = args
    if isinstance(a, str):
        text, sub = a.lower(), _want_str(b, name).lower()
        return text.rfind(sub) if last else text.find(sub)
    if isinstance(a, list):
        indices = [i for i, x in enumerate(a) if _deep_equal(x, b)]
        if not indices:
            return -1
        return indices[-1] if last else indices[0]
    raise TemplateError(f"{name}() expects a string or array")


def _create_object(args: Sequence[Any]) -> dict[str, Any]:
    if len(args) % 2:
        raise TemplateError("createObject() needs key/value pairs")
    return {_want_str(args[i], "createObject"): args[i + 1] for i in range(0, len(args), 2)}


def _coalesce(args: Sequence[Any]) -> Any:
    for a in args:
        if a is not None:
            return a
    return None


def _try_get(args: Sequence[Any]) -> Any:
    if len(args) < 2:
        raise TemplateError("tryGet() needs a source and at least one key")
    cur = args[0]
    for key in args[1:]:
        if isinstance(cur, dict) and isinstance(key, str):
            match = [v for k, v in cur.items() if k.lower() == key.lower()]
            if not match:
                return None
            cur = match[0]
        elif isinstance(cur, list) and _is_int(key):
            if not 0 <= key < len(cur):
                return None
            cur = cur[key]
        else:
            return None
    return cur


def _json(v: Any) -> Any:
    text = _want_str(v, "json")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(f"json() could not parse {text!r}: {exc}") from exc


def _replace(args: Sequence[Any]) -> str:
    _arity(args, 3, 3, "replace")
    return _want_str(args[0], "replace").replace(_want_str(args[1], "replace"), _want_str(args[2], "replace"))


def _format(args: Sequence[Any]) -> str:
    if not args:
        raise TemplateError("format() needs a format string")
    fmt = _want_str(args[0], "format")
    values = args[1:]

    def repl(m: re.Match[str]) -> str:
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        index = int(m.group(1))
        if index >= len(values):
            raise TemplateError(f"format() placeholder {{{index}}} has no argument")
        return _string(values[index])

    return re.sub(r"\{\{|\}\}|\{(\d+)(?::[^}]*)?\}", repl, fmt)


def _pad_left(args: Sequence[Any]) -> str:
    _arity(args, 2, 3, "padLeft")
    text = _string(args[0])
    width = _want_int(args[1], "padLeft")
    pad = _want_str(args[2], "padLeft") if len(args) > 2 else " "
    if len(pad) != 1:
        raise TemplateError("padLeft() padding must be one character")
    return text.rjust(width, pad)


def _arith(op: str) -> Callable[[ExpressionHost, list[Any]], Any]:
    def fn(_host: ExpressionHost, args: list[Any]) -> Any:
        _arity(args, 2, 2, op)
        a, b = _want_int(args[0], op), _want_int(args[1], op)
        if op == "add":
            return a + b
        if op == "sub":
            return a - b
        if op == "mul":
            return a * b
        if b == 0:
            raise TemplateError(f"{op}() division by zero")
        q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
        return q if op == "div" else a - b * q

    return fn


def _min_max(args: Sequence[Any], use_max: bool) -> int:
    values = args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)
    if not values:
        raise TemplateError("min()/max() need at least one value")
    ints = [_want_int(v, "max" if use_max else "min") for v in values]
    return max(ints) if use_max else min(ints)


def _range(args: Sequence[Any]) -> list[int]:
    _arity(args, 2, 2, "range")
    start, count = _want_int(args[0], "range"), _want_int(args[1], "range")
    if count < 0 or count > 10000:
        raise TemplateError("range() count must be between 0 and 10000")
    return list(range(start, start + count))


# ------------------------------------------------------------------- date/time


_DOTNET_TOKENS = [
    ("yyyy", "%Y"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("HH", "%H"),
    ("mm", "%M"),
    ("ss", "%S"),
]


def _format_datetime(dt: datetime, fmt: str | None) -> str:
    if fmt is None:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond:06d}0Z"
    if fmt in ("u",):
        return dt.strftime("%Y-%m-%d %H:%M:%SZ")
    if fmt in ("d",):
        return dt.strftime("%m/%d/%Y")
    out = fmt
    for net, py in _DOTNET_TOKENS:
        out = out.replace(net, py)
    out = re.sub(r"f{1,7}", lambda m: f"{dt.microsecond:06d}0"[: len(m.group())], out)
    return dt.strftime(out)


def _parse_datetime(text: Any, name: str) -> datetime:
    s = _want_str(text, name).strip()
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    m = re.match(r"^(.*T\d{2}:\d{2}:\d{2})\.(\d+)(.*)$", s)
    if m:  # Python accepts at most 6 fractional digits
        s = m.group(1) + "." + (m.group(2) + "000000")[:6] + m.group(3)
    try:
        dt = datetime.fromisoformat(s)
    except ValueError as exc:
        raise TemplateError(f"{name}() could not parse date-time {text!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _add_days(args: Sequence[Any]) -> str:
    _arity(args, 2, 2, "addDays")
    dt = _parse_datetime(args[0], "addDays") + timedelta(days=_want_int(args[1], "addDays"))
    return _format_datetime(dt, None)


# ------------------------------------------------------------------- IP ranges


def _ip_range(text: Any) -> tuple[int, int, int]:
    s = _want_str(text, "ipRangeContains").strip()
    if not s:
        raise TemplateError("ipRangeContains() does not accept an empty range")
    try:
        if "/" in s:
            net = ipaddress.ip_network(s, strict=False)
            return net.version, int(net.network_address), int(net.broadcast_address)
        if "-" in s:
            lo_text, hi_text = s.split("-", 1)
            lo, hi = ipaddress.ip_address(lo_text.strip()), ipaddress.ip_address(hi_text.strip())
            if lo.version != hi.version or int(lo) > int(hi):
                raise TemplateError(f"ipRangeContains() bad range {s!r}")
            return lo.version, int(lo), int(hi)
        addr = ipaddress.ip_address(s)
        return addr.version, int(addr), int(addr)
    except ValueError as exc:
        raise TemplateError(f"ipRangeContains() cannot parse {s!r}") from exc


def _ip_range_contains(args: Sequence[Any]) -> bool:
    _arity(args, 2, 2, "ipRangeContains")
    v1, lo1, hi1 = _ip_range(args[0])
    v2, lo2, hi2 = _ip_range(args[1])
    if v1 != v2:
        raise TemplateError("ipRangeContains() cannot mix IPv4 and IPv6")
    return lo1 <= lo2 and hi2 <= hi1


# ------------------------------------------------------------------- lazy functions


def _lazy_if(args: Sequence[Node], host: ExpressionHost) -> Any:
    if len(args) != 3:
        raise TemplateError("if() takes 3 arguments")
    cond = _eval(args[0], host)
    if not isinstance(cond, bool):
        cond = _bool(cond)
    return _eval(args[1] if cond else args[2], host)


def _lazy_and(args: Sequence[Node], host: ExpressionHost) -> bool:
    if len(args) < 2:
        raise TemplateError("and() needs at least 2 arguments")
    for a in args:
        if not _bool(_eval(a, host)):
            return False
    return True


def _lazy_or(args: Sequence[Node], host: ExpressionHost) -> bool:
    if len(args) < 2:
        raise TemplateError("or() needs at least 2 arguments")
    for a in args:
        if _bool(_eval(a, host)):
            return True
    return False


_LAZY: dict[str, Callable[[Sequence[Node], ExpressionHost], Any]] = {
    "if": _lazy_if,
    "and": _lazy_and,
    "or": _lazy_or,
}


def _one(name: str, fn: Callable[[Any], Any]) -> Callable[[ExpressionHost, list[Any]], Any]:
    def wrapped(_host: ExpressionHost, args: list[Any]) -> Any:
        _arity(args, 1, 1, name)
        return fn(args[0])

    return wrapped


def _two(name: str, fn: Callable[[Any, Any], Any]) -> Callable[[ExpressionHost, list[Any]], Any]:
    def wrapped(_host: ExpressionHost, args: list[Any]) -> Any:
        _arity(args, 2, 2, name)
        return fn(args[0], args[1])

    return wrapped


def _many(fn: Callable[[list[Any]], Any]) -> Callable[[ExpressionHost, list[Any]], Any]:
    def wrapped(_host: ExpressionHost, args: list[Any]) -> Any:
        return fn(args)

    return wrapped


def _host_fn(
    name: str, arity: int, fn: Callable[[ExpressionHost, list[Any]], Any]
) -> Callable[[ExpressionHost, list[Any]], Any]:
    """A function with a fixed number of arguments that may consult the host."""

    def wrapped(host: ExpressionHost, args: list[Any]) -> Any:
        _arity(args, arity, arity, name)
        return fn(host, args)

    return wrapped


def _host_current(host: ExpressionHost, args: list[Any]) -> Any:
    _arity(args, 0, 1, "current")
    return host.current(_want_str(args[0], "current") if args else None)


def _host_utcnow(host: ExpressionHost, args: list[Any]) -> str:
    _arity(args, 0, 1, "utcNow")
    return _format_datetime(host.now(), _want_str(args[0], "utcNow") if args else None)


def _not(v: Any) -> bool:
    return not _bool(v)


def _guid(args: list[Any]) -> str:
    if not args:
        raise TemplateError("guid() needs at least one argument")
    namespace = uuid.UUID("11fb06fb-712d-4ddd-98c7-e71bbd588830")
    return str(uuid.uuid5(namespace, "-".join(_want_str(a, "guid") for a in args)))


_FUNCTIONS: dict[str, Callable[[ExpressionHost, list[Any]], Any]] = {
    # policy-specific
    "parameters": _host_fn("parameters", 1, lambda h, a: h.parameter(_want_str(a[0], "parameters"))),
    "field": _host_fn("field", 1, lambda h, a: h.field(_want_str(a[0], "field"))),
    "current": _host_current,
    "resourcegroup": _host_fn("resourceGroup", 0, lambda h, a: h.resource_group()),
    "subscription": _host_fn("subscription", 0, lambda h, a: h.subscription()),
    "requestcontext": _host_fn("requestContext", 0, lambda h, a: h.request_context()),
    "policy": _host_fn("policy", 0, lambda h, a: h.policy_info()),
    "utcnow": _host_utcnow,
    "adddays": _many(_add_days),
    "iprangecontains": _many(_ip_range_contains),
    # comparison and logic
    "equals": _two("equals", _deep_equal),
    "less": _two("less", lambda a, b: _compare(a, b, "less") < 0),
    "lessorequals": _two("lessOrEquals", lambda a, b: _compare(a, b, "lessOrEquals") <= 0),
    "greater": _two("greater", lambda a, b: _compare(a, b, "greater") > 0),
    "greaterorequals": _two("greaterOrEquals", lambda a, b: _compare(a, b, "greaterOrEquals") >= 0),
    "not": _one("not", _not),
    "true": _host_fn("true", 0, lambda h, a: True),
    "false": _host_fn("false", 0, lambda h, a: False),
    "null": _host_fn("null", 0, lambda h, a: None),
    "coalesce": _many(_coalesce),
    # conversion
    "string": _one("string", _string),
    "int": _one("int", _int),
    "bool": _one("bool", _bool),
    "json": _one("json", _json),
    "array": _one("array", lambda v: v if isinstance(v, list) else [v]),
    "createarray": _many(lambda a: list(a)),
    "createobject": _many(_create_object),
    "base64": _one("base64", lambda v: base64.b64encode(_want_str(v, "base64").encode()).decode()),
    "base64tostring": _one("base64ToString", lambda v: base64.b64decode(_want_str(v, "base64ToString")).decode()),
    # strings and collections
    "concat": _many(_concat),
    "format": _many(_format),
    "tolower": _one("toLower", lambda v: _want_str(v, "toLower").lower()),
    "toupper": _one("toUpper", lambda v: _want_str(v, "toUpper").upper()),
    "trim": _one("trim", lambda v: _want_str(v, "trim").strip()),
    "length": _one("length", _length),
    "empty": _one("empty", _empty),
    "contains": _two("contains", _contains),
    "startswith": _two(
        "startsWith",
        lambda a, b: _want_str(a, "startsWith").lower().startswith(_want_str(b, "startsWith").lower()),
    ),
    "endswith": _two(
        "endsWith",
        lambda a, b: _want_str(a, "endsWith").lower().endswith(_want_str(b, "endsWith").lower()),
    ),
    "indexof": _many(lambda a: _index_of(a, last=False)),
    "lastindexof": _many(lambda a: _index_of(a, last=True)),
    "split": _two("split", _split),
    "join": _two("join", _join),
    "substring": _many(_substring),
    "replace": _many(_replace),
    "padleft": _many(_pad_left),
    "first": _one("first", lambda v: _first_last(v, True)),
    "last": _one("last", lambda v: _first_last(v, False)),
    "take": _many(lambda a: _take_skip(a, True)),
    "skip": _many(lambda a: _take_skip(a, False)),
    "union": _many(_union),
    "intersection": _many(_intersection),
    "tryget": _many(_try_get),
    "guid": _many(_guid),
    # numbers
    "add": _arith("add"),
    "sub": _arith("sub"),
    "mul": _arith("mul"),
    "div": _arith("div"),
    "mod": _arith("mod"),
    "min": _many(lambda a: _min_max(a, False)),
    "max": _many(lambda a: _min_max(a, True)),
    "range": _many(_range),
}


def function_names() -> Mapping[str, object]:
    """The (lower-case) names of the supported template functions, for diagnostics and tests."""
    return {**_FUNCTIONS, **_LAZY}
