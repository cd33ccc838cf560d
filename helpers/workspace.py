"""Your own copies of the exercises, in workspace/ (git-ignored), where nothing else writes.

`exercises/` belongs to the course: `git pull` updates it and `make exercises` regenerates it.
You work in `workspace/NN-topic/NN-topic.ipynb` instead. This module is the only thing that
writes there, and only to add an exercise you do not have yet: a copy is never overwritten.
`make lab` (and Binder) run it, so new exercises from a course update appear on the next start.

    python -m helpers.workspace        add the missing exercises, then list the workspace
"""

from __future__ import annotations

import shutil
from pathlib import Path

FOLDER = "workspace"
COURSE = Path(__file__).resolve().parents[1]


def add_missing(course: Path = COURSE) -> list[Path]:
    """Copy each exercise that has no folder in the workspace yet; the notebooks copied."""
    added = []
    for exercise in sorted(p for p in (course / "exercises").iterdir() if p.is_dir()):
        target = course / FOLDER / exercise.name
        if target.exists():
            continue
        shutil.copytree(exercise, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        added += sorted(target.glob("*.ipynb"))
    return added


def learner_copy(course: Path, assignment: str) -> Path | None:
    """The workspace folder of an exercise, if the learner has one."""
    folder = course / FOLDER / assignment
    return folder if folder.is_dir() else None


def main() -> None:
    added = add_missing()
    for notebook in added:
        print(f"added {notebook.relative_to(COURSE)}")
    count = sum(1 for p in (COURSE / FOLDER).iterdir() if p.is_dir())
    print(
        f"your workspace: {COURSE / FOLDER} ({count} exercises; yours to edit, never overwritten)"
    )


if __name__ == "__main__":
    main()
