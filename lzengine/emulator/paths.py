"""Parsing of ARM request paths into scope, provider namespace, types and names.

Called by :mod:`lzengine.emulator.app` to route a request and by
:mod:`lzengine.emulator.backend` to rebuild canonical resource ids. ARM compares every segment
case-insensitively, but ids are answered with canonical casing for the fixed segments
(``resourceGroups``, ``providers``, namespaces, known types) and the caller's casing for names.
"""

from __future__ import annotations

from dataclasses import dataclass

from lzengine.emulator import casing


@dataclass(frozen=True)
class ResourcePath:
    """A resource (or collection) path under ``{scope}/providers/{ns}/...``.

    ``types``/``names`` hold the type and name segments after the namespace; a collection has one
    more type than names. ``scope`` is the canonical id of the scope the provider segment hangs
    off (``""`` for tenant level).
    """

    scope: str
    namespace: str
    types: tuple[str, ...]
    names: tuple[str, ...]
    subscription: str | None
    resource_group: str | None
    #: ``False`` for the one type whose ids carry no ``providers/{namespace}`` segment: resource groups
    #: (``/subscriptions/{s}/resourceGroups/{name}``, see :func:`resource_group_path`)
    provider_segment: bool = True

    @property
    def is_collection(self) -> bool:
        return len(self.types) > len(self.names)

    @property
    def full_type(self) -> str:
        return casing.full_type("/".join((self.namespace, *self.types)))

    def _base(self) -> list[str]:
        return [self.scope, "providers", self.namespace] if self.provider_segment else [self.scope]

    @property
    def id(self) -> str:
        """Canonical id of the item (for a collection: of its parent, plus the collection type)."""
        parts = self._base()
        canon = self.full_type.split("/")[1:]
        for i, t in enumerate(canon):
            parts.append(t)
            if i < len(self.names):
                parts.append(self.names[i])
        return "/".join(parts)

    @property
    def name(self) -> str:
        return self.names[-1] if self.names else ""

    @property
    def parent_id(self) -> str:
        """The id of the resource this one is nested in, or the scope for a top-level one."""
        n = len(self.names) if not self.is_collection else len(self.names) + 1
        if n <= 1:
            return self.scope
        parts = self._base()
        canon = self.full_type.split("/")[1:]
        for i in range(n - 1):
            parts.extend([canon[i], self.names[i]])
        return "/".join(parts)

    @property
    def root_id(self) -> str:
        """The id of the top-level resource of this family (the VNet of a subnet)."""
        canon = self.full_type.split("/")[1:]
        return "/".join([*self._base(), canon[0], self.names[0]])

    @property
    def is_child(self) -> bool:
        return len(self.types) > 1


def split(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def canonical_scope(segments: list[str]) -> str:
    """Canonical id for a scope given as raw segments (may itself contain provider segments)."""
    out: list[str] = []
    i = 0
    n = len(segments)
    while i < n:
        seg = segments[i]
        low = seg.lower()
        if low == "subscriptions" and i + 1 < n:
            out += ["subscriptions", segments[i + 1]]
            i += 2
        elif low == "resourcegroups" and i + 1 < n:
            out += ["resourceGroups", segments[i + 1]]
            i += 2
        elif low == "providers" and i + 1 < n:
            ns = casing.namespace(segments[i + 1])
            out += ["providers", ns]
            i += 2
            types: list[str] = []
            while i + 1 < n and segments[i].lower() != "providers":
                types.append(segments[i])
                full = casing.full_type("/".join([ns, *types]))
                out += [full.split("/")[-1], segments[i + 1]]
                i += 2
        else:
            out.append(seg)
            i += 1
    return "/" + "/".join(out) if out else ""


def parse_resource(segments: list[str]) -> ResourcePath | None:
    """Parse ``{scope}/providers/{ns}/{type}/{name}[/{type}/{name}...][/{type}]``.

    Uses the last ``providers`` segment that is followed by a namespace and at least one type,
    so extension resources on any scope parse with the resource as scope.
    """
    lows = [s.lower() for s in segments]
    idx = None
    for i in range(len(lows) - 1, -1, -1):
        if lows[i] == "providers" and len(segments) - i >= 3:
            idx = i
            break
    if idx is None:
        return None
    scope_segs = segments[:idx]
    rest = segments[idx + 2 :]
    types = tuple(rest[0::2])
    names = tuple(rest[1::2])
    sub = rg = None
    if len(scope_segs) >= 2 and scope_segs[0].lower() == "subscriptions":
        sub = scope_segs[1]
        if len(scope_segs) >= 4 and scope_segs[2].lower() == "resourcegroups":
            rg = scope_segs[3]
    return ResourcePath(
        scope=canonical_scope(scope_segs),
        namespace=casing.namespace(segments[idx + 1]),
        types=types,
        names=names,
        subscription=sub,
        resource_group=rg,
    )


def resource_group_path(subscription: str, name: str | None) -> ResourcePath:
    """A resource group (``name``) or the collection of a subscription's resource groups (``None``) as a
    resource path, so resource groups go through the same CRUD as every other type."""
    return ResourcePath(
        scope=f"/subscriptions/{subscription}",
        namespace=casing.namespace("Microsoft.Resources"),
        types=("resourceGroups",),
        names=(name,) if name is not None else (),
        subscription=subscription,
        resource_group=None,
        provider_segment=False,
    )


def id_key(resource_id: str) -> str:
    """The lookup key of an id: lower case, no trailing slash."""
    return resource_id.rstrip("/").lower()


def under(child_key: str, scope_key: str) -> bool:
    """True when ``child_key`` equals ``scope_key`` or lies below it (segment boundary)."""
    if scope_key in ("", "/"):
        return True
    return child_key == scope_key or child_key.startswith(scope_key + "/")
