"""Start an HTTP server in a process of its own for the length of a benchmark."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1]
HTTPBIN_PYTHON = COURSE / ".venv-httpbin" / "bin" / "python"
URL = re.compile(r"http://127\.0\.0\.1:\d+")


@contextmanager
def serving(command: list[str], startup: float = 30.0) -> Iterator[str]:
    """Run `command`, wait for the URL it prints, yield it; stop the process afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + startup
        for line in process.stdout:
            found = URL.search(line)
            if found:
                yield found.group(0).rstrip("/")
                return
            if time.monotonic() > deadline:
                break
        raise RuntimeError(f"{' '.join(command)} printed no URL")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def mock_server() -> AbstractContextManager[str]:
    return serving([sys.executable, "-m", "helpers.server", "--port", "0"])


def httpbin_installed() -> bool:
    """Whether `make bench` has set up .venv-httpbin, the environment httpbin runs in."""
    return HTTPBIN_PYTHON.exists()


def httpbin_server() -> AbstractContextManager[str]:
    """httpbin as pytest-httpbin serves it (needs httpbin_installed())."""
    return serving([str(HTTPBIN_PYTHON), str(COURSE / "benchmarks" / "httpbin_server.py")])
