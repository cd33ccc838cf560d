"""within(): deadlines for code that waits too long and for code that blocks the event loop."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from helpers import deadline
from helpers.deadline import BlockedPastDeadline, DeadlineExceeded, EventLoopBlocked, within

DEADLINE = 0.5  # seconds


@pytest.fixture(autouse=True)
def sentinel():
    """A SIGALRM handler that every test must leave in place, never called, with nothing armed."""
    fired = []

    def handler(signum, frame):
        fired.append(signum)

    original = signal.signal(signal.SIGALRM, handler)
    try:
        yield handler
        assert signal.getsignal(signal.SIGALRM) is handler
        assert deadline._armed == {}
        assert fired == []
    finally:
        signal.signal(signal.SIGALRM, original)


async def answer(value: int = 42, seconds: float = 0.0) -> int:
    await asyncio.sleep(seconds)
    return value


def busy(seconds: float) -> None:
    """Keep the CPU (and so the event loop) busy without awaiting."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@pytest.mark.asyncio
async def test_returns_the_value_of_quick_work():
    assert await within(answer(), DEADLINE) == 42


@pytest.mark.asyncio
async def test_calls_a_function_that_returns_a_coroutine():
    assert await within(lambda: answer(7, 0.01), DEADLINE) == 7
    assert await within(answer, DEADLINE) == 42


@pytest.mark.asyncio
async def test_a_task_returned_by_a_function_is_not_waited_for():
    task = await within(lambda: asyncio.create_task(answer(5, 3 * DEADLINE)), DEADLINE)
    assert isinstance(task, asyncio.Task) and not task.done()
    assert await task == 5


@pytest.mark.asyncio
async def test_waiting_too_long_is_a_deadline_exceeded():
    start = time.perf_counter()
    with pytest.raises(DeadlineExceeded, match="still waiting") as caught:
        await within(asyncio.sleep(10), DEADLINE)
    elapsed = time.perf_counter() - start
    assert isinstance(caught.value, TimeoutError)
    assert 0.9 <= elapsed / DEADLINE < 3


@pytest.mark.asyncio
async def test_a_busy_loop_is_stopped():
    async def spin():
        while True:
            pass

    start = time.perf_counter()
    # A DeadlineExceeded of its own kind: graders tell "blocked the loop" apart by the type.
    with pytest.raises(BlockedPastDeadline, match="blocked the event loop") as caught:
        await within(spin(), DEADLINE)
    elapsed = time.perf_counter() - start
    assert "spin()" in str(caught.value)
    assert DEADLINE <= elapsed < DEADLINE + 3


@pytest.mark.asyncio
async def test_a_blocking_sleep_is_stopped():
    async def doze():
        time.sleep(30)

    start = time.perf_counter()
    with pytest.raises(BlockedPastDeadline, match="blocked the event loop"):
        await within(doze, DEADLINE)
    assert DEADLINE <= time.perf_counter() - start < DEADLINE + 3


@pytest.mark.asyncio
async def test_the_codes_own_timeout_error_propagates_unchanged():
    async def gives_up():
        await asyncio.sleep(0.01)
        raise TimeoutError("mine")

    async def own_timeout():
        async with asyncio.timeout(0.05):
            await asyncio.sleep(10)

    with pytest.raises(TimeoutError, match=r"^mine$") as caught:
        await within(gives_up(), DEADLINE)
    assert type(caught.value) is TimeoutError
    with pytest.raises(TimeoutError) as caught:
        await within(own_timeout(), DEADLINE)
    assert type(caught.value) is TimeoutError


@pytest.mark.asyncio
async def test_other_exceptions_propagate():
    async def fails():
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        await within(fails(), DEADLINE)


@pytest.mark.asyncio
async def test_two_calls_run_concurrently():
    start = time.perf_counter()
    results = await asyncio.gather(within(answer(1, 0.3), 2), within(answer(2, 0.3), 2))
    assert results == [1, 2]
    assert time.perf_counter() - start < 0.3 * 1.9  # together, not one after the other


@pytest.mark.asyncio
async def test_one_blocked_call_does_not_cut_short_another():
    """Stopping a blocked call must not move a concurrent call's own deadline forward."""

    async def spin():
        await asyncio.sleep(0.05)
        while True:
            pass

    async def slow_but_in_time():
        await asyncio.sleep(1.0)
        return "ok"

    blocked, fine = await asyncio.gather(
        within(spin(), 0.3), within(slow_but_in_time(), 5), return_exceptions=True
    )
    assert isinstance(blocked, DeadlineExceeded) and "blocked" in str(blocked)
    # The spin held the one loop both share, so the other call reports it too; but its own
    # deadline was not cut short.
    assert fine == "ok" or isinstance(fine, EventLoopBlocked), fine


@pytest.mark.asyncio
async def test_the_alarm_is_armed_only_while_within_runs(sentinel):
    async def look():
        return signal.getsignal(signal.SIGALRM), list(deadline._armed.values())

    handler, dues = await within(look(), DEADLINE)
    assert handler is not sentinel
    assert len(dues) == 1 and DEADLINE < dues[0] - time.monotonic() <= DEADLINE + 1
    assert signal.getsignal(signal.SIGALRM) is sentinel
    assert deadline._armed == {}


@pytest.mark.asyncio
async def test_code_that_swallows_its_cancellation_is_reported():
    async def stubborn():
        for _ in range(3):  # gives in at the third cancellation, so the test's loop can close
            try:  # noqa: SIM105 (spelled out: this is the mistake under test)
                await asyncio.sleep(0.4)
            except asyncio.CancelledError:
                pass

    start = time.perf_counter()
    with pytest.raises(DeadlineExceeded, match="ignored its cancellation"):
        await within(stubborn(), DEADLINE)
    assert time.perf_counter() - start < DEADLINE + 2


@pytest.mark.asyncio
async def test_cancelling_the_caller_cancels_the_work():
    started, ended = asyncio.Event(), []

    async def slow():
        started.set()
        try:
            await asyncio.sleep(10)
        finally:
            ended.append(True)

    caller = asyncio.create_task(within(slow(), 5))
    await started.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await asyncio.sleep(0)
    assert ended == [True]


@pytest.mark.asyncio
async def test_a_task_started_by_the_work_that_blocks_is_named():
    async def starts_a_spinner():
        async def spin():
            while True:
                pass

        spinner = asyncio.create_task(spin())
        await asyncio.sleep(10)
        return spinner

    with pytest.raises(BlockedPastDeadline, match="a task it started blocked the event loop"):
        await within(starts_a_spinner(), DEADLINE)


# -- blocking that ends in time is still a failure, and the message names the line ------------


@pytest.mark.asyncio
async def test_a_short_blocking_sleep_fails_and_names_its_line():
    async def naps():
        await asyncio.sleep(0.01)
        time.sleep(0.3)  # the learner's mistake
        return "done"

    with pytest.raises(EventLoopBlocked) as caught:
        await within(naps(), DEADLINE * 4)
    message = str(caught.value)
    assert "naps() blocked the event loop for 0." in message
    assert "`time.sleep(0.3)  # the learner's mistake` in naps()" in message
    assert "asyncio.sleep" in message  # and what to do instead


@pytest.mark.asyncio
async def test_small_blocking_sleeps_add_up():
    async def backs_off():
        for _ in range(3):
            time.sleep(0.05)
            await asyncio.sleep(0)

    with pytest.raises(EventLoopBlocked, match=r"time\.sleep"):
        await within(backs_off(), DEADLINE * 4)


@pytest.mark.asyncio
async def test_a_blocking_http_client_fails(fresh_server):
    import urllib.request

    async def fetch():
        with urllib.request.urlopen(fresh_server.url + "/delay/0.3") as response:
            return response.read()

    with pytest.raises(EventLoopBlocked, match="urlopen"):
        await within(fetch(), DEADLINE * 4)


@pytest.mark.asyncio
async def test_blocking_is_reported_over_the_codes_own_error():
    async def naps_then_fails():
        time.sleep(0.3)
        raise ValueError("mine")

    with pytest.raises(EventLoopBlocked) as caught:
        await within(naps_then_fails(), DEADLINE * 4)
    assert isinstance(caught.value.__cause__, ValueError)


@pytest.mark.asyncio
async def test_busy_but_cooperative_code_passes():
    """Thousands of short tasks keep the loop busy; that is the loop at work, not blocking."""

    async def one(n: int) -> int:
        await asyncio.sleep(0.01)
        return sum(range(n % 50))

    async def many() -> int:
        return len(await asyncio.gather(*(one(n) for n in range(20_000))))

    assert await within(many(), 10) == 20_000


@pytest.mark.asyncio
async def test_blocking_work_moved_to_a_thread_passes():
    async def offloads():
        await asyncio.to_thread(time.sleep, 0.3)
        return "ok"

    assert await within(offloads(), DEADLINE * 4) == "ok"


@pytest.mark.asyncio
async def test_without_sigalrm_the_deadline_is_plain_and_blocking_is_reported(
    monkeypatch, capsys, sentinel
):
    """Windows has no SIGALRM: waiting is still cut short, blocking is reported once it ends."""
    monkeypatch.setattr(deadline, "CAN_ALARM", False)
    monkeypatch.setattr(deadline, "_platform_explained", False)

    with pytest.raises(DeadlineExceeded, match="still waiting"):
        await within(asyncio.sleep(10), DEADLINE)

    async def blocks_past_the_deadline():
        busy(DEADLINE + 0.3)

    with pytest.raises(EventLoopBlocked, match="busy"):
        await within(blocks_past_the_deadline(), DEADLINE)
    assert signal.getsignal(signal.SIGALRM) is sentinel  # the alarm was never armed
    assert capsys.readouterr().out.count("no SIGALRM") == 1  # said once, not per call


@pytest.mark.asyncio
async def test_a_test_that_blocks_on_purpose_can_say_so():
    async def holds_the_loop():
        busy(0.2)
        return "held"

    assert await within(holds_the_loop(), DEADLINE * 4, may_block=True) == "held"


@pytest.mark.asyncio
async def test_within_leaves_no_task_of_its_own_behind():
    before = asyncio.all_tasks()
    await within(answer(1, 0.05), DEADLINE)
    assert asyncio.all_tasks() == before
