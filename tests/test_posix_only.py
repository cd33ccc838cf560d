"""Cells marked `# POSIX only:` in a real IPython shell: the cell runs on POSIX, and is skipped with a reason
where POSIX is missing (Windows, simulated here by switching the module's flag)."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from helpers import posix_only

CELL = "# POSIX only: signals\nran = 'yes'\nprint('the cell ran')\n"


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.run_cell("%load_ext helpers.posix_only")
    posix_only.load_ipython_extension(shell)  # loading twice must not add it twice
    yield shell
    shell.run_cell("%unload_ext helpers.posix_only")
    shell.user_ns.pop("ran", None)


def test_a_marked_cell_runs_as_written_on_posix(shell, capsys):
    assert shell.input_transformers_cleanup.count(posix_only.posix_only) == 1
    result = shell.run_cell(CELL)
    assert result.success, result.error_in_exec or result.error_before_exec
    assert shell.user_ns["ran"] == "yes"
    assert capsys.readouterr().out == "the cell ran\n"


def test_a_marked_cell_is_skipped_with_a_reason_without_posix(shell, capsys, monkeypatch):
    monkeypatch.setattr(posix_only, "POSIX", False)
    result = shell.run_cell(CELL)
    assert result.success and "ran" not in shell.user_ns, "the cell should not have run"
    out = capsys.readouterr().out
    assert out.startswith("Skipped on Windows: this cell needs signals,") and "WSL" in out, out


def test_unmarked_cells_are_left_alone(shell, capsys, monkeypatch):
    monkeypatch.setattr(posix_only, "POSIX", False)
    assert shell.run_cell("print('plain')").success
    assert capsys.readouterr().out == "plain\n"


def test_unloading_takes_the_mark_away(shell):
    shell.run_cell("%unload_ext helpers.posix_only")
    assert posix_only.posix_only not in shell.input_transformers_cleanup
    shell.run_cell("%load_ext helpers.posix_only")  # for the fixture's own unload
