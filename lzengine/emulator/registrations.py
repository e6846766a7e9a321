"""Resource provider registration and the Resources API's provider and subscription bodies.

Called by :mod:`lzengine.emulator.app` for ``/subscriptions/{s}/providers[/{ns}[/register|/unregister]]``,
``/providers`` and ``/subscriptions[/{s}]``, by :mod:`lzengine.emulator.crud` (a PUT to an
unregistered namespace is ``MissingSubscriptionRegistration``) and by the admin API. Registration
state is kept in the store's metadata (every namespace starts ``Registered``); the provider bodies are
built from the registry's rows.
"""

from __future__ import annotations

from typing import Any

from lzengine.emulator import registry
from lzengine.emulator.context import TENANT_ID
from lzengine.emulator.store import Store


class Registrations:
    """Which provider namespaces are registered in the subscription."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def state(self, namespace: str) -> str:
        regs = self.store.meta("registrations", {})
        return str(regs.get(namespace.lower(), "Registered"))

    def set(self, namespace: str, state: str) -> None:
        regs = dict(self.store.meta("registrations", {}))
        regs[namespace.lower()] = state
        self.store.set_meta("registrations", regs)
        self.store.commit()


def provider_body(namespace: str, subscription_id: str, registration_state: str | None) -> dict[str, Any]:
    """A provider as ``GET .../providers/{namespace}`` answers it (``registration_state`` ``None``: tenant level)."""
    ns = registry.canonical_namespace(namespace)
    types = []
    for spec in registry.known_specs():
        if spec.namespace.lower() != ns.lower():
            continue
        types.append({
            "resourceType": spec.type.split("/", 1)[1],
            "locations": [registry.display_name(x) for x in (spec.locations or ())],
            "apiVersions": sorted(spec.api_versions, reverse=True),
            "defaultApiVersion": spec.api_versions[-1] if spec.api_versions else None,
            "capabilities": "None",
        })  # fmt: skip
    tenant = registration_state is None
    body: dict[str, Any] = {
        "id": f"/providers/{ns}" if tenant else f"/subscriptions/{subscription_id}/providers/{ns}",
        "namespace": ns,
        "resourceTypes": types,
    }
    if not tenant:
        body["registrationState"] = registration_state
        body["registrationPolicy"] = "RegistrationRequired"
    return body


def subscription_body(subscription_id: str) -> dict[str, Any]:
    """A subscription as ``GET /subscriptions/{s}`` answers it."""
    return {
        "id": f"/subscriptions/{subscription_id}",
        "subscriptionId": subscription_id,
        "tenantId": TENANT_ID,
        "displayName": "lzengine emulator",
        "state": "Enabled",
        "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                 "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
        "authorizationSource": "RoleBased",
    }  # fmt: skip
