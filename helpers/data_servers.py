"""Throwaway PostgreSQL and Redis servers for lessons and exercises, one per `async with`.

    async with postgres_server() as pg:     # initdb in a temporary folder, then postgres
        conn = await asyncpg.connect(pg.dsn)
    async with redis_server() as rd:        # redis-server, nothing written to disk
        client = redis.asyncio.from_url(rd.url)

Each server listens on 127.0.0.1 and a free port, trusts local connections (no password) and
keeps its data in a temporary folder that is removed when it stops. In a notebook, where a server
should outlive a cell, `server = await redis_server().start()` and later `await server.stop()`.

A server is not a child of the kernel itself but of a small guardian process (`python -m
helpers.data_servers`) in a session of its own, so an interrupted cell does not reach it. The
guardian stops the server and removes its folder when the kernel closes the pipe between them:
on `stop()`, at interpreter exit, and when the kernel dies (the pipe closes with it). On Linux
the server also gets a signal if the guardian itself is killed.

A missing binary raises `ServerNotInstalled`, whose message says how to install it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# What the guardian is told: commands to run first, the server's command, whom to run them as,
# its folder, the line that says it is ready, and the signal that stops it.
Plan = dict[str, Any]

START_TIMEOUT = 30.0  # seconds: initdb on a busy machine
STOP_TIMEOUT = 10.0

POSTGRES_HELP = """\
PostgreSQL's server programs (initdb, postgres) were not found. Install them, then restart the kernel:
  Debian/Ubuntu (and WSL): sudo apt install postgresql   (they land in /usr/lib/postgresql/<version>/bin)
  macOS (Homebrew):        brew install postgresql@16
  Windows:                 use WSL (then the Debian/Ubuntu line), or the official installer from
                           https://www.postgresql.org/download/windows/ with its bin folder on PATH
  conda:                   conda install -c conda-forge postgresql
Or point the COURSE_PG_BIN environment variable at the folder that holds initdb and postgres."""

REDIS_HELP = """\
redis-server was not found. Install it, then restart the kernel:
  Debian/Ubuntu (and WSL): sudo apt install redis-server
  macOS (Homebrew):        brew install redis
  Windows:                 use WSL (then the Debian/Ubuntu line), or the official downloads
                           listed at https://redis.io/downloads/"""


class ServerNotInstalled(RuntimeError):
    """The server program is not installed here; the message says how to install it."""


class ServerStartError(RuntimeError):
    """The server program is there but did not start; the message holds its last log lines."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def postgres_bin() -> Path:
    """The folder holding initdb and postgres, or ServerNotInstalled."""
    candidates = []
    if os.environ.get("COURSE_PG_BIN"):
        candidates.append(os.environ["COURSE_PG_BIN"])
    found = shutil.which("initdb")
    if found:
        candidates.append(os.path.dirname(found))
    newest_first = sorted(
        glob.glob("/usr/lib/postgresql/*/bin")  # Debian, Ubuntu
        + glob.glob("/usr/pgsql-*/bin")  # Fedora, RHEL (PGDG)
        + glob.glob("/opt/homebrew/opt/postgresql*/bin")  # Homebrew, Apple silicon
        + glob.glob("/usr/local/opt/postgresql*/bin"),  # Homebrew, Intel
        key=lambda path: [int(n) for n in re.findall(r"\d+", path)] or [0],
        reverse=True,
    )
    candidates += newest_first
    for folder in candidates:
        if all(os.access(os.path.join(folder, tool), os.X_OK) for tool in ("initdb", "postgres")):
            return Path(folder)
    raise ServerNotInstalled(POSTGRES_HELP)


def redis_binary() -> Path:
    found = shutil.which("redis-server") or next(
        (
            p
            for p in ("/usr/bin/redis-server", "/opt/homebrew/bin/redis-server")
            if os.access(p, os.X_OK)
        ),
        None,
    )
    if found is None:
        raise ServerNotInstalled(REDIS_HELP)
    return Path(found)


_running: set[DataServer] = set()
_running_lock = threading.Lock()


class DataServer:
    """A server run by a guardian process; see the module's docstring."""

    kind = "server"
    scheme = ""
    ready_pattern = ""
    stop_signal = signal.SIGTERM

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.folder: Path | None = None
        self.startup_seconds: float | None = None
        self._guardian: subprocess.Popen[str] | None = None
        self._server_pid: int | None = None

    # what subclasses say
    def _plan(self, folder: Path, port: int) -> Plan:
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    @property
    def running(self) -> bool:
        return self._guardian is not None and self._guardian.poll() is None

    @property
    def pid(self) -> int | None:
        """The server's own process id (not the guardian's)."""
        return self._server_pid

    async def start(self) -> DataServer:
        """Start the server and wait until it accepts connections; returns itself."""
        if self.running:
            return self
        await asyncio.to_thread(self.start_blocking)
        return self

    def start_blocking(self) -> DataServer:
        started = time.perf_counter()
        for attempt in range(3):  # another program may take the free port first
            self.folder = Path(tempfile.mkdtemp(prefix=f"course-{self.kind}-"))
            self.port = free_port(self.host)
            plan = self._plan(self.folder, self.port)
            plan |= {
                "folder": str(self.folder),
                "ready": self.ready_pattern,
                "stop_signal": int(self.stop_signal),
            }
            self._guardian = subprocess.Popen(
                [sys.executable, "-m", "helpers.data_servers", json.dumps(plan)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,  # a crash of the guardian shows in the error
                start_new_session=True,  # an interrupt sent to the kernel's group misses it
                text=True,
            )
            with _running_lock:
                _running.add(self)
            line = self._read_status()
            if line.startswith("ready"):
                self._server_pid = int(line.split()[1])
                self.startup_seconds = time.perf_counter() - started
                return self
            self.stop_blocking()
            if "address already in use" not in line.lower() or attempt == 2:
                raise ServerStartError(f"{self.kind} did not start: {line.strip()}")
        raise AssertionError("unreachable")

    def _read_status(self) -> str:
        assert self._guardian is not None and self._guardian.stdout is not None
        output = self._guardian.stdout
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(output.readline()))
        reader.daemon = True
        reader.start()
        reader.join(START_TIMEOUT)
        if not box:
            return f"failed: no answer within {START_TIMEOUT:g} s"
        line = box[0]
        if not line.startswith("ready"):
            line += output.read()
        return line or "failed: the guardian process ended without a word"

    async def stop(self) -> None:
        """Stop the server and remove its folder; a no-op when it is not running."""
        await asyncio.to_thread(self.stop_blocking)

    def stop_blocking(self, remove: bool = True) -> None:
        guardian, self._guardian = self._guardian, None
        with _running_lock:
            _running.discard(self)
        if guardian is None:
            return
        with contextlib.suppress(OSError):
            if guardian.stdin is not None:
                guardian.stdin.close()  # the guardian's signal to stop the server
        try:
            guardian.wait(STOP_TIMEOUT + 5)
        except subprocess.TimeoutExpired:
            guardian.kill()
            guardian.wait()
        if guardian.stdout is not None:
            guardian.stdout.close()
        if remove and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    async def __aenter__(self) -> DataServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def __repr__(self) -> str:
        state = f"running at {self.url}" if self.running else "stopped"
        return f"<{type(self).__name__} {state}>"


class PostgresServer(DataServer):
    """PostgreSQL: superuser `postgres`, database `postgres`, trust authentication."""

    kind = "postgres"
    ready_pattern = "database system is ready to accept connections"
    stop_signal = signal.SIGINT  # "fast" shutdown: clients are disconnected, not waited for

    def __init__(self, host: str = "127.0.0.1", settings: dict[str, str] | None = None) -> None:
        super().__init__(host)
        self.settings = {
            "fsync": "off",  # a throwaway database: durability only costs time here
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "40",
            "shared_buffers": "16MB",
            **(settings or {}),
        }
        self.bin = postgres_bin()  # fails early, with the installation hint

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{self.host}:{self.port}/postgres"

    dsn = url

    def _plan(self, folder: Path, port: int) -> Plan:
        data = folder / "data"
        user = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            user = _unprivileged_user()  # postgres refuses to run as root
        setup = [
            [str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "--no-sync", "--encoding=UTF8", "--locale=C"],
        ]  # fmt: skip
        # TCP only: a socket file's path can be too long in macOS's temporary folders
        options = ["-c", f"listen_addresses={self.host}", "-c", "unix_socket_directories="]
        for name, value in self.settings.items():
            options += ["-c", f"{name}={value}"]
        server = [str(self.bin / "postgres"), "-D", str(data), "-p", str(port), *options]
        return {"setup": setup, "server": server, "user": user}


class RedisServer(DataServer):
    """Redis without persistence: nothing is saved, the folder only holds its working files."""

    kind = "redis"
    ready_pattern = "Ready to accept connections"

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.binary = redis_binary()

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def _plan(self, folder: Path, port: int) -> Plan:
        server = [
            str(self.binary), "--port", str(port), "--bind", self.host, "--save", "",
            "--appendonly", "no", "--dir", str(folder), "--daemonize", "no",
            "--protected-mode", "yes", "--loglevel", "notice", "--logfile", "",
        ]  # fmt: skip
        return {"setup": [], "server": server, "user": None}


def postgres_server(**settings: str) -> PostgresServer:
    """A PostgreSQL server to `async with` (or `await ....start()`); settings are postgres -c ones."""
    return PostgresServer(settings=settings)


def redis_server() -> RedisServer:
    """A Redis server to `async with` (or `await ....start()`)."""
    return RedisServer()


def _unprivileged_user() -> str:
    import pwd

    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise ServerStartError("PostgreSQL refuses to run as root, and no `postgres` user was found")


@atexit.register
def _stop_all() -> None:
    with _running_lock:
        left = list(_running)
    for server in left:
        server.stop_blocking()


# --- the guardian process ----------------------------------------------------------------------


def _death_signal() -> Callable[[], object] | None:
    """For the server's process (Linux): a function that asks for SIGKILL when the guardian dies."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # loaded before the fork, called after it
    return lambda: prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL


def _guard(plan: Plan) -> int:
    # `kill <guardian>` must clean up from the first moment: the server's "ready" line goes out
    # from another thread, so a handler installed after starting the server could come too late
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    folder = Path(plan["folder"])
    user = plan.get("user")
    as_user: dict[str, Any] = {}
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        as_user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    log_path = folder / "server.log"

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def tail() -> str:
        with contextlib.suppress(OSError):
            return "".join(log_path.read_text(errors="replace").splitlines(True)[-12:])
        return ""

    try:
        if user:
            os.chown(folder, as_user["user"], as_user["group"])
        for command in plan["setup"]:
            done = subprocess.run(command, capture_output=True, text=True, **as_user)
            if done.returncode != 0:
                say(f"failed: {Path(command[0]).name} exited with {done.returncode}")
                say((done.stdout + done.stderr)[-2000:])
                return 1
        log = open(log_path, "w")  # noqa: SIM115 (the server writes to it until it ends)
        server = subprocess.Popen(
            plan["server"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=folder,
            text=True,
            errors="replace",
            preexec_fn=_death_signal(),  # the guardian has no other thread yet
            **as_user,
        )
    except PermissionError as error:
        say(
            f"failed: {error}. PostgreSQL refuses to run as root, and this process may not switch"
            f" to the {user!r} user (it lacks the capability, as in an isolated grading kernel)"
        )
        return 1
    except OSError as error:
        say(f"failed: {error}")
        return 1

    ready = threading.Event()

    def pump() -> None:  # the server's output: to the log, and "ready" once it says so
        assert server.stdout is not None
        for line in server.stdout:
            log.write(line)
            log.flush()
            if not ready.is_set() and plan["ready"] in line:
                ready.set()
                say(f"ready {server.pid}")
        log.close()

    pumping = threading.Thread(target=pump, daemon=True)
    pumping.start()

    def watch_parent() -> None:  # the kernel closes our stdin when it stops us or when it dies
        sys.stdin.read()
        stop.set()

    threading.Thread(target=watch_parent, daemon=True).start()
    while not stop.is_set() and server.poll() is None:
        stop.wait(0.05)
    if server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            server.send_signal(plan["stop_signal"])
        try:
            server.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    elif not ready.is_set():
        pumping.join(2)
        say(f"failed: the server exited with {server.returncode}\n{tail()}")
    pumping.join(2)
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # only the pipe from the kernel stops us
    sys.exit(_guard(json.loads(sys.argv[1])))
