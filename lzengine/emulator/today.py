"""The emulator's calendar day: what "today" is when it decides a model version's lifecycle.

Who uses it: :class:`lzengine.emulator.server.Emulator` resolves its ``today`` option here, and
:mod:`lzengine.emulator.rp_cognitive` asks the request context for the day when it serves the
regional model catalogue or checks a deployment PUT against it.

The default is the real UTC date, read at each call. A fixed day makes every lifecycle answer
reproducible: the ``today`` argument (``emulator serve --today YYYY-MM-DD``), else the environment
variable ``LZENGINE_EMULATOR_TODAY``, which every emulator of the process honours (the in-process
``--target local`` one and ``emulator serve`` alike, and subprocesses inherit it). Only the
calendar day is pinned; operation latencies keep their own monotonic clock.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

ENV = "LZENGINE_EMULATOR_TODAY"


def parse(value: str | date) -> date:
    """A ``YYYY-MM-DD`` day; ``ValueError`` naming the expected form otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"today must be a date like 2026-06-01, not {value!r}") from None


def source(today: str | date | None = None, env: Mapping[str, str] | None = None) -> Callable[[], date]:
    """The day source of one emulator: ``today`` if given, else ``LZENGINE_EMULATOR_TODAY``, else
    the real UTC date (read on every call, so a long-running emulator follows the calendar)."""
    env = os.environ if env is None else env
    chosen = today if today is not None else (env.get(ENV) or None)
    if chosen is None:
        return lambda: datetime.now(UTC).date()
    fixed = parse(chosen)
    return lambda: fixed
