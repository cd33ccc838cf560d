"""Task timelines: record when pieces of work start and end, then draw them as a Gantt chart.

    tl = Timeline()
    async with tl.span("download 3"):
        ...
    tl.plot()

The chart has one bar per span and a summary line: the wall time (first start to last end), the
busy time (all spans' durations added up) and the average concurrency (busy / wall). A timeline
can also be built from the mock server's request log, to show what the server saw.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from helpers.display import show

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from helpers.request_stats import ServerStats

OK, FAILED, CANCELLED = "tab:blue", "tab:orange", "tab:gray"
MEANINGS = {OK: "finished", FAILED: "failed", CANCELLED: "cancelled or abandoned"}
MAX_LABELLED_ROWS = 40


@dataclass(frozen=True)
class Span:
    """One piece of work: a label, perf_counter() start and end, and the bar's colour."""

    label: str
    start: float
    end: float
    color: str = OK

    @property
    def duration(self) -> float:
        return self.end - self.start


class _SpanRecorder:
    """Records one span around a `with` or `async with` block."""

    def __init__(self, timeline: Timeline, label: str) -> None:
        self._timeline = timeline
        self._label = label
        self._start = 0.0

    def __enter__(self) -> _SpanRecorder:
        self._start = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            color = OK
        elif issubclass(exc_type, asyncio.CancelledError):
            color = CANCELLED
        else:
            color = FAILED
        self._timeline.add(self._label, self._start, time.perf_counter(), color)

    async def __aenter__(self) -> _SpanRecorder:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class Timeline:
    """A list of spans with the figures and the chart that explain them."""

    def __init__(self, title: str = "timeline") -> None:
        self.title = title
        self.spans: list[Span] = []

    def span(self, label: str) -> _SpanRecorder:
        """A context manager (`with` or `async with`) that records its block as one span.

        Bars are blue when the block ended normally, orange when it raised, grey when cancelled.
        """
        return _SpanRecorder(self, label)

    def add(self, label: str, start: float, end: float, color: str = OK) -> None:
        """Record a span measured elsewhere, in `time.perf_counter()` seconds."""
        if end < start:
            raise ValueError(f"span {label!r} ends ({end}) before it starts ({start})")
        self.spans.append(Span(label, start, end, color))

    @classmethod
    def from_server(cls, stats: ServerStats, title: str = "what the server saw") -> Timeline:
        """One span per request in `server.stats()["log"]`; errors orange, abandoned grey."""
        timeline = cls(title)
        for entry in stats["log"]:
            label = entry["path"] + (f"?{entry['query']}" if entry["query"] else "")
            status = entry["status"]
            color = OK if status < 400 else CANCELLED if status == 499 else FAILED
            timeline.add(label, entry["start"], entry["end"], color)
        return timeline

    # --- figures -----------------------------------------------------------------------------

    @property
    def wall(self) -> float:
        """Seconds from the first start to the last end."""
        if not self.spans:
            return 0.0
        return max(s.end for s in self.spans) - min(s.start for s in self.spans)

    @property
    def busy(self) -> float:
        """All spans' durations added up: the time the work would take one after another."""
        return sum(s.duration for s in self.spans)

    @property
    def concurrency(self) -> float:
        """Average number of spans in progress: busy / wall (1.0 means one at a time)."""
        return self.busy / self.wall if self.wall else float(bool(self.spans))

    @property
    def peak(self) -> int:
        """The most spans in progress at the same moment."""
        events = sorted([(s.start, 1) for s in self.spans] + [(s.end, -1) for s in self.spans])
        running = highest = 0
        for _, step in events:  # at equal times, ends (-1) sort before starts (+1)
            running += step
            highest = max(highest, running)
        return highest

    def summary(self) -> str:
        return (
            f"{len(self.spans)} spans, wall {self.wall:.2f} s, busy {self.busy:.2f} s, "
            f"average concurrency {self.concurrency:.1f}, peak {self.peak}"
        )

    def __repr__(self) -> str:
        return f"<Timeline {self.title!r}: {self.summary()}>"

    # --- drawing -----------------------------------------------------------------------------

    def figure(self) -> Figure:
        """Draw the chart on a new matplotlib Figure and return it (nothing is shown)."""
        from matplotlib.figure import Figure

        spans = sorted(self.spans, key=lambda s: s.start)  # rows top to bottom in start order
        rows = len(spans)
        fig = Figure(figsize=(8, min(1.6 + 0.28 * max(rows, 1), 10)), layout="constrained")
        ax = fig.subplots()
        origin = spans[0].start if spans else 0.0
        visible = max(self.wall, 1e-3) * 0.004  # an instant span still shows as a sliver
        ax.barh(
            range(rows),
            [max(s.duration, visible) for s in spans],
            left=[s.start - origin for s in spans],
            color=[s.color for s in spans],
            height=0.7,
        )
        ax.set_ylim(rows - 0.5, -0.5)  # first span on top
        if rows <= MAX_LABELLED_ROWS:
            ax.set_yticks(range(rows), [s.label for s in spans], fontsize=8)
        else:
            ax.set_yticks([])
            ax.set_ylabel(f"{rows} spans")
        ax.set_xlim(0, max(self.wall, 1e-3) * 1.05)
        ax.set_xlabel("seconds since the first start")
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(f"{self.title}\n{self.summary()}", fontsize=10)
        self._add_legend(ax, spans)
        return fig

    @staticmethod
    def _add_legend(ax: Axes, spans: list[Span]) -> None:
        """Say what the colours mean, once a chart has more than plain finished work."""
        from matplotlib.patches import Patch

        colors = [color for color in MEANINGS if any(s.color == color for s in spans)]
        if colors and colors != [OK]:
            handles = [Patch(color=color, label=MEANINGS[color]) for color in colors]
            ax.legend(handles=handles, loc="best", fontsize=8, framealpha=0.9)

    def plot(self) -> None:
        """Show the chart in the notebook."""
        show(self.figure())
