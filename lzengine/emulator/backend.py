"""The emulated ARM control plane without HTTP: a thin composition of the store, the lock, the
operations, ETags, Azure Policy, provider registrations and the CRUD.

Built by :class:`lzengine.emulator.server.Emulator` and used by :mod:`lzengine.emulator.app` (every
ARM request, after authentication, throttling and fault injection) and :mod:`lzengine.emulator.admin`.
It owns the one lock every request holds; the parts are modules of their own:
:class:`~lzengine.emulator.crud.Crud` (resources and resource groups),
:class:`~lzengine.emulator.lro.Operations` (an operation ends ``latency × time_scale`` seconds after
it started and is applied lazily at the start of the next request, so no background thread is
needed), :class:`~lzengine.emulator.preconditions.ETags`,
:class:`~lzengine.emulator.registrations.Registrations` and
:class:`~lzengine.emulator.governance.Governance`. Provider handlers see none of these: they get a
per-request :class:`~lzengine.emulator.context.RequestView` (:meth:`Backend.view`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from lzengine.emulator import hooks, locations, registry
from lzengine.emulator.context import TENANT_ID, RequestView
from lzengine.emulator.crud import Crud, Reply, RequestContext, merge_patch
from lzengine.emulator.governance import Governance
from lzengine.emulator.lro import Clock, Operation, Operations, retry_headers
from lzengine.emulator.paths import ResourcePath
from lzengine.emulator.preconditions import ETags
from lzengine.emulator.registrations import Registrations
from lzengine.emulator.rp_activitylog import ActivityLog
from lzengine.emulator.store import Resource, Store
from lzengine.emulator.subscriptions import DEFAULT_SUBSCRIPTION_ID, Subscriptions
from lzengine.emulator.today import source as today_source
from lzengine.emulator.typespec import TypeSpec

__all__ = ["DEFAULT_SUBSCRIPTION_ID", "TENANT_ID", "Backend", "Clock", "Operation", "Reply", "RequestContext",
           "merge_patch", "retry_headers"]

normalize_location = locations.normalize  # the one normaliser; kept under this name for the app


class PolicyView:
    """The :class:`~lzengine.emulator.governance.PolicyHost` the backend gives Azure Policy: the store,
    the subscription, rendering, registry rows and the handlers' computed collections, never the backend."""

    def __init__(self, backend: Backend) -> None:
        self.store = backend.store
        self.subscription_id = backend.subscription_id
        self.subscriptions = backend.subscriptions
        self._backend = backend

    def render(self, res: Resource) -> dict[str, Any]:
        return self._backend.render(res)

    def spec(self, type_name: str) -> TypeSpec:
        return registry.lookup(type_name)

    def virtual_list(self, rp: ResourcePath) -> list[dict[str, Any]] | None:
        return hooks.virtual_list(self._backend.view(), rp)


class Backend:
    """The emulated ARM control plane. Callers hold :attr:`lock` around every use of :attr:`crud`."""

    def __init__(
        self,
        *,
        subscription_id: str = DEFAULT_SUBSCRIPTION_ID,
        subscriptions: list[str] | None = None,
        time_scale: float = 1.0,
        clock: Clock | None = None,
        store: Store | None = None,
        page_size: int = 100,
        policy_dirs: list[str] | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        #: every subscription served; the first is the default (``subscription_id``)
        self.subscriptions = Subscriptions(subscriptions or [subscription_id])
        self.subscription_id = self.subscriptions.default
        #: the calendar day model lifecycles are decided on (``lzengine.emulator.today``)
        self.today = today or today_source()
        self.time_scale = max(0.0, float(time_scale))
        self.clock = clock or Clock()
        self.store = store if store is not None else Store()
        self.lock = threading.RLock()
        self.operations = Operations(self.clock, self.subscription_id, self.time_scale)
        self.etags = ETags(self.store)
        self.registrations = Registrations(self.store, self.subscription_id)
        #: directory objects beside managed identities: object id → principal type (app-managed)
        self.directory: dict[str, str] = {}
        #: every write, delete and action ARM handled (``app`` records them), for the Activity Log
        self.activity = ActivityLog(self.clock, self.time_scale)
        self.policy = Governance(PolicyView(self), policy_dirs)
        self.crud = Crud(subscriptions=self.subscriptions, store=self.store, operations=self.operations,
                         etags=self.etags, policy=self.policy, registrations=self.registrations,
                         page_size=page_size, view=self.view)
        self.crud.finish_loaded_state()

    def view(self, ctx: RequestContext | None = None) -> RequestView:
        """The narrow context provider handlers get (query and api-version of ``ctx``, if any)."""
        return RequestView(store=self.store, subscription_id=self.subscription_id,
                           subscriptions=self.subscriptions, directory=self.directory,
                           policy=self.policy, renderer=self.render, clock=self.clock,
                           day=self.today, query=dict(ctx.query) if ctx else {},
                           api_version=ctx.api_version if ctx else "", activity=self.activity)

    def render(self, res: Resource, ctx: RequestContext | None = None) -> dict[str, Any]:
        """The body GET answers for a stored resource (``ctx``: a GET's query, ``$expand``, reaches the hooks)."""
        return self.crud.render(res, ctx)

    def reset(self) -> None:
        with self.lock:
            self.store.clear()
            self.store.commit()
            self.operations.clear()
            self.policy.records.clear()
            self.policy.denials.clear()
            self.activity.events.clear()

    def settle(self) -> None:
        """Apply every operation whose end time has passed."""
        with self.lock:
            changed = False
            for op in self.operations.due():
                self.crud.complete(op)
                changed = True
            if changed:
                self.store.commit()

    def finish_all(self) -> int:
        """Complete every in-flight operation now (admin helper). Returns how many."""
        with self.lock:
            pending = self.operations.drain()
            for op in pending:
                self.crud.complete(op)
            self.store.commit()
            return len(pending)

    def dump(self) -> list[dict[str, Any]]:
        with self.lock:
            return [{"id": r.id, "type": r.type, "body": self.render(r)} for r in self.store.all()]
