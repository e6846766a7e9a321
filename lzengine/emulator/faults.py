"""Seeded, deterministic fault injection for the emulator.

Called by :mod:`lzengine.emulator.app` for every ARM request (never for ``/_emulator/``). A
:class:`FaultSpec` comes from the ``faults`` string of the Emulator/CLI
(``"rate=0.1,kinds=500+503+429+reset+lro-failed+conflict,types=Microsoft.Network/*,methods=PUT+GET"``)
or from ``PUT /_emulator/faults`` as JSON. Given the same seed and the same request sequence the
same requests fail. Kinds: ``500``/``503`` (server errors), ``429`` (throttled, with
Retry-After), ``reset`` (connection dropped without a response), ``lro-failed`` (the operation
started by a PUT/DELETE ends ``Failed`` with a retryable code) and ``conflict`` (the provider's
409 busy error).
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass, field
from typing import Any

KINDS = ("500", "503", "429", "reset", "lro-failed", "conflict")
WRITE_METHODS = {"PUT", "PATCH", "POST", "DELETE"}


@dataclass
class FaultSpec:
    """Which requests may fail (``types`` are globs on ``Namespace/type``) and how often."""

    rate: float = 0.0
    kinds: list[str] = field(default_factory=lambda: ["500"])
    types: list[str] = field(default_factory=lambda: ["*"])
    methods: list[str] = field(default_factory=list)  # empty = every method
    seed: int = 0

    @classmethod
    def parse(cls, text: str, seed: int = 0) -> FaultSpec:
        """Parse ``key=value`` pairs separated by commas; list values are joined with ``+``."""
        spec = cls(seed=seed)
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, _, value = part.partition("=")
            key = key.strip().lower()
            items = [v.strip() for v in value.split("+") if v.strip()]
            if key == "rate":
                spec.rate = float(value)
            elif key == "kinds":
                spec.kinds = items
            elif key == "types":
                spec.types = items
            elif key == "methods":
                spec.methods = [m.upper() for m in items]
            elif key == "seed":
                spec.seed = int(value)
            else:
                raise ValueError(f"unknown fault option {key!r}")
        spec.validate()
        return spec

    @classmethod
    def from_json(cls, data: dict[str, Any], seed: int = 0) -> FaultSpec:
        def as_list(v: Any, default: list[str]) -> list[str]:
            if v is None:
                return default
            return [str(x) for x in (v if isinstance(v, list) else str(v).split("+"))]

        spec = cls(
            rate=float(data.get("rate", 0.0)),
            kinds=as_list(data.get("kinds"), ["500"]),
            types=as_list(data.get("types"), ["*"]),
            methods=[m.upper() for m in as_list(data.get("methods"), [])],
            seed=int(data.get("seed", seed)),
        )
        spec.validate()
        return spec

    def validate(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        bad = [k for k in self.kinds if k not in KINDS]
        if bad or not self.kinds:
            raise ValueError(f"unknown fault kinds {bad}; choose from {', '.join(KINDS)}")

    def to_json(self) -> dict[str, Any]:
        return {"rate": self.rate, "kinds": self.kinds, "types": self.types,
                "methods": self.methods, "seed": self.seed}  # fmt: skip


class FaultInjector:
    """Decides per request whether (and how) to fail, from one seeded random stream."""

    def __init__(self, spec: FaultSpec | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(spec)

    def configure(self, spec: FaultSpec | None) -> None:
        with self._lock:
            self.spec = spec
            self._rng = random.Random(spec.seed if spec else 0)
            self.injected: dict[str, int] = {}

    def decide(self, method: str, full_type: str, *, lro_possible: bool) -> str | None:
        """The fault kind for this request, or ``None``. Only kinds that apply are drawn."""
        spec = self.spec
        if spec is None or spec.rate <= 0:
            return None
        method = method.upper()
        if spec.methods and method not in spec.methods:
            return None
        t = full_type.lower()
        if not any(fnmatch.fnmatchcase(t, pat.lower()) for pat in spec.types):
            return None
        kinds = [k for k in spec.kinds if _applies(k, method, lro_possible)]
        with self._lock:
            if self._rng.random() >= spec.rate or not kinds:
                return None
            kind = kinds[self._rng.randrange(len(kinds))]
            self.injected[kind] = self.injected.get(kind, 0) + 1
            return kind


def _applies(kind: str, method: str, lro_possible: bool) -> bool:
    if kind == "lro-failed":
        return lro_possible and method in ("PUT", "DELETE")
    if kind == "conflict":
        return method in WRITE_METHODS
    return True
