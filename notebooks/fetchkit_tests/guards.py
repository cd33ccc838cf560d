"""fail_after: a deadline for a test, so that code that never returns fails instead of hanging."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest


@contextlib.asynccontextmanager
async def fail_after(seconds: float) -> AsyncIterator[None]:
    """Fail the test if the block is still running after `seconds`."""
    deadline = asyncio.timeout(seconds)
    try:
        async with deadline:
            yield
    except TimeoutError:
        if not deadline.expired():
            raise  # a TimeoutError of the code under test: not this guard's business
        # A test failure, not a TimeoutError, so that pytest.raises(TimeoutError) cannot take it
        # for the timeout under test; "from None" and pytrace=False keep the report to one line.
        raise pytest.fail.Exception(f"still running after {seconds:g} s", pytrace=False) from None
