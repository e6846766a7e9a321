"""The adapter protocol the engine and executor call; no Azure imports here.

Who uses it: ``lzengine.engine`` (observe) and ``lzengine.executor`` (write, delete) call these
methods; ``lzengine.adapters.azure_sdk`` implements them. A body is the ARM REST JSON as a
dict (``{"location", "tags", "properties": {...}}``). Every failure is raised as
``lzengine.errors.ProviderError`` carrying the ARM code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from lzengine import ids
from lzengine.kinds.base import ResourceKind


class Adapter(Protocol):
    #: the subscription that calls about a whole subscription (lists, registration, the control
    #: zone's records ...) address; calls about one resource go to the subscription in its id
    subscription_id: str

    def for_subscription(self, subscription: str) -> Adapter:
        """Optional (see ``at``). This adapter, addressing ``subscription`` in its
        subscription-wide calls; the same connections and request budgets."""

    def read(self, kind: ResourceKind, arm_id: str) -> dict[str, Any] | None:
        """The live body, or None when the resource (or its parent) does not exist."""

    def list_scope(self, kind: ResourceKind, arm_id: str) -> str | None:
        """Optional. The key of a list that returns this resource's full body, or None (GET only).
        Resources with one key are observed together by ``list_bodies(key)``."""

    def list_bodies(self, scope: str) -> list[dict[str, Any]]:
        """Optional. Every resource (REST JSON with ``id``) the list ``scope`` names returns."""

    def write(
        self, kind: ResourceKind, arm_id: str, body: dict[str, Any], progress: dict[str, Any] | None = None,
        options: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create or replace; waits for the long-running operation; returns the final body.

        The caller passes the same ``progress`` dict to every attempt at one write, so the adapter
        can resume an operation already accepted instead of starting it again. ``options`` are
        extra keyword arguments of the SDK operation (a kind's Repair)."""

    def delete(self, kind: ResourceKind, arm_id: str) -> None:
        """Delete and wait; deleting what is already gone succeeds."""

    def purge(self, kind: ResourceKind, arm_id: str, location: str) -> None:
        """Purge a soft-deleted resource (kinds that declare ``purge``); purging what is gone succeeds."""

    def read_deleted(self, kind: ResourceKind, arm_id: str, location: str) -> dict[str, Any] | None:
        """The soft-deleted copy of a resource (kinds that declare ``read_deleted``), None if none."""

    def list_resources(self, tag: tuple[str, str] | None = None) -> list[dict[str, Any]]:
        """The subscription's resource groups and top-level resources as ARM list items (``id``,
        ``type``, ``tags``); with ``tag`` (name, value), only those carrying it."""

    def list_resource_group(self, name: str) -> list[dict[str, Any]]:
        """Every top-level resource in one resource group, whoever manages it."""

    def latest_api_version(self, arm_type: str) -> str:
        """The newest stable api-version the provider offers for ``arm_type``."""

    def list_policy_assignments(self) -> list[dict[str, Any]]:
        """Every policy assignment that applies in the subscription (REST bodies with ``id``)."""

    def get_policy_definition(self, definition_id: str) -> dict[str, Any] | None:
        """A policy (set) definition by id (built-in, subscription or management group), or None."""

    def get_management_group(self, name: str) -> dict[str, Any] | None:
        """Optional. A management group with its descendants (``properties.children``, recursively),
        or None when it does not exist or may not be read (lzengine.preflight)."""

    def get_txt_record(self, resource_group: str, zone: str, name: str) -> dict[str, Any] | None:
        """A private DNS zone's TXT record set as REST JSON with its ``etag``, or None (lzengine.control_zone)."""

    def put_txt_record(
        self, resource_group: str, zone: str, name: str, body: dict[str, Any], *,
        if_match: str | None = None, if_none_match: bool = False,
    ) -> dict[str, Any]:
        """Create or replace a TXT record set, optionally conditional (``If-Match``/``If-None-Match: *``):
        a failed condition raises ProviderError ``PreconditionFailed`` (412)."""

    def delete_txt_record(self, resource_group: str, zone: str, name: str, *, if_match: str | None = None) -> None:
        """Delete a TXT record set, optionally only at etag ``if_match``; absent succeeds."""

    def list_txt_records(self, resource_group: str, zone: str) -> list[dict[str, Any]]:
        """Every TXT record set of a private DNS zone; [] when the zone does not exist."""

    def list_model_usages(self, location: str) -> list[dict[str, Any]]:
        """Cognitive Services quota in a region: the usages API's items (``name.value`` such as
        ``OpenAI.GlobalStandard.gpt-4o``, ``currentValue``, ``limit``)."""

    def list_models(self, location: str) -> list[dict[str, Any]]:
        """The regional model catalogue (``locations/{location}/models``): items with ``kind``,
        ``skuName`` and ``model`` (``name``, ``version``, ``format``, ``skus``, ``deprecation``,
        ``lifecycleStatus``)."""

    def register_providers(self, namespaces: set[str]) -> None:
        """Make sure the subscription is registered for these resource providers."""

    def invoke(self, method: str, path: str, api_version: str, body: dict[str, Any] | None = None,
               ) -> dict[str, Any] | None:
        """A read-only ARM call by path (GET of a listing, POST of an action such as PolicyInsights
        ``summarize``); the response JSON, or None on 404."""

    def close(self) -> None:
        """Release connections."""


def at(adapter: Adapter, subscription: str | None) -> Adapter:
    """``adapter`` addressing ``subscription`` (None: its own) in its subscription-wide calls.

    Who uses it: the engine, the preflights, the control zone's users and ``verify``, for plans
    whose hub and spokes live in several subscriptions. An adapter without ``for_subscription``
    (a test's fake) serves its own subscription only."""
    own = getattr(adapter, "subscription_id", None)
    if subscription is None or own is None or subscription.lower() == str(own).lower() \
            or not hasattr(adapter, "for_subscription"):
        return adapter
    return adapter.for_subscription(subscription)


def subscriptions_of(arm_ids: Iterable[str], default: str) -> list[str]:
    """The subscriptions a set of ids lies in, ``default`` for ids above any subscription; sorted,
    lower case, no repeats."""
    return sorted({(ids.subscription_of(arm_id) or default).lower() for arm_id in arm_ids})
