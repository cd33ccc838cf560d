"""`await within(coro, seconds)`: a deadline that also stops code which blocks the event loop.

`asyncio.wait_for` and `asyncio.timeout` can only cancel a task at an `await`. Code that never
awaits (`while True: pass`, `time.sleep(60)`) keeps the loop from ever running the timeout, and
in Jupyter the interrupt button cannot stop it either. `within` arms a SIGALRM timer as well: if
the loop is still stuck a moment after the deadline, the signal handler raises inside whatever
task is running, which is the code that blocks. Exercise tests call learners' code through this,
so one hanging answer fails its own part in about a second and the rest are still graded.
"""

from __future__ import annotations

import asyncio
import inspect
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

GRACE = 0.5  # seconds the loop may stay stuck past the deadline before the alarm interrupts it

_armed: dict[int, float] = {}  # id of an active within() call -> when its alarm is due
_saved_handler: Any = None


class DeadlineExceeded(TimeoutError):
    """The code under a deadline did not finish in time; the message says why."""


class LoopBlocked(Exception):
    """Raised by the alarm inside code that kept the event loop busy past a deadline.

    An Exception, not a TimeoutError, so `except TimeoutError` in the code under test does not
    swallow it.
    """


def _next_alarm() -> None:
    signal.setitimer(
        signal.ITIMER_REAL, max(min(_armed.values()) - time.monotonic(), 0.01) if _armed else 0
    )


def _on_alarm(signum, frame) -> None:
    try:
        in_task = asyncio.current_task() is not None
    except RuntimeError:  # no running loop in this thread
        in_task = False
    now = time.monotonic()
    overdue = [key for key, due in _armed.items() if due <= now]
    if overdue and in_task:
        for key in overdue:  # only these: a concurrent call keeps its own deadline
            _armed[key] = now + GRACE  # if this is swallowed, try again soon
        _next_alarm()
        raise LoopBlocked("the event loop was blocked past the deadline")
    if overdue:  # between tasks, where raising would break the loop itself: check again shortly
        signal.setitimer(signal.ITIMER_REAL, 0.05)
    else:
        _next_alarm()


class _Alarm:
    """Arms the SIGALRM back-stop for one within() call (main thread only)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.enabled = threading.current_thread() is threading.main_thread()

    def __enter__(self) -> None:
        global _saved_handler
        if not self.enabled:
            return
        if not _armed:
            _saved_handler = signal.signal(signal.SIGALRM, _on_alarm)
        _armed[id(self)] = time.monotonic() + self.seconds + GRACE
        _next_alarm()

    def __exit__(self, *exc_info) -> None:
        if not self.enabled:
            return
        _armed.pop(id(self), None)
        _next_alarm()
        if not _armed:
            signal.signal(signal.SIGALRM, _saved_handler)


def _describe(work: Any) -> str:
    name = getattr(work, "__qualname__", None) or type(work).__name__
    return f"{name}()"


async def within(work: Awaitable | Callable[[], Any], seconds: float) -> Any:
    """Await `work` and return its result; or call `work` and return what the call returned.

    A function's result is awaited only when it is a coroutine (`lambda: fetch(x)`); a Task or
    Future it returns comes back as it is, so starting a task does not wait for it to finish.
    Raises DeadlineExceeded if it takes longer than `seconds`, with a message that tells waiting
    too long apart from blocking the event loop.
    """
    name = _describe(work)
    with _Alarm(seconds):
        deadline = asyncio.timeout(seconds)
        try:
            async with deadline:
                if inspect.isawaitable(work):
                    return await work
                result = work()
                if inspect.iscoroutine(result):
                    result = await result
            return result
        except LoopBlocked:
            raise DeadlineExceeded(
                f"{name} blocked the event loop for over {seconds:g} s and was stopped: look for a "
                "loop that never awaits, or a blocking call such as time.sleep() or a synchronous "
                "HTTP request inside async code"
            ) from None
        except TimeoutError:
            if not deadline.expired():
                raise  # the code's own TimeoutError, not our deadline
            raise DeadlineExceeded(
                f"{name} did not finish within {seconds:g} s: it was still waiting. Look for "
                "requests made one after another instead of concurrently, or a wait that never ends"
            ) from None
