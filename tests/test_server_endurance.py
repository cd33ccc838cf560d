"""The mock server over a long session: no threads, sockets or file descriptors left behind."""

from __future__ import annotations

import asyncio
import os
import threading

import aiohttp
import pytest

from helpers.server import MockServer


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


async def descriptors_settle_to(count: int, timeout: float = 3.0) -> int:
    """Both ends close their sockets a moment after the client hangs up: wait for that."""
    for _ in range(int(timeout / 0.05)):
        if open_descriptors() <= count:
            break
        await asyncio.sleep(0.05)
    return open_descriptors()


@pytest.mark.asyncio
async def test_ten_thousand_requests_leave_nothing_behind(fresh_server):
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50)) as session:

        async def one(number: int) -> int:
            async with session.get(f"{fresh_server.url}/items/{number % 100 + 1}") as response:
                await response.read()
                return response.status

        await one(0)  # the session's first connection exists before we count
        descriptors, threads = open_descriptors(), threading.active_count()
        for start in range(0, 10_000, 1_000):  # in batches, so the client's own memory stays flat
            statuses = await asyncio.gather(*(one(n) for n in range(start, start + 1_000)))
            assert set(statuses) == {200}
    seen = await fresh_server.wait_idle()
    assert seen["requests"] == 10_001 and seen["by_status"] == {200: 10_001}
    assert seen["in_flight"] == 0
    assert threading.active_count() == threads, "the server started threads it did not end"
    # The session is closed: once both ends have closed their sockets, we are where we began.
    left = await descriptors_settle_to(descriptors)
    assert left <= descriptors, f"{left - descriptors} descriptors leaked"


def test_a_hundred_start_stop_cycles_leave_nothing_behind(server):
    descriptors, threads = open_descriptors(), threading.active_count()
    for _ in range(100):
        extra = MockServer().start()
        assert extra.running and extra.url != server.url
        extra.stop()
        assert not extra.running
    assert threading.active_count() == threads, "stopped servers left threads running"
    assert open_descriptors() == descriptors, (
        f"{open_descriptors() - descriptors} descriptors leaked"
    )
