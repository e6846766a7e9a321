"""Fixtures for the emulator's own tests: an emulator per test, SDK clients and a raw ARM caller.

Every test talks to a real :class:`lzengine.emulator.Emulator` over HTTPS, through the typed
Azure SDK clients (what the engine uses) or ``requests`` for protocol details the SDK hides.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from azure.core.credentials import AccessToken

from lzengine.emulator import Emulator

NET_API = "2026-03-01"
RG_API = "2025-04-01"


class StaticCredential:
    """A TokenCredential that always presents one bearer token."""

    def __init__(self, token: str) -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 36000)


@dataclass
class Arm:
    """Raw HTTPS access to an emulator, for wire-level assertions."""

    emu: Emulator
    token: str = ""
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.token = self.token or self.emu.token
        self.session.verify = self.emu.ca_file

    def sub(self, path: str = "") -> str:
        return f"/subscriptions/{self.emu.subscription_id}{path}"

    def rg(self, rg: str, path: str = "") -> str:
        return self.sub(f"/resourceGroups/{rg}{path}")

    def call(self, method: str, path: str, body: Any = None, api: str | None = NET_API,
             token: str | None = None, headers: dict[str, str] | None = None) -> requests.Response:
        url = path if path.startswith("https://") else f"{self.emu.url}{path}"
        params = {"api-version": api} if api and "api-version=" not in url else None
        hdrs = {"Authorization": f"Bearer {token if token is not None else self.token}"}
        hdrs.update(headers or {})
        return self.session.request(method, url, params=params, json=body, headers=hdrs, timeout=30,
                                    verify=self.emu.ca_file)

    def put(self, path: str, body: Any, api: str | None = NET_API, **kw: Any) -> requests.Response:
        return self.call("PUT", path, body, api, **kw)

    def get(self, path: str, api: str | None = NET_API, **kw: Any) -> requests.Response:
        return self.call("GET", path, None, api, **kw)

    def delete(self, path: str, api: str | None = NET_API, **kw: Any) -> requests.Response:
        return self.call("DELETE", path, None, api, **kw)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        r = self.session.request(method, f"{self.emu.url}/_emulator{path}", json=body,
                                 headers={"Authorization": f"Bearer {self.emu.token}"}, timeout=30,
                                 verify=self.emu.ca_file)
        assert r.status_code < 300, r.text
        return r.json()

    def make_rg(self, rg: str = "rg1", location: str = "eastus") -> None:
        r = self.put(self.rg(rg), {"location": location}, api=RG_API)
        assert r.status_code in (200, 201), r.text


def client_kwargs(emu: Emulator) -> dict[str, Any]:
    return {"base_url": emu.url, "connection_verify": emu.ca_file, "retry_total": 0,
            "polling_interval": 0}


class Clients:
    """Typed SDK clients pointed at one emulator (created on first use)."""

    def __init__(self, emu: Emulator, token: str | None = None) -> None:
        self.emu = emu
        self.cred = StaticCredential(token or emu.token)
        self._cache: dict[str, Any] = {}

    def _make(self, name: str, factory: Callable[[], Any]) -> Any:
        if name not in self._cache:
            self._cache[name] = factory()
        return self._cache[name]

    @property
    def resource(self) -> Any:
        from azure.mgmt.resource.resources import ResourceManagementClient

        return self._make("resource", lambda: ResourceManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def network(self) -> Any:
        from azure.mgmt.network import NetworkManagementClient

        return self._make("network", lambda: NetworkManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def privatedns(self) -> Any:
        from azure.mgmt.privatedns import PrivateDnsManagementClient

        return self._make("privatedns", lambda: PrivateDnsManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def cognitive(self) -> Any:
        from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient

        return self._make("cognitive", lambda: CognitiveServicesManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def search(self) -> Any:
        from azure.mgmt.search import SearchManagementClient

        return self._make("search", lambda: SearchManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def web(self) -> Any:
        from azure.mgmt.web import WebSiteManagementClient

        return self._make("web", lambda: WebSiteManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def loganalytics(self) -> Any:
        from azure.mgmt.loganalytics import LogAnalyticsManagementClient

        return self._make("loganalytics", lambda: LogAnalyticsManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def insights(self) -> Any:
        from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient

        return self._make("insights", lambda: ApplicationInsightsManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def policy(self) -> Any:
        from azure.mgmt.resource.policy import PolicyClient

        return self._make("policy", lambda: PolicyClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))

    @property
    def authorization(self) -> Any:
        from azure.mgmt.authorization import AuthorizationManagementClient

        return self._make("authorization", lambda: AuthorizationManagementClient(
            self.cred, self.emu.subscription_id, **client_kwargs(self.emu)))


@pytest.fixture
def make_emu() -> Iterator[Callable[..., Emulator]]:
    """Start emulators with custom options; all are stopped at teardown."""
    started: list[Emulator] = []

    def make(**kw: Any) -> Emulator:
        kw.setdefault("time_scale", 0.0)
        kw.setdefault("throttle", "off")
        emu = Emulator(**kw).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def emu(make_emu: Callable[..., Emulator]) -> Emulator:
    """An emulator where operations finish at once and nothing is throttled."""
    return make_emu()


@pytest.fixture
def arm(emu: Emulator) -> Arm:
    return Arm(emu)


@pytest.fixture
def clients(emu: Emulator) -> Clients:
    return Clients(emu)


class FakeClock:
    """A manual clock for the emulator's ``clock=`` option."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
