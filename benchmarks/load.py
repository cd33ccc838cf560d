"""Keep a number of clients busy for a fixed time: the loop both load benchmarks run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def keep_busy(seconds: float, clients: int, client: Callable[[], Awaitable[None]]) -> float:
    """Run `clients` copies of `client` (each loops for ever) for `seconds`, then cancel them all;
    the seconds they really ran, to divide counts by."""
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(client()) for _ in range(clients)]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return time.perf_counter() - started
