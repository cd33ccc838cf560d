"""Grade notebooks with real nbgrader, in a throwaway course directory.

`TempCourse(course, assignment)` copies the assignment's source from `solutions/` into a
temporary course and runs nbgrader's generate_assignment (which fills a fresh SQLite gradebook);
its `autograde(submissions)` grades every submission in one autograde run and reads each part's
points from the gradebook and its failure message from the autograded notebook. The
self-grading command and the grading-integrity tests both go through here, so learners and CI
grade the same way.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import nbformat

from helpers.grading.cells import Role, grade_id, nbgrader_meta, role
from helpers.grading.nbgrader_plugins import findings, stderr_lines

NOTEBOOK_VERSION = 4
NOT_ANSWERED = "not answered yet: replace `raise NotImplementedError()` with your code"


class Status(StrEnum):
    """How a graded part ended. Reports render it; nothing reads a part's message for it."""

    PASSED = "passed"
    FAILED = "failed"  # a test failed, or the answer cell before it did
    NOT_ANSWERED = "not answered"  # the answer still raises NotImplementedError
    BLOCKED_LOOP = "blocked the loop"  # within() stopped code that held the event loop
    TIMED_OUT = "timed out"  # the grader's per-cell time limit stopped the cell
    TAMPERING = "tampering suspected"  # the test found its own machinery changed
    KERNEL_DIED = "kernel died"  # the kernel died under the cell
    NOT_RUN = "not run"  # the test never ran: the grading budget was spent, or nothing could run


# Errors whose message says it all (the grader's own, and within()'s), and what they mean.
GRADER_ERRORS = {
    "KernelDied": Status.KERNEL_DIED,
    "GradingBudgetExceeded": Status.NOT_RUN,
    "TamperingSuspected": Status.TAMPERING,
    "EventLoopBlocked": Status.BLOCKED_LOOP,
    "BlockedPastDeadline": Status.BLOCKED_LOOP,
}


@dataclass
class Part:
    """One graded test cell: its id, title, points earned and possible, how it ended and why."""

    id: str
    title: str
    points: float
    max: float
    message: str = ""  # first line of the error, empty when the part passed
    status: Status = Status.PASSED


@dataclass
class Report:
    """The result of grading one submission."""

    assignment: str
    parts: list[Part] = field(default_factory=list)
    notes: list[str] = field(
        default_factory=list
    )  # what the learner should know, e.g. restored cells
    error: str = ""  # set when the notebook as a whole could not be graded
    flags: list[str] = field(default_factory=list)  # tampering suspected: for a person to look at

    @property
    def total(self) -> float:
        return sum(part.points for part in self.parts)

    @property
    def max(self) -> float:
        return sum(part.max for part in self.parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignment": self.assignment,
            "total": self.total,
            "max": self.max,
            "parts": [asdict(part) for part in self.parts],
            "notes": self.notes,
            "flags": self.flags,
            "error": self.error,
        }


def assignments(course: Path) -> list[str]:
    """The assignment ids of a course: the folders of `solutions/` that hold a notebook."""
    source = course / "solutions"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_ids(course: Path, assignment: str) -> list[str]:
    """The names (without .ipynb) of an assignment's notebooks."""
    return sorted(p.stem for p in (course / "solutions" / assignment).glob("*.ipynb"))


@contextmanager
def _quiet_nbgrader_logs() -> Iterator[None]:
    """nbgrader logs every step (and a harmless checksum warning per hidden-test cell)."""
    logger = logging.getLogger("traitlets")
    level, propagate, handlers = logger.level, logger.propagate, logger.handlers[:]
    logger.handlers.clear()
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate
        logger.handlers[:] = handlers


@contextmanager
def _this_python_on_path() -> Iterator[None]:
    """nbgrader runs `alembic` when it creates a gradebook: it must be this Python's."""
    before = os.environ.get("PATH", "")
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + before
    try:
        yield
    finally:
        os.environ["PATH"] = before


def _run(
    app_class: type, root: Path, assignment: str, student: str = ".", **traits: object
) -> dict[str, Any]:
    """Run one nbgrader converter in this process; returns nbgrader's {success, log, error}."""
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    app = app_class(coursedir=coursedir, config=config)
    for name, value in traits.items():
        setattr(app, name, value)
    with _quiet_nbgrader_logs(), _this_python_on_path(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush warnings from nbgrader's own code
        outcome: dict[str, Any] = capture_log(app)
        return outcome


def _copy_submission(source: Path, destination: Path, notebooks: list[str]) -> None:
    destination.mkdir(parents=True)
    if source.is_dir():
        for name in notebooks:
            if (source / f"{name}.ipynb").exists():
                shutil.copy(source / f"{name}.ipynb", destination)
    else:  # a single notebook, perhaps renamed by the learner
        shutil.copy(source, destination / f"{notebooks[0]}.ipynb")


def _parts(release: nbformat.NotebookNode) -> dict[str, tuple[str, float]]:
    """Each test cell's title (the last markdown heading above it, without its points) and points."""
    titles, heading = {}, ""
    for cell in release.cells:
        if cell.cell_type == "markdown":
            found = re.findall(r"^#+\s+(.+)$", cell.source, flags=re.MULTILINE)
            if found:
                heading = re.sub(r"\s*\(\d+(\.\d+)? points?\)\s*$", "", found[-1]).strip()
        if role(cell) is Role.TEST and (name := grade_id(cell)):
            titles[name] = (heading or name, float(nbgrader_meta(cell)["points"]))
    return titles


def _first_error(cell: nbformat.NotebookNode) -> tuple[Status, str]:
    """How a cell ended, with the first line of its error in words for the learner."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if any(o.get("ename") == "CellTimeoutError" for o in errors):  # after its KeyboardInterrupt
        return Status.TIMED_OUT, (
            "the cell ran past the grader's time limit and was stopped: look for an endless loop"
        )
    if not errors:
        return Status.PASSED, ""
    ename = errors[0].get("ename")
    if ename == "NotImplementedError":
        return Status.NOT_ANSWERED, NOT_ANSWERED
    if ename in GRADER_ERRORS:  # the grader's own words, without the name
        return GRADER_ERRORS[ename], str(errors[0].get("evalue", ""))
    if ename == "MemoryError":
        return Status.FAILED, (
            "MemoryError: the code asked for more memory than the grader allows one notebook; "
            "look for a list or buffer that grows without end"
        )
    value = (errors[0].get("evalue") or "").strip().splitlines()
    return Status.FAILED, f"{ename}: {value[0]}" if value else str(ename)


def _answer_failures(graded: nbformat.NotebookNode) -> dict[str, tuple[Status, str]]:
    """For each test cell, how an answer cell above it (since the previous test) failed, if any.

    A failing answer cell (a syntax error, an endless loop) makes its test fail with a NameError
    that hides the cause; this finds the cause.
    """
    failures: dict[str, tuple[Status, str]] = {}
    pending = (Status.PASSED, "")
    for cell in graded.cells:
        kind = role(cell)
        if kind is Role.ANSWER and pending[0] is Status.PASSED:
            pending = _first_error(cell)
        elif kind is Role.TEST and (name := grade_id(cell)):
            failures[name] = pending
            pending = (Status.PASSED, "")
    return failures


def _failure_paragraph(log: str, student: str) -> str:
    """One paragraph from nbgrader's log about why this student's notebook could not be graded."""
    lines = log.splitlines()
    trace: list[str] = []
    for number, line in enumerate(lines):
        if "error processing assignment" in line and line.rstrip(os.sep).split(os.sep)[-2:-1] == [
            student
        ]:
            for following in lines[number + 1 :]:
                if trace and following.startswith("["):
                    break
                trace.append(following.removeprefix("[ERROR] "))
            break
    text = "\n".join(trace)
    if "kernel_info" in text or "Kernel didn't respond" in text:  # it died while starting
        return (
            "the grading kernel would not start, so nothing in the notebook ran: this is not "
            "about your code; grade again, and if it keeps happening, tell your instructor"
        )
    if "DeadKernelError" in text or "Kernel died" in text:
        return (
            "the notebook stopped the Python kernel while it ran (sys.exit(), os._exit() or a crash "
            "in your code?), so none of it could be graded: find that line and take it out"
        )
    last = next((line.strip() for line in reversed(trace) if line.strip()), "no reason was logged")
    return f"nbgrader could not grade this notebook ({last})"


class TempCourse:
    """A throwaway nbgrader course holding one assignment, generated and ready to autograde.

    with TempCourse(course, "01-why-async") as temp:
        temp.release                          # the generated student version's folder
        reports = temp.autograde({"ada": path_to_notebook})
    """

    def __init__(self, course: Path, assignment: str, settings: str = "") -> None:
        """`settings`: extra nbgrader_config.py lines for this temporary course only."""
        self.course = Path(course).resolve()
        self.assignment = assignment
        self.settings = settings
        self.notebooks = notebook_ids(self.course, assignment)
        if not self.notebooks:
            raise ValueError(f"no notebooks in {self.course / 'solutions' / assignment}")
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._db: tempfile.TemporaryDirectory[str] | None = None
        self._releases: dict[str, nbformat.NotebookNode] = {}

    @property
    def root(self) -> Path:
        assert self._tmp is not None, "a TempCourse has folders only inside its `with` block"
        return Path(self._tmp.name)

    @property
    def gradebook_url(self) -> str:
        """The gradebook lives outside the course folder, away from the kernels' working folders."""
        assert self._db is not None, "a TempCourse has folders only inside its `with` block"
        return f"sqlite:///{Path(self._db.name) / 'gradebook.db'}"

    @property
    def release(self) -> Path:
        return self.root / "exercises" / self.assignment

    def __enter__(self) -> TempCourse:
        from nbgrader.converters import GenerateAssignment

        self._tmp = tempfile.TemporaryDirectory(prefix=f"grade-{self.assignment}-")
        self._db = tempfile.TemporaryDirectory(prefix="gradebook-")
        try:
            config = (self.course / "nbgrader_config.py").read_text()
            where = f"c.CourseDirectory.db_url = {self.gradebook_url!r}"
            (self.root / "nbgrader_config.py").write_text(f"{config}\n{where}\n{self.settings}\n")
            shutil.copytree(
                self.course / "solutions" / self.assignment,
                self.root / "solutions" / self.assignment,
            )
            generated = _run(GenerateAssignment, self.root, self.assignment, force=True)
            if not generated["success"]:
                raise RuntimeError(
                    f"nbgrader generate_assignment failed:\n{generated.get('error')}"
                )
            # Read now, before any learner code runs: what the parts are and what they are worth.
            self._releases = {
                name: nbformat.read(self.release / f"{name}.ipynb", NOTEBOOK_VERSION)
                for name in self.notebooks
            }
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        for folder in (self._tmp, self._db):
            if folder is not None:
                folder.cleanup()

    def autograde(self, submissions: dict[str, Path]) -> dict[str, Report]:
        """Grade each submission (student id -> notebook or folder) in one nbgrader autograde run."""
        from nbgrader.converters import Autograde

        for student, source in submissions.items():
            destination = self.root / "submitted" / student / self.assignment
            shutil.rmtree(destination, ignore_errors=True)
            _copy_submission(Path(source), destination, self.notebooks)
        graded = _run(Autograde, self.root, self.assignment, student="*", force=True)
        log = graded.get("log", "") + graded.get("error", "")
        return {student: self._report(student, log) for student in submissions}

    def _report(self, student: str, log: str) -> Report:
        from nbgrader.api import Gradebook, MissingEntry

        report = Report(self.assignment)
        with Gradebook(self.gradebook_url) as gradebook:
            for name in self.notebooks:
                graded_path = self.root / "autograded" / student / self.assignment / f"{name}.ipynb"
                graded_cells, answer_failures, stderr = {}, {}, {}
                if graded_path.exists():
                    graded = nbformat.read(graded_path, NOTEBOOK_VERSION)
                    answer_failures = _answer_failures(graded)
                    stderr = stderr_lines(graded)
                    for cell in graded.cells:
                        if cell_id := grade_id(cell):
                            graded_cells[cell_id] = cell
                    found = findings(graded)
                    report.notes += found["restored"]
                    report.notes += found["kernel"]
                    report.flags += found["tampering"]
                elif not report.error:
                    report.error = _failure_paragraph(log, student)
                for part_id, (title, maximum) in _parts(self._releases[name]).items():
                    try:
                        grade = gradebook.find_grade(part_id, name, self.assignment, student)
                    except MissingEntry:
                        points = 0.0
                    else:  # what the tests gave: a self-grade never has manual scores
                        points = min(float(grade.auto_score or 0), maximum)
                        if grade.manual_score is not None or grade.extra_credit:
                            report.flags.append(
                                f"the gradebook held a manual score or extra credit for {part_id}"
                                ", which grading never gives: it was ignored"
                            )
                    cell = graded_cells.get(part_id)
                    if cell is None:
                        status, message = (
                            Status.NOT_RUN,
                            "not graded: "
                            + (
                                "the notebook as a whole failed"
                                if report.error
                                else "the test cell did not run"
                            ),
                        )
                    elif points < maximum:
                        cause, cause_message = answer_failures.get(part_id, (Status.PASSED, ""))
                        if cause not in (Status.PASSED, Status.NOT_ANSWERED):
                            status = cause
                            message = f"your answer cell failed first: {cause_message}"
                        else:
                            status, message = _first_error(cell)
                            if status is Status.PASSED:  # lost points without an error
                                status, message = Status.FAILED, "failed without an error message"
                        if part_id in stderr:
                            message += f" (it also wrote to stderr: {stderr[part_id]})"
                    else:
                        status, message = Status.PASSED, ""
                    report.parts.append(Part(part_id, title, points, maximum, message, status))
        return report
