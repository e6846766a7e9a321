"""Bearer tokens, principals and role-based access checks of the emulator.

Called by :mod:`lzengine.emulator.app`: every request must carry ``Authorization: Bearer
<token>``; the token names a principal. The admin principal (token printed at start) is Owner
everywhere and the only one allowed on ``/_emulator/``. Other principals are created with
``POST /_emulator/principals`` and get one built-in role (Owner, Contributor, Reader) at a scope;
role assignments written through ARM (``Microsoft.Authorization/roleAssignments``) for their
object id count as well, with the permissions of any built-in role (:mod:`lzengine.emulator.roles`)
or custom role definition. A denied request answers 403 ``AuthorizationFailed``.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from lzengine.emulator.paths import id_key, under
from lzengine.emulator.roles import BUILTIN_ROLES, CONTRIBUTOR, OWNER, READER, ROLE_IDS_BY_NAME, allows

__all__ = ["CONTRIBUTOR", "OWNER", "READER", "Authorizer", "Principal", "permits", "role_id"]
ROLE_NAMES = {r.id: r.name for r in BUILTIN_ROLES.values()}


def role_id(role: str) -> str:
    """Accept a built-in role name, a GUID or a full role definition id; answer the GUID."""
    r = role.strip().rsplit("/", 1)[-1].lower()
    if r in ROLE_IDS_BY_NAME:
        return ROLE_IDS_BY_NAME[r]
    if r in BUILTIN_ROLES:
        return r
    raise ValueError(f"unknown role {role!r}; use a built-in role name such as Owner, Contributor or Reader")


def permits(role: str, action: str,
            custom: dict[str, list[tuple[list[str], list[str]]]] | None = None) -> bool:
    """Whether a role (built-in GUID, or one of ``custom``: GUID → permission blocks) allows
    ``action`` (``Namespace/type/read|write|delete|action``)."""
    builtin = BUILTIN_ROLES.get(role.lower())
    if builtin is not None:
        return allows(builtin.actions, builtin.not_actions, action)
    return any(allows(a, n, action) for a, n in (custom or {}).get(role.lower(), []))


@dataclass
class Principal:
    object_id: str
    name: str
    token: str
    grants: list[tuple[str, str]] = field(default_factory=list)  # (role guid, scope)
    admin: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "object_id": self.object_id, "name": self.name, "token": self.token,
            "grants": [{"role": ROLE_NAMES.get(r, r), "roleDefinitionId": r, "scope": s}
                       for r, s in self.grants],
        }  # fmt: skip


class Authorizer:
    """Token → principal table and the access check."""

    def __init__(self, admin_token: str | None = None) -> None:
        self._lock = threading.Lock()
        self.admin = Principal(
            object_id=str(uuid.uuid4()), name="admin", token=admin_token or secrets.token_urlsafe(32),
            grants=[(OWNER, "/")], admin=True,
        )  # fmt: skip
        self._by_token: dict[str, Principal] = {self.admin.token: self.admin}

    def principal(self, token: str) -> Principal | None:
        return self._by_token.get(token)

    def add(self, name: str, role: str, scope: str, *, token: str | None = None,
            object_id: str | None = None) -> Principal:
        rid = role_id(role)
        with self._lock:
            p = Principal(object_id=object_id or str(uuid.uuid4()), name=name,
                          token=token or secrets.token_urlsafe(32), grants=[(rid, scope or "/")])
            self._by_token[p.token] = p
            return p

    def grant(self, object_id: str, role: str, scope: str) -> None:
        rid = role_id(role)
        with self._lock:
            for p in self._by_token.values():
                if p.object_id == object_id:
                    p.grants.append((rid, scope or "/"))

    def principals(self) -> list[Principal]:
        return [p for p in self._by_token.values() if not p.admin]

    def restore(self, data: list[dict[str, Any]]) -> None:
        for item in data:
            p = Principal(object_id=item["object_id"], name=item["name"], token=item["token"],
                          grants=[(g["roleDefinitionId"], g["scope"]) for g in item["grants"]])
            self._by_token[p.token] = p

    def reset(self) -> None:
        with self._lock:
            self._by_token = {self.admin.token: self.admin}

    def allowed(self, p: Principal, action: str, scope: str, arm_assignments: list[tuple[str, str]],
                custom: dict[str, list[tuple[list[str], list[str]]]] | None = None,
                above: list[str] | None = None) -> bool:
        """``arm_assignments``: (role guid, scope) pairs written through ARM for ``p``; ``custom``:
        permission blocks of custom role definitions by GUID; ``above``: lower-case ids of the
        management groups that contain ``scope`` (a role assigned there is inherited)."""
        target = id_key(scope)
        groups = set(above or ())
        for role, at in [*p.grants, *arm_assignments]:
            at_key = id_key(at)
            if (under(target, at_key) or at_key in groups) and permits(role, action, custom):
                return True
        return False
