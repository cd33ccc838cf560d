"""Catch code that blocks the event loop, and say which line did it.

A `LoopWatch` runs a heartbeat task on the loop while some work runs. The loop is stuck when the
heartbeat is late. A watchdog thread (the one `within()` already runs) then looks at the loop
thread's stack: if the innermost frame that is not a synchronous library (sockets, urllib,
subprocess, threading, requests, ...) is the learner's own code, the learner's code is what keeps
the loop from running. A stall of the loop's own machinery (asyncio, aiohttp, the kernel), a
garbage collection or a busy machine is not the learner's, and is not counted. Neither is a
loop inside one C call (`sum(range(10**9))`), which no other thread can look into while it runs:
the deadline's alarm and the grader's cell timeout deal with those.

    watch = LoopWatch()
    async with watch:
        await work
    if watch.blocked:
        print(watch.describe())   # "blocked the event loop for 0.30 s, at `time.sleep(0.3)` ..."
"""

from __future__ import annotations

import asyncio
import functools
import linecache
import os
import site
import sysconfig
import threading
import time
from collections.abc import Iterable
from types import FrameType

BEAT = 0.01  # seconds between heartbeats
STUCK = 0.02  # a heartbeat this much overdue means the loop is stuck
LIMIT = 0.1  # seconds of blocking by the learner's code, in total, that fail the work

# Code that runs the loop: a stall in here is the loop at work, not the learner's code blocking it.
_MACHINERY_STDLIB = ("asyncio", "selectors.py", "contextvars")
_MACHINERY_PACKAGES = frozenset(
    [
        "aiohttp",
        "yarl",
        "multidict",
        "aiohappyeyeballs",
        "aiosignal",
        "frozenlist",
        "propcache",
        "uvloop",
        "ipykernel",
        "IPython",
        "tornado",
        "zmq",
        "jupyter_client",
        "comm",
        "ipywidgets",
        "matplotlib_inline",
        "nest_asyncio",
        "pytest_asyncio",
        "_pytest",
        "pluggy",
        "helpers",
    ]
)
_HELPERS = os.path.dirname(os.path.abspath(__file__))


def _roots(paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({os.path.realpath(p) + os.sep for p in paths if p}, key=len, reverse=True))


_STDLIB = _roots(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib"))
_SITE = _roots(
    [
        *(sysconfig.get_paths()[key] for key in ("purelib", "platlib")),
        *site.getsitepackages(),
        site.getusersitepackages(),
    ]
)


@functools.cache
def _kind(filename: str) -> str:
    """'user', 'machinery' or 'library' (synchronous code the user called) for a frame's file."""
    if filename.startswith("<"):  # <string>, <frozen ...>: code without a file
        return "library" if filename.startswith("<frozen") else "user"
    path = os.path.realpath(filename)
    if path.startswith(_HELPERS + os.sep):
        return "machinery"
    for root in _SITE:  # before the standard library: a venv's site-packages may sit inside it
        if path.startswith(root):
            top = path[len(root) :].split(os.sep, 1)[0].removesuffix(".py")
            return "machinery" if top in _MACHINERY_PACKAGES else "library"
    for root in _STDLIB:
        if path.startswith(root):
            rest = path[len(root) :]
            return "machinery" if rest.startswith(_MACHINERY_STDLIB) else "library"
    return "user"


def culprit(frame: FrameType | None) -> FrameType | None:
    """The user's frame that holds the loop, or None if the loop's own machinery does."""
    while frame is not None:
        kind = _kind(frame.f_code.co_filename)
        if kind == "user":
            return frame
        if kind == "machinery":
            return None
        frame = frame.f_back
    return None


class LoopWatch:
    """Measures how long the learner's code kept the event loop from running."""

    def __init__(self) -> None:
        self.blocked = 0.0  # seconds the loop was stuck in the learner's code
        self.where = ""  # the learner's line that held the loop longest, as "`code` in function"
        self._beat = 0.0  # when the heartbeat last ran
        self._thread = 0
        self._task: asyncio.Task[None] | None = None
        # The stall being looked at: the heartbeat it follows, the code seen holding the loop,
        # and until when its blocking has been counted (None: not yet confirmed).
        self._stall_beat = 0.0
        # Held, not just its id: a finished frame's memory (so its id) can go to the next one.
        self._suspect: FrameType | None = None
        self._counted_until: float | None = None
        self._longest = 0.0

    # -- the loop side -------------------------------------------------------------------------
    async def __aenter__(self) -> LoopWatch:
        self._thread = threading.get_ident()
        self._beat = time.monotonic()
        self._task = asyncio.get_running_loop().create_task(self._heartbeat())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._thread = 0
        self._suspect = None
        if self._task is not None:
            self._task.cancel()
            # Gone before the caller goes on: code that counts the loop's tasks must not see it.
            await asyncio.wait({self._task})

    async def _heartbeat(self) -> None:
        while True:
            self._beat = time.monotonic()
            await asyncio.sleep(BEAT)

    @property
    def failed(self) -> bool:
        return self.blocked >= LIMIT

    def describe(self) -> str:
        """Words for the learner: how long, and where."""
        return f"blocked the event loop for {self.blocked:.2f} s, at {self.where}"

    # -- the watchdog side (another thread) ----------------------------------------------------
    def sample(self, frames: dict[int, FrameType], now: float) -> None:
        """Look at the loop thread's stack if the heartbeat is overdue.

        A stall counts once two looks in a row find the same call of the learner's (the same
        frame) holding the loop: one look could land anywhere, for example in one of many tasks
        that each run briefly. It then counts from its start.
        """
        beat = self._beat
        if not self._thread or now - beat < BEAT + STUCK:
            return
        frame = culprit(frames.get(self._thread))
        if beat != self._stall_beat or frame is None or frame is not self._suspect:
            self._stall_beat, self._suspect, self._counted_until = beat, frame, None
            return
        start = beat + BEAT if self._counted_until is None else self._counted_until
        self.blocked += now - start
        self._counted_until = now
        if now - (beat + BEAT) > self._longest:
            self._longest, self.where = now - (beat + BEAT), _line(frame)


def _line(frame: FrameType) -> str:
    code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    name = frame.f_code.co_name
    where = f"`{code}`" if code else f"line {frame.f_lineno}"
    return where if name == "<module>" else f"{where} in {name}()"
