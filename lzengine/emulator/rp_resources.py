"""Microsoft.Resources: resource groups and template deployments.

Registry rows (``SPECS``) and behaviour (``HANDLERS``) of the Resources provider, collected by
:mod:`lzengine.emulator.registry`. Resource groups go through the same CRUD as every other type
(:mod:`lzengine.emulator.crud`, with :func:`lzengine.emulator.paths.resource_group_path`); what
differs is data in their row (a delete is an operation at ``/subscriptions/{s}/operationresults``
that removes everything in the group, a write to a group being deleted is
``ResourceGroupBeingDeleted``, another region is ``InvalidResourceGroupLocation``, RBAC names them
``Microsoft.Resources/subscriptions/resourceGroups``, lists take ``$filter``) and their handler
(the name rule, the body ARM keeps, ``ResourceGroupNotFound``). Their api-versions are also what
the subscription-level routes (``/resources``, ``/providers``) accept.
"""

from __future__ import annotations

from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import REGIONS, DeleteMode, PutMode, TypeSpec, sync

RESOURCES_NAMESPACE = "Microsoft.Resources"
RESOURCE_GROUP = "microsoft.resources/resourcegroups"
RESOURCES_VERSIONS = (
    "2015-11-01", "2016-02-01", "2016-09-01", "2017-05-10", "2018-05-01", "2019-05-01",
    "2019-07-01", "2019-10-01", "2020-06-01", "2020-10-01", "2021-01-01", "2021-04-01",
    "2022-09-01", "2022-12-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-03-01",
    "2025-04-01",
)  # fmt: skip

SPECS: list[TypeSpec] = [
    sync(
        "Microsoft.Resources/resourceGroups",
        RESOURCES_VERSIONS,
        delete=DeleteMode(202, "Deleting", location_header=True, absent_status=404),
        latency=(0.0, 0.0, 10.0),
        locations=REGIONS,
        conflict_code="ResourceGroupBeingDeleted",
        rbac_type="Microsoft.Resources/subscriptions/resourceGroups",
        list_filter=True,
        subscription_operations=True,
        location_changed_code="InvalidResourceGroupLocation",
        policy_type="Microsoft.Resources/subscriptions/resourceGroups",
    ),
    TypeSpec(
        type="Microsoft.Resources/deployments",
        api_versions=RESOURCES_VERSIONS,
        create=PutMode(201, "Accepted", async_header=True),
        update=PutMode(200, "Accepted", async_header=True),
        delete=DeleteMode(202, "Deleting", location_header=True),
        latency=(30.0, 30.0, 5.0),
        lock="self",
    ),
    # the generic ``/resources`` listings (a route, not a stored type): listed so the providers API shows it
    sync("Microsoft.Resources/resources", RESOURCES_VERSIONS, listed=False),
]
NAMESPACE_DEFAULTS = {"microsoft.resources": sync("Microsoft.Resources/*", RESOURCES_VERSIONS)}

#: what a resource group's body keeps of a PUT (ARM answers only these)
_GROUP_KEYS = ("id", "name", "type", "location", "tags", "managedBy", "properties")


def _valid_group_name(name: str) -> bool:
    if not name or len(name) > 90 or name.endswith("."):
        return False
    return all(c.isalnum() or c in "-_()." for c in name)


def _validate_group(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                    parent_body: dict[str, Any] | None) -> None:
    if not _valid_group_name(rp.name):
        raise errors.bad_request(
            "InvalidResourceGroupName",
            f"The provided resource group name '{rp.name}' has these invalid characters or is too long: the "
            "name may have up to 90 letters, digits, '-', '_', '(', ')' and '.', and must not end with '.'.",
            target=rp.name,
        )


def _after_group(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                 state: str) -> None:
    for key in [k for k in res.body if k not in _GROUP_KEYS]:
        del res.body[key]
    state_now = res.body.get("properties", {}).get("provisioningState", state)
    res.body["properties"] = {"provisioningState": state_now}


def _group_not_found(ctx: ProviderContext, rp: ResourcePath) -> errors.ArmError:
    return errors.resource_group_not_found(rp.name)


HANDLERS: dict[str, Handler] = {
    RESOURCE_GROUP: Handler(validate=_validate_group, after_put=_after_group, not_found=_group_not_found),
}
