"""Property-based tests of the mock server: whatever a client sends, the answer is a deliberate one.

For every endpoint and parameter, hypothesis sends valid values, malformed text, out-of-range and
non-finite numbers, and unknown parameters. The server must never answer 500, never take longer
than the delay it was asked for (and never longer than its cap), and refuse bad input with a JSON
error that names the parameter at fault.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers.mock_api import MAX_DELAY

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
SLACK = 1.5  # seconds a request may take beyond the delay it asked for, on a busy machine
QUICK = 0.05  # the longest valid delay generated, so the run stays short

text = st.text(max_size=12)
numbers = st.one_of(
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "1e3", "0x10", "1_0", "٣", " 1", "1 ", "+1", "-0", "00", "1.", ".5"]),
)
quick_delay = st.floats(min_value=0, max_value=QUICK).map(lambda x: f"{x:.3f}")
any_value = st.one_of(text, numbers.map(str), quick_delay)
path_value = any_value.filter(lambda value: value not in (".", ".."))  # those climb the path
TAKES = {  # the query parameters each endpoint accepts
    "/delay/0": set(),
    "/items/1": {"delay"},
    "/items": {"page", "per_page", "delay"},
    "/stream": {"chunks", "interval"},
    "/hang": set(),
    "/status/200": set(),
}
common = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def get(url: str) -> tuple[int, dict | None, float]:
    """Status, decoded JSON body (None if not JSON) and seconds taken."""
    started = time.perf_counter()
    try:
        with OPENER.open(url, timeout=MAX_DELAY + 5) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        decoded = json.loads(body) if body else None
    except ValueError:  # files answer bytes
        decoded = None
    return status, decoded, time.perf_counter() - started


def asked_delay(params: dict[str, str], *names: str) -> float:
    """The delay a request validly asked for (0 when none or not a plain small number)."""
    for name in names:
        try:
            value = float(params.get(name, "0"))
        except ValueError:
            return 0.0
        if 0 <= value <= QUICK:
            return value
    return 0.0


def skip_slow(params: dict[str, str], *names: str, per: str | None = None) -> None:
    """Skip valid delays longer than QUICK: they are correct but would make the run long."""
    try:
        if per is None:
            seconds = max((float(params[n]) for n in names if n in params), default=0.0)
        else:  # a stream: chunks x interval, with the server's defaults (5 chunks, 0.1 s apart)
            seconds = float(params.get(names[0], "0.1")) * int(params.get(per, "5"))
    except ValueError:
        return  # malformed: refused at once
    assume(not (QUICK < seconds <= MAX_DELAY))


def check(status: int, body: dict | None, seconds: float, sent: set[str], delay: float) -> None:
    assert status != 500, f"the server failed: {body}"
    assert seconds <= delay + SLACK, f"took {seconds:.2f} s for a delay of {delay}"
    if status == 400:
        assert isinstance(body, dict) and body.get("error"), body
        assert body.get("parameter") in sent, f"400 names {body.get('parameter')!r}, sent {sent}"
    elif status in (404, 405):
        assert isinstance(body, dict) and body.get("error"), body


def query(params: dict[str, str]) -> str:
    return urllib.parse.urlencode(params)


def segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def optional(*names: str, values=any_value):
    return st.fixed_dictionaries({}, optional={name: values for name in names})


@common
@given(seconds=path_value)
def test_delay(server, seconds):
    skip_slow({"seconds": seconds}, "seconds")
    status, body, took = get(f"{server.url}/delay/{segment(seconds)}")
    check(status, body, took, {"seconds"}, asked_delay({"seconds": seconds}, "seconds"))
    assert status in (200, 400, 404)


@common
@given(item=path_value, params=optional("delay"))
def test_item(server, item, params):
    skip_slow(params, "delay")
    status, body, took = get(f"{server.url}/items/{segment(item)}?{query(params)}")
    check(status, body, took, {"id", *params}, asked_delay(params, "delay"))
    assert status in (200, 400, 404)
    if status == 200:
        assert body["id"] == int(item)


@common
@given(params=optional("page", "per_page", "delay", "pgae"))
def test_item_pages(server, params):
    skip_slow(params, "delay")
    status, body, took = get(f"{server.url}/items?{query(params)}")
    check(status, body, took, set(params), asked_delay(params, "delay"))
    assert status in (200, 400)
    if status == 200:
        assert len(body["items"]) <= body["per_page"]


@common
@given(key=path_value, params=optional("failures", "delay"))
def test_flaky(server, key, params):
    skip_slow(params, "delay")
    status, body, took = get(f"{server.url}/flaky/{segment(key)}?{query(params)}")
    check(status, body, took, {"key", *params}, asked_delay(params, "delay"))
    assert status in (200, 400, 404, 503)


@common
@given(params=optional("concurrency", "rate", "delay", "key"))
def test_limited(server, params):
    skip_slow(params, "delay")
    status, body, took = get(f"{server.url}/limited?{query(params)}")
    delay = asked_delay(params, "delay") if "delay" in params else 0.1
    check(status, body, took, set(params), delay)
    assert status in (200, 400, 429)


@common
@given(params=optional("chunks", "interval"))
def test_stream(server, params):
    skip_slow(params, "interval", per="chunks")
    url = f"{server.url}/stream?{query(params)}"
    started = time.perf_counter()
    try:
        with OPENER.open(url, timeout=MAX_DELAY + 5) as response:
            status, lines = response.status, response.read().splitlines()
            body = None
    except urllib.error.HTTPError as error:
        status, body, lines = error.code, json.loads(error.read()), []
    took = time.perf_counter() - started
    assert status in (200, 400)
    assert took <= MAX_DELAY + SLACK, f"a stream took {took:.1f} s, over the cap"
    check(status, body, 0.0, set(params), 0.0)
    if status == 200:
        assert all(json.loads(line)["of"] == len(lines) for line in lines)


@common
@given(
    name=path_value,
    params=optional("size", values=st.one_of(any_value, st.integers(0, 4096).map(str))),
)
def test_files(server, name, params):
    status, _, took = get(f"{server.url}/files/{segment(name)}?{query(params)}")
    assert status in (200, 400, 404)
    assert status != 500 and took <= SLACK


@common
@given(code=path_value)
def test_status(server, code):
    status, body, took = get(f"{server.url}/status/{segment(code)}")
    if code.isascii() and code.isdigit() and 200 <= int(code) <= 599:
        assert status == int(code)
    else:
        check(status, body, took, {"code"}, 0.0)
        assert status in (400, 404)


@pytest.mark.parametrize("path", sorted(TAKES))
@common
@given(name=st.text(min_size=1, max_size=8))
def test_unknown_parameters_are_named(server, path, name):
    assume(name not in TAKES[path])
    status, body, took = get(f"{server.url}{path}?{query({name: '1'})}")
    assert status == 400, f"{path}?{name}=1 answered {status}"
    check(status, body, took, {name}, 0.0)
