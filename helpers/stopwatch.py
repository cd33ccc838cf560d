"""A stopwatch for a block of code: `with stopwatch("label"):` prints "label: 0.21 s"."""

from __future__ import annotations

import time


class Stopwatch:
    """Measures the wall-clock time of a `with` or `async with` block."""

    def __init__(self, label: str = "elapsed", *, quiet: bool = False) -> None:
        self.label = label
        self.quiet = quiet
        self.elapsed: float | None = None
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.elapsed = time.perf_counter() - self._start
        if not self.quiet:
            print(self)

    async def __aenter__(self) -> Stopwatch:
        return self.__enter__()

    async def __aexit__(self, *exc_info: object) -> None:
        self.__exit__(*exc_info)

    def __str__(self) -> str:
        if self.elapsed is None:
            return f"{self.label}: running"
        return f"{self.label}: {self.elapsed:.2f} s"

    def __repr__(self) -> str:
        return f"<Stopwatch {self}>"


def stopwatch(label: str = "elapsed", *, quiet: bool = False) -> Stopwatch:
    """Time a block; prints one line when it ends unless `quiet`. `.elapsed` keeps the seconds."""
    return Stopwatch(label, quiet=quiet)
