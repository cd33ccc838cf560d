"""The helpers package's public names: listed once, loaded on first use, all resolvable."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import helpers

COURSE = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves_to_the_module_that_defines_it():
    assert sorted(helpers.__all__) == sorted(helpers._EXPORTS)
    for name, module in helpers._EXPORTS.items():
        assert getattr(helpers, name).__module__ == module, name


def test_a_function_named_like_its_module_is_the_function():
    # helpers.stopwatch is both a module and the function it exports; the function must win,
    # whichever name of the module is imported first.
    code = (
        "from helpers import Stopwatch, stopwatch, LoopLag, loop_lag; "
        "print(callable(stopwatch) and callable(loop_lag) and stopwatch('x').label)"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert printed == "x"


def test_importing_the_package_loads_none_of_its_modules():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import helpers, sys; print(sorted(m for m in sys.modules if m.startswith('helpers.')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded == "[]", f"import helpers loaded {loaded}"


def test_server_stats_has_the_keys_the_exercises_read():
    from helpers import mock_server

    stats = mock_server().stats()
    assert set(stats) == set(helpers.ServerStats.__annotations__)


def test_the_helpers_pass_mypy_strict():
    # `make lint` runs the same check; here it keeps the typed contracts true in CI as well.
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", os.devnull],
        cwd=COURSE,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_plain_install_ships_every_package():
    """`pip install <course>` (not -e), as a JupyterHub image does, copies only listed packages."""
    listed = set(
        tomllib.loads((COURSE / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(COURSE).parts)
        for init in (COURSE / "helpers").rglob("__init__.py")
    }
    assert listed == found
