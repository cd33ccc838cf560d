"""A whole class, run with real nbgrader commands as an instructor and students would.

An instructor generates and releases exercise 01 into a temporary exchange; six students fetch it,
work on it in their own folders and submit (one after the due date); the instructor collects,
autogrades, generates feedback and exports grades. The CSV must hold exactly the expected scores.

nbgrader files a submission under the operating-system user who ran `nbgrader submit`. One
machine has one user here, so each student's commands run nbgrader's own command line with only
that user-name lookup replaced.
"""

from __future__ import annotations

import copy
import csv
import datetime
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import variants

COURSE = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-why-async"
COURSE_ID = "async-python-hands-on"


AS_STUDENT = (
    "import os, nbgrader.exchange.default.submit as submit\n"
    "submit.get_username = lambda: os.environ['SIMULATED_STUDENT']\n"
    "from nbgrader.apps.nbgraderapp import main\n"
    "main()"
)


def nbgrader(
    *args: str, cwd: Path, exchange: Path, student: str | None = None, may_fail: bool = False
) -> str:
    """Run one nbgrader command (as `student`, if given) and return its log.

    Fails the test with that log if the command fails, unless `may_fail`.
    """
    env = {
        **os.environ,
        "HOME": str(cwd),
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
        "SIMULATED_STUDENT": student or "",
    }
    launcher = ["-c", AS_STUDENT] if student else ["-m", "nbgrader"]
    result = subprocess.run(
        [sys.executable, *launcher, *args, f"--Exchange.root={exchange}"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert may_fail or result.returncode == 0, (
        f"nbgrader {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    )
    return result.stderr


def _answers(student: str, fetched: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What each simulated student hands in, starting from the notebook they fetched."""
    solution = nbformat.read(COURSE / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    partial = variants.revert_answer(
        variants.revert_answer(solution, fetched, "part3_answer"), fetched, "part4_answer"
    )
    return {
        "ada": solution,  # everything right
        "ben": fetched,  # hands in the untouched exercise
        "cleo": partial,  # parts 1 and 2 only
        "dev": variants.tests_replaced(partial, "pass"),  # parts 1 and 2, tests edited away
        "eve": variants.without_nbgrader_metadata(solution),  # saved by an editor without metadata
        "finn": solution,  # everything right, but late
        "gus": _with_transformer(solution),  # everything right, and a reach into the kernel
    }[student]


def _with_transformer(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(solution)
    for cell in notebook.cells:
        if variants.nbgrader_meta(cell).get("grade_id") == "part1_answer":
            cell.source += "\n\nget_ipython().input_transformers_post.append(lambda lines: lines)\n"
    return notebook


EXPECTED = {  # student: (raw score, late penalty, score)
    "ada": (10, 0, 10),
    "ben": (0, 0, 0),
    "cleo": (4, 0, 4),
    "dev": (4, 0, 4),
    "eve": (10, 0, 10),  # the grader matched her cells by their source and place
    "finn": (10, 10, 0),
    "gus": (10, 0, 10),
}
FLAGGED = {  # student: what the export's grading_flags column must mention
    "eve": "restored: the read-only cell setup had lost its nbgrader label",
    "gus": "tampering suspected: answer cell part1_answer, line",
}


@pytest.fixture(scope="module")
def classroom(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("classroom")
    exchange, instructor = root / "exchange", root / "instructor"
    exchange.mkdir(mode=0o777)
    instructor.mkdir()
    shutil.copytree(COURSE / "solutions" / ASSIGNMENT, instructor / "solutions" / ASSIGNMENT)
    config = (COURSE / "nbgrader_config.py").read_text()
    config += '\n# This class gives late work no credit.\nc.LateSubmissionPlugin.penalty_method = "zero"\n'
    (instructor / "nbgrader_config.py").write_text(config)

    def run(*args, **kwargs):
        return nbgrader(*args, exchange=exchange, **kwargs)

    run("generate_assignment", ASSIGNMENT, cwd=instructor)
    run("release_assignment", ASSIGNMENT, cwd=instructor)

    def fetch_and_submit(student: str) -> None:
        home = root / student
        home.mkdir()
        run("fetch_assignment", ASSIGNMENT, f"--course={COURSE_ID}", cwd=home, student=student)
        notebook_path = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        nbformat.write(_answers(student, nbformat.read(notebook_path, 4)), notebook_path)
        run("submit", ASSIGNMENT, f"--course={COURSE_ID}", cwd=home, student=student)

    on_time = [s for s in EXPECTED if s != "finn"]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(fetch_and_submit, on_time))
    due = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    run("db", "assignment", "add", ASSIGNMENT, f"--duedate={due}", cwd=instructor)
    fetch_and_submit("finn")

    run("collect", ASSIGNMENT, cwd=instructor)
    log = run("autograde", ASSIGNMENT, cwd=instructor)
    failed = [
        s
        for s in EXPECTED
        if f"error processing assignment '{ASSIGNMENT}' for student '{s}'" in log
    ]
    assert failed == [], f"autograde failed for {failed}:\n{log[-3000:]}"
    run("generate_feedback", ASSIGNMENT, cwd=instructor)
    run("export", "--to=grades.csv", cwd=instructor)
    return instructor


def test_every_submission_was_collected(classroom):
    collected = sorted(p.name for p in (classroom / "submitted").iterdir())
    assert collected == sorted(EXPECTED)


def test_exported_csv_holds_exactly_the_expected_scores(classroom):
    with open(classroom / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == sorted(EXPECTED)
    for student, (raw, penalty, score) in EXPECTED.items():
        row = rows[student]
        got = (float(row["raw_score"]), float(row["late_submission_penalty"]), float(row["score"]))
        assert got == (raw, penalty, score), f"{student}: {row}"
        assert float(row["max_score"]) == 10
        if student in FLAGGED:
            assert FLAGGED[student] in row["grading_flags"], f"{student}: {row['grading_flags']}"
        else:
            assert row["grading_flags"] == "", f"{student}: {row['grading_flags']}"


def test_feedback_shows_what_failed(classroom):
    feedback = classroom / "feedback"
    html = {p.parent.parent.name: p.read_text() for p in feedback.glob(f"*/{ASSIGNMENT}/*.html")}
    assert {"ada", "ben", "cleo", "dev", "finn"} <= set(html), sorted(html)
    assert "Score: 10.0 / 10.0" in html["ada"] and "output_error" not in html["ada"]
    for student in ("cleo", "dev"):  # dev's edited test cells were put back before grading
        page = html[student]
        assert "Score: 4.0 / 10.0" in page, student
        assert page.count("Score: 0.0 / 3.0") >= 2, f"{student}: parts 3 and 4 should show 0 / 3"
        assert "output_error" in page and "NotImplementedError" in page, student
