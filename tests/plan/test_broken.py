"""The corpus of broken plans: each file says, in ``# expect: LINE:COLUMN CODE`` lines, every
diagnostic it must produce, and nothing else may be reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lzengine.errors import PlanError
from lzengine.plan import load_plan

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (\S+)$", re.M)


def test_the_corpus_is_large_enough() -> None:
    assert len(BROKEN) >= 40


@pytest.mark.parametrize("plan_file", BROKEN, ids=lambda p: p.stem)
def test_broken_plan_reports_exact_locations_and_codes(plan_file: Path) -> None:
    expected = sorted((int(a), int(b), c) for a, b, c in EXPECT.findall(plan_file.read_text(encoding="utf-8")))
    assert expected, f"{plan_file.name} has no '# expect:' line"
    with pytest.raises(PlanError) as caught:
        load_plan(plan_file)
    found = caught.value.diagnostics
    assert sorted((d.line, d.column, d.code) for d in found) == expected
    for d in found:
        assert d.file == str(plan_file)
        assert d.message and "Traceback" not in d.message
