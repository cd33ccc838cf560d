"""Grade every exercise's solution and its untouched student version with this Python
(`scripts/version_matrix.py` runs it in each version's environment).

    python scripts/grade_solutions.py                 every assignment in solutions/
    python scripts/grade_solutions.py 04-tasks        only those named

One real nbgrader autograde per assignment, with two submissions: the solution must score full
marks, the untouched exercise 0 without an error. It is the check that `make test`'s grading-
integrity tests start with, without their other probes (reverted answers, edited tests, busy
loops), which the default Python covers. Prints one line per submission and a pytest-like
summary ("28 passed, 2 failed in 120.3s"); exits 1 if anything failed.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(COURSE))

from helpers.grading.autograde import TempCourse, assignments, notebook_ids  # noqa: E402


def grade(assignment: str) -> list[tuple[str, bool, str]]:
    """[(test id, passed, what went wrong)] for the assignment's solution and untouched exercise."""
    (name,) = notebook_ids(COURSE, assignment)
    submissions = {
        "solution": COURSE / "solutions" / assignment / f"{name}.ipynb",
        "untouched": COURSE / "exercises" / assignment / f"{name}.ipynb",
    }
    with TempCourse(COURSE, assignment) as temp:
        reports = temp.autograde(submissions)
    results = []
    for student, report in reports.items():
        lost = "; ".join(f"{p.id}: {p.message}" for p in report.parts if p.points < p.max)
        if report.error:
            passed, problem = False, f"could not be graded: {report.error}"
        elif student == "solution":
            passed = report.total == report.max > 0
            problem = f"{report.total:g} / {report.max:g}: {lost}"
        else:
            passed = report.total == 0
            problem = f"an untouched exercise earns {report.total:g} / {report.max:g}"
        results.append((f"{assignment}/{student}", passed, "" if passed else problem))
    return results


def main(names: list[str]) -> int:
    started = time.perf_counter()
    chosen = names or assignments(COURSE)
    passed = failed = 0
    # Two at a time, as the machine has two cores; spawn, since nbgrader runs threads.
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        for results in pool.map(grade, chosen):
            for test, ok, problem in results:
                print(f"PASSED {test}" if ok else f"FAILED {test} - {problem}", flush=True)
                passed, failed = passed + ok, failed + (not ok)
    summary = f"{passed} passed" + (f", {failed} failed" if failed else "")
    print(f"{summary} in {time.perf_counter() - started:.1f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
