"""Table 2: each lesson's Run All time in a fresh kernel, as nbval and learners run them."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from benchmarks.report import table
from scripts.refresh_lessons import run_lesson

COURSE = Path(__file__).resolve().parents[1]
TARGET = 15.0  # seconds: the course's budget for one lesson


def run() -> str:
    rows, total = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:  # a copy: lessons write their script files
        for folder in ("notebooks", "exercises"):
            shutil.copytree(COURSE / folder, Path(tmp) / folder)
        for path in sorted((Path(tmp) / "notebooks").glob("*.ipynb")):
            _, seconds = run_lesson(path)
            total += seconds
            rows.append([path.stem, seconds, "yes" if seconds <= TARGET else "NO"])
    rows.append(["total", total, ""])
    return table(
        f"Lessons: Run All in a fresh kernel (target: {TARGET:g} s each)",
        ["lesson", "seconds", "within target"],
        rows,
    )
