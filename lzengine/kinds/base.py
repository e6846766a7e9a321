"""``ResourceKind``: everything lzengine knows about one ARM resource type, as data.

Who uses it: the compiler picks a kind for every node; the adapter reads ``client``,
``operations``, ``get``/``put``/``delete`` and ``id_args`` to call the typed SDK operation; the
diff reads ``ignore_paths``, ``case_insensitive_paths`` and ``replace_on``; the executor reads
``serialize_on`` and ``deadline_s``. Service modules (``kinds/network.py`` ...) declare instances
and never import each other; nothing here imports an Azure SDK (clients are named as strings
and resolved lazily by the adapter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Serialize writes on the node's parent resource (subnets of one VNet, ...).
PARENT = "parent"


@dataclass(frozen=True)
class Repair:
    """A live state a resource must be in that no body field can express, and the write that
    restores it: e.g. a peering whose remote VNet's address space changed stays
    ``RemoteNotInSync`` until it is PUT again with ``syncRemoteAddressSpace=true``."""

    path: str  # dotted path of the live state, e.g. "properties.peeringSyncLevel"
    healthy: str  # the value that needs nothing, e.g. "FullyInSync"
    write_options: tuple[tuple[str, str], ...]  # SDK keyword arguments of the restoring write
    reason: str
    #: desired-body paths that state what the live resource must show but that only the
    #: restoring write can bring about (the compiler fills them with references to another
    #: resource's live value): compared like any field, a difference triggers this repair's
    #: write, and they are never sent
    expects: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceKind:
    """One resource type.

    ``id_args`` names, in order, the id segments whose names are the SDK operation's positional
    arguments: ``("resourceGroups", "virtualNetworks", "subnets")`` makes
    ``subnets.get(rg, vnet, subnet)``. ``api_version`` is passed per call when set (the network
    package ignores a constructor value).
    """

    name: str
    arm_type: str
    client: str  # "package.module:ClientClass"
    operations: str  # operation group attribute on the client
    id_args: tuple[str, ...]
    get: str = "get"
    put: str = "begin_create_or_update"
    delete: str = "begin_delete"
    api_version: str | None = None
    supports_tags: bool = True
    has_location: bool = True
    #: dotted paths whose live value is never compared (server-computed, platform-managed)
    ignore_paths: tuple[str, ...] = ()
    #: dotted paths compared case-insensitively (enums); ids and locations always are
    case_insensitive_paths: tuple[str, ...] = ()
    #: dotted paths whose change needs delete-then-create
    replace_on: tuple[str, ...] = ()
    #: writes that share a key run one at a time: PARENT keys on the parent id (subnets of one
    #: VNet); a dotted body path keys on that value (private endpoints per subnet:
    #: "properties.subnet.id"); None: no serialization
    serialize_on: str | None = None
    #: how long converging one resource may take, retries and LRO included
    deadline_s: float = 30 * 60
    #: how long a create typically takes in Azure (reference durations); the executor starts the
    #: ready resources with the longest expected path to the end of the graph first
    expected_s: float = 10.0
    #: True: the operations take the whole ARM id as their one positional argument, before the
    #: body: ``get_by_id(id, api_version=...)``, ``begin_create_or_update_by_id(id, body,
    #: api_version=...)``, ``begin_delete_by_id(id, api_version=...)`` (generic resources client;
    #: ``id_args`` is empty). Used for diagnostic settings and raw resources.
    by_id: bool = False
    #: True: an extension resource at a scope. The first positional argument is the scope, the
    #: ARM id up to (not including) its last ``/providers/`` segment, without the leading '/'
    #: (``subscriptions/{s}/resourceGroups/{rg}``); then the names of ``id_args`` segments:
    #: ``policy_assignments.create(scope, name, body)``, ``role_assignments.get(scope, name)``.
    scope_arg: bool = False
    #: the operation group's methods (get, put, delete) for a resource that lives at a management
    #: group (``/providers/Microsoft.Management/managementGroups/{group}/providers/...``), called with
    #: the group's id, then the names of ``id_args``: ``policy_definitions.
    #: create_or_update_at_management_group(group, name, body)``
    at_management_group: tuple[str, str, str] | None = None
    #: soft-deleted resources: the operation group and method that purge one, and its positional
    #: arguments ("location" is the resource's region; other entries name id segments), e.g.
    #: ``deleted_accounts.begin_purge(location, resource_group, account)``
    purge: tuple[str, str, tuple[str, ...]] | None = None
    #: ARM codes with which Azure refuses a purge for now (Key Vault under purge protection): the
    #: deletion is reported with when Azure purges it itself, not as a failure
    purge_refused: tuple[str, ...] = ()
    #: how to read the soft-deleted copy, like ``purge``, and the dotted path of its scheduled
    #: purge date in that body: ("vaults", "get_deleted", ("vaults", "location"), "properties.scheduledPurgeDate")
    read_deleted: tuple[str, str, tuple[str, ...], str] | None = None
    #: a live state to restore with a special write (see Repair); the executor re-reads such a
    #: resource when something it depends on was written in the same run
    repair: Repair | None = None
    #: keyword arguments every DELETE of the kind passes (API Management's child deletes take a
    #: required ``if_match``: ``(("if_match", "*"),)`` deletes whatever version is there)
    delete_options: tuple[tuple[str, str], ...] = ()
    #: True: a resource someone else owns that the plan only reads (an existing hub's VNet,
    #: firewall, DNS zones, workspace): observed, never created, updated or deleted
    read_only: bool = False
    #: dotted body paths sent only when the resource is created (a request flag such as Key
    #: Vault's ``properties.createMode: recover``, which Azure refuses on a vault that exists);
    #: never compared, and left out of every other write
    create_only: tuple[str, ...] = ()
    #: dotted body paths the adapter fills with the subscription's Entra tenant id when the body
    #: leaves them out (Key Vault's ``properties.tenantId``): the plan need not know the tenant
    tenant_paths: tuple[str, ...] = ()
    #: True: a later write of a resource another node creates, for what Azure accepts only once
    #: something else exists (API Management's ``publicNetworkAccess: Disabled`` needs an approved
    #: private endpoint, which needs the service). Compared and written like any node (the write is
    #: the resource's whole body); never deleted on its own (destroy removes the resource through
    #: the node that creates it), and not the type's kind for lookups by type
    setting: bool = False
    #: True: ARM has no DELETE for the type; the resource goes when its parent is deleted (a Key
    #: Vault secret written through ARM: its REST spec declares PUT, PATCH and GET only).
    #: ``destroy`` leaves it to its parent's deletion.
    deleted_with_parent: bool = False
    #: optional hooks, e.g. {"before_put": fn(body) -> body}
    hooks: dict[str, Callable[..., Any]] = field(default_factory=dict)

    @property
    def is_lro_put(self) -> bool:
        return self.put.startswith("begin_")

    @property
    def is_lro_delete(self) -> bool:
        return self.delete.startswith("begin_")


#: The generic by-id operations of azure-mgmt-resource (``resources.get_by_id(id, api_version=...)``
#: ...): for a type no typed SDK package serves, or whose typed client needs arguments its id does
#: not name as segments.
BY_ID_CLIENT = "azure.mgmt.resource.resources:ResourceManagementClient"


def by_id_kind(name: str, arm_type: str, api_version: str, **facts: Any) -> ResourceKind:
    """A kind read and written through the generic by-id operations; ``facts`` are the other
    :class:`ResourceKind` fields (ignored paths, tags, deadlines ...)."""
    return ResourceKind(name=name, arm_type=arm_type, client=BY_ID_CLIENT, operations="resources", id_args=(),
                        get="get_by_id", put="begin_create_or_update_by_id", delete="begin_delete_by_id",
                        api_version=api_version, by_id=True, **facts)
