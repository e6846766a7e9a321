"""Drift: what differs between the live estate and the plan, as a report (nothing is written).

Who uses it: ``lzengine.api.LandingZone.drift`` (and so ``lzengine drift`` and ``reconcile``).
Drift is the plan path with execution off: the engine observes every resource once and
``lzengine.diff`` decides; this module only reshapes those decisions. A resource that would be
created is ``missing``; one that would be updated or replaced is ``changed``, with one entry per
differing field (``expected`` is the plan's value, ``actual`` the live one). Values at secret
paths are shown as ``(sensitive)``; values known only after an apply as ``(known after apply)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lzengine.diff import Action, Change, is_sensitive
from lzengine.refs import UNKNOWN

SENSITIVE = "(sensitive)"
KNOWN_AFTER_APPLY = "(known after apply)"


@dataclass(frozen=True)
class DriftedField:
    path: str
    expected: Any
    actual: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "expected": self.expected, "actual": self.actual}


@dataclass(frozen=True)
class DriftedResource:
    """One resource whose live state is not what the plan declares."""

    id: str
    address: str
    type: str
    kind: str  # "changed" | "missing"
    diff: tuple[DriftedField, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "address": self.address, "type": self.type, "kind": self.kind,
                "diff": [d.as_dict() for d in self.diff]}


@dataclass(frozen=True)
class DriftReport:
    """Every drifted resource of one check, and how many resources the plan declares."""

    drifted: tuple[DriftedResource, ...]
    resources: int
    target: str = ""

    @property
    def has_drift(self) -> bool:
        return bool(self.drifted)

    def summary(self) -> dict[str, int]:
        missing = sum(1 for d in self.drifted if d.kind == "missing")
        return {"resources": self.resources, "drifted": len(self.drifted), "missing": missing}

    def as_dict(self) -> dict[str, Any]:
        return {"drifted": [d.as_dict() for d in self.drifted], "summary": self.summary()}


def drift_report(changes: list[Change], resources: int, target: str = "") -> DriftReport:
    """The drift the plan's decisions reveal (creates are missing resources, updates and
    replacements changed ones); no-ops are in sync."""
    drifted = []
    for change in changes:
        if change.action is Action.CREATE:
            drifted.append(DriftedResource(change.arm_id, change.address, change.arm_type, "missing"))
        elif change.action in (Action.UPDATE, Action.REPLACE):
            fields = tuple(
                DriftedField(item.path, _shown(item.after, item.path, change), _shown(item.before, item.path, change))
                for item in change.items
            )
            drifted.append(DriftedResource(change.arm_id, change.address, change.arm_type, "changed", fields))
    return DriftReport(tuple(drifted), resources, target)


def _shown(value: Any, path: str, change: Change) -> Any:
    if is_sensitive(path, change.secret_paths):
        return SENSITIVE
    if value is UNKNOWN:
        return KNOWN_AFTER_APPLY
    return value


def render_drift_text(report: DriftReport) -> str:
    """The human report of ``lzengine drift``."""
    lines: list[str] = []
    for item in report.drifted:
        if item.kind == "missing":
            lines.append(f"  missing  {item.address}  ({item.type})")
            continue
        lines.append(f"  changed  {item.address}  ({item.type})")
        for field in item.diff:
            lines.append(f"           {field.path}: expected {field.expected!r}, found {field.actual!r}")
    counts = report.summary()
    if not report.drifted:
        lines.append(f"No drift: all {counts['resources']} resources match the plan.")
    else:
        changed = counts["drifted"] - counts["missing"]
        lines.append(f"Drift: {changed} changed, {counts['missing']} missing of {counts['resources']} resources.")
    return "\n".join(lines)
