"""What each cell of an exercise is to nbgrader: the one place that reads its cell metadata.

role(cell)       Role.ANSWER, TEST, SETUP (a read-only cell of the exercise's) or OTHER
grade_id(cell)   the cell's nbgrader id, or None
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from nbformat import NotebookNode


class Role(StrEnum):
    ANSWER = "answer"  # nbgrader's solution cell: the learner writes it
    TEST = "test"  # a graded cell that is not a solution: the tests, worth points
    SETUP = "setup"  # a locked cell: imports and helpers the tests rely on
    OTHER = "other"  # prose, or a cell the learner added


def nbgrader_meta(cell: NotebookNode) -> dict[str, Any]:
    """The cell's nbgrader metadata ({} for a cell nbgrader does not know)."""
    meta: dict[str, Any] = cell.get("metadata", {}).get("nbgrader", {})
    return meta


def grade_id(cell: NotebookNode) -> str | None:
    found: str | None = nbgrader_meta(cell).get("grade_id")
    return found


def role(cell: NotebookNode) -> Role:
    meta = nbgrader_meta(cell)
    if meta.get("solution"):
        return Role.ANSWER
    if meta.get("grade"):
        return Role.TEST
    if meta.get("locked"):
        return Role.SETUP
    return Role.OTHER


def cells_of(notebook: NotebookNode, kind: Role) -> dict[str, NotebookNode]:
    """The notebook's cells of one role that have an id, by id, in notebook order."""
    return {gid: c for c in notebook.cells if role(c) is kind and (gid := grade_id(c))}
