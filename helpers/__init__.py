"""Helpers for the "Async Python, hands-on" course.

    from helpers import mock_server, stopwatch, Timeline, loop_lag

- `mock_server()`: the local mock HTTP API (helpers.server, endpoints in helpers.mock_api)
- `stopwatch(label)`: time a block (helpers.stopwatch)
- `Timeline`: record spans of work and draw them (helpers.timeline)
- `loop_lag()`: measure how late the event loop runs (helpers.loop_lag)
- `concurrency_explorer(demo)`: a slider that re-runs a demo (helpers.explorer)
- `postgres_server()`, `redis_server()`: throwaway PostgreSQL and Redis servers to `async with`
  (helpers.data_servers); `ServerNotInstalled` says how to install a missing one
- `within(coro, seconds)`: a deadline that also stops blocking code (helpers.deadline)
- `python -m helpers.grade`: grade your exercise (helpers.grade); from its last cell,
  `await grade_exercise("NN-topic")` (helpers.grade_from_notebook)

Names load on first use, so `python -m helpers.server` starts quickly and cleanly.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "MockServer": "helpers.server",
    "mock_server": "helpers.server",
    "Stopwatch": "helpers.stopwatch",
    "stopwatch": "helpers.stopwatch",
    "Span": "helpers.timeline",
    "Timeline": "helpers.timeline",
    "LoopLag": "helpers.loop_lag",
    "loop_lag": "helpers.loop_lag",
    "concurrency_explorer": "helpers.explorer",
    "DeadlineExceeded": "helpers.deadline",
    "EventLoopBlocked": "helpers.deadline",
    "within": "helpers.deadline",
    "grade_exercise": "helpers.grade_from_notebook",
    "PostgresServer": "helpers.data_servers",
    "RedisServer": "helpers.data_servers",
    "ServerNotInstalled": "helpers.data_servers",
    "postgres_server": "helpers.data_servers",
    "redis_server": "helpers.data_servers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
