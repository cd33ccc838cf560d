"""Re-run lessons in a fresh kernel and store their outputs (`make lessons`).

    python scripts/refresh_lessons.py                      every notebook in notebooks/
    python scripts/refresh_lessons.py 01-why-async         only the lessons named

Prints each lesson's Run All time. Cells tagged `raises-exception` may fail; any other error
stops with the lesson's name, and that lesson is left unchanged.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

LESSONS = Path(__file__).resolve().parents[1] / "notebooks"
# Kernels talk to the client over loopback TCP and would warn about it on every start.
QUIET_KERNEL = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]


def run_lesson(path: Path) -> tuple[nbformat.NotebookNode, float]:
    """Run All on the lesson at `path` in a fresh kernel, in its own folder: (notebook, seconds)."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        extra_arguments=QUIET_KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook, time.perf_counter() - started


def refresh(path: Path) -> float:
    notebook, seconds = run_lesson(path)
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
    # Lessons run their scripts with `!python`: it must be this environment's Python, not the
    # first one on the caller's PATH, or the stored output is that Python's ImportError.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    main(sys.argv[1:])
