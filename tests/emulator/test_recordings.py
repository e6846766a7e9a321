"""Recorded ARM traffic replayed against the emulator, compared in shape.

Each recording comes from each reference data source (``refdata``, see tests/refdata.py): real
traffic from the Azure SDK for Python's tests in shared/data/recordings when present, and the
project's own hand-written ones of the same flows in tests/fixtures/recordings.

The requests of each recording are sent in order (host, subscription and operation ids
rewritten); the emulator must answer with the same status codes, the same protocol headers
(Azure-AsyncOperation, Location, ETag, rate-limit counters) and bodies of the same shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from lzengine.emulator import Emulator
from tests.refdata import read_json

from .conftest import Arm, FakeClock

#: (route table lifecycle, search service lifecycle) per source
RECORDINGS = {
    "own": ("route-table-lifecycle.handwritten.json", "search-service-lifecycle.handwritten.json"),
    "shared": ("test_cli_mgmt_network_route_table.pyTestMgmtNetworktest_network.ARM-only.json",
               "test_mgmt_search.pyTestMgmtSearchtest_search_services.EXCERPT.json"),
}
RECORDED_SUB = "00000000-0000-0000-0000-000000000000"


def recording(refdata: Path, which: int) -> list[dict[str, Any]]:
    """The request entries of one recording of the source (0: route table, 1: search service)."""
    source = "own" if refdata.name == "fixtures" else "shared"
    data = read_json(refdata / "recordings" / RECORDINGS[source][which])
    return [e for e in data["Entries"] if "RequestMethod" in e]


def resource_group(entries: list[dict[str, Any]]) -> str:
    """The resource group the recording works in (from its first resource-group URI)."""
    path = next(urlsplit(e["RequestUri"]).path for e in entries if "/resourceGroups/" in e["RequestUri"])
    return path.split("/resourceGroups/")[1].split("/")[0]


def body_of(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        value = "".join(value)
    if isinstance(value, str):
        return json.loads(value) if value.strip() else None
    return value


def headers_of(entry: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v for k, v in entry["ResponseHeaders"].items()}


@pytest.fixture
def live(make_emu, clock: FakeClock) -> Arm:
    emu: Emulator = make_emu(throttle="on", clock=clock)  # frozen clock: counters only go down
    return Arm(emu)


def replay(arm: Arm, entries: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    """Send every recorded request; returns (entry, response) pairs."""
    out = []
    last_async: str | None = None
    for e in entries:
        parts = urlsplit(e["RequestUri"])
        path = parts.path.replace(RECORDED_SUB, arm.emu.subscription_id)
        url = f"{arm.emu.url}{path}?{parts.query}"
        if "/operations/" in path and last_async:
            url = last_async
        body = body_of(e["RequestBody"])
        resp = arm.call(e["RequestMethod"], url, body, api=None)
        out.append((e, resp))
        if "Azure-AsyncOperation" in resp.headers:
            last_async = resp.headers["Azure-AsyncOperation"]
    return out


def test_route_table_recording_shape(live: Arm, refdata: Path) -> None:
    entries = recording(refdata, 0)
    live.make_rg(resource_group(entries))
    pairs = replay(live, entries)
    last_remaining: dict[str, int] = {}
    for e, r in pairs:
        rec_h = headers_of(e)
        where = f"{e['RequestMethod']} {e['RequestUri']}"
        assert r.status_code == e["StatusCode"], (where, r.text)
        for h in ("azure-asyncoperation", "location", "etag"):
            assert (h in {k.lower() for k in r.headers}) == (h in rec_h), (where, h)
        for kind in ("reads", "writes", "deletes"):
            key = f"x-ms-ratelimit-remaining-subscription-{kind}"
            if key in rec_h:
                value = int(r.headers[key])
                assert value < last_remaining.get(kind, 10**9), (where, kind)
                last_remaining[kind] = value
        rec_body = body_of(e["ResponseBody"])
        if rec_body is None:
            assert r.content == b""
            continue
        got = r.json()
        if "status" in rec_body:
            assert got == rec_body  # {"status": "Succeeded"} only, like Network
            continue
        assert set(rec_body) <= set(got), where
        assert got["properties"]["provisioningState"] == rec_body["properties"]["provisioningState"], where
        assert got["etag"].startswith('W/"')
        if "etag" in rec_h:
            assert got["etag"] == r.headers["ETag"]
    # the route table and its route share the family etag after the route was written
    patch_at = next(i for i, (e, _) in enumerate(pairs) if e["RequestMethod"] == "PATCH")
    gets = [(e, r) for e, r in pairs[:patch_at]
            if e["RequestMethod"] == "GET" and "/operations/" not in e["RequestUri"]]
    route_get = next(r for e, r in reversed(gets) if "/routes/" in e["RequestUri"])
    table_get = next(r for e, r in reversed(gets) if "/routes/" not in e["RequestUri"])
    assert route_get.json()["etag"] == table_get.json()["etag"]
    patch_entry, patch = pairs[patch_at]
    assert patch.json()["tags"] == body_of(patch_entry["RequestBody"])["tags"]
    assert patch.json()["etag"] != table_get.json()["etag"]


def test_search_recording_shape(live: Arm, refdata: Path) -> None:
    entries = recording(refdata, 1)
    live.make_rg(resource_group(entries))
    live.admin("PUT", "/providers/Microsoft.Search", {"registrationState": "NotRegistered"})
    pairs = replay(live, entries)
    statuses = [(e["StatusCode"], r.status_code) for e, r in pairs]
    assert [s for s, _ in statuses] == [g for _, g in statuses], [(e["RequestUri"], r.text) for e, r in pairs]
    by_step = {i: (e, r) for i, (e, r) in enumerate(pairs)}
    # 0: name available; 1: 409 MissingSubscriptionRegistration from the gateway
    assert by_step[0][1].json()["nameAvailable"] is True
    e, r = by_step[1]
    assert r.json()["error"]["code"] == "MissingSubscriptionRegistration"
    assert r.json() ["error"]["details"][0]["target"] == "Microsoft.Search"
    assert r.headers["x-ms-failure-cause"] == "gateway"
    # 2: register; 3: provider Registered
    assert by_step[2][1].json()["namespace"] == "Microsoft.Search"
    assert by_step[3][1].json()["registrationState"] == "Registered"
    # 4: PUT 201 with lower-case provisioningState and a datetime ETag header
    e, r = by_step[4]
    body = r.json()
    assert set(body_of(e["ResponseBody"])) <= set(body)
    assert body["properties"]["provisioningState"] in ("provisioning", "succeeded")
    assert r.headers["ETag"].startswith("W/\"datetime'")
    # 5: name now taken
    assert by_step[5][1].json() == {"nameAvailable": False, "reason": "AlreadyExists", "message": None}
    # 6: GET with ETag; 7: list shape; 8: DELETE 200 with an empty body
    assert by_step[6][1].headers["ETag"].startswith("W/\"datetime'")
    listed = by_step[7][1].json()
    service = urlsplit(by_step[4][0]["RequestUri"]).path.rsplit("/", 1)[-1]
    assert set(listed) >= {"value"} and listed["value"][0]["name"] == service
    assert by_step[8][1].content == b""
