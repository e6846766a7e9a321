"""Cross-field checks of a typed plan: addresses, sizes, references, names, cycles.

Who uses it: ``lzengine.plan.loader`` runs ``findings(plan)`` after the models validate and
turns each ``Finding`` path into file:line:column. Every check runs, so one ``validate`` shows
every problem. Nothing here calls Azure.
"""

from __future__ import annotations

import difflib
import graphlib
import re
import uuid
from collections.abc import Iterator
from typing import Any

from lzengine.plan import addresses, ai_checks, catalog, layout, network, policy_files
from lzengine.plan.models import Plan, RawResource, Spoke
from lzengine.plan.naming import NAME_RULES, Names
from lzengine.plan.network import Finding, Path

#: Subnets Azure does not allow a network security group on.
NO_NSG_SUBNETS = {"gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "routeserversubnet"}

def findings(plan: Plan) -> list[Finding]:
    """Every semantic problem of ``plan``, each with its path in the plan."""
    out: list[Finding] = []
    for check in CHECKS:
        out.extend(check(plan))
    return out


def _suggest(value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"known: {', '.join(options)}" if options and len(options) <= 12 else ""


# -- network ------------------------------------------------------------------------------------
def _network(plan: Plan) -> Iterator[Finding]:
    vnets = layout.all_vnets(plan)
    for _label, space_path, space, planned in vnets:
        container = space_path[:-1]
        for f in network.check_space(space):
            yield Finding((*container, *f.path), f.message, f.hint, f.code)
        specs = [p.spec for p in planned]
        prefixes, carve_findings = network.carve(space, specs)
        for f in [*carve_findings, *network.check_subnets(space, specs, prefixes)]:
            index = f.path[1]
            assert isinstance(index, int)
            where = planned[index].path if planned[index].implicit else (*planned[index].path, *f.path[2:])
            yield Finding(where, f.message, f.hint, f.code)
        yield from _purposes(planned)
    yield from network.check_vnet_overlaps([(label, path, space) for label, path, space, _ in vnets])


def _purposes(planned: list[layout.PlannedSubnet]) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for p in planned:
        purpose = p.spec.purpose
        if purpose == "workload":
            continue
        if purpose in seen:
            yield Finding((*p.path, "purpose"), f"two subnets for {purpose}: {seen[purpose]!r} and {p.spec.name!r}",
                          "give each purpose one subnet", "duplicate")
        seen[purpose] = p.spec.name
        if p.spec.name.lower() in network.SPECIAL_SUBNET_MIN_SIZE:
            yield Finding((*p.path, "purpose"), f"{p.spec.name} is reserved by Azure and cannot be used for {purpose}",
                          "use another subnet name", "invalid-value")


def _route_tables(plan: Plan) -> Iterator[Finding]:
    tables = addresses.route_table_names(plan)
    seen: set[str] = set()
    for i, table in enumerate(plan.hub.route_tables):
        if table.name in seen:
            yield Finding(("hub", "route_tables", i, "name"), f"route table {table.name!r} is declared twice",
                          code="duplicate")
        seen.add(table.name)
        for k, route in enumerate(table.routes):
            if route.next_hop == "firewall" and plan.hub.firewall is None:
                yield Finding(("hub", "route_tables", i, "routes", k, "next_hop"),
                              "next_hop 'firewall' but the hub has no firewall",
                              "add 'firewall: {}' to the hub, or give an IP address", "unresolved-reference")
    vnets = [(("hub", "subnets"), plan.hub.subnets)] + [(("spokes", i, "subnets"), s.subnets)
                                                        for i, s in enumerate(plan.spokes)]
    for base, subnets in vnets:
        for k, subnet in enumerate(subnets):
            ref = subnet.route_table
            if ref is None or ref == "none" or ref in tables:
                continue
            hint = _suggest(ref, tables) or "declare it under hub.route_tables (or add a hub firewall for 'egress')"
            yield Finding((*base, k, "route_table"), f"unknown route table {ref!r}", hint, "unresolved-reference")


# -- ownership and roles ------------------------------------------------------------------------
def _teams(plan: Plan) -> Iterator[Finding]:
    for name, team in plan.teams.items():
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,30}", name):
            yield Finding(("teams", name), f"team name {name!r}: use lower-case letters, digits and '-'",
                          code="invalid-value")
        if not _role_known(team.role):
            yield Finding(("teams", name, "role"), f"unknown role {team.role!r}",
                          _suggest(team.role, list(catalog.BUILTIN_ROLES)) or "give a role definition GUID",
                          "unknown-role")
    names = list(plan.teams)
    seen: set[str] = set()
    for i, s in enumerate(plan.spokes):
        if s.name in seen:
            yield Finding(("spokes", i, "name"), f"spoke {s.name!r} is declared twice", code="duplicate")
        seen.add(s.name)
        if s.owner not in plan.teams:
            hint = _suggest(s.owner, names) or f"declare the team under 'teams:' ({s.owner}: {{principals: [...]}})"
            yield Finding(("spokes", i, "owner"), f"owner {s.owner!r} is not a declared team", hint,
                          "unresolved-reference")
        elif s.owner == "platform":
            yield Finding(("spokes", i, "owner"), "spokes belong to application teams, not 'platform'",
                          "name the application team that owns this spoke", "invalid-value")


def _role_known(role: str) -> bool:
    if role in catalog.BUILTIN_ROLES:
        return True
    try:
        uuid.UUID(role)
    except ValueError:
        return False
    return True


# -- components ---------------------------------------------------------------------------------
def _components(plan: Plan) -> Iterator[Finding]:
    for i, s in enumerate(plan.spokes):
        yield from _spoke_components(plan, i, s)


def _spoke_components(plan: Plan, i: int, s: Spoke) -> Iterator[Finding]:
    base: Path = ("spokes", i)
    if s.app_gateway is not None:
        gw = s.app_gateway
        if s.app_service is None:
            yield Finding((*base, "app_gateway"),
                          "the Application Gateway has no backend: this spoke has no app_service",
                          "add 'app_service: {}' to the spoke, or remove app_gateway", "missing-component")
        if gw.min_capacity > gw.max_capacity:
            yield Finding((*base, "app_gateway", "min_capacity"),
                          f"min_capacity {gw.min_capacity} is above max_capacity {gw.max_capacity}",
                          code="invalid-value")
        if gw.certificate_secret_id and not gw.identity_id:
            yield Finding((*base, "app_gateway", "certificate_secret_id"),
                          "a Key Vault certificate needs 'identity_id' (a user-assigned identity that can read it)",
                          code="missing-component")
    if s.app_service is not None and s.app_service.zone_redundant:
        if not s.app_service.sku.startswith(("P", "I")):
            yield Finding((*base, "app_service", "sku"), f"{s.app_service.sku} plans cannot be zone redundant",
                          "use a Premium v3 SKU such as P1v3, or set zone_redundant: false", "invalid-value")
        elif s.app_service.capacity < 2:
            yield Finding((*base, "app_service", "capacity"), "a zone-redundant plan needs 2 or more instances",
                          "set capacity: 3 (one per zone)", "invalid-value")
    if s.search is not None and s.search.replicas * s.search.partitions > 36:
        yield Finding((*base, "search", "replicas"), "replicas x partitions may not exceed 36 search units",
                      code="invalid-value")
    if s.ai is not None:
        seen: set[str] = set()
        for k, d in enumerate(s.ai.deployments):
            if d.deployment_name in seen:
                yield Finding((*base, "ai", "deployments", k), f"deployment {d.deployment_name!r} is declared twice",
                              "give the second one a 'name'", "duplicate")
            seen.add(d.deployment_name)
    if s.monitoring is not None:
        if plan.hub.existing is not None and plan.hub.existing.log_analytics_workspace_id is None:
            yield Finding((*base, "monitoring"), "monitoring needs the hub Log Analytics workspace",
                          "add 'log_analytics_workspace_id' to hub.existing", "missing-component")
        elif plan.hub.existing is None and plan.hub.log_analytics is None:
            yield Finding((*base, "monitoring"), "monitoring needs the hub Log Analytics workspace",
                          "add 'log_analytics: {}' to the hub", "missing-component")
        names: set[str] = set()
        for k, alert in enumerate(s.monitoring.alerts):
            if getattr(s, alert.target) is None:
                yield Finding((*base, "monitoring", "alerts", k, "target"),
                              f"alert target {alert.target!r} is not deployed in spoke {s.name!r}",
                              f"add '{alert.target}: {{}}' to the spoke or watch another component",
                              "unresolved-reference")
            if alert.name in names:
                yield Finding((*base, "monitoring", "alerts", k, "name"), f"alert {alert.name!r} is declared twice",
                              code="duplicate")
            names.add(alert.name)


def _fqdn_tags(tags: list[str], at: tuple[str | int, ...]) -> Iterator[Finding]:
    known = {t.lower() for t in catalog.FQDN_TAGS}
    for t, tag in enumerate(tags):
        if tag.lower() not in known and not tag.lower().startswith("office365."):
            yield Finding((*at, t), f"{tag!r} is not an Azure Firewall FQDN tag",
                          _suggest(tag, list(catalog.FQDN_TAGS)), "invalid-value")


def _firewall(plan: Plan) -> Iterator[Finding]:
    fw = plan.hub.firewall
    if fw is None:
        return
    yield from _fqdn_tags(fw.platform_fqdn_tags, ("hub", "firewall", "platform_fqdn_tags"))
    for g, group in enumerate(fw.rule_collection_groups):
        for c, collection in enumerate(group.collections):
            for r, rule in enumerate(collection.rules):
                yield from _fqdn_tags(rule.fqdn_tags, ("hub", "firewall", "rule_collection_groups", g, "collections",
                                                       c, "rules", r, "fqdn_tags"))
    seen: set[str] = set()
    for g, group in enumerate(fw.rule_collection_groups):
        if group.name in seen:
            yield Finding(("hub", "firewall", "rule_collection_groups", g, "name"),
                          f"rule collection group {group.name!r} is declared twice", code="duplicate")
        seen.add(group.name)
        names: set[str] = set()
        for c, collection in enumerate(group.collections):
            if collection.name in names:
                yield Finding(("hub", "firewall", "rule_collection_groups", g, "collections", c, "name"),
                              f"rule collection {collection.name!r} is declared twice", code="duplicate")
            names.add(collection.name)


def _jump_box(plan: Plan) -> Iterator[Finding]:
    box = plan.hub.jump_box
    if box is not None and box.monitoring_agent and plan.hub.log_analytics is None:
        yield Finding(("hub", "jump_box", "monitoring_agent"), "the monitoring agent needs the hub Log Analytics "
                      "workspace its data collection rule sends to", "add 'log_analytics: {}' to the hub, or set "
                      "monitoring_agent: false", "missing-component")


def _dns(plan: Plan) -> Iterator[Finding]:
    listed = plan.hub.private_dns.zones
    if listed is None:
        return
    missing = [z for z in addresses.needed_zones(plan) if z not in listed]
    if missing:
        yield Finding(("hub", "private_dns", "zones"), f"private endpoints need zones not listed: {', '.join(missing)}",
                      "add them, or remove 'zones' to host exactly the needed ones", "missing-component")


# -- an existing hub -----------------------------------------------------------------------------
#: Hub fields that describe a hub lzengine builds; with ``existing`` they belong to the platform.
BUILT_HUB_FIELDS: dict[str, str] = {
    "address_space": "the existing VNet's address space is read from it",
    "subnets": "the existing hub's subnets belong to the platform team",
    "firewall": "the existing hub's firewall and its policy's rule collections belong to the platform team; "
                "name it with existing.firewall_id or existing.firewall_private_ip",
    "bastion": "the existing hub's Bastion belongs to the platform team",
    "jump_box": "the existing hub's subnets and machines belong to the platform team",
    "log_analytics": "name the platform's workspace with existing.log_analytics_workspace_id",
    "route_tables": "the existing hub's route tables belong to the platform team; each spoke gets its own "
                    "'egress' table to the existing firewall",
    "key_vault": "lzengine writes nothing into the existing hub; give the spoke a key_vault and take the "
                 "gateway certificate from it (certificate: {vault: spoke})",
}


def _existing_hub(plan: Plan) -> Iterator[Finding]:
    existing = plan.hub.existing
    if existing is None:
        return
    hub = plan.hub
    fields = hub.model_fields_set
    for field, why in BUILT_HUB_FIELDS.items():
        if field in fields and getattr(hub, field):
            yield Finding(("hub", field), f"hub.{field} cannot be declared with hub.existing: {why}",
                          f"remove hub.{field}", "existing-hub")
    if hub.private_dns.zones is not None:
        yield Finding(("hub", "private_dns", "zones"),
                      "hub.private_dns.zones cannot be declared with hub.existing: the zones are the platform's",
                      "name them with existing.private_dns_zone_ids or existing.private_dns_resource_group_id",
                      "existing-hub")
    for k, assignment in enumerate(hub.policy_assignments or []):
        if assignment.scope == "hub":
            yield Finding(("hub", "policy_assignments", k, "scope"),
                          "a policy assignment on the hub cannot be declared with hub.existing: the existing "
                          "hub's policy belongs to the platform team",
                          "assign it to 'spokes' or one spoke, or leave it to the platform", "existing-hub")
    needed = addresses.needed_zones(plan)
    named = existing.private_dns_zone_ids is not None or existing.private_dns_resource_group_id is not None
    writes_dns = not hub.private_dns.zone_groups_by_policy or existing.dns_links == "lzengine"
    if needed and not named and writes_dns:
        yield Finding(("hub", "existing"), "the spokes' private endpoints need the hub's private DNS zones "
                      f"({', '.join(needed)}), and hub.existing names none",
                      "add private_dns_zone_ids or private_dns_resource_group_id, or leave the zone groups and "
                      "links to the platform (private_dns.zone_groups_by_policy: true, existing.dns_links: platform)",
                      "missing-component")
    if existing.private_dns_zone_ids is not None:
        missing = [z for z in needed if existing.zone_id(z) is None]
        if missing:
            yield Finding(("hub", "existing", "private_dns_zone_ids"),
                          f"private endpoints need zones not listed: {', '.join(missing)}",
                          "add their ids", "missing-component")


# -- policy -------------------------------------------------------------------------------------
def resolve_policy(definition: str) -> str | None:
    """The policy definition id a plan's ``definition`` means, or None if unknown."""
    if definition in catalog.BUILTIN_POLICIES:
        return catalog.POLICY_DEFINITION_PREFIX + catalog.BUILTIN_POLICIES[definition].guid
    try:
        return catalog.POLICY_DEFINITION_PREFIX + str(uuid.UUID(definition))
    except ValueError:
        pass
    if re.fullmatch(r"(/subscriptions/[0-9a-fA-F-]{36}|/providers/Microsoft\.Management/managementGroups/[^/]+)?"
                    r"/providers/Microsoft\.Authorization/policy(Set)?Definitions/[^/]+", definition):
        return definition
    return None


def known_policy(definition_id: str) -> catalog.BuiltinPolicy | None:
    guid = definition_id.rsplit("/", 1)[-1].lower()
    return next((p for p in catalog.BUILTIN_POLICIES.values() if p.guid == guid), None)


#: ``scope: management_group:<group id>`` on a policy assignment (a group the platform already has)
MANAGEMENT_GROUP_SCOPE = "management_group:"
#: a management group id as Azure accepts it (the same rule the emulator applies)
MANAGEMENT_GROUP_NAME = re.compile(r"[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]")


def management_group_of(scope: str) -> str | None:
    """The group id of a ``management_group:<id>`` scope keyword, else None."""
    if scope.startswith(MANAGEMENT_GROUP_SCOPE):
        return scope[len(MANAGEMENT_GROUP_SCOPE):]
    return None


def _policies(plan: Plan) -> Iterator[Finding]:
    spoke_names = [s.name for s in plan.spokes]
    scopes = ["zone", "hub", "spokes", "subscription", *spoke_names]
    expand = {"zone": ["hub", *spoke_names], "spokes": spoke_names}
    placed: set[tuple[str, str]] = set()
    for k, assignment in enumerate(plan.hub.policy_assignments or []):
        base: Path = ("hub", "policy_assignments", k)
        name = (assignment.name or assignment.definition).lower()
        for label in expand.get(assignment.scope, [assignment.scope]):
            if (name, label) in placed:
                yield Finding(base, f"policy assignment {name!r} is assigned twice at scope {label!r}",
                              "give one of them a different 'name'", "duplicate")
                break
            placed.add((name, label))
        custom = custom_policy(plan, assignment.definition)
        definition_id = resolve_policy(assignment.definition)
        if custom is not None:
            yield from _custom_parameters(base, assignment.effect, assignment.parameters, custom)
            yield from _custom_in_scope(base, assignment.scope, custom)
        elif definition_id is None:
            hint = _suggest(assignment.definition, list(catalog.BUILTIN_POLICIES)) or (
                "use a built-in short name, a GUID or a policy definition id")
            yield Finding((*base, "definition"), f"unknown policy definition {assignment.definition!r}", hint,
                          "unknown-policy")
        else:
            known = known_policy(definition_id)
            if known is not None:
                yield from _policy_parameters(base, assignment.effect, assignment.parameters, known)
        group = management_group_of(assignment.scope)
        if group is not None:
            if not MANAGEMENT_GROUP_NAME.fullmatch(group):
                yield Finding((*base, "scope"), f"{group!r} is not a management group name",
                              "up to 90 letters, digits, '-', '_', '(', ')' and '.', not ending with '.' "
                              "(the group's id, not its display name)", "invalid-value")
        elif assignment.scope not in scopes:
            hint = "; ".join(h for h in (_suggest(assignment.scope, scopes),
                                          "management_group:<group id> for an existing management group") if h)
            yield Finding((*base, "scope"), f"unknown scope {assignment.scope!r}", hint, "unresolved-reference")


def _custom_in_scope(base: Path, scope: str, custom: policy_files.CustomPolicy) -> Iterator[Finding]:
    """A definition created at a subscription can be assigned only inside it (Azure answers
    InvalidCreatePolicyAssignmentRequest, "out of scope"), so not at a management group above it
    (``lzengine.compile.governance`` gives each subscription that assigns one its own copy). One at
    a management group is checked in ``plan``, which reads the group's hierarchy (lzengine.preflight)."""
    if custom.management_group is None and management_group_of(scope) is not None:
        yield Finding((*base, "scope"), f"{custom.name!r} is created at the subscription and cannot be assigned at "
                      "a management group above it (Azure: the definition is out of scope)",
                      "create it at that group or one above it: hub.policy_definitions: "
                      "[{path: <file or glob>, scope: management_group:<id>}]", "out-of-scope")


def custom_policy(plan: Plan, definition: str) -> policy_files.CustomPolicy | None:
    """The custom definition (the plan's files, then lzengine's library) an assignment names."""
    lowered = definition.lower()
    mine = next((c for c in plan.hub.custom_policies if c.name.lower() == lowered), None)
    return mine or policy_files.library().get(lowered)


def _custom_parameters(base: Path, effect: str | None, parameters: dict[str, Any],
                       custom: policy_files.CustomPolicy) -> Iterator[Finding]:
    declared = {k.lower(): (k, v) for k, v in custom.parameters.items()}
    given = dict(parameters) | ({"effect": effect} if effect is not None else {})
    for name, value in given.items():
        spec = declared.get(name.lower())
        where = (*base, "effect") if name == "effect" and effect is not None else (*base, "parameters", name)
        if spec is None:
            yield Finding(where, f"{custom.name!r} has no parameter {name!r}",
                          _suggest(name, [k for k, _ in declared.values()]), "invalid-value")
            continue
        allowed = spec[1].get("allowedValues") if isinstance(spec[1], dict) else None
        if allowed and value not in allowed:
            yield Finding(where, f"{value!r} is not allowed for {name!r} of {custom.name!r}",
                          f"allowed: {', '.join(str(a) for a in allowed)}", "invalid-value")
    for low, (name, spec) in declared.items():
        if low not in {k.lower() for k in given} and not (isinstance(spec, dict) and "defaultValue" in spec):
            yield Finding((*base, "parameters") if parameters else base,
                          f"{custom.name!r} needs parameter {name!r}", f"add parameters: {{{name}: ...}}",
                          "missing-key")


def _policy_parameters(base: Path, effect: str | None, parameters: dict[str, Any],
                       known: catalog.BuiltinPolicy) -> Iterator[Finding]:
    if effect is not None and not known.effects:
        yield Finding((*base, "effect"), f"'{known.display_name}' has a fixed effect",
                      "remove 'effect'", "invalid-value")
    elif effect is not None and effect not in known.effects:
        yield Finding((*base, "effect"), f"effect {effect!r} is not allowed here",
                      f"allowed: {', '.join(known.effects)}", "invalid-value")
    for name in known.required:
        if name not in parameters:
            yield Finding((*base, "parameters") if parameters else base,
                          f"'{known.display_name}' needs parameter {name!r}", f"add parameters: {{{name}: ...}}",
                          "missing-key")


# -- names --------------------------------------------------------------------------------------
def _names(plan: Plan) -> Iterator[Finding]:
    names = Names(plan)
    shorten_zone = "shorten the spoke name or naming.prefix"
    hub_rg_path: Path = ("hub", "resource_group") if plan.hub.resource_group else ("name",)
    derived: list[tuple[str, str, Path, str]] = [
        ("resource_group", names.hub_resource_group(), hub_rg_path, "fix the resource group name")]
    if plan.hub.existing is None:
        derived.append(("virtual_network", names.hub_vnet(), ("name",), shorten_zone))
    if plan.hub.log_analytics is not None:
        derived.append(("log_analytics_workspace", names.log_analytics(), ("name",), shorten_zone))
    for i, s in enumerate(plan.spokes):
        at: Path = ("spokes", i, "name")
        rg_path: Path = ("spokes", i, "resource_group") if s.resource_group else at
        derived += [("resource_group", names.spoke_resource_group(s.name), rg_path, "fix the resource group name"),
                    ("virtual_network", names.spoke_vnet(s.name), at, shorten_zone)]
        if s.ai is not None:
            derived.append(("cognitive_account", names.ai_account(s.name, s.ai.kind), at, shorten_zone))
        if s.search is not None:
            derived.append(("search_service", names.search(s.name), at, shorten_zone))
        if s.app_service is not None:
            derived += [("app_service_plan", names.app_service_plan(s.name), at, shorten_zone),
                        ("web_app", names.web_app(s.name), at, shorten_zone)]
        if s.app_gateway is not None:
            derived.append(("application_gateway", names.app_gateway(s.name), at, shorten_zone))
    for label, _space_path, _space, planned in layout.all_vnets(plan):
        for p in planned:
            if not p.implicit and p.spec.nsg and p.spec.name.lower() not in NO_NSG_SUBNETS:
                derived.append(("network_security_group", names.nsg(label, p.spec.name), (*p.path, "name"),
                                "shorten the subnet name (its NSG is nsg-<prefix>-<vnet>-<subnet>)"))
    seen: set[tuple[str, str]] = set()
    for rule, name, path, hint in derived:
        problem = NAME_RULES[rule].problem(name)
        if problem and (rule, name) not in seen:
            seen.add((rule, name))
            yield Finding(path, f"{rule.replace('_', ' ')} name {name!r} {problem}", hint, "invalid-name")


# -- raw resources ------------------------------------------------------------------------------
def raw_refs(value: Any, path: Path = ()) -> Iterator[tuple[Path, str, str]]:
    """(path, address, dotted path) of every ``{$ref: address, path: ...}`` inside ``value``."""
    if isinstance(value, dict):
        if "$ref" in value:
            yield path, str(value["$ref"]), str(value.get("path", ""))
            return
        for key, item in value.items():
            yield from raw_refs(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from raw_refs(item, (*path, index))


def raw_dependencies(resource: RawResource) -> list[tuple[Path, str]]:
    """Addresses a raw resource depends on, each with where it is named (relative path)."""
    deps: list[tuple[Path, str]] = [(("depends_on", k), a) for k, a in enumerate(resource.depends_on)]
    deps += [(("properties", *p, "$ref"), a) for p, a, _ in raw_refs(resource.properties)]
    return deps


def _raw(plan: Plan) -> Iterator[Finding]:
    known = addresses.referenceable(plan)
    known_set = set(known)
    groups = ["hub", *[s.name for s in plan.spokes]]
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(plan.resources):
        base: Path = ("resources", i)
        key = (r.type.lower(), r.name.lower())
        if key in seen:
            yield Finding((*base, "name"), f"{r.type} {r.name!r} is declared twice", code="duplicate")
        seen.add(key)
        type_depth = len(r.type.split("/")) - 1
        parts = r.name.split("/")
        if len(parts) != type_depth:
            yield Finding((*base, "name"),
                          f"a {r.type} name has {type_depth} part(s) separated by '/', got {len(parts)}",
                          "child resources are named 'parent/child'", "invalid-name")
        for part in parts:
            problem = NAME_RULES["raw"].problem(part)
            if problem:
                yield Finding((*base, "name"), f"name part {part!r} {problem}", code="invalid-name")
        if r.resource_group not in groups:
            yield Finding((*base, "resource_group"), f"unknown resource group owner {r.resource_group!r}",
                          _suggest(r.resource_group, groups) or "use 'hub' or a spoke name", "unresolved-reference")
        for rel, address in raw_dependencies(r):
            if address not in known_set:
                yield Finding((*base, *rel), f"reference to unknown address {address!r}",
                              _suggest(address, known) or "see `lzengine graph` for the addresses of a plan",
                              "unresolved-reference")
        for rel, _address, dotted in raw_refs(r.properties):
            if not dotted:
                yield Finding((*base, "properties", *rel), "a $ref needs a 'path' (e.g. properties.provisioningState)",
                              code="missing-key")
    yield from _raw_cycles(plan)


def _raw_cycles(plan: Plan) -> Iterator[Finding]:
    """Raw resources are the only ones that can depend on each other freely; find a cycle."""
    index = {addresses.raw(r.name): i for i, r in enumerate(plan.resources)}
    sorter: graphlib.TopologicalSorter = graphlib.TopologicalSorter()
    for r in plan.resources:
        sorter.add(addresses.raw(r.name), *[a for _, a in raw_dependencies(r) if a in index])
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        ring = list(exc.args[1][:-1])
        start = min(range(len(ring)), key=lambda k: (len(ring[k]), ring[k]))
        ring = ring[start:] + ring[:start]
        first = min(ring, key=lambda a: index[a])
        yield Finding(("resources", index[first], "depends_on"),
                      "dependency cycle: " + " -> ".join([*ring, ring[0]]),
                      "remove one of these depends_on (or $ref) entries", "cycle")


# -- Key Vault and Storage ----------------------------------------------------------------------
def _data_services(plan: Plan) -> Iterator[Finding]:
    """Vault and storage names (rules here; global availability is Azure's), and a gateway
    certificate's vault."""
    names = Names(plan)
    seen: dict[tuple[str, str], Path] = {}
    owners: list[tuple[Any, str, Path]] = [(plan.hub, "hub", ("hub",))]
    owners += [(s, s.name, ("spokes", i)) for i, s in enumerate(plan.spokes)]
    for owner, label, base in owners:
        found: list[tuple[str, str, Path]] = []
        vault = getattr(owner, "key_vault", None)
        if vault is not None:
            found.append(("key_vault", names.key_vault(label), (*base, "key_vault", "name") if vault.name else base))
        storage = getattr(owner, "storage", None)
        if storage is not None:
            found.append(("storage_account", names.storage_account(label),
                          (*base, "storage", "name") if storage.name else base))
        for rule, name, path in found:
            problem = NAME_RULES[rule].problem(name)
            if problem:
                yield Finding(path, f"{rule.replace('_', ' ')} name {name!r} {problem}",
                              "give it a 'name' that follows the rule", "invalid-name")
            key = (rule, name.lower())
            if key in seen:
                yield Finding(path, f"{rule.replace('_', ' ')} name {name!r} is used twice (names are global)",
                              "give one of them another 'name'", "duplicate")
            seen[key] = path
    for i, s in enumerate(plan.spokes):
        gw = s.app_gateway
        if gw is None or gw.certificate is None:
            continue
        at: Path = ("spokes", i, "app_gateway", "certificate")
        if gw.certificate_secret_id:
            yield Finding(at, "give either 'certificate' or 'certificate_secret_id', not both", code="invalid-value")
        if gw.certificate.vault == "spoke" and s.key_vault is None:
            yield Finding((*at, "vault"),
                          f"the certificate's vault is the spoke's, but spoke {s.name!r} has no key_vault",
                          "add 'key_vault: {}' to the spoke, or use vault: hub", "missing-component")
        if gw.certificate.vault == "hub" and plan.hub.key_vault is None:
            yield Finding((*at, "vault"), "the certificate's vault is the hub's, but the hub has no key_vault",
                          "add 'key_vault: {}' to the hub, or use vault: spoke", "missing-component")
    central = plan.hub.app_gateway
    for j, app in enumerate(central.apps if central is not None else []):
        if app.certificate is None:
            continue
        at = ("hub", "app_gateway", "apps", j, "certificate")
        if app.certificate_secret_id:
            yield Finding(at, "give either 'certificate' or 'certificate_secret_id', not both", code="invalid-value")
        if plan.hub.key_vault is None:
            yield Finding(at, "the certificate comes from the hub's vault, but the hub has no key_vault",
                          "add 'key_vault: {certificates: [...]}' to the hub", "missing-component")


CHECKS = (_teams, _network, _route_tables, _components, _firewall, _jump_box, _dns, _existing_hub, _policies,
          _names, _raw, _data_services, *ai_checks.CHECKS)
