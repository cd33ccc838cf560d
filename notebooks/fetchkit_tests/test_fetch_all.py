"""fetch_all against the mock server: order, the concurrency limit, and failures."""

import aiohttp
import pytest

from fetchkit import fetch_all


@pytest.mark.asyncio
async def test_results_keep_the_order_of_the_urls(server, session):
    urls = [f"{server.url}/items/{n}?delay={n / 20}" for n in (3, 1, 2)]
    items = await fetch_all(session, urls, limit=3)
    assert [item["id"] for item in items] == [3, 1, 2]


@pytest.mark.asyncio
async def test_runs_exactly_limit_requests_at_once(server, session):
    urls = [f"{server.url}/items/{n}?delay=0.05" for n in range(1, 9)]
    await fetch_all(session, urls, limit=3)
    seen = server.stats()
    assert seen["requests"] == 8
    assert seen["max_in_flight"] <= 3, "more than 3 requests ran at once"
    assert seen["max_in_flight"] == 3, "fewer than 3 requests ran at once: the limit went unused"


@pytest.mark.asyncio
async def test_a_failure_is_raised_and_cancels_the_rest(server, session):
    failing = f"{server.url}/flaky/once?failures=1&delay=0.1"  # a 503 after 0.1 s
    urls = [f"{server.url}/hang", failing, f"{server.url}/hang"]
    with pytest.raises(aiohttp.ClientResponseError) as failure:
        await fetch_all(session, urls, limit=3)
    assert failure.value.status == 503
    seen = await server.wait_idle()  # the server notices the cancellations a moment later
    assert seen["in_flight"] == 0, "requests still running after fetch_all raised"
    assert seen["by_status"] == {503: 1, 499: 2}
