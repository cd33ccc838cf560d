"""Suite-wide test set-up: run offline, and keep together what must share one pytest-xdist worker."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

OFFLINE = Path(__file__).resolve().parent / "tests" / "offline"
# Test folders that lessons 14 and 16 write and run with pytest themselves: not this suite's.
collect_ignore_glob = ["notebooks/*_tests"]


def pytest_configure(config: pytest.Config) -> None:
    """Refuse every connection beyond this machine, here and in every Python process started
    from here: kernels, nbgrader, scripts, JupyterLab (they inherit PYTHONPATH)."""
    paths = [str(OFFLINE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    runpy.run_path(str(OFFLINE / "sitecustomize.py"))


@pytest.hookimpl(tryfirst=True)  # before xdist's loadgroup reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        # One autograde run per assignment is shared by its tests; a notebook's cells share one
        # kernel; a module's tests share its fixtures.
        group = f"grading-{params['graded']}" if "graded" in params else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Fail loudly if xdist ignored the groups (it would split a notebook's cells across workers)."""
    grouping = getattr(session.config.option, "loadgroup", False)
    if grouping and not all("@" in item.nodeid for item in session.items):
        raise pytest.UsageError(
            "pytest-xdist did not apply --dist loadgroup to the collected tests; "
            "check that the installed pytest and pytest-xdist versions are the ones pyproject.toml allows"
        )
