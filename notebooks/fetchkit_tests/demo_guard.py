"""Where the test's own deadline goes, tried on code that never gives up."""

import asyncio

import pytest

from guards import fail_after


async def never_gives_up(seconds: float) -> dict:
    """Stands in for a fetch_with_deadline that forgot its deadline: it waits forever."""
    await asyncio.Event().wait()
    return {}


@pytest.mark.asyncio
async def test_guard_around_pytest_raises():
    async with fail_after(0.2):
        with pytest.raises(TimeoutError):
            await never_gives_up(0.1)


@pytest.mark.asyncio
async def test_guard_inside_pytest_raises():
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):  # its own TimeoutError is all pytest.raises sees
            await never_gives_up(0.1)
