"""The endpoints of the mock server: a small, deterministic HTTP API for the lessons.

Every endpoint answers JSON (a file download answers bytes), every parameter is checked, and
anything wrong with a request gets a 400 or 404 whose JSON names the problem. Delays and sizes are
capped, so no request can keep the server busy for long, except `/hang`, which waits on purpose
until the client gives up.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import math
import random
import re
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from helpers.request_stats import RequestStats

MAX_DELAY = 10.0  # seconds: the longest any endpoint waits on purpose (except /hang)
MAX_FILE_SIZE = 16 * 1024 * 1024  # bytes
ITEM_COUNT = 100  # /items/1 .. /items/100
MAX_PER_PAGE = 100
FILE_CHUNK = 64 * 1024
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
INTEGER = re.compile(r"-?[0-9]{1,12}")
DECIMAL = re.compile(r"-?[0-9]{1,12}(\.[0-9]{0,12})?")
ADMIN_PATHS = ("/stats", "/stats/reset")  # reading the figures does not change them
CLIENT_LEFT = web.RequestKey("client_left", bool)  # the client hung up while a body was sent

ENDPOINTS = {
    "/delay/{seconds}": "answer after that many seconds (0 to 10)",
    "/items/{id}": "one item, id 1 to 100; ?delay= adds latency",
    "/items?page=&per_page=": "a page of items with a link to the next page; ?delay= adds latency",
    "/flaky/{key}?failures=N": "the first N requests for key answer 503, later ones 200",
    "/limited?concurrency=&rate=&delay=&key=": "429 with Retry-After beyond the concurrency or rate",
    "/stream?chunks=&interval=": "newline-delimited JSON arriving one chunk per interval",
    "/files/{name}?size=": "deterministic bytes with an X-Checksum-SHA256 header",
    "/hang": "never answers: for timeouts",
    "/status/{code}": "answers with that HTTP status (200 to 599)",
    "/stats": "what the server saw; POST /stats/reset starts the figures afresh",
}


class BadParameter(Exception):
    """A request parameter that is missing, malformed or out of range."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def _number(
    raw: str | None,
    name: str,
    *,
    low: float,
    high: float,
    default: float | None = None,
    integer: bool = False,
) -> float:
    """Parse one numeric parameter, or raise BadParameter saying what is allowed."""
    kind = "a whole number" if integer else "a number"
    allowed = f"{name} must be {kind} from {low:g} to {high:g}"
    if raw is None:
        if default is None:
            raise BadParameter(name, f"{allowed}; it is missing")
        return default
    # Plain ASCII decimals only: int() and float() would also take "1_0", "1e1" or "nan".
    pattern = INTEGER if integer else DECIMAL
    if not pattern.fullmatch(raw):
        raise BadParameter(name, f"{allowed}, got {raw!r}")
    value = int(raw) if integer else float(raw)
    if not (low <= value <= high):
        raise BadParameter(name, f"{allowed}, got {raw!r}")
    return value


def _name(raw: str, name: str) -> str:
    if not NAME_PATTERN.fullmatch(raw):
        raise BadParameter(
            name, f"{name} must be 1 to 64 letters, digits, '.', '_' or '-', got {raw!r}"
        )
    return raw


def _query(request: web.Request, *allowed: str) -> dict[str, str]:
    """The query parameters, refusing any this endpoint does not take (a typo would hide)."""
    for key in request.query:
        if key not in allowed:
            takes = ", ".join(allowed) if allowed else "no parameters"
            raise BadParameter(key, f"unknown parameter {key!r}; {request.path} takes {takes}")
    return {key: request.query[key] for key in allowed if key in request.query}


async def _optional_delay(query: dict[str, str]) -> None:
    seconds = _number(query.get("delay"), "delay", low=0, high=MAX_DELAY, default=0.0)
    if seconds:
        await asyncio.sleep(seconds)


def item(item_id: int) -> dict[str, Any]:
    """The item the API serves under `/items/{item_id}`: the same on every run."""
    categories = ("books", "games", "music", "tools", "garden")
    return {
        "id": item_id,
        "name": f"item-{item_id:03d}",
        "category": categories[item_id % len(categories)],
        "price": round(1 + (item_id * 37 % 100) + (item_id % 7) / 10, 2),
    }


@functools.lru_cache(maxsize=4)
def file_bytes(name: str, size: int) -> tuple[bytes, str]:
    """The bytes `/files/{name}?size=` serves, and their SHA-256 hex digest."""
    data = random.Random(f"{name}:{size}").randbytes(size)
    return data, hashlib.sha256(data).hexdigest()


@dataclass
class _Limit:
    """One key's traffic on /limited: when its admitted requests end, when they started."""

    ends: list[float] = field(default_factory=list)
    started: deque[float] = field(default_factory=deque)


class ApiState:
    """The endpoints' memory: attempts per flaky key and traffic per rate-limited key."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.flaky_attempts: dict[str, int] = {}
        self.limits: dict[str, _Limit] = {}


STATS_KEY = web.AppKey("stats", RequestStats)
STATE_KEY = web.AppKey("state", ApiState)


def _json(payload: Mapping[str, object], status: int = 200, **kwargs: Any) -> web.Response:
    return web.json_response(payload, status=status, **kwargs)


# --- endpoints -------------------------------------------------------------------------------


async def index(request: web.Request) -> web.Response:
    _query(request)
    return _json({"endpoints": ENDPOINTS})


async def delay(request: web.Request) -> web.Response:
    _query(request)
    seconds = _number(request.match_info["seconds"], "seconds", low=0, high=MAX_DELAY)
    await asyncio.sleep(seconds)
    return _json({"delay": seconds})


async def one_item(request: web.Request) -> web.Response:
    query = _query(request, "delay")
    item_id = int(_number(request.match_info["id"], "id", low=1, high=ITEM_COUNT, integer=True))
    await _optional_delay(query)
    return _json(item(item_id))


async def item_page(request: web.Request) -> web.Response:
    query = _query(request, "page", "per_page", "delay")
    page = int(_number(query.get("page"), "page", low=1, high=1_000_000, default=1, integer=True))
    per_page = int(
        _number(
            query.get("per_page"), "per_page", low=1, high=MAX_PER_PAGE, default=10, integer=True
        )
    )
    await _optional_delay(query)
    first = (page - 1) * per_page + 1
    ids = range(first, min(first + per_page, ITEM_COUNT + 1))
    pages = math.ceil(ITEM_COUNT / per_page)
    keep = f"&delay={query['delay']}" if "delay" in query else ""  # the next page is as slow
    next_page = f"/items?page={page + 1}&per_page={per_page}{keep}" if page < pages else None
    return _json(
        {
            "items": [item(i) for i in ids],
            "page": page,
            "per_page": per_page,
            "pages": pages,
            "total": ITEM_COUNT,
            "next": next_page,
        }
    )


async def flaky(request: web.Request) -> web.Response:
    query = _query(request, "failures", "delay")
    key = _name(request.match_info["key"], "key")
    failures = int(
        _number(query.get("failures"), "failures", low=0, high=100, default=2, integer=True)
    )
    await _optional_delay(query)
    attempts = request.app[STATE_KEY].flaky_attempts
    attempts[key] = attempt = attempts.get(key, 0) + 1
    if attempt <= failures:
        return _json(
            {"error": f"temporary failure {attempt} of {failures} for {key!r}", "attempt": attempt},
            status=503,
        )
    return _json({"key": key, "attempt": attempt, "ok": True})


async def limited(request: web.Request) -> web.Response:
    query = _query(request, "concurrency", "rate", "delay", "key")
    key = _name(query.get("key", "default"), "key")
    concurrency = int(
        _number(query.get("concurrency"), "concurrency", low=1, high=1000, default=4, integer=True)
    )
    rate = int(_number(query.get("rate"), "rate", low=0, high=10_000, default=0, integer=True))
    seconds = _number(query.get("delay"), "delay", low=0, high=MAX_DELAY, default=0.1)

    limit = request.app[STATE_KEY].limits.setdefault(key, _Limit())
    now = time.monotonic()
    while limit.started and limit.started[0] <= now - 1:
        limit.started.popleft()
    if len(limit.ends) >= concurrency:
        wait = min(limit.ends) - now
        reason = f"{len(limit.ends)} requests already in flight (limit {concurrency})"
    elif rate and len(limit.started) >= rate:
        wait = limit.started[0] + 1 - now
        reason = f"{len(limit.started)} requests in the last second (limit {rate} per second)"
    else:
        end = now + seconds
        limit.ends.append(end)
        limit.started.append(now)
        try:
            await asyncio.sleep(seconds)
        finally:
            limit.ends.remove(end)
        return _json({"key": key, "ok": True})
    wait = max(wait, 0.001)
    return _json(
        {"error": f"too many requests: {reason}", "retry_after": round(wait, 3)},
        status=429,
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )


async def _send(
    request: web.Request,
    response: web.StreamResponse,
    parts: Iterable[bytes],
    interval: float = 0.0,
) -> web.StreamResponse:
    """Send a streamed body part by part; a client that hangs up part-way ends it quietly."""
    await response.prepare(request)
    if request.method == "HEAD":  # a HEAD answer is the headers alone
        return response
    try:
        for index, part in enumerate(parts):
            if index and interval:
                await asyncio.sleep(interval)
            await response.write(part)
        await response.write_eof()
    except ConnectionResetError:  # logged as 499, like any request the client gave up on
        request[CLIENT_LEFT] = True
    return response


async def stream(request: web.Request) -> web.StreamResponse:
    query = _query(request, "chunks", "interval")
    chunks = int(_number(query.get("chunks"), "chunks", low=1, high=1000, default=5, integer=True))
    interval = _number(query.get("interval"), "interval", low=0, high=MAX_DELAY, default=0.1)
    if chunks * interval > MAX_DELAY:
        raise BadParameter(
            "interval" if "interval" in query else "chunks",  # blame what the client chose
            f"chunks x interval must be at most {MAX_DELAY:g} seconds, got {chunks * interval:g}",
        )
    response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    response.enable_chunked_encoding()
    lines = (b'{"chunk": %d, "of": %d}\n' % (number, chunks) for number in range(1, chunks + 1))
    return await _send(request, response, lines, interval)


async def download(request: web.Request) -> web.StreamResponse:
    query = _query(request, "size")
    name = _name(request.match_info["name"], "name")
    size = int(
        _number(query.get("size"), "size", low=0, high=MAX_FILE_SIZE, default=65536, integer=True)
    )
    data, checksum = file_bytes(name, size)
    response = web.StreamResponse(
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Length": str(size),
            "X-Checksum-SHA256": checksum,
        }
    )
    return await _send(
        request, response, (data[i : i + FILE_CHUNK] for i in range(0, size, FILE_CHUNK))
    )


async def hang(request: web.Request) -> web.Response:
    _query(request)
    await asyncio.get_running_loop().create_future()  # cancelled when the client gives up
    raise AssertionError("unreachable")


async def status(request: web.Request) -> web.Response:
    _query(request)
    code = int(_number(request.match_info["code"], "code", low=200, high=599, integer=True))
    try:
        reason = HTTPStatus(code).phrase
    except ValueError:
        reason = "Unassigned"
    if code in (204, 205, 304):  # statuses that must not carry a body
        return web.Response(status=code, reason=reason)
    return _json({"status": code, "reason": reason}, status=code, reason=reason)


async def stats_view(request: web.Request) -> web.Response:
    _query(request)
    return _json(request.app[STATS_KEY].snapshot())


async def stats_reset(request: web.Request) -> web.Response:
    _query(request)
    request.app[STATS_KEY].reset()
    request.app[STATE_KEY].reset()
    return _json({"reset": True})


# --- middlewares -----------------------------------------------------------------------------


@web.middleware
async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count the request, how many run at once, and log when it started and ended."""
    if request.path in ADMIN_PATHS:
        return await handler(request)
    stats = request.app[STATS_KEY]
    peer = request.transport.get_extra_info("peername") if request.transport else None
    token = stats.begin(request.method, request.path, request.query_string, peer)
    status = 500
    try:
        response = await handler(request)
        status = 499 if request.get(CLIENT_LEFT) else response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    except asyncio.CancelledError:
        status = 499  # nginx's "client closed request": the client gave up and we stopped
        raise
    finally:
        stats.end(token, status)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every refusal into JSON: 400 names the bad parameter, 404/405 say what exists."""
    try:
        return await handler(request)
    except BadParameter as exc:
        return _json({"error": exc.message, "parameter": exc.name}, status=400)
    except web.HTTPNotFound:
        return _json(
            {"error": f"no endpoint at {request.path}", "endpoints": ENDPOINTS}, status=404
        )
    except web.HTTPMethodNotAllowed as exc:
        message = f"{request.method} is not allowed on {request.path}; use {', '.join(sorted(exc.allowed_methods))}"
        return _json(
            {"error": message}, status=405, headers={"Allow": ",".join(exc.allowed_methods)}
        )
    except web.HTTPException as exc:
        return _json({"error": exc.reason}, status=exc.status)


def create_app(stats: RequestStats) -> web.Application:
    """The mock API as an aiohttp application that reports to `stats`."""
    app = web.Application(middlewares=[record, json_errors])
    app[STATS_KEY] = stats
    app[STATE_KEY] = ApiState()
    app.router.add_get("/", index)
    app.router.add_get("/delay/{seconds}", delay)
    app.router.add_get("/items", item_page)
    app.router.add_get("/items/{id}", one_item)
    app.router.add_get("/flaky/{key}", flaky)
    app.router.add_get("/limited", limited)
    app.router.add_get("/stream", stream)
    app.router.add_get("/files/{name}", download)
    app.router.add_get("/hang", hang)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/stats", stats_view)
    app.router.add_post("/stats/reset", stats_reset)
    return app
