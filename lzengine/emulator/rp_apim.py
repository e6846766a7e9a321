"""Microsoft.ApiManagement behaviour: the service used as an AI gateway, its backends, APIs, API
operations and API policies.

Called by :mod:`lzengine.emulator.hooks` with the backend lock held. What it models:

* Service names are global (``<name>.azure-api.net``): 1 to 50 letters, digits and '-', starting
  with a letter (``InvalidParameters`` [unconfirmed code]); a name another service holds is refused
  with ``ServiceAlreadyExists`` (409) [unconfirmed code].
* SKU: a known tier; Developer has exactly one unit; Consumption has no capacity.
* VNet injection (``virtualNetworkType`` External/Internal) only in the Developer and Premium tiers,
  into a subnet that exists, has a network security group (stv2 needs one for its load balancer:
  Microsoft Learn, "Virtual network configuration reference") and is not delegated.
* ``publicNetworkAccess: Disabled`` is refused at creation ("Blocking all public network access ...
  is not enabled during service creation") and later without an approved private endpoint
  connection ("Disabling all publicNetworkAccess ... is not supported if the service does not
  atleast one approved Private Endpoint Connections"), both ``NotSupported`` (400), as Azure answers
  (Azure/azure-rest-api-specs#24947, hashicorp/terraform-provider-azurerm#21506).
* Server-side fields: gateway, portal and management URLs, the private VIP in internal mode, the
  platform version (stv2).
* Soft delete: a deleted service keeps its name for 48 hours under
  ``locations/{loc}/deletedservices/{name}`` (``ServiceAlreadyExistsInSoftDeletedState`` on a new
  service of that name) until ``restore: true`` brings it back with its APIs, or a purge frees it.
* Children: a backend needs a URL and protocol; an API a path no other API of the service uses; an
  operation a method and URL template; a policy well-formed XML whose root is ``<policies>``, and a
  ``set-backend-service backend-id`` naming a backend that exists (``ValidationError`` [unconfirmed
  wording]).
"""

from __future__ import annotations

import ipaddress
import re
import xml.etree.ElementTree as ET
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import local, props, ref, require, stable_guid
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, DeleteMode, PutMode, TypeSpec, sync

SERVICE = "microsoft.apimanagement/service"
BACKEND = "microsoft.apimanagement/service/backends"
API = "microsoft.apimanagement/service/apis"
OPERATION = "microsoft.apimanagement/service/apis/operations"
POLICY = "microsoft.apimanagement/service/apis/policies"
LOGGER = "microsoft.apimanagement/service/loggers"
DIAGNOSTIC = "microsoft.apimanagement/service/diagnostics"
PRIVATE_ENDPOINT = "microsoft.network/privateendpoints"
DELETED = "microsoft.apimanagement/locations/deletedservices"
CHILD_TYPES = (BACKEND, API, OPERATION, POLICY, LOGGER, DIAGNOSTIC)
LOGGER_TYPES = {"applicationinsights", "azureeventhub", "azuremonitor"}
#: Service-wide diagnostics Azure knows by these names only [unconfirmed: the REST reference's examples
#: and the portal use exactly these two identifiers].
DIAGNOSTIC_NAMES = {"applicationinsights", "azuremonitor"}
VERBOSITIES = {"verbose", "information", "error"}

_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$")
SKUS = {"developer", "basic", "standard", "premium", "consumption", "isolated", "basicv2", "standardv2",
        "premiumv2"}
INJECTABLE = {"developer", "premium", "premiumv2"}
#: scale units per region (Microsoft Learn, "API Management limits")
MAX_UNITS = {"developer": 1, "basic": 2, "standard": 4, "premium": 12, "basicv2": 10, "standardv2": 10}
METHODS = {"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}


def _validate_service(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                      parent_body: dict[str, Any] | None) -> None:
    name = rp.name
    if not _NAME.match(name):
        raise errors.bad_request("InvalidParameters", f"Service name '{name}' is invalid: 1 to 50 letters, digits "
                                 "and '-', starting with a letter and ending with a letter or digit.", target=name)
    deleted = _deleted(ctx, name)
    if existing is None and props(body).get("restore") is True:
        if deleted is None:  # [unconfirmed] code: Azure refuses restore: true without a deleted service
            raise errors.bad_request("ServiceNotFound", f"There is no soft-deleted service {name} to restore.")
        return  # a restore ignores every other property (Microsoft Learn, API Management soft-delete)
    if existing is None and deleted is not None:
        raise errors.ArmError(
            409, "ServiceAlreadyExistsInSoftDeletedState",
            f"Api service {name} was soft-deleted. In order to create the new service with the same name, you have "
            "to either undelete the service or purge it", target=name)
    for other in ctx.store.of_type(SERVICE):
        if other.key != id_key(rp.id) and str(other.body.get("name", "")).lower() == name.lower():
            raise errors.ArmError(409, "ServiceAlreadyExists",
                                  f"Api service already exists: {name}", target=name)
    sku = body.get("sku") or {}
    tier = str(sku.get("name") or "")
    if tier.lower() not in SKUS:
        raise errors.bad_request("InvalidParameters", f"Sku '{tier}' is not valid for API Management.", "sku.name")
    capacity = sku.get("capacity")
    if tier.lower() == "developer" and capacity not in (None, 1):
        raise errors.bad_request("InvalidParameters", "The Developer tier supports exactly 1 unit of capacity.",
                                 "sku.capacity")
    most = MAX_UNITS.get(tier.lower())
    if most is not None and isinstance(capacity, int) and capacity > most:  # [unconfirmed] code and wording
        raise errors.bad_request("InvalidParameters", f"The {tier} tier supports at most {most} units of capacity "
                                 "in a region.", "sku.capacity")
    p = props(body)
    if not p.get("publisherEmail") or not p.get("publisherName"):
        raise errors.bad_request("ValidationError", "properties.publisherEmail and properties.publisherName are "
                                 "required.")
    _check_network(ctx, rp, body, tier)
    mode = str(p.get("virtualNetworkType") or "None").lower()
    if mode != "none" and tier.lower() != "premiumv2" and _approved_private_endpoint(ctx, rp.id):
        raise errors.bad_request(  # [unconfirmed] code: the documented limitation, the other way round
            "NotSupported", f"API Management service {rp.id} has private endpoint connections and cannot be "
            f"injected into a virtual network ({mode}); remove them first.")
    access = str(p.get("publicNetworkAccess") or "Enabled")
    if access.lower() == "disabled":
        if existing is None:
            raise errors.bad_request(
                "NotSupported",
                f"Blocking all public network access by setting property `publicNetworkAccess` of API Management "
                f"service {rp.id} is not enabled during service creation.")
        if not _approved_private_endpoint(ctx, rp.id):
            raise errors.bad_request(
                "NotSupported",
                f"Disabling all `publicNetworkAccess` for service: {rp.id} is not supported if the service does not "
                "atleast one approved Private Endpoint Connections.")


def _check_network(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], tier: str) -> None:
    p = props(body)
    mode = str(p.get("virtualNetworkType") or "None")
    if mode.lower() == "none":
        return
    if mode.lower() not in ("internal", "external"):
        raise errors.bad_request("InvalidParameters", f"virtualNetworkType '{mode}' is not None, External or "
                                 "Internal.", "properties.virtualNetworkType")
    if tier.lower() not in INJECTABLE:  # [unconfirmed] code and wording
        raise errors.bad_request(
            "InvalidParameters",
            f"Virtual network injection ({mode}) is not supported in the {tier} tier: use Developer or Premium.",
            "properties.virtualNetworkType")
    subnet_id = str((p.get("virtualNetworkConfiguration") or {}).get("subnetResourceId") or "")
    if not subnet_id:
        raise errors.bad_request("InvalidParameters", "virtualNetworkConfiguration.subnetResourceId is required "
                                 f"in {mode} mode.", "properties.virtualNetworkConfiguration")
    if not local(ctx, subnet_id):
        return
    subnet = ctx.store.get(id_key(subnet_id))
    if subnet is None:
        raise errors.bad_request("InvalidParameters", f"Subnet {subnet_id} was not found.",
                                 "properties.virtualNetworkConfiguration.subnetResourceId")
    sp = props(subnet.body)
    if not ref(sp.get("networkSecurityGroup")):
        raise errors.bad_request(
            "InvalidParameters",
            f"Subnet {subnet_id} has no Network Security Group. API Management in a virtual network needs one "
            "on its subnet with the documented inbound and outbound rules.")
    if sp.get("delegations") and tier.lower() != "premiumv2":
        raise errors.bad_request("InvalidParameters",
                                 f"Subnet {subnet_id} is delegated to another service; API Management needs a "
                                 "subnet of its own.")


#: tiers that take an inbound private endpoint (Microsoft Learn, "Feature-based comparison of the
#: Azure API Management tiers")
ENDPOINT_TIERS = {"developer", "basic", "standard", "premium", "standardv2", "premiumv2"}


def check_private_endpoint(target: Resource, group_ids: list[str]) -> None:
    """What API Management refuses of an inbound private endpoint to it (called by
    :mod:`lzengine.emulator.rp_private_endpoints`): a group other than ``Gateway`` (the only
    endpoint it offers inbound; ``NotSupported`` with this wording, as
    hashicorp/terraform-provider-azurerm#30296 quotes Azure), a tier without inbound endpoints, and a
    classic instance injected into a virtual network (Microsoft Learn, "Connect privately to API
    Management using an inbound private endpoint", limitations) [unconfirmed code for the last two]."""
    if [g.lower() for g in group_ids] != ["gateway"]:
        raise errors.bad_request(
            "NotSupported", f"Call to Microsoft.ApiManagement/service failed. Error message: Setting up Private "
            f"Endpoint Connection for API Management service {target.id} with Private Endpoint Connection "
            f"groupId(s) {','.join(group_ids)} is not supported. Please refer to https://aka.ms/apim-private-link "
            "on more details.")
    tier = str((target.body.get("sku") or {}).get("name") or "").lower()
    mode = str(props(target.body).get("virtualNetworkType") or "None").lower()
    if tier not in ENDPOINT_TIERS or (mode != "none" and tier != "premiumv2"):
        why = f"the {tier} tier" if tier not in ENDPOINT_TIERS else \
            f"an instance injected into a virtual network ({mode})"
        raise errors.bad_request("NotSupported", f"Private Endpoint Connections are not supported for {why}: "
                                 f"API Management service {target.id}.")


def _approved_private_endpoint(ctx: ProviderContext, service_id: str) -> bool:
    for pe in ctx.store.of_type(PRIVATE_ENDPOINT):
        for conn in props(pe.body).get("privateLinkServiceConnections") or []:
            cp = conn.get("properties") or {}
            if str(cp.get("privateLinkServiceId") or "").lower() == service_id.lower():
                return True
    return False


def _render_service(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
    """The service's side of its inbound private endpoints: ``properties.privateEndpointConnections``."""
    connections = []
    for pe in ctx.store.of_type(PRIVATE_ENDPOINT):
        for conn in props(pe.body).get("privateLinkServiceConnections") or []:
            cp = conn.get("properties") or {}
            if id_key(str(cp.get("privateLinkServiceId") or "")) != res.key:
                continue
            name = f"{pe.body.get('name')}.{stable_guid('pec', pe.id)}"
            connections.append({
                "id": f"{res.id}/privateEndpointConnections/{name}", "name": name,
                "type": "Microsoft.ApiManagement/service/privateEndpointConnections",
                "properties": {"privateEndpoint": {"id": pe.id}, "groupIds": cp.get("groupIds") or [],
                               "privateLinkServiceConnectionState": cp.get("privateLinkServiceConnectionState"),
                               "provisioningState": "Succeeded"}})  # fmt: skip
    if isinstance(body.get("properties"), dict):
        body["properties"]["privateEndpointConnections"] = connections or None


def _deleted(ctx: ProviderContext, name: str) -> Resource | None:
    """The soft-deleted service holding ``name`` (names are global), if any."""
    return next((d for d in ctx.store.of_type(DELETED) if str(d.body.get("name", "")).lower() == name.lower()), None)


def _before_delete(ctx: ProviderContext, res: Resource) -> None:
    """Remember the service's APIs, backends and policies: a soft-deleted service keeps them."""
    res.extra["children"] = [{"id": c.id, "type": c.type, "body": dict(c.body)} for c in ctx.store.all()
                             if c.key.startswith(res.key + "/") and c.type.lower() in CHILD_TYPES]


def _soft_delete(ctx: ProviderContext, res: Resource) -> None:
    """A deleted service is kept 48 hours under ``locations/{loc}/deletedservices/{name}``, holding its
    name, until it is restored (``restore: true``) or purged (Microsoft Learn, API Management soft-delete;
    the name conflict is ``ServiceAlreadyExistsInSoftDeletedState``, hashicorp/terraform-provider-azurerm#11061)."""
    parts = res.id.split("/")
    location = str(res.body.get("location") or "").replace(" ", "").lower()
    name = str(res.body.get("name"))
    deleted_id = (f"/subscriptions/{parts[2]}/providers/Microsoft.ApiManagement/locations/{location}"
                  f"/deletedservices/{name}")
    body = {"id": deleted_id, "name": name, "type": "Microsoft.ApiManagement/deletedservices", "location": location,
            "properties": {"serviceId": res.id, "deletionDate": "2026-01-01T00:00:00Z",
                           "scheduledPurgeDate": "2026-01-03T00:00:00Z"}}
    ctx.store.put(Resource(id=deleted_id, type="Microsoft.ApiManagement/locations/deletedservices", body=body,
                           root_key=id_key(deleted_id),
                           extra={"service": dict(res.body), "children": res.extra.get("children") or []}))


def _after_service(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                   op: Any, state: str) -> None:
    p = res.body.setdefault("properties", {})
    if p.pop("restore", None) is True and existing is None:
        deleted = _deleted(ctx, rp.name)
        if deleted is not None:
            kept = deleted.extra.get("service") or {}
            for key in ("sku", "identity", "properties", "tags", "zones"):
                if key in kept:
                    res.body[key] = kept[key]
            p = res.body.setdefault("properties", {})
            for child in deleted.extra.get("children") or []:
                ctx.store.put(Resource(id=child["id"], type=child["type"], body=dict(child["body"]), root_key=res.key))
            ctx.store.remove(deleted.key)
    name = rp.name.lower()
    p["gatewayUrl"] = f"https://{name}.azure-api.net"
    p["portalUrl"] = f"https://{name}.portal.azure-api.net"
    p["developerPortalUrl"] = f"https://{name}.developer.azure-api.net"
    p["managementApiUrl"] = f"https://{name}.management.azure-api.net"
    p["scmUrl"] = f"https://{name}.scm.azure-api.net"
    p["platformVersion"] = "stv2"
    p.setdefault("publicNetworkAccess", "Enabled")
    p.setdefault("virtualNetworkType", "None")
    p["privateIPAddresses"] = None
    # an injected instance has a private address in its subnet in either mode (internal: the only
    # one; external: beside its public VIP) [unconfirmed for external]
    if str(p["virtualNetworkType"]).lower() in ("internal", "external"):
        subnet = ctx.store.get(id_key(str((p.get("virtualNetworkConfiguration") or {}).get("subnetResourceId"))))
        prefix = str(props(subnet.body).get("addressPrefix") or "") if subnet is not None else ""
        if prefix:
            network = ipaddress.ip_network(prefix, strict=False)
            p["privateIPAddresses"] = [str(network.network_address + 4)]  # the first usable address
    p["createdAtUtc"] = (props(existing.body).get("createdAtUtc") if existing else None) or "2026-01-01T00:00:00Z"


def _service_of(rp: ResourcePath) -> str:
    marker = "/providers/microsoft.apimanagement/service/"
    low = rp.id.lower()
    i = low.index(marker) + len(marker)
    return rp.id[: i + len(low[i:].split("/", 1)[0])]


def _validate_backend(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                      parent_body: dict[str, Any] | None) -> None:
    p = props(body)
    if not p.get("url") or str(p.get("protocol") or "").lower() not in ("http", "soap"):
        raise errors.bad_request("ValidationError", f"Backend '{rp.name}' needs a url and a protocol (http or soap).")


def _validate_api(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                  parent_body: dict[str, Any] | None) -> None:
    path = str(props(body).get("path") or "").strip("/").lower()
    if not props(body).get("displayName") or "path" not in props(body):
        raise errors.bad_request("ValidationError", f"API '{rp.name}' needs a displayName and a path.")
    for other in ctx.store.children(id_key(rp.parent_id), API):
        if other.key != id_key(rp.id) and str(props(other.body).get("path") or "").strip("/").lower() == path:
            raise errors.bad_request("ValidationError",
                                     f"Cannot create API '{rp.name}' with the same path '{path}' as API "
                                     f"'{other.body.get('name')}'.")


def _validate_operation(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                        parent_body: dict[str, Any] | None) -> None:
    p = props(body)
    if str(p.get("method") or "").upper() not in METHODS or not str(p.get("urlTemplate") or "").startswith("/"):
        raise errors.bad_request("ValidationError", f"Operation '{rp.name}' needs an HTTP method (or *) and a "
                                 "urlTemplate starting with '/'.")


def _validate_policy(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                     parent_body: dict[str, Any] | None) -> None:
    value = str(props(body).get("value") or "")
    try:
        root = ET.fromstring(value)
    except ET.ParseError as exc:
        raise errors.bad_request("ValidationError", f"The policy is not well-formed XML: {exc}.") from None
    if root.tag != "policies":
        raise errors.bad_request("ValidationError", "The policy document's root element must be 'policies'.")
    service_key = id_key(_service_of(rp))
    for element in root.iter("set-backend-service"):
        backend = element.get("backend-id")
        if backend and ctx.store.get(f"{service_key}/backends/{backend.lower()}") is None:
            raise errors.bad_request("ValidationError", f"Backend with id '{backend}' could not be found.")


def _validate_logger(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                     parent_body: dict[str, Any] | None) -> None:
    """A logger of a known type; an Application Insights logger needs credentials (a connection
    string or an instrumentation key) and a component that exists; ``identityClientId:
    SystemAssigned`` needs the service's system-assigned identity (Microsoft Learn, "Integrate Azure
    API Management with Application Insights", managed identity prerequisites) [unconfirmed codes]."""
    p = props(body)
    kind = str(p.get("loggerType") or "")
    if kind.lower() not in LOGGER_TYPES:
        raise errors.bad_request("ValidationError", f"Logger type '{kind}' is not applicationInsights, azureEventHub "
                                 "or azureMonitor.")
    if kind.lower() != "applicationinsights":
        return
    credentials = p.get("credentials") or {}
    if not (credentials.get("connectionString") or credentials.get("instrumentationKey")):
        raise errors.bad_request("ValidationError", f"Logger '{rp.name}' of type applicationInsights needs "
                                 "credentials.connectionString or credentials.instrumentationKey.")
    require(ctx, str(p.get("resourceId") or ""), rp.id)
    client = str(credentials.get("identityClientId") or "")
    service = ctx.store.get(id_key(_service_of(rp)))
    identity = str(((service.body.get("identity") or {}) if service else {}).get("type") or "")
    if client.lower() == "systemassigned" and "systemassigned" not in identity.lower():
        raise errors.bad_request("ValidationError", f"Logger '{rp.name}' authenticates with the service's "
                                 "system-assigned managed identity, which the service does not have.")


def _after_logger(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                  op: Any, state: str) -> None:
    """Azure keeps a logger's credentials in a hidden named value and answers a reference to it,
    ``{{Logger-Credentials--<id>}}``, never the value written (hashicorp/terraform-provider-azurerm:
    "intentionally masked"); ``identityClientId`` is returned as written."""
    credentials = props(res.body).get("credentials")
    if not isinstance(credentials, dict):
        return
    masked = "{{Logger-Credentials--" + stable_guid("logger", res.id).replace("-", "")[:24] + "}}"
    for key in ("connectionString", "instrumentationKey"):
        if credentials.get(key) and not str(credentials[key]).startswith("{{"):
            res.extra.setdefault("credentials", {})[key] = credentials[key]
            credentials[key] = masked


def _validate_diagnostic(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                         parent_body: dict[str, Any] | None) -> None:
    """A service diagnostic: a known identifier, a logger of this service, sampling 0 to 100 %,
    a known verbosity [unconfirmed codes]."""
    if rp.name.lower() not in DIAGNOSTIC_NAMES:
        raise errors.bad_request("ValidationError", f"Diagnostic '{rp.name}' is not one of applicationinsights, "
                                 "azuremonitor.")
    p = props(body)
    logger = str(p.get("loggerId") or "")
    # a full id or the service-relative "/loggers/<name>"
    name = logger.rstrip("/").rsplit("/", 1)[-1] if "/loggers/" in logger.lower() else ""
    if not logger or ctx.store.get(f"{id_key(_service_of(rp))}/loggers/{name.lower()}") is None:
        raise errors.bad_request("ValidationError", f"Logger '{logger}' of diagnostic '{rp.name}' was not found.")
    sampling = p.get("sampling") or {}
    percentage = sampling.get("percentage", 100)
    if not isinstance(percentage, (int, float)) or not 0 <= percentage <= 100:
        raise errors.bad_request("ValidationError", "sampling.percentage must be between 0 and 100.")
    verbosity = str(p.get("verbosity") or "information")
    if verbosity.lower() not in VERBOSITIES:
        raise errors.bad_request("ValidationError", f"verbosity '{verbosity}' is not verbose, information or error.")


HANDLERS: dict[str, Handler] = {
    SERVICE: Handler(validate=_validate_service, after_put=_after_service, before_delete=_before_delete,
                     on_removed=_soft_delete, render=_render_service),
    BACKEND: Handler(validate=_validate_backend),
    API: Handler(validate=_validate_api),
    OPERATION: Handler(validate=_validate_operation),
    POLICY: Handler(validate=_validate_policy),
    LOGGER: Handler(validate=_validate_logger, after_put=_after_logger),
    DIAGNOSTIC: Handler(validate=_validate_diagnostic),
}


# ---------------------------------------------------------------------------- registry rows
APIM_VERSIONS = (
    "2021-08-01", "2022-08-01", "2023-03-01-preview", "2023-05-01-preview", "2023-09-01-preview",
    "2024-05-01", "2024-06-01-preview",
)  # fmt: skip

#: A classic-tier service takes 30 to 45 minutes or more to create (API Management lab: "Expect
#: ~45-75 minutes") and infrastructure changes 15 minutes or more (Microsoft Learn, internal VNet
#: mode); its children are synchronous.
SPECS: list[TypeSpec] = [
    TypeSpec(
        type="Microsoft.ApiManagement/service",
        api_versions=APIM_VERSIONS,
        create=PutMode(201, "Activating"),
        update=PutMode(200, "Updating"),
        delete=DeleteMode(202, "Deleting", location_header=True),
        latency=(2700.0, 900.0, 900.0),
        etag="datetime-body",
        locations=SERVICE_REGIONS,
        normalize_location=True,
    ),
    sync("Microsoft.ApiManagement/service/backends", APIM_VERSIONS, create=PutMode(201), update=PutMode(200),
         state_field=False),
    # an API's DELETE is long-running in the SDK, which accepts 202 or 204 only
    sync("Microsoft.ApiManagement/service/apis", APIM_VERSIONS, create=PutMode(201), update=PutMode(200),
         delete=DeleteMode(204)),
    sync("Microsoft.ApiManagement/service/apis/operations", APIM_VERSIONS, create=PutMode(201), update=PutMode(200),
         state_field=False),
    sync("Microsoft.ApiManagement/service/apis/policies", APIM_VERSIONS, create=PutMode(201), update=PutMode(200),
         state_field=False),
    sync("Microsoft.ApiManagement/service/loggers", APIM_VERSIONS, create=PutMode(201), update=PutMode(200),
         state_field=False),
    sync("Microsoft.ApiManagement/service/diagnostics", APIM_VERSIONS, create=PutMode(201), update=PutMode(200),
         state_field=False),
    # soft-deleted services; DELETE purges one (its SDK poller accepts 200, 202 or 204)
    sync("Microsoft.ApiManagement/locations/deletedservices", APIM_VERSIONS, delete=DeleteMode(200), listed=False),
]
NAMESPACE_DEFAULTS = {"microsoft.apimanagement": sync("Microsoft.ApiManagement/*", APIM_VERSIONS)}
