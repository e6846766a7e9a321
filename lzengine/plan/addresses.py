"""Plan addresses: the stable logical key of every resource the plan produces.

Who uses it: the compiler names every node with these functions, and ``lzengine.plan.checks``
uses ``referenceable(plan)`` to reject a raw resource's ``depends_on`` or ``$ref`` that points
at nothing, before anything is compiled or sent. Addresses read like the plan:
``hub.firewall``, ``spokes.chat.ai``, ``spokes.chat.subnet.snet-pep``, ``resources.<name>``.
Diagnostic settings, policy and role assignments are not referenceable (nothing should wait on them).
"""

from __future__ import annotations

from lzengine.plan import catalog, layout
from lzengine.plan.base import SubnetSpec
from lzengine.plan.models import Plan

HUB = "hub"


def spoke(name: str) -> str:
    return f"spokes.{name}"


def raw(name: str) -> str:
    return f"resources.{name}"


def needed_zones(plan: Plan) -> list[str]:
    """Private DNS zones the spokes' private endpoints need, in a stable order."""
    zones: list[str] = []
    for s in plan.spokes:
        for component, (_, names) in catalog.PRIVATE_ENDPOINT_ZONES.items():
            if has_endpoint(s, component):
                zones.extend(z for z in names if z not in zones)
    if getattr(plan.hub, "key_vault", None) is not None:
        zones.extend(z for z in catalog.PRIVATE_ENDPOINT_ZONES["key_vault"][1] if z not in zones)
    for gateway in (plan.hub.ai_gateway, *(s.ai_gateway for s in plan.spokes)):
        zone = ai_gateway_zone(gateway)
        if zone is not None and zone not in zones:
            zones.append(zone)
    return zones


def ai_gateway_zone(gateway: object) -> str | None:
    """The private DNS zone an AI gateway's host names need: ``azure-api.net`` in internal mode
    (unless ``dns_zone: false``), ``privatelink.azure-api.net`` for its private endpoint."""
    if gateway is None:
        return None
    if getattr(gateway, "network", "internal") == "private_endpoint":
        return catalog.AI_GATEWAY_ENDPOINT_ZONE
    return catalog.AI_GATEWAY_ZONE if getattr(gateway, "dns_zone", False) else None


def has_endpoint(owner: object, component: str) -> bool:
    """Whether ``owner`` (a spoke or the hub) has ``component``'s private endpoint; a dotted
    component is one service of a component (``storage.blob``)."""
    attr, _, service = component.partition(".")
    value = getattr(owner, attr, None)
    return value is not None and (not service or service in getattr(value, "services", ()))


def hub_zones(plan: Plan) -> list[str]:
    """Zones the hub hosts: the listed ones, else the needed ones. With an existing hub, the
    needed ones when the plan says where its zones are (they are read, never created)."""
    existing = plan.hub.existing
    if existing is not None:
        named = existing.private_dns_zone_ids is not None or existing.private_dns_resource_group_id is not None
        return needed_zones(plan) if named else []
    listed = plan.hub.private_dns.zones
    return list(listed) if listed is not None else needed_zones(plan)


def has_firewall(plan: Plan) -> bool:
    """Whether spokes egress through a hub firewall: one lzengine builds, or an existing hub's."""
    existing = plan.hub.existing
    return plan.hub.firewall is not None or (existing is not None and existing.has_firewall)


def route_table_names(plan: Plan) -> list[str]:
    """Route tables the plan declares (under ``hub.route_tables``), plus 'egress' when there is a
    firewall (one lzengine builds, or an existing hub's)."""
    names = [t.name for t in plan.hub.route_tables]
    if has_firewall(plan) and "egress" not in names:
        names.append("egress")
    return names


#: Subnets that cannot take a user route table.
NO_UDR = {"azurebastionsubnet", "azurefirewallmanagementsubnet"}


def subnet_route_table(plan: Plan, spec: SubnetSpec, *, spoke: bool) -> str | None:
    """The route table a subnet gets: the one it names, else 'egress' on a spoke subnet (not the
    App Gateway's nor API Management's, whose control planes answer directly) when the hub has a
    firewall; None for 'none' and subnets Azure keeps free."""
    if spec.route_table == "none" or spec.name.lower() in NO_UDR:
        return None
    if spec.route_table is not None:
        return spec.route_table
    if spoke and spec.purpose not in ("app-gateway", "ai-gateway") and has_firewall(plan):
        return "egress"
    return None


def route_table_users(plan: Plan) -> dict[str, list[str]]:
    """Which VNets use each route table: 'hub' and/or spoke names, in plan order.

    A route table is created once per VNet that uses it, in that VNet's resource group (and so
    its subscription): Azure requires a subnet's route table in the same subscription and
    region as the subnet's VNet. A table declared under ``hub.route_tables`` that no subnet
    uses is kept in the hub (for raw resources to reference); the default 'egress' is not."""
    users: dict[str, list[str]] = {name: [] for name in route_table_names(plan)}
    vnets = [("hub", layout.hub_subnets(plan.hub), False)]
    vnets += [(s.name, layout.spoke_subnets(s, i), True) for i, s in enumerate(plan.spokes)]
    for label, planned, is_spoke in vnets:
        for p in planned:
            table = subnet_route_table(plan, p.spec, spoke=is_spoke)
            if table in users and label not in users[table]:
                users[table].append(label)
    for declared in plan.hub.route_tables:
        if not users[declared.name]:
            users[declared.name].append("hub")
    return users


def referenceable(plan: Plan) -> list[str]:
    """Every address a raw resource may depend on or reference."""
    hub = plan.hub
    out = [f"{HUB}.resource_group", f"{HUB}.vnet"]
    out += [f"{HUB}.subnet.{p.spec.name}" for p in layout.hub_subnets(hub)]
    tables = route_table_users(plan)
    out += [f"{HUB}.route_table.{n}" for n, users in tables.items() if HUB in users]
    if hub.existing is not None and hub.existing.firewall_id is not None:
        out.append(f"{HUB}.firewall")
    if hub.existing is not None and hub.existing.log_analytics_workspace_id is not None:
        out.append(f"{HUB}.log_analytics")
    if hub.log_analytics is not None:
        out.append(f"{HUB}.log_analytics")
    if hub.firewall is not None:
        out += [f"{HUB}.firewall", f"{HUB}.firewall.pip", f"{HUB}.firewall_policy"]
        out += [f"{HUB}.firewall_policy.rcg.{g.name}" for g in hub.firewall.rule_collection_groups]
    if hub.bastion is not None:
        out += [f"{HUB}.bastion", f"{HUB}.bastion.pip"]
    if hub.jump_box is not None:
        out += [f"{HUB}.jump_box", f"{HUB}.jump_box.nic"]
        if hub.jump_box.monitoring_agent is not False and hub.log_analytics is not None:
            out += [f"{HUB}.jump_box.monitoring_agent", f"{HUB}.jump_box.dcr", f"{HUB}.jump_box.dcr_association"]
    if getattr(hub, "key_vault", None) is not None:
        out += [f"{HUB}.key_vault", f"{HUB}.key_vault.pep"]
        out += [f"{HUB}.key_vault.certificate.{c.name}" for c in hub.key_vault.certificates]
    for zone in hub_zones(plan):
        out.append(f"{HUB}.dns_zone.{zone}")
    if hub.ai_gateway is not None:
        out.append(f"{HUB}.ai_gateway")
    if hub.app_gateway is not None:
        out += [f"{HUB}.app_gateway", f"{HUB}.app_gateway.pip", f"{HUB}.app_gateway.waf_policy"]
        if any(app.certificate for app in hub.app_gateway.apps):
            out.append(f"{HUB}.app_gateway.identity")
    for index, s in enumerate(plan.spokes):
        base = spoke(s.name)
        out += [f"{base}.resource_group", f"{base}.vnet", f"{base}.peering.to_hub"]
        if hub.existing is None or hub.existing.peering == "lzengine":
            out.append(f"{base}.peering.from_hub")
        out += [f"{base}.route_table.{n}" for n, users in tables.items() if s.name in users]
        out += [f"{base}.subnet.{p.spec.name}" for p in layout.spoke_subnets(s, index)]
        if s.ai is not None:
            out += [f"{base}.ai", f"{base}.ai.pep"]
            out += [f"{base}.ai.deployment.{d.deployment_name}" for d in s.ai.deployments]
            out += [f"{base}.ai.project.{p.name}" for p in s.ai.projects]
        if s.ai_gateway is not None:
            out.append(f"{base}.ai_gateway")
        if s.search is not None:
            out += [f"{base}.search", f"{base}.search.pep"]
        if s.app_service is not None:
            out += [f"{base}.app_service.plan", f"{base}.app_service.app", f"{base}.app_service.pep"]
        if s.app_gateway is not None:
            out += [f"{base}.app_gateway", f"{base}.app_gateway.pip", f"{base}.app_gateway.waf_policy"]
            if s.app_gateway.certificate is not None:
                out.append(f"{base}.app_gateway.identity")
        if s.monitoring is not None and s.monitoring.app_insights:
            out.append(f"{base}.monitoring.app_insights")
        if s.key_vault is not None:
            out += [f"{base}.key_vault", f"{base}.key_vault.pep"]
            out += [f"{base}.key_vault.certificate.{c.name}" for c in s.key_vault.certificates]
        if s.storage is not None:
            out += [f"{base}.storage", *[f"{base}.storage.{svc}.pep" for svc in s.storage.services]]
    out += [raw(r.name) for r in plan.resources]
    return out
