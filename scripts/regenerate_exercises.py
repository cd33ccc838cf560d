"""Regenerate exercises/ from solutions/ with nbgrader generate_assignment (`make exercises`).

Runs the same generation the grading-integrity tests compare against, in a temporary course, so
the repository never holds a gradebook and `--force` never meets old submissions.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from helpers.grading.autograde import TempCourse, assignments

COURSE = Path(__file__).resolve().parents[1]


def main(selected: list[str]) -> None:
    for assignment in selected or assignments(COURSE):
        with TempCourse(COURSE, assignment) as temp:
            target = COURSE / "exercises" / assignment
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(temp.release, target)
        print(f"exercises/{assignment} regenerated")


if __name__ == "__main__":
    main(sys.argv[1:])
