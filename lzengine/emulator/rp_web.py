"""Microsoft.Web behaviour: App Service plans, web apps, VNet integration and site config.

Called by :mod:`lzengine.emulator.hooks` with the backend lock held, and by the app for the
``config/appsettings/list`` action. What it models:

* Plans: the SKU's tier and family, ``numberOfSites`` (read time), Linux plans ``reserved``.
* Sites: the plan must exist (404 ``NotFound`` "Cannot find ServerFarm ..."), the name is
  global (``{name}.azurewebsites.net``), VNet integration needs a subnet delegated to
  ``Microsoft.Web/serverFarms`` (``SubnetMissingRequiredDelegation``) and adds a service
  association link to it; computed host names, state and outbound addresses.
* Site config as App Service answers it: a site GET carries a thin ``siteConfig`` (most fields
  null; app settings never), the full config lives in the ``config/web`` child and the app
  settings in ``config/appsettings`` (read with ``POST .../config/appsettings/list``).
"""

from __future__ import annotations

import copy
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import check_name_availability, find, local, norm_loc, props, stable_guid
from lzengine.emulator.rp_private_endpoints import render_private_endpoint_connections
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, SYNC_DELETE, SYNC_UPDATE, PutMode, TypeSpec, sync

PLAN = "microsoft.web/serverfarms"
SITE = "microsoft.web/sites"
CONFIG = "microsoft.web/sites/config"

_TIERS = {"f": "Free", "d": "Shared", "b": "Basic", "s": "Standard", "p": "Premium", "i": "Isolated",
          "y": "Dynamic", "ep": "ElasticPremium"}
#: Fields a site GET returns inside ``siteConfig`` (the rest are null; appSettings never).
_THIN_CONFIG = ("linuxFxVersion", "windowsFxVersion", "alwaysOn", "numberOfWorkers",
                "acrUseManagedIdentityCreds", "functionAppScaleLimit", "minimumElasticInstanceCount")


def _sku_tier(name: str) -> tuple[str, str]:
    """``P1v3`` → ("PremiumV3", "Pv3"); ``P1mv3`` → ("PremiumMV3", "Pmv3"); ``B1`` → ("Basic", "B")."""
    low = name.lower()
    prefix = "ep" if low.startswith("ep") else low[:1]
    tier = _TIERS.get(prefix, "Standard")
    family = prefix.upper()
    for version in ("mv3", "mv4", "v2", "v3", "v4"):
        if low.endswith(version):
            return tier + version.upper(), family + version
    return tier, family


def _validate_site(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                   parent_body: dict[str, Any] | None) -> None:
    p = props(body)
    farm_id = str(p.get("serverFarmId") or "")
    if existing is None and not farm_id:
        raise errors.bad_request("BadRequest", f"The site {rp.name} needs properties.serverFarmId.")
    if farm_id and local(ctx, farm_id) and find(ctx, farm_id) is None:
        raise errors.ArmError(404, "NotFound", f"Cannot find ServerFarm with name {farm_id.rsplit('/', 1)[-1]}.")
    for other in ctx.store.of_type(SITE):
        if other.key != id_key(rp.id) and other.body.get("name", "").lower() == rp.name.lower():
            raise errors.ArmError(409, "Conflict", f"Website with given name {rp.name} already exists.")
    subnet_id = str(p.get("virtualNetworkSubnetId") or "")
    if subnet_id and local(ctx, subnet_id):
        subnet = find(ctx, subnet_id)
        if subnet is None:
            raise errors.bad_request(
                "InvalidResourceReference",
                f"Resource {subnet_id} referenced by resource {rp.id} was not found. Please make sure that the "
                "referenced resource exists, and that both resources are in the same region.")
        delegations = [str(props(d).get("serviceName") or "").lower()
                       for d in props(subnet.body).get("delegations") or [] if isinstance(d, dict)]
        if PLAN not in delegations:  # VNet integration needs the subnet delegated to App Service plans
            raise errors.bad_request(
                "SubnetMissingRequiredDelegation",
                f"Subnet {subnet_id} requires any of the following delegation(s) [Microsoft.Web/serverFarms] to "
                f"reference service association link {subnet_id}/serviceAssociationLinks/AppServiceLink.")


def _after_plan(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                state: str) -> None:
    p = res.body.setdefault("properties", {})
    sku = res.body.setdefault("sku", {"name": "P1v3"})
    if isinstance(sku, dict) and sku.get("name"):
        tier, family = _sku_tier(str(sku["name"]))
        sku["tier"] = tier
        sku["family"] = family
        sku["size"] = sku["name"]
        sku.setdefault("capacity", 1)
    kind = str(res.body.get("kind") or "app").lower()
    res.body["kind"] = res.body.get("kind") or "app"
    p["reserved"] = bool(p.get("reserved") or "linux" in kind)
    p["status"] = "Ready"
    p["maximumNumberOfWorkers"] = 30
    p["geoRegion"] = str(res.body.get("location") or "")
    p["resourceGroup"] = rp.resource_group
    p.setdefault("zoneRedundant", False)
    p.setdefault("perSiteScaling", False)
    p.setdefault("elasticScaleEnabled", False)
    p.setdefault("isXenon", False)
    p.setdefault("hyperV", False)
    p["numberOfWorkers"] = (sku or {}).get("capacity", 1) if isinstance(sku, dict) else 1


def _after_site(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                state: str) -> None:
    res.body.setdefault("properties", {})
    _site(ctx, rp, res, props(existing.body) if existing else {})


def _after_config(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                  state: str) -> None:
    if rp.name.lower() == "web":
        res.body.setdefault("properties", {}).pop("appSettings", None)


def _site(ctx: ProviderContext, rp: ResourcePath, res: Resource, old: dict[str, Any]) -> None:
    p = res.body["properties"]
    name = res.body["name"].lower()
    res.body.setdefault("kind", "app")
    host = f"{name}.azurewebsites.net"
    p["defaultHostName"] = host
    p["hostNames"] = [host]
    p["enabledHostNames"] = [host, f"{name}.scm.azurewebsites.net"]
    p["hostNameSslStates"] = [
        {"name": host, "sslState": "Disabled", "hostType": "Standard"},
        {"name": f"{name}.scm.azurewebsites.net", "sslState": "Disabled", "hostType": "Repository"},
    ]
    p["state"] = "Running"
    p["usageState"] = "Normal"
    p["availabilityState"] = "Normal"
    p["enabled"] = True
    p["repositorySiteName"] = res.body["name"]
    p["resourceGroup"] = rp.resource_group
    n = int(stable_guid("site-ip", res.id)[:6], 16)
    ips = [f"20.{(n + i) % 250 + 1}.{(n >> 8) % 250}.{(n >> 4) % 250 + 1}" for i in range(3)]
    p["outboundIpAddresses"] = ",".join(ips)
    p["possibleOutboundIpAddresses"] = ",".join(ips)
    p["customDomainVerificationId"] = old.get("customDomainVerificationId") or stable_guid(
        "cdv", res.id).replace("-", "").upper()
    p.setdefault("httpsOnly", False)
    p.setdefault("clientAffinityEnabled", True)
    p.setdefault("vnetRouteAllEnabled", False)
    p.setdefault("publicNetworkAccess", None)
    p.setdefault("clientCertEnabled", False)
    p.setdefault("redundancyMode", "None")
    p["sku"] = _plan_sku(ctx, str(p.get("serverFarmId") or ""))
    sent = p.get("siteConfig") if isinstance(p.get("siteConfig"), dict) else None
    config = find(ctx, f"{res.id}/config/web")
    full = copy.deepcopy(props(config.body)) if config else {}
    settings = None
    if sent is not None:
        full.update({k: v for k, v in sent.items() if k != "appSettings"})
        if "appSettings" in sent:
            settings = {str(s.get("name")): s.get("value") for s in sent.get("appSettings") or []
                        if isinstance(s, dict)}
    full.setdefault("numberOfWorkers", 1)
    full.setdefault("alwaysOn", False)
    full.setdefault("http20Enabled", False)
    full.setdefault("minTlsVersion", "1.2")
    full.setdefault("scmMinTlsVersion", "1.2")
    full.setdefault("ftpsState", "FtpsOnly")
    full.setdefault("linuxFxVersion", "")
    full["vnetRouteAllEnabled"] = bool(p.get("vnetRouteAllEnabled"))
    _put_config(ctx, res, "web", full)
    if settings is not None or find(ctx, f"{res.id}/config/appsettings") is None:
        _put_config(ctx, res, "appsettings", settings or {})
    thin: dict[str, Any] = {k: None for k in ("appSettings", "minTlsVersion", "scmMinTlsVersion", "ftpsState",
                                                "connectionStrings", "defaultDocuments")}
    thin.update({k: full.get(k) for k in _THIN_CONFIG})
    thin["http20Enabled"] = False
    p["siteConfig"] = thin


def _plan_sku(ctx: ProviderContext, farm_id: str) -> str | None:
    farm = find(ctx, farm_id)
    if farm is None:
        return None
    return str((farm.body.get("sku") or {}).get("tier") or "") or None


def _put_config(ctx: ProviderContext, site: Resource, name: str, values: dict[str, Any]) -> None:
    cid = f"{site.id}/config/{name}"
    body = {"id": cid, "name": name, "type": "Microsoft.Web/sites/config",
            "location": site.body.get("location"), "properties": values}  # fmt: skip
    ctx.store.put(Resource(id=cid, type="Microsoft.Web/sites/config", body=body, root_key=site.key))


def _list_config(ctx: ProviderContext, rp: Any, body: dict[str, Any]) -> dict[str, Any]:
    """``POST {site}/config/appsettings/list``: the settings with their values (GET never shows them)."""
    if rp.names[-1].lower() != "appsettings":
        return {}
    cfg = find(ctx, rp.parent_id)
    if cfg is None:
        raise errors.resource_not_found("Microsoft.Web/sites", rp.names[0], rp.resource_group)
    return ctx.render(cfg)


def check_removal(ctx: ProviderContext, res: Resource) -> None:
    """A plan that still hosts sites cannot be deleted."""
    sites = [s.body["name"] for s in ctx.store.of_type(SITE)
             if id_key(str(props(s.body).get("serverFarmId") or "")) == res.key]
    if sites:
        raise errors.ArmError(
            409, "Conflict", f"Server farm '{res.body['name']}' cannot be deleted because it has web app(s) "
            f"{', '.join(sites)} assigned to it.")


def render(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
    """A plan shows how many sites it hosts."""
    p = body.get("properties")
    if isinstance(p, dict):
        p["numberOfSites"] = sum(1 for s in ctx.store.of_type(SITE)
                                 if id_key(str(props(s.body).get("serverFarmId") or "")) == res.key)


def location_matches(site_body: dict[str, Any], farm: Resource) -> bool:
    return norm_loc(str(site_body.get("location") or "")) == norm_loc(str(farm.body.get("location") or ""))


WEB_VERSIONS = (
    "2019-08-01", "2020-06-01", "2020-12-01", "2021-02-01", "2021-03-01", "2022-03-01",
    "2022-09-01", "2023-01-01", "2023-12-01", "2024-04-01", "2024-11-01", "2025-03-01",
    "2025-05-01",
)  # fmt: skip

SPECS: list[TypeSpec] = [
    # creates answer 202 with a body; updates are synchronous
    TypeSpec(
        type="Microsoft.Web/serverfarms",
        api_versions=WEB_VERSIONS,
        create=PutMode(202, "InProgress", async_header=True, location_header=True),
        update=SYNC_UPDATE,
        delete=SYNC_DELETE,
        latency=(60.0, 0.0, 0.0),
        locations=SERVICE_REGIONS,
        lock="self",
    ),
    TypeSpec(
        type="Microsoft.Web/sites",
        api_versions=WEB_VERSIONS,
        create=PutMode(202, "InProgress", async_header=True, location_header=True),
        update=SYNC_UPDATE,
        delete=SYNC_DELETE,
        latency=(60.0, 0.0, 0.0),
        locations=SERVICE_REGIONS,
        lock="self",
    ),
    sync("Microsoft.Web/sites/config", WEB_VERSIONS, listed=False, state_field=False),
]
NAMESPACE_DEFAULTS = {"microsoft.web": sync("Microsoft.Web/*", WEB_VERSIONS)}


HANDLERS: dict[str, Handler] = {
    PLAN: Handler(after_put=_after_plan, check_removal=check_removal, render=render),
    SITE: Handler(validate=_validate_site, after_put=_after_site, render=render_private_endpoint_connections),
    CONFIG: Handler(after_put=_after_config),
    f"{CONFIG}/list": Handler(action=_list_config),
    "microsoft.web/checknameavailability": Handler(action=check_name_availability),
}
