"""The subscriptions one emulator serves: deterministic ids, their ARM bodies, and membership checks.

Built by :class:`lzengine.emulator.backend.Backend` from the ``subscriptions`` the
:class:`~lzengine.emulator.server.Emulator` was given (``lzengine emulator serve --subscriptions N``
asks :func:`subscription_ids` for N of them; the CLI's local target passes the plan's own). Used by
the backend (``SubscriptionNotFound`` for any other id), by the app (``GET /subscriptions`` and
``GET /subscriptions/{id}``) and by provider handlers through the request view (a reference into
another served subscription is checked like a local one).

Ids are deterministic so tests and recipes can name them: the first is
:data:`DEFAULT_SUBSCRIPTION_ID` (the one a single-subscription emulator always had), the n-th
(n ≥ 2) keeps its first four groups and ends in ``n`` as twelve decimal digits, e.g.
``3f2d7a1c-5b8e-4c6d-9a0f-000000000002``. A leaf module: it imports nothing from the emulator.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

DEFAULT_SUBSCRIPTION_ID = "3f2d7a1c-5b8e-4c6d-9a0f-1e2b3c4d5e6f"
_PREFIX = DEFAULT_SUBSCRIPTION_ID.rsplit("-", 1)[0]
MAX_SUBSCRIPTIONS = 1000
_SUBSCRIPTION_IN_ID = re.compile(r"^/subscriptions/([^/]+)", re.IGNORECASE)

__all__ = ["DEFAULT_SUBSCRIPTION_ID", "MAX_SUBSCRIPTIONS", "Subscriptions", "of_id", "subscription_ids"]


def subscription_ids(count: int) -> list[str]:
    """The ``count`` deterministic subscription ids of an emulator started with ``--subscriptions count``."""
    if not 1 <= count <= MAX_SUBSCRIPTIONS:
        raise ValueError(f"--subscriptions must be between 1 and {MAX_SUBSCRIPTIONS}, not {count}")
    return [DEFAULT_SUBSCRIPTION_ID, *(f"{_PREFIX}-{n:012d}" for n in range(2, count + 1))]


def of_id(resource_id: str) -> str | None:
    """The subscription id an ARM id lives in (as written), or ``None`` for tenant-level ids."""
    match = _SUBSCRIPTION_IN_ID.match(resource_id or "")
    return match.group(1) if match else None


class Subscriptions:
    """An ordered, de-duplicated set of subscription ids (the first is the default one)."""

    def __init__(self, ids: Iterable[str] | None = None) -> None:
        ordered: dict[str, str] = {}
        for raw in ids or [DEFAULT_SUBSCRIPTION_ID]:
            text = str(raw).strip()
            try:
                canonical = str(uuid.UUID(text))
            except ValueError:
                raise ValueError(f"a subscription id is a GUID, not {raw!r}") from None
            ordered.setdefault(canonical.lower(), canonical)
        if not ordered:
            ordered[DEFAULT_SUBSCRIPTION_ID] = DEFAULT_SUBSCRIPTION_ID
        self._ids = list(ordered.values())
        self._index = {k: i for i, k in enumerate(ordered)}

    @property
    def default(self) -> str:
        return self._ids[0]

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, subscription_id: object) -> bool:
        return isinstance(subscription_id, str) and subscription_id.lower() in self._index

    def serves(self, resource_id: str) -> bool:
        """Whether an ARM id lives in one of these subscriptions (so the emulator can check it)."""
        sub = of_id(resource_id)
        return sub is not None and sub in self

    def display_name(self, subscription_id: str) -> str:
        """``lzengine emulator`` for the first (as before), ``lzengine emulator N`` for the others."""
        n = self._index.get(subscription_id.lower(), 0) + 1
        return "lzengine emulator" if n == 1 else f"lzengine emulator {n}"

    def canonical(self, subscription_id: str) -> str:
        """The id as the emulator serves it (its own casing)."""
        return self._ids[self._index[subscription_id.lower()]]

    def body(self, subscription_id: str, tenant_id: str) -> dict[str, Any]:
        """``GET /subscriptions/{id}`` (Microsoft.Resources ``Subscription``)."""
        sid = self.canonical(subscription_id)
        return {
            "id": f"/subscriptions/{sid}",
            "subscriptionId": sid,
            "tenantId": tenant_id,
            "displayName": self.display_name(sid),
            "state": "Enabled",
            "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                     "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
            "authorizationSource": "RoleBased",
        }  # fmt: skip
