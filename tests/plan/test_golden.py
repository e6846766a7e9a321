"""Golden tests: each shipped plan compiles to exactly the recorded resource set.

A deliberate change of the compiler updates the files with
``LZENGINE_UPDATE_GOLDEN=1 python -m pytest tests/plan/test_golden.py``; review the diff.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.plan.helpers import PLANS, REPO, compiled, dump

GOLDEN = REPO / "tests" / "plan" / "golden"


@pytest.mark.parametrize("plan_file", PLANS, ids=lambda p: p.stem)
def test_compiled_resource_set_matches_golden(plan_file) -> None:
    actual = dump(compiled(plan_file))
    golden = GOLDEN / f"{plan_file.stem}.json"
    if os.environ.get("LZENGINE_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert [n["address"] for n in actual] == [n["address"] for n in expected]
    for got, want in zip(actual, expected, strict=True):
        assert got == want, got["address"]


@pytest.mark.parametrize("plan_file", PLANS, ids=lambda p: p.stem)
def test_compiling_twice_gives_the_same_graph(plan_file) -> None:
    assert dump(compiled(plan_file)) == dump(compiled(plan_file))
