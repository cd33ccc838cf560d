"""The Python of every version the course supports, for tables with a column per version."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from scripts.version_matrix import environment, find_interpreter, supported_versions

RUNNING = "{}.{}".format(*sys.version_info[:2])


def pythons(chosen: list[str] | None = None) -> Iterator[tuple[str, str | None]]:
    """(version, python) for every supported version, or the `chosen` ones, oldest first.

    The running interpreter measures its own version; any other uses `.venv-matrix/<version>`
    (built with the pinned packages if missing). python is None when this machine has no
    interpreter for the version."""
    for version in supported_versions():
        if chosen and version not in chosen:
            continue
        if version == RUNNING:
            yield version, sys.executable
            continue
        interpreter = find_interpreter(version)
        venv = interpreter and environment(version, interpreter)
        yield version, venv and str(venv / "bin" / "python")


def missing(found: list[tuple[str, str | None]]) -> str:
    """The line to print under a table for the versions shown as n/a, if any."""
    absent = [version for version, python in found if python is None]
    if not absent:
        return ""
    return f"n/a: no Python {', '.join(absent)} on this machine (pyenv's, or python3.X on PATH)\n"
