"""Re-run lessons in a fresh kernel and store their outputs (`make lessons`).

    python scripts/refresh_lessons.py                      every notebook in notebooks/
    python scripts/refresh_lessons.py 01-why-async         only the lessons named

Prints each lesson's Run All time. Cells tagged `raises-exception` may fail; any other error
stops with the lesson's name, and that lesson is left unchanged.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

LESSONS = Path(__file__).resolve().parents[1] / "notebooks"


def refresh(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(LESSONS)}}
    ).execute()
    seconds = time.perf_counter() - started
    nbformat.write(notebook, path)
    return seconds


def main(names: list[str]) -> None:
    paths = [LESSONS / f"{name.removesuffix('.ipynb')}.ipynb" for name in names] or sorted(
        LESSONS.glob("*.ipynb")
    )
    total = 0.0
    for path in paths:
        seconds = refresh(path)
        total += seconds
        print(f"{path.name:<40} {seconds:6.1f} s")
    print(f"{'total':<40} {total:6.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
