"""Request-time Azure Policy evaluation: which assignments apply, in which order the effects run,
what the request body becomes, and the 403 body of a denial.

Called by the engine's preflight (before any write, to predict a ``RequestDisallowedByPolicy``)
and by the local ARM emulator (on every PUT/PATCH/DELETE, to enforce policy like ARM does),
through :func:`evaluate_request`. Pure and deterministic: no I/O except the host-supplied
``existence_lookup`` callback for ``auditIfNotExists``/``deployIfNotExists``.

Order (learn.microsoft.com, "Azure Policy definitions effect basics"): ``disabled`` → ``append`` /
``modify`` (rewrite the request) → ``deny`` → ``audit`` → ``manual`` → ``auditIfNotExists`` /
``deployIfNotExists`` → ``denyAction`` (DELETE only). A failed template function is an implicit
deny; ``enforcementMode: DoNotEnforce`` evaluates and records but never blocks or rewrites.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import aliases
from .conditions import DefinitionError, Environment, Evaluator
from .expressions import TemplateError, evaluate_value
from .models import (
    Assignment,
    Definition,
    DefinitionNotFoundError,
    PolicyResult,
    RequestContext,
    _get_ci,
    canonical_effect,
)
from .scope import applies_to_mode, resource_group_id, scope_contains

__all__ = ["Decision", "evaluate_request", "summarize"]

_MUTATING = ("Append", "Modify")
_EVALUATIVE = ("Deny", "Audit", "Manual", "AuditIfNotExists", "DeployIfNotExists")
_PHASE = {"Deny": 0, "Audit": 1, "Manual": 2, "AuditIfNotExists": 3, "DeployIfNotExists": 3, "DenyAction": 4}

DENY_ACTION_EXEMPT_TYPES = frozenset(
    {
        "microsoft.authorization/policyassignments",
        "microsoft.authorization/denyassignments",
        "microsoft.blueprint/blueprintassignments",
        "microsoft.resources/deploymentstacks",
        "microsoft.resources/subscriptions",
        "microsoft.authorization/locks",
    }
)
"""Types Azure never blocks with ``denyAction`` (to prevent lock-out)."""

EXTENSION_TYPE_PREFIXES = (
    "microsoft.security/",
    "microsoft.insights/diagnosticsettings",
    "microsoft.authorization/",
    "microsoft.guestconfiguration/",
    "microsoft.policyinsights/",
    "microsoft.resources/links",
)
"""Related types that live *on* the evaluated resource (extension resources): existence checks
look them up with the resource id as scope."""


# ----------------------------------------------------------------------------------------------
# Decision
# ----------------------------------------------------------------------------------------------


@dataclass
class Decision:
    """The outcome of :func:`evaluate_request`.

    ``modified_resource`` is the body after append/modify (the input itself when nothing
    changed). ``results`` holds one :class:`PolicyResult` per evaluated (assignment, definition),
    in evaluation order.
    """

    resource: Mapping[str, Any]
    modified_resource: dict[str, Any]
    results: list[PolicyResult] = field(default_factory=list)

    @property
    def denied(self) -> bool:
        """True if an enforced result blocks the request (ARM answers 403)."""
        return any(r.denies for r in self.results)

    @property
    def denying_results(self) -> list[PolicyResult]:
        return [r for r in self.results if r.denies]

    @property
    def pending_results(self) -> list[PolicyResult]:
        """auditIfNotExists/deployIfNotExists results that still need a post-RP existence check."""
        return [r for r in self.results if r.pending]

    @property
    def modified(self) -> bool:
        return self.modified_resource is not self.resource

    def deny_error(self) -> dict[str, Any]:
        """The ARM error body ``{"error": {...}}`` of the 403 ``RequestDisallowedByPolicy``.

        Raises ``ValueError`` if the request was not denied.
        """
        blockers = self.denying_results
        if not blockers:
            raise ValueError("the request was not denied by policy")
        name = _resource_name(self.resource)
        identifiers: list[dict[str, Any]] = []
        for r in blockers:
            ident: dict[str, Any] = {
                "policyAssignment": {"name": r.assignment.display_name or r.assignment.name, "id": r.assignment.id},
                "policyDefinition": {"name": r.definition.display_name or r.definition.name, "id": r.definition.id},
            }
            if r.set_definition is not None:
                ident["policySetDefinition"] = {
                    "name": r.set_definition.display_name or r.set_definition.name,
                    "id": r.set_definition.id,
                }
            if ident not in identifiers:
                identifiers.append(ident)
        reasons = _non_compliance_messages(blockers)
        if reasons:
            joined = "', '".join(reasons)
            message = (
                f"Resource '{name}' was disallowed by policy. Reasons: '{joined}'. "
                "See error details for policy resource IDs."
            )
        else:
            ids = json.dumps(identifiers, separators=(",", ":"), ensure_ascii=False)
            message = f"Resource '{name}' was disallowed by policy. Policy identifiers: '{ids}'."
        return {
            "error": {
                "code": "RequestDisallowedByPolicy",
                "target": name,
                "message": message,
                "additionalInfo": [{"type": "PolicyViolation", "info": _violation_info(r)} for r in blockers],
            }
        }


def _resource_name(resource: Mapping[str, Any]) -> str:
    name = resource.get("name")
    if isinstance(name, str) and name:
        return name.rsplit("/", 1)[-1]
    rid = resource.get("id")
    return rid.rstrip("/").rsplit("/", 1)[-1] if isinstance(rid, str) and rid else ""


def _non_compliance_messages(results: Sequence[PolicyResult]) -> list[str]:
    out: list[str] = []
    for r in results:
        for entry in r.assignment.non_compliance_messages:
            ref = _get_ci(entry, "policyDefinitionReferenceId")
            msg = _get_ci(entry, "message")
            if not isinstance(msg, str) or not msg:
                continue
            if ref is None or (r.reference_id is not None and str(ref).lower() == r.reference_id.lower()):
                if msg not in out:
                    out.append(msg)
    return out


def _violation_info(r: PolicyResult) -> dict[str, Any]:
    details: dict[str, Any] = {"evaluatedExpressions": r.evaluated_expressions}
    if r.reason and r.effect == "Deny" and not r.evaluated_expressions:
        details["reason"] = r.reason
    info: dict[str, Any] = {
        "policyDefinitionDisplayName": r.definition.display_name or r.definition.name,
        "evaluationDetails": details,
        "policyDefinitionId": r.definition.id,
        "policyDefinitionName": r.definition.name,
        "policyDefinitionEffect": r.effect,
        "policyAssignmentId": r.assignment.id,
        "policyAssignmentName": r.assignment.name,
        "policyAssignmentDisplayName": r.assignment.display_name,
        "policyAssignmentScope": r.assignment.scope,
        "policyAssignmentParameters": dict(r.assignment.parameters),
    }
    if r.set_definition is not None:
        info["policySetDefinitionId"] = r.set_definition.id
        info["policySetDefinitionName"] = r.set_definition.name
        info["policySetDefinitionDisplayName"] = r.set_definition.display_name
        info["policyDefinitionReferenceId"] = r.reference_id
    return info


# ----------------------------------------------------------------------------------------------
# Preparation: applicable (assignment, definition) units with their parameter values
# ----------------------------------------------------------------------------------------------


@dataclass
class _Unit:
    assignment: Assignment
    definition: Definition
    set_definition: Definition | None
    reference_id: str | None
    parameters: dict[str, Any]
    env: Environment
    error: str | None = None
    effect: str = "Deny"


class _DefinitionIndex:
    def __init__(self, definitions: Mapping[str, Definition]) -> None:
        self._by_key: dict[str, Definition] = {}
        for key, d in definitions.items():
            for k in (key, d.id, d.name):
                if k:
                    self._by_key.setdefault(k.strip().lower(), d)

    def get(self, definition_id: str) -> Definition:
        key = definition_id.strip().lower()
        found = self._by_key.get(key) or self._by_key.get(key.rsplit("/", 1)[-1])
        if found is None:
            raise DefinitionNotFoundError(f"policy definition {definition_id!r} was not supplied")
        return found


def _merge_parameters(definition: Definition, values: Mapping[str, Any]) -> dict[str, Any]:
    merged = definition.default_parameters()
    declared = {n.lower(): n for n in definition.parameters}
    for name, value in values.items():
        merged[declared.get(name.lower(), name)] = value
    return merged


def _base_environment(resource: Mapping[str, Any], context: RequestContext) -> Environment:
    sub = context.subscription_id
    subscription = {
        "id": f"/subscriptions/{sub}",
        "subscriptionId": sub,
        "tenantId": context.tenant_id,
        "displayName": context.subscription_display_name,
    }
    request: dict[str, Any] = {"apiVersion": context.api_version}
    if context.identity is not None:
        request["identity"] = dict(context.identity)
    rg = context.resource_group
    if rg is None:
        rtype = str(resource.get("type", "")).lower()
        rid = str(resource.get("id", ""))
        if rtype in ("microsoft.resources/subscriptions/resourcegroups", "microsoft.resources/resourcegroups"):
            rg = dict(resource)
        elif (rg_id := resource_group_id(rid)) is not None:
            rg = {"id": rg_id, "name": rg_id.rsplit("/", 1)[-1], "type": "Microsoft.Resources/resourceGroups"}
    return Environment(
        subscription=subscription,
        request=request,
        resource_group=rg,
        now=context.now or datetime.now(UTC),
    )


def _applies(assignment: Assignment, resource_id: str, context: RequestContext) -> bool:
    mgs = context.management_group_ids
    if not scope_contains(assignment.scope, resource_id, mgs):
        return False
    return not any(scope_contains(ns, resource_id, mgs) for ns in assignment.not_scopes)


def _units(
    resource: Mapping[str, Any],
    assignments: Iterable[Assignment],
    index: _DefinitionIndex,
    base_env: Environment,
    context: RequestContext,
) -> list[_Unit]:
    resource_id = str(resource.get("id") or "")
    units: list[_Unit] = []
    for assignment in assignments:
        if not _applies(assignment, resource_id, context):
            continue
        definition = index.get(assignment.policy_definition_id)
        values = assignment.parameter_values()
        if not definition.is_set:
            env = dataclasses.replace(
                base_env,
                policy={"assignmentId": assignment.id, "definitionId": definition.id},
            )
            units.append(_Unit(assignment, definition, None, None, _merge_parameters(definition, values), env))
            continue
        set_params = _merge_parameters(definition, values)
        for member in definition.members:
            member_def = index.get(member.policy_definition_id)
            env = dataclasses.replace(
                base_env,
                policy={
                    "assignmentId": assignment.id,
                    "definitionId": member_def.id,
                    "setDefinitionId": definition.id,
                    "definitionReferenceId": member.reference_id,
                },
            )
            unit = _Unit(assignment, member_def, definition, member.reference_id, {}, env)
            try:
                host = Evaluator(resource, parameters=set_params, env=env)
                member_values = {
                    name: evaluate_value(_get_ci(spec, "value") if isinstance(spec, Mapping) else spec, host)
                    for name, spec in member.parameters.items()
                }
                unit.parameters = _merge_parameters(member_def, member_values)
            except TemplateError as exc:
                unit.error = f"policy set parameter evaluation failed: {exc}"
            units.append(unit)
    return units


def _tests_tags(node: Any) -> bool:
    if isinstance(node, str):
        s = node.strip().lower()
        return s.startswith("tags") or "'tags" in s or "tags[" in s or "tags." in s
    if isinstance(node, Mapping):
        return any(_tests_tags(v) for v in node.values())
    if isinstance(node, list):
        return any(_tests_tags(v) for v in node)
    return False


def _resolve_effect(unit: _Unit, resource: Mapping[str, Any]) -> str:
    raw = _get_ci(unit.definition.then, "effect")
    host = Evaluator(resource, parameters=unit.parameters, env=unit.env)
    effect = canonical_effect(evaluate_value(raw, host))
    for override in unit.assignment.overrides:
        if str(_get_ci(override, "kind", "")).lower() != "policyeffect":
            continue
        if _selectors_match(_get_ci(override, "selectors") or [], unit.reference_id):
            effect = canonical_effect(_get_ci(override, "value"))
    return effect


def _selectors_match(selectors: Sequence[Mapping[str, Any]], reference_id: str | None) -> bool:
    for sel in selectors:
        if str(_get_ci(sel, "kind", "")).lower() != "policydefinitionreferenceid":
            continue
        ref = (reference_id or "").lower()
        inside = [str(x).lower() for x in _get_ci(sel, "in") or []]
        outside = [str(x).lower() for x in _get_ci(sel, "notIn") or []]
        if inside and ref not in inside:
            return False
        if outside and ref in outside:
            return False
    return True


# ----------------------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------------------


def evaluate_request(
    resource: Mapping[str, Any],
    *,
    assignments: Sequence[Assignment],
    definitions: Mapping[str, Definition],
    context: RequestContext,
) -> Decision:
    """Evaluate every applicable assignment against one ARM request.

    ``resource`` is the body as it would be after the request (``id``, ``name``, ``type``,
    ``location``, ``tags``, ``properties``, ...); for DELETE, the existing resource.
    ``definitions`` maps any key (id or name) to loaded definitions, including the members of
    any policy set that is assigned. Raises :class:`DefinitionNotFoundError` if an assignment
    references a definition that is not supplied; every other failure is reported in the
    results (template failures as implicit denies).
    """
    index = _DefinitionIndex(definitions)
    base_env = _base_environment(resource, context)
    rtype = str(resource.get("type") or "")
    method = context.method.upper()
    units = [
        u for u in _units(resource, assignments, index, base_env, context) if applies_to_mode(u.definition.mode, rtype)
    ]
    if method == "PATCH" and context.tags_only:
        units = [u for u in units if _tests_tags(u.definition.if_condition)]

    decision = Decision(resource=resource, modified_resource=resource)  # type: ignore[arg-type]
    results = decision.results
    pending: list[_Unit] = []
    for unit in units:
        if unit.error is None:
            try:
                unit.effect = _resolve_effect(unit, resource)
            except (TemplateError, ValueError) as exc:
                unit.error = f"effect evaluation failed: {exc}"
        if method == "DELETE":
            # Only denyAction applies to a delete; a unit whose effect cannot be resolved is not
            # known to be one, so it does not block the delete.
            if unit.error is None and unit.effect == "DenyAction":
                pending.append(unit)
            continue
        if unit.error is not None:
            results.append(_implicit_deny(unit, unit.error))
            continue
        if unit.effect == "Disabled":
            results.append(_result(unit, "Disabled", None, reason="effect is disabled"))
            continue
        if unit.effect in _MUTATING or unit.effect in _EVALUATIVE:
            pending.append(unit)

    # append / modify: may rewrite the request before anything else looks at it
    work: dict[str, Any] | None = None
    claimed: dict[str, tuple[Any, _Unit]] = {}
    for unit in (u for u in pending if u.effect in _MUTATING):
        current = work if work is not None else resource
        try:
            matched, exprs = Evaluator(current, parameters=unit.parameters, env=unit.env).evaluate(
                unit.definition.if_condition
            )
            if not matched:
                results.append(_result(unit, unit.effect, True))
                continue
            result, staged = _apply_mutation(unit, current, exprs, claimed)
        except (TemplateError, ValueError) as exc:
            results.append(_implicit_deny(unit, f"policy evaluation failed: {exc}"))
            continue
        if staged is not None and unit.assignment.enforced:
            work = staged
        results.append(result)
    if work is not None:
        decision.modified_resource = work
    evaluated = decision.modified_resource

    later = sorted((u for u in pending if u.effect in _PHASE), key=lambda u: _PHASE[u.effect])
    for unit in later:
        results.append(_evaluate_unit(unit, evaluated, context))
    return decision


def _result(unit: _Unit, effect: str, compliant: bool | None, **kw: Any) -> PolicyResult:
    return PolicyResult(
        assignment=unit.assignment,
        definition=unit.definition,
        effect=effect,
        compliant=compliant,
        enforced=unit.assignment.enforced,
        set_definition=unit.set_definition,
        reference_id=unit.reference_id,
        parameters=dict(unit.parameters),
        **kw,
    )


def _implicit_deny(unit: _Unit, reason: str) -> PolicyResult:
    return _result(unit, "Deny", False, reason=f"{reason} (implicit deny)", blocking=True)


def _evaluate_unit(unit: _Unit, resource: Mapping[str, Any], context: RequestContext) -> PolicyResult:
    evaluator = Evaluator(resource, parameters=unit.parameters, env=unit.env)
    try:
        matched, exprs = evaluator.evaluate(unit.definition.if_condition)
    except TemplateError as exc:
        return _implicit_deny(unit, f"policy evaluation failed: {exc}")
    effect = unit.effect
    if not matched:
        return _result(unit, effect, True)
    if effect == "Deny":
        return _result(unit, effect, False, evaluated_expressions=exprs, blocking=True)
    if effect == "Audit":
        return _result(unit, effect, False, evaluated_expressions=exprs)
    if effect == "Manual":
        return _result(unit, effect, None, evaluated_expressions=exprs, reason="manual attestation required")
    if effect == "DenyAction":
        try:
            return _deny_action(unit, resource, exprs)
        except TemplateError as exc:
            return _implicit_deny(unit, f"policy evaluation failed: {exc}")
    return _existence(unit, resource, exprs, context)


def _deny_action(unit: _Unit, resource: Mapping[str, Any], exprs: list[dict[str, Any]]) -> PolicyResult:
    host = Evaluator(resource, parameters=unit.parameters, env=unit.env)
    details = evaluate_value(_get_ci(unit.definition.then, "details") or {}, host)
    actions = [str(a).lower() for a in (_get_ci(details, "actionNames") or [])] if isinstance(details, Mapping) else []
    rtype = str(resource.get("type") or "").lower()
    if "delete" not in actions or rtype in DENY_ACTION_EXEMPT_TYPES:
        return _result(unit, "DenyAction", True, evaluated_expressions=exprs, reason="action not covered")
    return _result(unit, "DenyAction", False, evaluated_expressions=exprs, blocking=True)


# ----------------------------------------------------------------------------------------------
# append / modify
# ----------------------------------------------------------------------------------------------


def _apply_mutation(
    unit: _Unit,
    resource: Mapping[str, Any],
    exprs: list[dict[str, Any]],
    claimed: dict[str, tuple[Any, _Unit]],
) -> tuple[PolicyResult, dict[str, Any] | None]:
    """Stage the operations of a matched append/modify on a copy. Returns the result and the
    rewritten body (``None`` if nothing is to be applied)."""
    host = Evaluator(resource, parameters=unit.parameters, env=unit.env)
    details = _get_ci(unit.definition.then, "details")
    staged = copy.deepcopy(dict(resource))
    rtype = str(resource.get("type") or "").lower()
    applied: list[dict[str, Any]] = []
    conflicts: list[str] = []
    if unit.effect == "Append":
        entries = details if isinstance(details, list) else [details] if isinstance(details, Mapping) else []
        operations = [("append", _get_ci(e, "field"), _get_ci(e, "value"), None) for e in entries]
        conflict_effect = "Deny"
    else:
        details = details if isinstance(details, Mapping) else {}
        operations = [
            (
                str(evaluate_value(_get_ci(op, "operation"), host) or ""),
                _get_ci(op, "field"),
                _get_ci(op, "value"),
                _get_ci(op, "condition"),
            )
            for op in _get_ci(details, "operations") or []
        ]
        conflict_effect = canonical_effect(evaluate_value(_get_ci(details, "conflictEffect") or "deny", host))
    for operation, raw_field, raw_value, raw_condition in operations:
        if raw_condition is not None:
            cond = evaluate_value(raw_condition, host)
            if not (cond is True or (isinstance(cond, str) and cond.lower() == "true")):
                continue
        field_name = evaluate_value(raw_field, host)
        if not isinstance(field_name, str):
            raise TemplateError(f"a {unit.effect.lower()} field must be a string, got {field_name!r}")
        value = evaluate_value(raw_value, host)
        ref = aliases.parse_field(field_name)
        if ref.resource_type is not None and ref.resource_type != rtype:
            continue  # alias of another type: not applicable to this request
        if ref.kind != "path":
            conflicts.append(f"{field_name!r} cannot be modified")
            continue
        if operation.lower() not in ("addorreplace", "add", "remove", "append"):
            raise TemplateError(f"unknown modify operation {operation!r}")
        key = ref.path.lower()
        previous = claimed.get(key)
        if previous is not None and previous[1] is not unit and previous[0] != value:
            conflicts.append(f"{field_name!r} is also modified by assignment {previous[1].assignment.id!r}")
            continue
        outcome = aliases.write(staged, ref.tokens, value, operation)
        if outcome.conflict:
            conflicts.append(f"{field_name!r} already has a different value")
            continue
        if outcome.changed:
            applied.append({"operation": operation, "field": field_name, "value": value})
            claimed[key] = (value, unit)
    if conflicts:
        reason = "; ".join(conflicts)
        if conflict_effect == "Deny":
            return _result(
                unit, unit.effect, False, evaluated_expressions=exprs, blocking=True, reason=f"conflict: {reason}"
            ), None
        if conflict_effect == "Audit":
            return _result(
                unit, unit.effect, False, evaluated_expressions=exprs, reason=f"conflict, operations skipped: {reason}"
            ), None
        return _result(unit, unit.effect, None, reason=f"conflict ignored: {reason}"), None
    if not applied:
        return _result(unit, unit.effect, True, evaluated_expressions=exprs, reason="nothing to change"), None
    if not unit.assignment.enforced:
        return _result(
            unit,
            unit.effect,
            False,
            evaluated_expressions=exprs,
            operations=applied,
            reason="not enforced: operations not applied",
        ), None
    return _result(
        unit, unit.effect, True, evaluated_expressions=exprs, operations=applied, reason="request modified"
    ), staged


# ----------------------------------------------------------------------------------------------
# auditIfNotExists / deployIfNotExists
# ----------------------------------------------------------------------------------------------


def _existence_scope(details: Mapping[str, Any], resource: Mapping[str, Any], context: RequestContext) -> str:
    related_type = str(_get_ci(details, "type") or "").lower()
    rtype = str(resource.get("type") or "").lower()
    rid = str(resource.get("id") or "")
    if rid and (related_type.startswith(rtype + "/") or related_type.startswith(EXTENSION_TYPE_PREFIXES)):
        return rid
    sub = f"/subscriptions/{context.subscription_id}"
    if str(_get_ci(details, "existenceScope") or "").lower() == "subscription":
        return sub
    rg_name = _get_ci(details, "resourceGroupName")
    if isinstance(rg_name, str) and rg_name:
        return f"{sub}/resourceGroups/{rg_name}"
    return resource_group_id(rid) or (rid if rtype.endswith("/resourcegroups") else sub)


def _existence(
    unit: _Unit, resource: Mapping[str, Any], exprs: list[dict[str, Any]], context: RequestContext
) -> PolicyResult:
    lookup = context.existence_lookup
    if lookup is None:
        return _result(
            unit,
            unit.effect,
            None,
            evaluated_expressions=exprs,
            pending=True,
            reason="existence check runs after the resource provider succeeds",
        )
    host = Evaluator(resource, parameters=unit.parameters, env=unit.env)
    raw_details = _get_ci(unit.definition.then, "details") or {}
    try:
        details = {
            k: evaluate_value(v, host)
            for k, v in raw_details.items()
            if k.lower() not in ("existencecondition", "deployment")
        }
        related_type = _get_ci(details, "type")
        if not isinstance(related_type, str) or not related_type:
            raise DefinitionError("existence details need a type")
        name = _get_ci(details, "name")
        related = lookup(related_type, _existence_scope(details, resource, context), name)
        condition = _get_ci(raw_details, "existenceCondition")
        if condition is None:
            exists = bool(related)
        else:
            exists = any(
                Evaluator(
                    rel if "type" in rel else {**rel, "type": related_type},
                    parameters=unit.parameters,
                    env=unit.env,
                    function_resource=resource,
                ).test(condition)
                for rel in related
            )
    except (TemplateError, DefinitionError) as exc:
        return _result(
            unit, unit.effect, False, evaluated_expressions=exprs, reason=f"existence evaluation failed: {exc}"
        )
    if exists:
        return _result(unit, unit.effect, True, evaluated_expressions=exprs)
    reason = "related resource missing or non-compliant"
    if unit.effect == "DeployIfNotExists":
        reason += "; remediation deployment required"
    return _result(unit, unit.effect, False, evaluated_expressions=exprs, reason=reason)


# ----------------------------------------------------------------------------------------------
# Summary
# ----------------------------------------------------------------------------------------------


def summarize(results: Iterable[PolicyResult]) -> dict[str, Any]:
    """A deterministic compliance summary of results (one request, or many requests' results).

    ``{"total", "compliant", "nonCompliant", "unknown", "denied", "pending", "byEffect": {effect:
    {"compliant", "nonCompliant", "unknown"}}, "nonCompliantAssignments": [ids...]}``.
    """
    total = compliant = non_compliant = unknown = pending = 0
    denied = False
    by_effect: dict[str, dict[str, int]] = {}
    offenders: set[str] = set()
    for r in results:
        total += 1
        bucket = by_effect.setdefault(r.effect, {"compliant": 0, "nonCompliant": 0, "unknown": 0})
        if r.compliant is True:
            compliant += 1
            bucket["compliant"] += 1
        elif r.compliant is False:
            non_compliant += 1
            bucket["nonCompliant"] += 1
            offenders.add(r.assignment.id + (f"#{r.reference_id}" if r.reference_id else ""))
        else:
            unknown += 1
            bucket["unknown"] += 1
        pending += r.pending
        denied = denied or r.denies
    return {
        "total": total,
        "compliant": compliant,
        "nonCompliant": non_compliant,
        "unknown": unknown,
        "denied": denied,
        "pending": pending,
        "byEffect": {k: by_effect[k] for k in sorted(by_effect)},
        "nonCompliantAssignments": sorted(offenders),
    }
