"""Guardrail checks on the live estate: what a platform team runs in a pipeline after apply.

Who uses it: ``lzengine.api.LandingZone.verify`` (``lzengine verify``). Unlike drift, which
compares fields one by one, each check states an invariant of a secure AI landing zone and
looks at the live resources (and a few read-only ARM calls) that make it true:

- ``private-endpoint-dns``: each private endpoint's A record exists in its private DNS zone with
  the endpoint's current IP, and the zone is linked to the VNet the endpoint lives in (where
  its name is resolved), or that VNet resolves through the hub firewall's DNS proxy (its DNS
  server is the firewall's current private IP, the proxy is on) and the zone is linked to the
  firewall's VNet (the Azure landing zone pattern, see ``lzengine.compile.platform``);
- ``public-access``: AI Services, Search and web apps have public network access off, and a web
  app is reachable only through its Application Gateway (the gateway's backend is the app);
- ``egress-through-firewall``: every spoke subnet that should egress through the hub has its
  route table, whose 0.0.0.0/0 route goes to the firewall's *current* private IP;
- ``diagnostics``: every diagnostic setting the plan declares exists and sends to the workspace;
- ``model-deployment``: every model deployment is Succeeded at the planned model version, and
  the regional model catalogue does not list that version as retired (``lifecycleStatus``
  ``Deprecated``: the service's word on its own day; the engine's clock is never compared with
  the listed dates, see ``lzengine.model_preflight``);
- ``policy-compliance``: PolicyInsights' compliance summary for the subscription has no
  non-compliant resource;
- ``foundry-project`` and ``ai-gateway``: the wiring of AI Foundry projects and API Management AI
  gateways (connections, identities and their roles, internal mode), see ``lzengine.verify_ai``;
- ``monitoring-agent``: the jump box's Azure Monitor agent, its data collection rule and the
  association still send the guest's data to the workspace, see ``lzengine.verify_platform``.

The checks take the engine's observation (one read per resource) plus: one GET per A record,
one GET of the model catalogue per location, one POST ``summarize``. Pure except for those
calls through the adapter; nothing is written. Details name ids and values, never secrets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lzengine import ids, verify_ai, verify_platform
from lzengine.adapters.base import Adapter, at, subscriptions_of
from lzengine.graph import Graph
from lzengine.refs import get_path

PRIVATE_DNS_API = "2024-06-01"
COGNITIVE_API = "2025-06-01"
# PolicyInsights: POST {scope}/providers/Microsoft.PolicyInsights/policyStates/latest/summarize,
# api-version 2019-10-01 (azure-rest-api-specs, policyinsights stable/2019-10-01,
# PolicyStates_SummarizeSubscriptionScope.json); value[0].results.nonCompliantResources.
POLICY_INSIGHTS_API = "2019-10-01"

PE = "microsoft.network/privateendpoints"
ZONE_GROUP = "microsoft.network/privateendpoints/privatednszonegroups"
ZONE_LINK = "microsoft.network/privatednszones/virtualnetworklinks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
ROUTE_TABLE = "microsoft.network/routetables"
FIREWALL = "microsoft.network/azurefirewalls"
APP_GATEWAY = "microsoft.network/applicationgateways"
DIAGNOSTICS = "microsoft.insights/diagnosticsettings"
DEPLOYMENT = "microsoft.cognitiveservices/accounts/deployments"
PUBLIC_ACCESS_TYPES = ("microsoft.cognitiveservices/accounts", "microsoft.search/searchservices", "microsoft.web/sites",
                       "microsoft.keyvault/vaults", "microsoft.storage/storageaccounts")
#: guardrails beyond public network access, per type: (dotted path, the value that holds, what a
#: failure says). Storage reports allowSharedKeyAccess null when never set, which means allowed.
GUARDRAILS: dict[str, tuple[tuple[str, Any, str], ...]] = {
    "microsoft.keyvault/vaults": (
        ("properties.enableRbacAuthorization", True, "RBAC authorization is off (access policies grant access)"),
        ("properties.networkAcls.defaultAction", "Deny", "the vault firewall does not deny by default"),
        ("properties.enablePurgeProtection", True, "purge protection is off"),
    ),
    "microsoft.storage/storageaccounts": (
        ("properties.allowSharedKeyAccess", False, "shared key access is allowed (account keys work)"),
        ("properties.allowBlobPublicAccess", False, "anonymous blob access is allowed"),
        ("properties.minimumTlsVersion", "TLS1_2", "minimum TLS version is below 1.2"),
    ),
}
#: private DNS zones whose public names do not follow "privatelink." + the service's suffix
ZONE_PUBLIC_SUFFIX = {"privatelink.vaultcore.azure.net": "vault.azure.net"}


@dataclass(frozen=True)
class VerifyCheck:
    """One invariant on one resource."""

    name: str
    resource: str  # ARM id (or the subscription for compliance)
    status: str  # "pass" | "fail"
    detail: str

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "resource": self.resource, "status": self.status, "detail": self.detail}


@dataclass(frozen=True)
class VerifyReport:
    checks: tuple[VerifyCheck, ...]
    target: str = ""

    @property
    def failed(self) -> list[VerifyCheck]:
        return [c for c in self.checks if not c.passed]

    def summary(self) -> dict[str, Any]:
        by_name: dict[str, dict[str, int]] = {}
        for check in self.checks:
            entry = by_name.setdefault(check.name, {"passed": 0, "failed": 0})
            entry["passed" if check.passed else "failed"] += 1
        return {"checks": len(self.checks), "passed": len(self.checks) - len(self.failed),
                "failed": len(self.failed), "by_check": by_name}

    def as_dict(self) -> dict[str, Any]:
        return {"checks": [c.as_dict() for c in self.checks], "summary": self.summary()}


def _check(name: str, resource: str, problems: list[str], ok: str) -> VerifyCheck:
    return VerifyCheck(name, resource, "fail" if problems else "pass", "; ".join(problems) if problems else ok)


def run_checks(
    graph: Graph,
    observed: dict[str, dict[str, Any] | None],
    desired: dict[str, Any],
    adapter: Adapter,
    read: Callable[[Callable[[], Any]], Any],
) -> list[VerifyCheck]:
    """Every check over the graph; ``read`` wraps each extra ARM call in the engine's retries."""
    by_type: dict[str, list[str]] = {}
    for node in graph:
        by_type.setdefault(node.kind.arm_type.lower(), []).append(node.address)
    by_id = {node.arm_id.lower(): node.address for node in graph}

    def live(address: str) -> dict[str, Any] | None:
        return observed.get(address)

    def live_by_id(arm_id: str) -> dict[str, Any] | None:
        address = by_id.get(str(arm_id).lower())
        return live(address) if address else None

    checks: list[VerifyCheck] = []
    checks += _private_endpoint_dns(graph, by_type, live, live_by_id, adapter, read)
    checks += _public_access(graph, by_type, live)
    checks += _egress(graph, by_type, live, live_by_id, desired)
    checks += _diagnostics(graph, by_type, live, desired)
    checks += _deployments(graph, by_type, live, live_by_id, desired, adapter, read)
    checks += [_check(*found) for found in verify_ai.checks(graph, by_type, live)]
    checks += [_check(*found) for found in verify_platform.checks(graph, by_type, live)]
    # one compliance summary per subscription the landing zone lives in (hub and spokes may differ)
    checks += [_compliance(at(adapter, sub), read)
               for sub in subscriptions_of((node.arm_id for node in graph), adapter.subscription_id)]
    return checks


# -- private endpoints and DNS ---------------------------------------------------------------------
def _private_endpoint_dns(graph: Graph, by_type: dict[str, list[str]], live: Any, live_by_id: Any,
                          adapter: Adapter, read: Any) -> list[VerifyCheck]:
    found = []
    groups = {graph.nodes[a].arm_id.lower().rsplit("/privatednszonegroups/", 1)[0]: a
              for a in by_type.get(ZONE_GROUP, [])}
    links = [live(a) for a in by_type.get(ZONE_LINK, [])]
    planned_links = {graph.nodes[a].arm_id.lower().rsplit("/virtualnetworklinks/", 1)[0]
                     for a in by_type.get(ZONE_LINK, [])}
    for address in by_type.get(PE, []):
        node = graph.nodes[address]
        group_address = groups.get(node.arm_id.lower())
        if group_address is None:  # zone groups left to a DeployIfNotExists policy: not ours to check
            continue
        pe, problems = live(address), []
        if pe is None:
            found.append(_check("private-endpoint-dns", node.arm_id, ["the private endpoint does not exist"], ""))
            continue
        ips = {ip for config in get_path(pe, "properties.customDnsConfigs") or []
               for ip in config.get("ipAddresses") or []}
        fqdns = [str(c.get("fqdn", "")) for c in get_path(pe, "properties.customDnsConfigs") or []]
        subnet_id = str(get_path(pe, "properties.subnet.id") or "")
        vnet_id = subnet_id.lower().rsplit("/subnets/", 1)[0]
        group = live(group_address)
        configs = (get_path(group, "properties.privateDnsZoneConfigs") or []) if group else []
        planned = get_path(graph.nodes[group_address].body, "properties.privateDnsZoneConfigs") or []
        if group is None:
            problems.append("its private DNS zone group does not exist")
        zone_ids = [str(get_path(c, "properties.privateDnsZoneId")) for c in configs or planned]
        for zone_id in zone_ids:
            zone = zone_id.rstrip("/").rsplit("/", 1)[-1]
            suffix = ZONE_PUBLIC_SUFFIX.get(zone.lower(), zone.lower().removeprefix("privatelink."))
            names = [f[: -len(suffix) - 1] for f in fqdns if f.lower().endswith("." + suffix)]
            if not names:
                problems.append(f"no DNS name of the endpoint falls in zone {zone}")
                continue
            record_id = f"{zone_id}/A/{names[0]}"
            record = read(lambda record_id=record_id: adapter.invoke("GET", record_id, PRIVATE_DNS_API))
            records = (get_path(record, "properties.aRecords") or []) if record else []
            addresses = {r.get("ipv4Address") for r in records}
            if record is None:
                problems.append(f"A record {names[0]} is missing from zone {zone}")
            elif not addresses & ips:
                problems.append(f"A record {names[0]} in zone {zone} points at {sorted(a for a in addresses if a)}, "
                                f"not the endpoint's {sorted(ips)}")
            ours = zone_id.lower() in planned_links
            zone_links = links if ours else _zone_links(zone_id, adapter, read)
            linked_to = {str(get_path(link, "properties.virtualNetwork.id") or "").lower() for link in zone_links
                         if link and str(ids.parse(str(link.get("id", ""))).parent or "").lower() == zone_id.lower()}
            proxy_vnet = _dns_proxy_vnet(graph, by_type, live, live_by_id, vnet_id)
            if vnet_id not in linked_to and (proxy_vnet is None or proxy_vnet not in linked_to):
                through = f" nor to {proxy_vnet.rsplit('/', 1)[-1]}, whose firewall resolves for it" if proxy_vnet \
                    else ""
                problems.append(f"zone {zone} is not linked to {vnet_id.rsplit('/', 1)[-1]}, where the endpoint "
                                f"is resolved{through}" + ("" if ours else "; the zone's links are left to the "
                                                           "platform (hub.existing.dns_links: platform): waiting on "
                                                           "the platform"))
        found.append(_check("private-endpoint-dns", node.arm_id, problems,
                            f"A records in {len(zone_ids)} linked zone(s) point at {', '.join(sorted(ips))}"))
    return found


def _zone_links(zone_id: str, adapter: Adapter, read: Any) -> list[dict[str, Any]]:
    """The links of a zone the plan does not link itself (an existing hub's, linked by the platform)."""
    listing = read(lambda: adapter.invoke("GET", f"{zone_id}/virtualNetworkLinks", PRIVATE_DNS_API))
    return list((listing or {}).get("value") or [])


# -- public access ---------------------------------------------------------------------------------
def _dns_proxy_vnet(graph: Graph, by_type: dict[str, list[str]], live: Any, live_by_id: Any,
                    vnet_id: str) -> str | None:
    """The VNet (lower-case id) of the firewall whose DNS proxy resolves names for ``vnet_id``:
    the VNet's DNS servers include the firewall's current private IP and the firewall policy has
    ``dnsSettings.enableProxy``; None when the VNet does not resolve through a firewall."""
    vnet = live_by_id(vnet_id)
    servers = set(get_path(vnet, "properties.dhcpOptions.dnsServers") or []) if vnet else set()
    if not servers:
        return None
    for address in by_type.get(FIREWALL, []):
        firewall = live(address)
        config = (get_path(firewall, "properties.ipConfigurations") or [{}])[0] if firewall else {}
        if get_path(config, "properties.privateIPAddress") not in servers:
            continue
        policy = live_by_id(str(get_path(firewall, "properties.firewallPolicy.id") or ""))
        if policy is None or get_path(policy, "properties.dnsSettings.enableProxy") is not True:
            continue
        return str(get_path(config, "properties.subnet.id") or "").lower().rsplit("/subnets/", 1)[0]
    return None


def _public_access(graph: Graph, by_type: dict[str, list[str]], live: Any) -> list[VerifyCheck]:
    found = []
    gateways = [live(a) for a in by_type.get(APP_GATEWAY, [])]
    for arm_type in PUBLIC_ACCESS_TYPES:
        for address in by_type.get(arm_type, []):
            node, body, problems = graph.nodes[address], live(address), []
            if body is None:
                found.append(_check("public-access", node.arm_id, ["the resource does not exist"], ""))
                continue
            access = str(get_path(body, "properties.publicNetworkAccess") or "Enabled")
            if access.lower() != "disabled":
                problems.append(f"publicNetworkAccess is {access}")
            detail = "public network access disabled"
            for path, holds, problem in GUARDRAILS.get(arm_type, ()):
                if get_path(node.body, path) is None:
                    continue  # the plan does not ask for it (e.g. purge protection turned off)
                value = get_path(body, path)
                if (str(value).lower() != str(holds).lower()) if isinstance(holds, str) else value is not holds:
                    problems.append(f"{problem} ({path.rsplit('.', 1)[-1]}: {value})")
            if arm_type == "microsoft.web/sites":
                host = str(get_path(body, "properties.defaultHostName") or f"{ids.parse_name(node.arm_id)}"
                           ".azurewebsites.net").lower()
                fronted = any(
                    str(backend.get("fqdn", "")).lower() == host
                    for gw in gateways if gw
                    for pool in get_path(gw, "properties.backendAddressPools") or []
                    for backend in get_path(pool, "properties.backendAddresses") or []
                )
                if not fronted:
                    problems.append(f"no Application Gateway has {host} as its backend")
                detail += f"; reachable through the Application Gateway backend {host}"
            found.append(_check("public-access", node.arm_id, problems, detail))
    return found


# -- egress through the hub firewall ---------------------------------------------------------------
def _egress(graph: Graph, by_type: dict[str, list[str]], live: Any, live_by_id: Any,
            desired: dict[str, Any]) -> list[VerifyCheck]:
    firewalls = [live(a) for a in by_type.get(FIREWALL, [])]
    firewall_ips = {str(get_path(c, "properties.privateIPAddress"))
                    for fw in firewalls if fw for c in get_path(fw, "properties.ipConfigurations") or []
                    if get_path(c, "properties.privateIPAddress")}
    if not by_type.get(FIREWALL):  # an existing hub's firewall known only by the IP the plan gives
        firewall_ips = {str(get_path(r, "properties.nextHopIpAddress"))
                        for a in by_type.get(ROUTE_TABLE, []) for r in get_path(desired.get(a), "properties.routes")
                        or [] if get_path(r, "properties.addressPrefix") == "0.0.0.0/0"
                        and get_path(r, "properties.nextHopIpAddress")}
    found = []
    for address in by_type.get(SUBNET, []):
        node = graph.nodes[address]
        planned_table = get_path(desired.get(address) or node.body, "properties.routeTable.id")
        if not isinstance(planned_table, str) or not planned_table:
            continue  # this subnet does not egress through the hub
        subnet, problems = live(address), []
        if subnet is None:
            found.append(_check("egress-through-firewall", node.arm_id, ["the subnet does not exist"], ""))
            continue
        table_id = str(get_path(subnet, "properties.routeTable.id") or "")
        if table_id.lower() != planned_table.lower():
            problems.append(f"route table is {table_id or 'none'}, not {planned_table.rsplit('/', 1)[-1]}")
        table = live_by_id(planned_table)
        default = [r for r in (get_path(table, "properties.routes") or [] if table else [])
                   if get_path(r, "properties.addressPrefix") == "0.0.0.0/0"]
        if table is None:
            problems.append(f"route table {planned_table.rsplit('/', 1)[-1]} does not exist")
        elif not default:
            problems.append("no 0.0.0.0/0 route")
        else:
            hop_type = str(get_path(default[0], "properties.nextHopType") or "")
            hop = str(get_path(default[0], "properties.nextHopIpAddress") or "")
            if hop_type.lower() != "virtualappliance" or hop not in firewall_ips:
                problems.append(f"0.0.0.0/0 goes to {hop_type} {hop or '-'}, not the firewall's current private "
                                f"IP {', '.join(sorted(firewall_ips)) or '(no firewall found)'}")
        found.append(_check("egress-through-firewall", node.arm_id, problems,
                            f"0.0.0.0/0 to the firewall at {', '.join(sorted(firewall_ips))}"))
    return found


# -- diagnostics -----------------------------------------------------------------------------------
def _diagnostics(graph: Graph, by_type: dict[str, list[str]], live: Any, desired: dict[str, Any]) -> list[VerifyCheck]:
    found = []
    for address in by_type.get(DIAGNOSTICS, []):
        node, body, problems = graph.nodes[address], live(address), []
        resource = node.arm_id.lower().split("/providers/microsoft.insights/", 1)[0]
        workspace = str(get_path(desired.get(address) or node.body, "properties.workspaceId") or "")
        if body is None:
            found.append(_check("diagnostics", resource, [f"diagnostic setting {ids.parse_name(node.arm_id)} "
                                                          "does not exist"], ""))
            continue
        live_workspace = str(get_path(body, "properties.workspaceId") or "")
        if live_workspace.lower() != workspace.lower():
            problems.append(f"sends to {live_workspace or 'no workspace'}, not {workspace.rsplit('/', 1)[-1]}")
        categories = [*(get_path(body, "properties.logs") or []), *(get_path(body, "properties.metrics") or [])]
        enabled = [e for e in categories if e.get("enabled")]
        if not enabled:
            problems.append("no log or metric category is enabled")
        found.append(_check("diagnostics", resource, problems,
                            f"sends {len(enabled)} category group(s) to {workspace.rsplit('/', 1)[-1]}"))
    return found


# -- model deployments -----------------------------------------------------------------------------
def _deployments(graph: Graph, by_type: dict[str, list[str]], live: Any, live_by_id: Any, desired: dict[str, Any],
                 adapter: Adapter, read: Any) -> list[VerifyCheck]:
    catalogues: dict[str, list[dict[str, Any]] | None] = {}
    found = []
    for address in by_type.get(DEPLOYMENT, []):
        node, body, problems = graph.nodes[address], live(address), []
        want = get_path(desired.get(address) or node.body, "properties.model") or {}
        if body is None:
            found.append(_check("model-deployment", node.arm_id, ["the deployment does not exist"], ""))
            continue
        state = str(get_path(body, "properties.provisioningState") or "")
        if state.lower() != "succeeded":
            problems.append(f"provisioningState is {state or 'unknown'}")
        have = get_path(body, "properties.model") or {}
        if str(have.get("version")) != str(want.get("version")):
            problems.append(f"model version is {have.get('version')}, the plan says {want.get('version')}")
        account = live_by_id(node.arm_id.rsplit("/deployments/", 1)[0]) or {}
        location = str(account.get("location") or "").replace(" ", "").lower()
        # the catalogue is per subscription and region: the deployment's
        subscription = ids.subscription_of(node.arm_id) or adapter.subscription_id
        where = f"{subscription.lower()}|{location}"
        if location and where not in catalogues:
            path = f"/subscriptions/{subscription}/providers/Microsoft.CognitiveServices/locations/" \
                   f"{location}/models"
            listing = read(lambda path=path: adapter.invoke("GET", path, COGNITIVE_API))
            catalogues[where] = None if listing is None else list(listing.get("value") or [])
        catalogue = catalogues.get(where)
        name, version = str(want.get("name")), str(want.get("version"))
        if catalogue is None:
            problems.append(f"the model catalogue of {location or 'the account location'} could not be read, so "
                            "deprecation is unknown")
        else:
            entries = [get_path(m, "model") or {} for m in catalogue]
            entry = next((m for m in entries if str(m.get("name")) == name and str(m.get("version")) == version), None)
            if entry is None:
                problems.append(f"{name} {version} is not in the {location} model catalogue")
            elif str(entry.get("lifecycleStatus", "")).lower() == "deprecated":
                since = str(get_path(entry, "deprecation.inference") or "")[:10]
                problems.append(f"{name} {version} is retired in {location} (lifecycleStatus Deprecated"
                                + (f", inference deprecation {since})" if since else ")"))
        found.append(_check("model-deployment", node.arm_id, problems, f"{name} {version} Succeeded"))
    return found


# -- policy compliance -----------------------------------------------------------------------------
def _compliance(adapter: Adapter, read: Any) -> VerifyCheck:
    scope = f"/subscriptions/{adapter.subscription_id}"
    summary = read(lambda: adapter.invoke(
        "POST", f"{scope}/providers/Microsoft.PolicyInsights/policyStates/latest/summarize", POLICY_INSIGHTS_API))
    if summary is None:
        return VerifyCheck("policy-compliance", scope, "fail", "the compliance summary could not be read")
    results = (summary.get("value") or [{}])[0].get("results") or {}
    count = int(results.get("nonCompliantResources") or 0)
    if not count:
        return VerifyCheck("policy-compliance", scope, "pass", "no non-compliant resource")
    assignments = [str(a.get("policyAssignmentId", "")).rsplit("/", 1)[-1]
                   for a in (summary.get("value") or [{}])[0].get("policyAssignments") or []
                   if int((a.get("results") or {}).get("nonCompliantResources") or 0)]
    under = f" under {', '.join(assignments)}" if assignments else ""
    return VerifyCheck("policy-compliance", scope, "fail", f"{count} non-compliant resource(s){under}")


def render_verify_text(report: VerifyReport) -> str:
    """The human report of ``lzengine verify``: failures in full, passes counted."""
    lines = [f"  FAIL {c.name}  {c.resource}\n       {c.detail}" for c in report.failed]
    counts = report.summary()
    for name, entry in counts["by_check"].items():
        lines.append(f"  {name}: {entry['passed']} passed, {entry['failed']} failed")
    verdict = "Verify failed" if report.failed else "Verify passed"
    lines.append(f"{verdict}: {counts['passed']} of {counts['checks']} checks passed.")
    return "\n".join(lines)
