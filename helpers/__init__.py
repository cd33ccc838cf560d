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

Names load on first use, so `python -m helpers.server` starts quickly and cleanly; type
checkers and IDEs read the imports under TYPE_CHECKING instead.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helpers.data_servers import (
        PostgresServer,
        RedisServer,
        ServerNotInstalled,
        postgres_server,
        redis_server,
    )
    from helpers.deadline import DeadlineExceeded, EventLoopBlocked, within
    from helpers.explorer import concurrency_explorer
    from helpers.grade_from_notebook import grade_exercise
    from helpers.loop_lag import LoopLag, loop_lag
    from helpers.request_stats import LoggedRequest, ServerStats
    from helpers.server import MockServer, mock_server
    from helpers.stopwatch import Stopwatch, stopwatch
    from helpers.timeline import Span, Timeline

_EXPORTS = {
    "MockServer": "helpers.server",
    "mock_server": "helpers.server",
    "ServerStats": "helpers.request_stats",
    "LoggedRequest": "helpers.request_stats",
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

__all__ = [
    "DeadlineExceeded",
    "EventLoopBlocked",
    "LoggedRequest",
    "LoopLag",
    "MockServer",
    "PostgresServer",
    "RedisServer",
    "ServerNotInstalled",
    "ServerStats",
    "Span",
    "Stopwatch",
    "Timeline",
    "concurrency_explorer",
    "grade_exercise",
    "loop_lag",
    "mock_server",
    "postgres_server",
    "redis_server",
    "stopwatch",
    "within",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    # Importing helpers.stopwatch binds the package's name `stopwatch` to that module: bind every
    # name the module exports now, so the function wins (`from helpers import Stopwatch, stopwatch`).
    for exported, where in _EXPORTS.items():
        if where == module.__name__:
            globals()[exported] = getattr(module, exported)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
