"""CI's own checks: ``.ci/check_run.py`` refuses runs that prove nothing, and no test finds the shared
reference data except through ``tests/refdata.py`` (so hiding it there hides it everywhere)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _check_run():
    spec = importlib.util.spec_from_file_location("check_run", REPO / ".ci" / "check_run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def _junit(tmp_path: Path, *cases: str) -> str:
    path = tmp_path / "run.xml"
    path.write_text(f'<testsuites><testsuite name="pytest">{"".join(cases)}</testsuite></testsuites>',
                    encoding="utf-8")
    return str(path)


PASS = '<testcase classname="tests.a" name="test_ok"/>'
SHARED_SKIP = ('<testcase classname="tests.a" name="test_x[shared]"><skipped message="shared reference data '
               'switched off (LZENGINE_SHARED_DATA=none)"/></testcase>')
OTHER_SKIP = '<testcase classname="tests.a" name="test_y"><skipped message="needs a GPU"/></testcase>'
FAILED = '<testcase classname="tests.a" name="test_z"><failure message="boom"/></testcase>'


@pytest.mark.parametrize(
    ("cases", "shared", "ok"),
    [
        ((PASS,), "present", True),
        ((), "present", False),  # pytest exit code 5: nothing collected
        ((SHARED_SKIP,), "absent", False),  # everything skipped is no proof either
        ((PASS, SHARED_SKIP), "present", False),  # the data was meant to be there
        ((PASS, SHARED_SKIP), "absent", True),
        ((PASS,), "absent", False),  # hidden, yet nothing skipped: the switch did not work
        ((PASS, SHARED_SKIP, OTHER_SKIP), "absent", False),
        ((PASS, FAILED), "present", False),
    ],
)
def test_check_run(tmp_path: Path, cases: tuple[str, ...], shared: str, ok: bool) -> None:
    assert (_check_run()([_junit(tmp_path, *cases), "--shared", shared]) == 0) is ok


def test_only_the_locator_builds_the_shared_data_path() -> None:
    pattern = re.compile(r"""["']shared["']\s*/\s*["']data["']|["']\.\./shared""")
    offenders = [p.relative_to(REPO).as_posix() for p in (REPO / "tests").rglob("*.py")
                 if p.name != "refdata.py" and pattern.search(p.read_text(encoding="utf-8"))]
    offenders += [p.relative_to(REPO).as_posix() for p in (REPO / "lzengine").rglob("*.py")
                  if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == [], "read shared data through tests/refdata.py (the refdata fixture)"
