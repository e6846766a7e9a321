"""Resource-provider behaviour of the emulator: the ARM state machine without HTTP.

Called by :mod:`lzengine.emulator.app` for every ARM request after authentication, throttling and
fault injection: the generic CRUD of ARM resources (PUT/PATCH/GET/DELETE/list, inline children,
paging) and resource groups. It owns the store lock; long-running operations are
:class:`lzengine.emulator.lro.Operations` (an operation ends ``latency × time_scale`` seconds after
it started and is applied lazily at the start of the next request, so no background thread is
needed), ETags and preconditions :class:`lzengine.emulator.preconditions.ETags`. It answers with
:class:`Reply` objects (status, JSON body, headers) and raises :class:`ArmError`.

Provider specifics that are data live in :mod:`lzengine.emulator.registry`,
:mod:`~lzengine.emulator.locations` and :mod:`~lzengine.emulator.immutables`; those that are code
are reached only through the handler table of :mod:`lzengine.emulator.hooks`, with a per-request
:class:`~lzengine.emulator.context.RequestView`. Azure Policy (:mod:`lzengine.emulator.governance`)
is evaluated on every PUT/PATCH/DELETE before the provider sees the request.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from lzengine.emulator import errors, hooks, immutables, locations, registry
from lzengine.emulator.context import TENANT_ID, RequestView
from lzengine.emulator.errors import ArmError
from lzengine.emulator.governance import Governance
from lzengine.emulator.listfilter import compile_filter
from lzengine.emulator.lro import Clock, Operation, Operations, retry_headers
from lzengine.emulator.paths import ResourcePath, id_key, parse_resource, split, under
from lzengine.emulator.preconditions import BODY_STYLES, ETags
from lzengine.emulator.registry import PutMode, TypeSpec
from lzengine.emulator.store import Resource, Store
from lzengine.emulator.subscriptions import DEFAULT_SUBSCRIPTION_ID, Subscriptions
from lzengine.emulator.today import source as today_source

__all__ = ["DEFAULT_SUBSCRIPTION_ID", "RG_TYPE", "TENANT_ID", "Backend", "Clock", "Operation", "Reply",
           "RequestContext", "retry_headers"]
RG_TYPE = "Microsoft.Resources/resourceGroups"
TERMINAL = {"succeeded", "failed", "canceled"}


@dataclass
class Reply:
    """An HTTP answer: status, JSON-able body (``None`` = empty) and headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes | None = None

    def encode(self) -> bytes:
        """Serialise the body once (call while holding the backend lock: bodies share state)."""
        if self.data is None:
            self.data = b"" if self.body is None else json.dumps(self.body).encode()
        return self.data


@dataclass
class RequestContext:
    """What the backend needs from an HTTP request besides path and body."""

    base_url: str
    api_version: str
    if_match: str | None = None
    if_none_match: str | None = None
    skiptoken: str | None = None
    fail_lro: bool = False
    query: dict[str, str] = field(default_factory=dict)
    path: str = ""


normalize_location = locations.normalize  # the one normaliser; kept under this name for the app


class Backend:
    """The emulated ARM control plane. Every public method takes the lock."""

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
        self.page_size = page_size
        self.lock = threading.RLock()
        self.operations = Operations(self.clock, self.subscription_id, self.time_scale)
        self.etags = ETags(self.store)
        #: directory objects beside managed identities: object id → principal type (app-managed)
        self.directory: dict[str, str] = {}
        self.policy = Governance(self, policy_dirs)
        self._finish_loaded_state()

    def view(self, ctx: RequestContext | None = None) -> RequestView:
        """The narrow context provider handlers get (query and api-version of ``ctx``, if any)."""
        return RequestView(store=self.store, subscription_id=self.subscription_id,
                           subscriptions=self.subscriptions, directory=self.directory,
                           policy=self.policy, renderer=self.render, clock=self.clock,
                           day=self.today, query=dict(ctx.query) if ctx else {},
                           api_version=ctx.api_version if ctx else "")

    # ------------------------------------------------------------------ lifecycle
    def _finish_loaded_state(self) -> None:
        """Complete operations that were in flight when the state file was written."""
        changed = False
        for res in self.store.all():
            if self.store.get(res.key) is None:
                continue
            state = self._state_of(res)
            spec = registry.lookup(res.type)
            if state is None or state.lower() in TERMINAL:
                continue
            if state.lower() == "deleting":
                for key in self.store.keys_under(res.key):
                    self.store.remove(key)
            else:
                self._set_state(res, spec.success_state, spec)
                self.store.put(res)
            changed = True
        if changed:
            self.store.commit()

    def reset(self) -> None:
        with self.lock:
            self.store.clear()
            self.store.commit()
            self.operations.clear()
            self.policy.records.clear()
            self.policy.denials.clear()

    def settle(self) -> None:
        """Apply every operation whose end time has passed."""
        with self.lock:
            changed = False
            for op in self.operations.due():
                self._complete(op)
                changed = True
            if changed:
                self.store.commit()

    def finish_all(self) -> int:
        """Complete every in-flight operation now (admin helper). Returns how many."""
        with self.lock:
            pending = self.operations.drain()
            for op in pending:
                self._complete(op)
            self.store.commit()
            return len(pending)

    # ------------------------------------------------------------------ operations (lro.Operations)
    def _complete(self, op: Operation) -> None:
        """Apply an operation's effect: states settle, a delete removes the tree, a failure marks Failed."""
        if op.fail:
            self.operations.finished(op, "Failed", errors.retryable_error(
                f"Operation {op.id} failed while updating resource {op.target}. The call can be retried."))
            for key in op.members or [op.target]:
                res = self.store.get(key)
                if res is not None and res.op_id == op.id:
                    res.op_id = None
                    self._set_state(res, "Failed", registry.lookup(res.type))
                    self._bump_etag(res)
                    self.store.put(res)
            return
        self.operations.finished(op, "Succeeded")
        if op.kind == "delete":
            res = self.store.get(op.target)
            if res is not None and res.op_id == op.id:
                self._remove_tree(op.target)
            return
        for key in op.members or [op.target]:
            res = self.store.get(key)
            if res is not None and res.op_id == op.id:
                res.op_id = None
                spec = registry.lookup(res.type)
                self._set_state(res, spec.success_state, spec)
                if key == op.target:
                    self._bump_etag(res)
                self.store.put(res)

    def _remaining(self, op: Operation) -> float:
        return self.operations.remaining(op)

    def op_urls(self, op: Operation, base_url: str) -> tuple[str, str]:
        return self.operations.urls(op, base_url)

    def operation_status(self, op_id: str) -> Reply:
        """The ``Azure-AsyncOperation`` resource: always 200 with ``status``."""
        with self.lock:
            op = self.operations.get(op_id)
            if op is None:
                raise errors.operation_not_found(op_id)
            body, headers = self.operations.status_body(op)
            return Reply(200, body, headers)

    def operation_result(self, op_id: str, base_url: str) -> Reply:
        """The ``Location`` resource: 202 while running, then the final answer."""
        with self.lock:
            op = self.operations.get(op_id)
            if op is None:
                raise errors.operation_not_found(op_id)
            if op.status == "InProgress":
                headers = retry_headers(self._remaining(op))
                headers["Location"] = self.op_urls(op, base_url)[1]
                return Reply(202, None, headers)
            if op.status == "Failed":
                err = op.error or {"code": "InternalServerError", "message": "The operation failed."}
                raise ArmError(500, err["code"], err["message"], details=err.get("details"))
            if op.kind == "delete":
                return Reply(204 if not op.is_rg else 200)
            res = self.store.get(op.target)
            if res is None:
                return Reply(204)
            return Reply(200, self.render(res))

    # ------------------------------------------------------------------ helpers
    def _state_of(self, res: Resource) -> str | None:
        props = res.body.get("properties")
        if isinstance(props, dict):
            return props.get("provisioningState")
        return None

    def _set_state(self, res: Resource, state: str, spec: TypeSpec) -> None:
        props = res.body.setdefault("properties", {})
        if not spec.state_field:
            return
        props["provisioningState"] = state
        if spec.extra_status:
            props["status"] = spec.extra_status.get(state.lower(), props.get("status"))
        for rule in props.get("defaultSecurityRules") or ():
            if isinstance(rule, dict) and isinstance(rule.get("properties"), dict):
                rule["properties"]["provisioningState"] = state

    def _bump_etag(self, res: Resource) -> None:
        self.etags.bump(res)

    def etag_of(self, res: Resource) -> str | None:
        return self.etags.of(res)

    def render(self, res: Resource, ctx: RequestContext | None = None) -> dict[str, Any]:
        """The body GET answers: stored body plus inline children and the ETag.

        Shallow copies only: callers serialise the result while holding the lock.
        """
        body = dict(res.body)
        spec = registry.lookup(res.type)
        if isinstance(body.get("properties"), dict):
            body["properties"] = dict(body["properties"])
        if spec.inline:
            props = body.setdefault("properties", {})
            for inline in spec.inline:
                child_type = f"{res.type}/{inline.child}".lower()
                props[inline.prop] = [self.render(c) for c in self.store.children(res.key, child_type)]
        hooks.render(self.view(ctx), res, body)  # ctx: a GET's query ($expand) reaches the hook
        etag = self.etag_of(res)
        if etag and spec.etag in BODY_STYLES:
            body["etag"] = etag
        return body

    def _etag_headers(self, res: Resource, *, write: bool = False) -> dict[str, str]:
        return self.etags.headers(res, write=write)

    def _remove_tree(self, key: str) -> None:
        for k in self.store.keys_under(key):
            removed = self.store.remove(k)
            if removed is not None:
                hooks.on_removed(self.view(), removed)

    def _check_subscription(self, sub: str | None) -> None:
        if sub is not None and sub not in self.subscriptions:
            raise errors.subscription_not_found(sub)

    def _rg_key(self, sub: str, rg: str) -> str:
        return id_key(f"/subscriptions/{sub}/resourceGroups/{rg}")

    def _check_rg(self, sub: str | None, rg: str | None, *, writing: bool) -> None:
        if sub is None or rg is None:
            return
        rg_res = self.store.get(self._rg_key(sub, rg))
        if rg_res is None:
            raise errors.resource_group_not_found(rg)
        if writing and (self._state_of(rg_res) or "").lower() == "deleting":
            raise errors.rg_being_deleted(rg)

    def _check_scope_exists(self, rp: ResourcePath) -> None:
        """An extension resource's scope (a resource id) must exist."""
        scope_segs = split(rp.scope)
        inner = parse_resource(scope_segs)
        if inner is None or inner.is_collection:
            return
        if not self._exists(inner):  # a management group too (the tenant root group is computed)
            raise errors.resource_not_found(inner.full_type, "/".join(inner.names), inner.resource_group)

    def _check_parent(self, rp: ResourcePath) -> None:
        if rp.types and rp.types[0].lower() == "locations":
            return  # location-scoped proxy types (deletedAccounts) have no stored parent
        if len(rp.types) > 1 or (rp.is_collection and len(rp.types) > 1):
            parent = parse_resource(split(rp.parent_id))
            if parent is None or not self._exists(parent):
                ptype = "/".join([rp.namespace, *rp.types[: len(rp.types) - 1]])
                pnames = "/".join(rp.names[: len(rp.types) - 1])
                raise errors.parent_not_found(f"{ptype}/{pnames}")
        else:
            self._check_scope_exists(rp)

    def _exists(self, rp: ResourcePath) -> bool:
        """A stored resource, or one a provider computes (``virtual_get``: the tenant root group)."""
        return self.store.get(id_key(rp.id)) is not None or hooks.virtual_get(self.view(), rp) is not None

    def _lock_key(self, rp: ResourcePath, spec: TypeSpec) -> str:
        if spec.lock == "root":
            return id_key(rp.root_id)
        return id_key(rp.id)

    def _check_busy(self, rp: ResourcePath, spec: TypeSpec, base_url: str) -> None:
        op = self.operations.holding(self._lock_key(rp, spec))
        if op is None:
            return
        raise errors.busy(
            spec.conflict_code, spec.conflict_status, rp.id, self.op_urls(op, base_url)[0],
            self._remaining(op),
        )  # fmt: skip

    def busy_error(self, rp: ResourcePath, base_url: str) -> ArmError:
        """The RP's "busy" error for ``rp`` (used by the ``conflict`` fault)."""
        spec = registry.lookup(rp.full_type)
        return errors.busy(spec.conflict_code, spec.conflict_status, rp.id, None, 0.0)

    def _check_match(self, res: Resource | None, ctx: RequestContext) -> None:
        self.etags.check(res, ctx.if_match, ctx.if_none_match)

    def _check_sent_state(self, body: dict[str, Any], existing: Resource | None) -> None:
        props = body.get("properties")
        if not isinstance(props, dict) or "provisioningState" not in props:
            return
        sent = props.get("provisioningState")
        stored = (self._state_of(existing) if existing else None) or "Succeeded"
        if sent is None or str(sent).lower() == stored.lower():
            return
        raise errors.bad_request(
            "InvalidRequestContent",
            f"The property 'provisioningState' is read-only: the request sets '{sent}' but the "
            f"current value is '{stored}'.",
            target="properties.provisioningState",
        )

    def _check_name(self, rp: ResourcePath) -> None:
        name = rp.name
        if not name or len(name) > 260 or any(c in name for c in '<>%&:\\?/'):
            raise errors.bad_request(
                "InvalidResourceName", f"The resource name '{name}' is invalid.", target=name
            )

    def _check_location(self, body: dict[str, Any], spec: TypeSpec, created: bool,
                        existing: Resource | None) -> str | None:
        loc = body.get("location")
        if loc is None:
            top_level = spec.type.count("/") == 1  # child resources (subnets, routes...) have no location
            if created and top_level and spec.locations and spec.locations != ("global",):
                raise errors.bad_request(
                    "LocationRequired", "The location property is required for this definition."
                )
            return None
        if not isinstance(loc, str):
            raise errors.bad_request("InvalidRequestContent", "The location must be a string.")
        norm = normalize_location(loc)
        if spec.locations and norm not in spec.locations:
            raise errors.location_not_available(loc, spec.type, list(spec.locations))
        if existing is not None:
            old = existing.body.get("location")
            if isinstance(old, str) and normalize_location(old) != norm:
                if spec.type == RG_TYPE:
                    raise errors.rg_location_changed(existing.body.get("name", ""), old, loc)
                raise errors.location_changed(existing.body.get("name", ""), old, loc,
                                              existing.id.split("/")[4] if existing.id.count("/") > 4 else "")
        return norm if spec.normalize_location else loc

    def _op_location(self, rp: ResourcePath, body: dict[str, Any]) -> str:
        loc = body.get("location")
        if not isinstance(loc, str):
            root = self.store.get(id_key(rp.root_id))
            loc = root.body.get("location") if root is not None else None
        return normalize_location(loc) if isinstance(loc, str) else "global"

    def _registrations_key(self, subscription: str | None) -> str:
        """Provider registrations are per subscription; the default one keeps the original meta key."""
        sub = (subscription or self.subscription_id).lower()
        return "registrations" if sub == self.subscription_id.lower() else f"registrations:{sub}"

    def registration_state(self, namespace: str, subscription: str | None = None) -> str:
        regs = self.store.meta(self._registrations_key(subscription), {})
        return regs.get(namespace.lower(), "Registered")

    def set_registration(self, namespace: str, state: str, subscription: str | None = None) -> None:
        with self.lock:
            key = self._registrations_key(subscription)
            regs = dict(self.store.meta(key, {}))
            regs[namespace.lower()] = state
            self.store.set_meta(key, regs)
            self.store.commit()

    # ------------------------------------------------------------------ resources
    def put(self, rp: ResourcePath, body: dict[str, Any], ctx: RequestContext) -> Reply:
        spec = registry.lookup(rp.full_type)
        with self.lock:
            view = self.view(ctx)
            self._check_subscription(rp.subscription)
            self._check_rg(rp.subscription, rp.resource_group, writing=True)
            self._check_name(rp)
            if rp.subscription and self.registration_state(rp.namespace, rp.subscription) != "Registered":
                raise errors.missing_registration(rp.namespace)
            body, decision = self.policy.before_write(rp.id, rp.name, spec.type, body, "PUT", ctx.api_version)
            self._check_parent(rp)
            key = id_key(rp.id)
            existing = self.store.get(key)
            self._check_busy(rp, spec, ctx.base_url)
            self._check_match(existing, ctx)
            self._check_sent_state(body, existing)
            created = existing is None
            location = self._check_location(body, spec, created, existing)
            if existing is not None:
                immutables.check(spec.lower, rp.name, existing.body, body)
            hooks.validate_put(view, rp, spec.lower, body, existing)
            self._validate_inline(rp, spec, body, existing, ctx)
            mode: PutMode = spec.create if created else spec.update
            status = mode.status

            op: Operation | None = None
            if mode.transient is not None:
                seconds = spec.latency[0 if created else 1]
                op = self.operations.start(
                    "put", rp.namespace, self._op_location(rp, body), key, self._lock_key(rp, spec),
                    seconds, ctx.api_version, fail=ctx.fail_lro, subscription=rp.subscription,
                )  # fmt: skip
            state = mode.transient if mode.transient is not None else spec.success_state

            res = self._compose(rp, spec, body, existing, location)
            res.op_id = op.id if op else None
            self._set_state(res, state, spec)
            if op:
                op.members.append(key)
            self._apply_inline(res, spec, body, existing, ctx, op, state)
            hooks.after_put(view, rp, spec.lower, res, existing, op, state)
            self._bump_etag(res)
            self.store.put(res)
            self.store.commit()
            self.policy.after_write(rp.id, spec.type, ctx.api_version, decision)

            headers = self._etag_headers(res, write=True)
            if op is not None:
                aao, loc = self.op_urls(op, ctx.base_url)
                if mode.async_header:
                    headers["Azure-AsyncOperation"] = aao
                if mode.location_header:
                    headers["Location"] = loc
                headers.update(retry_headers(self._remaining(op)))
            return Reply(status, self.render(res) if mode.body else None, headers)

    def _compose(self, rp: ResourcePath, spec: TypeSpec, body: dict[str, Any],
                 existing: Resource | None, location: str | None) -> Resource:
        out: dict[str, Any] = {"id": rp.id, "name": rp.name, "type": spec.type}
        for k, v in body.items():
            if k.lower() in ("id", "name", "type", "etag"):
                continue
            out[k] = v  # request bodies are freshly parsed: owned, no copy needed
        if location is not None:
            out["location"] = location
        props = out.get("properties")
        out["properties"] = dict(props) if isinstance(props, dict) else {}
        out["properties"].pop("provisioningState", None)
        for inline in spec.inline:
            out["properties"].pop(inline.prop, None)
        hooks.compose_identity(self.view(), out, existing)
        res = Resource(id=rp.id, type=spec.type, body=out, root_key=id_key(rp.root_id))
        if existing is not None:
            res.etag = existing.etag
            res.extra = dict(existing.extra)
        return res

    def _inline_items(self, parent_id: str, inline: Any,
                      body: dict[str, Any]) -> list[tuple[ResourcePath, dict[str, Any]]] | None:
        """The children a PUT body lists inline (``None``: the property is absent)."""
        props = body.get("properties") if isinstance(body.get("properties"), dict) else {}
        if inline.prop not in props or props[inline.prop] is None:
            return None
        wanted = props[inline.prop]
        if not isinstance(wanted, list):
            raise errors.bad_request("InvalidRequestFormat", f"properties.{inline.prop} must be an array.")
        out = []
        for item in wanted:
            if not isinstance(item, dict) or not item.get("name"):
                raise errors.bad_request(
                    "InvalidRequestFormat", f"Every element of properties.{inline.prop} needs a name.")
            child_rp = parse_resource(split(f"{parent_id}/{inline.child}/{item['name']}"))
            assert child_rp is not None
            out.append((child_rp, item))
        return out

    def _keeps_omitted(self, inline: Any, ctx: RequestContext) -> bool:
        return inline.preserve_since is not None and (
            inline.preserve_since == "" or registry.api_version_at_least(ctx.api_version, inline.preserve_since))

    def _validate_inline(self, rp: ResourcePath, spec: TypeSpec, body: dict[str, Any], existing: Resource | None,
                         ctx: RequestContext) -> None:
        """Check inline children and the removals a PUT implies before anything is written."""
        for inline in spec.inline:
            child_spec = registry.lookup(f"{spec.type}/{inline.child}")
            current = self.store.children(id_key(rp.id), child_spec.type.lower()) if existing else []
            items = self._inline_items(rp.id, inline, body)
            if items is None:
                if not self._keeps_omitted(inline, ctx):
                    for child in current:
                        hooks.check_removal(self.view(ctx), child)
                continue
            keep = set()
            for child_rp, item in items:
                ckey = id_key(child_rp.id)
                keep.add(ckey)
                hooks.validate_put(self.view(ctx), child_rp, child_spec.lower, item, self.store.get(ckey),
                                   parent_body=body)
            for child in current:
                if child.key not in keep:
                    hooks.check_removal(self.view(ctx), child)

    def _apply_inline(self, res: Resource, spec: TypeSpec, body: dict[str, Any],
                      existing: Resource | None, ctx: RequestContext, op: Operation | None,
                      state: str) -> None:
        for inline in spec.inline:
            child_spec = registry.lookup(f"{spec.type}/{inline.child}")
            current = {c.key: c for c in self.store.children(res.key, child_spec.type.lower())}
            items = self._inline_items(res.id, inline, body)
            if items is None:
                if not self._keeps_omitted(inline, ctx):
                    for key in current:
                        self._remove_tree(key)
                continue
            keep: set[str] = set()
            for child_rp, item in items:
                ckey = id_key(child_rp.id)
                keep.add(ckey)
                old = self.store.get(ckey)
                child = self._compose(child_rp, child_spec, item, old, None)
                child.body.pop("location", None)
                self._set_state(child, state, child_spec)
                if op is not None:
                    child.op_id = op.id
                    op.members.append(ckey)
                hooks.after_put(self.view(ctx), child_rp, child_spec.lower, child, old, op, state)
                self.store.put(child)
            for key in current:
                if key not in keep:
                    self._remove_tree(key)

    def get(self, rp: ResourcePath, ctx: RequestContext) -> Reply:
        with self.lock:
            self._check_scopes(rp)
            res = self.store.get(id_key(rp.id))
            if res is None:
                virtual = hooks.virtual_get(self.view(ctx), rp)
                if virtual is not None:
                    return Reply(200, virtual)
                raise self._not_found(rp)
            headers = self._etag_headers(res)
            if res.op_id:
                op = self.operations.get(res.op_id)
                if op is not None and op.status == "InProgress":
                    headers.update(retry_headers(self._remaining(op)))
            return Reply(200, self.render(res, ctx), headers)

    def _check_scopes(self, rp: ResourcePath) -> None:
        self._check_subscription(rp.subscription)
        self._check_rg(rp.subscription, rp.resource_group, writing=False)
        self._check_parent(rp)

    def _not_found(self, rp: ResourcePath) -> ArmError:
        return hooks.not_found(self.view(), rp) or errors.resource_not_found(
            rp.full_type, "/".join(rp.names), rp.resource_group)

    def _find(self, rp: ResourcePath) -> Resource:
        self._check_scopes(rp)
        res = self.store.get(id_key(rp.id))
        if res is None:
            raise self._not_found(rp)
        return res

    def patch(self, rp: ResourcePath, patch: dict[str, Any], ctx: RequestContext) -> Reply:
        spec = registry.lookup(rp.full_type)
        with self.lock:
            res = self._find(rp)
            self._check_rg(rp.subscription, rp.resource_group, writing=True)
            self._check_busy(rp, spec, ctx.base_url)
            self._check_match(res, ctx)
            if isinstance(patch.get("location"), str) and isinstance(res.body.get("location"), str):
                if normalize_location(patch["location"]) != normalize_location(res.body["location"]):
                    raise errors.location_changed(rp.name, res.body["location"], patch["location"],
                                                  rp.resource_group or "")
            body = copy.deepcopy(res.body)
            for k, v in patch.items():
                if k.lower() in ("id", "name", "type", "location", "etag"):
                    continue
                if k == "tags":
                    body["tags"] = copy.deepcopy(v) if v is not None else {}
                else:
                    body[k] = merge_patch(body.get(k), v)
            immutables.check(spec.lower, rp.name, res.body, body)
            tags_only = bool(patch) and all(k.lower() == "tags" for k in patch)
            body, decision = self.policy.before_write(rp.id, rp.name, spec.type, body, "PATCH", ctx.api_version,
                                                      tags_only=tags_only)
            body.update({"id": res.body["id"], "name": res.body["name"], "type": res.body["type"]})
            props = body.get("properties")
            if isinstance(props, dict) and spec.state_field:
                props["provisioningState"] = self._state_of(res) or spec.success_state
            res.body = body
            self._bump_etag(res)
            self.store.put(res)
            self.store.commit()
            self.policy.after_write(rp.id, spec.type, ctx.api_version, decision)
            return Reply(200, self.render(res), self._etag_headers(res, write=True))

    def delete(self, rp: ResourcePath, ctx: RequestContext) -> Reply:
        spec = registry.lookup(rp.full_type)
        with self.lock:
            self._check_subscription(rp.subscription)
            self._check_rg(rp.subscription, rp.resource_group, writing=False)
            key = id_key(rp.id)
            res = self.store.get(key)
            if res is None:
                return Reply(spec.delete.absent_status)
            self.policy.before_delete(res, ctx.api_version)
            self._check_busy(rp, spec, ctx.base_url)
            self._check_match(res, ctx)
            hooks.validate_delete(self.view(ctx), res)
            mode = spec.delete
            if mode.transient is None:
                rendered = self.render(res) if mode.body else None
                self._remove_tree(key)
                self.store.commit()
                return Reply(mode.status, rendered)
            op = self.operations.start(
                "delete", rp.namespace, self._op_location(rp, res.body), key,
                self._lock_key(rp, spec), spec.latency[2], ctx.api_version, fail=ctx.fail_lro,
                subscription=rp.subscription,
            )  # fmt: skip
            op.members.append(key)
            res.op_id = op.id
            self._set_state(res, mode.transient, spec)
            self.store.put(res)
            self.store.commit()
            aao, loc = self.op_urls(op, ctx.base_url)
            headers = retry_headers(self._remaining(op))
            if mode.async_header:
                headers["Azure-AsyncOperation"] = aao
            if mode.location_header:
                headers["Location"] = loc
            return Reply(mode.status, None, headers)

    def list(self, rp: ResourcePath, ctx: RequestContext) -> Reply:
        with self.lock:
            self._check_subscription(rp.subscription)
            self._check_rg(rp.subscription, rp.resource_group, writing=False)
            self._check_parent(rp)
            virtual = hooks.virtual_list(self.view(ctx), rp)
            if virtual is not None:
                return self._page(virtual, ctx)
            prefix = id_key(rp.parent_id)
            type_lower = rp.full_type.lower()
            if len(rp.types) > 1:
                found = self.store.children(prefix, type_lower)
            else:
                found = self.store.of_type(type_lower, prefix)
            items = [self.render(r) for r in found]
            return self._page(items, ctx)

    def _page(self, items: list[dict[str, Any]], ctx: RequestContext, path: str = "") -> Reply:
        try:
            start = int(ctx.skiptoken or 0)
        except ValueError:
            start = 0
        path = path or ctx.path
        end = start + self.page_size
        body: dict[str, Any] = {"value": items[start:end]}
        if end < len(items):
            extra = "".join(
                f"&{quote(k)}={quote(v)}" for k, v in ctx.query.items()
                if k.lower() not in ("api-version", "$skiptoken")
            )  # fmt: skip
            body["nextLink"] = (
                f"{ctx.base_url}{path}?api-version={quote(ctx.api_version)}{extra}&$skiptoken={end}"
            )
        return Reply(200, body)

    def list_page(self, items: list[dict[str, Any]], ctx: RequestContext, path: str) -> Reply:
        return self._page(items, ctx, path)

    def generic_list(self, sub: str, rg: str | None, ctx: RequestContext, path: str) -> Reply:
        """``/resources`` listings: top-level resources only, in the generic resource shape."""
        with self.lock:
            self._check_subscription(sub)
            self._check_rg(sub, rg, writing=False)
            prefix = id_key(f"/subscriptions/{sub}" + (f"/resourceGroups/{rg}" if rg else ""))
            items = []
            for res in self.store.all():
                if res.type == RG_TYPE or not under(res.key, prefix):
                    continue
                rp = parse_resource(split(res.id))
                if rp is None or rp.is_child or rp.resource_group is None:
                    continue
                if not registry.lookup(res.type).listed:
                    continue
                if parse_resource(split(rp.scope)) is not None:
                    continue  # extension resource
                item = {k: res.body[k] for k in ("id", "name", "type", "location", "tags", "kind",
                                                   "sku", "identity", "managedBy", "zones")
                        if k in res.body}  # fmt: skip
                items.append(item)
            keep = compile_filter(ctx.query.get("$filter"))
            return self._page([i for i in items if keep(i)], ctx, path)

    # ------------------------------------------------------------------ resource groups
    def rg_id(self, sub: str, rg: str) -> str:
        return f"/subscriptions/{sub}/resourceGroups/{rg}"

    def put_rg(self, sub: str, rg: str, body: dict[str, Any], ctx: RequestContext) -> Reply:
        spec = registry.lookup(RG_TYPE)
        with self.lock:
            self._check_subscription(sub)
            if not _valid_rg_name(rg):
                raise errors.bad_request(
                    "InvalidResourceGroupName",
                    f"The provided resource group name '{rg}' has these invalid characters or is "
                    "too long: the name may have up to 90 letters, digits, '-', '_', '(', ')' "
                    "and '.', and must not end with '.'.",
                    target=rg,
                )
            key = self._rg_key(sub, rg)
            existing = self.store.get(key)
            if existing is not None and (self._state_of(existing) or "").lower() == "deleting":
                raise errors.rg_being_deleted(rg)
            self._check_match(existing, ctx)
            body, decision = self.policy.before_write(self.rg_id(sub, rg), rg, RG_TYPE, body, "PUT", ctx.api_version)
            location = self._check_location(body, spec, existing is None, existing)
            out: dict[str, Any] = {"id": self.rg_id(sub, rg), "name": rg, "type": RG_TYPE}
            out["location"] = location
            for k in ("tags", "managedBy"):
                if k in body:
                    out[k] = copy.deepcopy(body[k])
            out["properties"] = {"provisioningState": "Succeeded"}
            res = Resource(id=out["id"], type=RG_TYPE, body=out, root_key=key)
            self.store.put(res)
            self.store.commit()
            self.policy.after_write(res.id, RG_TYPE, ctx.api_version, decision)
            return Reply(201 if existing is None else 200, self.render(res))

    def get_rg(self, sub: str, rg: str) -> Reply:
        with self.lock:
            self._check_subscription(sub)
            res = self.store.get(self._rg_key(sub, rg))
            if res is None:
                raise errors.resource_group_not_found(rg)
            return Reply(200, self.render(res))

    def patch_rg(self, sub: str, rg: str, patch: dict[str, Any], api_version: str = "2025-04-01") -> Reply:
        with self.lock:
            self._check_subscription(sub)
            res = self.store.get(self._rg_key(sub, rg))
            if res is None:
                raise errors.resource_group_not_found(rg)
            body = copy.deepcopy(res.body)
            if "tags" in patch:
                body["tags"] = copy.deepcopy(patch["tags"]) or {}
            if "managedBy" in patch:
                body["managedBy"] = patch["managedBy"]
            body, decision = self.policy.before_write(
                res.id, rg, RG_TYPE, body, "PATCH", api_version, tags_only=set(patch) <= {"tags"})
            body.update({"id": res.body["id"], "name": res.body["name"], "type": RG_TYPE})
            res.body = body
            self.store.put(res)
            self.store.commit()
            self.policy.after_write(res.id, RG_TYPE, api_version, decision)
            return Reply(200, self.render(res))

    def delete_rg(self, sub: str, rg: str, ctx: RequestContext) -> Reply:
        spec = registry.lookup(RG_TYPE)
        with self.lock:
            self._check_subscription(sub)
            key = self._rg_key(sub, rg)
            res = self.store.get(key)
            if res is None:
                raise errors.resource_group_not_found(rg)
            if res.op_id and res.op_id in self.operations.ops and self.operations.ops[res.op_id].status == "InProgress":
                op = self.operations.ops[res.op_id]
            else:
                op = self.operations.start(
                    "delete", "Microsoft.Resources", "global", key, key, spec.latency[2],
                    ctx.api_version, fail=ctx.fail_lro, is_rg=True, subscription=sub,
                )  # fmt: skip
                op.members.append(key)
                res.op_id = op.id
                res.body["properties"]["provisioningState"] = "Deleting"
                self.store.put(res)
                self.store.commit()
            headers = retry_headers(self._remaining(op))
            headers["Location"] = self.op_urls(op, ctx.base_url)[1]
            return Reply(202, None, headers)

    def list_rgs(self, sub: str, ctx: RequestContext, path: str) -> Reply:
        with self.lock:
            self._check_subscription(sub)
            items = [self.render(r) for r in self.store.of_type(RG_TYPE.lower(), f"/subscriptions/{sub}".lower())]
            keep = compile_filter(ctx.query.get("$filter"))
            return self._page([i for i in items if keep(i)], ctx, path)

    # ------------------------------------------------------------------ admin views
    def dump(self) -> list[dict[str, Any]]:
        with self.lock:
            return [{"id": r.id, "type": r.type, "body": self.render(r)} for r in self.store.all()]


def _valid_rg_name(name: str) -> bool:
    if not name or len(name) > 90 or name.endswith("."):
        return False
    return all(c.isalnum() or c in "-_()." for c in name)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge recursively, ``null`` deletes, the rest replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            result.pop(k, None)
        else:
            result[k] = merge_patch(result.get(k), v)
    return result
