"""Check one pytest run from its JUnit report; called by ``.ci/run`` after each pytest run.

Why: ``set -e`` already stops on a failing pytest, but a run can also "succeed" while proving
nothing — no tests collected, or the shared-data variants skipped in the run that was meant to
exercise them. This fails CI in those cases:

* ``--shared present``: at least one test ran and no test skipped for missing shared data;
* ``--shared absent``: at least one test ran, shared-data variants were skipped, and every skip
  gives the shared-data reason (so nothing else went quiet).
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET

SHARED_REASON = "shared reference data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("junit")
    parser.add_argument("--shared", choices=("present", "absent"), required=True)
    args = parser.parse_args(argv)
    cases = list(ET.parse(args.junit).getroot().iter("testcase"))
    skips = [(c.get("classname", "") + "::" + c.get("name", ""), s.get("message", ""))
             for c in cases for s in c.findall("skipped")]
    bad = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    ran = len(cases) - len(skips) - len(bad)
    shared_skips = [name for name, message in skips if SHARED_REASON in message]
    other_skips = [(name, message) for name, message in skips if SHARED_REASON not in message]
    print(f"{args.junit}: {len(cases)} tests, {ran} passed, {len(skips)} skipped "
          f"({len(shared_skips)} for shared data), {len(bad)} failed")
    problems = []
    if ran == 0:
        problems.append("no test ran (pytest exit code 5 or everything skipped)")
    if bad:
        problems.append(f"{len(bad)} failed or errored")
    if args.shared == "present" and shared_skips:
        problems.append(f"shared data was expected but {len(shared_skips)} tests skipped for its absence, "
                        f"e.g. {shared_skips[0]}")
    if args.shared == "absent":
        if not shared_skips:
            problems.append("shared data was hidden but no shared-data variant skipped: is it still hidden?")
        if other_skips:
            problems.append(f"skips with other reasons: {other_skips[:3]}")
    for problem in problems:
        print(f"  FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
