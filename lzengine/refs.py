"""References: a desired value that is another resource's live value, known only at apply time.

Who uses it: the compiler writes ``Ref`` objects into desired bodies (a route's next hop is the
firewall's private IP) and adds the referenced address as a dependency; the engine resolves them
from the dependency's observed body before diffing, and the executor again from the
dependency's post-apply body before writing. A value that cannot be known yet is ``UNKNOWN``
("known after apply"). A secret ref's value is never printed or reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class Ref:
    """The value at dotted ``path`` of the resource at plan ``address``."""

    address: str
    path: str
    secret: bool = False

    def __str__(self) -> str:
        return f"${{{self.address}.{self.path}}}"


@dataclass(frozen=True)
class GeneratedSecret:
    """A secret lzengine makes up when it creates the resource (a VM's admin password nobody is
    meant to know): never compared (Azure does not return it), never shown, and filled by
    ``fill_generated`` just before a create; an update leaves it out (Azure keeps the old one).

    Subclasses make other write-only values the same way (``lzengine.certificates``: a Key Vault
    secret's PFX, which every write of the secret carries, ``on_update``)."""

    length: int = 32
    #: also sent by an update (a value Azure cannot keep across writes), not only at create
    on_update: ClassVar[bool] = False

    def produce(self) -> tuple[Any, dict[str, Any]]:
        """The value to send, and fields to set beside it in the same object (merged into
        sibling mappings, e.g. the validity dates of a certificate just made)."""
        return _new_secret(self.length), {}

    def __str__(self) -> str:
        return "(generated at create, never shown)"


class Expected:
    """A desired value stated as a condition on the live one (``holds``), never sent: the diff
    reports the field when the live value fails it, and the write that follows sets it (the
    ``produce`` of a ``GeneratedSecret`` beside it does)."""

    def holds(self, observed: Any) -> bool:
        raise NotImplementedError


class _Unknown:
    def __repr__(self) -> str:
        return "(known after apply)"


UNKNOWN: Any = _Unknown()


def get_path(body: Any, path: str) -> Any:
    """Follow a dotted path (``properties.ipConfigurations.0.properties.privateIPAddress``)."""
    current = body
    for part in path.split("."):
        if isinstance(current, Mapping):
            match = next((k for k in current if k.lower() == part.lower()), None)
            if match is None:
                return None
            current = current[match]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


def find(body: Any) -> list[Ref]:
    """Every Ref inside a body."""
    if isinstance(body, Ref):
        return [body]
    if isinstance(body, Mapping):
        return [r for v in body.values() for r in find(v)]
    if isinstance(body, list):
        return [r for v in body for r in find(v)]
    return []


def resolve(body: Any, outputs: Mapping[str, Mapping[str, Any] | None]) -> Any:
    """Replace each Ref by its value in ``outputs[address]``; UNKNOWN where not available."""
    if isinstance(body, Ref):
        source = outputs.get(body.address)
        if source is None:
            return UNKNOWN
        value = get_path(source, body.path)
        return UNKNOWN if value is None else value
    if isinstance(body, Mapping):
        return {k: resolve(v, outputs) for k, v in body.items()}
    if isinstance(body, list):
        return [resolve(v, outputs) for v in body]
    return body


def has_unknown(body: Any) -> bool:
    if body is UNKNOWN:
        return True
    if isinstance(body, Mapping):
        return any(has_unknown(v) for v in body.values())
    if isinstance(body, list):
        return any(has_unknown(v) for v in body)
    return False


def unresolved(body: Any, outputs: Mapping[str, Mapping[str, Any] | None]) -> list[Ref]:
    """The refs in ``body`` whose value ``outputs`` does not hold (yet)."""
    return [r for r in find(body) if resolve(r, outputs) is UNKNOWN]


def fill_generated(body: Any, create: bool) -> Any:
    """``body`` with every ``GeneratedSecret`` replaced by what it produces (a fresh random
    password; a certificate) on a create, or on any write for ``on_update`` ones, and removed
    otherwise; every ``Expected`` left unset is removed. A password has upper- and lower-case
    letters, digits and a symbol, as Azure's password rules ask; it exists only in the request sent."""
    if isinstance(body, GeneratedSecret):
        return body.produce()[0]
    if isinstance(body, Mapping):
        out: dict[str, Any] = {}
        beside: dict[str, Any] = {}
        for key, value in body.items():
            if isinstance(value, GeneratedSecret):
                if create or value.on_update:
                    out[key], fields = value.produce()
                    beside.update(fields)
            elif not isinstance(value, Expected):
                out[key] = fill_generated(value, create)
        for key, value in beside.items():
            current = out.get(key)
            out[key] = {**current, **value} if isinstance(current, Mapping) and isinstance(value, Mapping) else value
        return out
    if isinstance(body, list):
        return [fill_generated(v, create) for v in body]
    return body


def has_generated(body: Any) -> bool:
    """Whether ``body`` holds a ``GeneratedSecret`` or an ``Expected`` (``fill_generated`` must
    run before it is sent)."""
    if isinstance(body, (GeneratedSecret, Expected)):
        return True
    if isinstance(body, Mapping):
        return any(has_generated(v) for v in body.values())
    if isinstance(body, list):
        return any(has_generated(v) for v in body)
    return False


def _new_secret(length: int) -> str:
    import secrets
    import string

    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(length - 4))
    return core + secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase) + \
        secrets.choice(string.digits) + secrets.choice("!#%+-.:=@^_~")
