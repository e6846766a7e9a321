"""Compiler step for the AI gateway: API Management in front of model deployments, one per spoke
(``spokes[].ai_gateway``) or one central gateway in the hub (``hub.ai_gateway``) for the spokes.

Who uses it: ``lzengine.compile.STEPS``, after the workload steps (it fronts the deployments
``workload.ai_accounts`` added). What it writes:

- the service, injected in internal mode (``virtualNetworkType: Internal``) into its own subnet
  (purpose ``ai-gateway``, with the NSG rules ``lzengine.compile.network.AI_GATEWAY_RULES``), so
  its gateway has no public endpoint; a system-assigned identity. ``publicNetworkAccess`` is not
  written: Azure refuses to disable it at creation and without an approved private endpoint
  ("Blocking all public network access ... is not enabled during service creation";
  Azure/azure-rest-api-specs#24947), and in internal mode it governs only the management plane;
- per model deployment a backend (the deployment's URL on the account's custom sub-domain), an API
  with one wildcard operation, and an API policy that sends requests to that backend with the
  gateway's managed identity (``authentication-managed-identity``): no keys anywhere;
- per fronted AI account a role assignment: the gateway's identity as Cognitive Services OpenAI User;
- its diagnostic setting comes from ``lzengine.compile.governance.DIAGNOSTICS``.
"""

from __future__ import annotations

import re

# workload first: it imports data_services, which needs governance complete
from lzengine.compile import workload
from lzengine.compile.context import PLATFORM, Context
from lzengine.compile.governance import assign_role
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import layout
from lzengine.plan.models import Spoke
from lzengine.refs import Ref

COGNITIVE_SCOPE = "https://cognitiveservices.azure.com"


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


def gateways(ctx: Context) -> None:
    for spoke in ctx.plan.spokes:
        gw = spoke.ai_gateway
        if gw is None:
            continue
        base = f"spokes.{spoke.name}"
        subnet_address, subnet_id = ctx.spoke_subnet(spoke, "ai-gateway")
        group = ctx.spoke_rg(spoke)
        _service(ctx, f"{base}.ai_gateway", group, ctx.names.ai_gateway(spoke.name), gw.sku, gw.capacity,
                 gw.publisher_email, gw.publisher_name, subnet_id, {subnet_address, f"{base}.resource_group"},
                 spoke.owner, [spoke], central=False, restore=gw.restore)
    central = ctx.plan.hub.ai_gateway
    if central is not None:
        spec = layout.subnet_for(ctx.hub_planned, "ai-gateway")
        assert spec is not None
        _service(ctx, "hub.ai_gateway", ctx.hub_rg(), ctx.names.ai_gateway("hub"), central.sku, central.capacity,
                 central.publisher_email, central.publisher_name, ctx.hub_subnet_id(spec.name),
                 {f"hub.subnet.{spec.name}", "hub.resource_group"}, PLATFORM, fronted_spokes(ctx), central=True,
                 restore=central.restore)


def _service(ctx: Context, address: str, group: str, name: str, sku: str, capacity: int, email: str,
             publisher: str | None, subnet_id: str, deps: set[str], owner: str, spokes: list[Spoke], *,
             central: bool, restore: bool) -> None:
    service_id = ctx.res_id(group, "Microsoft.ApiManagement", ("service", name))
    body = ctx.located(
        sku={"name": sku, "capacity": capacity},
        identity={"type": "SystemAssigned"},
        properties={
            "publisherEmail": email,
            "publisherName": publisher or ctx.plan.name,
            "virtualNetworkType": "Internal",
            "virtualNetworkConfiguration": {"subnetResourceId": subnet_id},
            **({"restore": True} if restore else {}),
        },
    )
    ctx.add(address, KINDS_BY_NAME["apim_service"], service_id, body, deps, owner)
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


def policy_xml(backend_id: str) -> str:
    """The API's policy: route to its backend, authenticate there with the gateway's identity."""
    inbound = (f'<base /><set-backend-service backend-id="{backend_id}" />'
               f'<authentication-managed-identity resource="{COGNITIVE_SCOPE}" />')
    return (f"<policies><inbound>{inbound}</inbound><backend><base /></backend>"
            "<outbound><base /></outbound><on-error><base /></on-error></policies>")

