"""Data types of the policy evaluator: definitions, assignments, the request context, results.

Called by hosts (the engine's preflight and the local ARM emulator) to turn ARM JSON into
:class:`Definition` / :class:`Assignment` objects and to build a :class:`RequestContext`, and by
:mod:`lzengine.policy.engine`, which returns :class:`PolicyResult` lists inside a
:class:`Decision`. Plain frozen dataclasses: cheap to build on every request, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from .conditions import DefinitionError, validate_condition

__all__ = [
    "EFFECTS",
    "Assignment",
    "Definition",
    "DefinitionError",
    "DefinitionNotFoundError",
    "ExistenceLookup",
    "PolicyError",
    "PolicyResult",
    "RequestContext",
    "canonical_effect",
    "load_definition",
]


class PolicyError(Exception):
    """Base class for errors the evaluator raises to its host."""


class DefinitionNotFoundError(PolicyError, KeyError):
    """An assignment (or a policy set) references a definition the host did not supply."""


EFFECTS: Mapping[str, str] = MappingProxyType(
    {
        "disabled": "Disabled",
        "append": "Append",
        "modify": "Modify",
        "deny": "Deny",
        "audit": "Audit",
        "manual": "Manual",
        "auditifnotexists": "AuditIfNotExists",
        "deployifnotexists": "DeployIfNotExists",
        "denyaction": "DenyAction",
        "addtonetworkgroup": "AddToNetworkGroup",
        "mutate": "Mutate",
    }
)
"""Lower-case effect name → the spelling Azure reports."""


def canonical_effect(value: Any) -> str:
    """``"deny"`` → ``"Deny"``; raises ``ValueError`` for an unknown effect."""
    if not isinstance(value, str) or value.strip().lower() not in EFFECTS:
        raise ValueError(f"unknown policy effect {value!r}")
    return EFFECTS[value.strip().lower()]


ExistenceLookup = Callable[[str, str, str | None], Sequence[Mapping[str, Any]]]
"""``existence_lookup(type, scope, name)``: resources of ``type`` under ``scope`` (an ARM id),
optionally only the one called ``name`` (child names as ``parent/child``; ``?`` as the last
segment means any). Supplied by the host for auditIfNotExists/deployIfNotExists."""


@dataclass(frozen=True)
class PolicySetMember:
    """One ``policyDefinitions[]`` entry of an initiative (policy set)."""

    policy_definition_id: str
    reference_id: str
    parameters: Mapping[str, Any]


@dataclass(frozen=True)
class Definition:
    """A policy definition, or a policy set definition when ``members`` is non-empty."""

    id: str
    name: str
    display_name: str = ""
    description: str = ""
    mode: str = "Indexed"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    policy_rule: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    version: str | None = None
    policy_type: str | None = None
    members: tuple[PolicySetMember, ...] = ()

    @property
    def is_set(self) -> bool:
        return bool(self.members)

    @property
    def if_condition(self) -> Mapping[str, Any]:
        return _get_ci(self.policy_rule, "if") or {}

    @property
    def then(self) -> Mapping[str, Any]:
        return _get_ci(self.policy_rule, "then") or {}

    def default_parameters(self) -> dict[str, Any]:
        """Parameter name → ``defaultValue`` for the parameters that declare one."""
        out: dict[str, Any] = {}
        for name, spec in self.parameters.items():
            if isinstance(spec, Mapping):
                default = _get_ci(spec, "defaultValue", _NOT_SET)
                if default is not _NOT_SET:
                    out[name] = default
        return out


_NOT_SET = object()


def _get_ci(mapping: Mapping[str, Any], key: str, default: Any = None) -> Any:
    if key in mapping:
        return mapping[key]
    lowered = key.lower()
    for k, v in mapping.items():
        if k.lower() == lowered:
            return v
    return default


def load_definition(data: Mapping[str, Any]) -> Definition:
    """Build a :class:`Definition` from ARM JSON and validate its rule.

    Accepts the built-in repository / REST format (``{"properties": {...}, "id", "name"}``) and the
    bare properties object (``{"mode", "parameters", "policyRule", ...}``), for both
    ``policyDefinitions`` and ``policySetDefinitions``. Raises :class:`DefinitionError` for a
    malformed rule.
    """
    if not isinstance(data, Mapping):
        raise DefinitionError("a policy definition must be a JSON object")
    props = _get_ci(data, "properties")
    if not isinstance(props, Mapping):
        props = data
    name = _get_ci(data, "name") or _get_ci(props, "name") or ""
    def_id = _get_ci(data, "id") or ""
    if not def_id and name:
        def_id = f"/providers/Microsoft.Authorization/policyDefinitions/{name}"
    if not name and def_id:
        name = def_id.rstrip("/").rsplit("/", 1)[-1]
    members_raw = _get_ci(props, "policyDefinitions")
    members: list[PolicySetMember] = []
    if members_raw is not None:
        if not isinstance(members_raw, list) or not members_raw:
            raise DefinitionError("policyDefinitions must be a non-empty array")
        for i, m in enumerate(members_raw):
            pid = _get_ci(m, "policyDefinitionId")
            if not isinstance(pid, str):
                raise DefinitionError(f"policyDefinitions[{i}] has no policyDefinitionId")
            members.append(
                PolicySetMember(
                    policy_definition_id=pid,
                    reference_id=str(_get_ci(m, "policyDefinitionReferenceId") or pid.rsplit("/", 1)[-1]),
                    parameters=dict(_get_ci(m, "parameters") or {}),
                )
            )
        if not def_id and name:
            def_id = f"/providers/Microsoft.Authorization/policySetDefinitions/{name}"
    rule = _get_ci(props, "policyRule")
    if members_raw is None:
        if not isinstance(rule, Mapping):
            raise DefinitionError("a policy definition needs a policyRule object")
        if_block, then_block = _get_ci(rule, "if"), _get_ci(rule, "then")
        validate_condition(if_block)
        if not isinstance(then_block, Mapping) or _get_ci(then_block, "effect") is None:
            raise DefinitionError("policyRule.then needs an effect")
        details = _get_ci(then_block, "details")
        if isinstance(details, Mapping):
            existence = _get_ci(details, "existenceCondition")
            if existence is not None:
                validate_condition(existence)
    params = _get_ci(props, "parameters") or {}
    if not isinstance(params, Mapping):
        raise DefinitionError("parameters must be an object")
    return Definition(
        id=str(def_id),
        name=str(name),
        display_name=str(_get_ci(props, "displayName") or ""),
        description=str(_get_ci(props, "description") or ""),
        mode=str(_get_ci(props, "mode") or "Indexed"),
        parameters=dict(params),
        policy_rule=dict(rule) if isinstance(rule, Mapping) else {},
        metadata=dict(_get_ci(props, "metadata") or {}),
        version=_get_ci(props, "version"),
        policy_type=_get_ci(props, "policyType"),
        members=tuple(members),
    )


@dataclass(frozen=True)
class Assignment:
    """A policy assignment: which definition applies where, with which parameter values."""

    id: str
    name: str
    policy_definition_id: str
    scope: str
    display_name: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    enforcement_mode: str = "Default"
    not_scopes: tuple[str, ...] = ()
    non_compliance_messages: tuple[Mapping[str, Any], ...] = ()
    overrides: tuple[Mapping[str, Any], ...] = ()

    @property
    def enforced(self) -> bool:
        return self.enforcement_mode.lower() != "donotenforce"

    def parameter_values(self) -> dict[str, Any]:
        """``{"p": {"value": v}}`` → ``{"p": v}`` (bare values are accepted too)."""
        out: dict[str, Any] = {}
        for name, spec in self.parameters.items():
            if isinstance(spec, Mapping) and any(k.lower() == "value" for k in spec):
                out[name] = _get_ci(spec, "value")
            else:
                out[name] = spec
        return out

    @classmethod
    def from_arm(cls, data: Mapping[str, Any]) -> Assignment:
        """Build from an ARM ``Microsoft.Authorization/policyAssignments`` body.

        The scope is ``properties.scope`` or, failing that, the part of ``id`` before
        ``/providers/Microsoft.Authorization/policyAssignments/``.
        """
        props = _get_ci(data, "properties") or {}
        aid = str(_get_ci(data, "id") or "")
        name = str(_get_ci(data, "name") or aid.rstrip("/").rsplit("/", 1)[-1])
        scope = _get_ci(props, "scope")
        if not scope:
            marker = "/providers/microsoft.authorization/policyassignments/"
            idx = aid.lower().find(marker)
            scope = aid[:idx] if idx >= 0 else ""
            if idx == 0:
                scope = "/"
        definition_id = _get_ci(props, "policyDefinitionId")
        if not isinstance(definition_id, str):
            raise DefinitionError("a policy assignment needs properties.policyDefinitionId")
        return cls(
            id=aid,
            name=name,
            policy_definition_id=definition_id,
            scope=str(scope),
            display_name=str(_get_ci(props, "displayName") or ""),
            parameters=dict(_get_ci(props, "parameters") or {}),
            enforcement_mode=str(_get_ci(props, "enforcementMode") or "Default"),
            not_scopes=tuple(_get_ci(props, "notScopes") or ()),
            non_compliance_messages=tuple(_get_ci(props, "nonComplianceMessages") or ()),
            overrides=tuple(_get_ci(props, "overrides") or ()),
        )


@dataclass(frozen=True)
class RequestContext:
    """The request being evaluated.

    ``method`` is ``PUT``, ``PATCH`` or ``DELETE``. ``tags_only`` marks a PATCH that changes only
    tags (only tag-testing policies run). ``resource_group`` is the containing group's ARM body
    (``resourceGroup()``); ``management_group_ids`` lists the subscription's ancestor management
    groups so assignments at those scopes apply. ``now`` pins ``utcNow()`` for determinism.
    """

    api_version: str
    subscription_id: str
    resource_group: Mapping[str, Any] | None = None
    method: str = "PUT"
    tags_only: bool = False
    tenant_id: str = ""
    subscription_display_name: str = ""
    management_group_ids: tuple[str, ...] = ()
    identity: Mapping[str, Any] | None = None
    now: datetime | None = None
    existence_lookup: ExistenceLookup | None = None


@dataclass
class PolicyResult:
    """The outcome of one (assignment, definition) pair for one request.

    ``compliant`` is ``None`` when nothing was decided (effect disabled, or an existence check
    still pending because no ``existence_lookup`` was supplied: then ``pending`` is true).
    ``enforced`` is false under ``enforcementMode: DoNotEnforce``. ``reason`` explains anything
    unusual (a template failure treated as an implicit deny, an append conflict, ...).
    """

    assignment: Assignment
    definition: Definition
    effect: str
    compliant: bool | None
    evaluated_expressions: list[dict[str, Any]] = field(default_factory=list)
    enforced: bool = True
    reason: str | None = None
    pending: bool = False
    set_definition: Definition | None = None
    reference_id: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    operations: list[dict[str, Any]] = field(default_factory=list)
    blocking: bool = False

    @property
    def denies(self) -> bool:
        """True if this result blocks the request (enforced and blocking)."""
        return self.blocking and self.enforced
