"""The emulator's state store: resources by id, kept apart from HTTP.

Called by :mod:`lzengine.emulator.backend`, which holds the lock around every use. Resources live
in memory (a dict keyed by lower-case id plus a per-type index for listings). With a
``state_file`` every change is also written to SQLite; :meth:`Store.commit` is called before a
write is acknowledged, so an acknowledged write survives ``kill -9`` (WAL journal). Small
key/value metadata (provider registrations, principals) is kept in the same file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lzengine.emulator.paths import id_key, under


@dataclass
class Resource:
    """One stored resource. ``body`` is what GET answers, minus rendered parts (inline children)."""

    id: str
    type: str
    body: dict[str, Any]
    root_key: str = ""
    etag: str | None = None
    op_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return id_key(self.id)

    def to_json(self) -> str:
        return json.dumps(
            {"id": self.id, "type": self.type, "body": self.body, "root_key": self.root_key,
             "etag": self.etag, "extra": self.extra},
            separators=(",", ":"),
        )  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> Resource:
        d = json.loads(text)
        return cls(
            id=d["id"], type=d["type"], body=d["body"], root_key=d.get("root_key", ""),
            etag=d.get("etag"), extra=d.get("extra") or {},
        )  # fmt: skip


class Store:
    """Resources in memory, optionally mirrored to SQLite. Not thread-safe by itself."""

    def __init__(self, state_file: str | None = None) -> None:
        self._items: dict[str, Resource] = {}
        self._by_type: dict[str, dict[str, Resource]] = {}
        self._children: dict[str, dict[str, Resource]] = {}
        self._meta: dict[str, Any] = {}
        self._dirty: dict[str, Resource | None] = {}
        self._dirty_meta: dict[str, Any] = {}
        self._db: sqlite3.Connection | None = None
        if state_file:
            self._db = sqlite3.connect(state_file, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS resources (key TEXT PRIMARY KEY, data TEXT)")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, data TEXT)")
            for (data,) in self._db.execute("SELECT data FROM resources"):
                res = Resource.from_json(data)
                self._index(res)
            for key, data in self._db.execute("SELECT key, data FROM meta"):
                self._meta[key] = json.loads(data)

    # --- reads
    def get(self, key: str) -> Resource | None:
        return self._items.get(key)

    def __len__(self) -> int:
        return len(self._items)

    def all(self) -> list[Resource]:
        return list(self._items.values())

    def of_type(self, type_lower: str, prefix: str = "") -> list[Resource]:
        """Resources of one type whose key lies under ``prefix`` (insertion order)."""
        bucket = self._by_type.get(type_lower)
        if not bucket:
            return []
        if not prefix:
            return list(bucket.values())
        return [r for k, r in bucket.items() if under(k, prefix) and k != prefix]

    def children(self, parent_key: str, type_lower: str) -> list[Resource]:
        """Direct children of ``parent_key`` (``{parent}/{childType}/{name}``) of one type."""
        bucket = self._children.get(parent_key)
        if not bucket:
            return []
        return [r for r in bucket.values() if r.type.lower() == type_lower]

    def keys_under(self, prefix: str) -> list[str]:
        """Every key equal to or below ``prefix``."""
        return [k for k in self._items if under(k, prefix)]

    def meta(self, key: str, default: Any = None) -> Any:
        return self._meta.get(key, default)

    # --- writes (buffered until commit)
    def put(self, res: Resource) -> None:
        old = self._items.get(res.key)
        if old is not None and old.type.lower() != res.type.lower():
            self._by_type.get(old.type.lower(), {}).pop(res.key, None)
        self._index(res)
        self._dirty[res.key] = res

    def remove(self, key: str) -> Resource | None:
        res = self._items.pop(key, None)
        if res is not None:
            self._by_type.get(res.type.lower(), {}).pop(key, None)
            siblings = self._children.get(_parent_key(key))
            if siblings is not None:
                siblings.pop(key, None)
                if not siblings:
                    del self._children[_parent_key(key)]
            self._dirty[key] = None
        return res

    def set_meta(self, key: str, value: Any) -> None:
        self._meta[key] = value
        self._dirty_meta[key] = value

    def clear(self) -> None:
        for key in list(self._items):
            self.remove(key)
        self._children.clear()
        for key in list(self._meta):
            self._meta.pop(key)
            self._dirty_meta[key] = None

    def commit(self) -> None:
        """Flush buffered changes to SQLite in one transaction (no-op in memory mode)."""
        if self._db is None:
            self._dirty.clear()
            self._dirty_meta.clear()
            return
        if not self._dirty and not self._dirty_meta:
            return
        db = self._db
        db.execute("BEGIN")
        try:
            for key, res in self._dirty.items():
                if res is None:
                    db.execute("DELETE FROM resources WHERE key = ?", (key,))
                else:
                    db.execute("INSERT OR REPLACE INTO resources VALUES (?, ?)", (key, res.to_json()))
            for key, value in self._dirty_meta.items():
                if value is None:
                    db.execute("DELETE FROM meta WHERE key = ?", (key,))
                else:
                    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._dirty.clear()
        self._dirty_meta.clear()

    def close(self) -> None:
        if self._db is not None:
            self.commit()
            self._db.close()
            self._db = None

    def __iter__(self) -> Iterator[Resource]:
        return iter(list(self._items.values()))

    def _index(self, res: Resource) -> None:
        key = res.key
        self._items[key] = res
        self._by_type.setdefault(res.type.lower(), {})[key] = res
        self._children.setdefault(_parent_key(key), {})[key] = res


def _parent_key(key: str) -> str:
    return key.rsplit("/", 2)[0]
