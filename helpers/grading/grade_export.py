"""`nbgrader export` for the course: nbgrader's CSV columns, plus what the grader noticed.

The extra column, `grading_flags`, lists per submission what an instructor may want to look at:
answer cells with constructs that can tamper with grading, things the grader had to put back
before a test, cell roles it restored, kernels that died. It reads them from the autograded
notebooks (see helpers.grading.nbgrader_plugins). Switched on in nbgrader_config.py.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

from helpers.grading.nbgrader_plugins import findings

COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
    "grading_flags",
]


class FlaggedCsvExport(ExportPlugin):
    """Grades as CSV (nbgrader's columns), with a column of flags per submission."""

    def export(self, gradebook: Gradebook) -> None:
        destination = self.to or "grades.csv"
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        with open(destination, "w", newline="") as handle:
            writer = csv.DictWriter(handle, COLUMNS)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    writer.writerow(self._row(gradebook, assignment, student))

    def _row(self, gradebook: Gradebook, assignment: Any, student: Any) -> dict[str, Any]:
        """One CSV row; the arguments are nbgrader's (untyped) gradebook and its records."""
        row = {
            "assignment": assignment.name,
            "duedate": assignment.duedate or "",
            "student_id": student.id,
            "last_name": student.last_name or "",
            "first_name": student.first_name or "",
            "email": student.email or "",
            "max_score": assignment.max_score,
            "timestamp": "",
            "raw_score": 0.0,
            "late_submission_penalty": 0.0,
            "score": 0.0,
            "grading_flags": "",
        }
        try:
            submission = gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:
            return row
        penalty = submission.late_submission_penalty or 0.0
        row.update(
            timestamp=submission.timestamp or "",
            raw_score=submission.score,
            late_submission_penalty=penalty,
            score=max(0.0, submission.score - penalty),
            grading_flags="; ".join(self._flags(assignment.name, student.id)),
        )
        return row

    def _flags(self, assignment: str, student: str) -> list[str]:
        flags = []
        coursedir = self.parent.coursedir
        folder = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
        for path in sorted(folder.glob("*.ipynb")):
            found = findings(nbformat.read(path, as_version=4))
            flags += [f"tampering suspected: {item}" for item in found["tampering"]]
            flags += [f"restored: {item}" for item in found["restored"]]
            flags += found["kernel"]
        return flags
