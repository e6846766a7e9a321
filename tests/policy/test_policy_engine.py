"""Request-time behaviour: applicability, modes, parameters, effects and their order, modify/append,
enforcement mode, tags-only PATCH, denyAction, existence checks, policy sets and the summary."""

from __future__ import annotations

import time
from typing import Any

import pytest
from _policy_support import (
    RG_ID,
    SUB,
    SUB_SCOPE,
    make_assignment,
    make_definition,
    make_resource,
    resource_id,
    run,
)

from lzengine.policy import (
    Assignment,
    DefinitionError,
    DefinitionNotFoundError,
    evaluate_request,
    load_definition,
    summarize,
)
from lzengine.policy.scope import applies_to_mode, is_indexed_type, scope_contains

EFFECT_PARAM = {"effect": {"type": "String", "defaultValue": "Deny", "allowedValues": ["Audit", "Deny", "Disabled"]}}
DENY_WEB = make_definition({"field": "type", "equals": "Microsoft.Web/sites"}, name="deny-web")
SITE = make_resource("Microsoft.Web/sites", "app", tags={"env": "dev"}, properties={"httpsOnly": False})


# ------------------------------------------------------------------------------ applicability


@pytest.mark.parametrize(
    ("scope", "applies"),
    [
        ("/", True),
        (SUB_SCOPE, True),
        (SUB_SCOPE.upper(), True),
        (RG_ID, True),
        (RG_ID.lower() + "/", True),
        (f"{SUB_SCOPE}/resourceGroups/rg-l", False),  # a prefix, but not on a segment boundary
        (f"{SUB_SCOPE}/resourceGroups/other", False),
        ("/subscriptions/11111111-1111-1111-1111-111111111111", False),
        (SITE["id"], True),
        ("/providers/Microsoft.Management/managementGroups/corp", True),
        ("/providers/Microsoft.Management/managementGroups/other", False),
    ],
)
def test_assignment_scope(scope: str, applies: bool) -> None:
    a = make_assignment(DENY_WEB, scope=scope)
    decision = run(SITE, (a, DENY_WEB), management_group_ids=("corp",))
    assert decision.denied is applies
    assert len(decision.results) == (1 if applies else 0)


def test_not_scopes_exclude() -> None:
    a = make_assignment(DENY_WEB, not_scopes=(RG_ID.upper(),))
    assert not run(SITE, (a, DENY_WEB)).denied
    b = make_assignment(DENY_WEB, not_scopes=(f"{SUB_SCOPE}/resourceGroups/rg-lz2",))
    assert run(SITE, (b, DENY_WEB)).denied


def test_scope_contains_helpers() -> None:
    assert scope_contains(
        "/providers/Microsoft.Management/managementGroups/corp",
        SITE["id"],
        ("/providers/Microsoft.Management/managementGroups/corp",),
    )
    assert not scope_contains("/subscriptions/a", "/subscriptions/ab/resourceGroups/x")


@pytest.mark.parametrize(
    ("rtype", "indexed"),
    [
        ("Microsoft.Network/virtualNetworks", True),
        ("Microsoft.Network/virtualNetworks/subnets", False),
        ("Microsoft.Network/routeTables/routes", False),
        ("Microsoft.Resources/subscriptions/resourceGroups", False),
        ("Microsoft.Resources/subscriptions", False),
        ("Microsoft.Network/privateDnsZones/virtualNetworkLinks", True),
        ("Microsoft.Insights/diagnosticSettings", False),
        ("microsoft.cognitiveservices/accounts", True),
    ],
)
def test_indexed_mode_types(rtype: str, indexed: bool) -> None:
    assert is_indexed_type(rtype) is indexed
    assert applies_to_mode("Indexed", rtype) is indexed
    assert applies_to_mode("all", rtype)
    assert not applies_to_mode("Microsoft.Kubernetes.Data", rtype)


def test_mode_filters_results() -> None:
    any_type = {"field": "name", "exists": True}
    indexed = make_definition(any_type, mode="Indexed", name="idx")
    everything = make_definition(any_type, mode="All", name="all")
    subnet = make_resource("Microsoft.Network/virtualNetworks/subnets", "v", "s", location=None)
    rg = {
        "id": RG_ID,
        "name": "rg-lz",
        "type": "Microsoft.Resources/subscriptions/resourceGroups",
        "location": "westeurope",
    }
    for res in (subnet, rg):
        d = run(res, (make_assignment(indexed, name="i"), indexed), (make_assignment(everything, name="e"), everything))
        assert [r.definition.name for r in d.results] == ["all"]


# ------------------------------------------------------------------------------ parameters and effects


def test_parameters_defaults_and_assignment_values() -> None:
    definition = make_definition(
        {"field": "location", "notIn": "[parameters('allowed')]"},
        "[parameters('effect')]",
        parameters={**EFFECT_PARAM, "allowed": {"type": "Array", "defaultValue": ["westeurope"]}},
    )
    res = make_resource("Microsoft.Web/sites", "app", location="North Europe")
    assert run(res, (make_assignment(definition), definition)).denied
    assert not run(res, (make_assignment(definition, params={"allowed": ["northeurope"]}), definition)).denied
    audit = run(res, (make_assignment(definition, params={"effect": "Audit"}), definition))
    assert not audit.denied
    assert audit.results[0].effect == "Audit" and audit.results[0].compliant is False
    disabled = run(res, (make_assignment(definition, params={"EFFECT": "disabled"}), definition))
    assert not disabled.denied
    assert disabled.results[0].effect == "Disabled" and disabled.results[0].compliant is None


def test_bare_parameter_values_and_case_insensitive_effects() -> None:
    definition = make_definition({"field": "type", "equals": "Microsoft.Web/sites"}, "DENY")
    a = Assignment(id="/a", name="a", policy_definition_id=definition.id, scope=SUB_SCOPE, parameters={"x": 1})
    assert a.parameter_values() == {"x": 1}
    assert run(SITE, (a, definition)).results[0].effect == "Deny"


def test_missing_parameter_is_an_implicit_deny() -> None:
    definition = make_definition({"field": "name", "equals": "[parameters('required')]"}, "audit")
    d = run(SITE, (make_assignment(definition), definition))
    assert d.denied
    result = d.results[0]
    assert result.effect == "Deny" and "implicit deny" in (result.reason or "")
    body = d.deny_error()
    assert "implicit deny" in body["error"]["additionalInfo"][0]["info"]["evaluationDetails"]["reason"]


def test_template_failure_is_an_implicit_deny_even_for_audit() -> None:
    # The documented example: substring() on a name shorter than three characters fails.
    definition = make_definition({"value": "[substring(field('name'), 0, 5)]", "equals": "abcde"}, "audit")
    short = make_resource("Microsoft.Web/sites", "ab")
    d = run(short, (make_assignment(definition), definition))
    assert d.denied and "substring" in (d.results[0].reason or "")
    long_name = make_resource("Microsoft.Web/sites", "abcdefgh")
    d = run(long_name, (make_assignment(definition), definition))
    assert not d.denied and d.results[0].effect == "Audit" and d.results[0].compliant is False
    not_enforced = run(short, (make_assignment(definition, enforcement="DoNotEnforce"), definition))
    assert not not_enforced.denied and not_enforced.results[0].compliant is False


def test_unknown_effect_is_an_implicit_deny() -> None:
    definition = make_definition({"field": "name", "exists": True}, "[parameters('effect')]", parameters=EFFECT_PARAM)
    d = run(SITE, (make_assignment(definition, params={"effect": "Explode"}), definition))
    assert d.denied and "unknown policy effect" in (d.results[0].reason or "")


def test_do_not_enforce_records_but_does_not_deny() -> None:
    a = make_assignment(DENY_WEB, enforcement="DoNotEnforce")
    d = run(SITE, (a, DENY_WEB))
    assert not d.denied
    (result,) = d.results
    assert result.compliant is False and result.enforced is False and not result.denies
    assert result.evaluated_expressions
    with pytest.raises(ValueError):
        d.deny_error()


def test_assignment_effect_override() -> None:
    definition = make_definition(
        {"field": "type", "equals": "Microsoft.Web/sites"}, "[parameters('effect')]", parameters=EFFECT_PARAM
    )
    a = make_assignment(definition, overrides=[{"kind": "policyEffect", "value": "Audit"}])
    d = run(SITE, (a, definition))
    assert not d.denied and d.results[0].effect == "Audit"


def test_non_compliance_messages_replace_the_identifier_list() -> None:
    a = make_assignment(DENY_WEB, nonComplianceMessages=[{"message": "Web apps are not allowed here."}])
    body = run(SITE, (a, DENY_WEB)).deny_error()
    assert body["error"]["message"] == (
        "Resource 'app' was disallowed by policy. Reasons: 'Web apps are not allowed here.'. "
        "See error details for policy resource IDs."
    )


def test_results_are_in_effect_order_and_deterministic() -> None:
    audit = make_definition({"field": "name", "exists": True}, "audit", name="audit")
    deny = make_definition({"field": "name", "exists": True}, "deny", name="deny")
    modify = make_definition(
        {"field": "tags.owner", "exists": False},
        "modify",
        name="modify",
        details={"roleDefinitionIds": [], "operations": [{"operation": "add", "field": "tags.owner", "value": "me"}]},
    )
    pairs = [(make_assignment(d, name=d.name), d) for d in (audit, deny, modify)]
    first = run(SITE, *pairs)
    assert [r.effect for r in first.results] == ["Modify", "Deny", "Audit"]
    second = run(SITE, *pairs)
    assert [r.effect for r in second.results] == [r.effect for r in first.results]
    assert first.deny_error() == second.deny_error()


def test_definition_not_found() -> None:
    a = make_assignment(DENY_WEB)
    with pytest.raises(DefinitionNotFoundError):
        evaluate_request(SITE, assignments=[a], definitions={}, context=_ctx())
    # definitions may be keyed by anything; lookup is by id or name, case-insensitive
    d = evaluate_request(SITE, assignments=[a], definitions={"whatever": DENY_WEB}, context=_ctx())
    assert d.denied


def _ctx(**kw: Any) -> Any:
    from _policy_support import make_context

    return make_context(**kw)


# ------------------------------------------------------------------------------ modify and append

TAG_MODIFY = make_definition(
    {"field": "[concat('tags[', parameters('tagName'), ']')]", "exists": "false"},
    "modify",
    mode="Indexed",
    name="add-tag",
    parameters={"tagName": {"type": "String"}, "tagValue": {"type": "String"}},
    details={
        "roleDefinitionIds": [
            "/providers/microsoft.authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"
        ],
        "operations": [
            {
                "operation": "addOrReplace",
                "field": "[concat('tags[', parameters('tagName'), ']')]",
                "value": "[parameters('tagValue')]",
            }
        ],
    },
)
REQUIRE_OWNER = make_definition({"field": "tags['owner']", "exists": "false"}, "deny", name="require-owner")


def test_modify_rewrites_the_request_before_deny_runs() -> None:
    modify = make_assignment(TAG_MODIFY, name="m", params={"tagName": "owner", "tagValue": "platform"})
    deny = make_assignment(REQUIRE_OWNER, name="d")
    d = run(SITE, (deny, REQUIRE_OWNER), (modify, TAG_MODIFY))
    assert not d.denied
    assert d.modified and d.modified_resource["tags"] == {"env": "dev", "owner": "platform"}
    assert SITE["tags"] == {"env": "dev"}  # the input is not mutated
    assert d.results[0].operations == [{"operation": "addOrReplace", "field": "tags[owner]", "value": "platform"}]
    # DoNotEnforce: evaluated and recorded, but the request is not rewritten (and so is denied)
    lazy = make_assignment(
        TAG_MODIFY, name="m", params={"tagName": "owner", "tagValue": "x"}, enforcement="DoNotEnforce"
    )
    d = run(SITE, (deny, REQUIRE_OWNER), (lazy, TAG_MODIFY))
    assert d.denied and not d.modified and d.results[0].compliant is False


def test_modify_operations_remove_condition_and_alias() -> None:
    definition = make_definition(
        {"field": "type", "equals": "Microsoft.Web/sites"},
        "modify",
        details={
            "roleDefinitionIds": [],
            "conflictEffect": "audit",
            "operations": [
                {"operation": "Remove", "field": "tags['env']"},
                {"operation": "addOrReplace", "field": "Microsoft.Web/sites/httpsOnly", "value": True},
                {
                    "condition": "[greaterOrEquals(requestContext().apiVersion, '2030-01-01')]",
                    "operation": "addOrReplace",
                    "field": "Microsoft.Web/sites/publicNetworkAccess",
                    "value": "Disabled",
                },
                {"operation": "addOrReplace", "field": "Microsoft.Search/searchServices/replicaCount", "value": 3},
            ],
        },
    )
    d = run(SITE, (make_assignment(definition), definition))
    body = d.modified_resource
    assert body["tags"] == {} and body["properties"] == {"httpsOnly": True}
    d = run(SITE, (make_assignment(definition), definition), api_version="2031-01-01")
    assert d.modified_resource["properties"]["publicNetworkAccess"] == "Disabled"


def test_modify_conflicts_follow_conflict_effect() -> None:
    def tagger(name: str, value: str, conflict: str) -> Any:
        return make_definition(
            {"field": "name", "exists": True},
            "modify",
            name=name,
            details={
                "roleDefinitionIds": [],
                "conflictEffect": conflict,
                "operations": [{"operation": "addOrReplace", "field": "tags.env", "value": value}],
            },
        )

    first = tagger("first", "prod", "deny")
    clash_deny = tagger("second", "test", "deny")
    d = run(SITE, (make_assignment(first, name="a"), first), (make_assignment(clash_deny, name="b"), clash_deny))
    assert d.denied and "conflict" in (d.denying_results[0].reason or "")
    assert d.deny_error()["error"]["additionalInfo"][0]["info"]["policyDefinitionEffect"] == "Modify"
    clash_audit = tagger("third", "test", "audit")
    d = run(SITE, (make_assignment(first, name="a"), first), (make_assignment(clash_audit, name="c"), clash_audit))
    assert not d.denied and d.modified_resource["tags"]["env"] == "prod"
    assert d.results[1].compliant is False
    same_value = tagger("fourth", "prod", "deny")
    d = run(SITE, (make_assignment(first, name="a"), first), (make_assignment(same_value, name="d"), same_value))
    assert not d.denied


def test_modify_add_does_not_replace_an_existing_value() -> None:
    definition = make_definition(
        {"field": "name", "exists": True},
        "modify",
        details={
            "roleDefinitionIds": [],
            "conflictEffect": "audit",
            "operations": [{"operation": "add", "field": "tags.env", "value": "prod"}],
        },
    )
    d = run(SITE, (make_assignment(definition), definition))
    assert not d.denied and not d.modified and d.results[0].compliant is False


def test_append_adds_array_members_and_denies_on_conflict() -> None:
    storage = make_resource(
        "Microsoft.Storage/storageAccounts",
        "st",
        properties={"networkAcls": {"defaultAction": "Allow", "ipRules": [{"value": "1.1.1.1", "action": "Allow"}]}},
    )
    append_rule = make_definition(
        {"field": "type", "equals": "Microsoft.Storage/storageAccounts"},
        "append",
        name="append-rule",
        details=[
            {
                "field": "Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]",
                "value": {"value": "40.40.40.40", "action": "Allow"},
            }
        ],
    )
    d = run(storage, (make_assignment(append_rule), append_rule))
    assert not d.denied
    assert [r["value"] for r in d.modified_resource["properties"]["networkAcls"]["ipRules"]] == [
        "1.1.1.1",
        "40.40.40.40",
    ]
    set_default = make_definition(
        {"field": "type", "equals": "Microsoft.Storage/storageAccounts"},
        "append",
        name="append-default",
        details=[{"field": "Microsoft.Storage/storageAccounts/networkAcls.defaultAction", "value": "Deny"}],
    )
    d = run(storage, (make_assignment(set_default), set_default))
    assert d.denied and d.results[0].effect == "Append"
    no_acls = make_resource("Microsoft.Storage/storageAccounts", "st2", properties={})
    d = run(no_acls, (make_assignment(set_default), set_default))
    assert not d.denied and d.modified_resource["properties"]["networkAcls"]["defaultAction"] == "Deny"


# ------------------------------------------------------------------------------ tags-only PATCH


def test_tags_only_patch_runs_only_tag_policies() -> None:
    https = make_definition({"field": "Microsoft.Web/sites/httpsOnly", "equals": False}, name="https")
    tags = make_definition({"field": "tags['env']", "equals": "dev"}, name="tags")
    pairs = ((make_assignment(https, name="h"), https), (make_assignment(tags, name="t"), tags))
    d = run(SITE, *pairs, method="PATCH", tags_only=True)
    assert [r.definition.name for r in d.results] == ["tags"]
    d = run(SITE, *pairs, method="PATCH")
    assert {r.definition.name for r in d.results} == {"https", "tags"}


# ------------------------------------------------------------------------------ denyAction

DENY_DELETE = make_definition(
    {"field": "type", "in": "[parameters('types')]"},
    "[parameters('effect')]",
    name="no-delete",
    parameters={
        "types": {"type": "Array"},
        "effect": {"type": "String", "defaultValue": "DenyAction", "allowedValues": ["DenyAction", "Disabled"]},
    },
    details={"actionNames": ["delete"]},
)


def test_deny_action_blocks_delete_only() -> None:
    a = make_assignment(DENY_DELETE, params={"types": ["Microsoft.Web/sites"]})
    d = run(SITE, (a, DENY_DELETE), method="DELETE")
    assert d.denied and d.results[0].effect == "DenyAction"
    assert d.deny_error()["error"]["additionalInfo"][0]["info"]["policyDefinitionEffect"] == "DenyAction"
    assert not run(SITE, (a, DENY_DELETE), method="PUT").denied
    other = make_resource("Microsoft.Network/virtualNetworks", "v")
    assert not run(other, (a, DENY_DELETE), method="DELETE").denied
    # deny policies do not run on DELETE
    assert not run(SITE, (make_assignment(DENY_WEB), DENY_WEB), method="DELETE").denied


def test_deny_action_exempts_lockout_types() -> None:
    a = make_assignment(DENY_DELETE, params={"types": ["Microsoft.Authorization/policyAssignments"]})
    assignment_res = {
        "id": f"{SUB_SCOPE}/providers/Microsoft.Authorization/policyAssignments/x",
        "name": "x",
        "type": "Microsoft.Authorization/policyAssignments",
    }
    assert not run(assignment_res, (a, DENY_DELETE), method="DELETE").denied


# ------------------------------------------------------------------------------ existence effects

DIAG_AINE = make_definition(
    {"field": "type", "equals": "Microsoft.Web/sites"},
    "[parameters('effect')]",
    name="diag",
    parameters={"effect": {"type": "String", "defaultValue": "AuditIfNotExists"}},
    details={
        "type": "Microsoft.Insights/diagnosticSettings",
        "existenceCondition": {
            "allOf": [
                {"field": "Microsoft.Insights/diagnosticSettings/logs[*].enabled", "equals": "true"},
                {"field": "Microsoft.Insights/diagnosticSettings/workspaceId", "equals": "[parameters('ws')]"},
                {"value": "[field('name')]", "equals": "app"},  # field() reads the evaluated resource
            ]
        },
    },
)


def test_audit_if_not_exists_is_pending_without_a_lookup() -> None:
    a = make_assignment(DIAG_AINE, params={"ws": "w"})
    d = run(SITE, (a, DIAG_AINE))
    assert not d.denied and d.pending_results and d.results[0].compliant is None


@pytest.mark.parametrize(
    ("related", "compliant"),
    [
        ([], False),
        (
            [
                {
                    "type": "Microsoft.Insights/diagnosticSettings",
                    "name": "d",
                    "properties": {"logs": [], "workspaceId": "w"},
                }
            ],
            True,
        ),
        (
            [
                {
                    "type": "Microsoft.Insights/diagnosticSettings",
                    "name": "d",
                    "properties": {"logs": [{"enabled": True}], "workspaceId": "w"},
                }
            ],
            True,
        ),
        (
            [
                {
                    "type": "Microsoft.Insights/diagnosticSettings",
                    "name": "d",
                    "properties": {"logs": [{"enabled": True}, {"enabled": False}], "workspaceId": "w"},
                }
            ],
            False,
        ),
        (
            [
                {
                    "type": "Microsoft.Insights/diagnosticSettings",
                    "name": "d",
                    "properties": {"logs": [{"enabled": True}], "workspaceId": "other"},
                }
            ],
            False,
        ),
    ],
)
def test_audit_if_not_exists_with_lookup(related: list[dict[str, Any]], compliant: bool) -> None:
    calls: list[tuple[str, str, str | None]] = []

    def lookup(rtype: str, scope: str, name: str | None) -> list[dict[str, Any]]:
        calls.append((rtype, scope, name))
        return related

    d = run(SITE, (make_assignment(DIAG_AINE, params={"ws": "w"}), DIAG_AINE), existence_lookup=lookup)
    assert not d.denied
    assert d.results[0].compliant is compliant and not d.results[0].pending
    assert calls == [("Microsoft.Insights/diagnosticSettings", SITE["id"], None)]


def test_deploy_if_not_exists_scopes() -> None:
    dine = make_definition(
        {"field": "type", "equals": "Microsoft.Web/sites"},
        "deployIfNotExists",
        details={
            "type": "Microsoft.Network/privateDnsZones",
            "name": "privatelink.azurewebsites.net",
            "existenceScope": "subscription",
            "deployment": {"properties": {}},
        },
    )
    seen: list[str] = []

    def lookup(rtype: str, scope: str, name: str | None) -> list[dict[str, Any]]:
        seen.append(scope)
        return []

    d = run(SITE, (make_assignment(dine), dine), existence_lookup=lookup)
    assert seen == [SUB_SCOPE] and d.results[0].compliant is False and "remediation" in (d.results[0].reason or "")
    rg_scoped = make_definition(
        {"field": "type", "equals": "Microsoft.Web/sites"},
        "auditIfNotExists",
        name="rg-scoped",
        details={"type": "Microsoft.Web/serverfarms", "resourceGroupName": "shared"},
    )
    seen.clear()
    run(SITE, (make_assignment(rg_scoped), rg_scoped), existence_lookup=lookup)
    assert seen == [f"{SUB_SCOPE}/resourceGroups/shared"]
    child = make_definition(
        {"field": "type", "equals": "Microsoft.Web/sites"},
        "auditIfNotExists",
        name="child",
        details={"type": "Microsoft.Web/sites/config", "name": "web"},
    )
    seen.clear()
    run(SITE, (make_assignment(child), child), existence_lookup=lookup)
    assert seen == [SITE["id"]]


# ------------------------------------------------------------------------------ policy sets


def test_policy_set_definition_members_and_parameters() -> None:
    https = make_definition(
        {
            "allOf": [
                {"field": "type", "equals": "Microsoft.Web/sites"},
                {"field": "Microsoft.Web/sites/httpsOnly", "notEquals": True},
            ]
        },
        "[parameters('effect')]",
        name="https",
        parameters=EFFECT_PARAM,
    )
    location = make_definition(
        {"field": "location", "notIn": "[parameters('allowed')]"},
        "deny",
        name="loc",
        parameters={"allowed": {"type": "Array"}},
    )
    initiative = load_definition(
        {
            "id": "/providers/Microsoft.Authorization/policySetDefinitions/lz-baseline",
            "name": "lz-baseline",
            "properties": {
                "displayName": "LZ baseline",
                "parameters": {
                    "httpsEffect": {"type": "String", "defaultValue": "Audit"},
                    "regions": {"type": "Array"},
                },
                "policyDefinitions": [
                    {
                        "policyDefinitionId": https.id,
                        "policyDefinitionReferenceId": "https",
                        "parameters": {"effect": {"value": "[parameters('httpsEffect')]"}},
                    },
                    {
                        "policyDefinitionId": location.id,
                        "policyDefinitionReferenceId": "loc",
                        "parameters": {"allowed": {"value": "[parameters('regions')]"}},
                    },
                ],
            },
        }
    )
    assert initiative.is_set
    a = make_assignment(initiative, params={"regions": ["westeurope"]})
    defs = {d.id: d for d in (https, location, initiative)}
    d = evaluate_request(SITE, assignments=[a], definitions=defs, context=_ctx())
    assert not d.denied
    assert [(r.reference_id, r.effect, r.compliant) for r in d.results] == [
        ("loc", "Deny", True),
        ("https", "Audit", False),
    ]
    a = make_assignment(initiative, params={"regions": ["eastus"], "httpsEffect": "Deny"})
    d = evaluate_request(SITE, assignments=[a], definitions=defs, context=_ctx())
    body = d.deny_error()
    infos = [x["info"] for x in body["error"]["additionalInfo"]]
    assert [i["policyDefinitionReferenceId"] for i in infos] == ["https", "loc"]
    assert all(i["policySetDefinitionId"] == initiative.id for i in infos)
    assert '"policySetDefinition":{"name":"LZ baseline"' in body["error"]["message"]
    # the set's members must be supplied
    with pytest.raises(DefinitionNotFoundError):
        evaluate_request(SITE, assignments=[a], definitions={initiative.id: initiative}, context=_ctx())


# ------------------------------------------------------------------------------ loading


@pytest.mark.parametrize(
    "rule",
    [
        {"if": {"field": "type"}, "then": {"effect": "deny"}},  # no operator
        {"if": {"field": "type", "equals": "a", "like": "b"}, "then": {"effect": "deny"}},
        {"if": {"allOf": []}, "then": {"effect": "deny"}},
        {
            "if": {"allOf": [{"field": "a", "equals": 1}], "not": {"field": "a", "equals": 1}},
            "then": {"effect": "deny"},
        },
        {"if": {"count": {"field": "a[*]", "name": "x"}, "equals": 1}, "then": {"effect": "deny"}},
        {"if": {"count": {"field": "a[*]", "value": []}, "equals": 1}, "then": {"effect": "deny"}},
        {"if": {"field": "a", "equals": 1}, "then": {}},
        {"if": {"field": "a", "exits": True}, "then": {"effect": "deny"}},
    ],
)
def test_load_definition_rejects_malformed_rules(rule: dict[str, Any]) -> None:
    with pytest.raises(DefinitionError):
        load_definition({"properties": {"mode": "All", "policyRule": rule}})


def test_load_definition_accepts_bare_properties() -> None:
    d = load_definition(
        {
            "mode": "all",
            "policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "audit"}},
            "name": "n",
        }
    )
    assert d.name == "n" and d.id.endswith("/policyDefinitions/n") and d.mode == "all"
    assert (
        load_definition({"policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "audit"}}}).mode
        == "Indexed"
    )


def test_assignment_from_arm_derives_scope_from_id() -> None:
    a = Assignment.from_arm(
        {
            "id": f"{RG_ID}/providers/Microsoft.Authorization/policyAssignments/x",
            "properties": {"policyDefinitionId": DENY_WEB.id, "enforcementMode": "DoNotEnforce"},
        }
    )
    assert a.scope == RG_ID and a.name == "x" and not a.enforced
    with pytest.raises(DefinitionError):
        Assignment.from_arm({"id": "/x", "properties": {}})


# ------------------------------------------------------------------------------ summary and speed


def test_summarize() -> None:
    audit = make_definition({"field": "name", "exists": True}, "audit", name="audit")
    disabled = make_definition({"field": "name", "exists": True}, "disabled", name="off")
    d = run(
        SITE,
        (make_assignment(DENY_WEB, name="d"), DENY_WEB),
        (make_assignment(audit, name="a"), audit),
        (make_assignment(disabled, name="o"), disabled),
    )
    summary = summarize(d.results)
    assert summary == {
        "total": 3,
        "compliant": 0,
        "nonCompliant": 2,
        "unknown": 1,
        "denied": True,
        "pending": 0,
        "byEffect": {
            "Audit": {"compliant": 0, "nonCompliant": 1, "unknown": 0},
            "Deny": {"compliant": 0, "nonCompliant": 1, "unknown": 0},
            "Disabled": {"compliant": 0, "nonCompliant": 0, "unknown": 1},
        },
        "nonCompliantAssignments": sorted(
            f"{SUB_SCOPE}/providers/Microsoft.Authorization/policyAssignments/{n}" for n in ("a", "d")
        ),
    }
    assert summarize([])["total"] == 0


def test_evaluation_is_fast_enough_for_every_emulator_write() -> None:
    definitions = [
        make_definition(
            {"allOf": [{"field": "type", "equals": "Microsoft.Web/sites"}, {"field": f"tags.t{i}", "exists": False}]},
            "audit",
            name=f"d{i}",
        )
        for i in range(50)
    ]
    pairs = [(make_assignment(d, name=d.name), d) for d in definitions]
    start = time.perf_counter()
    for _ in range(20):
        d = run(SITE, *pairs)
    elapsed = time.perf_counter() - start
    assert len(d.results) == 50
    assert elapsed < 2.0, f"1000 rule evaluations took {elapsed:.2f}s"


def test_resource_ids_helper_matches_arm_shape() -> None:
    assert resource_id("Microsoft.Network/virtualNetworks/subnets", "v", "s") == (
        f"/subscriptions/{SUB}/resourceGroups/rg-lz/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
    )


def test_delete_ignores_non_deny_action_policies_even_when_they_fail() -> None:
    broken = make_definition({"field": "name", "equals": "[parameters('missing')]"}, "deny", name="broken")
    assert run(SITE, (make_assignment(broken), broken)).denied  # implicit deny on PUT
    assert not run(SITE, (make_assignment(broken), broken), method="DELETE").denied


def test_existence_lookup_results_without_a_type_get_the_requested_type() -> None:
    d = run(
        SITE,
        (make_assignment(DIAG_AINE, params={"ws": "w"}), DIAG_AINE),
        existence_lookup=lambda *a: [{"name": "d", "properties": {"logs": [{"enabled": True}], "workspaceId": "w"}}],
    )
    assert d.results[0].compliant is True


def test_value_exists_treats_an_empty_field_value_as_absent() -> None:
    missing = make_definition({"value": "[field('Microsoft.Web/sites/clientCertMode')]", "exists": False}, name="m")
    assert run(SITE, (make_assignment(missing), missing)).denied
    present = make_definition({"value": "[field('type')]", "exists": True}, name="p")
    assert run(SITE, (make_assignment(present), present)).denied
