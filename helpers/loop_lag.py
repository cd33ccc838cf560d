"""An event-loop lag meter: how late does the loop run a tick that asked to sleep `interval`?

    async with loop_lag() as lag:
        ...            # the code under test
    lag.max            # worst lateness in seconds
    lag.plot()

A healthy loop runs every tick within a few milliseconds (tens, on a busy machine). Code that
blocks the loop (a busy loop, `time.sleep`, a synchronous HTTP call) delays every tick by as long
as it blocks.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from helpers.display import show

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class LoopLag:
    """Samples the event loop's lateness while its `async with` block runs."""

    def __init__(self, interval: float = 0.01) -> None:
        if interval <= 0:
            raise ValueError(f"interval must be positive, got {interval}")
        self.interval = interval
        self.samples: list[tuple[float, float]] = []  # (seconds since start, lateness)
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def __aenter__(self) -> LoopLag:
        self._stopping = False
        self.samples.clear()
        self._task = asyncio.create_task(self._sample(), name="loop-lag meter")
        await asyncio.sleep(0)  # let the meter take its first reading before the block runs
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._stopping = True
        if self._task is not None:
            await self._task

    async def _sample(self) -> None:
        loop = asyncio.get_running_loop()
        origin = loop.time()
        while not self._stopping:
            before = loop.time()
            await asyncio.sleep(self.interval)
            now = loop.time()
            self.samples.append((now - origin, max(now - before - self.interval, 0.0)))

    @property
    def max(self) -> float:
        """The worst lateness seen, in seconds."""
        return max((late for _, late in self.samples), default=0.0)

    @property
    def mean(self) -> float:
        """The average lateness, in seconds."""
        return sum(late for _, late in self.samples) / len(self.samples) if self.samples else 0.0

    def __repr__(self) -> str:
        return (
            f"<loop lag: worst {self.max * 1000:.0f} ms, mean {self.mean * 1000:.0f} ms "
            f"over {len(self.samples)} ticks of {self.interval * 1000:.0f} ms>"
        )

    def figure(self) -> Figure:
        """Draw lateness over time on a new matplotlib Figure and return it."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, 2.8), layout="constrained")
        ax = fig.subplots()
        times = [t for t, _ in self.samples]
        lateness = [late * 1000 for _, late in self.samples]
        ax.plot(times, lateness, marker=".", linewidth=1)
        ax.fill_between(times, lateness, alpha=0.2)
        ax.set_xlabel("seconds since the meter started")
        ax.set_ylabel("tick lateness (ms)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.set_title(
            f"event-loop lag: worst {self.max * 1000:.0f} ms, mean {self.mean * 1000:.0f} ms",
            fontsize=10,
        )
        return fig

    def plot(self) -> None:
        """Show the lateness chart in the notebook."""
        show(self.figure())


def loop_lag(interval: float = 0.01) -> LoopLag:
    """A meter for `async with`: samples the loop's lateness every `interval` seconds."""
    return LoopLag(interval)
