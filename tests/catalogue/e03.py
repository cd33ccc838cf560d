"""Exercise 03, the event loop: answers learners write, and the verdict each must get."""

from catalogue import ZERO, Variant

P1_HEAD = '''async def tick_lateness(count: int, interval: float) -> list[float]:
    """Sleep `interval` seconds `count` times; return how late each sleep ended, in seconds."""
'''

P2_HEAD = '''async def ticker(count: int, interval: float, work) -> list[float]:
    """Call work() at interval, 2*interval, ... seconds after the start; return those moments."""
'''

P3_HEAD = '''async def sum_of_squares(n: int, budget: float = 0.005) -> int:
    """0² + 1² + ... + (n-1)², yielding to the loop about every `budget` seconds."""
'''

P4_HEAD = '''async def wait_until_ready(session: aiohttp.ClientSession, url: str, pause: float) -> int:
    """GET url until it stops answering 503, pausing `pause` s between tries; return the tries."""
'''

VARIANTS = [
    Variant(
        "monotonic-unclamped",
        "valid",
        "time.monotonic (the loop's clock on Linux) and no clamping at 0",
        {
            "part1_answer": P1_HEAD
            + """    late = []
    for _ in range(count):
        t0 = time.monotonic()
        await asyncio.sleep(interval)
        late.append(time.monotonic() - t0 - interval)
    return late
"""
        },
    ),
    Variant(
        "measured-from-first-start",
        "wrong",
        "measures every sleep against the first start: lateness accumulates after one block",
        {
            "part1_answer": P1_HEAD
            + """    loop = asyncio.get_running_loop()
    start = loop.time()
    result = []
    for number in range(1, count + 1):
        await asyncio.sleep(interval)
        result.append(max(0.0, loop.time() - start - number * interval))
    return result
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "blocking-sleep-ticks",
        "blocking",
        "sleeps with time.sleep: the other task cannot run, so no lateness is ever seen",
        {
            "part1_answer": P1_HEAD
            + """    loop = asyncio.get_running_loop()
    lateness = []
    for _ in range(count):
        before = loop.time()
        time.sleep(interval)
        lateness.append(loop.time() - before - interval)
    return lateness
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "always-sleeps-clamped",
        "valid",
        "always awaits asyncio.sleep(max(0, ...)): an overdue tick sleeps 0 s, which is at once",
        {
            "part2_answer": P2_HEAD
            + """    loop = asyncio.get_running_loop()
    t0 = loop.time()
    times = []
    for k in range(count):
        await asyncio.sleep(max(0.0, t0 + (k + 1) * interval - loop.time()))
        times.append(loop.time() - t0)
        work()
    return times
"""
        },
    ),
    Variant(
        "drifting-ticker",
        "wrong",
        "sleeps interval after each work(): every tick is pushed back by the work before it",
        {
            "part2_answer": P2_HEAD
            + """    loop = asyncio.get_running_loop()
    start = loop.time()
    moments = []
    for _ in range(count):
        await asyncio.sleep(interval)
        moments.append(loop.time() - start)
        work()
    return moments
"""
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "bigger-batches-perf-counter",
        "valid",
        "batches of 5,000 summed in a loop, the budget measured with time.perf_counter",
        {
            "part3_answer": P3_HEAD
            + """    total = 0
    last_yield = time.perf_counter()
    for start in range(0, n, 5000):
        for k in range(start, min(n, start + 5000)):
            total += k * k
        if time.perf_counter() - last_yield > budget:
            await asyncio.sleep(0)
            last_yield = time.perf_counter()
    return total
"""
        },
    ),
    Variant(
        "yields-every-batch",
        "wrong",
        "yields after every 1,000 items whatever the budget: `budget` is ignored",
        {
            "part3_answer": P3_HEAD
            + """    total = 0
    for start in range(0, n, 1000):
        total += sum(k * k for k in range(start, min(start + 1000, n)))
        await asyncio.sleep(0)
    return total
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "closed-formula",
        "wrong",
        "a closed formula: right total, but nothing is computed in chunks as the task asks",
        {"part3_answer": P3_HEAD + "    return (n - 1) * n * (2 * n - 1) // 6 if n > 0 else 0\n"},
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "one-go",
        "blocking",
        "sums everything in one go: the loop is held for the whole computation",
        {"part3_answer": P3_HEAD + "    return sum(k * k for k in range(n))\n"},
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "count-loop-own-error",
        "valid",
        "itertools.count for the tries, an error of its own for a non-503 error status",
        {
            "part4_answer": P4_HEAD
            + """    import itertools

    for attempt in itertools.count(1):
        async with session.get(url) as response:
            status = response.status
        if status == 503:
            await asyncio.sleep(pause)
            continue
        if status >= 400:
            raise RuntimeError(f"{url} answered {status}")
        return attempt
"""
        },
    ),
    Variant(
        "retries-every-error",
        "wrong",
        "retries any error status, so a 500 is polled for ever",
        {
            "part4_answer": P4_HEAD
            + """    tries = 0
    while True:
        tries += 1
        async with session.get(url) as response:
            if response.ok:
                return tries
        await asyncio.sleep(pause)
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "blocking-sleep-poll",
        "blocking",
        "pauses with time.sleep between tries: the three polls hold each other up",
        {
            "part4_answer": P4_HEAD
            + """    tries = 0
    while True:
        tries += 1
        async with session.get(url) as response:
            if response.status != 503:
                response.raise_for_status()
                return tries
        time.sleep(pause)
"""
        },
        expect={"part4_tests": ZERO},
    ),
]

BLOCKING_EXEMPT = {
    "part2_answer": "the test's own work() blocks the loop between ticks on purpose, so the test "
    "runs ticker() with may_block=True and cannot tell a blocking ticker apart"
}
