"""Guardrail checks of AI Foundry projects and AI gateways, part of ``lzengine verify``.

Who uses it: ``lzengine.verify.run_checks``. Users of Foundry deployments report the wiring as
what goes missing after deployment (a connection deleted, an identity without its role); these
checks look at the live estate the engine observed (no extra calls):

- ``foundry-project``: the project exists and has a managed identity; each connection the plan
  declares exists, is keyless (``authType`` AAD) and points at the planned resource; each role the
  plan gives the project's identity is assigned, to the project's *current* principal id (a
  project re-created after a recovery gets a new identity, and old assignments stop applying);
- ``ai-gateway``: the API Management service is injected in internal mode in its planned subnet
  (no public gateway endpoint; or not injected at all in private-endpoint mode), has a managed
  identity that holds Cognitive Services OpenAI User on every account it fronts, every planned
  backend, API, operation, policy, logger and diagnostic exists, and in internal mode its host
  names' A records point at its current private address in a linked ``azure-api.net`` zone.
"""

from __future__ import annotations

from typing import Any

from lzengine.graph import Graph
from lzengine.refs import get_path

PROJECT = "microsoft.cognitiveservices/accounts/projects"
CONNECTION = "microsoft.cognitiveservices/accounts/projects/connections"
ROLE = "microsoft.authorization/roleassignments"
APIM = "microsoft.apimanagement/service"
APIM_CHILDREN = ("microsoft.apimanagement/service/backends", "microsoft.apimanagement/service/apis",
                 "microsoft.apimanagement/service/apis/operations", "microsoft.apimanagement/service/apis/policies",
                 "microsoft.apimanagement/service/loggers", "microsoft.apimanagement/service/diagnostics")
A_RECORD = "microsoft.network/privatednszones/a"
ZONE_LINK = "microsoft.network/privatednszones/virtualnetworklinks"


def _verdict(name: str, resource: str, problems: list[str], ok: str) -> tuple[str, str, list[str], str]:
    return name, resource, problems, ok


def _roles_of(graph: Graph, by_type: dict[str, list[str]], owner_address: str) -> list[str]:
    return [a for a in by_type.get(ROLE, []) if a.startswith(f"{owner_address}.role.")]


def _role_problems(graph: Graph, live: Any, roles: list[str], principal: str) -> list[str]:
    problems = []
    for address in roles:
        assignment = live(address)
        role = str(get_path(graph.nodes[address].body, "properties.roleDefinitionId") or "").rsplit("/", 1)[-1]
        scope = graph.nodes[address].arm_id.split("/providers/Microsoft.Authorization/", 1)[0].rsplit("/", 1)[-1]
        if assignment is None:
            problems.append(f"role {role} on {scope} is not assigned")
        elif str(get_path(assignment, "properties.principalId") or "").lower() != principal.lower():
            problems.append(f"role {role} on {scope} is assigned to another principal, not the current identity")
    return problems


def _dns_problems(graph: Graph, by_type: dict[str, list[str]], live: Any, address: str,
                  service: dict[str, Any]) -> list[str]:
    """An internal gateway's host names: each planned A record exists and points at the service's
    current private address, in a zone linked to at least one VNet of the plan (the hub's, where
    the firewall's DNS proxy resolves for the spokes, or the gateway's own)."""
    records = [a for a in by_type.get(A_RECORD, []) if a.startswith(f"{address}.dns.")]
    if not records:
        return []
    problems = []
    private = (get_path(service, "properties.privateIPAddresses") or [None])[0]
    zone_id = graph.nodes[records[0]].arm_id.lower().rsplit("/a/", 1)[0]
    for record_address in records:
        record = live(record_address)
        host = graph.nodes[record_address].arm_id.rsplit("/", 1)[-1]
        if record is None:
            problems.append(f"A record {host} is missing")
            continue
        ips = [r.get("ipv4Address") for r in get_path(record, "properties.aRecords") or []]
        if private not in ips:
            problems.append(f"A record {host} points at {sorted(str(ip) for ip in ips)}, not the gateway's private "
                            f"address {private}")
    links = [a for a in by_type.get(ZONE_LINK, []) if graph.nodes[a].arm_id.lower().startswith(zone_id + "/")]
    if links and not any(live(a) is not None for a in links):
        problems.append(f"zone {zone_id.rsplit('/', 1)[-1]} is linked to no VNet: nothing resolves the gateway")
    return problems


def checks(graph: Graph, by_type: dict[str, list[str]], live: Any) -> list[tuple[str, str, list[str], str]]:
    """(check name, resource id, problems, detail when passing) per project and per gateway."""
    found = []
    for address in by_type.get(PROJECT, []):
        node, body = graph.nodes[address], live(address)
        if body is None:
            found.append(_verdict("foundry-project", node.arm_id, ["the project does not exist"], ""))
            continue
        problems: list[str] = []
        principal = str(get_path(body, "identity.principalId") or "")
        if not principal:
            problems.append("the project has no managed identity")
        connections = [a for a in by_type.get(CONNECTION, []) if a.startswith(f"{address}.connection.")]
        for conn_address in connections:
            conn, want = live(conn_address), graph.nodes[conn_address]
            name = want.arm_id.rsplit("/", 1)[-1]
            if conn is None:
                problems.append(f"connection {name} does not exist")
                continue
            if str(get_path(conn, "properties.authType") or "").lower() != "aad":
                problems.append(f"connection {name} uses {get_path(conn, 'properties.authType')}, not AAD (keyless)")
            target = str(get_path(want.body, "properties.metadata.ResourceId") or "")
            have = str(get_path(conn, "properties.metadata.ResourceId") or "")
            if target.lower() != have.lower():
                problems.append(f"connection {name} points at {have or 'nothing'}, not {target.rsplit('/', 1)[-1]}")
        roles = _roles_of(graph, by_type, address)
        if principal:
            problems += _role_problems(graph, live, roles, principal)
        found.append(_verdict("foundry-project", node.arm_id, problems,
                              f"{len(connections)} keyless connection(s); identity holds {len(roles)} role(s)"))
    for address in by_type.get(APIM, []):
        node, body = graph.nodes[address], live(address)
        if body is None:
            found.append(_verdict("ai-gateway", node.arm_id, ["the API Management service does not exist"], ""))
            continue
        problems = []
        mode = str(get_path(body, "properties.virtualNetworkType") or "None")
        wanted = str(get_path(node.body, "properties.virtualNetworkType") or "None")
        if mode.lower() == "external" or (mode.lower() == "none" and wanted.lower() == "internal"):
            problems.append(f"virtualNetworkType is {mode}: the gateway has a public endpoint")
        elif mode.lower() != wanted.lower():
            problems.append(f"virtualNetworkType is {mode}, not {wanted} (private-endpoint mode)")
        if f"{address}.public_access" in graph.nodes:  # private-endpoint mode: reached through its endpoint only
            access = str(get_path(body, "properties.publicNetworkAccess") or "Enabled")
            if access.lower() != "disabled":
                problems.append(f"publicNetworkAccess is {access}: the gateway answers from the internet")
            if not get_path(body, "properties.privateEndpointConnections"):
                problems.append("it has no private endpoint connection")
        subnet = str(get_path(node.body, "properties.virtualNetworkConfiguration.subnetResourceId") or "")
        have = str(get_path(body, "properties.virtualNetworkConfiguration.subnetResourceId") or "")
        if subnet and have.lower() != subnet.lower():
            problems.append(f"it is in subnet {have or 'none'}, not {subnet.rsplit('/', 1)[-1]}")
        principal = str(get_path(body, "identity.principalId") or "")
        roles = _roles_of(graph, by_type, address)
        if not principal:
            problems.append("the gateway has no managed identity")
        else:
            problems += _role_problems(graph, live, roles, principal)
        problems += _dns_problems(graph, by_type, live, address, body)
        children = [a for t in APIM_CHILDREN for a in by_type.get(t, []) if a.startswith(f"{address}.")]
        missing = [graph.nodes[a].arm_id.split("/service/", 1)[1].split("/", 1)[1] for a in children if live(a) is None]
        if missing:
            problems.append(f"missing: {', '.join(sorted(missing))}")
        found.append(_verdict("ai-gateway", node.arm_id, problems,
                              f"{'internal mode' if wanted.lower() == 'internal' else 'private endpoint'}; identity "
                              f"holds {len(roles)} role(s); {len(children)} API objects"))
    return found
