"""Suite-wide test set-up: keep together what must share one pytest-xdist worker."""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)  # before xdist's loadgroup reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "graded" in params:  # one autograde run per assignment, shared by its tests
            group = f"grading-{params['graded']}"
        else:  # a notebook's cells share one kernel; a module's tests share its fixtures
            group = item.path.name
        item.add_marker(pytest.mark.xdist_group(group))
