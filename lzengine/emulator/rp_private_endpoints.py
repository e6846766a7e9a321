"""Microsoft.Network private endpoints and their private DNS zone groups.

Registry rows (``SPECS``) and behaviour (``HANDLERS``), collected by :mod:`lzengine.emulator.registry`
and called through :mod:`lzengine.emulator.hooks` with the backend lock held. A private endpoint gets
auto-approved connections, an auto-created NIC with an address from its subnet and
``customDnsConfigs``; a zone group writes A records into the private DNS zones
(:func:`lzengine.emulator.rp_privatedns.write_record`) and reports them. The target side
(``privateEndpointConnections`` of an AI account, search service or site) is
:func:`render_private_endpoint_connections`, used by those providers' render hooks.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import TYPE_CHECKING, Any

from lzengine.emulator import errors, rp_apim
from lzengine.emulator import rp_privatedns as privatedns
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import body_only, find, old_props, props, ref, require, stable_guid
from lzengine.emulator.rp_network import allocate_ip, network, subnet_prefixes, subnet_users
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import TypeSpec

if TYPE_CHECKING:
    from lzengine.emulator.lro import Operation

PE = "microsoft.network/privateendpoints"
ZONE_GROUP = "microsoft.network/privateendpoints/privatednszonegroups"
SITE = "microsoft.web/sites"
COGNITIVE = "microsoft.cognitiveservices/accounts"
SEARCH = "microsoft.search/searchservices"

SPECS: list[TypeSpec] = [
    network("Microsoft.Network/privateEndpoints", (30.0, 20.0, 20.0)),
    network("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", (10.0, 10.0, 10.0)),
]


def _validate_zone_group(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any],
                         existing: Resource | None, parent_body: dict[str, Any] | None) -> None:
    for cfg in props(body).get("privateDnsZoneConfigs") or []:
        require(ctx, str(props(cfg).get("privateDnsZoneId") or ""), rp.id)


#: what a private link target refuses of an endpoint to it: type → check(target, groupIds), raising
TARGET_CHECKS: dict[str, Any] = {"microsoft.apimanagement/service": rp_apim.check_private_endpoint}
#: private link targets that refuse a new endpoint while they are being provisioned: type → (code, service)
_BUSY_TARGET = {COGNITIVE: ("AccountProvisioningStateInvalid", "Microsoft.CognitiveServices/accounts")}


def _validate_private_endpoint(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any]) -> None:
    p = props(body)
    subnet_id = ref(p.get("subnet"))
    subnet = require(ctx, subnet_id, rp.id, location=str(body.get("location") or "") or None)
    if subnet is not None and subnet_users(ctx, subnet.key)["applicationGatewayIPConfigurations"]:
        raise errors.bad_request(
            "ApplicationGatewaySubnetCannotBeUsedByOtherResources",
            f"Subnet {subnet_id} is used by an application gateway and cannot hold private endpoint {rp.id}.")
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for conn in p.get(key) or []:
            target_id = str(props(conn).get("privateLinkServiceId") or "")
            target = require(ctx, target_id, rp.id)
            check = TARGET_CHECKS.get(target.type.lower()) if target is not None else None
            if check is not None and target is not None:
                check(target, [str(g) for g in props(conn).get("groupIds") or []])
            busy = _BUSY_TARGET.get(target.type.lower()) if target is not None else None
            state = str(props(target.body).get("provisioningState") or "Succeeded") if target else "Succeeded"
            if busy and target is not None and state.lower() not in ("succeeded", "failed", "canceled"):
                raise errors.ArmError(409, busy[0], f"Call to {busy[1]} failed. Error message: Account "
                                      f"{target.id} in state {state}.")
    for cfg in p.get("ipConfigurations") or []:
        ip = props(cfg).get("privateIPAddress")
        if ip and subnet is not None:
            nets = subnet_prefixes(props(subnet.body))
            try:
                addr = ipaddress.ip_address(str(ip))
            except ValueError:
                addr = None
            if addr is None or not any(addr in n for n in nets):  # code from Azure's ARM error-code table
                raise errors.bad_request(
                    "PrivateIPAddressNotInSubnet",
                    f"Private static IP address {ip} does not belong to the range of subnet {subnet_id}.")


def _after_pe(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
              op: Operation | None, state: str) -> None:
    res.body.setdefault("properties", {})
    _private_endpoint(ctx, rp, res, old_props(existing), state)


def _after_zone_group(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                      op: Operation | None, state: str) -> None:
    res.body.setdefault("properties", {})
    _zone_group(ctx, res, existing)


_ZONE_FOR_SUFFIX = {"vault.azure.net": "privatelink.vaultcore.azure.net"}


def _cognitive_fqdns(target: Resource, name: str, group_ids: list[str]) -> list[str]:
    sub = str(props(target.body).get("customSubDomainName") or name).lower()
    kind = str(target.body.get("kind") or "").lower()
    if kind == "openai":
        return [f"{sub}.openai.azure.com"]
    if kind == "aiservices":
        return [f"{sub}.cognitiveservices.azure.com", f"{sub}.openai.azure.com", f"{sub}.services.ai.azure.com"]
    return [f"{sub}.cognitiveservices.azure.com"]


def _suffixes(*suffixes: str) -> Any:
    return lambda target, name, group_ids: [f"{name}.{s}" for s in suffixes]


#: private link target type → host names a private endpoint to it resolves: f(target, name, groupIds)
TARGET_FQDNS: dict[str, Any] = {
    COGNITIVE: _cognitive_fqdns,
    SEARCH: _suffixes("search.windows.net"),
    SITE: _suffixes("azurewebsites.net", "scm.azurewebsites.net"),
    "microsoft.keyvault/vaults": _suffixes("vault.azure.net"),
    # API Management takes inbound endpoints for its gateway only: privatelink.azure-api.net
    "microsoft.apimanagement/service": _suffixes("azure-api.net"),
    "microsoft.storage/storageaccounts": lambda target, name, group_ids: [
        f"{name}.{g.lower()}.core.windows.net" for g in group_ids or ["blob"]],
}


def target_fqdns(ctx: ProviderContext, target_id: str, group_ids: list[str]) -> list[str]:
    """The host names a private endpoint to ``target_id`` resolves (for DNS records)."""
    target = find(ctx, target_id)
    if target is None:
        return []
    fqdns = TARGET_FQDNS.get(target.type.lower())
    name = target_id.rstrip("/").rsplit("/", 1)[-1].lower()
    return fqdns(target, name, group_ids) if fqdns else []


def _private_endpoint(ctx: ProviderContext, rp: ResourcePath, res: Resource, old: dict[str, Any],
                      state: str) -> None:
    """Auto-approved connections, an auto-created NIC with an address from the subnet."""
    p = res.body["properties"]
    fqdns: list[str] = []
    for key, status, desc in (("privateLinkServiceConnections", "Approved", "Auto-Approved"),
                              ("manualPrivateLinkServiceConnections", "Pending", "Awaiting approval")):
        conns = p.get(key)
        if conns is None:
            p[key] = []
            continue
        for i, conn in enumerate(conns):
            name = conn.get("name") or f"{res.body['name']}-connection-{i}"
            conn["name"] = name
            conn["id"] = f"{res.id}/{key}/{name}"
            conn.setdefault("type", f"Microsoft.Network/privateEndpoints/{key}")
            cp = conn.setdefault("properties", {})
            cp["privateLinkServiceConnectionState"] = {"status": status, "description": desc,
                                                       "actionsRequired": "None"}
            cp["provisioningState"] = state
            cp.setdefault("groupIds", [])
            fqdns += target_fqdns(ctx, str(cp.get("privateLinkServiceId") or ""), list(cp["groupIds"]))
    p.setdefault("applicationSecurityGroups", [])
    p.setdefault("ipConfigurations", [])
    subnet_id = ref(p.get("subnet"))
    nic_name = p.get("customNetworkInterfaceName") or f"{res.body['name']}.nic.{stable_guid('nic', res.id)}"
    nic_id = "/".join([rp.scope, "providers/Microsoft.Network/networkInterfaces", str(nic_name)])
    p["networkInterfaces"] = [{"id": nic_id}]
    nic = find(ctx, nic_id)
    ip = None
    if nic is not None:
        cfgs = props(nic.body).get("ipConfigurations") or []
        ip = props(cfgs[0]).get("privateIPAddress") if cfgs else None
    static = [props(c).get("privateIPAddress") for c in p["ipConfigurations"] if props(c).get("privateIPAddress")]
    if static:
        ip = static[0]
    if ip is None and find(ctx, subnet_id) is not None:
        ip = allocate_ip(ctx, subnet_id, res.id)
    p["customDnsConfigs"] = [{"fqdn": f, "ipAddresses": [ip]} for f in fqdns] if ip else []
    ipconfig_id = f"{nic_id}/ipConfigurations/privateEndpointIpConfig.{stable_guid('ipc', res.id)}"
    nic_body = {
        "id": nic_id, "name": nic_name, "type": "Microsoft.Network/networkInterfaces",
        "location": res.body.get("location"),
        "properties": {
            "provisioningState": "Succeeded",
            "privateEndpoint": {"id": res.id},
            "ipConfigurations": [{
                "name": ipconfig_id.rsplit("/", 1)[-1], "id": ipconfig_id,
                "type": "Microsoft.Network/networkInterfaces/ipConfigurations",
                "properties": {"provisioningState": "Succeeded", "privateIPAddress": ip,
                               "privateIPAllocationMethod": "Static" if static else "Dynamic",
                               "subnet": {"id": subnet_id}, "primary": True,
                               "privateIPAddressVersion": "IPv4",
                               "privateLinkConnectionProperties": {"fqdns": fqdns}},
            }],
            "dnsSettings": {"dnsServers": [], "appliedDnsServers": []},
            "enableIPForwarding": False,
            "nicType": "Standard",
        },
    }  # fmt: skip
    etag = nic.etag if nic is not None else f'W/"{uuid.uuid4()}"'
    ctx.store.put(Resource(id=nic_id, type="Microsoft.Network/networkInterfaces", body=nic_body,
                               root_key=id_key(nic_id), etag=etag))


def pe_ip(ctx: ProviderContext, pe: Resource) -> str | None:
    for nic_ref in props(pe.body).get("networkInterfaces") or []:
        nic = find(ctx, ref(nic_ref))
        for cfg in props(nic.body).get("ipConfigurations") or [] if nic else []:
            if props(cfg).get("privateIPAddress"):
                return str(props(cfg)["privateIPAddress"])
    return None


def _zone_records(ctx: ProviderContext, pe: Resource, zone_id: str) -> list[str]:
    """Record names a PE gets in a zone: the part of each target host name before the zone suffix."""
    zone_name = zone_id.rstrip("/").rsplit("/", 1)[-1].lower()
    names = []
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for conn in props(pe.body).get(key) or []:
            cp = props(conn)
            target_id = str(cp.get("privateLinkServiceId") or "")
            for fqdn in target_fqdns(ctx, target_id, list(cp.get("groupIds") or [])):
                host, _, suffix = fqdn.partition(".")
                if suffix.startswith("scm."):
                    host, suffix = f"{host}.scm", suffix[4:]
                wanted = _ZONE_FOR_SUFFIX.get(suffix, f"privatelink.{suffix}")
                if wanted == zone_name and host not in names:
                    names.append(host)
    return names


def _zone_group(ctx: ProviderContext, res: Resource, existing: Resource | None) -> None:
    p = res.body["properties"]
    pe = find(ctx, res.id.rsplit("/privateDnsZoneGroups/", 1)[0])
    ip = pe_ip(ctx, pe) if pe is not None else None
    written: list[str] = []
    for cfg in p.get("privateDnsZoneConfigs") or []:
        if not isinstance(cfg, dict):
            continue
        cp = cfg.setdefault("properties", {})
        zone_id = str(cp.get("privateDnsZoneId") or "")
        cfg.setdefault("name", zone_id.rsplit("/", 1)[-1].replace(".", "-"))
        cfg["id"] = f"{res.id}/privateDnsZoneConfigs/{cfg['name']}"
        zone = find(ctx, zone_id)
        records = []
        if pe is not None and ip and zone is not None:
            for name in _zone_records(ctx, pe, zone_id):
                creator = f"created by private endpoint {pe.body['name']} with resource guid {stable_guid('pe', pe.id)}"
                record = {"ttl": 10, "aRecords": [{"ipv4Address": ip}]}
                written.append(privatedns.write_record(ctx, zone.id, "A", name, record, {"creator": creator}))
                zone_name = zone.body["name"]
                records.append({"recordType": "A", "recordSetName": name, "fqdn": f"{name}.{zone_name}",
                                "ttl": 10, "ipAddresses": [ip], "provisioningState": "Succeeded"})
        cp["recordSets"] = records
    for key in (existing.extra.get("records") or []) if existing else []:
        if key not in written:
            ctx.store.remove(key)
    res.extra["records"] = written


def render_private_endpoint_connections(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
    """Render hook of a private link target (AI account, search service, site)."""
    if isinstance(body.get("properties"), dict):
        body["properties"]["privateEndpointConnections"] = private_endpoint_connections(ctx, res)


def private_endpoint_connections(ctx: ProviderContext, target: Resource) -> list[dict[str, Any]]:
    """The target side of private endpoints: ``properties.privateEndpointConnections``."""
    out = []
    collection = {SEARCH: "privateEndpointConnections"}.get(target.type.lower(), "privateEndpointConnections")
    for pe in ctx.store.of_type(PE):
        for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
            for conn in props(pe.body).get(key) or []:
                cp = props(conn)
                if id_key(str(cp.get("privateLinkServiceId") or "")) != target.key:
                    continue
                name = f"{pe.body['name']}.{stable_guid('pec', pe.id)}"
                out.append({
                    "id": f"{target.id}/{collection}/{name}", "name": name,
                    "type": f"{target.type}/{collection}",
                    "properties": {"privateEndpoint": {"id": pe.id}, "groupIds": cp.get("groupIds") or [],
                                   "privateLinkServiceConnectionState": cp.get("privateLinkServiceConnectionState"),
                                   "provisioningState": "Succeeded"},
                })  # fmt: skip
    return out


def _removed_pe(ctx: ProviderContext, res: Resource) -> None:
    for nic in props(res.body).get("networkInterfaces") or []:
        ctx.store.remove(id_key(ref(nic)))


def _removed_zone_group(ctx: ProviderContext, res: Resource) -> None:
    for key in res.extra.get("records") or []:
        ctx.store.remove(key)

HANDLERS: dict[str, Handler] = {
    PE: Handler(validate=body_only(_validate_private_endpoint), after_put=_after_pe, on_removed=_removed_pe),
    ZONE_GROUP: Handler(validate=_validate_zone_group, after_put=_after_zone_group, on_removed=_removed_zone_group),
}
