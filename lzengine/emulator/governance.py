"""Azure Policy in the emulator: definitions, assignments, request-time enforcement, compliance.

Owned by :class:`lzengine.emulator.backend.Backend` (``backend.policy``), which gives it a narrow
:class:`PolicyHost` (never itself) and calls
:meth:`Governance.before_write` on every PUT/PATCH (and DELETE, for ``denyAction``) of an ARM
request before the resource provider sees it, and :meth:`Governance.after_write` once the write
was accepted. :mod:`lzengine.emulator.hooks` calls the validation and read helpers for the
``Microsoft.Authorization/policy*`` types; the app exposes ``GET /_emulator/policy/compliance``
and ``POST /_emulator/policy/scan``. Rule evaluation itself is :mod:`lzengine.policy` (the only
lzengine package the emulator may import).

* Definitions: the built-ins found under ``policy_dirs`` (every JSON file with a policy rule or
  a policy set), preloaded under their real ids ``/providers/Microsoft.Authorization/
  policyDefinitions/{name}``, readable at tenant and subscription scope; custom definitions PUT
  at subscription or management-group scope (``InvalidPolicyRule`` when the rule does not
  parse). Unknown ids answer 404 ``PolicyDefinitionNotFound``. A custom definition can be used
  only at or below where it is created: an assignment elsewhere answers
  ``InvalidCreatePolicyAssignmentRequest`` ("out of scope"), an initiative with such a member
  ``InvalidCreatePolicySetDefinitionRequest``.
* Assignments at any scope with parameters (``MissingPolicyParameter``,
  ``UndefinedPolicyParameter``), ``enforcementMode`` and ``notScopes``. An assignment of a
  built-in id that was not preloaded is accepted (Azure has every built-in; the emulator only the
  ones it was given) and is not evaluated: it is listed under ``unevaluated`` in the compliance
  report.
* Enforcement: every applicable assignment, in Azure's order (disabled, append/modify, deny,
  audit, auditIfNotExists after the write); a deny answers 403 ``RequestDisallowedByPolicy``
  with the real body and ``x-ms-failure-cause: gateway``; append/modify rewrite the body that is
  stored. Policy and role writes themselves are not evaluated.
* Compliance: the latest results per resource (in memory), summarised with
  :func:`lzengine.policy.summarize`, plus the last denials.
"""

from __future__ import annotations

import json
import logging
import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from lzengine.emulator import errors, rp_management
from lzengine.emulator.context import TENANT_ID, ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key, parse_resource, split, under
from lzengine.emulator.rp_common import props
from lzengine.emulator.store import Resource
from lzengine.emulator.subscriptions import of_id
from lzengine.emulator.typespec import DeleteMode, PutMode, TypeSpec, sync
from lzengine.policy import (
    Assignment,
    Decision,
    Definition,
    DefinitionError,
    PolicyResult,
    evaluate_request,
    load_definition,
    summarize,
)
from lzengine.policy import RequestContext as PolicyContext


class PolicyHost(Protocol):
    """The narrow view of the emulator the policy engine gets (built by the backend, see
    :class:`lzengine.emulator.backend.PolicyView`): the store, the subscription, how a stored
    resource reads, a type's registry row, and the computed collections of the provider handlers
    (existence conditions may name computed types such as Defender assessments)."""

    store: Any
    subscription_id: str
    subscriptions: Any  # every subscription served (``lzengine.emulator.subscriptions.Subscriptions``)

    def render(self, res: Resource) -> dict[str, Any]: ...

    def spec(self, type_name: str) -> TypeSpec: ...

    def virtual_list(self, rp: ResourcePath) -> list[dict[str, Any]] | None: ...

log = logging.getLogger(__name__)

DEFINITION = "microsoft.authorization/policydefinitions"
SET_DEFINITION = "microsoft.authorization/policysetdefinitions"
ASSIGNMENT = "microsoft.authorization/policyassignments"
EXEMPTION = "microsoft.authorization/policyexemptions"
RG_POLICY_TYPE = "Microsoft.Resources/subscriptions/resourceGroups"
_BUILTIN_ID = re.compile(r"^/providers/microsoft\.authorization/(policydefinitions|policysetdefinitions)/[^/]+$")


def _state(compliant: bool | None) -> str:
    return {True: "Compliant", False: "NonCompliant"}.get(compliant, "Unknown")  # type: ignore[call-overload]


@dataclass
class _Record:
    resource_id: str
    resource_type: str
    results: list[PolicyResult]
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat())


class Governance:
    """Policy definitions, enforcement and compliance of one emulator (use with the backend lock)."""

    def __init__(self, host: PolicyHost, policy_dirs: Sequence[str | Path] | None = None) -> None:
        self.host = host
        self.builtins: dict[str, dict[str, Any]] = {}  # lower-case id → ARM body
        self._loaded: dict[str, Definition] = {}
        self.records: dict[str, _Record] = {}
        self._api_versions: dict[str, str] = {}  # the api-version each recorded resource was last written with
        self.denials: deque[dict[str, Any]] = deque(maxlen=200)
        for d in policy_dirs or ():
            self._load_dir(Path(d))

    # ------------------------------------------------------------------ built-ins
    def _load_dir(self, root: Path) -> None:
        if not root.is_dir():
            raise ValueError(f"policy directory {root} does not exist")
        for path in sorted(root.rglob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("emulator: skipping policy file %s: %s", path, exc)
                continue
            if not isinstance(data, dict):
                continue
            p = data.get("properties") if isinstance(data.get("properties"), dict) else data
            is_set = "policyDefinitions" in p
            if "policyRule" not in p and not is_set:
                continue
            kind = "policySetDefinitions" if is_set else "policyDefinitions"
            name = str(data.get("name") or path.stem)
            def_id = str(data.get("id") or f"/providers/Microsoft.Authorization/{kind}/{name}")
            body = {"id": def_id, "name": name, "type": f"Microsoft.Authorization/{kind}",
                    "properties": {**p, "policyType": p.get("policyType") or "BuiltIn"}}  # fmt: skip
            try:
                self._loaded[id_key(def_id)] = load_definition(body)
            except DefinitionError as exc:
                log.warning("emulator: skipping policy file %s: %s", path, exc)
                continue
            self.builtins[id_key(def_id)] = body

    def builtin(self, kind: str, name: str) -> dict[str, Any] | None:
        """A preloaded built-in; ``kind``: ``policyDefinitions`` or ``policySetDefinitions``."""
        return self.builtins.get(f"/providers/microsoft.authorization/{kind.lower()}/{name.lower()}")

    def definition(self, definition_id: str) -> Definition | None:
        """A loaded definition by id: a preloaded built-in, or a custom one from the store."""
        key = id_key(definition_id)
        if key in self._loaded:
            return self._loaded[key]
        res = self.host.store.get(key)
        if res is None and key.startswith("/subscriptions/"):
            # a built-in addressed at subscription scope
            tail = key.split("/providers/microsoft.authorization/", 1)[-1]
            return self._loaded.get(f"/providers/microsoft.authorization/{tail}")
        if res is None:
            return None
        try:
            return load_definition(res.body)
        except DefinitionError:
            return None

    # ------------------------------------------------------------------ hooks for the policy types
    def validate_definition(self, rp: ResourcePath, body: dict[str, Any]) -> None:
        """A custom policy (set) definition: parseable, written at a scope, its members known."""
        if not rp.scope:
            raise errors.ArmError(
                403, "AuthorizationFailed",
                f"Built-in policy definitions are read-only: the client does not have authorization to "
                f"perform action '{rp.full_type}/write' over scope '/'.", gateway=True)
        try:
            definition = load_definition({"id": rp.id, "name": rp.name, "properties": props(body)})
        except DefinitionError as exc:
            raise errors.bad_request("InvalidPolicyRule", f"Failed to parse policy rule: '{exc}'.") from None
        if definition.is_set:
            for member in definition.members:
                if self.definition(member.policy_definition_id) is None and not _BUILTIN_ID.match(
                        member.policy_definition_id.lower()):
                    raise self._not_found(member.policy_definition_id)
            outside = [m.policy_definition_id for m in definition.members
                       if not self.within(m.policy_definition_id, rp.scope)]
            if outside:  # code and wording as Azure answers (Azure/ALZ-Bicep#399, Azure/Enterprise-Scale#1177)
                raise errors.bad_request(
                    "InvalidCreatePolicySetDefinitionRequest",
                    f"The policy set definition '{rp.name}' request is invalid. Policy definitions should be "
                    "specified only at or above the policy set definition's scope. The following policy definitions "
                    f"are invalid: '{','.join(d.rstrip('/').rsplit('/', 1)[-1] for d in outside)}'.")

    def within(self, definition_id: str, scope: str) -> bool:
        """Whether a definition may be used at ``scope`` (assigned there, or be a member of an
        initiative created there): a built-in everywhere, a custom one at or below the subscription or
        management group it is created at (Azure's "definition location")."""
        key = id_key(definition_id)
        at = key.rfind("/providers/microsoft.authorization/")
        location = key[:at] if at > 0 else ""
        target = id_key(scope or "/")
        if self.host.store.get(key) is None:  # a built-in (also when addressed under a subscription)
            return True
        if not location or location == target or under(target, location):
            return True
        return location in rp_management.scopes_above(self.host.store, scope)

    def validate_assignment(self, rp: ResourcePath, body: dict[str, Any]) -> None:
        self._validate_assignment(rp, body)

    def _not_found(self, definition_id: str) -> errors.ArmError:
        name = definition_id.rstrip("/").rsplit("/", 1)[-1]
        if "/policysetdefinitions/" in definition_id.lower():
            return errors.ArmError(404, "PolicySetDefinitionNotFound",
                                   f"The policy set definition '{name}' could not be found.")
        return errors.ArmError(404, "PolicyDefinitionNotFound", f"The policy definition '{name}' could not be found.")

    def _validate_assignment(self, rp: ResourcePath, body: dict[str, Any]) -> None:
        p = props(body)
        def_id = p.get("policyDefinitionId")
        if not isinstance(def_id, str) or not def_id:
            raise errors.bad_request("InvalidRequestContent",
                                     "The policy assignment needs properties.policyDefinitionId.")
        definition = self.definition(def_id)
        if definition is None:
            if _BUILTIN_ID.match(def_id.lower()):
                return  # a built-in the emulator was not given: accepted, not evaluated
            raise self._not_found(def_id)
        if not self.within(def_id, rp.scope or "/"):
            # code and wording as Azure answers (quoted in Azure/Enterprise-Scale#901); Azure adds a note
            # about hierarchy changes taking up to 30 minutes, which the emulator's hierarchy never needs
            raise errors.bad_request(
                "InvalidCreatePolicyAssignmentRequest",
                f"The policy definition specified in policy assignment '{rp.name}' is out of scope. Policy "
                "definitions should be specified only at or above the policy assignment scope.")
        given = {str(k).lower(): k for k in (p.get("parameters") or {})}
        declared = {str(k).lower(): (k, spec) for k, spec in definition.parameters.items()}
        shown = definition.name
        undefined = [given[k] for k in given if k not in declared]
        if undefined:
            raise errors.bad_request(
                "UndefinedPolicyParameter",
                f"The policy assignment '{rp.name}' has the parameter(s) '{', '.join(undefined)}' which are not "
                f"defined in the policy definition '{shown}'.")
        missing = [name for low, (name, spec) in declared.items()
                   if low not in given and not (isinstance(spec, Mapping) and "defaultValue" in spec)]
        if missing:
            raise errors.bad_request(
                "MissingPolicyParameter",
                f"The policy assignment '{rp.name}' is missing the parameter(s) '{', '.join(missing)}' as defined "
                f"in the policy definition '{shown}'.")
        values = Assignment.from_arm({**body, "id": rp.id, "name": rp.name}).parameter_values()
        for low, (name, spec) in declared.items():
            allowed = spec.get("allowedValues") if isinstance(spec, Mapping) else None
            if not allowed or low not in given:
                continue
            value = values.get(given[low])
            # code and wording as Azure answers them (Azure/terraform-azurerm-caf-enterprise-scale#1313,
            # salesforce/cloud-guardrails#53); Azure compares the values case-sensitively there, this check
            # does not [difference kept: plans send the casing the definition lists]
            if not _allowed(value, allowed):
                raise errors.bad_request(
                    "PolicyParameterValueNotAllowed",
                    f"The value '{value}' is not allowed for policy parameter '{name}' in policy definition "
                    f"'{shown}'. The allowed values are '{', '.join(str(a) for a in allowed)}'.")
        effect = _effect_of(definition, values)
        if effect in ("modify", "deployifnotexists") and not body.get("identity"):
            raise errors.bad_request(
                "InvalidCreatePolicyAssignmentRequest",
                f"The policy assignment '{rp.name}' request is invalid. Policy assignments must include a "
                f"'managed identity' when assigning '{effect}' policy definitions.")

    def definition_not_found(self, rp: ResourcePath) -> errors.ArmError:
        return self._not_found(rp.id)

    def builtin_definition(self, rp: ResourcePath) -> dict[str, Any] | None:
        """A built-in policy (set) definition by name: readable at every scope."""
        return self.builtin(rp.types[-1], rp.name)

    def definitions(self, rp: ResourcePath) -> list[dict[str, Any]]:
        """Built-in definitions of the type, and the custom ones at or under the scope."""
        t = rp.full_type.lower()
        builtins = [b for k, b in self.builtins.items() if f"/{t.split('/', 1)[1]}/" in k]
        if not rp.scope:
            return builtins
        custom = [self.host.render(r) for r in self.host.store.of_type(t, id_key(rp.scope))]
        return [*custom, *builtins]

    # ------------------------------------------------------------------ enforcement
    def _assignments(self) -> list[tuple[Assignment, Resource]]:
        out = []
        for res in self.host.store.of_type(ASSIGNMENT):
            try:
                out.append((Assignment.from_arm(res.body), res))
            except DefinitionError:
                continue
        return out

    def _definitions(self, assignments: list[tuple[Assignment, Resource]]) -> tuple[dict[str, Definition],
                                                                                   list[Assignment], list[str]]:
        defs: dict[str, Definition] = {}
        usable: list[Assignment] = []
        skipped: list[str] = []
        for a, _res in assignments:
            d = self.definition(a.policy_definition_id)
            members: list[Definition] = []
            ok = d is not None
            if d is not None and d.is_set:
                for m in d.members:
                    md = self.definition(m.policy_definition_id)
                    if md is None:
                        ok = False
                        break
                    members.append(md)
            if not ok or d is None:
                skipped.append(a.id)
                continue
            defs[id_key(a.policy_definition_id)] = d
            for m, md in zip(d.members, members, strict=False):
                defs[id_key(m.policy_definition_id)] = md
            usable.append(a)
        return defs, usable, skipped

    def _context(self, method: str, api_version: str, resource: Mapping[str, Any], tags_only: bool = False,
                 lookup: bool = False) -> PolicyContext:
        rg = None
        rid = str(resource.get("id") or "")
        parts = split(rid)
        if len(parts) >= 4 and parts[0].lower() == "subscriptions" and parts[2].lower() == "resourcegroups":
            rg_res = self.host.store.get(id_key("/" + "/".join(parts[:4])))
            if rg_res is not None:
                rg = {**rg_res.body, "type": RG_POLICY_TYPE}
        # assignments at a management group apply below it only (rp_management keeps the hierarchy)
        sub = of_id(rid) or self.host.subscription_id
        served = self.host.subscriptions
        mgs = rp_management.scopes_above(self.host.store, rid) if of_id(rid) else []
        return PolicyContext(
            api_version=api_version, subscription_id=sub, resource_group=rg,
            method=method, tags_only=tags_only, tenant_id=TENANT_ID,
            subscription_display_name=served.display_name(sub) if served is not None else "lzengine emulator",
            management_group_ids=tuple(mgs), existence_lookup=self._lookup if lookup else None,
        )  # fmt: skip

    def exempt(self, type_name: str) -> bool:
        """Writes Azure Policy does not evaluate (policy, role and management objects: a row's
        ``policy_exempt``)."""
        return self.host.spec(type_name).policy_exempt

    def _as_policy_sees(self, body: Mapping[str, Any], full_type: str) -> dict[str, Any]:
        """The body with the type Azure Policy matches on (``Microsoft.Resources/subscriptions/resourceGroups``
        for a resource group: a row's ``policy_type``)."""
        spec = self.host.spec(full_type)
        return {**body, "type": spec.policy_type or spec.type}

    def evaluate(self, resource: Mapping[str, Any], method: str, api_version: str, *, tags_only: bool = False,
                 lookup: bool = False) -> Decision | None:
        assignments = self._assignments()
        if not assignments:
            return None
        defs, usable, _skipped = self._definitions(assignments)
        if not usable:
            return None
        return evaluate_request(resource, assignments=usable, definitions=defs,
                                context=self._context(method, api_version, resource, tags_only, lookup))

    def before_write(self, rp_id: str, rp_name: str, full_type: str, body: dict[str, Any], method: str,
                     api_version: str, *, tags_only: bool = False) -> tuple[dict[str, Any], Decision | None]:
        """Evaluate a request; raise 403 on a deny; answer the (possibly rewritten) body."""
        if self.exempt(full_type):
            return body, None
        resource = self._as_policy_sees({**body, "id": rp_id, "name": rp_name}, full_type)
        decision = self.evaluate(resource, method, api_version, tags_only=tags_only)
        if decision is None:
            return body, None
        if decision.denied:
            error = decision.deny_error()
            self.denials.append({"resourceId": rp_id, "method": method, "time": datetime.now(UTC).isoformat(),
                                 "error": error["error"]})  # fmt: skip
            raise errors.ArmError(403, "RequestDisallowedByPolicy", error["error"]["message"],
                                  raw=error, gateway=True)
        out = dict(decision.modified_resource)
        for key in ("id", "name", "type"):
            out.pop(key, None)
        return out, decision

    def after_write(self, resource_id: str, full_type: str, api_version: str, decision: Decision | None) -> None:
        """Record the results once the provider accepted the write (existence checks run now)."""
        if decision is None:
            return
        res = self.host.store.get(id_key(resource_id))
        if res is None:
            return
        if decision.pending_results:
            body = self._as_policy_sees(self.host.render(res), full_type)
            final = self.evaluate(body, "PUT", api_version, lookup=True)
            results = final.results if final is not None else []
        else:
            results = decision.results
        self._record(res.id, full_type, results)
        self._api_versions[res.key] = api_version
        self.recheck_parent(resource_id)

    def recheck_parent(self, resource_id: str) -> None:
        """An extension resource written or removed (a diagnostic setting) changes what an
        ``auditIfNotExists`` on the resource it extends finds: evaluate that resource again, as
        Azure's next evaluation of it does (minutes later; at once here). Only resources with such
        a result are evaluated again."""
        parent_id, sep, _ = resource_id.rpartition("/providers/")
        if not sep or "/providers/" not in parent_id:
            return
        record = self.records.get(id_key(parent_id))
        if record is None or not any(r.effect.lower() == "auditifnotexists" for r in record.results):
            return
        parent = self.host.store.get(id_key(parent_id))
        if parent is None:
            return
        final = self.evaluate(self.host.render(parent), "PUT", self._api_versions.get(parent.key, ""),
                              lookup=True)
        self._record(parent.id, parent.type, final.results if final is not None else [])

    def before_delete(self, res: Resource, api_version: str) -> None:
        """``denyAction`` on DELETE."""
        if self.exempt(res.type):
            return
        decision = self.evaluate(self._as_policy_sees(self.host.render(res), res.type), "DELETE", api_version)
        if decision is not None and decision.denied:
            error = decision.deny_error()
            self.denials.append({"resourceId": res.id, "method": "DELETE", "time": datetime.now(UTC).isoformat(),
                                 "error": error["error"]})  # fmt: skip
            raise errors.ArmError(403, "RequestDisallowedByPolicy", error["error"]["message"], raw=error,
                                  gateway=True)

    def _record(self, resource_id: str, resource_type: str, results: list[PolicyResult]) -> None:
        kept = [r for r in results if r.effect != "Disabled"]
        self.records[id_key(resource_id)] = _Record(resource_id, resource_type, kept)

    def forget(self, key: str) -> None:
        self.records.pop(key, None)
        self._api_versions.pop(key, None)
        self.recheck_parent(key)

    def forget_assignment(self, assignment_id: str) -> None:
        key = id_key(assignment_id)
        for rec in self.records.values():
            rec.results = [r for r in rec.results if id_key(r.assignment.id) != key]

    # ------------------------------------------------------------------ existence lookups
    def _lookup(self, rtype: str, scope: str, name: str | None) -> list[dict[str, Any]]:
        """Resources of a type at or under a scope (an ``existenceCondition``'s candidates); computed
        types (Defender assessments) come from their provider handler's ``virtual_list``."""
        t = rtype.lower()
        collection = parse_resource(split(f"{scope}/providers/{rtype}"))
        computed = self.host.virtual_list(collection) if collection is not None else None
        if computed is not None:
            return [item for item in computed if not name or _name_matches(str(item.get("id", "")), name)]
        scope_key = id_key(scope)
        out = []
        for res in self.host.store.of_type(t):
            if res.key == scope_key or not under(res.key, scope_key):
                continue
            if name and not _name_matches(res.id, name):
                continue
            out.append(self.host.render(res))
        return out

    # ------------------------------------------------------------------ compliance views
    def scan(self) -> dict[str, Any]:
        """Evaluate every stored resource (Azure's periodic compliance scan)."""
        for res in list(self.host.store.all()):
            spec = self.host.spec(res.type)
            if spec.policy_exempt or not spec.compliance_scan:
                continue
            body = self._as_policy_sees(self.host.render(res), res.type)
            decision = self.evaluate(body, "PUT", "2024-05-01", lookup=True)
            if decision is not None:
                self._record(res.id, res.type, decision.results)
        return self.compliance()

    def compliance(self) -> dict[str, Any]:
        _defs, _usable, skipped = self._definitions(self._assignments())
        results = [r for rec in self.records.values() for r in rec.results]
        resources = []
        for rec in self.records.values():
            if not rec.results:
                continue
            states = {_state(r.compliant) for r in rec.results}
            overall = "NonCompliant" if "NonCompliant" in states else (
                "Compliant" if states == {"Compliant"} else "Unknown")
            resources.append({
                "resourceId": rec.resource_id, "resourceType": rec.resource_type, "complianceState": overall,
                "timestamp": rec.time, "results": [_result_json(r) for r in rec.results],
            })  # fmt: skip
        return {"summary": summarize(results), "resources": resources, "denials": list(self.denials),
                "unevaluated": skipped}


def _result_json(r: PolicyResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "policyAssignmentId": r.assignment.id,
        "policyAssignmentName": r.assignment.name,
        "policyDefinitionId": r.definition.id,
        "policyDefinitionName": r.definition.name,
        "effect": r.effect,
        "complianceState": _state(r.compliant),
        "enforced": r.enforced,
        "evaluatedExpressions": r.evaluated_expressions,
    }
    if r.set_definition is not None:
        out["policySetDefinitionId"] = r.set_definition.id
        out["policyDefinitionReferenceId"] = r.reference_id
    if r.reason:
        out["reason"] = r.reason
    if r.operations:
        out["operations"] = r.operations
    return out


def _allowed(value: Any, allowed: list[Any]) -> bool:
    def norm(v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v

    if isinstance(value, list):
        return all(norm(v) in [norm(a) for a in allowed] for v in value)
    return norm(value) in [norm(a) for a in allowed]


def _effect_of(definition: Definition, values: dict[str, Any]) -> str:
    if definition.is_set:
        return ""
    raw = definition.then.get("effect") if isinstance(definition.then, Mapping) else None
    if not isinstance(raw, str):
        return ""
    m = re.fullmatch(r"\[parameters\('([^']+)'\)\]", raw.strip())
    if m is None:
        return raw.lower()
    name = m.group(1).lower()
    for k, v in values.items():
        if k.lower() == name:
            return str(v).lower()
    for k, spec in definition.parameters.items():
        if k.lower() == name and isinstance(spec, Mapping):
            return str(spec.get("defaultValue") or "").lower()
    return ""


def _name_matches(resource_id: str, pattern: str) -> bool:
    rp = parse_resource(split(resource_id))
    if rp is None:
        return False
    names = [n.lower() for n in rp.names]
    want = [w.lower() for w in pattern.split("/")]
    if len(want) == 1:
        return want[0] in ("?", names[-1])
    if len(want) != len(names):
        return False
    return all(w in ("?", n) for w, n in zip(want, names, strict=True))


# ---------------------------------------------------------------------------- handlers of the policy types
def _validate_definition(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                         parent_body: dict[str, Any] | None) -> None:
    ctx.policy.validate_definition(rp, body)


def _validate_assignment(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                         parent_body: dict[str, Any] | None) -> None:
    ctx.policy.validate_assignment(rp, body)


def _after_assignment(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                      state: str) -> None:
    p = res.body.setdefault("properties", {})
    p["scope"] = rp.scope or "/"
    p.setdefault("enforcementMode", "Default")
    p.setdefault("notScopes", [])
    p.setdefault("parameters", {})


def _after_definition(mode: str | None) -> Any:
    """After-put of a custom policy (set) definition; ``mode``: the default mode (definitions only)."""
    def after_put(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                  state: str) -> None:
        p = res.body.setdefault("properties", {})
        p["policyType"] = "Custom"
        if mode:
            p.setdefault("mode", mode)
        p.setdefault("parameters", {})
    return after_put


def _removed_assignment(ctx: ProviderContext, res: Resource) -> None:
    ctx.policy.forget_assignment(res.id)


def _builtin(ctx: ProviderContext, rp: ResourcePath) -> dict[str, Any] | None:
    return ctx.policy.builtin_definition(rp)


def _definitions(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]]:
    return ctx.policy.definitions(rp)


def _definition_not_found(ctx: ProviderContext, rp: ResourcePath) -> errors.ArmError:
    return ctx.policy.definition_not_found(rp)


def _assignment_not_found(ctx: ProviderContext, rp: ResourcePath) -> errors.ArmError:
    return errors.ArmError(404, "PolicyAssignmentNotFound", f"The policy assignment '{rp.name}' is not found.")


_DEFINITIONS = {"virtual_get": _builtin, "virtual_list": _definitions, "not_found": _definition_not_found}
POLICY_VERSIONS = (
    "2019-09-01", "2020-09-01", "2021-06-01", "2022-06-01", "2023-04-01", "2024-04-01",
    "2024-05-01", "2025-01-01", "2025-03-01", "2025-11-01", "2026-06-01",
)  # fmt: skip


def _policy(type_: str, update: int = 201, delete_body: bool = True) -> TypeSpec:
    """A policy object: synchronous, 201 on create, a proxy resource with no provisioningState."""
    return sync(type_, POLICY_VERSIONS, create=PutMode(201), update=PutMode(update),
                delete=DeleteMode(200, body=delete_body), listed=False, state_field=False, policy_exempt=True)


SPECS: list[TypeSpec] = [
    _policy("Microsoft.Authorization/policyDefinitions"),
    _policy("Microsoft.Authorization/policySetDefinitions"),
    _policy("Microsoft.Authorization/policyAssignments"),
    _policy("Microsoft.Authorization/policyExemptions", update=200, delete_body=False),
]


HANDLERS: dict[str, Handler] = {
    DEFINITION: Handler(validate=_validate_definition, after_put=_after_definition("Indexed"), **_DEFINITIONS),
    SET_DEFINITION: Handler(validate=_validate_definition, after_put=_after_definition(None), **_DEFINITIONS),
    ASSIGNMENT: Handler(validate=_validate_assignment, after_put=_after_assignment, on_removed=_removed_assignment,
                        not_found=_assignment_not_found, virtual_list=rp_management.visible_assignments),
}
