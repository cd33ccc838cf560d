"""Table 1: the mock server under concurrency and its throughput, beside httpbin (pytest-httpbin)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable
from contextlib import AbstractContextManager

import aiohttp

from benchmarks import servers
from benchmarks.load import keep_busy
from benchmarks.report import table

DELAY = 1.0  # seconds each concurrent request asks to wait
DEADLINE = 10.0  # seconds a whole batch may take before the client gives up on the rest
REPEATS = 3  # batches per row; the row shows the median one and the range of all
THROUGHPUT_SECONDS = 5.0
THROUGHPUT_CONNECTIONS = 50
CONCURRENCY_COLUMNS = [
    "server",
    "requests",
    "answered",
    "errors",
    "seconds",
    "x ideal",
    f"range of {REPEATS} (s)",
    "x ideal, server side",
    "max in flight",
]


async def concurrent_delays(url: str, count: int) -> dict:
    """Send `count` requests for /delay/1 at once; how long until all were answered."""
    timeout = aiohttp.ClientTimeout(total=DEADLINE)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one() -> int:
            async with session.get(f"{url}/delay/{DELAY:g}") as response:
                await response.read()
                return response.status

        started = time.perf_counter()
        outcomes = await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
        seconds = time.perf_counter() - started
    answered = sum(outcome == 200 for outcome in outcomes)
    return {"answered": answered, "errors": count - answered, "seconds": seconds}


async def aiohttp_throughput(url: str, path: str) -> float:
    """Requests per second from one keep-alive session with a fixed number of connections."""
    connector = aiohttp.TCPConnector(limit=THROUGHPUT_CONNECTIONS)
    done = 0
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal done
            while True:
                try:
                    async with session.get(url + path) as response:
                        await response.read()
                        done += response.status == 200
                except aiohttp.ClientError:
                    await asyncio.sleep(0.01)  # refused or dropped: not counted, try again

        return done / await keep_busy(THROUGHPUT_SECONDS, THROUGHPUT_CONNECTIONS, worker)


def wrk_throughput(url: str, path: str) -> float | str:
    """Requests per second measured by wrk, a load generator outside Python, if installed."""
    if shutil.which("wrk") is None:
        return "no wrk"
    seconds = int(THROUGHPUT_SECONDS)
    run = subprocess.run(
        ["wrk", "-t2", f"-c{THROUGHPUT_CONNECTIONS}", f"-d{seconds}s", url + path],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1))


def delayed_batch(
    serving: Callable[[], AbstractContextManager[str]], count: int, observed: bool
) -> dict:
    """One batch of `count` concurrent delayed requests against a freshly started server."""
    with serving() as url:
        warm_up(url, observed)
        result = asyncio.run(concurrent_delays(url, count))
        if observed:
            seen = _admin(url, "/stats")
            result["span"] = server_span(seen["log"]) / DELAY
            result["max_in_flight"] = seen["max_in_flight"]
    return result


def warm_up(url: str, observed: bool) -> None:
    """A few requests first, so no server pays its first-request costs inside a measurement."""
    for _ in range(5):
        with urllib.request.urlopen(f"{url}/status/200", timeout=10) as response:
            response.read()
    if observed:
        _admin(url, "/stats/reset", "POST")


def server_span(log: list[dict]) -> float:
    """Seconds from the first request the server began to the last it finished.

    The client's figure adds its own work (opening every connection, reading every answer);
    this one is the server's part alone.
    """
    return max(entry["end"] for entry in log) - min(entry["start"] for entry in log)


def _admin(url: str, path: str, method: str = "GET") -> dict:
    request = urllib.request.Request(url + path, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def run(counts: list[int]) -> str:
    """Every measurement gets a freshly started server, so no batch inherits another's backlog."""
    rows, throughput = [], []
    # name, how to start it, whether it reports what it saw (only the mock server does)
    peers = [("mock server", servers.mock_server, True)]
    if servers.httpbin_installed():
        peers.append(("httpbin (pytest-httpbin)", servers.httpbin_server, False))
    for name, serving, observed in peers:
        for count in counts:
            trials = sorted(
                (delayed_batch(serving, count, observed) for _ in range(REPEATS)),
                key=lambda trial: trial["seconds"],
            )
            median = trials[len(trials) // 2]
            rows.append(
                [
                    name,
                    count,
                    median["answered"],
                    median["errors"],
                    median["seconds"],
                    median["seconds"] / DELAY,
                    f"{trials[0]['seconds']:.2f}-{trials[-1]['seconds']:.2f}",
                    median.get("span", "n/a"),
                    median.get("max_in_flight", "n/a"),
                ]
            )
        path = "/status/200"
        with serving() as url:
            by_aiohttp = asyncio.run(aiohttp_throughput(url, path))
        with serving() as url:
            by_wrk = wrk_throughput(url, path)
        throughput.append([name, by_aiohttp, by_wrk])
    if not servers.httpbin_installed():
        rows.append(
            ["httpbin (pytest-httpbin)", *["-"] * 7, "not installed (make bench sets it up)"]
        )
    concurrency = table(
        f"Concurrent GET /delay/{DELAY:g}, median of {REPEATS} batches (ideal: every batch "
        f"answered in {DELAY:g} s; the client gives up after {DEADLINE:g} s)",
        CONCURRENCY_COLUMNS,
        rows,
    )
    speed = table(
        f"Keep-alive throughput on GET /status/200, {THROUGHPUT_CONNECTIONS} connections, "
        f"{THROUGHPUT_SECONDS:g} s",
        ["server", "aiohttp client (req/s)", "wrk (req/s)"],
        throughput,
    )
    return concurrency + "\n" + speed
