"""Kinds for raw resources (the plan's ``resources:`` escape hatch): any ARM type through the
generic by-id operations of azure-mgmt-resource, at the api-version the plan gives.

Who uses it: the compiler (one kind per raw resource type and api-version) and the adapter,
which reads ``by_id``: ``resources.get_by_id(id, api_version=...)``,
``begin_create_or_update_by_id(id, body, api_version=...)``, ``begin_delete_by_id(id, ...)``.
"""

from functools import cache

from lzengine.kinds.base import ResourceKind, by_id_kind


@cache
def generic_kind(arm_type: str, api_version: str) -> ResourceKind:
    """The kind of a raw resource of ``arm_type`` written at ``api_version``."""
    child = arm_type.count("/") > 1
    return by_id_kind(
        f"generic:{arm_type}@{api_version}", arm_type, api_version,
        supports_tags=not child,
        has_location=not child,
        ignore_paths=("etag", "properties.provisioningState"),
    )


KINDS: tuple[ResourceKind, ...] = ()
