"""Microsoft.OperationalInsights: Log Analytics workspaces.

Registry row (``SPECS``: created with body polling, deleted through an operation) and behaviour
(``HANDLERS``: a stable ``customerId``, SKU, retention and capping defaults), collected by
:mod:`lzengine.emulator.registry` and called through :mod:`lzengine.emulator.hooks` with the backend
lock held. Diagnostic settings and Application Insights components that point at a workspace are
:mod:`lzengine.emulator.rp_monitor`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath
from lzengine.emulator.rp_common import props, stable_guid
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, DeleteMode, PutMode, TypeSpec

WORKSPACE = "microsoft.operationalinsights/workspaces"
LOG_ANALYTICS_VERSIONS = (
    "2015-11-01-preview", "2020-03-01-preview", "2020-08-01", "2020-10-01", "2021-06-01",
    "2021-12-01-preview", "2022-10-01", "2023-09-01", "2025-02-01", "2025-07-01",
)  # fmt: skip

SPECS: list[TypeSpec] = [
    TypeSpec(
        type="Microsoft.OperationalInsights/workspaces",
        api_versions=LOG_ANALYTICS_VERSIONS,
        create=PutMode(201, "Creating"),
        update=PutMode(200, "Updating"),
        delete=DeleteMode(202, "Deleting", async_header=True, location_header=True),
        latency=(30.0, 5.0, 5.0),
        locations=SERVICE_REGIONS,
        lock="self",
    ),
]


def _after_workspace(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
        state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = props(existing.body) if existing else {}
    now = datetime.now(UTC)
    p["customerId"] = old.get("customerId") or stable_guid("law", res.id)
    p.setdefault("sku", {"name": "PerGB2018"})
    if isinstance(p["sku"], dict):
        p["sku"].setdefault("lastSkuUpdate", now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    p.setdefault("retentionInDays", 30)
    p.setdefault("features", {"legacy": 0, "searchVersion": 1, "enableLogAccessUsingOnlyResourcePermissions": True})
    capping = p.setdefault("workspaceCapping", {})
    if isinstance(capping, dict):
        capping.setdefault("dailyQuotaGb", -1.0)
        capping["quotaNextResetTime"] = (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:00:00Z")
        capping["dataIngestionStatus"] = "RespectQuota"
    p.setdefault("publicNetworkAccessForIngestion", "Enabled")
    p.setdefault("publicNetworkAccessForQuery", "Enabled")
    p["createdDate"] = old.get("createdDate") or now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    p["modifiedDate"] = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


HANDLERS: dict[str, Handler] = {
    WORKSPACE: Handler(after_put=_after_workspace),
}
