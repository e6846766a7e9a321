"""The emulator's WSGI application: ARM routing, auth, throttling, faults, stats and admin API.

Built by :class:`lzengine.emulator.server.Emulator` and served by its threaded HTTPS server.
Each ARM request goes through: authentication (bearer token) → counting → throttling →
api-version check → role check → fault injection → :mod:`lzengine.emulator.backend` (which
evaluates Azure Policy before the provider).
Requests under ``/_emulator/`` are the admin API (admin token only): never counted, throttled
or faulted.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from werkzeug.wrappers import Request

from lzengine.emulator import (
    errors,
    hooks,
    linked_access,
    registrations,
    registry,
    rp_authorization,
    rp_common,
    rp_management,
    rp_policyinsights,
)
from lzengine.emulator.admin import AdminApi
from lzengine.emulator.auth import Authorizer, Principal
from lzengine.emulator.backend import TENANT_ID, Backend, Reply, RequestContext, normalize_location, retry_headers
from lzengine.emulator.errors import ArmError
from lzengine.emulator.faults import FaultInjector
from lzengine.emulator.paths import ResourcePath, id_key, parse_resource, resource_group_path, split, under
from lzengine.emulator.throttle import Throttler
from lzengine.emulator.wire import json_body

log = logging.getLogger(__name__)

METHOD_KIND = {"GET": "reads", "HEAD": "reads", "PUT": "writes", "PATCH": "writes",
               "POST": "writes", "DELETE": "deletes"}  # fmt: skip
RESOURCES_NS = registry.RESOURCES_NAMESPACE
RG_TYPE = registry.lookup(registry.RESOURCE_GROUP).type


class Stats:
    """Request counters by kind, method and lower-case ``provider/type``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.kinds: Counter[str] = Counter()
            self.methods: Counter[str] = Counter()
            self.types: Counter[str] = Counter()
            self.changes_by_type: Counter[str] = Counter()  # writes and deletes only
            self.changes_by_id: Counter[str] = Counter()  # writes and deletes by lower-case request path

    def count(self, method: str, type_lower: str, path: str = "") -> None:
        with self._lock:
            self.kinds[METHOD_KIND.get(method, "reads")] += 1
            self.methods[method] += 1
            self.types[type_lower] += 1
            if METHOD_KIND.get(method) in ("writes", "deletes"):
                self.changes_by_type[type_lower] += 1
                if path:  # which resource was written: tests prove what a run never touched
                    self.changes_by_id[path.rstrip("/").lower()] += 1

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "reads": self.kinds["reads"],
                "writes": self.kinds["writes"],
                "deletes": self.kinds["deletes"],
                "by_method": dict(self.methods),
                "by_type": dict(self.types),
                "changes_by_type": dict(self.changes_by_type),
                "changes_by_id": dict(self.changes_by_id),
            }


@dataclass(frozen=True)
class RouteKind:
    """How one kind of ARM path is served: which HTTP methods it answers (method → ``EmulatorApp``
    method name), whether its api-version is checked against its type's registry row, whether a
    request may start an operation, and how its role check is made (``rbac``: ``"resource"`` — the
    type's action on the resource or collection —, ``"subscription"``, ``"provider"`` — register —,
    or ``None`` for paths every authenticated caller may read)."""

    name: str
    methods: dict[str, str]
    check_version: bool = True
    rbac: str | None = "subscription"
    lro: bool = False


ITEM = RouteKind("item", {"GET": "_get", "HEAD": "_head", "PUT": "_put", "PATCH": "_patch", "DELETE": "_delete"},
                 rbac="resource", lro=True)
COLLECTION = RouteKind("collection", {"GET": "_list", "POST": "_action"}, rbac="resource")
OP_STATUS = RouteKind("op-status", {"GET": "_op_status"}, check_version=False, rbac=None)
OP_RESULT = RouteKind("op-result", {"GET": "_op_result"}, check_version=False, rbac=None)
RESOURCES = RouteKind("resources", {"GET": "_generic_list"})
SUBSCRIPTION = RouteKind("subscription", {"GET": "_subscription"})
SUBSCRIPTIONS = RouteKind("subscriptions", {"GET": "_subscriptions"}, rbac=None)
PROVIDERS = RouteKind("providers", {"GET": "_providers"})
PROVIDER = RouteKind("provider", {"GET": "_provider"})
REGISTER = RouteKind("provider-register", {"POST": "_register"}, rbac="provider")
UNREGISTER = RouteKind("provider-unregister", {"POST": "_unregister"}, rbac="provider")
TENANT_PROVIDERS = RouteKind("tenant-providers", {"GET": "_tenant_providers"}, rbac=None)


@dataclass
class Route:
    """A classified ARM request path."""

    kind: RouteKind
    type: str  # full type (canonical) used for stats, api-version, faults and RBAC
    sub: str | None = None
    rg: str | None = None
    rp: ResourcePath | None = None
    extra: str | None = None  # namespace / op id


@dataclass
class Call:
    """One request as a route method sees it (the backend lock is held)."""

    route: Route
    request: Request
    ctx: RequestContext
    principal: Principal | None
    sub: str = ""

    @property
    def rp(self) -> ResourcePath:
        """The resource path of an item or collection route."""
        assert self.route.rp is not None
        return self.route.rp


def _op_route(kind: RouteKind) -> Any:
    def build(segs: list[str]) -> Route:
        ns = registry.canonical_namespace(segs[3])
        return Route(kind, f"{ns}/locations/{segs[6]}", segs[1], extra=segs[7])
    return build


def _resource_route(rp: ResourcePath) -> Route:
    return Route(COLLECTION if rp.is_collection else ITEM, rp.full_type, rp.subscription, rp.resource_group, rp)


#: Non-provider ARM paths: lower-case segment pattern (``*`` matches any one segment) → Route builder.
#: Anything else is a resource path (:func:`lzengine.emulator.paths.parse_resource`).
ROUTES: tuple[tuple[tuple[str, ...], Any], ...] = (
    (("subscriptions",), lambda s: Route(SUBSCRIPTIONS, f"{RESOURCES_NS}/subscriptions")),
    (("subscriptions", "*"), lambda s: Route(SUBSCRIPTION, f"{RESOURCES_NS}/subscriptions", s[1])),
    (("subscriptions", "*", "resourcegroups"), lambda s: _resource_route(resource_group_path(s[1], None))),
    (("subscriptions", "*", "resources"), lambda s: Route(RESOURCES, f"{RESOURCES_NS}/resources", s[1])),
    (("subscriptions", "*", "providers"), lambda s: Route(PROVIDERS, f"{RESOURCES_NS}/providers", s[1])),
    (("subscriptions", "*", "resourcegroups", "*"), lambda s: _resource_route(resource_group_path(s[1], s[3]))),
    (("subscriptions", "*", "operationresults", "*"),
     lambda s: Route(OP_RESULT, f"{RESOURCES_NS}/operationresults", s[1], extra=s[3])),
    (("subscriptions", "*", "resourcegroups", "*", "resources"),
     lambda s: Route(RESOURCES, f"{RESOURCES_NS}/resources", s[1], s[3])),
    (("subscriptions", "*", "providers", "*"),
     lambda s: Route(PROVIDER, f"{RESOURCES_NS}/providers", s[1], extra=s[3])),
    (("subscriptions", "*", "providers", "*", "register"),
     lambda s: Route(REGISTER, f"{RESOURCES_NS}/providers", s[1], extra=s[3])),
    (("subscriptions", "*", "providers", "*", "unregister"),
     lambda s: Route(UNREGISTER, f"{RESOURCES_NS}/providers", s[1], extra=s[3])),
    (("subscriptions", "*", "providers", "*", "locations", "*", "operations", "*"), _op_route(OP_STATUS)),
    (("subscriptions", "*", "providers", "*", "locations", "*", "operationstatuses", "*"), _op_route(OP_STATUS)),
    (("subscriptions", "*", "providers", "*", "locations", "*", "operationresults", "*"), _op_route(OP_RESULT)),
    (("providers",), lambda s: Route(TENANT_PROVIDERS, f"{RESOURCES_NS}/providers")),
)


def _matches(pattern: tuple[str, ...], low: list[str]) -> bool:
    return len(pattern) == len(low) and all(p in ("*", x) for p, x in zip(pattern, low, strict=True))


def classify(path: str) -> Route:
    """The route of an ARM path: the first :data:`ROUTES` pattern that matches, else a resource."""
    segs = split(path)
    if not segs:
        raise errors.not_found_path(path)
    low = [s.lower() for s in segs]
    for pattern, build in ROUTES:
        if _matches(pattern, low):
            return build(segs)  # type: ignore[no-any-return]
    rp = parse_resource(segs)
    if rp is None:
        raise errors.not_found_path(path)
    return _resource_route(rp)


class DropConnection(ConnectionAbortedError):
    """Raised after the socket was shut down by the ``reset`` fault."""


class EmulatorApp:
    """WSGI callable. ``base_url`` is fixed by the server once the port is known."""

    def __init__(
        self,
        backend: Backend,
        authorizer: Authorizer,
        throttler: Throttler,
        faults: FaultInjector,
    ) -> None:
        self.backend = backend
        self.auth = authorizer
        self.throttler = throttler
        self.faults = faults
        self.stats = Stats()
        self.admin = AdminApi(backend, authorizer, throttler, faults, self.stats)
        with backend.lock:
            for p in [authorizer.admin, *authorizer.principals()]:
                backend.directory.setdefault(p.object_id.lower(), "ServicePrincipal")
            for obj in backend.store.meta("directory", []) or []:
                backend.directory[str(obj["objectId"]).lower()] = str(obj["type"])

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        request_id = str(uuid.uuid4())
        try:
            reply = self.handle(request)
        except ArmError as exc:
            reply = Reply(exc.status, exc.body(), dict(exc.headers))
        except DropConnection:
            raise
        except Exception as exc:  # pragma: no cover - defensive: never an empty 500
            log.exception("emulator failure on %s %s", request.method, request.path)
            err = ArmError(500, "InternalServerError", f"Emulator failure: {exc!r}")
            reply = Reply(500, err.body())
        headers = dict(reply.headers)
        headers["x-ms-request-id"] = request_id
        headers["x-ms-correlation-request-id"] = (
            request.headers.get("x-ms-correlation-request-id") or request_id
        )
        if request.headers.get("x-ms-return-client-request-id", "").lower() == "true":
            cid = request.headers.get("x-ms-client-request-id")
            if cid:
                headers["x-ms-client-request-id"] = cid
        if reply.data is None:
            with self.backend.lock:
                data = reply.encode()
        else:
            data = reply.data
        if data and reply.status not in (204, 304):
            headers["Content-Type"] = "application/json; charset=utf-8"
        else:
            data = b""
        headers["Content-Length"] = str(len(data))
        start_response(f"{reply.status} {_reason(reply.status)}", list(headers.items()))
        return [data]

    def base_url(self, request: Request) -> str:
        return f"https://{request.host}"

    # ------------------------------------------------------------------ pipeline
    def handle(self, request: Request) -> Reply:
        path = request.path
        if path.rstrip("/").lower().startswith("/_emulator"):
            principal = self._authenticate(request)
            if not principal.admin:
                raise ArmError(403, "AuthorizationFailed", "Only the admin token may use /_emulator/.")
            return self.admin.handle(request, path.rstrip("/")[len("/_emulator"):].lower())

        method = request.method.upper()
        if rp_policyinsights.matches(path, method):  # compliance summary (ops' module; not a stored type)
            self._authenticate(request)
            with self.backend.lock:
                return Reply(200, rp_policyinsights.summarize(self.backend.policy))
        try:
            route = classify(path)
        except ArmError:
            self.stats.count(method, "unknown")
            raise
        self.stats.count(method, _stats_type(route), path)
        principal = self._authenticate(request)

        sub = route.sub or self.backend.subscription_id
        kind = METHOD_KIND.get(method, "reads")
        decision = self.throttler.take(sub, kind)
        rate_headers = {f"x-ms-ratelimit-remaining-subscription-{kind}": str(decision.remaining)}
        if not decision.allowed:
            raise errors.throttled(kind[:-1], sub, {**self.throttler.retry_headers(decision.wait),
                                                    **rate_headers})  # fmt: skip

        try:
            reply = self._serve(request, route, method, principal)
        except ArmError as exc:
            for k, v in rate_headers.items():
                exc.headers.setdefault(k, v)
            raise
        for k, v in rate_headers.items():
            reply.headers.setdefault(k, v)
        return reply

    def _serve(self, request: Request, route: Route, method: str, principal: Principal) -> Reply:
        api_version = request.args.get("api-version")
        if not api_version:
            for k, v in request.args.items():
                if k.lower() == "api-version":
                    api_version = v
        if not api_version:
            raise errors.missing_api_version()
        self._check_api_version(route, api_version, request)
        if route.sub is not None:
            self.backend.crud.check_subscription(route.sub)
        if not principal.admin:
            self._authorize(principal, route, method, request)

        ctx = RequestContext(
            base_url=self.base_url(request),
            api_version=api_version,
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
            skiptoken=request.args.get("$skiptoken"),
            query=dict(request.args.items()),
            path=request.path,
        )
        fault = self.faults.decide(method, route.type, lro_possible=self._lro_possible(route, method))
        if fault is not None:
            self._inject(fault, route, ctx, request)

        with self.backend.lock:
            self.backend.settle()
            try:
                reply = self.dispatch(route, method, request, ctx, principal)
            except ArmError as exc:
                self._log_activity(route, method, request, principal, exc.status)
                raise
            self._log_activity(route, method, request, principal, reply.status)
            reply.encode()
        return reply

    def _log_activity(self, route: Route, method: str, request: Request, principal: Principal, status: int) -> None:
        """An Activity Log event for a write, delete or action on a resource path (``rp_activitylog``)."""
        verb = {"PUT": "write", "PATCH": "write", "DELETE": "delete", "POST": "action"}.get(method)
        rp = route.rp
        if verb is None or rp is None:
            return
        # a POST on a collection path is an action of the parent (``.../accounts/x/listKeys``)
        resource_id = rp.parent_id if rp.is_collection and method == "POST" else rp.id
        self.backend.activity.record(
            subscription=route.sub or self.backend.subscription_id, resource_id=resource_id,
            resource_group=rp.resource_group, full_type=rp.full_type, verb=verb, status_code=status,
            caller=principal.name or principal.object_id, method=method,
            correlation_id=request.headers.get("x-ms-correlation-request-id") or str(uuid.uuid4()),
            client_request_id=request.headers.get("x-ms-client-request-id") or "")

    def _authenticate(self, request: Request) -> Principal:
        header = request.headers.get("Authorization")
        if not header:
            raise errors.authentication_failed("Authentication failed. The 'Authorization' header is missing.")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise errors.authentication_failed(
                "Authentication failed. The 'Authorization' header is provided in an invalid format."
            )
        principal = self.auth.principal(token.strip())
        if principal is None:
            err = errors.authentication_failed("The access token is invalid.")
            err.code = "InvalidAuthenticationToken"
            raise err
        return principal

    def _check_api_version(self, route: Route, api_version: str, request: Request) -> None:
        if not registry.API_VERSION_RE.match(api_version):
            raise errors.invalid_api_version(api_version)
        if not route.kind.check_version:
            return
        # provider routes (``/resources``, ``/providers``...) take the Resources provider's versions
        spec = registry.lookup(route.type if route.rp is not None else RG_TYPE)
        if registry.version_supported(spec, api_version):
            return
        location = "global"
        if request.method in ("PUT", "PATCH"):
            try:
                body = json.loads(request.get_data() or b"{}")
                if isinstance(body, dict) and isinstance(body.get("location"), str):
                    location = normalize_location(body["location"])
            except ValueError:
                pass
        raise errors.no_registered_provider(
            location, api_version, spec.type, list(reversed(spec.api_versions)),
            list(spec.locations or ("global",)),
        )  # fmt: skip

    def _lro_possible(self, route: Route, method: str) -> bool:
        if not route.kind.lro:
            return False
        spec = registry.lookup(route.type)
        if method == "PUT":
            return spec.is_lro_put
        if method == "DELETE":
            return spec.delete.transient is not None
        return False

    def _authorize(self, principal: Principal, route: Route, method: str, request: Request) -> None:
        verb = {"GET": "read", "HEAD": "read", "PUT": "write", "PATCH": "write",
                "DELETE": "delete"}.get(method, "action")  # fmt: skip
        sub = route.sub or self.backend.subscription_id
        if route.kind.rbac is None:
            return
        if route.kind.rbac == "resource" and route.rp is not None:
            rp = route.rp
            scope = rp.parent_id if rp.is_collection else rp.id
            if method == "POST" and rp.is_collection:
                action = f"{'/'.join([rp.namespace, *rp.types[:-1]])}/{rp.types[-1]}/action"
            else:
                action = f"{registry.lookup(rp.full_type).rbac_type or rp.full_type}/{verb}"
        elif route.kind.rbac == "provider":
            action = f"{route.extra}/register/action"
            scope = f"/subscriptions/{sub}"
        else:
            action = f"{RESOURCES_NS}/subscriptions/{verb}"
            scope = f"/subscriptions/{sub}" + (f"/resourceGroups/{route.rg}" if route.rg else "")
        arm, custom = self._role_assignments(principal)
        if not self._allowed(principal, action, scope, arm, custom):
            raise errors.authorization_failed(principal.object_id, action, scope)
        if method in ("PUT", "PATCH") and route.kind is ITEM:
            body = json_body(request)
            missing = [(a, rid) for a, rid in linked_access.linked_actions(route.type.lower(), body)
                       if not self._allowed(principal, a, rid, arm, custom)]
            if missing:
                raise errors.linked_authorization_failed(principal.object_id, action, scope, missing)

    def _role_assignments(self, principal: Principal) -> tuple[list[tuple[str, str]],
                                                                 dict[str, list[tuple[list[str], list[str]]]]]:
        """(role guid, scope) of the role assignments written through ARM for ``principal``, and the
        permission blocks of the custom roles."""
        with self.backend.lock:
            arm = []
            for ra in self.backend.store.of_type("microsoft.authorization/roleassignments"):
                props = ra.body.get("properties", {})
                if str(props.get("principalId", "")).lower() == principal.object_id.lower():
                    arm.append((str(props.get("roleDefinitionId", "")).rsplit("/", 1)[-1].lower(),
                                str(props.get("scope", "/"))))  # fmt: skip
            custom = rp_authorization.custom_permissions(self.backend.view()) if arm else {}
        return arm, custom

    def _allowed(self, principal: Principal, action: str, scope: str, arm: list[tuple[str, str]],
                 custom: dict[str, list[tuple[list[str], list[str]]]]) -> bool:
        """The RBAC check, with roles assigned at a management group inherited by every
        subscription (and group) below it."""
        with self.backend.lock:
            above = rp_management.scopes_above(self.backend.store, scope)
        return self.auth.allowed(principal, action, scope, arm, custom, above=above)

    def _visible_subscriptions(self, principal: Principal | None) -> list[str]:
        """``GET /subscriptions`` lists what the caller holds a role in: at, above (a management
        group, the root) or below (a resource group, a resource) the subscription."""
        subs = self.backend.subscriptions.ids
        if principal is None or principal.admin:
            return subs
        arm, _custom = self._role_assignments(principal)
        scopes = {id_key(at) for _role, at in [*principal.grants, *arm]}
        out = []
        for sub in subs:
            own = id_key(f"/subscriptions/{sub}")
            above = set(rp_management.scopes_above(self.backend.store, own))
            if any(at in ("", "/") or at in above or under(at, own) for at in scopes):
                out.append(sub)
        return out

    def _inject(self, fault: str, route: Route, ctx: RequestContext, request: Request) -> None:
        scale = self.backend.time_scale
        if fault == "500":
            raise ArmError(500, "InternalServerError",
                           "The server encountered an internal error. Please retry the request.")
        if fault == "503":
            raise ArmError(503, "ServiceUnavailable",
                           "The service is temporarily unavailable. Please retry the request.")
        if fault == "429":
            raise errors.throttled("read" if request.method in ("GET", "HEAD") else "write",
                                   route.sub or self.backend.subscription_id,
                                   retry_headers(1.0 * scale))  # fmt: skip
        if fault == "conflict":
            if route.rp is not None and not route.rp.is_collection:
                raise self.backend.crud.busy_error(route.rp)
            raise ArmError(409, "Conflict", "The resource is busy with another operation. Retry later.")
        if fault == "lro-failed":
            ctx.fail_lro = True
            return
        if fault == "reset":
            sock = request.environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            raise DropConnection("fault injection: connection reset")

    # ------------------------------------------------------------------ ARM routes
    def dispatch(self, route: Route, method: str, request: Request, ctx: RequestContext,
                 principal: Principal | None = None) -> Reply:
        """Serve a classified request by its route kind's method table (the backend lock is held)."""
        name = route.kind.methods.get(method)
        if name is None:
            raise errors.method_not_allowed(method, request.path)
        serve = getattr(self, name)
        call = Call(route, request, ctx, principal, route.sub or self.backend.subscription_id)
        return serve(call)  # type: ignore[no-any-return]

    def _get(self, call: Call) -> Reply:
        return self.backend.crud.get(call.rp, call.ctx)

    def _head(self, call: Call) -> Reply:
        """An existence check: 204 or 404, no body."""
        try:
            reply = self.backend.crud.get(call.rp, call.ctx)
        except ArmError as exc:
            if exc.status == 404:
                return Reply(404)
            raise
        return Reply(204, None, reply.headers)

    def _put(self, call: Call) -> Reply:
        return self.backend.crud.put(call.rp, json_body(call.request), call.ctx)

    def _patch(self, call: Call) -> Reply:
        return self.backend.crud.patch(call.rp, json_body(call.request), call.ctx)

    def _delete(self, call: Call) -> Reply:
        return self.backend.crud.delete(call.rp, call.ctx)

    def _list(self, call: Call) -> Reply:
        return self.backend.crud.list(call.rp, call.ctx)

    def _action(self, call: Call) -> Reply:
        """POST actions, answered by the handler registered for the action's type
        (``.../accounts/listKeys``, ``.../checkNameAvailability``); any other ``list...Keys`` action gets
        the generic fake keys, and an unknown action an empty object."""
        rp = call.rp
        body = json_body(call.request)
        view = self.backend.view(call.ctx)
        action = hooks.handler(rp.full_type.lower()).action
        if action is not None:
            return Reply(200, action(view, rp, body))
        name = rp.types[-1].lower()
        if name.startswith("list") and name.endswith("keys"):
            return Reply(200, rp_common.list_keys(view, rp, body))
        return Reply(200, {})

    def _op_status(self, call: Call) -> Reply:
        return self.backend.crud.operation_status(call.route.extra or "")

    def _op_result(self, call: Call) -> Reply:
        return self.backend.crud.operation_result(call.route.extra or "", call.ctx.base_url)

    def _generic_list(self, call: Call) -> Reply:
        return self.backend.crud.generic_list(call.sub, call.route.rg, call.ctx, call.request.path)

    def _subscription(self, call: Call) -> Reply:
        return Reply(200, self.backend.subscriptions.body(call.sub, TENANT_ID))

    def _subscriptions(self, call: Call) -> Reply:
        items = [self.backend.subscriptions.body(s, TENANT_ID) for s in self._visible_subscriptions(call.principal)]
        return self.backend.crud.page(items, call.ctx, call.request.path)

    def _providers(self, call: Call) -> Reply:
        items = [self._provider_body(ns, call.sub) for ns in registry.namespaces()]
        return self.backend.crud.page(items, call.ctx, call.request.path)

    def _provider(self, call: Call) -> Reply:
        return Reply(200, self._provider_body(call.route.extra or "", call.sub))

    def _register(self, call: Call) -> Reply:
        self.backend.registrations.set(call.route.extra or "", "Registered", call.sub)
        return Reply(200, self._provider_body(call.route.extra or "", call.sub))

    def _unregister(self, call: Call) -> Reply:
        self.backend.registrations.set(call.route.extra or "", "Unregistered", call.sub)
        return Reply(200, self._provider_body(call.route.extra or "", call.sub))

    def _tenant_providers(self, call: Call) -> Reply:
        return Reply(200, {"value": [registrations.provider_body(ns, self.backend.subscription_id, None)
                                     for ns in registry.namespaces()]})  # fmt: skip

    def _provider_body(self, namespace: str, subscription: str) -> dict[str, Any]:
        return registrations.provider_body(namespace, subscription,
                                           self.backend.registrations.state(namespace, subscription))


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _stats_type(route: Route) -> str:
    return route.type.lower()
