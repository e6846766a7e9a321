"""Microsoft.Network private DNS: zones, virtual network links and record sets.

Registry rows (``SPECS``: zones and links answer 202 with ``Location`` and ``Azure-AsyncOperation``,
record sets synchronously; GUID ETags) and behaviour (``HANDLERS``), collected by
:mod:`lzengine.emulator.registry` and called through :mod:`lzengine.emulator.hooks` with the backend
lock held. A new zone gets its SOA record; a zone renders its record and link counts; a virtual
network is linked to a zone at most once; ``GET {zone}/ALL`` lists every record set.
:func:`write_record` is also how private endpoint zone groups register their A records.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import old_props, props, ref, require, stable_guid
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import DeleteMode, PutMode, TypeSpec, sync

if TYPE_CHECKING:
    from lzengine.emulator.lro import Operation

ZONE = "microsoft.network/privatednszones"
ZONE_LINK = "microsoft.network/privatednszones/virtualnetworklinks"
RECORD_TYPES = ("a", "aaaa", "cname", "mx", "ptr", "soa", "srv", "txt")

PRIVATE_DNS_VERSIONS = ("2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01")


def _private_dns(type_: str, latency: tuple[float, float, float], **kw: object) -> TypeSpec:
    spec = TypeSpec(
        type=type_,
        api_versions=PRIVATE_DNS_VERSIONS,
        create=PutMode(202, "Creating", async_header=True, location_header=True, body=False),
        update=PutMode(202, "Updating", async_header=True, location_header=True, body=False),
        delete=DeleteMode(202, "Deleting", async_header=True, location_header=True),
        latency=latency,
        etag="guid",
        locations=("global",),
        bare_operation_status=True,
    )
    return replace(spec, **kw)  # type: ignore[arg-type]


SPECS: list[TypeSpec] = [
    _private_dns("Microsoft.Network/privateDnsZones", (30.0, 10.0, 30.0)),
    # links of one zone are written side by side in Azure (see lzengine/kinds/privatedns.py)
    _private_dns("Microsoft.Network/privateDnsZones/virtualNetworkLinks", (30.0, 30.0, 30.0), lock="self",
                 compliance_scan=False),
    *(sync(f"Microsoft.Network/privateDnsZones/{rt.upper()}", PRIVATE_DNS_VERSIONS, etag="guid", lock="root",
           compliance_scan=False) for rt in RECORD_TYPES),
    sync("Microsoft.Network/privateDnsZones/ALL", PRIVATE_DNS_VERSIONS, etag="guid", lock="root", listed=False,
         compliance_scan=False),
]


def _validate_zone_link_put(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any],
                            existing: Resource | None, parent_body: dict[str, Any] | None) -> None:
    _validate_zone_link(ctx, rp, props(body))


def _validate_zone_link(ctx: ProviderContext, rp: ResourcePath, p: dict[str, Any]) -> None:
    vnet_id = ref(p.get("virtualNetwork"))
    require(ctx, vnet_id, rp.id)
    for other in ctx.store.children(id_key(rp.parent_id), ZONE_LINK):
        if other.body["name"].lower() == rp.name.lower():
            continue
        if vnet_id and id_key(ref(props(other.body).get("virtualNetwork"))) == id_key(vnet_id):
            # 409 Conflict with this wording, as ansible-collections/azure#813 quotes Azure
            zone = rp.parent_id.rstrip("/").rsplit("/", 1)[-1]
            raise errors.ArmError(
                409, "Conflict", f"Private zone '{zone}' is already linked to the virtual network '{vnet_id}'.")


def _after_zone(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                op: Operation | None, state: str) -> None:
    p = res.body.setdefault("properties", {})
    p["internalId"] = old_props(existing).get("internalId") or stable_guid("zone", res.id)
    p["maxNumberOfRecordSets"] = 25000
    p["maxNumberOfVirtualNetworkLinks"] = 1000
    p["maxNumberOfVirtualNetworkLinksWithRegistration"] = 100
    if existing is None:
        write_record(ctx, res.id, "SOA", "@", {
            "ttl": 3600, "soaRecord": {"email": "azureprivatedns-host.microsoft.com", "expireTime": 2419200,
                                       "host": "azureprivatedns.net", "minimumTtl": 10, "refreshTime": 3600,
                                       "retryTime": 300, "serialNumber": 1}}, None)  # fmt: skip


def _after_zone_link(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                     op: Operation | None, state: str) -> None:
    p = res.body.setdefault("properties", {})
    p.setdefault("registrationEnabled", False)
    p.setdefault("resolutionPolicy", "Default")
    p["virtualNetworkLinkState"] = "Completed"


def _after_record(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                  op: Operation | None, state: str) -> None:
    p = res.body.setdefault("properties", {})
    zone_name, name = rp.names[0], rp.name
    p["fqdn"] = f"{zone_name}." if name == "@" else f"{name}.{zone_name}."
    p.setdefault("ttl", 3600)
    p["isAutoRegistered"] = False


def write_record(ctx: ProviderContext, zone_id: str, rtype: str, name: str, record_props: dict[str, Any],
                  metadata: dict[str, str] | None) -> str:
    rid = f"{zone_id}/{rtype}/{name}"
    zone_name = zone_id.rstrip("/").rsplit("/", 1)[-1]
    body = {
        "id": rid, "name": name, "type": f"Microsoft.Network/privateDnsZones/{rtype}",
        "properties": {**record_props, "fqdn": f"{zone_name}." if name == "@" else f"{name}.{zone_name}.",
                       "isAutoRegistered": False, "provisioningState": "Succeeded"},
    }  # fmt: skip
    if metadata:
        body["properties"]["metadata"] = metadata
    zone_key = id_key(zone_id)
    ctx.store.put(Resource(id=rid, type=f"Microsoft.Network/privateDnsZones/{rtype}", body=body,
                               root_key=zone_key, etag=str(uuid.uuid4())))
    return id_key(rid)


def _render_zone(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
    p = body.setdefault("properties", {})
    records = [c for rt in RECORD_TYPES for c in ctx.store.children(res.key, f"{ZONE}/{rt}")]
    links = ctx.store.children(res.key, ZONE_LINK)
    p["numberOfRecordSets"] = len(records)
    p["numberOfVirtualNetworkLinks"] = len(links)
    p["numberOfVirtualNetworkLinksWithRegistration"] = sum(
        1 for link in links if props(link.body).get("registrationEnabled"))


def _list_all_records(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]] | None:
    """``GET {zone}/ALL``: every record set of a private DNS zone."""
    zone_key = id_key(rp.parent_id)
    return [ctx.render(c) for rt in RECORD_TYPES for c in ctx.store.children(zone_key, f"{ZONE}/{rt}")]

HANDLERS: dict[str, Handler] = {
    ZONE: Handler(after_put=_after_zone, render=_render_zone),
    ZONE_LINK: Handler(validate=_validate_zone_link_put, after_put=_after_zone_link),
    f"{ZONE}/all": Handler(virtual_list=_list_all_records),
    **{f"{ZONE}/{rt}": Handler(after_put=_after_record) for rt in RECORD_TYPES},
}
