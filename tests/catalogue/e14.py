"""Exercise 14, testing async code: tests learners write, and their verdicts."""

from catalogue import ZERO, Variant

ORDER_OTHER = """\
async def test_results_keep_the_order_of_paths(fetch_all) -> None:
    ids = [4, 2, 9, 1]
    paths = [f"/items/{i}?delay={0.2 - 0.05 * n:.2f}" for n, i in enumerate(ids)]
    async with fail_after(2):
        results = await fetch_all(paths, 4)
    print("got", [item["id"] for item in results])
    assert [item["id"] for item in results] == ids
"""

ORDER_SAME_AS_ARRIVAL = """\
async def test_results_keep_the_order_of_paths(fetch_all) -> None:
    paths = ["/items/1?delay=0.05", "/items/2?delay=0.1", "/items/3?delay=0.15"]
    async with fail_after(2):
        results = await fetch_all(paths, limit=3)
    assert [item["id"] for item in results] == [1, 2, 3]
"""

ORDER_SORTED = """\
async def test_results_keep_the_order_of_paths(fetch_all) -> None:
    paths = ["/items/3?delay=0.15", "/items/1?delay=0.05", "/items/2?delay=0.1"]
    async with fail_after(2):
        results = await fetch_all(paths, limit=3)
    assert sorted(item["id"] for item in results) == [1, 2, 3]
"""

LIMIT_TWO = """\
async def test_runs_exactly_limit_requests_at_once(fetch_all) -> None:
    limit = 2
    paths = [f"/items/{n}?delay=0.1" for n in range(10, 16)]
    async with fail_after(2.5):
        items = await fetch_all(paths, limit)
    assert len(items) == len(paths)
    busiest = server.stats()["max_in_flight"]
    assert busiest == limit, f"{busiest} in flight with limit={limit}"
"""

LIMIT_AT_MOST = """\
async def test_runs_exactly_limit_requests_at_once(fetch_all) -> None:
    paths = [f"/items/{n}?delay=0.1" for n in range(1, 9)]
    async with fail_after(2):
        await fetch_all(paths, limit=3)
    assert server.stats()["max_in_flight"] <= 3
"""

DEADLINE_OTHER = """\
async def test_gives_up_at_the_deadline(fetch_with_deadline) -> None:
    async with fail_after(1):
        start = time.perf_counter()
        with pytest.raises(TimeoutError):
            await fetch_with_deadline("/hang", 0.2)
        took = time.perf_counter() - start
    assert 0.15 <= took <= 0.7, f"gave up after {took:.2f} s"
    idle = await server.wait_idle()
    assert idle["in_flight"] == 0
    async with fail_after(1):
        assert await fetch_with_deadline("/delay/0.1", 0.5) == {"delay": 0.1}
"""

DEADLINE_NO_IN_FLIGHT = """\
async def test_gives_up_at_the_deadline(fetch_with_deadline) -> None:
    started = time.perf_counter()
    async with fail_after(0.4):
        with pytest.raises(TimeoutError):
            await fetch_with_deadline("/hang", 0.1)
    assert time.perf_counter() - started >= 0.08
    async with fail_after(1):
        answer = await fetch_with_deadline("/delay/0.05", 0.5)
    assert answer == {"delay": 0.05}
"""

DEADLINE_NO_TIMING = """\
async def test_gives_up_at_the_deadline(fetch_with_deadline) -> None:
    async with fail_after(2.5):
        with pytest.raises(TimeoutError):
            await fetch_with_deadline("/hang", 0.1)
    seen = await server.wait_idle(0.3)
    assert seen["in_flight"] == 0
    async with fail_after(1):
        answer = await fetch_with_deadline("/delay/0.05", 0.5)
    assert answer == {"delay": 0.05}
"""

DEADLINE_TIME_SLEEP = """\
async def test_gives_up_at_the_deadline(fetch_with_deadline) -> None:
    started = time.perf_counter()
    async with fail_after(0.4):
        with pytest.raises(TimeoutError):
            await fetch_with_deadline("/hang", 0.1)
    elapsed = time.perf_counter() - started
    assert elapsed >= 0.08
    time.sleep(0.3)  # give the server a moment to see the request go
    assert server.stats()["in_flight"] == 0
    async with fail_after(1):
        answer = await fetch_with_deadline("/delay/0.05", 0.5)
    assert answer == {"delay": 0.05}
"""

FAILURE_OTHER = """\
async def test_a_failure_is_raised_and_stops_the_rest(fetch_all) -> None:
    paths = ["/hang", "/hang", "/flaky/mine?failures=1&delay=0.1", "/hang"]
    async with fail_after(1):
        with pytest.raises(aiohttp.ClientResponseError) as info:
            await fetch_all(paths, limit=4)
    print("raised", info.value.status)
    assert info.value.status == 503
    after = await server.wait_idle(1.0)
    assert after["in_flight"] == 0, after
"""

FAILURE_BROAD = """\
async def test_a_failure_is_raised_and_stops_the_rest(fetch_all) -> None:
    paths = ["/hang", "/flaky/part4?failures=1&delay=0.05", "/hang"]
    async with fail_after(0.5):
        with pytest.raises(Exception):
            await fetch_all(paths, limit=3)
    seen = await server.wait_idle(0.3)
    assert seen["in_flight"] == 0
"""

FAILURE_NO_HANG = """\
async def test_a_failure_is_raised_and_stops_the_rest(fetch_all) -> None:
    paths = ["/items/1", "/flaky/part4b?failures=1&delay=0.1", "/items/2"]
    async with fail_after(1):
        with pytest.raises(aiohttp.ClientResponseError) as failure:
            await fetch_all(paths, limit=3)
    assert failure.value.status == 503
"""

BACKOFF_CLASS = """\
class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


async def test_waits_double_between_attempts(fetch_with_retries) -> None:
    sleep = RecordingSleep()
    async with fail_after(1):
        answer = await fetch_with_retries(
            "/flaky/mine5?failures=3", attempts=5, backoff=0.1, sleep=sleep
        )
    assert answer == {"key": "mine5", "attempt": 4, "ok": True}
    assert sleep.waits == pytest.approx([0.1, 0.2, 0.4])
"""

BACKOFF_REAL_SLEEP = """\
async def test_waits_double_between_attempts(fetch_with_retries) -> None:
    started = time.perf_counter()
    answer = await fetch_with_retries("/flaky/part5?failures=3", attempts=4, backoff=0.5)
    assert answer["attempt"] == 4
    assert time.perf_counter() - started >= 3.5
"""

BACKOFF_ONLY_ANSWER = """\
async def test_waits_double_between_attempts(fetch_with_retries) -> None:
    async def no_wait(seconds: float) -> None:
        pass

    async with fail_after(0.5):
        answer = await fetch_with_retries(
            "/flaky/part5?failures=3", attempts=4, backoff=0.5, sleep=no_wait
        )
    assert answer["ok"] and answer["attempt"] == 4
"""

BACKOFF_FIRST_WAIT = """\
async def test_waits_double_between_attempts(fetch_with_retries) -> None:
    waits = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async with fail_after(0.5):
        await fetch_with_retries("/flaky/part5?failures=3", attempts=4, backoff=0.5, sleep=fake_sleep)
    assert len(waits) == 3 and waits[0] == 0.5
"""

VARIANTS = [
    Variant(
        "order-other",
        "valid",
        "other ids and delays, a positional limit, a print",
        {"part1_answer": ORDER_OTHER},
    ),
    Variant(
        "order-same-as-arrival",
        "wrong",
        "the answers arrive in list order, so the finishing-order bug goes unseen",
        {"part1_answer": ORDER_SAME_AS_ARRIVAL},
        {"part1_tests": ZERO},
        {"part1_tests": "passes on an implementation"},
    ),
    Variant(
        "order-sorted",
        "wrong",
        "compares the ids sorted: order is not tested at all",
        {"part1_answer": ORDER_SORTED},
        {"part1_tests": ZERO},
    ),
    Variant(
        "limit-two",
        "valid",
        "limit=2 with six paths, a length check too",
        {"part2_answer": LIMIT_TWO},
    ),
    Variant(
        "limit-at-most",
        "wrong",
        "checks max_in_flight <= limit only: one request at a time passes",
        {"part2_answer": LIMIT_AT_MOST},
        {"part2_tests": ZERO},
    ),
    Variant(
        "deadline-other",
        "valid",
        "a 0.2 s deadline, the timing taken inside fail_after, another in-time check",
        {"part3_answer": DEADLINE_OTHER},
    ),
    Variant(
        "deadline-no-in-flight",
        "wrong",
        "never asks the server whether the request was cancelled",
        {"part3_answer": DEADLINE_NO_IN_FLIGHT},
        {"part3_tests": ZERO},
        {"part3_tests": "leaves its request running"},
    ),
    Variant(
        "deadline-no-timing",
        "wrong",
        "does not measure when the TimeoutError came: giving up far too soon passes",
        {"part3_answer": DEADLINE_NO_TIMING},
        {"part3_tests": ZERO},
    ),
    Variant(
        "blocking-deadline-time-sleep",
        "blocking",
        "time.sleep to let the cancellation settle: the loop cannot close the request meanwhile",
        {"part3_answer": DEADLINE_TIME_SLEEP},
        {"part3_tests": ZERO},
    ),
    Variant(
        "failure-other",
        "valid",
        "three /hang paths around the failure, `as info`, a print",
        {"part4_answer": FAILURE_OTHER},
    ),
    Variant(
        "failure-broad",
        "wrong",
        "pytest.raises(Exception): an ExceptionGroup passes too",
        {"part4_answer": FAILURE_BROAD},
        {"part4_tests": ZERO},
    ),
    Variant(
        "failure-no-hang",
        "wrong",
        "no slow request beside the failure, and no look at what is still in flight",
        {"part4_answer": FAILURE_NO_HANG},
        {"part4_tests": ZERO},
    ),
    Variant(
        "backoff-class",
        "valid",
        "a recording class as the fake sleep, other numbers, pytest.approx",
        {"part5_answer": BACKOFF_CLASS},
    ),
    Variant(
        "backoff-real-sleep",
        "wrong",
        "sleeps for real: 3.5 s, past the grader's 3 s",
        {"part5_answer": BACKOFF_REAL_SLEEP},
        {"part5_tests": ZERO},
    ),
    Variant(
        "backoff-only-answer",
        "wrong",
        "checks the answer but not the waits",
        {"part5_answer": BACKOFF_ONLY_ANSWER},
        {"part5_tests": ZERO},
    ),
    Variant(
        "backoff-first-wait",
        "wrong",
        "checks only the first wait and the count: a constant pace passes",
        {"part5_answer": BACKOFF_FIRST_WAIT},
        {"part5_tests": ZERO},
    ),
]

_TEST_NOT_LOOP_CODE = (
    "the answer is a test function that the grader runs against implementations; a time.sleep "
    "at its start only delays it and changes neither which implementations it passes nor which "
    "bugs it catches, which is all this part grades. (A test that blocks where it waits for the "
    "loop to act, like blocking-deadline-time-sleep, loses its points on its own.)"
)
BLOCKING_EXEMPT = {f"part{n}_answer": _TEST_NOT_LOOP_CODE for n in range(1, 6)}
