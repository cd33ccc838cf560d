"""A first async test: fetch_all keeps the order of its URLs."""

import aiohttp
import pytest

from fetchkit import fetch_all
from helpers import mock_server


@pytest.mark.asyncio
async def test_results_keep_the_order_of_the_urls():
    server = mock_server()  # the pytest process starts a mock server of its own
    urls = [f"{server.url}/items/{n}?delay={n / 20}" for n in (3, 1, 2)]
    async with aiohttp.ClientSession() as session:
        items = await fetch_all(session, urls, limit=3)
    assert [item["id"] for item in items] == [3, 1, 2]
