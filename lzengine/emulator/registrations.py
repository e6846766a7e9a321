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
from lzengine.emulator.store import Store


class Registrations:
    """Which provider namespaces are registered, per subscription (``None``: the default one)."""

    def __init__(self, store: Store, default_subscription: str) -> None:
        self.store = store
        self.default = default_subscription

    def _key(self, subscription: str | None) -> str:
        """The default subscription keeps the original meta key."""
        sub = (subscription or self.default).lower()
        return "registrations" if sub == self.default.lower() else f"registrations:{sub}"

    def state(self, namespace: str, subscription: str | None = None) -> str:
        regs = self.store.meta(self._key(subscription), {})
        return str(regs.get(namespace.lower(), "Registered"))

    def set(self, namespace: str, state: str, subscription: str | None = None) -> None:
        key = self._key(subscription)
        regs = dict(self.store.meta(key, {}))
        regs[namespace.lower()] = state
        self.store.set_meta(key, regs)
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


