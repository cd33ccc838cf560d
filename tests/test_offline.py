"""The suite runs offline: any connection beyond this machine fails, in every process it starts,
so every lesson, exercise and test that passes has proven it needs no network."""

from __future__ import annotations

import socket
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

OUTSIDE = ("203.0.113.7", 80)  # TEST-NET-3: an address outside this machine
TRY_OUTSIDE = f"""
import socket
try:
    socket.create_connection({OUTSIDE!r}, timeout=2)
    print("connected")
except OSError as error:
    print(error)
"""


def test_this_process_cannot_reach_the_outside():
    with pytest.raises(OSError, match="offline test run"):
        socket.create_connection(OUTSIDE, timeout=2)


def test_loopback_still_works(server):
    with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])), timeout=2):
        pass


def test_a_child_python_cannot_reach_the_outside():
    result = subprocess.run([sys.executable, "-c", TRY_OUTSIDE], capture_output=True, text=True)
    assert "offline test run" in result.stdout, result.stdout + result.stderr


def test_a_notebook_kernel_cannot_reach_the_outside():
    notebook = new_notebook(cells=[new_code_cell(TRY_OUTSIDE)])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    printed = "".join(output.get("text", "") for output in notebook.cells[0].outputs)
    assert "offline test run" in printed, nbformat.writes(notebook)
