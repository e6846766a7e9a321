"""ETags and HTTP preconditions (If-Match / If-None-Match), per provider style.

Used by :mod:`lzengine.emulator.backend` on every read and write. Each type's ETag style comes from
its registry row: ``network`` (``W/"guid"``, one ETag per resource family, held by the root: a
subnet shows its VNet's), ``guid`` (Private DNS: a plain GUID), ``datetime-header`` /
``datetime-body`` (Cognitive Services and others: ``W/"datetime'...'"``), or none. A write whose
``If-Match`` differs from the current ETag, or whose ``If-None-Match: *`` meets an existing
resource, is refused with 412 ``PreconditionFailed``.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime

from lzengine.emulator import errors, registry
from lzengine.emulator.store import Resource, Store

#: styles whose ETag also appears in the body (Network's only in the body on writes)
BODY_STYLES = ("network", "guid", "datetime-body")


class ETags:
    """ETag bookkeeping over one store (call with the backend lock held)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._seq = itertools.count()

    def new(self, style: str | None) -> str | None:
        if style == "network":
            return f'W/"{uuid.uuid4()}"'
        if style == "guid":
            return str(uuid.uuid4())
        if style in ("datetime-header", "datetime-body"):
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + f"{next(self._seq) % 10}Z"
            return "W/\"datetime'" + stamp.replace(":", "%3A") + "'\""
        return None

    def holder(self, res: Resource) -> Resource:
        """The resource that carries ``res``'s ETag (its root, for Network families)."""
        if registry.lookup(res.type).etag == "network" and res.root_key and res.root_key != res.key:
            root = self.store.get(res.root_key)
            if root is not None:
                return root
        return res

    def bump(self, res: Resource) -> None:
        style = registry.lookup(res.type).etag
        if not style:
            return
        holder = self.holder(res)
        holder.etag = self.new(style)
        if holder is not res:
            self.store.put(holder)

    def of(self, res: Resource) -> str | None:
        return self.holder(res).etag

    def headers(self, res: Resource, *, write: bool = False) -> dict[str, str]:
        """The ETag header; Network sends it on reads only (writes carry it in the body)."""
        etag = self.of(res)
        if not etag or (write and registry.lookup(res.type).etag == "network"):
            return {}
        return {"ETag": etag}

    def check(self, res: Resource | None, if_match: str | None, if_none_match: str | None) -> None:
        """Refuse a request whose preconditions do not hold for ``res`` (``None``: it does not exist)."""
        if if_none_match is not None and if_none_match.strip() == "*" and res is not None:
            raise errors.precondition_failed(self.of(res), "*", "If-None-Match")
        if if_match is None:
            return
        sent = if_match.strip()
        if res is None:
            raise errors.precondition_failed(None, sent)
        if sent == "*":
            return
        current = self.of(res)
        if current is None or (sent != current and strip(sent) != strip(current)):
            raise errors.precondition_failed(current, sent)


def strip(value: str) -> str:
    """``W/"x"`` → ``x``: the weak marker and quotes do not matter for a match."""
    v = value.strip()
    if v.startswith("W/"):
        v = v[2:]
    return v.strip('"')
