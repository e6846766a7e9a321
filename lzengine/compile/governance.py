"""Compiler steps for governance: a diagnostic setting on every resource that supports one
(to the hub Log Analytics workspace), policy assignments (the default AI landing zone set or the
plan's), and role assignments (each team on what it owns; the web app's identity on the AI
account and Search it calls).

Who uses it: ``lzengine.compile.STEPS``; these run after every resource step, because they
attach to resources the earlier steps added.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from lzengine import ids
from lzengine.compile import workload
from lzengine.compile.context import PLATFORM, Context
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import catalog, checks, policy_files
from lzengine.plan.hub import PolicyAssignment
from lzengine.refs import Ref

#: Kinds with diagnostic settings: (send all logs, send all metrics).
DIAGNOSTICS: dict[str, tuple[bool, bool]] = {
    "virtual_network": (True, True),
    "network_security_group": (True, False),
    "public_ip": (True, True),
    "azure_firewall": (True, True),
    "bastion_host": (True, True),
    "application_gateway": (True, True),
    "private_endpoint": (False, True),
    "cognitive_account": (True, True),
    "search_service": (True, True),
    "app_service_plan": (False, True),
    "web_app": (True, True),
    "virtual_machine": (False, True),  # platform metrics; the guest's logs need the Monitor agent
    "apim_service": (True, True),
}
#: Kinds whose logs go to resource-specific tables.
DEDICATED_TABLES = {"azure_firewall"}
#: Stable namespace for role assignment names (uuid5).
ROLE_NAMESPACE = uuid.UUID("5b0d3c1e-6f1a-4c59-9a57-6c7a0d1f2e40")


def diagnostics(ctx: Context) -> None:
    workspace_id = ctx.log_analytics_id()
    if workspace_id is None:
        return
    setting = f"to-{workspace_id.rsplit('/', 1)[-1]}"  # the workspace's name: the hub's, or an existing one
    for node in list(ctx.graph):
        wanted = DIAGNOSTICS.get(node.kind.name)
        if wanted is None:
            continue
        logs, metrics = wanted
        props: dict[str, Any] = {"workspaceId": workspace_id}
        if logs:
            props["logs"] = [{"categoryGroup": "allLogs", "enabled": True}]
        if metrics:
            props["metrics"] = [{"category": "AllMetrics", "enabled": True}]
        if node.kind.name in DEDICATED_TABLES:
            props["logAnalyticsDestinationType"] = "Dedicated"
        ctx.add(f"{node.address}.diagnostics", KINDS_BY_NAME["diagnostic_setting"],
                f"{node.arm_id}/providers/Microsoft.Insights/diagnosticSettings/{setting}", {"properties": props},
                {node.address, "hub.log_analytics"}, node.owner)


def _scopes(ctx: Context, scope: str) -> list[tuple[str, str, str | None]]:
    """(label, scope id, address of the scope's node) for a plan scope keyword."""
    hub = ("hub", ctx.rg_id(ctx.hub_rg()), "hub.resource_group")
    spokes = [(s.name, ctx.rg_id(ctx.spoke_rg(s)), f"spokes.{s.name}.resource_group") for s in ctx.plan.spokes]
    if scope == "zone":  # an existing hub's policy is the platform's: the zone is then its spokes
        return [hub, *spokes] if ctx.existing is None else spokes
    if scope == "hub":
        return [hub]
    if scope == "spokes":
        return spokes
    if scope == "subscription":
        return [("subscription", f"/subscriptions/{ctx.subscription}", None)]
    group = checks.management_group_of(scope)
    if group is not None:  # an existing group, resolved in `plan` (lzengine.preflight)
        return [(f"management_group.{group}", f"{ids.MANAGEMENT_GROUP_PREFIX}{group}", None)]
    return [s for s in spokes if s[0] == scope]


def _assignments(ctx: Context) -> list[PolicyAssignment]:
    declared = ctx.plan.hub.policy_assignments
    if declared is None:
        declared = [PolicyAssignment(definition=d, scope="spokes") for d in catalog.DEFAULT_SPOKE_POLICIES]
    return declared


def _definition_subscriptions(ctx: Context) -> list[str]:
    """The subscriptions the plan assigns policy in (each assignment's scope), the plan's default
    first: a custom definition at subscription scope can only be assigned inside that
    subscription, so each of them gets its own copy (one copy when everything shares one)."""
    found = [ids.subscription_of(scope_id) for a in _assignments(ctx) for _, scope_id, _ in _scopes(ctx, a.scope)]
    subscriptions = [s for s in dict.fromkeys(found) if s]
    return sorted(subscriptions, key=lambda s: s != ctx.subscription) or [ctx.subscription]


def _definition_address(ctx: Context, item: policy_files.CustomPolicy, subscription: str) -> str:
    """One address per copy: a management group's definition has one, a subscription's one per subscription."""
    base = f"policy_definition.{item.name}"
    return base if subscription == ctx.subscription or item.management_group is not None \
        else f"{base}.{subscription}"


def policy_definitions(ctx: Context) -> None:
    """Custom policy definitions and initiatives (policy as code) at subscription scope, in every
    subscription an assignment lands in: the plan's files, and the library definitions its
    assignments or initiatives name. An initiative's member given by name becomes the
    subscription-scope id and a dependency."""
    # the library's definitions only where an assignment of them lands (none on a plan without
    # spokes that keeps the default set); the plan's own files always
    used = [a.definition for a in _assignments(ctx) if _scopes(ctx, a.scope)]
    custom = policy_files.with_library(ctx.plan.hub.custom_policies, used)
    by_name = {c.name.lower(): c for c in custom}
    kinds = {False: KINDS_BY_NAME["policy_definition"], True: KINDS_BY_NAME["policy_set_definition"]}
    for n, subscription in enumerate(_definition_subscriptions(ctx) if custom else []):
        for item in custom:
            if n and item.management_group is not None:  # one definition at its group serves every subscription
                continue
            props = dict(item.properties)
            deps: set[str] = set()
            if item.is_set:
                members = []
                for member in props["policyDefinitions"]:
                    target = by_name.get(str(member["policyDefinitionId"]).lower())
                    if target is not None:
                        member = {**member, "policyDefinitionId": target.arm_id(subscription)}
                        deps.add(_definition_address(ctx, target, subscription))
                    members.append(member)
                props["policyDefinitions"] = members
            ctx.add(_definition_address(ctx, item, subscription), kinds[item.is_set],
                    item.arm_id(subscription), {"properties": props}, deps, PLATFORM)


def policies(ctx: Context) -> None:
    for assignment in _assignments(ctx):
        custom = checks.custom_policy(ctx.plan, assignment.definition)
        builtin_id = None if custom else checks.resolve_policy(assignment.definition)
        assert custom is not None or builtin_id is not None
        name = assignment_name(assignment, builtin_id or custom.arm_id(ctx.subscription),  # type: ignore[union-attr]
                               custom.name if custom else None)
        known = checks.known_policy(builtin_id) if builtin_id else None
        display = assignment.display_name or (known.display_name if known else None) or \
            (str(custom.properties.get("displayName") or name) if custom else name)
        parameters = {k: {"value": v} for k, v in assignment.parameters.items()}
        if assignment.effect is not None:
            parameters["effect"] = {"value": assignment.effect}
        for label, scope_id, scope_address in _scopes(ctx, assignment.scope):
            subscription = ids.subscription_of(scope_id) or ctx.subscription
            definition_id = custom.arm_id(subscription) if custom else builtin_id
            props: dict[str, Any] = {
                "policyDefinitionId": definition_id,
                "displayName": display[:128],
                "description": f"Assigned by lzengine for landing zone {ctx.plan.name}.",
                "enforcementMode": "Default" if assignment.enforce else "DoNotEnforce",
                "parameters": parameters,
            }
            definition_deps = {_definition_address(ctx, custom, subscription)} if custom else set()
            ctx.add(f"policy.{name}.{label}", KINDS_BY_NAME["policy_assignment"],
                    f"{scope_id}/providers/Microsoft.Authorization/policyAssignments/{name}", {"properties": props},
                    ({scope_address} if scope_address else set()) | definition_deps, PLATFORM)


def policies_before_resources(ctx: Context) -> None:
    """Make every resource wait for the plan's policy assignments over it, so Azure evaluates
    the plan's own Deny/Modify/Append policies on it every time, not depending on timing.

    Role and policy assignments are not evaluated by Azure Policy and do not wait; neither does
    anything the assignment itself waits for (its resource group)."""
    graph = ctx.graph
    assignment_type = KINDS_BY_NAME["policy_assignment"].arm_type
    exempt = {assignment_type, KINDS_BY_NAME["role_assignment"].arm_type}
    # nodes by resource group id, so an assignment on a resource group looks at that group's
    # nodes only (linear in the graph, not assignments x resources); other scopes scan them all
    lowered = {n.address: n.arm_id.lower() for n in graph}
    in_group: dict[str, list[str]] = {}
    for address, arm_id in lowered.items():
        parts = arm_id.split("/")
        if len(parts) > 5 and parts[3] == "resourcegroups":
            in_group.setdefault("/".join(parts[:5]), []).append(address)
    for policy_node in [n for n in graph if n.kind.arm_type == assignment_type]:
        scope = policy_node.arm_id.rpartition("/providers/Microsoft.Authorization/")[0].lower()
        upstream = graph.ancestors(policy_node.address)
        scope_parts = scope.split("/")
        candidates = in_group.get(scope, []) if len(scope_parts) == 5 and scope_parts[3] == "resourcegroups" \
            else list(lowered)
        # a management group's assignment governs the plan's subscriptions below it: all of them wait
        prefix = "/subscriptions/" if scope.startswith(ids.MANAGEMENT_GROUP_PREFIX.lower()) else scope + "/"
        for address in candidates:
            node = graph.nodes[address]
            if node.kind.arm_type in exempt or node.kind.read_only or node.address in upstream \
                    or node.address == policy_node.address:
                continue
            if lowered[address].startswith(prefix):
                graph.nodes[address] = replace(node, depends_on=node.depends_on | {policy_node.address})


def assignment_name(assignment: PolicyAssignment, definition_id: str, custom: str | None = None) -> str:
    if assignment.name:
        return assignment.name
    if assignment.definition in catalog.BUILTIN_POLICIES:
        return assignment.definition
    if custom is not None:  # a custom definition's name: unique in the subscription, at most 64 characters
        return custom
    return "pa-" + uuid.uuid5(ROLE_NAMESPACE, definition_id.lower()).hex[:12]


def _role_definition(subscription: str, role: str) -> str:
    guid = catalog.BUILTIN_ROLES.get(role, role)
    return f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def _role(ctx: Context, address: str, scope_id: str, principal: Any, principal_type: str, role: str,
          deps: set[str], owner: str, key: str) -> None:
    # the role definition is named in the subscription of the scope it is assigned at, where the
    # assignment lands (a spoke's assignment in the spoke's subscription)
    role_id = _role_definition(ids.subscription_of(scope_id) or ctx.subscription, role)
    name = str(uuid.uuid5(ROLE_NAMESPACE, f"{scope_id.lower()}|{key}|{role_id.lower()}"))
    ctx.add(address, KINDS_BY_NAME["role_assignment"],
            f"{scope_id}/providers/Microsoft.Authorization/roleAssignments/{name}",
            {"properties": {"roleDefinitionId": role_id, "principalId": principal, "principalType": principal_type}},
            deps, owner)


#: The one way a compiler step adds a role assignment (stable name from scope, principal key, role).
assign_role = _role


def roles(ctx: Context) -> None:
    for team_name, team in ctx.plan.teams.items():
        scopes: list[tuple[str, str, str]] = []
        if team_name == PLATFORM:
            scopes.append(("hub", ctx.rg_id(ctx.hub_rg()), "hub.resource_group"))
        scopes += [(s.name, ctx.rg_id(ctx.spoke_rg(s)), f"spokes.{s.name}.resource_group")
                   for s in ctx.plan.spokes if s.owner == team_name]
        for label, scope_id, scope_address in scopes:
            for principal in team.principals:
                _role(ctx, f"role.{team_name}.{label}.{principal}", scope_id, principal, team.principal_type,
                      team.role, {scope_address}, PLATFORM, principal)
    for spoke in ctx.plan.spokes:
        if spoke.app_service is None:
            continue
        base = f"spokes.{spoke.name}"
        identity = Ref(f"{base}.app_service.app", "identity.principalId")
        if spoke.ai is not None:
            _role(ctx, f"{base}.app_service.role.ai", workload.ai_id(ctx, spoke), identity, "ServicePrincipal",
                  "Cognitive Services OpenAI User", {f"{base}.ai"}, spoke.owner, f"{base}.app_service.app")
        if spoke.search is not None:
            _role(ctx, f"{base}.app_service.role.search", workload.search_id(ctx, spoke), identity, "ServicePrincipal",
                  "Search Index Data Reader", {f"{base}.search"}, spoke.owner, f"{base}.app_service.app")
