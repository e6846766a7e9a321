"""Where the backend meets the providers: one handler table, filled by the provider modules.

:mod:`lzengine.emulator.backend` calls these functions at fixed points of a request, with its lock
held and a :class:`~lzengine.emulator.context.ProviderContext` for the request. Each looks the
resource type up in :data:`TABLE` (:data:`lzengine.emulator.registry.HANDLERS`, built from the
``HANDLERS`` of every provider module in :data:`lzengine.emulator.registry.PROVIDERS`) and runs that
type's hook, if it has one. No type string is compared here: adding a type's behaviour is one
``Handler`` in its provider module's ``HANDLERS``, next to the type's registry row.
"""

from __future__ import annotations

from typing import Any

from lzengine.emulator import registry, rp_authorization
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.errors import ArmError
from lzengine.emulator.handlers import Handler, Table
from lzengine.emulator.paths import ResourcePath
from lzengine.emulator.store import Resource

TABLE: Table = registry.HANDLERS


def handler(type_lower: str) -> Handler:
    return TABLE.lookup(type_lower)


def validate_put(ctx: ProviderContext, rp: ResourcePath, type_lower: str, body: dict[str, Any],
                 existing: Resource | None, parent_body: dict[str, Any] | None = None) -> None:
    """Reject a PUT body. ``parent_body``: the parent's new body when the resource is written inline."""
    hook = handler(type_lower).validate
    if hook is not None:
        hook(ctx, rp, body, existing, parent_body)


def after_put(ctx: ProviderContext, rp: ResourcePath, type_lower: str, res: Resource, existing: Resource | None,
              op: Any, state: str) -> None:
    hook = handler(type_lower).after_put
    if hook is not None:
        hook(ctx, rp, res, existing, op, state)


def compose_identity(ctx: ProviderContext, body: dict[str, Any], existing: Resource | None) -> None:
    """Managed identities of any type (system- and user-assigned)."""
    rp_authorization.compose_identity(ctx, body, existing)


def check_removal(ctx: ProviderContext, res: Resource) -> None:
    """Refuse to remove what is still in use (a DELETE, or an inline child a PUT drops)."""
    hook = handler(res.type.lower()).check_removal
    if hook is not None:
        hook(ctx, res)


def validate_delete(ctx: ProviderContext, res: Resource) -> None:
    """Refuse a DELETE of something still in use; remember what a soft delete keeps."""
    h = handler(res.type.lower())
    if h.check_removal is not None:
        h.check_removal(ctx, res)
    if h.before_delete is not None:
        h.before_delete(ctx, res)


def on_removed(ctx: ProviderContext, res: Resource) -> None:
    """Bookkeeping after a resource is gone (policy records of every type, then the type's own)."""
    ctx.policy.forget(res.key)
    hook = handler(res.type.lower()).on_removed
    if hook is not None:
        hook(ctx, res)


def render(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
    """Read-time fields (back-references); ``body["properties"]`` is a copy the hook may change."""
    hook = handler(res.type.lower()).render
    if hook is not None:
        hook(ctx, res, body)


def virtual_get(ctx: ProviderContext, rp: ResourcePath) -> dict[str, Any] | None:
    """The body of a resource that is computed, not stored (``None``: not one of those)."""
    hook = handler(rp.full_type.lower()).virtual_get
    return hook(ctx, rp) if hook is not None else None


def virtual_list(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]] | None:
    """The items of a computed collection (``None``: list the store as usual)."""
    hook = handler(rp.full_type.lower()).virtual_list
    return hook(ctx, rp) if hook is not None else None


def not_found(ctx: ProviderContext, rp: ResourcePath) -> ArmError | None:
    """A type's own 404 (``PolicyDefinitionNotFound``...) instead of ``ResourceNotFound``."""
    hook = handler(rp.full_type.lower()).not_found
    return hook(ctx, rp) if hook is not None else None
