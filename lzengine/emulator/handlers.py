"""Per-type provider behaviour as handler objects, found through one table.

Each provider module (``rp_network``, ``rp_privatedns`` ..., ``governance``) declares a
:class:`Handler` per resource type it gives behaviour to, in its ``HANDLERS`` mapping (lower-case
type → handler); :mod:`lzengine.emulator.hooks` collects them and the backend reaches a type's
behaviour only through :func:`Table.lookup`, never by comparing type strings. Every hook is
optional; each gets the narrow :class:`~lzengine.emulator.context.ProviderContext`.

Hooks, in the order the backend calls them:

* ``validate(ctx, rp, body, existing, parent_body)``: reject a PUT body before anything is written
  (``parent_body``: the parent's new body when the resource is written inline, e.g. a subnet in a
  VNet PUT).
* ``after_put(ctx, rp, res, existing, op, state)``: server-filled properties of the stored body.
* ``check_removal(ctx, res)``: refuse to remove something still in use (DELETE, or an inline child
  a PUT drops); ``before_delete(ctx, res)``: remember what a soft delete keeps.
* ``on_removed(ctx, res)``: bookkeeping after the resource is gone.
* ``render(ctx, res, body)``: read-time fields (back-references) on a copy of the body.
* ``virtual_get(ctx, rp)`` / ``virtual_list(ctx, rp)`` / ``not_found(ctx, rp)``: resources computed
  rather than stored (built-in roles, usages, the model catalogue).
* ``action(ctx, rp, body)``: a POST action, registered under the action's own type
  (``microsoft.cognitiveservices/accounts/listkeys``, ``microsoft.search/checknameavailability``);
  answers the response body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Hook = Callable[..., Any]


@dataclass(frozen=True)
class Handler:
    """The behaviour of one resource type (``None``: nothing to do at that point)."""

    validate: Hook | None = None
    after_put: Hook | None = None
    check_removal: Hook | None = None
    before_delete: Hook | None = None
    on_removed: Hook | None = None
    render: Hook | None = None
    virtual_get: Hook | None = None
    virtual_list: Hook | None = None
    not_found: Hook | None = None
    action: Hook | None = None


NOTHING = Handler()


class Table:
    """Lower-case type → handler, with prefix entries (``microsoft.authorization/policy``) for
    families of computed types."""

    def __init__(self) -> None:
        self._exact: dict[str, Handler] = {}
        self._prefix: list[tuple[str, Handler]] = []

    def add(self, handlers: Mapping[str, Handler]) -> None:
        for key, handler in handlers.items():
            if key.endswith("*"):
                self._prefix.append((key[:-1].lower(), handler))
            else:
                if key.lower() in self._exact:
                    raise ValueError(f"two handlers for {key}")
                self._exact[key.lower()] = handler

    def lookup(self, type_lower: str) -> Handler:
        found = self._exact.get(type_lower)
        if found is not None:
            return found
        for prefix, handler in self._prefix:
            if type_lower.startswith(prefix):
                return handler
        return NOTHING

    def types(self) -> Iterable[str]:
        return list(self._exact)
