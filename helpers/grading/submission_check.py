"""Look at a learner's notebook before grading it, and say in plain words what is wrong.

A notebook can reach the grader broken: cut short while saving, not a notebook at all, or with
test cells edited or deleted and cell labels lost or changed. The first two cannot be graded; the
others can (the grader restores tests and cell roles), but the learner should know.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from helpers.grading.cells import Role, grade_id, role


class Unreadable(Exception):
    """The notebook cannot be graded; the message is a paragraph for the learner."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook or raise Unreadable with a paragraph that says what to do."""
    fresh_copy = (
        "Your answers may still be in the file: open it in a text editor to rescue them, then paste "
        "them into a fresh copy of the exercise (from the course's exercises/ folder, or "
        "`git checkout -- <file>` in the course folder)."
    )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Unreadable(f"There is no file at {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(f"{path} could not be read as text ({exc}).") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(
            f"{path} is not a notebook any more: it is not valid JSON ({exc.msg}: line "
            f"{exc.lineno}, column {exc.colno}). That happens when saving was cut short or the file "
            f"was edited as plain text. {fresh_copy}"
        ) from None
    try:
        notebook: NotebookNode = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises many kinds for malformed notebooks
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Unreadable(
            f"{path} is JSON but not a valid Jupyter notebook ({first_line}). {fresh_copy}"
        ) from None
    return notebook


def check(notebook: nbformat.NotebookNode, *originals: nbformat.NotebookNode) -> dict[str, str]:
    """Compare a submission with the released exercise (and its source): cell id -> a note."""
    release = originals[0]
    allowed: dict[str, set[str]] = {}
    for original in originals:
        for cell in original.cells:
            if name := grade_id(cell):
                allowed.setdefault(name, set()).add(cell.source)
    expected = {name: c for c in release.cells if (name := grade_id(c))}
    present = {name: c for c in notebook.cells if (name := grade_id(c))}
    notes: dict[str, str] = {}
    for name, original in expected.items():
        kind = role(original)
        if kind is Role.OTHER:  # an exercise cell with an id but no role: read-only prose
            kind = Role.SETUP
        cell = present.get(name)
        if cell is None:
            notes[name] = {
                Role.ANSWER: f"the answer cell {name} is missing, so its part cannot pass.",
                Role.TEST: f"the test cell {name} was deleted; the grader put the original back.",
                Role.SETUP: f"the setup cell {name} is missing, so the tests cannot run; copy it "
                "back from a fresh copy of the exercise.",
            }[kind]
        elif kind is not Role.ANSWER and cell.source not in allowed[name]:
            notes[name] = f"the {kind} cell {name} was changed; the grader ran the original."
    return notes
