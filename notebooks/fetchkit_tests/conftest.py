"""Fixtures for every test file in this folder (pytest loads conftest.py by itself)."""

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
import pytest_asyncio

from helpers import MockServer, mock_server


@pytest.fixture
def server() -> Iterator[MockServer]:
    """The mock server, with its figures reset for each test."""
    running = mock_server()  # runs in its own thread: nothing here to await
    running.reset_stats()
    yield running


@pytest_asyncio.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A ClientSession for one test, closed after it, even when the test fails."""
    async with aiohttp.ClientSession() as client:
        yield client
