"""Cross-field checks of AI Foundry projects, AI gateways and the central Application Gateway.

Who uses it: ``lzengine.plan.checks.CHECKS`` (each finding becomes file:line:column with a hint).
What it refuses, before any call to Azure:

- a project under an account that is not ``kind: AIServices`` (only AI Services accounts host
  Foundry projects), a project declared twice, a connection to a component the spoke lacks;
- an ``ai_gateway`` in a spoke without ``ai``; a Developer gateway with more than one unit; a tier
  that cannot be injected in internal mode (Basic, Standard, StandardV2: use ``network:
  private_endpoint``); Application Insights logging without the spoke's App Insights (or on the hub); a hub
  gateway listing an unknown spoke, a spoke without ``ai`` or a spoke with its own gateway;
- a hub gateway in an existing hub (``hub.existing`` is read-only);
- a central Application Gateway app naming an unknown spoke, a spoke without ``app_service``, a
  spoke that also declares its own ``app_gateway`` (the same app published twice), a host name or
  a spoke published twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from lzengine.plan.models import Plan
from lzengine.plan.network import Finding
from lzengine.plan.spoke import AiGateway


def _spoke_names(plan: Plan) -> list[str]:
    return [s.name for s in plan.spokes]


def foundry(plan: Plan) -> Iterator[Finding]:
    for i, s in enumerate(plan.spokes):
        if s.ai is None:
            continue
        seen: set[str] = set()
        for k, project in enumerate(s.ai.projects):
            at = ("spokes", i, "ai", "projects", k)
            if s.ai.kind != "AIServices":
                yield Finding(at, f"AI Foundry projects need an AI Services account; this one is kind {s.ai.kind}",
                              "set 'kind: AIServices' on the spoke's ai (a replacement of the account)",
                              "invalid-value")
            if project.name.lower() in seen:
                yield Finding((*at, "name"), f"project {project.name!r} is declared twice", code="duplicate")
            seen.add(project.name.lower())
            present = {"search": s.search is not None, "storage": getattr(s, "storage", None) is not None,
                       "app_insights": s.monitoring is not None and s.monitoring.app_insights}
            for c, component in enumerate(project.connections or []):
                if not present[component]:
                    key = "monitoring" if component == "app_insights" else component
                    yield Finding((*at, "connections", c),
                                  f"the project connects to {component}, which spoke {s.name!r} does not deploy",
                                  f"add '{key}: {{}}' to the spoke, or remove the connection", "unresolved-reference")


#: Tiers that can be injected into a VNet in internal mode: the classic Developer and Premium. The
#: plan's tiers all take an inbound private endpoint (Microsoft Learn, "Feature-based comparison of
#: the Azure API Management tiers": Consumption and Basic v2 do not, and the schema has neither).
INTERNAL_TIERS = ("Developer", "Premium")
#: Scale units a tier allows in one region (Microsoft Learn, "API Management limits": Developer 1,
#: Basic 2, Standard 4, Premium 12 per region, Standard v2 10).
MAX_UNITS = {"Developer": 1, "Basic": 2, "Standard": 4, "Premium": 12, "StandardV2": 10}


def _gateway(gw: AiGateway, at: tuple[str | int, ...]) -> Iterator[Finding]:
    """What Azure refuses of one gateway, whatever its place."""
    if gw.sku == "Developer" and gw.capacity != 1:
        yield Finding((*at, "capacity"), "a Developer API Management has exactly 1 unit",
                      "use sku: Premium to scale out", "invalid-value")
    elif gw.capacity > MAX_UNITS[gw.sku]:
        yield Finding((*at, "capacity"), f"API Management {gw.sku} scales to {MAX_UNITS[gw.sku]} units at most",
                      "use a larger tier (Premium: 12 units)", "invalid-value")
    if gw.network == "internal" and gw.sku not in INTERNAL_TIERS:
        yield Finding((*at, "sku"), f"API Management {gw.sku} cannot be injected into a virtual network (internal "
                      "mode is Developer or Premium only)",
                      "use network: private_endpoint for this tier, or sku: Developer or Premium", "invalid-value")


def ai_gateways(plan: Plan) -> Iterator[Finding]:
    for i, s in enumerate(plan.spokes):
        if s.ai_gateway is None:
            continue
        if s.ai is None:
            yield Finding(("spokes", i, "ai_gateway"), "the AI gateway has nothing to front: this spoke has no ai",
                          "add 'ai: {...}' with deployments to the spoke, or remove ai_gateway", "missing-component")
        yield from _gateway(s.ai_gateway, ("spokes", i, "ai_gateway"))
        if s.ai_gateway.app_insights and not (s.monitoring is not None and s.monitoring.app_insights):
            yield Finding(("spokes", i, "ai_gateway", "app_insights"),
                          f"the gateway logs to Application Insights, which spoke {s.name!r} does not deploy",
                          "add 'monitoring: {}' to the spoke (it has app_insights by default), or remove "
                          "app_insights", "missing-component")
    central = plan.hub.ai_gateway
    if central is None:
        return
    yield from _gateway(central, ("hub", "ai_gateway"))
    if central.app_insights:
        yield Finding(("hub", "ai_gateway", "app_insights"), "the hub has no Application Insights for the central "
                      "gateway's request logs", "remove app_insights (its diagnostic setting sends its logs to the "
                      "hub workspace)", "missing-component")
    for k, name in enumerate(central.spokes or []):
        spoke = plan.spoke(name)
        at = ("hub", "ai_gateway", "spokes", k)
        if spoke is None:
            yield Finding(at, f"no spoke named {name!r}", f"known spokes: {', '.join(_spoke_names(plan))}",
                          "unresolved-reference")
        elif spoke.ai is None:
            yield Finding(at, f"spoke {name!r} has no ai for the gateway to front", code="missing-component")
        elif spoke.ai_gateway is not None:
            yield Finding(at, f"spoke {name!r} declares its own ai_gateway and is also listed for the hub's",
                          "remove the spoke's ai_gateway, or drop it from hub.ai_gateway.spokes", "duplicate")


def existing_hub(plan: Plan) -> Iterator[Finding]:
    """An existing hub is read-only (``hub.existing``): lzengine puts no gateway into it."""
    if getattr(plan.hub, "existing", None) is None:
        return
    for component in ("ai_gateway", "app_gateway"):
        if getattr(plan.hub, component) is not None:
            yield Finding(("hub", component), f"hub.{component} would be written into the existing hub, which "
                          "lzengine only reads", f"declare the gateway on a spoke (spokes[].{component}), or have the "
                          "platform team deploy the central one", "invalid-value")


def central_app_gateway(plan: Plan) -> Iterator[Finding]:
    central = plan.hub.app_gateway
    if central is None:
        return
    if central.min_capacity > central.max_capacity:
        yield Finding(("hub", "app_gateway", "min_capacity"),
                      f"min_capacity {central.min_capacity} is above max_capacity {central.max_capacity}",
                      code="invalid-value")
    hosts: set[str] = set()
    published: set[str] = set()
    for k, app in enumerate(central.apps):
        at = ("hub", "app_gateway", "apps", k)
        spoke = plan.spoke(app.spoke)
        if spoke is None:
            yield Finding((*at, "spoke"), f"no spoke named {app.spoke!r}",
                          f"known spokes: {', '.join(_spoke_names(plan))}", "unresolved-reference")
        elif spoke.app_service is None:
            yield Finding((*at, "spoke"), f"spoke {app.spoke!r} has no app_service to publish",
                          f"add 'app_service: {{}}' to spoke {app.spoke!r}, or remove this app", "missing-component")
        elif spoke.app_gateway is not None:
            yield Finding((*at, "spoke"),
                          f"spoke {app.spoke!r} declares its own app_gateway and relies on the central one for "
                          "the same app",
                          f"remove app_gateway from spoke {app.spoke!r} (the central gateway publishes it), or "
                          "remove this entry", "duplicate")
        if app.spoke in published:
            yield Finding((*at, "spoke"), f"spoke {app.spoke!r} is published twice", code="duplicate")
        published.add(app.spoke)
        if app.host_name in hosts:
            yield Finding((*at, "host_name"), f"host name {app.host_name!r} is used by two apps", code="duplicate")
        hosts.add(app.host_name)
        if app.certificate_secret_id and not central.identity_id:
            yield Finding((*at, "certificate_secret_id"),
                          "a Key Vault certificate needs hub.app_gateway.identity_id (a user-assigned identity that "
                          "can read it)", code="missing-component")


CHECKS = (foundry, ai_gateways, central_app_gateway, existing_hub)
