"""Canonical casing of provider namespaces and type segments, learnt from the registry's rows.

A leaf of the emulator's import graph, so that :mod:`lzengine.emulator.paths` (below the provider
modules) can answer ids in canonical casing although the rows are declared by the provider modules
(above it). :mod:`lzengine.emulator.registry` calls :func:`learn` with every row's type once, when
it collects them; ARM compares segments case-insensitively, the SDK and users send any casing.
"""

from __future__ import annotations

from collections.abc import Iterable

_NAMESPACES: dict[str, str] = {}
_SEGMENTS: dict[str, str] = {}
_TYPES: dict[str, str] = {}


def learn(types: Iterable[str]) -> None:
    """Remember the casing of full type names (``Microsoft.Network/virtualNetworks/subnets``)."""
    for full in types:
        parts = full.split("/")
        _NAMESPACES.setdefault(parts[0].lower(), parts[0])
        _TYPES.setdefault(full.lower(), full)
        for seg in parts[1:]:
            _SEGMENTS.setdefault(seg.lower(), seg)


def namespace(ns: str) -> str:
    """The registered casing of a provider namespace (``microsoft.network`` → ``Microsoft.Network``)."""
    return _NAMESPACES.get(ns.lower(), ns)


def full_type(name: str) -> str:
    """Canonical casing of a full type name; unknown segments keep the casing given."""
    known = _TYPES.get(name.lower())
    if known is not None:
        return known
    parts = name.split("/")
    return "/".join([namespace(parts[0])] + [_SEGMENTS.get(p.lower(), p) for p in parts[1:]])
