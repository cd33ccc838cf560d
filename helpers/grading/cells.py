"""What each cell of an exercise is to nbgrader: the one place that tells a cell's role and id.

(RestoreCellRoles in nbgrader_plugins writes whole metadata records back; it asks this module
which cell is which.)

role(cell)       Role.ANSWER, TEST, SETUP (a read-only cell of the exercise's) or OTHER
grade_id(cell)   the cell's nbgrader id, or None
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from nbformat import NotebookNode
from nbgrader import utils as nbgrader_utils


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
    """nbgrader's own reading of the flags: a solution first, then a grade, then locked."""
    if nbgrader_utils.is_solution(cell):
        return Role.ANSWER
    if nbgrader_utils.is_grade(cell):
        return Role.TEST
    if nbgrader_utils.is_locked(cell):
        return Role.SETUP
    return Role.OTHER


def cells_of(notebook: NotebookNode, kind: Role) -> dict[str, NotebookNode]:
    """The notebook's cells of one role that have an id, by id, in notebook order."""
    return {gid: c for c in notebook.cells if role(c) is kind and (gid := grade_id(c))}
