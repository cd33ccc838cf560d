"""Table 2: each lesson's Run All time in a fresh kernel, as nbval and learners run them."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.report import table

COURSE = Path(__file__).resolve().parents[1]
TARGET = 15.0  # seconds: the course's budget for one lesson
# Kernels talk to the client over loopback TCP and would warn about it on every start.
QUIET_KERNEL = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]


def run() -> str:
    rows, total = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:  # a copy: lessons write their script files
        for folder in ("notebooks", "exercises"):
            shutil.copytree(COURSE / folder, Path(tmp) / folder)
        for path in sorted((Path(tmp) / "notebooks").glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            started = time.perf_counter()
            NotebookClient(
                notebook,
                timeout=120,
                kernel_name="python3",
                extra_arguments=QUIET_KERNEL,
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
            seconds = time.perf_counter() - started
            total += seconds
            rows.append([path.stem, seconds, "yes" if seconds <= TARGET else "NO"])
    rows.append(["total", total, ""])
    return table(
        f"Lessons: Run All in a fresh kernel (target: {TARGET:g} s each)",
        ["lesson", "seconds", "within target"],
        rows,
    )
