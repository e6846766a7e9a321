"""Field names and property aliases: where a policy ``field`` lives in an ARM resource body.

Called by :mod:`lzengine.policy.conditions` (reading ``field`` values, ``count.field`` arrays and
the ``field()`` function) and by :mod:`lzengine.policy.engine` (writing ``modify``/``append``
operations). Hosts may call :func:`resolve_alias` to check that an alias is understood.

Azure publishes the alias → JSON-path mapping per resource type through the providers API
(``$expand=resourceTypes/aliases``). This module does not ship that catalogue; it derives the path
from a general rule and keeps the exceptions as *data*:

* ``Microsoft.X/type/a.b`` resolves to ``properties.a.b`` for a resource of type ``Microsoft.X/type``;
* a first segment in :data:`TOP_LEVEL_SEGMENTS` (``sku``, ``identity``, ``kind``, ...) stays at the top
  level, unless :data:`PROPERTIES_SEGMENTS` says the type keeps it under ``properties`` (Azure
  Firewall, Application Gateway and Log Analytics keep their ``sku`` there);
* arrays (and a few objects) of ARM sub-resources carry their own ``properties`` wrapper
  (``subnets[*].properties.addressPrefix``); :data:`SUBRESOURCE_PATHS` lists them per type;
* :data:`ALIAS_OVERRIDES` maps aliases whose path does not follow the rule at all.

An alias only selects values on a resource of its own type: evaluating a
``Microsoft.Search/searchServices/...`` alias on a Cognitive Services account yields nothing, as in
Azure. Key matching is case-insensitive throughout.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "ALIAS_OVERRIDES",
    "MISSING",
    "PROPERTIES_SEGMENTS",
    "STAR",
    "SUBRESOURCE_PATHS",
    "TOP_LEVEL_SEGMENTS",
    "AliasPath",
    "FieldRef",
    "WriteOutcome",
    "enumerate_bindings",
    "get_key",
    "parse_field",
    "resolve_alias",
    "select",
    "star_key",
    "write",
]


class _Missing:
    """Marker for a property that is absent from the resource body."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __deepcopy__(self, memo: dict[int, Any]) -> _Missing:
        return self


MISSING: Any = _Missing()
"""Singleton for "this property is not in the body" (distinct from JSON ``null``)."""

STAR = "[*]"
"""Path token for "every element of this array" (or every value of an object, for ``tags[*]``)."""

# ----------------------------------------------------------------------------------------------
# Data: the exceptions to the general alias rule. Keys are lower-case.
# ----------------------------------------------------------------------------------------------

TOP_LEVEL_SEGMENTS: frozenset[str] = frozenset(
    {"sku", "identity", "kind", "zones", "plan", "extendedlocation", "tags", "location", "managedby", "etag"}
)
"""First alias segments that address the top of the body, not ``properties``."""

PROPERTIES_SEGMENTS: Mapping[str, frozenset[str]] = {
    "microsoft.network/azurefirewalls": frozenset({"sku"}),
    "microsoft.network/firewallpolicies": frozenset({"sku"}),
    "microsoft.network/applicationgateways": frozenset({"sku"}),
    "microsoft.network/virtualnetworkgateways": frozenset({"sku"}),
    "microsoft.operationalinsights/workspaces": frozenset({"sku"}),
    "microsoft.keyvault/vaults": frozenset({"sku"}),
}
"""Per type: first segments that look top-level but live under ``properties`` in that RP's body."""

_ANY_TYPE = "*"

SUBRESOURCE_PATHS: Mapping[str, frozenset[str]] = {
    # Applies to every type: private endpoint connections are always ARM sub-resources.
    _ANY_TYPE: frozenset({"privateendpointconnections"}),
    "microsoft.network/virtualnetworks": frozenset(
        {"subnets", "subnets.delegations", "subnets.serviceendpointpolicies", "virtualnetworkpeerings"}
    ),
    "microsoft.network/virtualnetworks/subnets": frozenset({"delegations", "serviceendpointpolicies"}),
    "microsoft.network/networksecuritygroups": frozenset({"securityrules", "defaultsecurityrules"}),
    "microsoft.network/routetables": frozenset({"routes"}),
    "microsoft.network/azurefirewalls": frozenset(
        {
            "ipconfigurations",
            "managementipconfiguration",
            "applicationrulecollections",
            "natrulecollections",
            "networkrulecollections",
        }
    ),
    "microsoft.network/bastionhosts": frozenset({"ipconfigurations"}),
    "microsoft.network/applicationgateways": frozenset(
        {
            "gatewayipconfigurations",
            "frontendipconfigurations",
            "frontendports",
            "backendaddresspools",
            "backendhttpsettingscollection",
            "backendsettingscollection",
            "httplisteners",
            "listeners",
            "requestroutingrules",
            "routingrules",
            "probes",
            "sslcertificates",
            "trustedrootcertificates",
            "trustedclientcertificates",
            "sslprofiles",
            "urlpathmaps",
            "urlpathmaps.pathrules",
            "redirectconfigurations",
            "rewriterulesets",
            "authenticationcertificates",
        }
    ),
    "microsoft.network/privateendpoints": frozenset(
        {"privatelinkserviceconnections", "manualprivatelinkserviceconnections", "ipconfigurations"}
    ),
    "microsoft.network/networkinterfaces": frozenset({"ipconfigurations"}),
    "microsoft.network/loadbalancers": frozenset(
        {
            "frontendipconfigurations",
            "backendaddresspools",
            "loadbalancingrules",
            "probes",
            "inboundnatrules",
            "inboundnatpools",
            "outboundrules",
        }
    ),
    "microsoft.network/virtualnetworkgateways": frozenset({"ipconfigurations"}),
    "microsoft.network/natgateways": frozenset(),
}
"""Per type: dotted paths (relative to ``properties``) of arrays/objects whose elements wrap their
own ``properties``; the alias skips that wrapper, the body does not."""

ALIAS_OVERRIDES: Mapping[str, str] = {
    # Storage: encryption flags surfaced under short names.
    "microsoft.storage/storageaccounts/enableblobencryption": "properties.encryption.services.blob.enabled",
    "microsoft.storage/storageaccounts/enablefileencryption": "properties.encryption.services.file.enabled",
    # Compute: image and size aliases that do not mirror the body.
    "microsoft.compute/virtualmachines/imagepublisher": "properties.storageProfile.imageReference.publisher",
    "microsoft.compute/virtualmachines/imageoffer": "properties.storageProfile.imageReference.offer",
    "microsoft.compute/virtualmachines/imagesku": "properties.storageProfile.imageReference.sku",
    "microsoft.compute/virtualmachines/imageversion": "properties.storageProfile.imageReference.version",
    "microsoft.compute/virtualmachines/sku.name": "properties.hardwareProfile.vmSize",
    # Resource groups: the alias namespace is Microsoft.Resources/subscriptions/resourceGroups.
    "microsoft.resources/subscriptions/resourcegroups/managedby": "managedBy",
}
"""Full alias (lower-case) → ARM path, for aliases the general rule would get wrong."""


# ----------------------------------------------------------------------------------------------
# Field references
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasPath:
    """Where an alias points: the resource type it belongs to and the body path tokens."""

    alias: str
    resource_type: str
    tokens: tuple[str, ...]

    @property
    def path(self) -> str:
        """The ARM path in dotted form, e.g. ``properties.subnets[*].properties.addressPrefix``."""
        return _render(self.tokens)


@dataclass(frozen=True)
class FieldRef:
    """A parsed ``field`` name.

    ``kind`` is one of ``name``, ``fullname``, ``type``, ``id`` (computed from the resource) or
    ``path`` (read ``tokens`` from the body). ``resource_type`` is set for aliases: the value is only
    present on resources of that type. ``tag`` is set for single-tag fields.
    """

    text: str
    kind: str
    tokens: tuple[str, ...] = ()
    resource_type: str | None = None
    is_location: bool = False
    tag: str | None = None

    @property
    def path(self) -> str:
        return self.text if self.kind != "path" else _render(self.tokens)

    @property
    def has_star(self) -> bool:
        return STAR in self.tokens

    @property
    def is_tags(self) -> bool:
        return bool(self.tokens) and self.tokens[0].lower() == "tags" and self.resource_type is None


def _render(tokens: tuple[str, ...]) -> str:
    out = ""
    for tok in tokens:
        if tok == STAR:
            out += "[*]"
        elif any(c in tok for c in ".[]' "):
            out += "['" + tok.replace("'", "''") + "']"
        else:
            out += ("." if out else "") + tok
    return out


def _split_segments(text: str) -> tuple[str, ...]:
    """``a[*].b.c[*]`` → ``("a", STAR, "b", "c", STAR)``."""
    tokens: list[str] = []
    for part in text.split("."):
        while part.endswith("[*]"):
            # "a[*][*]" is legal in nested-array aliases.
            head = part[: part.index("[*]")]
            stars = part[len(head) :]
            if head:
                tokens.append(head)
            tokens.extend([STAR] * (len(stars) // 3))
            part = ""
        if part:
            tokens.append(part)
    return tuple(tokens)


_ENVELOPE_KEYS = frozenset({"name", "id", "type", "etag"})
"""Keys of a sub-resource that sit beside its ``properties`` wrapper, not inside it."""


def _wrap_subresources(resource_type: str, segments: tuple[str, ...]) -> tuple[str, ...]:
    wrapped = SUBRESOURCE_PATHS.get(resource_type, frozenset()) | SUBRESOURCE_PATHS[_ANY_TYPE]
    out: list[str] = []
    key: list[str] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        out.append(seg)
        if seg != STAR:
            key.append(seg.lower())
            followed_by_star = i + 1 < len(segments) and segments[i + 1] == STAR
            if ".".join(key) in wrapped:
                if followed_by_star:
                    out.append(STAR)
                    i += 1
                if i + 1 < len(segments) and segments[i + 1].lower() not in _ENVELOPE_KEYS:
                    out.append("properties")
        i += 1
    return tuple(out)


@lru_cache(maxsize=4096)
def resolve_alias(alias: str) -> AliasPath | None:
    """Resolve ``Microsoft.X/type/prop.path`` to its body path; ``None`` if it is not an alias."""
    text = alias.strip()
    if "/" not in text:
        return None
    override = ALIAS_OVERRIDES.get(text.lower())
    resource_type, _, prop = text.rpartition("/")
    if not prop or "/" not in resource_type:
        return None
    if override is not None:
        return AliasPath(text, resource_type.lower(), _split_segments(override))
    segments = _split_segments(prop)
    rtype = resource_type.lower()
    first = segments[0].lower()
    if first in TOP_LEVEL_SEGMENTS and first not in PROPERTIES_SEGMENTS.get(rtype, frozenset()):
        return AliasPath(text, rtype, segments)
    return AliasPath(text, rtype, ("properties", *_wrap_subresources(rtype, segments)))


def _parse_tag_field(text: str) -> FieldRef:
    rest = text[4:]
    if rest == "":
        return FieldRef(text, "path", ("tags",))
    if rest.startswith("."):
        return FieldRef(text, "path", ("tags", rest[1:]), tag=rest[1:])
    if rest.startswith("[") and rest.endswith("]"):
        inner = rest[1:-1]
        if inner == "*":
            return FieldRef(text, "path", ("tags", STAR))
        if len(inner) >= 2 and inner.startswith("'") and inner.endswith("'"):
            inner = inner[1:-1].replace("''", "'")
        return FieldRef(text, "path", ("tags", inner), tag=inner)
    raise ValueError(f"cannot parse tag field {text!r}")


@lru_cache(maxsize=4096)
def parse_field(name: str) -> FieldRef:
    """Parse a ``field`` value (already template-evaluated) into a :class:`FieldRef`."""
    text = name.strip()
    lower = text.lower()
    if lower in ("name", "fullname", "type", "id"):
        return FieldRef(text, lower)
    if lower == "location":
        return FieldRef(text, "path", ("location",), is_location=True)
    if lower == "kind":
        return FieldRef(text, "path", ("kind",))
    if lower == "identity.type":
        return FieldRef(text, "path", ("identity", "type"))
    if lower == "tags" or lower.startswith("tags.") or lower.startswith("tags["):
        return _parse_tag_field(text)
    alias = resolve_alias(text)
    if alias is not None:
        return FieldRef(text, "path", alias.tokens, resource_type=alias.resource_type)
    # Not an official field: read it as a raw body path (lenient; Azure rejects it at authoring).
    return FieldRef(text, "path", _split_segments(text))


# ----------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------


def get_key(node: Any, key: str, *, in_element: bool = False) -> Any:
    """Case-insensitive member lookup; ``MISSING`` if absent (or ``node`` is not an object).

    With ``in_element`` (the node is an array element) a key absent from the element is looked up
    in the element's ``properties`` wrapper, which covers sub-resource arrays not in the table.
    """
    if not isinstance(node, dict):
        return MISSING
    if key in node:
        return node[key]
    lowered = key.lower()
    for k, v in node.items():
        if k.lower() == lowered:
            return v
    if in_element:
        inner = get_key(node, "properties")
        if isinstance(inner, dict):
            return get_key(inner, key)
    return MISSING


def star_key(tokens: tuple[str, ...], index: int) -> tuple[str, ...]:
    """The binding key of the ``[*]`` at ``tokens[index]``: the lower-cased prefix up to it."""
    return tuple(t.lower() for t in tokens[: index + 1])


def _as_array(node: Any, tokens: tuple[str, ...], index: int) -> Any:
    """``tags[*]`` enumerates the tag values; every other ``[*]`` needs a JSON array."""
    if isinstance(node, dict) and index == 1 and tokens[0].lower() == "tags":
        return list(node.values())
    return node


def select(
    root: Any, tokens: tuple[str, ...], bindings: Mapping[tuple[str, ...], int] | None = None
) -> tuple[bool, list[Any]]:
    """Select the values at ``tokens``. Returns ``(is_collection, values)``.

    Without ``[*]`` the result is one value (possibly ``MISSING``). With ``[*]`` it is the
    collection of selected values; a missing or empty array contributes no values, while an element
    without the property contributes ``MISSING``. ``bindings`` pins a ``[*]`` (by its prefix key) to
    one index, which is how ``count.where`` sees only the current element.
    """
    nodes: list[Any] = [root]
    collection = False
    prev_star = False
    for i, tok in enumerate(tokens):
        if tok == STAR:
            collection = True
            key = star_key(tokens, i)
            pinned = bindings.get(key) if bindings else None
            expanded: list[Any] = []
            for node in nodes:
                node = _as_array(node, tokens, i)
                if isinstance(node, list):
                    if pinned is not None:
                        if 0 <= pinned < len(node):
                            expanded.append(node[pinned])
                    else:
                        expanded.extend(node)
            nodes = expanded
            prev_star = True
        else:
            nodes = [get_key(n, tok, in_element=prev_star) for n in nodes]
            prev_star = False
    return collection, nodes


def enumerate_bindings(
    root: Any, tokens: tuple[str, ...], bindings: Mapping[tuple[str, ...], int]
) -> list[dict[tuple[str, ...], int]]:
    """For ``count.field``: one binding set per counted element (the path up to the last ``[*]``)."""
    last_star = max((i for i, t in enumerate(tokens) if t == STAR), default=-1)
    if last_star < 0:
        return []
    out: list[dict[tuple[str, ...], int]] = []

    def walk(node: Any, i: int, acc: dict[tuple[str, ...], int], prev_star: bool) -> None:
        if i > last_star:
            out.append(acc)
            return
        tok = tokens[i]
        if tok == STAR:
            node = _as_array(node, tokens, i)
            if not isinstance(node, list):
                return
            key = star_key(tokens, i)
            pinned = bindings.get(key)
            if pinned is None:
                indices: range | list[int] = range(len(node))
            else:
                indices = [pinned] if 0 <= pinned < len(node) else []
            for j in indices:
                walk(node[j], i + 1, {**acc, key: j}, True)
        else:
            child = get_key(node, tok, in_element=prev_star)
            if child is MISSING:
                return
            walk(child, i + 1, acc, False)

    walk(root, 0, {}, False)
    return out


# ----------------------------------------------------------------------------------------------
# Writing (modify / append)
# ----------------------------------------------------------------------------------------------


@dataclass
class WriteOutcome:
    """What a write did: ``changed`` the body, and/or hit a ``conflict`` (an existing different value)."""

    changed: bool = False
    conflict: bool = False
    skipped: bool = False


def _find_key(node: dict[str, Any], key: str) -> str | None:
    if key in node:
        return key
    lowered = key.lower()
    for k in node:
        if k.lower() == lowered:
            return k
    return None


def _values_equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b and type(a) is type(b)


def write(root: dict[str, Any], tokens: tuple[str, ...], value: Any, operation: str) -> WriteOutcome:
    """Apply one operation at ``tokens`` in place.

    ``operation`` is ``addOrReplace``, ``add``, ``remove`` (modify) or ``append`` (the append effect).
    A path ending in ``[*]`` adds an element (``addOrReplace`` replaces the whole array with it);
    ``[*]`` in the middle applies to every existing element. ``add``/``append`` on an existing,
    different value reports a conflict. Missing intermediate objects are created for ``append`` and
    at the top level (``tags``, ``properties``); otherwise the write is skipped, as Azure skips a
    modify whose parent property is absent from the request.
    """
    op = operation.lower()
    outcome = WriteOutcome()

    def rec(node: Any, i: int, prev_star: bool) -> None:
        if not isinstance(node, dict):
            outcome.skipped = True
            return
        tok = tokens[i]
        if prev_star and _find_key(node, tok) is None:
            inner = node.get(_find_key(node, "properties") or "properties")
            if isinstance(inner, dict) and _find_key(inner, tok) is not None:
                node = inner
        star_next = i + 1 < len(tokens) and tokens[i + 1] == STAR
        key = _find_key(node, tok)
        if star_next:
            is_last = i + 2 == len(tokens)
            arr = node.get(key) if key is not None else None
            if is_last:
                items = value if isinstance(value, list) and op in ("append", "add") else [value]
                if op == "remove":
                    if key is not None:
                        del node[key]
                        outcome.changed = True
                elif op == "addorreplace":
                    node[key or tok] = copy.deepcopy(items)
                    outcome.changed = True
                else:
                    if not isinstance(arr, list):
                        arr = []
                        node[key or tok] = arr
                    arr.extend(copy.deepcopy(items))
                    outcome.changed = True
                return
            if not isinstance(arr, list):
                outcome.skipped = True
                return
            for element in arr:
                rec(element, i + 2, True)
            return
        if i == len(tokens) - 1:
            if op == "remove":
                if key is not None:
                    del node[key]
                    outcome.changed = True
                return
            if key is None:
                node[tok] = copy.deepcopy(value)
                outcome.changed = True
                return
            existing = node[key]
            if _values_equal(existing, value):
                return
            if op == "addorreplace":
                node[key] = copy.deepcopy(value)
                outcome.changed = True
            else:
                outcome.conflict = True
            return
        child = node.get(key) if key is not None else None
        if not isinstance(child, dict):
            if op == "remove":
                return
            if child is None and (op == "append" or i == 0):
                child = {}
                node[key or tok] = child
            else:
                outcome.skipped = True
                return
        rec(child, i + 1, False)

    if tokens:
        rec(root, 0, False)
    return outcome
