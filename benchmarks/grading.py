"""Table 3: grading speed. One self-grade; a class of 30 with nbgrader autograde, serially and
split over parallel workers that share one gradebook (checked against the serial scores)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from benchmarks.pythons import missing, pythons
from benchmarks.report import table, within
from helpers.grading.cells import Role, cells_of
from scripts.course import environment

COURSE = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-why-async"
CLASS_SIZE = 30
SELF_GRADE_TARGET = 10.0  # seconds


def _timed(command: list[str], cwd: Path, python: str = sys.executable) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=environment(Path(python)), check=True, capture_output=True)
    return time.perf_counter() - started


def _nbgrader(*args: str) -> list[str]:
    return [sys.executable, "-m", "nbgrader", *args]


def _self_grade_seconds(
    assignment: str, folder: str, scratch: Path, python: str = sys.executable
) -> float:
    """Time `python -m helpers.grade` on a copy of solutions/ or exercises/ `assignment`."""
    copy = scratch / folder / assignment
    shutil.copytree(COURSE / folder / assignment, copy)
    return _timed([python, "-m", "helpers.grade", str(copy)], COURSE, python)


def self_grade() -> list[list[object]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, folder in (
            ("self-grade, untouched exercise", "exercises"),
            ("self-grade, full solution", "solutions"),
        ):
            seconds = _self_grade_seconds(ASSIGNMENT, folder, Path(tmp))
            rows.append([label, 1, seconds, within([seconds], SELF_GRADE_TARGET), ""])
    return rows


def every_exercise(only: list[str] | None = None, versions: list[str] | None = None) -> str:
    """Self-grade time of every exercise (or those whose name starts with one of `only`),
    untouched and fully solved, with each supported Python."""
    assignments = sorted(path.name for path in (COURSE / "solutions").iterdir())
    assignments = [name for name in assignments if not only or name.startswith(tuple(only))]
    found = list(pythons(versions))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in assignments:
            figures: list[object] = []
            for version, python in found:
                if python is None:
                    figures += ["n/a", "n/a"]
                    continue
                scratch = Path(tmp) / version
                figures += [
                    _self_grade_seconds(assignment, folder, scratch, python)
                    for folder in ("exercises", "solutions")
                ]
            measured = [figure for figure in figures if isinstance(figure, float)]
            rows.append([assignment, *figures, within(measured, SELF_GRADE_TARGET)])
    columns = [f"{version} {state}" for version, _ in found for state in ("untouched", "solved")]
    return table(
        "Self-grade of every exercise, python -m helpers.grade, seconds per Python version "
        f"(target: {SELF_GRADE_TARGET:g} s)",
        ["exercise", *columns, "within target"],
        rows,
    ) + missing(found)


def _class_course(root: Path) -> None:
    """A course with exercise 01 generated and 30 collected submissions: 10 right, 10 blank,
    10 half done; students are named w0-... to w5-..., so workers can take a share each."""
    shutil.copy(COURSE / "nbgrader_config.py", root)
    shutil.copytree(COURSE / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    subprocess.run(
        _nbgrader("generate_assignment", ASSIGNMENT),
        cwd=root,
        env=environment(Path(sys.executable)),
        check=True,
        capture_output=True,
    )
    solution = nbformat.read(root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    blank = nbformat.read(root / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    half = nbformat.read(root / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    answers = {name: cell.source for name, cell in cells_of(solution, Role.ANSWER).items()}
    for name, cell in cells_of(half, Role.ANSWER).items():
        if name in ("part1_answer", "part2_answer"):
            cell.source = answers[name]
    for number in range(CLASS_SIZE):
        student = f"w{number % 6}-s{number:02d}"
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write((solution, blank, half)[number % 3], folder / f"{ASSIGNMENT}.ipynb")


def _scores(root: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)}


def class_of_30() -> list[list[object]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        template.mkdir()
        _class_course(template)
        serial = Path(tmp) / "serial"
        shutil.copytree(template, serial)
        seconds = _timed(_nbgrader("autograde", ASSIGNMENT), serial)
        expected = _scores(serial)
        rows.append(
            [
                f"nbgrader autograde, class of {CLASS_SIZE}",
                1,
                seconds,
                "",
                f"{len(expected)} graded",
            ]
        )
        for workers in (2, 3):
            copy = Path(tmp) / f"parallel-{workers}"
            shutil.copytree(template, copy)
            # students are named w0- to w5-: worker k takes the w-numbers equal to k modulo workers
            groups = [
                "--student=w[" + "".join(str(n) for n in range(6) if n % workers == k) + "]-*"
                for k in range(workers)
            ]
            commands = [_nbgrader("autograde", ASSIGNMENT, group) for group in groups]
            started = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(_timed, commands, [copy] * workers))
            seconds = time.perf_counter() - started
            got = _scores(copy)
            intact = "same scores" if got == expected else f"DIFFERENT: {len(got)} graded"
            rows.append([f"same, {workers} parallel workers", workers, seconds, "", intact])
    return rows


def run() -> str:
    rows = self_grade() + class_of_30()
    return table(
        f"Grading exercise {ASSIGNMENT} (target: a self-grade in {SELF_GRADE_TARGET:g} s)",
        ["what", "processes", "seconds", "within target", "gradebook"],
        rows,
    )
