"""scripts/course.py, the commands `make lab` and `make test` run and Windows runs without make."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.version_matrix import find_interpreter

COURSE = Path(__file__).resolve().parents[1]
CLI = [str(COURSE / "scripts" / "course.py")]


def _course(*arguments: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    command = [python, *CLI, *arguments]
    return subprocess.run(command, cwd=COURSE, capture_output=True, text=True, timeout=300)


def test_setup_leaves_an_environment_with_the_same_pins_alone():
    done = _course("setup", "--venv", sys.prefix)
    assert done.returncode == 0, done.stderr
    assert "setting up" not in done.stdout, "an environment with the same pins was installed again"


def test_test_runs_pytest_in_the_environment_with_the_arguments_given():
    done = _course("test", "--venv", sys.prefix, "--collect-only", "-q", "tests/test_posix_only.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 tests collected" in done.stdout, done.stdout


def test_a_python_older_than_3_11_is_told_what_to_do():
    old = find_interpreter("3.10")
    if old is None:
        pytest.skip("no Python 3.10 on this machine")
    done = _course("lab", python=old)
    assert done.returncode == 1
    assert done.stderr.startswith("This course needs Python 3.11 or newer; this is 3.10"), (
        done.stderr
    )
    assert "Traceback" not in done.stderr
