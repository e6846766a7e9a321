"""The emulator's Azure Activity Log: every write, delete and action ARM handled, served through the
typed Monitor client with Azure's restricted ``$filter``, ``$select``, real paging, a latency on the
emulator's clock, and the subscription-level read permission it needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.monitor import MonitorManagementClient

from lzengine.emulator import Emulator
from tests.emulator.conftest import RG_API, Arm, StaticCredential, client_kwargs

EVENTS = "/providers/microsoft.insights/eventtypes/management/values"


def monitor(emu: Emulator, token: str | None = None) -> MonitorManagementClient:
    return MonitorManagementClient(StaticCredential(token or emu.token), emu.subscription_id, **client_kwargs(emu))


def since(minutes: float = 60) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_writes_deletes_and_failures_are_events_paged_and_selected(make_emu) -> None:
    emu = make_emu(page_size=2)
    arm = Arm(emu)
    for name in ("rg1", "rg2", "rg3"):
        arm.make_rg(name)
    assert arm.delete(arm.rg("rg3"), api=RG_API).status_code in (200, 202)
    assert arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"),
                   {"location": "nowhere"}).status_code == 400
    assert arm.get(arm.rg("rg1"), api=RG_API).status_code == 200  # reads are not logged

    events = list(monitor(emu).activity_logs.list(
        filter=f"eventTimestamp ge '{since()}'", select="resourceId,operationName,status,eventTimestamp"))
    assert len(events) == 5  # three pages of two
    newest = events[0]
    assert newest.operation_name.value == "Microsoft.Network/virtualNetworks/write"
    assert newest.status.value == "Failed"
    assert [e.operation_name.value for e in events[1:]] == ["Microsoft.Resources/resourceGroups/delete"] + [
        "Microsoft.Resources/resourceGroups/write"] * 3
    assert events[1].resource_id.lower() == arm.rg("rg3").lower()
    assert events[0].caller is None and events[0].correlation_id is None  # not selected

    # a resource's events, and a correlation id the client chose
    arm.put(arm.rg("rg2"), {"location": "eastus", "tags": {"a": "b"}}, api=RG_API,
            headers={"x-ms-correlation-request-id": "0f0f0f0f-1111-2222-3333-444444444444"})
    mine = list(monitor(emu).activity_logs.list(
        filter=f"eventTimestamp ge '{since()}' and correlationId eq '0f0f0f0f-1111-2222-3333-444444444444'"))
    assert [e.resource_id.lower() for e in mine] == [arm.rg("rg2").lower()]
    on_rg2 = list(monitor(emu).activity_logs.list(
        filter=f"eventTimestamp ge '{since()}' and eventTimestamp le '{since(-5)}' and "
               f"resourceUri eq '{arm.rg('rg2')}'"))
    assert len(on_rg2) == 2 and {e.subscription_id for e in on_rg2} == {emu.subscription_id}


@pytest.mark.parametrize("expression", [
    None,  # the start is required
    "resourceGroupName eq 'rg1'",
    "eventTimestamp gt '2026-01-01T00:00:00Z'",
    "eventTimestamp ge '{start}' and resourceId eq 'x'",
    "eventTimestamp ge '{start}' or correlationId eq 'x'",
    "eventTimestamp ge '{old}'",  # more than 90 days back
])
def test_filters_azure_does_not_allow_are_refused(arm: Arm, expression: str | None) -> None:
    query = "" if expression is None else "&$filter=" + expression.format(
        start=since(), old=since(91 * 24 * 60))
    response = arm.get(arm.sub(EVENTS) + "?api-version=2015-04-01" + query, api=None)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "BadRequest"


def test_events_become_visible_after_the_latency_on_the_emulators_clock(arm: Arm) -> None:
    arm.admin("PUT", "/activitylog", {"delay_s": 300})
    arm.make_rg("late")
    query = {"filter": f"eventTimestamp ge '{since()}'"}
    assert list(monitor(arm.emu).activity_logs.list(**query)) == []
    arm.admin("POST", "/clock", {"advance": 299})
    assert list(monitor(arm.emu).activity_logs.list(**query)) == []
    arm.admin("POST", "/clock", {"advance": 2})
    [event] = list(monitor(arm.emu).activity_logs.list(**query))
    happened = event.event_timestamp
    assert (event.submission_timestamp - happened).total_seconds() == pytest.approx(300, abs=0.01)
    # the Date header is on the same clock: ARM's server time, 301 s ahead of the wall clock
    served = datetime.strptime(arm.get(arm.sub(), api="2022-12-01").headers["Date"], "%a, %d %b %Y %H:%M:%S GMT")
    assert (served.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds() > 290


def test_reading_the_log_needs_a_role_at_the_subscription(arm: Arm) -> None:
    arm.make_rg("team")
    scoped = arm.admin("POST", "/principals", {"name": "team", "role": "Contributor", "scope": arm.rg("team")})
    with pytest.raises(HttpResponseError) as refused:
        list(monitor(arm.emu, scoped["token"]).activity_logs.list(filter=f"eventTimestamp ge '{since()}'"))
    assert refused.value.status_code == 403
    reader = arm.admin("POST", "/principals", {"name": "auditor", "role": "Reader", "scope": arm.sub()})
    assert list(monitor(arm.emu, reader["token"]).activity_logs.list(filter=f"eventTimestamp ge '{since()}'"))
