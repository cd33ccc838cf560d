"""Grade an exercise from a cell at its end: `await grade_exercise("01-why-async")`.

It runs the same command as a terminal would (`python -m helpers.grade`) on the saved notebook,
in a separate process, and prints its table. The kernel stays free while it runs. Under nbgrader
itself (autograde or Validate set NBGRADER_EXECUTION) it does nothing, so grading never runs
itself.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path


async def grade_exercise(assignment: str) -> None:
    """Grade the saved copy of `assignment` in this notebook's folder and print the result."""
    if os.environ.get("NBGRADER_EXECUTION"):
        print("(grading in progress: this cell is skipped)")
        return
    notebook = Path.cwd() / f"{assignment}.ipynb"  # the kernel starts in the notebook's folder
    if not notebook.exists():
        print(f"there is no {notebook.name} here ({Path.cwd()}): grade from a terminal instead")
        return
    print(f"grading the saved {notebook.name} (unsaved changes are not seen: save first) ...")
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "helpers.grade", str(notebook),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    out, err = await process.communicate()
    print(out.decode() or err.decode())
