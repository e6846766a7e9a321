"""The generic CRUD of ARM resources: PUT/PATCH/GET/DELETE/list, inline children, paging, and the
effect of a finished operation.

Called by :mod:`lzengine.emulator.app` (through :class:`lzengine.emulator.backend.Backend`, which
owns the lock and composes this with the operations, ETags, policy and registrations) for every
ARM resource request, resource groups included (:func:`lzengine.emulator.paths.resource_group_path`).
What a type does differently is data in its registry row (:mod:`lzengine.emulator.registry`) or code
in its handler, reached only through :mod:`lzengine.emulator.hooks`; nothing here compares type
strings. Azure Policy is evaluated on every PUT/PATCH/DELETE before the provider sees the request.
Answers are :class:`Reply` objects (status, JSON body, headers); refusals raise :class:`ArmError`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from lzengine.emulator import errors, hooks, immutables, locations, registry
from lzengine.emulator.context import RequestView
from lzengine.emulator.errors import ArmError
from lzengine.emulator.listfilter import compile_filter
from lzengine.emulator.lro import Operation, Operations, retry_headers
from lzengine.emulator.paths import ResourcePath, id_key, parse_resource, split, under
from lzengine.emulator.preconditions import BODY_STYLES, ETags
from lzengine.emulator.registrations import Registrations
from lzengine.emulator.store import Resource, Store
from lzengine.emulator.subscriptions import Subscriptions
from lzengine.emulator.typespec import PutMode, TypeSpec

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
    """What the CRUD needs from an HTTP request besides path and body."""

    base_url: str
    api_version: str
    if_match: str | None = None
    if_none_match: str | None = None
    skiptoken: str | None = None
    fail_lro: bool = False
    query: dict[str, str] = field(default_factory=dict)
    path: str = ""


def state_of(res: Resource) -> str | None:
    props = res.body.get("properties")
    if isinstance(props, dict):
        return props.get("provisioningState")
    return None


def set_state(res: Resource, state: str, spec: TypeSpec) -> None:
    props = res.body.setdefault("properties", {})
    if not spec.state_field:
        return
    props["provisioningState"] = state
    if spec.extra_status:
        props["status"] = spec.extra_status.get(state.lower(), props.get("status"))
    for rule in props.get("defaultSecurityRules") or ():
        if isinstance(rule, dict) and isinstance(rule.get("properties"), dict):
            rule["properties"]["provisioningState"] = state


class Crud:
    """Resource CRUD over one store. Callers hold the backend lock."""

    def __init__(self, *, subscriptions: Subscriptions, store: Store, operations: Operations, etags: ETags,
                 policy: Any, registrations: Registrations, page_size: int,
                 view: Callable[[RequestContext | None], RequestView]) -> None:
        self.subscriptions = subscriptions
        self.store = store
        self.operations = operations
        self.etags = etags
        self.policy = policy
        self.registrations = registrations
        self.page_size = page_size
        self.view = view

    # ------------------------------------------------------------------ operations
    def finish_loaded_state(self) -> None:
        """Complete operations that were in flight when the state file was written."""
        changed = False
        for res in self.store.all():
            if self.store.get(res.key) is None:
                continue
            state = state_of(res)
            spec = registry.lookup(res.type)
            if state is None or state.lower() in TERMINAL:
                continue
            if state.lower() == "deleting":
                for key in self.store.keys_under(res.key):
                    self.store.remove(key)
            else:
                set_state(res, spec.success_state, spec)
                self.store.put(res)
            changed = True
        if changed:
            self.store.commit()

    def complete(self, op: Operation) -> None:
        """Apply an operation's effect: states settle, a delete removes the tree, a failure marks Failed."""
        if op.fail:
            self.operations.finished(op, "Failed", errors.retryable_error(
                f"Operation {op.id} failed while updating resource {op.target}. The call can be retried."))
            for key in op.members or [op.target]:
                res = self.store.get(key)
                if res is not None and res.op_id == op.id:
                    res.op_id = None
                    set_state(res, "Failed", registry.lookup(res.type))
                    self.etags.bump(res)
                    self.store.put(res)
            return
        self.operations.finished(op, "Succeeded")
        if op.kind == "delete":
            res = self.store.get(op.target)
            if res is not None and res.op_id == op.id:
                self.remove_tree(op.target)
            return
        for key in op.members or [op.target]:
            res = self.store.get(key)
            if res is not None and res.op_id == op.id:
                res.op_id = None
                spec = registry.lookup(res.type)
                set_state(res, spec.success_state, spec)
                if key == op.target:
                    self.etags.bump(res)
                self.store.put(res)

    def operation_status(self, op_id: str) -> Reply:
        """The ``Azure-AsyncOperation`` resource: always 200 with ``status``."""
        op = self.operations.get(op_id)
        if op is None:
            raise errors.operation_not_found(op_id)
        body, headers = self.operations.status_body(op)
        return Reply(200, body, headers)

    def operation_result(self, op_id: str, base_url: str) -> Reply:
        """The ``Location`` resource: 202 while running, then the final answer."""
        op = self.operations.get(op_id)
        if op is None:
            raise errors.operation_not_found(op_id)
        if op.status == "InProgress":
            headers = retry_headers(self.operations.remaining(op))
            headers["Location"] = self.operations.urls(op, base_url)[1]
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

    # ------------------------------------------------------------------ rendering
    def render(self, res: Resource, ctx: RequestContext | None = None) -> dict[str, Any]:
        """The body GET answers: stored body plus inline children and the ETag (``ctx``: a GET's query,
        ``$expand``, reaches the render hooks).

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
        hooks.render(self.view(ctx), res, body)
        etag = self.etags.of(res)
        if etag and spec.etag in BODY_STYLES:
            body["etag"] = etag
        return body

    def remove_tree(self, key: str) -> None:
        for k in self.store.keys_under(key):
            removed = self.store.remove(k)
            if removed is not None:
                hooks.on_removed(self.view(None), removed)

    # ------------------------------------------------------------------ checks
    def check_subscription(self, sub: str | None) -> None:
        if sub is not None and sub not in self.subscriptions:
            raise errors.subscription_not_found(sub)

    def _check_rg(self, sub: str | None, rg: str | None, *, writing: bool) -> None:
        if sub is None or rg is None:
            return
        rg_res = self.store.get(id_key(f"/subscriptions/{sub}/resourceGroups/{rg}"))
        if rg_res is None:
            raise errors.resource_group_not_found(rg)
        if writing and (state_of(rg_res) or "").lower() == "deleting":
            raise errors.rg_being_deleted(rg)

    def _check_scope_exists(self, rp: ResourcePath) -> None:
        """An extension resource's scope (a resource id) must exist when the emulator models its type
        (stored, or computed by its handler: the tenant root management group); a scope of a type it
        does not model is taken as given."""
        inner = parse_resource(split(rp.scope))
        if inner is None or inner.is_collection or not registry.is_known(inner.full_type):
            return
        if not self._exists(inner):
            raise errors.resource_not_found(inner.full_type, "/".join(inner.names), inner.resource_group)

    def _check_parent(self, rp: ResourcePath) -> None:
        if rp.types and rp.types[0].lower() == "locations":
            return  # location-scoped proxy types (deletedAccounts) have no stored parent
        if len(rp.types) > 1:
            parent = parse_resource(split(rp.parent_id))
            if parent is None or not self._exists(parent):
                ptype = "/".join([rp.namespace, *rp.types[: len(rp.types) - 1]])
                pnames = "/".join(rp.names[: len(rp.types) - 1])
                raise errors.parent_not_found(f"{ptype}/{pnames}")
        else:
            self._check_scope_exists(rp)

    def _exists(self, rp: ResourcePath) -> bool:
        """A stored resource, or one a provider computes (``virtual_get``: the tenant root group)."""
        return self.store.get(id_key(rp.id)) is not None or hooks.virtual_get(self.view(None), rp) is not None

    def _check_scopes(self, rp: ResourcePath, *, writing: bool = False) -> None:
        self.check_subscription(rp.subscription)
        self._check_rg(rp.subscription, rp.resource_group, writing=writing)

    def _lock_key(self, rp: ResourcePath, spec: TypeSpec) -> str:
        return id_key(rp.root_id) if spec.lock == "root" else id_key(rp.id)

    def _check_busy(self, rp: ResourcePath, spec: TypeSpec, base_url: str) -> None:
        op = self.operations.holding(self._lock_key(rp, spec))
        if op is None:
            return
        raise errors.busy(spec.conflict_code, spec.conflict_status, rp.id, self.operations.urls(op, base_url)[0],
                          self.operations.remaining(op))

    def busy_error(self, rp: ResourcePath) -> ArmError:
        """The RP's "busy" error for ``rp`` (used by the ``conflict`` fault)."""
        spec = registry.lookup(rp.full_type)
        return errors.busy(spec.conflict_code, spec.conflict_status, rp.id, None, 0.0)

    def _check_sent_state(self, body: dict[str, Any], existing: Resource | None) -> None:
        props = body.get("properties")
        if not isinstance(props, dict) or "provisioningState" not in props:
            return
        sent = props.get("provisioningState")
        stored = (state_of(existing) if existing else None) or "Succeeded"
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
        norm = locations.normalize(loc)
        if spec.locations and norm not in spec.locations:
            raise errors.location_not_available(loc, spec.type, list(spec.locations))
        if existing is not None:
            old = existing.body.get("location")
            if isinstance(old, str) and locations.normalize(old) != norm:
                raise errors.location_change_refused(
                    spec.location_changed_code, existing.body.get("name", ""), old, loc,
                    existing.id.split("/")[4] if existing.id.count("/") > 4 else "")
        return norm if spec.normalize_location else loc

    def _op_location(self, rp: ResourcePath, body: dict[str, Any]) -> str:
        loc = body.get("location")
        if not isinstance(loc, str):
            root = self.store.get(id_key(rp.root_id))
            loc = root.body.get("location") if root is not None else None
        return locations.normalize(loc) if isinstance(loc, str) else "global"

    def _not_found(self, rp: ResourcePath) -> ArmError:
        return hooks.not_found(self.view(None), rp) or errors.resource_not_found(
            rp.full_type, "/".join(rp.names), rp.resource_group)

    def _find(self, rp: ResourcePath) -> Resource:
        self._check_scopes(rp)
        self._check_parent(rp)
        res = self.store.get(id_key(rp.id))
        if res is None:
            raise self._not_found(rp)
        return res

    # ------------------------------------------------------------------ PUT
    def put(self, rp: ResourcePath, body: dict[str, Any], ctx: RequestContext) -> Reply:
        spec = registry.lookup(rp.full_type)
        view = self.view(ctx)
        self._check_scopes(rp, writing=True)
        self._check_name(rp)
        if rp.subscription and self.registrations.state(rp.namespace, rp.subscription) != "Registered":
            raise errors.missing_registration(rp.namespace)
        body, decision = self.policy.before_write(rp.id, rp.name, spec.type, body, "PUT", ctx.api_version)
        self._check_parent(rp)
        key = id_key(rp.id)
        existing = self.store.get(key)
        self._check_busy(rp, spec, ctx.base_url)
        self.etags.check(existing, ctx.if_match, ctx.if_none_match)
        self._check_sent_state(body, existing)
        created = existing is None
        location = self._check_location(body, spec, created, existing)
        if existing is not None:
            immutables.check(spec.lower, rp.name, existing.body, body)
        hooks.validate_put(view, rp, spec.lower, body, existing)
        self._validate_inline(rp, spec, body, existing, ctx)
        mode: PutMode = spec.create if created else spec.update

        op: Operation | None = None
        if mode.transient is not None:
            op = self._start(rp, spec, "put", key, body, spec.latency[0 if created else 1], ctx)
        state = mode.transient if mode.transient is not None else spec.success_state

        res = self._compose(rp, spec, body, existing, location)
        res.op_id = op.id if op else None
        set_state(res, state, spec)
        if op:
            op.members.append(key)
        self._apply_inline(res, spec, body, ctx, op, state)
        hooks.after_put(view, rp, spec.lower, res, existing, op, state)
        self.etags.bump(res)
        self.store.put(res)
        self.store.commit()
        self.policy.after_write(rp.id, spec.type, ctx.api_version, decision)

        headers = self.etags.headers(res, write=True)
        if op is not None:
            headers.update(self._op_headers(op, mode.async_header, mode.location_header, ctx))
        return Reply(mode.status, self.render(res) if mode.body else None, headers)

    def _start(self, rp: ResourcePath, spec: TypeSpec, kind: str, key: str, body: dict[str, Any], seconds: float,
               ctx: RequestContext) -> Operation:
        if spec.subscription_operations:
            return self.operations.start(kind, rp.namespace, "global", key, self._lock_key(rp, spec), seconds,
                                         ctx.api_version, fail=ctx.fail_lro, is_rg=True,
                                         subscription=rp.subscription)
        return self.operations.start(kind, rp.namespace, self._op_location(rp, body), key, self._lock_key(rp, spec),
                                     seconds, ctx.api_version, fail=ctx.fail_lro,
                                     bare_status=spec.bare_operation_status, subscription=rp.subscription)

    def _op_headers(self, op: Operation, async_header: bool, location_header: bool,
                    ctx: RequestContext) -> dict[str, str]:
        aao, loc = self.operations.urls(op, ctx.base_url)
        headers = {}
        if async_header:
            headers["Azure-AsyncOperation"] = aao
        if location_header:
            headers["Location"] = loc
        headers.update(retry_headers(self.operations.remaining(op)))
        return headers

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
        hooks.compose_identity(self.view(None), out, existing)
        res = Resource(id=rp.id, type=spec.type, body=out, root_key=id_key(rp.root_id))
        if existing is not None:
            res.etag = existing.etag
            res.extra = dict(existing.extra)
        return res

    # ------------------------------------------------------------------ inline children
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

    def _apply_inline(self, res: Resource, spec: TypeSpec, body: dict[str, Any], ctx: RequestContext,
                      op: Operation | None, state: str) -> None:
        for inline in spec.inline:
            child_spec = registry.lookup(f"{spec.type}/{inline.child}")
            current = {c.key: c for c in self.store.children(res.key, child_spec.type.lower())}
            items = self._inline_items(res.id, inline, body)
            if items is None:
                if not self._keeps_omitted(inline, ctx):
                    for key in current:
                        self.remove_tree(key)
                continue
            keep: set[str] = set()
            for child_rp, item in items:
                ckey = id_key(child_rp.id)
                keep.add(ckey)
                old = self.store.get(ckey)
                child = self._compose(child_rp, child_spec, item, old, None)
                child.body.pop("location", None)
                set_state(child, state, child_spec)
                if op is not None:
                    child.op_id = op.id
                    op.members.append(ckey)
                hooks.after_put(self.view(ctx), child_rp, child_spec.lower, child, old, op, state)
                self.store.put(child)
            for key in current:
                if key not in keep:
                    self.remove_tree(key)

    # ------------------------------------------------------------------ GET, PATCH, DELETE, list
    def get(self, rp: ResourcePath, ctx: RequestContext) -> Reply:
        self._check_scopes(rp)
        self._check_parent(rp)
        res = self.store.get(id_key(rp.id))
        if res is None:
            virtual = hooks.virtual_get(self.view(ctx), rp)
            if virtual is not None:
                return Reply(200, virtual)
            raise self._not_found(rp)
        headers = self.etags.headers(res)
        if res.op_id:
            op = self.operations.get(res.op_id)
            if op is not None and op.status == "InProgress":
                headers.update(retry_headers(self.operations.remaining(op)))
        return Reply(200, self.render(res, ctx), headers)

    def patch(self, rp: ResourcePath, patch: dict[str, Any], ctx: RequestContext) -> Reply:
        spec = registry.lookup(rp.full_type)
        res = self._find(rp)
        self._check_scopes(rp, writing=True)
        self._check_busy(rp, spec, ctx.base_url)
        self.etags.check(res, ctx.if_match, ctx.if_none_match)
        if isinstance(patch.get("location"), str) and isinstance(res.body.get("location"), str):
            if locations.normalize(patch["location"]) != locations.normalize(res.body["location"]):
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
            props["provisioningState"] = state_of(res) or spec.success_state
        res.body = body
        self.etags.bump(res)
        self.store.put(res)
        self.store.commit()
        self.policy.after_write(rp.id, spec.type, ctx.api_version, decision)
        return Reply(200, self.render(res), self.etags.headers(res, write=True))

    def delete(self, rp: ResourcePath, ctx: RequestContext) -> Reply:
        spec = registry.lookup(rp.full_type)
        self._check_scopes(rp)
        key = id_key(rp.id)
        res = self.store.get(key)
        if res is None:
            if spec.delete.absent_status == 404:
                raise self._not_found(rp)
            return Reply(spec.delete.absent_status)
        mode = spec.delete
        running = self.operations.get(res.op_id) if res.op_id else None
        if running is not None and running.kind == "delete" and running.status == "InProgress":
            # a DELETE of what is being deleted answers the operation already running
            return Reply(mode.status, None, self._op_headers(running, mode.async_header, mode.location_header, ctx))
        self.policy.before_delete(res, ctx.api_version)
        self._check_busy(rp, spec, ctx.base_url)
        self.etags.check(res, ctx.if_match, ctx.if_none_match)
        hooks.validate_delete(self.view(ctx), res)
        if mode.transient is None:
            rendered = self.render(res) if mode.body else None
            self.remove_tree(key)
            self.store.commit()
            return Reply(mode.status, rendered)
        op = self._start(rp, spec, "delete", key, res.body, spec.latency[2], ctx)
        op.members.append(key)
        res.op_id = op.id
        set_state(res, mode.transient, spec)
        self.store.put(res)
        self.store.commit()
        return Reply(mode.status, None, self._op_headers(op, mode.async_header, mode.location_header, ctx))

    def list(self, rp: ResourcePath, ctx: RequestContext) -> Reply:
        self._check_scopes(rp)
        self._check_parent(rp)
        virtual = hooks.virtual_list(self.view(ctx), rp)
        if virtual is not None:
            return self.page(virtual, ctx)
        prefix = id_key(rp.parent_id)
        type_lower = rp.full_type.lower()
        if len(rp.types) > 1:
            found = self.store.children(prefix, type_lower)
        else:
            found = self.store.of_type(type_lower, prefix)
        items = [self.render(r) for r in found]
        if registry.lookup(rp.full_type).list_filter:
            keep = compile_filter(ctx.query.get("$filter"))
            items = [i for i in items if keep(i)]
        return self.page(items, ctx)

    def page(self, items: list[dict[str, Any]], ctx: RequestContext, path: str = "") -> Reply:
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

    def generic_list(self, sub: str, rg: str | None, ctx: RequestContext, path: str) -> Reply:
        """``/resources`` listings: top-level tracked resources only, in the generic resource shape."""
        self.check_subscription(sub)
        self._check_rg(sub, rg, writing=False)
        prefix = id_key(f"/subscriptions/{sub}" + (f"/resourceGroups/{rg}" if rg else ""))
        items = []
        for res in self.store.all():
            if not under(res.key, prefix):
                continue
            rp = parse_resource(split(res.id))
            if rp is None or rp.is_child or rp.resource_group is None:
                continue  # resource groups themselves have no provider segment: None here
            if not registry.lookup(res.type).listed:
                continue
            if parse_resource(split(rp.scope)) is not None:
                continue  # extension resource
            item = {k: res.body[k] for k in ("id", "name", "type", "location", "tags", "kind",
                                               "sku", "identity", "managedBy", "zones")
                    if k in res.body}  # fmt: skip
            items.append(item)
        keep = compile_filter(ctx.query.get("$filter"))
        return self.page([i for i in items if keep(i)], ctx, path)


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
