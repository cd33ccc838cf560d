"""The mock server's life: a background thread with its own event loop, one per process.

The server must not share the notebook's event loop: a synchronous client such as urllib blocks
that loop while it waits, so a server on it could never answer. In its own thread it answers
urllib, requests and aiohttp alike. `mock_server()` returns the running server when there is
one (also after `importlib.reload`), so re-running a cell never fails on "address in use".

Run it on its own with `python -m helpers.server [--port N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import ipaddress
import threading
import time

from aiohttp import web

from helpers.mock_api import STATE_KEY, create_app
from helpers.request_stats import RequestStats, ServerStats

THREAD_NAME = "helpers-mock-server"
START_TIMEOUT = 10.0  # seconds
_start_lock = threading.Lock()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MockServer:
    """The mock HTTP API served from a background thread; see `helpers.mock_api` for endpoints."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, allow_remote: bool = False
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(
                f"the mock server binds loopback addresses only, not {host!r}; "
                "pass allow_remote=True (or --allow-remote) if you really mean to expose it"
            )
        self.host = host
        self.port = port
        self._stats = RequestStats()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread = _ServerThread(self)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and self._ready.is_set() and self._error is None

    def start(self) -> MockServer:
        """Start serving and wait until the socket accepts connections."""
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise RuntimeError(f"the mock server did not start within {START_TIMEOUT:g} s")
        if self._error is not None:
            raise RuntimeError(f"the mock server could not start: {self._error}") from self._error
        return self

    def stats(self) -> ServerStats:
        """What the server saw since the last reset (see `RequestStats.snapshot`)."""
        return self._stats.snapshot()

    async def wait_idle(self, timeout: float = 2.0) -> ServerStats:
        """Wait until no request is in flight (abandoned ones included); return the stats then.

        A client that gives up returns at once, while the server notices a moment later: await
        this before reading what the server saw of cancelled or timed-out requests.
        """
        deadline = time.monotonic() + timeout
        while (seen := self.stats())["in_flight"] and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return seen

    def reset_stats(self) -> None:
        """Start the figures afresh, and forget flaky attempts and rate-limit windows."""
        self._stats.reset()
        if self.running and self._loop is not None and self._runner is not None:
            self._loop.call_soon_threadsafe(self._runner.app[STATE_KEY].reset)

    def stop(self) -> None:
        """Stop serving; a no-op when already stopped."""
        if self._thread.is_alive() and self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(START_TIMEOUT)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<MockServer {self.url} {state}>"

    # --- inside the server thread ---------------------------------------------------------------

    def _serve(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._open())
        except BaseException as exc:  # reported by start() in the caller's thread
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._close())
            loop.close()

    async def _open(self) -> None:
        self._runner = web.AppRunner(
            create_app(self._stats),
            handler_cancellation=True,  # a client that gives up ends its request here too
            access_log=None,
            shutdown_timeout=0.5,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=4096, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)


class _ServerThread(threading.Thread):
    """The thread a MockServer serves from; it keeps its server, so mock_server() finds it."""

    def __init__(self, server: MockServer) -> None:
        super().__init__(target=server._serve, name=THREAD_NAME, daemon=True)
        self.mock_server = server


def running_server() -> MockServer | None:
    """The server this process already runs, if any."""
    for thread in threading.enumerate():
        # By attribute, not isinstance: a reloaded helpers.server has a new _ServerThread class.
        server: MockServer | None = getattr(thread, "mock_server", None)
        if thread.name == THREAD_NAME and server is not None and server.running:
            return server
    return None


def mock_server() -> MockServer:
    """The running mock server, started on 127.0.0.1 and a free port if there is none yet."""
    with _start_lock:
        return running_server() or MockServer().start()


@atexit.register
def _stop_at_exit() -> None:
    server = running_server()
    if server is not None:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.server", description="Run the course's mock HTTP API until Ctrl+C."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8080, help="port (default 8080, 0 = any free one)"
    )
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (exposes it)"
    )
    args = parser.parse_args(argv)
    try:
        server = MockServer(args.host, args.port, allow_remote=args.allow_remote).start()
    except (ValueError, RuntimeError) as exc:
        parser.exit(2, f"error: {exc}\n")
    try:  # Ctrl+C may come as soon as the line is out
        print(
            f"mock server at {server.url} (Ctrl+C stops it; GET {server.url}/ lists the endpoints)",
            flush=True,
        )
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
