"""`await within(coro, seconds)`: a deadline that also stops code which blocks the event loop.

`asyncio.wait_for` and `asyncio.timeout` can only cancel a task at an `await`. Code that never
awaits (`while True: pass`, `time.sleep(60)`) keeps the loop from ever running the timeout, and
in Jupyter the interrupt button cannot stop it either. So `within` also arms a back-stop: if the
loop is still stuck a moment after the deadline, a watchdog thread sends SIGALRM to the main
thread, and the handler raises inside whatever task is running, which is the code that blocks.
Code that keeps awaiting but swallows its cancellation is reported too. Exercise tests call
learners' code through this, so one hanging answer fails its own part in about a second and the
rest are still graded.

Work that finishes in time but blocked the event loop on the way (`time.sleep(0.3)`, a urllib
request) fails too, with `EventLoopBlocked`, naming the line: see helpers.loop_watch. Where the
platform has no SIGALRM (Windows), the deadline is a plain one: it stops work that waits, and
reports work that blocks once it ends.
"""

from __future__ import annotations

import asyncio
import inspect
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import FrameType
from typing import Any

from helpers.loop_watch import LoopWatch

GRACE = 0.5  # seconds the loop may stay stuck past the deadline before the alarm interrupts it
POKE = 0.05  # seconds between the watchdog's checks while a deadline is armed
SAMPLE = 0.01  # seconds between its looks at the loop while a LoopWatch is on
CAN_ALARM = hasattr(signal, "SIGALRM") and hasattr(signal, "pthread_kill")  # not on Windows

# id of an active within() call -> when its alarm is due. Changed only by the main thread;
# read by the watchdog under _lock, so it never signals a call that has just finished.
_armed: dict[int, float] = {}
_fired: set[int] = set()  # calls whose alarm has raised LoopBlocked in some task
_watches: set[LoopWatch] = set()  # watches the watchdog samples; changed under _lock
_lock = threading.Lock()
_wake = threading.Event()
_saved_handler: Any = None
_watchdog: threading.Thread | None = None


class DeadlineExceeded(TimeoutError):
    """The code under a deadline did not finish in time; the message says why."""


class BlockedPastDeadline(DeadlineExceeded):
    """The code kept the event loop busy past its deadline and was stopped; the message says
    where."""


class EventLoopBlocked(AssertionError):
    """The work finished (or failed) but blocked the event loop on the way; the message says where.

    Not a TimeoutError, so code under test that expects one does not swallow it.
    """


class LoopBlocked(Exception):
    """Raised by the alarm inside code that kept the event loop busy past a deadline.

    An Exception, not a TimeoutError, so `except TimeoutError` in the code under test does not
    swallow it.
    """


def _watch(main_thread_id: int) -> None:
    """Signal the main thread, and only it, while an armed deadline is overdue; feed the watches.

    A process-wide timer (setitimer) would interrupt whichever thread it lands on, such as a
    kernel's ZeroMQ thread, which does not expect it.
    """
    while True:
        _wake.wait()
        with _lock:
            if not _armed and not _watches:
                _wake.clear()
                continue
            now = time.monotonic()
            if _armed and min(_armed.values()) <= now:
                signal.pthread_kill(main_thread_id, signal.SIGALRM)
            if _watches:
                frames = sys._current_frames()
                for watch in _watches:
                    watch.sample(frames, now)
                del frames  # frames keep their locals alive
        time.sleep(SAMPLE if _watches else POKE)


def _start_watchdog() -> None:
    global _watchdog
    if _watchdog is None:
        _watchdog = threading.Thread(
            target=_watch,
            args=(threading.main_thread().ident,),
            name="within-watchdog",
            daemon=True,
        )
        _watchdog.start()


@asynccontextmanager
async def _watching() -> AsyncIterator[LoopWatch]:
    """A LoopWatch that the watchdog samples while the block runs."""
    watch = LoopWatch()
    async with watch:
        _start_watchdog()
        with _lock:
            _watches.add(watch)
        _wake.set()
        try:
            yield watch
        finally:
            with _lock:
                _watches.discard(watch)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    """Raise LoopBlocked in the running task if a deadline is overdue (main thread only)."""
    __tracebackhide__ = True
    try:
        in_task = asyncio.current_task() is not None
    except RuntimeError:  # no running loop in this thread
        in_task = False
    now = time.monotonic()
    overdue = [key for key, due in _armed.items() if due <= now]
    if overdue and in_task:  # between tasks, raising would break the loop itself: wait a poke
        for key in overdue:  # only these: a concurrent call keeps its own deadline
            _armed[key] = now + GRACE  # if this is swallowed, try again a little later
            _fired.add(key)
        raise LoopBlocked("the event loop was blocked past the deadline")


class _Alarm:
    """Arms the watchdog back-stop for one within() call (main thread only)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.enabled = CAN_ALARM and threading.current_thread() is threading.main_thread()

    @property
    def fired(self) -> bool:
        """Whether this call's alarm has raised LoopBlocked in some task."""
        return id(self) in _fired

    def __enter__(self) -> _Alarm:
        global _saved_handler
        if not self.enabled:
            return self
        _start_watchdog()
        with _lock:
            if not _armed:
                _saved_handler = signal.signal(signal.SIGALRM, _on_alarm)
            _armed[id(self)] = time.monotonic() + self.seconds + GRACE
        _wake.set()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.enabled:
            return
        _armed.pop(id(self), None)  # first: a signal that arrives from now on finds nothing due
        _fired.discard(id(self))
        with _lock:  # the watchdog signals only while holding it: none can follow the restore
            if not _armed:
                signal.signal(signal.SIGALRM, _saved_handler)


def _describe(work: Any) -> str:
    name = getattr(work, "__qualname__", None) or type(work).__name__
    return f"{name}()"


async def within(
    work: Awaitable[Any] | Callable[[], Any], seconds: float, *, may_block: bool = False
) -> Any:
    """Await `work` and return its result; or call `work` and return what the call returned.

    A function's result is awaited only when it is a coroutine (`lambda: fetch(x)`); a Task or
    Future it returns comes back as it is, so starting a task does not wait for it to finish.
    Raises DeadlineExceeded if it takes longer than `seconds`, with a message that tells apart
    waiting too long, ignoring the cancellation, and blocking the event loop; EventLoopBlocked if
    it blocked the loop on the way, whatever else happened. With `may_block=True` (for a test
    that blocks the loop on purpose) only the deadline applies.
    """
    __tracebackhide__ = True  # IPython shows the learner's frames, not the grader's
    name = _describe(work)
    _explain_platform_once()
    with _Alarm(seconds) as alarm:
        try:
            if not inspect.isawaitable(work):
                work = work()
                if not inspect.iscoroutine(work):
                    return work
            async with _watching() as watch:
                try:
                    result = await _bounded(asyncio.ensure_future(work), seconds, name, alarm)
                except (asyncio.CancelledError, LoopBlocked):
                    raise
                except BlockedPastDeadline as exc:
                    if watch.where:  # say where too
                        raise BlockedPastDeadline(f"{exc} (it was at {watch.where})") from None
                    raise
                except BaseException as exc:
                    if watch.failed and not may_block:
                        raise EventLoopBlocked(_blocked_message(name, watch)) from exc
                    raise
            if watch.failed and not may_block:
                raise EventLoopBlocked(_blocked_message(name, watch))
            return result
        except LoopBlocked:
            raise BlockedPastDeadline(
                f"{name} blocked the event loop for over {seconds:g} s and was stopped: look for a "
                "loop that never awaits, or a blocking call such as time.sleep() or a synchronous "
                "HTTP request inside async code"
            ) from None


def _blocked_message(name: str, watch: LoopWatch) -> str:
    return (
        f"{name} {watch.describe()}. While it blocks, nothing else runs: inside async code, "
        "`await asyncio.sleep()` instead of time.sleep(), use an async client such as aiohttp, "
        "and move blocking work to `await asyncio.to_thread(...)`"
    )


_platform_explained = False


def _explain_platform_once() -> None:
    global _platform_explained
    if not CAN_ALARM and not _platform_explained:
        _platform_explained = True
        print(
            "within(): this platform has no SIGALRM, so code that blocks the event loop for ever "
            "cannot be stopped here; code that blocks it for a while is reported when it ends."
        )


async def _bounded(task: asyncio.Future[Any], seconds: float, name: str, alarm: _Alarm) -> Any:
    """The task's result if it finishes in time; otherwise cancel it and say how it ended."""
    __tracebackhide__ = True
    try:
        await asyncio.wait({task}, timeout=seconds)
        if task.done():
            return task.result()  # the code's own exceptions, TimeoutError included, pass through
        task.cancel()
        await asyncio.wait({task}, timeout=GRACE / 2)
    except asyncio.CancelledError:  # whoever awaits within() was cancelled: so is the work
        task.cancel()
        raise
    if not task.done():
        _keep_cancelling(task)
        raise DeadlineExceeded(
            f"{name} did not finish within {seconds:g} s and ignored its cancellation: an "
            "`except` caught asyncio.CancelledError without raising it again"
        )
    if not task.cancelled() and isinstance(blocked := task.exception(), LoopBlocked):
        raise blocked
    if alarm.fired:  # the alarm stopped some other task: one the work had started
        raise BlockedPastDeadline(
            f"{name} did not finish within {seconds:g} s: a task it started blocked the event loop "
            "and was stopped (a loop that never awaits, or a blocking call such as time.sleep())"
        )
    raise DeadlineExceeded(
        f"{name} did not finish within {seconds:g} s: it was still waiting. Look for requests "
        "made one after another instead of concurrently, or a wait that never ends"
    )


def _keep_cancelling(task: asyncio.Future[Any], attempts: int = 100) -> None:
    """Cancel again every 0.1 s while the task runs on, so it cannot outlive the grading for long."""
    task.add_done_callback(lambda done: done.cancelled() or done.exception())  # nothing to log
    if not task.done() and attempts:
        task.cancel()
        asyncio.get_running_loop().call_later(0.1, _keep_cancelling, task, attempts - 1)
