"""The narrow view of the emulator that provider handlers get, and the tenant constant.

Provider modules (``rp_*.py``, :mod:`lzengine.emulator.governance`) are called by
:mod:`lzengine.emulator.hooks` with a :class:`ProviderContext`: the store, the subscription (and
every subscription served), the directory of principals, the policy engine, a ``render``
function, the clock, the calendar day, and the query and api-version of the request being
served. The backend builds one view per request (:class:`RequestView`), so per-request state
never travels on a shared attribute. Nothing here
imports the backend: this module is a leaf of the emulator's import graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from lzengine.emulator.store import Resource, Store
from lzengine.emulator.today import source as today_source

TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de"


class ProviderContext(Protocol):
    """What a provider handler may use."""

    store: Store
    subscription_id: str
    #: every subscription the emulator serves (``lzengine.emulator.subscriptions.Subscriptions``)
    subscriptions: Any
    directory: dict[str, str]
    policy: Any
    query: dict[str, str]
    api_version: str

    def render(self, res: Resource) -> dict[str, Any]: ...

    def now(self) -> float: ...

    def today(self) -> date: ...


@dataclass
class RequestView:
    """A :class:`ProviderContext` for one request (built by the backend)."""

    store: Store
    subscription_id: str
    directory: dict[str, str]
    policy: Any
    renderer: Callable[[Resource], dict[str, Any]]
    clock: Callable[[], float]
    day: Callable[[], date] = field(default_factory=today_source)
    query: dict[str, str] = field(default_factory=dict)
    api_version: str = ""
    subscriptions: Any = None
    #: the Activity Log (``lzengine.emulator.rp_activitylog.ActivityLog``), for its list handler
    activity: Any = None

    def render(self, res: Resource) -> dict[str, Any]:
        return self.renderer(res)

    def now(self) -> float:
        return self.clock()

    def today(self) -> date:
        """The calendar day model lifecycles are decided on (pinnable, see ``emulator.today``)."""
        return self.day()
