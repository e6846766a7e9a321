"""Azure Policy preflight: evaluate every resource a change set would write against the policy
assignments that will apply to it, before the first write.

Who uses it: ``lzengine.engine.Engine.plan``. Azure evaluates Deny policies at request time, so a
denied spoke would otherwise fail minutes into an apply; here the same evaluator the emulator
uses (``lzengine.policy``) runs on the desired bodies first. The assignments are those already
in the subscription plus those the plan itself creates; their definitions are read through the
adapter. A denial becomes the change's ``failure`` (the real RequestDisallowedByPolicy error),
so plan reports it and apply fails that resource, and only its dependents, without writing it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lzengine import ids, policy, refs
from lzengine.adapters.base import Adapter, at, subscriptions_of
from lzengine.diff import Action, Change
from lzengine.errors import ProviderError
from lzengine.graph import Graph

#: Types Azure does not evaluate policy for when they are written.
NOT_EVALUATED = {
    "microsoft.authorization/policyassignments",
    "microsoft.authorization/policydefinitions",
    "microsoft.authorization/policysetdefinitions",
    "microsoft.authorization/roleassignments",
}
POLICY_ASSIGNMENT_TYPE = "microsoft.authorization/policyassignments"
#: custom definitions the plan itself writes (policy as code) are evaluated from the plan's body
DEFINITION_TYPES = {"microsoft.authorization/policydefinitions", "microsoft.authorization/policysetdefinitions"}
RESOURCE_GROUP_IN_ID = re.compile(r"^/subscriptions/[^/]+/resourceGroups/([^/]+)", re.IGNORECASE)


def denials(
    graph: Graph, changes: Mapping[str, Change], desired: Mapping[str, Any], adapter: Adapter, subscription: str,
    notes: list[str] | None = None,
) -> dict[str, tuple[str, str]]:
    """Address → (ARM code, message) for every pending write a Deny policy would refuse.

    An identity that may not read the subscription's policy assignments or a policy definition
    (a team's identity, see the README) does not stop the run: what could not be read is left
    out of the evaluation and said in ``notes`` ("not evaluated: no read access to X")."""
    notes = [] if notes is None else notes
    pending = [
        a for a, c in changes.items()
        if c.action in (Action.CREATE, Action.UPDATE, Action.REPLACE) and c.allowed
        and c.arm_type.lower() not in NOT_EVALUATED
    ]
    if not pending:
        return {}
    # the assignments of every subscription a pending write lands in (hub and spokes may differ);
    # each applies only to what lies under its scope
    subscriptions = subscriptions_of((graph.nodes[a].arm_id for a in pending), subscription)
    groups_above: dict[str, set[str]] = {}
    assignments = _assignments(graph, desired, adapter, subscriptions, notes, groups_above)
    if not assignments:
        return {}
    planned = {node.arm_id.lower(): {**_strip_unknown(desired.get(node.address) or node.body), "id": node.arm_id,
                                     "name": ids.parse_name(node.arm_id)}
               for node in graph if node.kind.arm_type.lower() in DEFINITION_TYPES}
    definitions = _definitions(assignments, adapter, notes, planned)
    usable = [a for a in assignments if a.policy_definition_id.lower() in definitions]
    found: dict[str, tuple[str, str]] = {}
    for address in pending:
        node = graph.nodes[address]
        resource = _resource(node.arm_id, node.kind.arm_type, desired[address])
        in_subscription = ids.subscription_of(node.arm_id) or subscription
        context = policy.RequestContext(
            api_version=node.kind.api_version or "",
            subscription_id=in_subscription,
            resource_group=_resource_group(graph, desired, node.arm_id),
            method="PUT",
            # the management groups above its subscription: their assignments apply to it
            management_group_ids=tuple(sorted(groups_above.get(in_subscription.lower(), ()))),
        )
        decision = policy.evaluate_request(resource, assignments=usable, definitions=definitions, context=context)
        if decision.denied:
            error = decision.deny_error()["error"]
            found[address] = (str(error.get("code", "RequestDisallowedByPolicy")), str(error.get("message", "")))
    return found


def no_read_access(error: ProviderError) -> bool:
    """Whether ARM refused a read for lack of a role (what a team's identity meets outside its groups)."""
    return error.status == 403 or error.code.lower() in ("authorizationfailed", "linkedauthorizationfailed")


def _assignments(graph: Graph, desired: Mapping[str, Any], adapter: Adapter, subscriptions: list[str],
                 notes: list[str], groups_above: dict[str, set[str]]) -> list[policy.Assignment]:
    """The assignments that may apply (each subscription's list, which in Azure includes those of
    the management groups above it, and the plan's own); fills ``groups_above`` (lower-case
    subscription → names of the management groups above it that carry an assignment)."""
    by_id: dict[str, dict[str, Any]] = {}
    listed: list[dict[str, Any]] = []
    for subscription in subscriptions:
        try:
            mine = at(adapter, subscription).list_policy_assignments()
            listed += mine
            groups_above[subscription.lower()] = {g for g in (ids.management_group_of(str(b.get("id") or ""))
                                                              for b in mine) if g}
        except ProviderError as error:
            if not no_read_access(error):
                raise
            notes.append(f"policy preflight: the subscription's existing policy assignments were not evaluated: "
                         f"no read access to /subscriptions/{subscription} ({error.code}); only the plan's own are")
    for body in listed:
        if body.get("id"):
            by_id[str(body["id"]).lower()] = body
    for group, below in _plan_groups(graph, adapter, notes).items():
        for subscription in subscriptions:
            if subscription.lower() in below:
                groups_above.setdefault(subscription.lower(), set()).add(group)
    for node in graph:
        if node.kind.arm_type.lower() == POLICY_ASSIGNMENT_TYPE:
            body = _strip_unknown(desired.get(node.address) or node.body)
            scope = node.arm_id.rpartition("/providers/")[0] or "/"
            properties = {**body.get("properties", {}), "scope": scope}
            by_id[node.arm_id.lower()] = {**body, "id": node.arm_id, "name": ids.parse_name(node.arm_id),
                                          "properties": properties}
    return [policy.Assignment.from_arm(body) for body in by_id.values()]


def _plan_groups(graph: Graph, adapter: Adapter, notes: list[str]) -> dict[str, set[str]]:
    """Each management group the plan assigns policy at → the lower-case ids of the subscriptions
    below it (at any depth); a group that cannot be read counts as governing none."""
    out: dict[str, set[str]] = {}
    for group in sorted({g for n in graph if (g := ids.management_group_of(n.arm_id))}):
        try:
            tree = _read_group(adapter, group)
        except ProviderError as error:
            if not no_read_access(error):
                raise
            notes.append(f"policy preflight: management group {group} not read ({error.code}): its assignments are "
                         "not evaluated")
            tree = None
        out[group] = _subscriptions_below(tree) if tree else set()
    return out


def _read_group(adapter: Adapter, group: str) -> dict[str, Any] | None:
    read = getattr(adapter, "get_management_group", None)
    return read(group) if read is not None else None


def _subscriptions_below(group: Mapping[str, Any]) -> set[str]:
    return _names_below(group, "/subscriptions")


def _names_below(group: Mapping[str, Any], type_suffix: str) -> set[str]:
    """Lower-cased names of every descendant of ``group`` (read with ``$expand=children&$recurse``)
    whose type ends with ``type_suffix``, at any depth."""
    found: set[str] = set()
    queue = list((group.get("properties") or {}).get("children") or [])
    while queue:
        child = queue.pop()
        if not isinstance(child, Mapping):
            continue
        if str(child.get("type", "")).lower().endswith(type_suffix):
            found.add(str(child.get("name", "")).lower())
        queue.extend(child.get("children") or [])
    return found


def missing_management_groups(graph: Graph, changes: Mapping[str, Change],
                              adapter: Adapter) -> dict[str, tuple[str, str]]:
    """Address → (code, message) for each pending policy assignment or definition at a management
    group that does not exist or this identity may not read (Azure answers 403 for both), and for
    each pending assignment or initiative that uses a definition outside that definition's scope
    (see :func:`out_of_scope`). The plan names existing groups only (``scope:
    management_group:<id>``); lzengine never creates them."""
    found = _missing_groups(changes, adapter)
    for address, failure in out_of_scope(graph, changes, adapter).items():
        found.setdefault(address, failure)
    return found


def _missing_groups(changes: Mapping[str, Change], adapter: Adapter) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    seen: dict[str, str | None] = {}
    for address, change in changes.items():
        group = ids.management_group_of(change.arm_id)
        if group is None or change.action not in (Action.CREATE, Action.UPDATE, Action.REPLACE) or not change.allowed:
            continue
        if group not in seen:
            try:
                seen[group] = None if _read_group(adapter, group) is not None or not hasattr(
                    adapter, "get_management_group") else "it does not exist"
            except ProviderError as error:
                if not no_read_access(error):
                    raise
                seen[group] = f"this identity may not read it ({error.code})"
        why = seen[group]
        if why is not None:
            found[address] = ("ManagementGroupNotFound",
                              f"management group '{group}' (scope management_group:{group}): {why}. lzengine "
                              "assigns policy at existing groups only: create it, or fix the group id, or give "
                              "this identity Reader and Resource Policy Contributor on it")
    return found


#: Azure's answers to a definition used outside its scope (quoted in Azure/Enterprise-Scale#901 and
#: Azure/ALZ-Bicep#399): a definition can be assigned, or be an initiative's member, only at or
#: below the scope it is created at (its subscription, or its management group and everything below)
OUT_OF_SCOPE_ASSIGNMENT = "InvalidCreatePolicyAssignmentRequest"
OUT_OF_SCOPE_SET = "InvalidCreatePolicySetDefinitionRequest"
SET_DEFINITION_TYPE = "microsoft.authorization/policysetdefinitions"
AUTHORIZATION = "/providers/microsoft.authorization/"


def out_of_scope(graph: Graph, changes: Mapping[str, Change], adapter: Adapter) -> dict[str, tuple[str, str]]:
    """Address → (code, message) for each pending policy assignment whose definition, and each
    pending initiative one of whose members, lives at a scope that does not contain the assignment's
    scope (the initiative's location). A definition at a management group is checked against the
    group's hierarchy as Azure reports it (``$expand=children&$recurse=true``); a group that cannot be
    read is left to Azure."""
    trees: dict[str, tuple[set[str], set[str]] | None] = {}

    def below(group: str) -> tuple[set[str], set[str]] | None:
        if group.lower() not in trees:
            try:
                tree = _read_group(adapter, group)
            except ProviderError as error:
                if not no_read_access(error):
                    raise
                tree = None
            trees[group.lower()] = (_subscriptions_below(tree), _groups_below(tree)) if tree else None
        return trees[group.lower()]

    found: dict[str, tuple[str, str]] = {}
    for address, change in changes.items():
        arm_type = change.arm_type.lower()
        if arm_type not in (POLICY_ASSIGNMENT_TYPE, SET_DEFINITION_TYPE) or not change.allowed \
                or change.action not in (Action.CREATE, Action.UPDATE, Action.REPLACE):
            continue
        node = graph.nodes[address]
        properties = node.body.get("properties") or {}
        target = node.arm_id[:node.arm_id.lower().rfind(AUTHORIZATION)] or "/"
        if arm_type == POLICY_ASSIGNMENT_TYPE:
            used = [str(properties.get("policyDefinitionId") or "")]
        else:
            used = [str(m.get("policyDefinitionId") or "") for m in properties.get("policyDefinitions") or []
                    if isinstance(m, Mapping)]
        outside = [d for d in used if not _contains(_location(d), target, below)]
        if not outside:
            continue
        name = ids.parse_name(node.arm_id)
        if arm_type == POLICY_ASSIGNMENT_TYPE:
            found[address] = (OUT_OF_SCOPE_ASSIGNMENT, (
                f"The policy definition specified in policy assignment '{name}' is out of scope. Policy definitions "
                f"should be specified only at or above the policy assignment scope: {outside[0]} is not at or above "
                f"{target}. Create the definition at a management group above every scope that assigns it, or "
                "assign it inside its own scope"))
        else:
            found[address] = (OUT_OF_SCOPE_SET, (
                f"The policy set definition '{name}' request is invalid. Policy definitions should be specified only "
                f"at or above the policy set definition's scope ({target}). The following policy definitions are "
                f"invalid: {', '.join(outside)}"))
    return found


def _location(definition_id: str) -> str:
    """Where a definition lives: ``""`` for a built-in (everywhere), else the id up to its provider."""
    at = definition_id.lower().rfind(AUTHORIZATION)
    return definition_id[:at] if at > 0 else ""


def _contains(location: str, scope: str, below: Any) -> bool:
    """Whether ``scope`` is at or below ``location`` (a subscription or management group id)."""
    if not location or location.lower() == scope.lower():
        return True
    group = ids.management_group_of(location)
    if group is None:  # a subscription holds its resource groups and resources
        return scope.lower().startswith(location.lower() + "/")
    tree = below(group)
    if tree is None:
        return True  # cannot tell: Azure decides
    subscriptions, groups = tree
    inner = ids.management_group_of(scope)
    if inner is not None:
        return inner.lower() in groups
    subscription = ids.subscription_of(scope)
    return subscription is not None and subscription.lower() in subscriptions


def _groups_below(group: Mapping[str, Any]) -> set[str]:
    return _names_below(group, "/managementgroups")


def _definitions(assignments: list[policy.Assignment], adapter: Adapter, notes: list[str],
                 planned: Mapping[str, dict[str, Any]] | None = None) -> dict[str, policy.Definition]:
    """The definitions the assignments use: the plan's own (``planned``, by lower-case id) as the
    plan writes them, the others read through the adapter."""
    planned = planned or {}
    definitions: dict[str, policy.Definition] = {}
    fetched: set[str] = set()  # read once each, found or not
    queue = [a.policy_definition_id for a in assignments]
    while queue:
        definition_id = queue.pop()
        if definition_id.lower() in fetched:
            continue
        fetched.add(definition_id.lower())
        if definition_id.lower() in planned:
            loaded = policy.load_definition(planned[definition_id.lower()])
            definitions[definition_id.lower()] = loaded
            queue.extend(m.policy_definition_id for m in loaded.members)
            continue
        try:
            body = adapter.get_policy_definition(definition_id)
        except ProviderError as error:
            if not no_read_access(error):
                raise
            notes.append(f"policy preflight: {definition_id} not evaluated: no read access to it ({error.code})")
            continue
        if body is None:
            continue  # the assignment's own PUT will report the missing definition
        loaded = policy.load_definition({**body, "id": body.get("id") or definition_id})
        definitions[definition_id.lower()] = loaded
        queue.extend(m.policy_definition_id for m in loaded.members)
    return definitions


def _resource(arm_id: str, arm_type: str, body: Any) -> dict[str, Any]:
    clean = _strip_unknown(body) if isinstance(body, dict) else {}
    return {**clean, "id": arm_id, "name": ids.parse_name(arm_id), "type": arm_type}


def _resource_group(graph: Graph, desired: Mapping[str, Any], arm_id: str) -> dict[str, Any] | None:
    """The resource group the resource lives in, as ``resourceGroup()`` sees it."""
    match = RESOURCE_GROUP_IN_ID.match(arm_id)
    if match is None:
        return None
    rg_id, name = match.group(0), match.group(1)
    base = {"id": rg_id, "name": name, "type": "Microsoft.Resources/resourceGroups"}
    node = next((n for n in graph if ids.same(n.arm_id, rg_id)), None)
    if node is None:
        return base
    return {**_strip_unknown(desired.get(node.address) or node.body), **base}


def _strip_unknown(body: Any) -> Any:
    if body is refs.UNKNOWN:
        return None
    if isinstance(body, dict):
        return {k: _strip_unknown(v) for k, v in body.items() if v is not refs.UNKNOWN}
    if isinstance(body, list):
        return [_strip_unknown(v) for v in body]
    return body
