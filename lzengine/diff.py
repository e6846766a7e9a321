"""Decide what to do with one resource: compare its desired body with what Azure holds.

Who uses it: the engine, for every node, in ``plan``, ``apply`` and drift checks alike; the
executor, through ``refresh``, just before a write, once runtime references are resolved or the
resource was read again: the executor carries out the change ``refresh`` returns and decides
nothing itself. Pure functions: no
I/O, no SDK. The comparison is left-scoped: only the fields the plan declares count, so
server-computed and platform-managed fields never show up as drift. Per-kind facts
(ignored paths, case-insensitive enums, paths that force a replacement) come from the kind.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lzengine.ids import looks_like_id
from lzengine.kinds.base import ResourceKind
from lzengine.refs import UNKNOWN, Expected, GeneratedSecret, Ref, get_path


class Action(enum.Enum):
    NOOP = " "
    CREATE = "+"
    UPDATE = "~"
    REPLACE = "-/+"
    DELETE = "-"

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class DiffItem:
    """One field that differs: dotted path, live value, desired value."""

    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    """One decision about one resource, consumed by the executor and rendered by reports."""

    action: Action
    address: str
    arm_id: str
    arm_type: str
    items: tuple[DiffItem, ...] = ()
    reason: str = ""
    owner: str = "platform"
    secret_paths: frozenset[str] = field(default_factory=frozenset)
    #: Why the change is reported but never carried out (another team owns the resource under
    #: ``--team``; a prune target that still holds resources of others). Empty: it may be applied.
    blocked: str = ""
    #: (ARM code, message) of a refusal known before any write (an Azure Policy deny found by the
    #: preflight): apply fails the resource without sending it.
    failure: tuple[str, str] | None = None
    #: True: ``failure`` stops the whole apply before its first write (a quota, model or
    #: live-address refusal), not only this resource and its dependents
    stops_run: bool = False
    #: the resource is someone else's and only read (an existing hub's): never written
    existing: bool = False

    @property
    def allowed(self) -> bool:
        return not self.blocked


def decide(
    address: str,
    arm_id: str,
    kind: ResourceKind,
    desired: Mapping[str, Any],
    observed: Mapping[str, Any] | None,
    *,
    owner: str = "platform",
    ignore_paths: tuple[str, ...] = (),
) -> Change:
    """The change that brings ``observed`` (None if absent) to ``desired``.

    ``ignore_paths`` adds per-resource paths (the plan's ignore_changes) to the kind's own.
    A read-only kind (an existing hub's resource) is never written: always a NOOP; one that does
    not exist is refused before any write, as nothing may create it."""
    if kind.read_only:
        if observed is None:
            return Change(Action.NOOP, address, arm_id, kind.arm_type, reason="existing: not found", owner=owner,
                          failure=("ExistingResourceNotFound", f"{arm_id} does not exist; lzengine reads it and never "
                                   "creates it"), stops_run=True, existing=True)
        return Change(Action.NOOP, address, arm_id, kind.arm_type, reason="existing: read, never written",
                      owner=owner, existing=True)
    if observed is None:
        return Change(Action.CREATE, address, arm_id, kind.arm_type, reason="does not exist", owner=owner)
    items = tuple(compare(desired, observed, kind, ignore=(*kind.ignore_paths, *kind.create_only, *ignore_paths)))
    if kind.repair is not None:
        live = get_path(observed, kind.repair.path)
        if live is not None and str(live).lower() != kind.repair.healthy.lower():
            items += (DiffItem(kind.repair.path, live, kind.repair.healthy),)
    if not items:
        return Change(Action.NOOP, address, arm_id, kind.arm_type, owner=owner)
    forcing = [i.path for i in items if any(_under(i.path, p) for p in kind.replace_on)]
    if forcing:
        return Change(
            Action.REPLACE, address, arm_id, kind.arm_type, items,
            reason=f"{', '.join(forcing)} cannot change in place", owner=owner,
        )
    return Change(Action.UPDATE, address, arm_id, kind.arm_type, items, owner=owner)


def refresh(
    change: Change,
    kind: ResourceKind,
    desired: Mapping[str, Any],
    observed: Mapping[str, Any] | None,
    *,
    ignore_paths: tuple[str, ...] = (),
) -> Change:
    """The planned ``change``, decided again against values known only now: ``desired`` with
    its runtime references resolved from fresh outputs, ``observed`` as just re-read (an upstream
    replacement or repair moved it). What the plan attached to the change (secret paths, why it
    is blocked, a preflight refusal) carries over. A NOOP result means there is nothing to do."""
    fresh = decide(change.address, change.arm_id, kind, desired, observed, owner=change.owner,
                   ignore_paths=ignore_paths)
    return replace(fresh, secret_paths=change.secret_paths, blocked=change.blocked, failure=change.failure)


def compare(
    desired: Any, observed: Any, kind: ResourceKind, path: str = "", ignore: tuple[str, ...] | None = None
) -> list[DiffItem]:
    """Differences for every field declared in ``desired`` (left-scoped), skipping ``ignore``
    paths (default: the kind's)."""
    ignore = kind.ignore_paths if ignore is None else ignore
    if path and any(_under(path, p) for p in ignore):
        return []
    if desired is UNKNOWN:
        return [DiffItem(path, observed, UNKNOWN)]
    if isinstance(desired, GeneratedSecret):  # made up at create time; Azure never returns it
        return []
    if isinstance(desired, Expected):  # a condition on the live value (a certificate not near expiry)
        return [] if desired.holds(observed) else [DiffItem(path, observed, str(desired))]
    if isinstance(desired, Mapping):
        if not isinstance(observed, Mapping):
            return [DiffItem(path, observed, desired)]
        found: list[DiffItem] = []
        for key, value in desired.items():
            live_key = next((k for k in observed if k.lower() == key.lower()), None)
            live = observed[live_key] if live_key is not None else None
            found.extend(compare(value, live, kind, f"{path}.{key}" if path else key, ignore))
        return found
    if isinstance(desired, list):
        return _compare_list(desired, observed, kind, path, ignore)
    if _scalar_equal(desired, observed, kind, path):
        return []
    return [DiffItem(path, observed, desired)]


def _compare_list(
    desired: list, observed: Any, kind: ResourceKind, path: str, ignore: tuple[str, ...]
) -> list[DiffItem]:
    if not isinstance(observed, list):
        return [DiffItem(path, observed, desired)]
    named = desired and all(isinstance(d, Mapping) and "name" in d for d in desired)
    if named:
        live_by_name = {
            str(o.get("name", "")).lower(): o for o in observed if isinstance(o, Mapping)
        }
        found: list[DiffItem] = []
        for item in desired:
            live = live_by_name.get(str(item["name"]).lower())
            found.extend(compare(item, live, kind, f"{path}[{item['name']}]", ignore))
        return found
    if len(desired) != len(observed):
        return [DiffItem(path, observed, desired)]
    for index, (want, have) in enumerate(zip(desired, observed, strict=True)):
        if compare(want, have, kind, f"{path}.{index}", ignore):
            return [DiffItem(path, observed, desired)]
    return []


def _scalar_equal(desired: Any, observed: Any, kind: ResourceKind, path: str) -> bool:
    if isinstance(desired, str) and isinstance(observed, str):
        if path.lower() == "location":
            return desired.replace(" ", "").lower() == observed.replace(" ", "").lower()
        if looks_like_id(desired) or path in kind.case_insensitive_paths:
            return desired.lower() == observed.lower()
        return desired == observed
    if isinstance(desired, bool) or isinstance(observed, bool):
        return desired is observed
    return desired == observed


def repairs(change: Change, kind: ResourceKind) -> dict[str, str]:
    """Extra SDK arguments the write of ``change`` needs to restore the kind's live state."""
    if kind.repair is None:
        return {}
    triggers = (kind.repair.path, *kind.repair.expects)
    if not any(_under(i.path, t) for i in change.items for t in triggers):
        return {}
    return dict(kind.repair.write_options)


def writable(body: Mapping[str, Any], kind: ResourceKind, creating: bool = False) -> dict[str, Any]:
    """``body`` without the paths the kind's repair only expects (they are compared, never sent),
    and, unless ``creating``, without the kind's create-only request flags. Copies along each
    removed path; ``body`` itself is left as it is."""
    out = dict(body)
    expects = kind.repair.expects if kind.repair is not None else ()
    for path in (*expects, *(() if creating else kind.create_only)):
        *heads, last = path.split(".")
        parent: dict[str, Any] = out
        for part in heads:
            child = parent.get(part)
            if not isinstance(child, Mapping):
                break
            parent[part] = parent = dict(child)
        else:
            parent.pop(last, None)
    return out


def secret_paths(body: Any, path: str = "") -> frozenset[str]:
    """Paths (in ``compare``'s notation) where the desired body holds a secret reference."""
    if isinstance(body, Ref):
        return frozenset({path}) if body.secret else frozenset()
    if isinstance(body, GeneratedSecret):
        return frozenset({path})
    if isinstance(body, Mapping):
        return frozenset(p for k, v in body.items() for p in secret_paths(v, f"{path}.{k}" if path else k))
    if isinstance(body, list):
        named = body and all(isinstance(v, Mapping) and "name" in v for v in body)
        return frozenset(
            p for i, v in enumerate(body)
            for p in secret_paths(v, f"{path}[{v['name']}]" if named else f"{path}.{i}")
        )
    return frozenset()


def is_sensitive(path: str, secrets: frozenset[str]) -> bool:
    """True when ``path`` holds a secret or lies inside or around one."""
    return any(_under(path, s) or _under(s, path) for s in secrets)


def _under(path: str, prefix: str) -> bool:
    path, prefix = path.lower(), prefix.lower()
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")
