"""Where the tests find reference data: the project's own fixtures, and the public Azure material
in ``../shared/data`` when that folder sits beside the checkout.

Who uses it: every test that checks lzengine or its emulator against reference data (policy
definitions, ARM request/response examples, recorded ARM traffic, policy error bodies), through the
``refdata`` fixture of ``tests/conftest.py``. Such a test runs once per source:

* ``own`` — ``tests/fixtures/``, written by this project, always present, so a clone with nothing
  beside it still runs every check;
* ``shared`` — the public reference data. When it is absent the variant is skipped with a reason
  naming the folder that was looked for and how to point at another one.

``LZENGINE_SHARED_DATA`` overrides the location: unset means ``<checkout>/../shared/data``; ``none``
(or empty) means "there is none" (CI uses it to prove the standalone run); anything else is a path.
Both sources use the same folder names (``azure-policy``, ``errors``, ``arm-examples``,
``recordings``) so a test reads ``refdata / "arm-examples" / name`` whatever the source.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ENV = "LZENGINE_SHARED_DATA"
CHECKOUT = Path(__file__).resolve().parents[1]
OWN = CHECKOUT / "tests" / "fixtures"
DEFAULT_SHARED = CHECKOUT.parent / "shared" / "data"
SOURCES = ("own", "shared")


def shared_location() -> Path | None:
    """The folder where shared data is expected, or ``None`` when it is switched off."""
    value = os.environ.get(ENV)
    if value is None:
        return DEFAULT_SHARED
    if value.strip().lower() in ("", "none", "off", "0"):
        return None
    return Path(value).expanduser().resolve()


def shared_data() -> Path | None:
    """The shared data folder if it is present, else ``None``."""
    where = shared_location()
    return where if where is not None and where.is_dir() else None


def skip_reason() -> str:
    where = shared_location()
    if where is None:
        return f"shared reference data switched off ({ENV}=none); the own-fixture variant covers this"
    return (f"shared reference data not found at {where} (set {ENV} to its folder); "
            "the own-fixture variant covers this")


def root(source: str) -> Path:
    """The data folder of ``source``; skips the calling test when shared data is absent."""
    if source == "own":
        return OWN
    if source != "shared":
        raise ValueError(f"unknown reference data source {source!r}")
    found = shared_data()
    if found is None:
        pytest.skip(skip_reason())
    return found


def json_files(folder: Path) -> Iterator[Path]:
    """Every ``*.json`` file under ``folder``, in a stable order."""
    return iter(sorted(folder.rglob("*.json")))


@cache
def read_json(path: Path) -> Any:
    """Parsed JSON, cached: several tests read the same files."""
    return json.loads(path.read_text(encoding="utf-8"))


def policy_files(base: Path) -> dict[str, Path]:
    """Policy definition files under ``base / "azure-policy"`` by definition name (the built-in GUID)."""
    out: dict[str, Path] = {}
    for path in json_files(base / "azure-policy"):
        data = read_json(path)
        out[str(data.get("name") or path.stem)] = path
    return out
