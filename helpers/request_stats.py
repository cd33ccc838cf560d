"""What the mock server saw: request counts, concurrency and a log of every request.

The server's event loop runs in its own thread while notebooks read the figures from the main
thread, so every access goes through one lock.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import TypedDict

LOG_LIMIT = 10_000  # newest requests kept in the log; the counters are always exact


class LoggedRequest(TypedDict):
    """One finished request in `ServerStats["log"]`; times are `time.perf_counter()` seconds."""

    method: str
    path: str
    query: str
    status: int
    start: float
    end: float


class ServerStats(TypedDict):
    """What `MockServer.stats()` returns: the figures since the last reset."""

    requests: int  # requests received
    in_flight: int  # received and not yet answered (or abandoned) right now
    max_in_flight: int  # the most in flight at once
    connections: int  # distinct client connections seen
    by_path: dict[str, int]  # requests per path
    by_status: dict[int, int]  # answers per status code (499: abandoned by the client)
    log: list[LoggedRequest]  # the newest LOG_LIMIT finished requests, oldest first


@dataclass
class _Open:
    method: str
    path: str
    query: str
    start: float


class RequestStats:
    """Thread-safe counters that the server updates and `MockServer.stats()` reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests = 0
            self._max_in_flight = 0
            self._open: dict[int, _Open] = {}
            self._peers: set[tuple[str, int]] = set()
            self._by_path: Counter[str] = Counter()
            self._by_status: Counter[int] = Counter()
            self._log: deque[LoggedRequest] = deque(maxlen=LOG_LIMIT)
            self._next_token = 0

    def begin(self, method: str, path: str, query: str, peer: tuple[str, int] | None) -> int:
        """Record that a request arrived; returns a token for `end`."""
        with self._lock:
            self._next_token += 1
            token = self._next_token
            self._requests += 1
            self._open[token] = _Open(method, path, query, time.perf_counter())
            self._max_in_flight = max(self._max_in_flight, len(self._open))
            self._by_path[path] += 1
            if peer is not None:
                self._peers.add(peer)
            return token

    def end(self, token: int, status: int) -> None:
        """Record that the request behind `token` finished with `status`."""
        with self._lock:
            req = self._open.pop(token, None)
            if req is None:  # began before a reset: it belongs to the old figures
                return
            self._by_status[status] += 1
            self._log.append(
                {
                    "method": req.method,
                    "path": req.path,
                    "query": req.query,
                    "status": status,
                    "start": req.start,
                    "end": time.perf_counter(),
                }
            )

    def snapshot(self) -> ServerStats:
        """A plain-dict copy, safe to keep while the server goes on counting."""
        with self._lock:
            return {
                "requests": self._requests,
                "in_flight": len(self._open),
                "max_in_flight": self._max_in_flight,
                "connections": len(self._peers),
                "by_path": dict(self._by_path),
                "by_status": dict(self._by_status),
                "log": list(self._log),
            }
