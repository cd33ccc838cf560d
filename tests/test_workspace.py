"""The learner's workspace: nothing but the learner writes there.

A copy of the course in a real git repository: the learner solves part of an exercise in
workspace/, then the course changes upstream and is pulled, the maintainer commands run, and an
instructor tool regenerates the exercise. The learner's notebook must come through all of it
byte for byte, and `python -m helpers.grade 01` must grade that copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import variants

from helpers import workspace

COURSE = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-why-async"
TRACKED = ("helpers", "scripts", "notebooks", "exercises", "solutions")
FILES = ("nbgrader_config.py", "pyproject.toml", ".gitignore", "README.md")


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """The learner's clone of a course repository, with exercise 01 half solved in workspace/."""
    root = tmp_path_factory.mktemp("workspace")
    upstream = root / "upstream"
    for name in TRACKED:
        shutil.copytree(
            COURSE / name, upstream / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in FILES:
        shutil.copy(COURSE / name, upstream / name)
    git("init", "-q", "-b", "main", cwd=upstream)
    git("add", "-A", cwd=upstream)
    git("commit", "-q", "-m", "course", cwd=upstream)
    learner = root / "learner"
    git("clone", "-q", str(upstream), str(learner), cwd=root)
    workspace.add_missing(learner)
    solution = nbformat.read(COURSE / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    mine = learner / "workspace" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    fetched = nbformat.read(mine, 4)
    answers = {g: variants.answer_source(solution, g) for g in ("part1_answer", "part2_answer")}
    nbformat.write(variants.with_answers(fetched, answers), mine)
    return learner


def test_the_workspace_is_ignored_by_git(clone):
    mine = f"workspace/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    git("check-ignore", "-q", mine, cwd=clone)  # fails (exit 1) if git would track it
    assert git("status", "--porcelain", cwd=clone) == "", "the workspace shows up in git status"


def test_a_course_update_pull_leaves_the_learners_work_alone(clone):
    mine = clone / "workspace" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    before = digest(mine)
    upstream = clone.parent / "upstream"
    released = upstream / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(released, 4)
    notebook.cells[0].source += "\n\nA sentence added by a course update."
    nbformat.write(notebook, released)
    git("commit", "-q", "-am", "update exercise 01", cwd=upstream)
    git("pull", "-q", cwd=clone)
    assert "course update" in (clone / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert digest(mine) == before


def test_maintainer_and_instructor_commands_leave_the_learners_work_alone(clone):
    mine = clone / "workspace" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    before = digest(mine)
    commands = [
        ("scripts/regenerate_exercises.py", ASSIGNMENT),  # make exercises
        ("scripts/binder_links.py",),  # make links
        ("-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"),  # Formgrader's Generate
        ("-m", "helpers.workspace"),  # make lab, again
    ]
    for command in commands:
        result = run(*command, cwd=clone)
        assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
        assert digest(mine) == before, f"{command} changed the learner's notebook"


def test_the_grade_command_grades_the_learners_copy(clone):
    result = run("-m", "helpers.grade", "01", "--json", cwd=clone)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    points = {part["id"]: part["points"] for part in report["parts"]}
    assert points == {"part1_tests": 2, "part2_tests": 2, "part3_tests": 0, "part4_tests": 0}
