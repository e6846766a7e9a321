"""Helpers shared by the policy tests: resource bodies, ad-hoc definitions and assignments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from lzengine.policy import Assignment, Decision, Definition, RequestContext, evaluate_request, load_definition
from lzengine.policy.conditions import Environment, Evaluator

SUB = "00000000-0000-0000-0000-000000000000"
SUB_SCOPE = f"/subscriptions/{SUB}"
RG = "rg-lz"
RG_ID = f"{SUB_SCOPE}/resourceGroups/{RG}"
NOW = datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


def resource_id(rtype: str, *names: str, rg: str = RG) -> str:
    """``Microsoft.Network/virtualNetworks/subnets`` + (``vnet``, ``sn``) → the full ARM id."""
    namespace, *types = rtype.split("/")
    if rtype.lower() == "microsoft.resources/subscriptions/resourcegroups":
        return f"{SUB_SCOPE}/resourceGroups/{names[0]}"
    path = "/".join(f"{t}/{n}" for t, n in zip(types, names, strict=True))
    return f"{SUB_SCOPE}/resourceGroups/{rg}/providers/{namespace}/{path}"


def make_resource(rtype: str, *names: str, location: str | None = "westeurope", **body: Any) -> dict[str, Any]:
    """An ARM body with id/name/type (+ location unless ``None``) and any extra top-level keys."""
    res: dict[str, Any] = {"id": resource_id(rtype, *names), "name": names[-1], "type": rtype}
    if location is not None:
        res["location"] = location
    res.update(body)
    return res


def make_definition(
    rule_if: Mapping[str, Any],
    effect: Any = "deny",
    *,
    mode: str = "All",
    parameters: Mapping[str, Any] | None = None,
    details: Any = None,
    name: str = "test-definition",
    display_name: str = "Test definition",
) -> Definition:
    then: dict[str, Any] = {"effect": effect}
    if details is not None:
        then["details"] = details
    return load_definition(
        {
            "properties": {
                "displayName": display_name,
                "mode": mode,
                "parameters": dict(parameters or {}),
                "policyRule": {"if": dict(rule_if), "then": then},
            },
            "id": f"{SUB_SCOPE}/providers/Microsoft.Authorization/policyDefinitions/{name}",
            "name": name,
        }
    )


def make_assignment(
    definition: Definition,
    *,
    name: str = "assignment-1",
    scope: str = SUB_SCOPE,
    params: Mapping[str, Any] | None = None,
    enforcement: str = "Default",
    not_scopes: tuple[str, ...] = (),
    display_name: str = "",
    **extra: Any,
) -> Assignment:
    props: dict[str, Any] = {
        "policyDefinitionId": definition.id,
        "parameters": {k: {"value": v} for k, v in (params or {}).items()},
        "enforcementMode": enforcement,
        "notScopes": list(not_scopes),
        "scope": scope,
        **extra,
    }
    if display_name:
        props["displayName"] = display_name
    return Assignment.from_arm(
        {
            "id": f"{scope.rstrip('/')}/providers/Microsoft.Authorization/policyAssignments/{name}",
            "name": name,
            "properties": props,
        }
    )


def make_context(**kw: Any) -> RequestContext:
    kw.setdefault("api_version", "2024-05-01")
    kw.setdefault("subscription_id", SUB)
    kw.setdefault("now", NOW)
    return RequestContext(**kw)


def run(
    resource: Mapping[str, Any],
    *pairs: tuple[Assignment, Definition],
    extra_definitions: tuple[Definition, ...] = (),
    **context: Any,
) -> Decision:
    definitions = {d.id: d for _, d in pairs}
    definitions.update({d.id: d for d in extra_definitions})
    return evaluate_request(
        resource,
        assignments=[a for a, _ in pairs],
        definitions=definitions,
        context=make_context(**context),
    )


def evaluator(
    resource: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    *,
    resource_group: Mapping[str, Any] | None = None,
) -> Evaluator:
    env = Environment(
        subscription={"id": SUB_SCOPE, "subscriptionId": SUB, "tenantId": "t", "displayName": "sub"},
        request={"apiVersion": "2024-05-01"},
        resource_group=resource_group or {"id": RG_ID, "name": RG, "location": "westeurope", "tags": {}},
        policy={"assignmentId": "a", "definitionId": "d"},
        now=NOW,
    )
    return Evaluator(resource, parameters=dict(params or {}), env=env)


def check(condition: Mapping[str, Any], resource: Mapping[str, Any], params: Mapping[str, Any] | None = None) -> bool:
    """Evaluate one condition tree against a resource."""
    return evaluator(resource, params).test(condition)
