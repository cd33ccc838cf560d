"""`python -m helpers.grade`: the learner's self-grading command, run as a learner runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import variants

COURSE = Path(__file__).resolve().parents[1]
EXERCISE = COURSE / "exercises" / "01-why-async"
SOLUTION = COURSE / "solutions" / "01-why-async" / "01-why-async.ipynb"


def grade(*args: str, cwd: Path = COURSE) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    return subprocess.run(
        [sys.executable, "-m", "helpers.grade", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_untouched_exercise_prints_a_score_table():
    result = grade("exercises/01-why-async")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    parts = [line for line in lines if line.startswith("  Part ")]
    assert len(parts) == 4, result.stdout
    assert all(" 0 / " in line and "not answered yet" in line for line in parts), result.stdout
    assert lines[-1] == "Total: 0 / 10"
    assert_no_traceback(result)


def test_copy_outside_the_course_graded_as_json(tmp_path):
    copy = tmp_path / "01-why-async" / "my attempt.ipynb"
    copy.parent.mkdir()
    shutil.copy(SOLUTION, copy)
    result = grade(copy, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total"] == report["max"] == 10
    assert [p["id"] for p in report["parts"]] == [f"part{n}_tests" for n in range(1, 5)]
    assert all(
        set(p) >= {"id", "points", "max", "message"} and p["message"] == "" for p in report["parts"]
    )


def test_edited_and_deleted_test_cells_are_restored_and_reported(tmp_path):
    release = nbformat.read(EXERCISE / "01-why-async.ipynb", 4)
    solution = nbformat.read(SOLUTION, 4)
    notebook = variants.revert_answer(solution, release, "part2_answer")
    notebook.cells = [
        c for c in notebook.cells if variants.nbgrader_meta(c).get("grade_id") != "part3_tests"
    ]
    for cell in notebook.cells:
        if variants.nbgrader_meta(cell).get("grade_id") == "part2_tests":
            cell.source = "assert True  # trust me"
    variants.write(notebook, tmp_path / "01-why-async" / "01-why-async.ipynb")
    result = grade(tmp_path / "01-why-async", "--json")
    report = json.loads(result.stdout)
    points = {p["id"]: p["points"] for p in report["parts"]}
    assert points == {"part1_tests": 2, "part2_tests": 0, "part3_tests": 3, "part4_tests": 3}
    statuses = {p["id"]: p["status"] for p in report["parts"]}
    assert statuses == {
        "part1_tests": "passed",
        "part2_tests": "not answered",
        "part3_tests": "passed",
        "part4_tests": "passed",
    }, statuses
    assert any("part2_tests was changed" in note for note in report["notes"]), report["notes"]
    assert any("part3_tests was deleted" in note for note in report["notes"]), report["notes"]


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda text: text[: len(text) // 2], "not valid JSON"),
        (lambda text: json.dumps({"cells": 3}), "not a valid Jupyter notebook"),
    ],
    ids=["cut-short", "not-a-notebook"],
)
def test_broken_notebooks_get_a_paragraph_not_a_traceback(tmp_path, damage, expected):
    broken = tmp_path / "01-why-async" / "01-why-async.ipynb"
    broken.parent.mkdir()
    broken.write_text(damage(SOLUTION.read_text()))
    result = grade(broken)
    assert result.returncode == 1
    assert expected in result.stdout, result.stdout
    assert "fresh copy" in result.stdout
    assert_no_traceback(result)


def test_all_prints_a_progress_table():
    result = grade("--all")
    assert result.returncode == 0, result.stderr
    assert "01-why-async" in result.stdout and "not started" in result.stdout, result.stdout
    assert result.stdout.splitlines()[-1].startswith("Total: 0 / ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "name one exercise"),
        (("exercises/01-why-async", "--all"), "name one exercise"),
        (("notebooks",), "not named like an exercise"),
        (("README.md",), "neither a folder nor a .ipynb notebook"),
    ],
)
def test_usage_problems_exit_2_with_a_reason(args, expected):
    result = grade(*args)
    assert result.returncode == 2
    assert expected in result.stderr, result.stderr
    assert_no_traceback(result)


def test_a_notebook_in_an_unrelated_folder_is_refused(tmp_path):
    stray = tmp_path / "homework.ipynb"
    shutil.copy(SOLUTION, stray)
    result = grade(stray, cwd=tmp_path)
    assert result.returncode == 2
    assert "folder named like the exercise" in result.stderr


def test_a_notebook_that_kills_the_kernel_loses_only_that_part(tmp_path):
    solution = nbformat.read(SOLUTION, 4)
    for cell in solution.cells:
        if variants.nbgrader_meta(cell).get("grade_id") == "part2_answer":
            cell.source = "import os\n\nos._exit(3)"
    variants.write(solution, tmp_path / "01-why-async" / "01-why-async.ipynb")
    result = grade(tmp_path / "01-why-async")
    assert result.returncode == 0, result.stderr
    assert "kernel died" in result.stdout, result.stdout
    assert "Note: the kernel died in part2_answer" in result.stdout, result.stdout
    assert result.stdout.splitlines()[-1] == "Total: 8 / 10"
    assert_no_traceback(result)


def test_a_notebook_that_lost_its_labels_is_graded_with_its_cells_matched(tmp_path):
    """An editor that drops nbgrader's metadata: the grader finds each cell by source and place."""
    notebook = variants.without_nbgrader_metadata(nbformat.read(SOLUTION, 4))
    variants.write(notebook, tmp_path / "01-why-async" / "01-why-async.ipynb")
    report = json.loads(grade(tmp_path / "01-why-async", "--json").stdout)
    assert report["total"] == report["max"] == 10, report
    assert any("lost its nbgrader label" in note for note in report["notes"]), report["notes"]
