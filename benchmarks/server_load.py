"""Table 1: the mock server under concurrency and its throughput, beside httpbin (pytest-httpbin)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
import urllib.request

import aiohttp

from benchmarks import servers
from benchmarks.report import table

DELAY = 1.0  # seconds each concurrent request asks to wait
DEADLINE = 20.0  # seconds a whole batch may take before the client gives up on the rest
THROUGHPUT_SECONDS = 5.0
THROUGHPUT_CONNECTIONS = 50


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

        started = time.perf_counter()
        workers = [asyncio.create_task(worker()) for _ in range(THROUGHPUT_CONNECTIONS)]
        await asyncio.sleep(THROUGHPUT_SECONDS)
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        return done / (time.perf_counter() - started)


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


def _admin(url: str, path: str, method: str = "GET") -> dict:
    request = urllib.request.Request(url + path, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def run(counts: list[int]) -> str:
    rows, throughput = [], []
    peers = [
        ("mock server", servers.mock_server()),
        ("httpbin (pytest-httpbin)", servers.httpbin_server()),
    ]
    for name, serving in peers:
        if serving is None:
            rows.append([name, "-", "-", "-", "-", "-", "not installed (make bench sets it up)"])
            continue
        with serving as url:
            for count in counts:
                if name == "mock server":
                    _admin(url, "/stats/reset", "POST")
                result = asyncio.run(concurrent_delays(url, count))
                peak = _admin(url, "/stats")["max_in_flight"] if name == "mock server" else "n/a"
                ratio = result["seconds"] / DELAY
                rows.append(
                    [
                        name,
                        count,
                        result["answered"],
                        result["errors"],
                        result["seconds"],
                        ratio,
                        peak,
                    ]
                )
            path = "/status/200"
            throughput.append(
                [name, asyncio.run(aiohttp_throughput(url, path)), wrk_throughput(url, path)]
            )
    concurrency = table(
        f"Concurrent GET /delay/{DELAY:g} (ideal: every batch answered in {DELAY:g} s; "
        f"the client gives up after {DEADLINE:g} s)",
        ["server", "requests", "answered", "errors", "seconds", "x ideal", "max in flight"],
        rows,
    )
    speed = table(
        f"Keep-alive throughput on GET /status/200, {THROUGHPUT_CONNECTIONS} connections, "
        f"{THROUGHPUT_SECONDS:g} s",
        ["server", "aiohttp client (req/s)", "wrk (req/s)"],
        throughput,
    )
    return concurrency + "\n" + speed
