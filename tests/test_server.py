"""The mock server: endpoints, refusals, clients, lifecycle, figures and the command line."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import logging
import math
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import aiohttp
import pytest

import helpers.server
from helpers.mock_api import MAX_FILE_SIZE
from helpers.server import MockServer, mock_server

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def urllib_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """A blocking GET: the status and the body, also for error statuses."""
    try:
        with OPENER.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


async def fetch(session: aiohttp.ClientSession, url: str, method: str = "GET", **kwargs):
    """The status, headers and body of one request."""
    async with session.request(method, url, **kwargs) as response:
        return response.status, response.headers, await response.read()


async def settled(server: MockServer, timeout: float = 3.0) -> dict:
    """The stats once no request is in flight (the server may still be finishing one)."""
    deadline = time.monotonic() + timeout
    while (stats := server.stats())["in_flight"] and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return stats


async def in_flight_reaches(server: MockServer, count: int, timeout: float = 3.0) -> int:
    """Wait until the server has `count` requests in flight; returns the last count seen."""
    deadline = time.monotonic() + timeout
    while (seen := server.stats()["in_flight"]) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return seen


# --- concurrency ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_500_concurrent_requests_overlap(fresh_server):
    """500 slow requests on one session all run at once on the server."""
    count, seconds = 500, 0.5
    url = f"{fresh_server.url}/delay/{seconds}"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        start = time.perf_counter()
        answers = await asyncio.gather(*(fetch(session, url) for _ in range(count)))
        elapsed = time.perf_counter() - start
    assert [status for status, _, _ in answers] == [200] * count
    assert elapsed < 3 * seconds  # one after another would take 250 s
    stats = await settled(fresh_server)
    assert stats["max_in_flight"] == count
    assert stats["requests"] == count
    assert stats["in_flight"] == 0
    assert stats["by_status"] == {200: count}


# --- normal answers ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_index_lists_the_endpoints(server):
    async with aiohttp.ClientSession() as session:
        status, headers, body = await fetch(session, server.url + "/")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    endpoints = json.loads(body)["endpoints"]
    for route in (
        "/delay/{seconds}",
        "/items/{id}",
        "/flaky/{key}?failures=N",
        "/hang",
        "/status/{code}",
    ):
        assert route in endpoints


@pytest.mark.asyncio
async def test_delay_waits_that_long(server):
    async with aiohttp.ClientSession() as session:
        start = time.perf_counter()
        status, _, body = await fetch(session, server.url + "/delay/0.3")
        elapsed = time.perf_counter() - start
    assert status == 200
    assert json.loads(body) == {"delay": 0.3}
    assert 0.29 <= elapsed < 0.3 * 5


@pytest.mark.asyncio
async def test_item_is_deterministic(server):
    async with aiohttp.ClientSession() as session:
        first = await fetch(session, server.url + "/items/7")
        again = await fetch(session, server.url + "/items/7")
        other = await fetch(session, server.url + "/items/8")
    item = json.loads(first[2])
    assert first[0] == 200
    assert item["id"] == 7 and item["name"] == "item-007"
    assert set(item) == {"id", "name", "category", "price"}
    assert again[2] == first[2]
    assert json.loads(other[2])["id"] == 8


@pytest.mark.asyncio
@pytest.mark.parametrize("per_page", [7, 10, 100])
async def test_next_links_cover_every_item_once(server, per_page):
    """Following "next" from page 1 visits ids 1..100 exactly once, in order."""
    ids, pages = [], 0
    link = f"/items?page=1&per_page={per_page}"
    async with aiohttp.ClientSession() as session:
        while link is not None:
            status, _, body = await fetch(session, server.url + link)
            assert status == 200
            page = json.loads(body)
            assert page["per_page"] == per_page and page["total"] == 100
            assert page["pages"] == math.ceil(100 / per_page)
            ids += [item["id"] for item in page["items"]]
            pages += 1
            link = page["next"]
    assert ids == list(range(1, 101))
    assert pages == math.ceil(100 / per_page)


@pytest.mark.asyncio
async def test_next_link_keeps_the_delay(server):
    async with aiohttp.ClientSession() as session:
        _, _, body = await fetch(session, server.url + "/items?per_page=50&delay=0.01")
    assert json.loads(body)["next"] == "/items?page=2&per_page=50&delay=0.01"


@pytest.mark.asyncio
async def test_flaky_fails_n_times_per_key(fresh_server):
    url = fresh_server.url + "/flaky/{}?failures={}"
    async with aiohttp.ClientSession() as session:
        first = [await fetch(session, url.format("a", 2)) for _ in range(4)]
        other = await fetch(session, url.format("b", 2))
        never = await fetch(session, url.format("c", 0))
    assert [status for status, _, _ in first] == [503, 503, 200, 200]
    assert [json.loads(body)["attempt"] for _, _, body in first] == [1, 2, 3, 4]
    assert "error" in json.loads(first[0][2])
    assert json.loads(first[2][2]) == {"key": "a", "attempt": 3, "ok": True}
    assert other[0] == 503  # key "a" used up its failures, "b" has its own
    assert never[0] == 200


@pytest.mark.asyncio
async def test_limited_refuses_beyond_its_concurrency(fresh_server):
    url = fresh_server.url + "/limited?concurrency=2&delay=0.5&key=conc"
    async with aiohttp.ClientSession() as session:
        admitted = [asyncio.create_task(fetch(session, url)) for _ in range(2)]
        assert await in_flight_reaches(fresh_server, 2) == 2
        status, headers, body = await fetch(session, url)
        assert [answer[0] for answer in await asyncio.gather(*admitted)] == [200, 200]
        after = await fetch(session, url)
    assert status == 429
    assert re.fullmatch(r"\d+", headers["Retry-After"]) and int(headers["Retry-After"]) >= 1
    refusal = json.loads(body)
    assert "error" in refusal
    assert 0 < refusal["retry_after"] <= 0.5
    assert after[0] == 200  # the slots are free again


@pytest.mark.asyncio
async def test_limited_refuses_beyond_its_rate(fresh_server):
    url = fresh_server.url + "/limited?rate=2&delay=0&key=rate"
    async with aiohttp.ClientSession() as session:
        answers = [await fetch(session, url) for _ in range(3)]
    assert [status for status, _, _ in answers] == [200, 200, 429]
    _, headers, body = answers[2]
    assert headers["Retry-After"] == "1"
    assert 0 < json.loads(body)["retry_after"] <= 1


@pytest.mark.asyncio
async def test_stream_chunks_arrive_over_time(server):
    chunks, interval = 5, 0.2
    arrivals, lines = [], []
    async with aiohttp.ClientSession() as session:
        start = time.perf_counter()
        async with session.get(
            f"{server.url}/stream?chunks={chunks}&interval={interval}"
        ) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "application/x-ndjson"
            async for line in response.content:
                arrivals.append(time.perf_counter() - start)
                lines.append(json.loads(line))
    assert lines == [{"chunk": n, "of": chunks} for n in range(1, chunks + 1)]
    assert arrivals[-1] - arrivals[0] >= 0.75 * (chunks - 1) * interval
    assert arrivals[0] < arrivals[-1] / 2


@pytest.mark.asyncio
async def test_files_are_deterministic_and_checksummed(server):
    size = 100_000
    async with aiohttp.ClientSession() as session:
        status, headers, body = await fetch(session, f"{server.url}/files/a.bin?size={size}")
        again = await fetch(session, f"{server.url}/files/a.bin?size={size}")
        other = await fetch(session, f"{server.url}/files/b.bin?size={size}")
        empty = await fetch(session, f"{server.url}/files/a.bin?size=0")
    assert status == 200
    assert len(body) == size and int(headers["Content-Length"]) == size
    assert headers["X-Checksum-SHA256"] == hashlib.sha256(body).hexdigest()
    assert again[2] == body and again[1]["X-Checksum-SHA256"] == headers["X-Checksum-SHA256"]
    assert other[2] != body and other[1]["X-Checksum-SHA256"] != headers["X-Checksum-SHA256"]
    assert other[1]["X-Checksum-SHA256"] == hashlib.sha256(other[2]).hexdigest()
    assert empty[2] == b"" and empty[1]["X-Checksum-SHA256"] == hashlib.sha256(b"").hexdigest()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path", ["/files/a.bin?size=1000", "/stream?chunks=2&interval=0", "/items/1"]
)
async def test_head_sends_headers_only(server, path):
    """A HEAD answer has no body, so the kept-alive connection still works afterwards."""
    connector = aiohttp.TCPConnector(limit=1)  # the GET must reuse the HEAD's connection
    async with aiohttp.ClientSession(connector=connector) as session:
        head = await fetch(session, server.url + path, method="HEAD")
        status, _, body = await fetch(session, server.url + "/items/2")
    assert head[0] == 200 and head[2] == b""
    assert status == 200 and json.loads(body)["id"] == 2


@pytest.mark.asyncio
async def test_hang_is_abandoned_by_the_client(fresh_server):
    """A client timeout ends /hang on the server too, logged as 499."""
    async with aiohttp.ClientSession() as session:
        start = time.perf_counter()
        with pytest.raises(asyncio.TimeoutError):
            await fetch(
                session, fresh_server.url + "/hang", timeout=aiohttp.ClientTimeout(total=0.3)
            )
        assert time.perf_counter() - start < 0.3 * 5
    stats = await settled(fresh_server)
    assert stats["in_flight"] == 0
    assert [(entry["path"], entry["status"]) for entry in stats["log"]] == [("/hang", 499)]


@pytest.mark.asyncio
async def test_wait_idle_returns_once_abandoned_requests_ended(fresh_server):
    async with aiohttp.ClientSession() as session:
        hanging = asyncio.create_task(fetch(session, fresh_server.url + "/hang"))
        assert await in_flight_reaches(fresh_server, 1) == 1
        hanging.cancel()
    stats = await fresh_server.wait_idle()
    assert stats["in_flight"] == 0
    assert [entry["status"] for entry in stats["log"]] == [499]


@pytest.mark.asyncio
@pytest.mark.parametrize("code", [200, 201, 404, 418, 500, 503, 599])
async def test_status_answers_that_code(server, code):
    async with aiohttp.ClientSession() as session:
        status, _, body = await fetch(session, f"{server.url}/status/{code}")
    assert status == code
    answer = json.loads(body)
    assert answer["status"] == code
    if code == 418:
        assert "Teapot" in answer["reason"]


@pytest.mark.asyncio
@pytest.mark.parametrize("code", [204, 205, 304])
async def test_bodiless_statuses_have_no_body(server, code):
    async with aiohttp.ClientSession() as session:
        status, headers, body = await fetch(session, f"{server.url}/status/{code}")
    assert status == code
    assert body == b""
    assert "Content-Type" not in headers


# --- refusals ------------------------------------------------------------------------------

BAD_PARAMETERS = [
    ("/delay/abc", "seconds"),
    ("/delay/-1", "seconds"),
    ("/delay/nan", "seconds"),
    ("/delay/inf", "seconds"),
    ("/delay/10.5", "seconds"),
    ("/items/0", "id"),
    ("/items/101", "id"),
    ("/items/1.5", "id"),
    ("/items/1?delay=-0.1", "delay"),
    ("/items?per_page=101", "per_page"),
    ("/items?page=0", "page"),
    ("/items?page=x", "page"),
    ("/items?delay=nan", "delay"),
    (f"/files/a?size={MAX_FILE_SIZE + 1}", "size"),
    ("/files/a?size=-1", "size"),
    ("/files/a?size=1.5", "size"),
    ("/stream?chunks=1000&interval=0.1", "interval"),
    ("/stream?chunks=0", "chunks"),
    ("/stream?interval=inf", "interval"),
    ("/flaky/k?failures=inf", "failures"),
    ("/flaky/k?failures=101", "failures"),
    ("/limited?concurrency=0", "concurrency"),
    ("/limited?rate=x", "rate"),
    ("/limited?delay=11", "delay"),
    ("/?verbose=1", "verbose"),
    ("/delay/1?color=red", "color"),
    ("/items?pgae=2", "pgae"),
    ("/hang?timeout=1", "timeout"),
    ("/flaky/bad!key", "key"),
    ("/flaky/" + "k" * 65, "key"),
    ("/flaky/a%2Fb", "key"),
    ("/files/bad%20name", "name"),
    ("/limited?key=a%3Fb", "key"),
    ("/status/99", "code"),
    ("/status/600", "code"),
    ("/status/2e2", "code"),
    ("/items/1_0", "id"),
    ("/items/%EF%BC%91", "id"),  # a full-width digit one
    ("/delay/0.1e1", "seconds"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("path", "parameter"), BAD_PARAMETERS)
async def test_bad_parameter_is_a_400_naming_it(server, path, parameter):
    async with aiohttp.ClientSession() as session:
        status, headers, body = await fetch(session, server.url + path)
    assert status == 400
    assert headers["Content-Type"].startswith("application/json")
    refusal = json.loads(body)
    assert refusal["parameter"] == parameter
    assert parameter in refusal["error"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("method", "path", "expected", "allow"),
    [
        ("GET", "/nope", 404, None),
        ("GET", "/items/1/extra", 404, None),
        ("GET", "/delay", 404, None),
        ("POST", "/delay/1", 405, "GET"),
        ("POST", "/items", 405, "GET"),
        ("DELETE", "/items/1", 405, "GET"),
        ("GET", "/stats/reset", 405, "POST"),
    ],
)
async def test_unknown_route_or_method_is_json(server, method, path, expected, allow):
    async with aiohttp.ClientSession() as session:
        status, headers, body = await fetch(session, server.url + path, method=method)
    assert status == expected
    assert headers["Content-Type"].startswith("application/json")
    refusal = json.loads(body)
    assert path.split("?")[0] in refusal["error"]
    if allow is not None:
        assert method in refusal["error"]
        assert allow in headers["Allow"].split(",")
        assert method not in headers["Allow"].split(",")


@pytest.mark.asyncio
async def test_refusals_are_counted_with_their_status(fresh_server):
    async with aiohttp.ClientSession() as session:
        await fetch(session, fresh_server.url + "/delay/nan")
        await fetch(session, fresh_server.url + "/nope")
        await fetch(session, fresh_server.url + "/delay/1", method="POST")
    assert (await settled(fresh_server))["by_status"] == {400: 1, 404: 1, 405: 1}


# --- clients -------------------------------------------------------------------------------


def test_sync_client_in_a_plain_test(server):
    status, body = urllib_get(server.url + "/items/3")
    assert status == 200
    assert json.loads(body)["id"] == 3


@pytest.mark.asyncio
async def test_sync_and_async_clients_overlap(fresh_server):
    """urllib in threads and aiohttp on the loop are served at the same time."""
    url = fresh_server.url + "/delay/0.5"
    async with aiohttp.ClientSession() as session:
        answers = await asyncio.gather(
            *(asyncio.to_thread(urllib_get, url) for _ in range(3)),
            *(fetch(session, url) for _ in range(3)),
        )
    assert [answer[0] for answer in answers] == [200] * 6
    stats = await settled(fresh_server)
    assert stats["requests"] == 6
    assert stats["max_in_flight"] == 6


@pytest.mark.asyncio
async def test_blocking_urllib_inside_a_running_loop(server):
    """The server has its own loop, so blocking this one cannot stall it."""
    assert asyncio.get_running_loop().is_running()
    start = time.perf_counter()
    status, body = urllib_get(server.url + "/delay/0.1", timeout=5)
    assert status == 200 and json.loads(body) == {"delay": 0.1}
    assert time.perf_counter() - start < 3


# --- lifecycle -----------------------------------------------------------------------------


def test_mock_server_is_idempotent(server):
    port = server.port
    assert mock_server() is server
    assert mock_server() is server
    assert server.port == port and server.running


def test_reload_finds_the_running_server(server):
    reloaded = importlib.reload(helpers.server)
    assert reloaded.mock_server() is server
    assert urllib_get(server.url + "/items/1")[0] == 200


def test_start_stop_cycles_on_fresh_instances(server):
    ports = set()
    for _ in range(5):
        instance = MockServer().start()
        ports.add(instance.port)
        assert instance.running and instance.port not in (0, server.port)
        assert urllib_get(instance.url + "/items/1")[0] == 200
        instance.stop()
        assert not instance.running
        assert not [t for t in threading.enumerate() if getattr(t, "mock_server", None) is instance]
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((instance.host, instance.port), timeout=2).close()
        instance.stop()  # a no-op
        assert "stopped" in repr(instance)
    assert len(ports) == 5
    assert mock_server() is server


def test_stop_before_start_is_a_no_op():
    instance = MockServer()
    instance.stop()
    assert not instance.running


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])
def test_non_loopback_host_needs_allow_remote(host):
    with pytest.raises(ValueError, match="loopback"):
        MockServer(host)
    allowed = MockServer(host, allow_remote=True)  # constructed, never started
    assert allowed.host == host and not allowed.running


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_hosts_are_accepted(host):
    assert MockServer(host).host == host


# --- figures -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_reset_stats_zeroes_counts_and_flaky_attempts(fresh_server):
    url = fresh_server.url + "/flaky/reset-me?failures=1"
    async with aiohttp.ClientSession() as session:
        assert (await fetch(session, url))[0] == 503
        assert (await fetch(session, url))[0] == 200
        fresh_server.reset_stats()
        assert fresh_server.stats() == {
            "requests": 0,
            "in_flight": 0,
            "max_in_flight": 0,
            "connections": 0,
            "by_path": {},
            "by_status": {},
            "log": [],
        }
        assert (await fetch(session, url))[0] == 503


@pytest.mark.asyncio
async def test_admin_endpoints_report_without_counting_themselves(fresh_server):
    flaky = fresh_server.url + "/flaky/admin?failures=1"
    async with aiohttp.ClientSession() as session:
        await fetch(session, flaky)
        _, _, body = await fetch(session, fresh_server.url + "/stats")
        assert json.loads(body)["by_path"] == {"/flaky/admin": 1}
        status, _, body = await fetch(session, fresh_server.url + "/stats/reset", method="POST")
        assert status == 200 and json.loads(body) == {"reset": True}
        assert fresh_server.stats()["requests"] == 0
        assert (await fetch(session, flaky))[0] == 503  # attempts were forgotten too


@pytest.mark.asyncio
async def test_stats_count_paths_statuses_and_log_times(fresh_server):
    before = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        for path in ["/items/1", "/items/1", "/status/404", "/items?page=2", "/delay/0.2"]:
            await fetch(session, fresh_server.url + path)
    after = time.perf_counter()
    stats = await settled(fresh_server)
    assert stats["requests"] == 5
    assert stats["by_path"] == {"/items/1": 2, "/status/404": 1, "/items": 1, "/delay/0.2": 1}
    assert stats["by_status"] == {200: 4, 404: 1}
    log = stats["log"]
    assert [(entry["method"], entry["path"], entry["query"]) for entry in log][2:4] == [
        ("GET", "/status/404", ""),
        ("GET", "/items", "page=2"),
    ]
    for entry in log:
        assert before <= entry["start"] <= entry["end"] <= after  # perf_counter seconds
    assert [entry["start"] for entry in log] == sorted(entry["start"] for entry in log)
    assert 0.19 <= log[-1]["end"] - log[-1]["start"] < 0.2 * 5


@pytest.mark.asyncio
async def test_one_keep_alive_session_is_one_connection(fresh_server):
    async with aiohttp.ClientSession() as session:
        for _ in range(10):
            assert (await fetch(session, fresh_server.url + "/items/1"))[0] == 200
    stats = await settled(fresh_server)
    assert stats["requests"] == 10
    assert stats["connections"] == 1


@pytest.mark.asyncio
async def test_separate_sessions_are_separate_connections(fresh_server):
    for _ in range(10):
        async with aiohttp.ClientSession() as session:
            assert (await fetch(session, fresh_server.url + "/items/1"))[0] == 200
    stats = await settled(fresh_server)
    assert stats["requests"] == 10
    assert stats["connections"] == 10


# --- command line --------------------------------------------------------------------------


@pytest.mark.parametrize("probe", [True, False], ids=["after-a-request", "at-once"])
def test_command_line_serves_until_ctrl_c(course, probe):
    """Ctrl+C stops it cleanly, also when it comes right after the URL is printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "helpers.server", "--port", "0"],
        cwd=course,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 15)
        assert ready, "the server printed nothing"
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group()
        if probe:
            status, body = urllib_get(url + "/")
            assert status == 200 and "endpoints" in json.loads(body)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=5) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_command_line_refuses_a_public_host(course):
    result = subprocess.run(
        [sys.executable, "-m", "helpers.server", "--host", "0.0.0.0", "--port", "0"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=15,
    )
    assert result.returncode == 2
    assert "loopback" in result.stderr and "--allow-remote" in result.stderr
    assert result.stdout == ""


@pytest.mark.asyncio
async def test_a_download_abandoned_part_way_ends_quietly(fresh_server, caplog):
    """A client that stops reading a big file is logged as 499, with no server traceback."""
    caplog.set_level(logging.ERROR, logger="aiohttp")
    url = fresh_server.url + "/files/big.bin?size=16000000"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        first = await response.content.read(65536)
    assert len(first) == 65536
    stats = await fresh_server.wait_idle()
    assert [entry["status"] for entry in stats["log"]] == [499]
    assert not caplog.records, [record.getMessage() for record in caplog.records]
