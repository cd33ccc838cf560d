"""Which event loop runs which test and fixture. Every test passes: read their names."""

import asyncio

import aiohttp
import pytest
import pytest_asyncio

loops: list[asyncio.AbstractEventLoop] = []


@pytest.mark.asyncio
async def test_each_test_runs_on_a_new_loop():
    loops.append(asyncio.get_running_loop())


@pytest.mark.asyncio
async def test_the_previous_tests_loop_is_closed_by_now():
    loops.append(asyncio.get_running_loop())
    assert loops[0] is not loops[1]
    assert loops[0].is_closed()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_session():
    """One ClientSession for all the tests of this module, made on the module's loop."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.mark.asyncio(loop_scope="module")
async def test_a_test_on_the_module_loop_can_use_the_shared_session(shared_session, server):
    async with shared_session.get(f"{server.url}/items/1") as response:
        assert response.status == 200


@pytest.mark.asyncio
async def test_a_test_on_its_own_loop_cannot(shared_session, server):
    with pytest.raises(RuntimeError, match="Timeout context manager should be used inside a task"):
        async with shared_session.get(f"{server.url}/items/1"):
            pass
