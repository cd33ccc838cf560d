"""The throwaway PostgreSQL and Redis servers (helpers.data_servers): real servers, really stopped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import data_servers
from helpers.data_servers import ServerNotInstalled, postgres_server, redis_server


def _installed(find) -> bool:
    try:
        find()
    except ServerNotInstalled:
        return False
    return True


needs_postgres = pytest.mark.skipif(
    not _installed(data_servers.postgres_bin),
    reason="PostgreSQL's initdb/postgres are not installed (apt install postgresql)",
)
needs_redis = pytest.mark.skipif(
    not _installed(data_servers.redis_binary),
    reason="redis-server is not installed (apt install redis-server)",
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead too: it only waits for its parent to read its status
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[1].startswith("Z"))


def _wait_gone(pid: int, folder: Path, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while (_alive(pid) or folder.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), f"server process {pid} still runs"
    assert not folder.exists(), f"{folder} was not removed"


@needs_postgres
@pytest.mark.asyncio
async def test_postgres_starts_answers_and_stops_without_leftovers():
    import asyncpg

    async with postgres_server() as pg:
        print(f"\nPostgreSQL started in {pg.startup_seconds:.2f} s")
        assert pg.dsn.startswith("postgresql://postgres@127.0.0.1:")
        connection = await asyncpg.connect(pg.dsn)
        try:
            await connection.execute("CREATE TABLE t (n int)")
            await connection.executemany("INSERT INTO t VALUES ($1)", [(1,), (2,), (3,)])
            assert await connection.fetchval("SELECT sum(n) FROM t") == 6
            assert await connection.fetchval("SHOW listen_addresses") == "127.0.0.1"
        finally:
            await connection.close()
        pid, folder = pg.pid, pg.folder
        assert _alive(pid) and folder.is_dir()
    assert not pg.running
    _wait_gone(pid, folder, seconds=0.5)  # stop() returns once it is all gone
    with pytest.raises(OSError):
        await asyncpg.connect(pg.dsn, timeout=2)


@needs_redis
@pytest.mark.asyncio
async def test_redis_starts_answers_and_stops_without_leftovers():
    import redis.asyncio as redis

    async with redis_server() as rd:
        print(f"\nRedis started in {rd.startup_seconds:.2f} s")
        client = redis.from_url(rd.url, decode_responses=True)
        try:
            await client.set("k", "v", ex=30)
            assert await client.get("k") == "v"
            assert 0 < await client.ttl("k") <= 30
            assert (await client.config_get("save"))["save"] == ""  # no snapshots
            assert (await client.config_get("appendonly"))["appendonly"] == "no"
            assert (await client.config_get("bind"))["bind"] == "127.0.0.1"
        finally:
            await client.aclose()
        pid, folder = rd.pid, rd.folder
        assert _alive(pid)
    _wait_gone(pid, folder, seconds=0.5)
    assert list(folder.parent.glob(folder.name + "*")) == []


@needs_redis
@pytest.mark.asyncio
async def test_start_and_stop_across_cells_and_twice():
    server = await redis_server().start()
    assert await server.start() is server  # starting a running server changes nothing
    pid, folder = server.pid, server.folder
    await server.stop()
    await server.stop()  # a second stop is a no-op
    _wait_gone(pid, folder, seconds=0.5)


KERNEL = """
import asyncio, json, sys, time
from helpers.data_servers import postgres_server, redis_server
async def main():
    servers = [await redis_server().start()]
    if sys.argv[1] == "both":
        servers.append(await postgres_server().start())
    print(json.dumps([[s.pid, str(s.folder), s._guardian.pid] for s in servers]), flush=True)
    if sys.argv[2] == "hang":
        time.sleep(600)
asyncio.run(main())
"""


def _kernel(*args: str) -> tuple[subprocess.Popen, list]:
    process = subprocess.Popen(
        [sys.executable, "-c", KERNEL, *args], stdout=subprocess.PIPE, text=True
    )
    line = process.stdout.readline()
    assert line, "the stand-in kernel did not start its servers"
    return process, json.loads(line)


@needs_postgres
@needs_redis
def test_a_killed_kernel_leaves_no_server_and_no_folder():
    process, servers = _kernel("both", "hang")
    process.send_signal(signal.SIGKILL)
    process.wait()
    for pid, folder, _ in servers:
        _wait_gone(pid, Path(folder))


@needs_redis
def test_servers_left_running_stop_when_the_interpreter_exits():
    process, servers = _kernel("redis", "exit")
    assert process.wait(20) == 0
    for pid, folder, _ in servers:
        _wait_gone(pid, Path(folder), seconds=1)


@needs_redis
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_guardian_takes_its_server_with_it():
    process, [(pid, folder, guardian)] = _kernel("redis", "hang")
    try:
        os.kill(guardian, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid)
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)  # with its guardian gone, nobody else will


@needs_redis
def test_a_terminated_guardian_stops_its_server_and_cleans_up():
    process, [(pid, folder, guardian)] = _kernel("redis", "hang")
    try:
        os.kill(guardian, signal.SIGTERM)
        _wait_gone(pid, Path(folder), seconds=5)
    finally:
        process.kill()
        process.wait()


@needs_redis
@pytest.mark.asyncio
async def test_an_interrupt_to_the_kernels_process_group_does_not_reach_the_server():
    async with redis_server() as rd:
        guardian = rd._guardian.pid
        assert os.getpgid(guardian) != os.getpgid(0)
        assert os.getpgid(rd.pid) != os.getpgid(0)


def test_a_missing_postgres_says_how_to_install_it(monkeypatch):
    monkeypatch.delenv("COURSE_PG_BIN", raising=False)
    monkeypatch.setattr(data_servers.shutil, "which", lambda name: None)
    monkeypatch.setattr(data_servers.glob, "glob", lambda pattern: [])
    with pytest.raises(ServerNotInstalled) as raised:
        postgres_server()
    message = str(raised.value)
    for hint in ("apt install postgresql", "brew install postgresql", "WSL", "installer"):
        assert hint in message


def test_a_missing_redis_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(data_servers.shutil, "which", lambda name: None)
    monkeypatch.setattr(data_servers.os, "access", lambda path, mode: False)
    with pytest.raises(ServerNotInstalled) as raised:
        redis_server()
    message = str(raised.value)
    for hint in ("apt install redis-server", "brew install redis", "WSL", "redis.io"):
        assert hint in message


def test_a_server_that_cannot_start_raises_with_its_log(monkeypatch, tmp_path):
    fake = tmp_path / "redis-server"
    fake.write_text("#!/bin/sh\necho 'FATAL: this stand-in never serves' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(data_servers, "redis_binary", lambda: fake)
    server = redis_server()
    with pytest.raises(data_servers.ServerStartError, match="this stand-in never serves"):
        server.start_blocking()
    assert not server.running and not server.folder.exists()


def test_the_helpers_package_exports_them_lazily():
    code = (
        "import sys, helpers; assert 'helpers.data_servers' not in sys.modules; "
        "from helpers import postgres_server, redis_server, ServerNotInstalled; "
        "assert 'helpers.data_servers' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
