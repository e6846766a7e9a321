"""Microsoft.Resources: resource groups and template deployments.

Registry rows (``SPECS``) of the Resources provider, collected by :mod:`lzengine.emulator.registry`.
A resource group is deleted through an operation that removes everything in it; its api-versions
are also what the subscription-level routes (``/resources``, ``/providers``) accept.
"""

from __future__ import annotations

from lzengine.emulator.handlers import Handler
from lzengine.emulator.typespec import REGIONS, DeleteMode, PutMode, TypeSpec, sync

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
]
NAMESPACE_DEFAULTS = {"microsoft.resources": sync("Microsoft.Resources/*", RESOURCES_VERSIONS)}
HANDLERS: dict[str, Handler] = {}
