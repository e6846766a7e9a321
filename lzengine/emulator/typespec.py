"""The shape of a registry row: how one resource type speaks the ARM protocol, as data.

A leaf of the emulator's import graph. Each provider module (``rp_network.py``, ``rp_cognitive.py``
..., ``governance.py``) declares its types' rows as :class:`TypeSpec` values in its ``SPECS`` list,
next to its ``HANDLERS``; :mod:`lzengine.emulator.registry` collects them. The constructors below
(:func:`sync`) and the providers' own (``rp_network.network``) fill the defaults a provider family
shares, so a row states only what differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lzengine.emulator import locations

API_VERSION_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9.]+)?$")

@dataclass(frozen=True)
class PutMode:
    """How a PUT answers.

    ``transient`` is the provisioningState shown while the operation runs; ``None`` means the PUT
    is synchronous (the body already shows the success state and no operation is created).
    """

    status: int
    transient: str | None = None
    async_header: bool = False
    location_header: bool = False
    body: bool = True


@dataclass(frozen=True)
class DeleteMode:
    """How a DELETE answers; ``transient`` set means an LRO (202) that removes the resource later."""

    status: int
    transient: str | None = None
    async_header: bool = False
    location_header: bool = False
    absent_status: int = 204
    body: bool = False


@dataclass(frozen=True)
class InlineChildren:
    """A parent property that mirrors a child collection (``properties.subnets`` of a VNet).

    ``preserve_since``: api-version from which a PUT that omits the property keeps the children
    (``""`` = always keep); ``None`` means an omitted property removes them all.
    """

    prop: str
    child: str
    preserve_since: str | None = None


@dataclass(frozen=True)
class TypeSpec:
    """Behaviour of one resource type. ``type`` is the canonical full type name."""

    type: str
    api_versions: tuple[str, ...]
    create: PutMode
    update: PutMode
    delete: DeleteMode
    latency: tuple[float, float, float] = (0.0, 0.0, 0.0)  # create, update, delete (unscaled s)
    success_state: str = "Succeeded"
    etag: str | None = None  # "network" | "datetime-header" | "datetime-body" | "guid"
    conflict_code: str = "Conflict"
    conflict_status: int = 409
    lock: str = "root"  # "root": one writer for the whole family; "self": per resource
    locations: tuple[str, ...] | None = None
    normalize_location: bool = False
    inline: tuple[InlineChildren, ...] = ()
    extra_status: dict[str, str] = field(default_factory=dict)  # e.g. Search ``status``
    listed: bool = True  # False for proxy/extension types the generic /resources list omits
    state_field: bool = True  # False for types whose body has no provisioningState (policy, roles...)
    rbac_type: str | None = None  # the type RBAC actions name, when it is not ``type`` (resource groups)
    list_filter: bool = False  # list answers apply OData ``$filter`` (tagName/tagValue...; resource groups)
    subscription_operations: bool = False  # operations at ``/subscriptions/{s}/operationresults`` (resource groups)
    location_changed_code: str = "InvalidResourceLocation"  # 409 code of a PUT naming another region
    policy_type: str | None = None  # the type Azure Policy sees, when it is not ``type`` (resource groups)
    policy_exempt: bool = False  # writes are not evaluated by Azure Policy (policy and role objects)
    compliance_scan: bool = True  # False: the periodic compliance scan skips it (record sets, soft-deleted...)
    bare_operation_status: bool = False  # the Azure-AsyncOperation answer is ``{"status"}`` only (Network)

    @property
    def lower(self) -> str:
        return self.type.lower()

    @property
    def namespace(self) -> str:
        return self.type.split("/", 1)[0]

    @property
    def is_lro_put(self) -> bool:
        return self.create.transient is not None or self.update.transient is not None


#: every public region (networking, identities, resource groups); see :mod:`lzengine.emulator.locations`
REGIONS: tuple[str, ...] = locations.ALL
#: regions where the platform services are offered (restricted-access regions left out)
SERVICE_REGIONS: tuple[str, ...] = locations.SERVICES
GENERIC_VERSIONS: tuple[str, ...] = ()  # empty: any well-formed api-version is accepted

SYNC_CREATE = PutMode(201)
SYNC_UPDATE = PutMode(200)
SYNC_DELETE = DeleteMode(200)


def sync(type_: str, versions: tuple[str, ...], **kw: object) -> TypeSpec:
    """A synchronous type: PUT answers 201/200 with the final body, DELETE 200, one lock per resource."""
    spec = TypeSpec(
        type=type_, api_versions=versions, create=SYNC_CREATE, update=SYNC_UPDATE, delete=SYNC_DELETE,
        lock="self",
    )
    return replace(spec, **kw)  # type: ignore[arg-type]


def api_version_at_least(api_version: str, floor: str) -> bool:
    """Compare the date parts of two api-versions (previews compare by their date)."""
    return api_version[:10] >= floor[:10]
