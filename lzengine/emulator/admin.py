"""The emulator's admin API under ``/_emulator/`` (admin token only; never counted, throttled or faulted).

Called by :class:`lzengine.emulator.app.EmulatorApp` for every request under ``/_emulator/``. Tests
and tools use it to read state (``/resources``, ``/stats``, ``/operations``, ``/policy/compliance``),
drive time (``/clock``, ``/settle``), inject faults (``/faults``), add principals and directory
objects, set quota limits and provider registration, and reset. Routing is the :data:`ROUTES` table:
(path, method) → method name; ``/providers/{namespace}`` is the one parameterised path.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from lzengine.emulator import errors, registry, rp_authorization, rp_cognitive, rp_keyvault
from lzengine.emulator.auth import Authorizer
from lzengine.emulator.backend import Backend, Reply
from lzengine.emulator.faults import FaultInjector, FaultSpec
from lzengine.emulator.throttle import Throttler
from lzengine.emulator.wire import json_body

#: (lower-case path after /_emulator, method) → AdminApi method
ROUTES: dict[tuple[str, str], str] = {
    ("/stats", "GET"): "stats_get",
    ("/stats/reset", "POST"): "stats_reset",
    ("/resources", "GET"): "resources",
    ("/reset", "POST"): "reset",
    ("/latency", "GET"): "latency",
    ("/faults", "GET"): "faults_get",
    ("/faults", "PUT"): "faults_put",
    ("/faults", "DELETE"): "faults_delete",
    ("/principals", "GET"): "principals_get",
    ("/principals", "POST"): "principals_post",
    ("/activitylog", "GET"): "activitylog",
    ("/activitylog", "PUT"): "activitylog",
    ("/clock", "GET"): "clock",
    ("/clock", "POST"): "clock",
    ("/settle", "POST"): "settle",
    ("/operations", "GET"): "operations",
    ("/policy/compliance", "GET"): "compliance",
    ("/policy/scan", "POST"): "scan",
    ("/quota", "GET"): "quota_get",
    ("/quota", "PUT"): "quota_put",
    ("/directory", "GET"): "directory_get",
    ("/directory", "POST"): "directory_post",
    ("/keyvault/secret", "GET"): "vault_secret_get",
    ("/keyvault/secret", "DELETE"): "vault_secret_delete",
}


def latency_table(time_scale: float) -> dict[str, Any]:
    """Every known type's unscaled create/update/delete latency, and the time scale applied."""
    types = {}
    for spec in registry.known_specs():
        c, u, d = spec.latency
        types[spec.lower] = {"create": c, "update": u, "delete": d}
    return {"time_scale": time_scale, "types": types}


class AdminApi:
    """The ``/_emulator/`` endpoints of one emulator."""

    def __init__(self, backend: Backend, auth: Authorizer, throttler: Throttler, faults: FaultInjector,
                 stats: Any) -> None:
        self.backend = backend
        self.auth = auth
        self.throttler = throttler
        self.faults = faults
        self.stats = stats

    def handle(self, request: Request, sub_path: str) -> Reply:
        method = request.method.upper()
        name = ROUTES.get((sub_path, method))
        if name is not None:
            return getattr(self, name)(request)  # type: ignore[no-any-return]
        if sub_path.startswith("/providers/") and method == "PUT":
            return self.provider_put(request, sub_path.split("/", 2)[2])
        raise errors.not_found_path(request.path)

    # ------------------------------------------------------------------ state
    def stats_get(self, request: Request) -> Reply:
        return Reply(200, self.stats.to_json())

    def stats_reset(self, request: Request) -> Reply:
        self.stats.reset()
        return Reply(200, self.stats.to_json())

    def resources(self, request: Request) -> Reply:
        self.backend.settle()
        return Reply(200, {"value": self.backend.dump()})

    def reset(self, request: Request) -> Reply:
        self.backend.reset()
        self.throttler.reset()
        return Reply(200, {"reset": True})

    def latency(self, request: Request) -> Reply:
        return Reply(200, latency_table(self.backend.time_scale))

    # ------------------------------------------------------------------ faults
    def faults_get(self, request: Request) -> Reply:
        spec = self.faults.spec
        return Reply(200, {"faults": spec.to_json() if spec else None, "injected": dict(self.faults.injected)})

    def faults_put(self, request: Request) -> Reply:
        try:
            spec = FaultSpec.from_json(json_body(request))
        except (ValueError, TypeError) as exc:
            raise errors.bad_request("InvalidFaultSpec", str(exc)) from None
        self.faults.configure(spec)
        return Reply(200, {"faults": spec.to_json()})

    def faults_delete(self, request: Request) -> Reply:
        self.faults.configure(None)
        return Reply(200, {"faults": None})

    # ------------------------------------------------------------------ identities
    def principals_get(self, request: Request) -> Reply:
        return Reply(200, {"value": [p.to_json() for p in self.auth.principals()]})

    def principals_post(self, request: Request) -> Reply:
        body = json_body(request)
        b = self.backend
        try:
            p = self.auth.add(str(body.get("name") or "principal"), str(body.get("role") or "Reader"),
                              str(body.get("scope") or f"/subscriptions/{b.subscription_id}"))
        except ValueError as exc:
            raise errors.bad_request("InvalidPrincipal", str(exc)) from None
        with b.lock:
            b.store.set_meta("principals", [x.to_json() for x in self.auth.principals()])
            b.store.commit()
            b.directory.setdefault(p.object_id.lower(), "ServicePrincipal")
        return Reply(201, {"object_id": p.object_id, "token": p.token, "name": p.name})

    def directory_get(self, request: Request) -> Reply:
        with self.backend.lock:
            items = sorted(self.backend.directory.items())
        return Reply(200, {"value": [{"objectId": k, "type": v} for k, v in items]})

    def directory_post(self, request: Request) -> Reply:
        body = json_body(request)
        oid, kind = str(body.get("objectId") or ""), str(body.get("type") or "User")
        if kind not in rp_authorization.PRINCIPAL_TYPES or not oid:
            raise errors.bad_request("InvalidDirectoryObject",
                                     "Give objectId and type (User, Group or ServicePrincipal).")
        b = self.backend
        with b.lock:
            b.directory[oid.lower()] = kind
            saved = [o for o in b.store.meta("directory", []) or [] if o["objectId"].lower() != oid.lower()]
            b.store.set_meta("directory", [*saved, {"objectId": oid, "type": kind}])
            b.store.commit()
        return Reply(201, {"objectId": oid, "type": kind})

    # ------------------------------------------------------------------ Key Vault's data plane
    def vault_secret_get(self, request: Request) -> Reply:
        """``?id=<secret URI or ARM id>``: the secret's current value, as the data plane's GET
        answers it to someone allowed to read it (the emulator has no data plane of its own)."""
        with self.backend.lock:
            res, value = rp_keyvault.secret_value(self.backend.view(), str(request.args.get("id") or ""))
        if res is None:
            raise errors.ArmError(404, "SecretNotFound", "No such secret.")
        return Reply(200, {"id": res.id, "value": value})

    def vault_secret_delete(self, request: Request) -> Reply:
        """``?id=...``: the secret deleted and purged on the data plane, as someone with Key Vault
        Secrets Officer would (``az keyvault secret delete`` then ``purge``)."""
        b = self.backend
        with b.lock:
            found = rp_keyvault.data_plane_delete(b.view(), str(request.args.get("id") or ""))
            b.store.commit()
        return Reply(200 if found else 404, {"deleted": found})

    # ------------------------------------------------------------------ time and operations
    def clock(self, request: Request) -> Reply:
        b = self.backend
        if request.method.upper() == "POST":
            b.clock.advance(float(json_body(request).get("advance", 0)))
        return Reply(200, {"offset": b.clock.offset, "now": b.clock()})

    def activitylog(self, request: Request) -> Reply:
        """The Activity Log's delay: ``{"delay_s": x}`` makes events visible x emulator-clock seconds
        after they happen (null: Azure's latency on the time scale); answers the events kept."""
        b = self.backend
        with b.lock:
            if request.method == "PUT":
                delay = json_body(request).get("delay_s")
                b.activity.delay_s = None if delay is None else float(delay)
            return Reply(200, {"delay_s": b.activity.delay(), "now": b.activity.wall(),
                               "value": [e.body for e in b.activity.events]})

    def settle(self, request: Request) -> Reply:
        return Reply(200, {"completed": self.backend.finish_all()})

    def operations(self, request: Request) -> Reply:
        b = self.backend
        b.settle()
        with b.lock:
            ops = [{"id": o.id, "kind": o.kind, "target": o.target, "status": o.status,
                    "remaining": max(0.0, o.end - b.clock())} for o in b.operations.ops.values()]
        return Reply(200, {"value": ops})

    # ------------------------------------------------------------------ policy, quota, providers
    def compliance(self, request: Request) -> Reply:
        self.backend.settle()
        with self.backend.lock:
            return Reply(200, self.backend.policy.compliance())

    def scan(self, request: Request) -> Reply:
        self.backend.settle()
        with self.backend.lock:
            return Reply(200, self.backend.policy.scan())

    def quota_get(self, request: Request) -> Reply:
        loc = request.args.get("location") or "swedencentral"
        with self.backend.lock:
            return Reply(200, {"location": loc, "value": rp_cognitive.usages(self.backend.view(), loc)})

    def quota_put(self, request: Request) -> Reply:
        with self.backend.lock:
            return Reply(200, rp_cognitive.set_limit(self.backend.view(), json_body(request)))

    def provider_put(self, request: Request, namespace: str) -> Reply:
        """``{"registrationState": ..., "subscription": id}`` (default: the first subscription)."""
        body = json_body(request)
        state = str(body.get("registrationState", "Registered"))
        sub = body.get("subscription")
        if sub is not None and str(sub) not in self.backend.subscriptions:
            raise errors.subscription_not_found(str(sub))
        with self.backend.lock:
            self.backend.registrations.set(namespace, state, str(sub) if sub else None)
        return Reply(200, {"namespace": namespace, "registrationState": state})
