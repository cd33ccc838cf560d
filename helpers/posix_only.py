"""Lesson cells that need POSIX: they run there, and say why they are skipped on Windows.

A few lesson cells send signals (SIGINT to the kernel's own thread, SIGTERM to a child process)
or wait on pipes and files with `select()`. Linux and macOS (and WSL) have all of that; native
Windows has none of it, and such a cell would fail with an error that teaches nothing. A lesson
loads this extension once, in its setup cell:

    %load_ext helpers.posix_only

and such a cell starts with the comment `# POSIX only: what the cell needs`. On a POSIX system
the cell runs as written (a comment changes nothing, and the cell stays plain Python that linters
check); on Windows it is not run, and one line says what it needs and where to run it instead.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

MARK = "# POSIX only:"
POSIX = os.name == "posix"


def skipped(needs: str) -> str:
    """What a marked cell prints instead of running, on Windows."""
    return (
        f"Skipped on Windows: this cell needs {needs.strip()}, which Windows does not have. "
        "Its stored output shows what it does; run it in WSL or on Binder to see it live."
    )


def posix_only(lines: list[str]) -> list[str]:
    """IPython input transformer: a marked cell as it is on POSIX, else a print of why not."""
    if POSIX or not lines or not lines[0].startswith(MARK):
        return lines
    return [f"print({skipped(lines[0].removeprefix(MARK))!r})\n"]


def load_ipython_extension(shell: InteractiveShell) -> None:
    if posix_only not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(posix_only)


def unload_ipython_extension(shell: InteractiveShell) -> None:
    shell.input_transformers_cleanup.remove(posix_only)
