"""Compiler step for the central Application Gateway (``hub.app_gateway``): one WAF_v2 gateway in the
hub, owned by the platform team, publishing several spokes' web apps by host name.

Who uses it: ``lzengine.compile.STEPS``, after the spokes' web apps exist in the graph. Per
published app it writes one listener (multi-site, ``hostNames``), one backend pool (the app's
``azurewebsites.net`` host), one probe, one HTTP setting and one routing rule, each named after the
spoke; the gateway sits in the hub's ``app-gateway`` subnet (``snet-agw``, carved by
``lzengine.plan.layout.hub_subnets``) with a public IP and a WAF policy of its own. A spoke is
published either by its own ``app_gateway`` or here, never both (``lzengine.plan.ai_checks``).
The spokes' apps are reached over the hub–spoke peering through their private endpoints: the
hub's private DNS zone for ``privatelink.azurewebsites.net`` resolves them from the hub.
"""

from __future__ import annotations

from typing import Any

from lzengine.compile import data_services
from lzengine.compile.context import PLATFORM, Context
from lzengine.compile.hub import public_ip
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import layout


def central_gateway_id(ctx: Context) -> str:
    return ctx.net_id(ctx.hub_rg(), ("applicationGateways", ctx.names.central_app_gateway()))


def central_gateway(ctx: Context) -> None:
    gw = ctx.plan.hub.app_gateway
    if gw is None:
        return
    group = ctx.hub_rg()
    waf_id = ctx.net_id(group, ("ApplicationGatewayWebApplicationFirewallPolicies", ctx.names.central_waf_policy()))
    ctx.add("hub.app_gateway.waf_policy", KINDS_BY_NAME["waf_policy"], waf_id, ctx.located(properties={
        "policySettings": {"state": "Enabled", "mode": gw.waf_mode, "requestBodyCheck": True},
        "managedRules": {"managedRuleSets": [{"ruleSetType": "OWASP", "ruleSetVersion": gw.rule_set_version}]},
    }), {"hub.resource_group"}, PLATFORM)
    pip_id = public_ip(ctx, "hub.app_gateway.pip", ctx.names.public_ip("hub-agw"), group, gw.zones)
    spec = layout.subnet_for(ctx.hub_planned, "app-gateway")
    assert spec is not None
    gid = central_gateway_id(ctx)
    from_vault = data_services.central_gateway_certificates(ctx)  # certificates from the hub's vault
    ports = sorted({443 if app.certificate_secret_id or app.certificate else 80 for app in gw.apps})
    props: dict[str, Any] = {
        "sku": {"name": "WAF_v2", "tier": "WAF_v2"},
        "autoscaleConfiguration": {"minCapacity": gw.min_capacity, "maxCapacity": gw.max_capacity},
        "gatewayIPConfigurations": [{"name": "gateway", "properties": {
            "subnet": {"id": ctx.hub_subnet_id(spec.name)}}}],
        "frontendIPConfigurations": [{"name": "public", "properties": {"publicIPAddress": {"id": pip_id}}}],
        "frontendPorts": [{"name": f"port-{p}", "properties": {"port": p}} for p in ports],
        "backendAddressPools": [], "probes": [], "backendHttpSettingsCollection": [], "httpListeners": [],
        "requestRoutingRules": [], "sslCertificates": [],
        "sslPolicy": {"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101"},
        "firewallPolicy": {"id": waf_id},
    }
    deps = {f"hub.subnet.{spec.name}", "hub.app_gateway.pip", "hub.app_gateway.waf_policy"}
    for i, app in enumerate(gw.apps):
        spoke = ctx.plan.spoke(app.spoke)
        assert spoke is not None and spoke.app_service is not None
        name = spoke.name
        host = f"{ctx.names.web_app(name)}.azurewebsites.net"
        secret_id = from_vault[0].get(app.certificate or "") or app.certificate_secret_id
        https = bool(secret_id)
        listener: dict[str, Any] = {
            "frontendIPConfiguration": {"id": f"{gid}/frontendIPConfigurations/public"},
            "frontendPort": {"id": f"{gid}/frontendPorts/port-{443 if https else 80}"},
            "protocol": "Https" if https else "Http",
            "hostNames": [app.host_name],
            "requireServerNameIndication": https,
        }
        if https:
            listener["sslCertificate"] = {"id": f"{gid}/sslCertificates/{name}"}
            props["sslCertificates"].append({"name": name, "properties": {"keyVaultSecretId": secret_id}})
        props["backendAddressPools"].append({"name": name, "properties": {"backendAddresses": [{"fqdn": host}]}})
        props["probes"].append({"name": name, "properties": {
            "protocol": "Https", "path": "/", "interval": 30, "timeout": 30, "unhealthyThreshold": 3,
            "pickHostNameFromBackendHttpSettings": True}})
        props["backendHttpSettingsCollection"].append({"name": name, "properties": {
            "port": 443, "protocol": "Https", "cookieBasedAffinity": "Disabled", "requestTimeout": 30,
            "pickHostNameFromBackendAddress": True, "probe": {"id": f"{gid}/probes/{name}"}}})
        props["httpListeners"].append({"name": name, "properties": listener})
        props["requestRoutingRules"].append({"name": name, "properties": {
            "ruleType": "Basic", "priority": 100 + 10 * i,
            "httpListener": {"id": f"{gid}/httpListeners/{name}"},
            "backendAddressPool": {"id": f"{gid}/backendAddressPools/{name}"},
            "backendHttpSettings": {"id": f"{gid}/backendHttpSettingsCollection/{name}"}}})
        deps.add(f"spokes.{name}.app_service.app")
    if not props["sslCertificates"]:
        del props["sslCertificates"]
    body = ctx.located(properties=props)
    if gw.zones:
        body["zones"] = list(gw.zones)
    identities = [i for i in (gw.identity_id, from_vault[1]) if i]
    if identities:
        body["identity"] = {"type": "UserAssigned", "userAssignedIdentities": {i: {} for i in identities}}
    deps |= from_vault[2]
    ctx.add("hub.app_gateway", KINDS_BY_NAME["application_gateway"], gid, body, deps, PLATFORM)
