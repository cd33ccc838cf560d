"""Table 2: each lesson's Run All time in a fresh kernel, as nbval and learners run them, on every
supported Python. `python -m benchmarks.lessons LESSON...` times the lessons named with the running
Python and prints {lesson: seconds} as JSON: what each version's column runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.pythons import missing, pythons
from benchmarks.report import table, within
from scripts.course import environment
from scripts.refresh_lessons import run_lesson

COURSE = Path(__file__).resolve().parents[1]
TARGET = 15.0  # seconds: the course's budget for one lesson


def names(only: list[str] | None = None) -> list[str]:
    """Every lesson, or those whose name starts with one of `only` ('01')."""
    stems = sorted(path.stem for path in (COURSE / "notebooks").glob("*.ipynb"))
    return [stem for stem in stems if not only or stem.startswith(tuple(only))]


def seconds(lessons: list[str]) -> dict[str, float]:
    """Run All time of each lesson, with the running Python and its kernel."""
    with tempfile.TemporaryDirectory() as tmp:  # a copy: lessons write their script files
        for folder in ("notebooks", "exercises"):
            shutil.copytree(COURSE / folder, Path(tmp) / folder)
        return {name: run_lesson(Path(tmp) / "notebooks" / f"{name}.ipynb")[1] for name in lessons}


def seconds_with(python: str, lessons: list[str]) -> dict[str, float]:
    """seconds(lessons) measured by `python` in a process of its own."""
    done = subprocess.run(
        [python, "-m", "benchmarks.lessons", *lessons],
        cwd=COURSE, env=environment(Path(python)), check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    # the last line: a lesson's subprocesses may write to the same stdout before it
    return json.loads(done.stdout.splitlines()[-1])


def run(only: list[str] | None = None, versions: list[str] | None = None) -> str:
    """The table: a column per supported Python, or per one of `versions`."""
    lessons, found = names(only), list(pythons(versions))
    measured = {version: seconds_with(python, lessons) for version, python in found if python}
    rows = [
        [
            name,
            *(measured[version][name] if version in measured else "n/a" for version, _ in found),
            within([figures[name] for figures in measured.values()], TARGET),
        ]
        for name in lessons
    ]
    totals = (
        sum(measured[version].values()) if version in measured else "n/a" for version, _ in found
    )
    rows.append(["total", *totals, ""])
    return table(
        f"Lessons: Run All in a fresh kernel, per Python version (target: {TARGET:g} s each)",
        ["lesson", *(f"{version} (s)" for version, _ in found), "within target"],
        rows,
    ) + missing(found)


if __name__ == "__main__":
    print(json.dumps(seconds(sys.argv[1:])))
