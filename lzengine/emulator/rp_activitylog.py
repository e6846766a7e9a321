"""The Azure Activity Log (Microsoft.Insights ``eventtypes/management/values``): one event per
control-plane write, delete or action the emulator accepted or refused.

Registry rows (``SPECS``) and handlers (``HANDLERS``), collected by :mod:`lzengine.emulator.registry`.
:mod:`lzengine.emulator.app` calls :meth:`ActivityLog.record` after serving every PUT, PATCH,
DELETE and POST on a resource path; the log itself lives on the backend (``Backend.activity``) and
reaches the list handler through the request's view (``ctx.activity``).

What Azure does, and this module copies (Monitor REST API 2015-04-01, ``activityLogs_API.json``,
``ActivityLogs_List``):

- ``GET /subscriptions/{id}/providers/microsoft.insights/eventtypes/management/values`` lists the
  subscription's events, paged with ``nextLink``. Reading it needs
  ``Microsoft.Insights/eventtypes/values/read`` at the subscription (a role held only on resource
  groups answers 403).
- ``$filter`` is "very restricted": ``eventTimestamp ge '<t>'`` (required), optionally
  ``and eventTimestamp le '<t>'``, optionally one more clause of ``resourceGroupName``,
  ``resourceUri``, ``resourceProvider`` or ``correlationId`` with ``eq``; "no other syntax is
  allowed". Anything else, and a start more than 90 days back (the log keeps 90 days), is refused
  with 400 ``BadRequest`` ([unconfirmed]: the code of that refusal was not found in public material).
- ``$select`` is a comma-separated list of the event's top-level properties.
- An event has ``operationName`` ``<type>/write|delete|action``, ``resourceId``, ``eventTimestamp``
  (when ARM handled the request), ``submissionTimestamp`` (when it became queryable), ``status``,
  ``caller``, ``correlationId``, ``subscriptionId`` ...

Latency: an event becomes visible ``latency_s × time_scale`` seconds (on the emulator's clock)
after it happened; Azure documents 3 to 20 minutes ([unconfirmed] as a bound: it is the documented
typical range). The admin API (``PUT /_emulator/activitylog``) can set the delay in emulator-clock
seconds directly, so tests at time scale 0 can watch an event arrive late without sleeping.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import TENANT_ID, ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath
from lzengine.emulator.typespec import TypeSpec, sync

EVENTS = "microsoft.insights/eventtypes/values"
EVENT_TYPES = "microsoft.insights/eventtypes"
VERSIONS = ("2015-04-01",)
#: Azure keeps the Activity Log 90 days
RETENTION_S = 90 * 24 * 3600
#: Azure's documented latency (3 to 20 minutes); the default scales it with the time scale
DEFAULT_LATENCY_S = 300.0

SPECS: list[TypeSpec] = [
    sync("Microsoft.Insights/eventtypes", VERSIONS, listed=False, state_field=False, compliance_scan=False),
    sync("Microsoft.Insights/eventtypes/values", VERSIONS, listed=False, state_field=False,
         compliance_scan=False),
]

_TIME = r"'([0-9T:\.\-Z+]+)'"
_FILTER = re.compile(
    rf"^\s*eventTimestamp\s+ge\s+{_TIME}"
    rf"(?:\s+and\s+eventTimestamp\s+le\s+{_TIME})?"
    r"(?:\s+and\s+(resourceGroupName|resourceUri|resourceProvider|correlationId)\s+eq\s+'((?:[^']|'')*)')?\s*$",
    re.IGNORECASE,
)
SELECTABLE = ("authorization", "claims", "correlationId", "description", "eventDataId", "eventName",
              "eventTimestamp", "httpRequest", "level", "operationId", "operationName", "properties",
              "resourceGroupName", "resourceProviderName", "resourceId", "status", "submissionTimestamp",
              "subStatus", "subscriptionId")  # fmt: skip


def iso(seconds: float) -> str:
    """An ARM timestamp with 7 fractional digits."""
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def parse_time(text: str) -> float:
    """Seconds since the epoch of an ISO 8601 time (``Z`` or an offset; up to 7 fraction digits)."""
    value = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    head, dot, rest = value.partition(".")
    if dot:  # Python takes at most 6 fraction digits
        digits = re.match(r"\d*", rest).group(0)  # type: ignore[union-attr]
        value = f"{head}.{digits[:6]}{rest[len(digits):]}"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


@dataclass
class Event:
    at: float  # wall seconds on the emulator's clock
    visible_at: float
    body: dict[str, Any]


@dataclass
class ActivityLog:
    """Every subscription's events, oldest first. Callers hold the backend lock."""

    clock: Callable[[], float]
    time_scale: float = 1.0
    latency_s: float = DEFAULT_LATENCY_S
    #: set by the admin API: the delay in emulator-clock seconds, whatever the time scale
    delay_s: float | None = None
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        # the emulator's clock is monotonic (advanced by the admin API); its wall time starts at now
        self._epoch = time.time() - self.clock()

    def wall(self) -> float:
        """Seconds since the epoch on the emulator's clock (what its ``Date`` header says)."""
        return self._epoch + self.clock()

    def delay(self) -> float:
        return self.delay_s if self.delay_s is not None else self.latency_s * self.time_scale

    def record(self, *, subscription: str, resource_id: str, resource_group: str | None, full_type: str,
               verb: str, status_code: int, caller: str, correlation_id: str, client_request_id: str,
               method: str) -> None:
        """One request ARM handled: ``verb`` is write, delete or action."""
        now = self.wall()
        visible = now + self.delay()
        event_id = str(uuid.uuid4())
        failed = status_code >= 400
        status = "Failed" if failed else "Accepted" if status_code == 202 else "Succeeded"
        operation = f"{full_type}/{verb}"
        namespace = full_type.split("/", 1)[0]
        ticks = int(now * 10_000_000) + 621355968000000000  # .NET ticks, as Azure's event ids carry
        self.events.append(Event(now, visible, {
            "authorization": {"action": operation, "scope": resource_id},
            "caller": caller,
            "channels": "Operation",
            "claims": {},
            "correlationId": correlation_id,
            "description": "",
            "eventDataId": event_id,
            "eventName": {"value": "EndRequest", "localizedValue": "End request"},
            "category": {"value": "Administrative", "localizedValue": "Administrative"},
            "httpRequest": {"clientRequestId": client_request_id, "clientIpAddress": "127.0.0.1", "method": method},
            "id": f"{resource_id}/events/{event_id}/ticks/{ticks}",
            "level": "Error" if failed else "Informational",
            "resourceGroupName": resource_group or "",
            "resourceProviderName": {"value": namespace, "localizedValue": namespace},
            "resourceId": resource_id,
            "resourceType": {"value": full_type, "localizedValue": full_type},
            "operationId": str(uuid.uuid4()),
            "operationName": {"value": operation, "localizedValue": operation},
            "properties": {"statusCode": str(status_code)},
            "status": {"value": status, "localizedValue": status},
            "subStatus": {"value": str(status_code), "localizedValue": str(status_code)},
            "eventTimestamp": iso(now),
            "submissionTimestamp": iso(visible),
            "subscriptionId": subscription,
            "tenantId": TENANT_ID,
        }))
        horizon = now - RETENTION_S
        if self.events and self.events[0].at < horizon:
            self.events = [e for e in self.events if e.at >= horizon]

    def query(self, subscription: str, expression: str | None, select: str | None) -> list[dict[str, Any]]:
        """The visible events of ``subscription`` a ``$filter`` admits, newest first, as ``$select`` asks."""
        if not expression:
            raise errors.bad_request("BadRequest", "The $filter query parameter is required; it must give at "
                                     "least eventTimestamp ge '<start>'.")
        match = _FILTER.match(expression)
        if match is None:
            raise errors.bad_request("BadRequest", f"The $filter '{expression}' is not supported: only eventTimestamp "
                                     "ge (and le), and one of resourceGroupName, resourceUri, resourceProvider or "
                                     "correlationId with eq, joined by and.")
        try:
            start = parse_time(match.group(1))
            end = parse_time(match.group(2)) if match.group(2) else None
        except ValueError:
            raise errors.bad_request("BadRequest", f"The $filter '{expression}' has an invalid time.") from None
        now = self.wall()
        if start < now - RETENTION_S:
            raise errors.bad_request("BadRequest", "The start of the time range is more than 90 days in the past; "
                                     "the Activity Log keeps 90 days.")
        fields = _select(select)
        clause = (match.group(3) or "").lower()
        wanted = (match.group(4) or "").replace("''", "'").lower()
        found = []
        for event in reversed(self.events):
            body = event.body
            if event.visible_at > now or event.at < start or (end is not None and event.at > end):
                continue
            if body["subscriptionId"].lower() != subscription.lower():
                continue
            if clause and _clause_value(body, clause) != wanted:
                continue
            found.append({k: v for k, v in body.items() if fields is None or k.lower() in fields})
        return found


def _clause_value(body: dict[str, Any], clause: str) -> str:
    if clause == "resourcegroupname":
        return str(body["resourceGroupName"]).lower()
    if clause == "resourceuri":
        return str(body["resourceId"]).lower()
    if clause == "resourceprovider":
        return str(body["resourceProviderName"]["value"]).lower()
    return str(body["correlationId"]).lower()


def _select(select: str | None) -> set[str] | None:
    if not select:
        return None
    names = {s.strip().lower() for s in select.split(",") if s.strip()}
    unknown = names - {s.lower() for s in SELECTABLE}
    if unknown:
        raise errors.bad_request("BadRequest", f"$select names unknown properties: {', '.join(sorted(unknown))}.")
    return names


def _event_types(ctx: ProviderContext, rp: ResourcePath) -> dict[str, Any] | None:
    """``eventtypes/management``: the one event type, so the values list has a parent."""
    if rp.names and rp.names[-1].lower() == "management":
        return {"id": rp.id, "name": "management", "type": "Microsoft.Insights/eventtypes"}
    return None


def _list_events(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]]:
    log: ActivityLog | None = getattr(ctx, "activity", None)
    if log is None:
        return []
    query = {k.lower(): v for k, v in ctx.query.items()}
    return log.query(rp.subscription or ctx.subscription_id, query.get("$filter"), query.get("$select"))


HANDLERS: dict[str, Handler] = {
    EVENT_TYPES: Handler(virtual_get=_event_types),
    EVENTS: Handler(virtual_list=_list_events),
}
