"""Table 4: lesson 16's kind of service under load, beside the mock server it calls: requests per
second, p50 and p99 latency, and the 503s it sheds (benchmarks/service.py is the service)."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections import Counter

import aiohttp

from benchmarks import servers
from benchmarks.load import keep_busy
from benchmarks.report import table

SECONDS = 5.0  # of load per row
COLUMNS = ["server", "GET", "clients", "answered/s", "p50 (ms)", "p99 (ms)", "503s", "errors"]


async def load(url: str, clients: int) -> list[object]:
    """`clients` loops, each sending one request after another for SECONDS: the row's figures."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def client() -> None:
            while True:
                started = time.perf_counter()
                try:
                    async with session.get(url) as response:
                        await response.read()
                        statuses[response.status] += 1
                except (aiohttp.ClientError, TimeoutError):
                    statuses["error"] += 1
                    await asyncio.sleep(0.01)
                    continue
                if response.status == 200:
                    latencies.append(time.perf_counter() - started)

        elapsed = await keep_busy(SECONDS, clients, client)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return [len(latencies) / elapsed, cuts[49] * 1000, cuts[98] * 1000,
            statuses[503], statuses["error"]]  # fmt: skip


def run() -> str:
    rows = []
    with servers.mock_server() as upstream:
        rows.append(["mock server", "/items/1", 50, *asyncio.run(load(f"{upstream}/items/1", 50))])
        command = [sys.executable, "-m", "benchmarks.service", "--upstream", upstream]
        with servers.serving(command) as service:
            for path, clients in (("/ping", 50), ("/price/1", 50), ("/price/1", 500)):
                figures = asyncio.run(load(service + path, clients))
                rows.append(["service (lesson 16)", path, clients, *figures])
    return table(
        f"An aiohttp.web service in front of the mock server, {SECONDS:g} s of load per row "
        "(each client sends its next request when the last is answered; /price/1 is one upstream "
        "request, and the service answers 503 beyond 200 requests in progress)",
        COLUMNS,
        rows,
    )
