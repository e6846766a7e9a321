"""The registry of resource kinds: ``KINDS_BY_NAME`` and ``kind_for_type``.

Who uses it: the compiler (to attach a kind to each node) and the engine/adapter (to look a
kind up from a node). Each service module declares its kinds as data; this module only
collects them.
"""

from lzengine.kinds import (
    apim,
    authorization,
    cognitiveservices,
    compute,
    data_collection,
    existing,
    keyvault,
    monitoring,
    network,
    network_components,
    policy,
    privatedns,
    resources,
    search,
    storage,
    web,
)
from lzengine.kinds.base import PARENT, ResourceKind
from lzengine.kinds.generic import generic_kind

ALL_KINDS: tuple[ResourceKind, ...] = (
    *resources.KINDS,
    *network.KINDS,
    *network_components.KINDS,
    *privatedns.KINDS,
    *cognitiveservices.KINDS,
    *compute.KINDS,
    *search.KINDS,
    *web.KINDS,
    *monitoring.KINDS,
    *data_collection.KINDS,
    *authorization.KINDS,
    *policy.KINDS,
    *apim.KINDS,
    *keyvault.KINDS,
    *storage.KINDS,
)
#: by name, with the read-only kinds of an existing hub (``lzengine.kinds.existing``), which
#: share their ARM types with writable kinds and so stay out of ``ALL_KINDS`` and the type lookup
KINDS_BY_NAME: dict[str, ResourceKind] = {k.name: k for k in (*ALL_KINDS, *existing.KINDS)}
_BY_TYPE: dict[str, ResourceKind] = {k.arm_type.lower(): k for k in ALL_KINDS if not k.setting}


def kind_for_type(arm_type: str) -> ResourceKind | None:
    """The kind declared for an ARM type (case-insensitive), or None."""
    return _BY_TYPE.get(arm_type.lower())


__all__ = ["ALL_KINDS", "KINDS_BY_NAME", "PARENT", "ResourceKind", "generic_kind", "kind_for_type"]
