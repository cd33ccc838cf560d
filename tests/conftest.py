"""Shared fixtures: the course root and a running mock server."""

from __future__ import annotations

from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course() -> Path:
    return COURSE


@pytest.fixture(scope="session")
def server():
    from helpers import mock_server

    return mock_server()


@pytest.fixture
def fresh_server(server):
    server.reset_stats()
    return server
