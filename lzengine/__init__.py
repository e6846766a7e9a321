"""lzengine: converge secure AI landing zones on Azure.

The library API (see ``lzengine.api``)::

    import lzengine
    plan = lzengine.load_plan("plans/ai-landing-zone.yaml")
    with lzengine.open_target() as target:       # the CLI's rules and environment variables
        zone = lzengine.LandingZone(plan, target, on_progress=print)
        result = zone.apply(prune=True, allow_destructive=False)

Names are loaded on first use, so ``import lzengine`` (and ``lzengine --help``) stays fast.
``__all__`` is the whole public surface; a test pins it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lzengine.api import (
        ApplyResult,
        ConfirmationRefused,
        Event,
        LandingZone,
        LockHeld,
        PlanResult,
        load_plan,
        open_target,
    )
    from lzengine.diff import Action, Change
    from lzengine.drift import DriftedResource, DriftReport
    from lzengine.errors import LzengineError, PlanError, ProviderError, TargetError
    from lzengine.plan.models import Plan
    from lzengine.report import Outcome, Status
    from lzengine.targets import Target
    from lzengine.verify import VerifyCheck, VerifyReport

__all__ = [
    "Action",
    "ApplyResult",
    "Change",
    "ConfirmationRefused",
    "DriftReport",
    "DriftedResource",
    "Event",
    "LandingZone",
    "LockHeld",
    "LzengineError",
    "Outcome",
    "Plan",
    "PlanError",
    "PlanResult",
    "ProviderError",
    "Status",
    "Target",
    "TargetError",
    "VerifyCheck",
    "VerifyReport",
    "load_plan",
    "open_target",
]

_HOME = {
    "Action": "lzengine.diff", "Change": "lzengine.diff",
    "ApplyResult": "lzengine.api", "ConfirmationRefused": "lzengine.api", "Event": "lzengine.api",
    "LandingZone": "lzengine.api", "LockHeld": "lzengine.api", "PlanResult": "lzengine.api",
    "load_plan": "lzengine.api",
    "open_target": "lzengine.api",
    "DriftReport": "lzengine.drift", "DriftedResource": "lzengine.drift",
    "LzengineError": "lzengine.errors", "PlanError": "lzengine.errors", "ProviderError": "lzengine.errors",
    "TargetError": "lzengine.errors",
    "Plan": "lzengine.plan.models",
    "Outcome": "lzengine.report", "Status": "lzengine.report",
    "Target": "lzengine.targets",
    "VerifyCheck": "lzengine.verify", "VerifyReport": "lzengine.verify",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lzengine' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
