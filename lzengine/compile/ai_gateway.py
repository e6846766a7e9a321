"""Compiler step for the AI gateway: API Management in front of model deployments, one per spoke
(``spokes[].ai_gateway``) or one central gateway in the hub (``hub.ai_gateway``) for the spokes.

Who uses it: ``lzengine.compile.STEPS``, after the workload steps (it fronts the deployments
``workload.ai_accounts`` added). What it writes:

- the service, injected in internal mode (``virtualNetworkType: Internal``) into its own subnet
  (purpose ``ai-gateway``, with the NSG rules ``lzengine.compile.network.AI_GATEWAY_RULES``), so
  its gateway has no public endpoint; a system-assigned identity. ``publicNetworkAccess`` is not
  written: Azure refuses to disable it at creation and without an approved private endpoint
  ("Blocking all public network access ... is not enabled during service creation";
  Azure/azure-rest-api-specs#24947), and in internal mode it governs only the management plane.
  Its host names resolve through A records in the hub's ``azure-api.net`` zone;
- or, in private-endpoint mode, the service not injected, a private endpoint (group ``Gateway``)
  in the private-endpoint subnet with its zone group on ``privatelink.azure-api.net``, then the
  service written again with ``publicNetworkAccess: Disabled`` (``{address}.public_access``);
- the Application Insights logger and diagnostic of a spoke's gateway (``_logging``);
- per model deployment a backend (the deployment's URL on the account's custom sub-domain), an API
  with one wildcard operation, and an API policy that sends requests to that backend with the
  gateway's managed identity (``authentication-managed-identity``): no keys anywhere;
- per fronted AI account a role assignment: the gateway's identity as Cognitive Services OpenAI User;
- its diagnostic setting comes from ``lzengine.compile.governance.DIAGNOSTICS``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

# workload first: it imports data_services, which needs governance complete
from lzengine.compile import workload
from lzengine.compile.context import PLATFORM, Context
from lzengine.compile.governance import assign_role
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import addresses, catalog, layout
from lzengine.plan.models import Spoke
from lzengine.plan.spoke import AiGateway
from lzengine.refs import Ref

COGNITIVE_SCOPE = "https://cognitiveservices.azure.com"
#: The logger's name (the diagnostic names it by id).
APP_INSIGHTS_LOGGER = "appinsights"


def fronted_spokes(ctx: Context) -> list[Spoke]:
    """The spokes the hub's central gateway fronts: those it lists, else every spoke with an AI
    account and no gateway of its own."""
    central = ctx.plan.hub.ai_gateway
    if central is None:
        return []
    if central.spokes is not None:
        return [s for s in ctx.plan.spokes if s.name in central.spokes and s.ai is not None]
    return [s for s in ctx.plan.spokes if s.ai is not None and s.ai_gateway is None]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", text).strip("-")


def logs_to_app_insights(spoke: Spoke) -> bool:
    """Whether the spoke's gateway logs to the spoke's Application Insights (its ``app_insights``,
    by default on when the spoke has one)."""
    gw = spoke.ai_gateway
    has = spoke.monitoring is not None and spoke.monitoring.app_insights
    return gw is not None and (has if gw.app_insights is None else gw.app_insights)


def gateways(ctx: Context) -> None:
    for spoke in ctx.plan.spokes:
        gw = spoke.ai_gateway
        if gw is None:
            continue
        base = f"spokes.{spoke.name}"
        purpose = "ai-gateway" if layout.injected(gw) else "private-endpoints"
        subnet_address, subnet_id = ctx.spoke_subnet(spoke, purpose)
        group = ctx.spoke_rg(spoke)
        _service(ctx, f"{base}.ai_gateway", group, ctx.names.ai_gateway(spoke.name), gw, subnet_id,
                 {subnet_address, f"{base}.resource_group"}, spoke.owner, [spoke], central=False)
        if logs_to_app_insights(spoke):
            _logging(ctx, f"{base}.ai_gateway", group, ctx.names.ai_gateway(spoke.name), gw, spoke)
    central = ctx.plan.hub.ai_gateway
    if central is not None:
        spec = layout.subnet_for(ctx.hub_planned, "ai-gateway" if layout.injected(central) else "private-endpoints")
        assert spec is not None
        _service(ctx, "hub.ai_gateway", ctx.hub_rg(), ctx.names.ai_gateway("hub"), central,
                 ctx.hub_subnet_id(spec.name), {f"hub.subnet.{spec.name}", "hub.resource_group"}, PLATFORM,
                 fronted_spokes(ctx), central=True)


def _service(ctx: Context, address: str, group: str, name: str, gw: AiGateway, subnet_id: str, deps: set[str],
             owner: str, spokes: list[Spoke], *, central: bool) -> None:
    service_id = ctx.res_id(group, "Microsoft.ApiManagement", ("service", name))
    network: dict[str, Any] = {"virtualNetworkType": "None"}
    if layout.injected(gw):
        network = {"virtualNetworkType": "Internal", "virtualNetworkConfiguration": {"subnetResourceId": subnet_id}}
    body = ctx.located(
        sku={"name": gw.sku, "capacity": gw.capacity},
        identity={"type": "SystemAssigned"},
        properties={
            "publisherEmail": gw.publisher_email,
            "publisherName": gw.publisher_name or ctx.plan.name,
            **network,
            **({"restore": True} if gw.restore else {}),
        },
    )
    ctx.add(address, KINDS_BY_NAME["apim_service"], service_id, body, deps if layout.injected(gw) else
            {d for d in deps if ".subnet." not in d}, owner)
    if layout.injected(gw):
        _dns_records(ctx, address, name, gw)
    else:
        _private_endpoint(ctx, address, group, name, service_id, subnet_id, deps, owner)
        # the same service again, public access off, once its endpoint exists (see APIM_SERVICE_ACCESS)
        closed = copy.deepcopy(body)
        closed["properties"].pop("restore", None)
        closed["properties"]["publicNetworkAccess"] = "Disabled"
        ctx.add(f"{address}.public_access", KINDS_BY_NAME["apim_service_access"], service_id, closed,
                {address, f"{address}.pep"}, owner)
    identity = Ref(address, "identity.principalId")
    for spoke in spokes:
        ai = spoke.ai
        assert ai is not None
        account_name = ctx.names.ai_account(spoke.name, ai.kind)
        account_id = workload.ai_id(ctx, spoke)
        for d in ai.deployments:
            api_id = _slug(f"{spoke.name}-{d.deployment_name}" if central else d.deployment_name)
            child = f"{address}.{spoke.name}.{d.deployment_name}" if central else f"{address}.{d.deployment_name}"
            deployment_address = f"spokes.{spoke.name}.ai.deployment.{d.deployment_name}"
            ctx.add(f"{child}.backend", KINDS_BY_NAME["apim_backend"], f"{service_id}/backends/{api_id}",
                    {"properties": {
                        "protocol": "http",
                        "url": f"https://{account_name}.openai.azure.com/openai/deployments/{d.deployment_name}",
                        "description": f"{d.model} on {account_name}",  # no version: an upgrade is not a change
                        "tls": {"validateCertificateChain": True, "validateCertificateName": True}}},
                    {address, deployment_address}, owner)
            path = f"{spoke.name}/{d.deployment_name}" if central else d.deployment_name
            ctx.add(f"{child}.api", KINDS_BY_NAME["apim_api"], f"{service_id}/apis/{api_id}",
                    {"properties": {"displayName": f"{d.deployment_name} ({spoke.name})", "path": path,
                                    "protocols": ["https"], "subscriptionRequired": True, "apiType": "http"}},
                    {address}, owner)
            ctx.add(f"{child}.api.operation", KINDS_BY_NAME["apim_api_operation"],
                    f"{service_id}/apis/{api_id}/operations/all",
                    {"properties": {"displayName": "All operations", "method": "*", "urlTemplate": "/*"}},
                    {f"{child}.api"}, owner)
            ctx.add(f"{child}.api.policy", KINDS_BY_NAME["apim_api_policy"],
                    f"{service_id}/apis/{api_id}/policies/policy",
                    {"properties": {"format": "xml", "value": policy_xml(api_id)}},
                    {f"{child}.api", f"{child}.backend"}, owner)
        assign_role(ctx, f"{address}.role.{spoke.name}", account_id, identity, "ServicePrincipal",
                               "Cognitive Services OpenAI User", {address, f"spokes.{spoke.name}.ai"}, owner, address)


def _dns_records(ctx: Context, address: str, name: str, gw: AiGateway) -> None:
    """Internal mode: an A record per host name of the service (gateway, portal, developer,
    management, scm) in the hub's ``azure-api.net`` zone, pointing at the service's private
    virtual IP (``privateIPAddresses[0]``, known once it is created). Written by the platform team,
    whose zone it is."""
    zone = addresses.ai_gateway_zone(gw)
    if zone is None:
        return
    zone_id = ctx.dns_zone_id(zone)
    private_ip = Ref(address, "properties.privateIPAddresses.0")
    for label, suffix in catalog.AI_GATEWAY_HOSTS:
        ctx.add(f"{address}.dns.{label}", KINDS_BY_NAME["private_dns_a_record"], f"{zone_id}/A/{name}{suffix}",
                {"properties": {"ttl": 300, "aRecords": [{"ipv4Address": private_ip}]}},
                {address, f"hub.dns_zone.{zone}"}, PLATFORM)


def _private_endpoint(ctx: Context, address: str, group: str, name: str, service_id: str, subnet_id: str,
                      deps: set[str], owner: str) -> None:
    """Private-endpoint mode: an endpoint to the service's gateway (group ``Gateway``, the only one
    API Management offers inbound) in the private-endpoint subnet, and its DNS zone group on the
    hub's ``privatelink.azure-api.net`` zone."""
    pep_name = ctx.names.private_endpoint(name)
    pep_id = ctx.net_id(group, ("privateEndpoints", pep_name))
    subnet_address = next(d for d in deps if ".subnet." in d)
    ctx.add(f"{address}.pep", KINDS_BY_NAME["private_endpoint"], pep_id, ctx.located(properties={
        "subnet": {"id": subnet_id},
        "customNetworkInterfaceName": f"nic-{pep_name}",
        "privateLinkServiceConnections": [{"name": pep_name, "properties": {
            "privateLinkServiceId": service_id, "groupIds": [catalog.AI_GATEWAY_ENDPOINT_GROUP]}}],
    }), {address, subnet_address}, owner)
    if ctx.plan.hub.private_dns.zone_groups_by_policy:
        return
    zone = catalog.AI_GATEWAY_ENDPOINT_ZONE
    ctx.add(f"{address}.pep.dns", KINDS_BY_NAME["private_dns_zone_group"], f"{pep_id}/privateDnsZoneGroups/default",
            {"properties": {"privateDnsZoneConfigs": [
                {"name": zone.replace(".", "-"), "properties": {"privateDnsZoneId": ctx.dns_zone_id(zone)}}]}},
            {f"{address}.pep", f"hub.dns_zone.{zone}"}, owner)


def _logging(ctx: Context, address: str, group: str, name: str, gw: AiGateway, spoke: Spoke) -> None:
    """Request logs to the spoke's Application Insights: a logger whose credentials are the
    component's connection string with ``identityClientId: SystemAssigned``, so the gateway sends
    telemetry with its managed identity (it holds Monitoring Metrics Publisher on the component,
    which may refuse local authentication), and the service-wide ``applicationinsights``
    diagnostic. The connection string is a secret reference: never shown, compared or reported
    (Azure returns it masked). Microsoft Learn, "Integrate Azure API Management with Application
    Insights" (logger with system-assigned managed identity credentials)."""
    service_id = ctx.res_id(group, "Microsoft.ApiManagement", ("service", name))
    component = f"spokes.{spoke.name}.monitoring.app_insights"
    component_id = workload.app_insights_id(ctx, spoke)
    logger_id = f"{service_id}/loggers/{APP_INSIGHTS_LOGGER}"
    role_address = f"{address}.role.app_insights"
    assign_role(ctx, role_address, component_id, Ref(address, "identity.principalId"), "ServicePrincipal",
                "Monitoring Metrics Publisher", {address, component}, spoke.owner, address)
    ctx.add(f"{address}.logger", KINDS_BY_NAME["apim_logger"], logger_id, {"properties": {
        "loggerType": "applicationInsights",
        "description": f"Requests to {component_id.rsplit('/', 1)[-1]}",
        "resourceId": component_id,
        "isBuffered": True,
        "credentials": {"connectionString": Ref(component, "properties.ConnectionString", secret=True),
                        "identityClientId": "SystemAssigned"},
    }}, {address, component, role_address}, spoke.owner)
    ctx.add(f"{address}.diagnostic", KINDS_BY_NAME["apim_diagnostic"], f"{service_id}/diagnostics/applicationinsights",
            {"properties": {
                "loggerId": logger_id,
                "alwaysLog": "allErrors",
                "logClientIp": True,
                "httpCorrelationProtocol": "W3C",
                "verbosity": gw.verbosity,
                "sampling": {"samplingType": "fixed", "percentage": gw.sampling_percentage},
            }}, {address, f"{address}.logger"}, spoke.owner)


def policy_xml(backend_id: str) -> str:
    """The API's policy: route to its backend, authenticate there with the gateway's identity."""
    inbound = (f'<base /><set-backend-service backend-id="{backend_id}" />'
               f'<authentication-managed-identity resource="{COGNITIVE_SCOPE}" />')
    return (f"<policies><inbound>{inbound}</inbound><backend><base /></backend>"
            "<outbound><base /></outbound><on-error><base /></on-error></policies>")

