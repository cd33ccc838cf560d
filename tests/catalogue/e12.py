"""Exercise 12, performance: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

BOUNDED_WORKERS = """\
async def fetch_bounded(session: aiohttp.ClientSession, paths: list[str], limit: int) -> list[int]:
    statuses = [0] * len(paths)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(paths)):
        queue.put_nowait(index)

    async def worker() -> None:
        while not queue.empty():
            index = queue.get_nowait()
            async with session.get(paths[index]) as response:
                await response.read()
                statuses[index] = response.status

    async with asyncio.TaskGroup() as group:
        for _ in range(limit):
            group.create_task(worker())
    return statuses
"""

BOUNDED_TASKGROUP = """\
async def fetch_bounded(session: aiohttp.ClientSession, paths: list[str], limit: int) -> list[int]:
    gate = asyncio.Semaphore(limit)

    async def get_status(path: str) -> int:
        async with gate:
            async with session.get(path) as response:
                return response.status

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(get_status(path)) for path in paths]
    print(f"{len(tasks)} requests, at most {limit} at once")
    return tuple(task.result() for task in tasks)
"""

BOUNDED_SEMAPHORE_EACH = """\
async def fetch_bounded(session: aiohttp.ClientSession, paths: list[str], limit: int) -> list[int]:
    async def get_status(path: str) -> int:
        async with asyncio.Semaphore(limit):
            async with session.get(path) as response:
                return response.status

    return list(await asyncio.gather(*(get_status(path) for path in paths)))
"""

BOUNDED_BATCHES = """\
async def fetch_bounded(session: aiohttp.ClientSession, paths: list[str], limit: int) -> list[int]:
    async def get_status(path: str) -> int:
        async with session.get(path) as response:
            return response.status

    statuses = []
    for start in range(0, len(paths), limit):
        batch = paths[start : start + limit]
        statuses.extend(await asyncio.gather(*(get_status(path) for path in batch)))
    return statuses
"""

BOUNDED_RAISES = """\
async def fetch_bounded(session: aiohttp.ClientSession, paths: list[str], limit: int) -> list[int]:
    gate = asyncio.Semaphore(limit)

    async def get_status(path: str) -> int:
        async with gate:
            async with session.get(path) as response:
                response.raise_for_status()
                return response.status

    return list(await asyncio.gather(*(get_status(path) for path in paths)))
"""

BOUNDED_URLLIB = """\
import urllib.error
import urllib.request


async def fetch_bounded(session: aiohttp.ClientSession, paths: list[str], limit: int) -> list[int]:
    gate = asyncio.Semaphore(limit)

    async def get_status(path: str) -> int:
        async with gate:
            try:
                with urllib.request.urlopen(server.url + path) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

    return list(await asyncio.gather(*(get_status(path) for path in paths)))
"""

FAST_CONNECTOR = """\
async def fetch_fast(n: int, concurrency: int, rate: int, delay: float) -> int:
    allowed = concurrency
    if rate > 0:
        allowed = min(allowed, int(rate * delay + 1e-9))
    allowed = max(allowed, 1)
    query = {"delay": str(delay), "rate": str(rate), "concurrency": str(concurrency)}
    connector = aiohttp.TCPConnector(limit=allowed)
    async with aiohttp.ClientSession(server.url, connector=connector) as session:

        async def one() -> None:
            async with session.get("/limited", params=query) as response:
                response.raise_for_status()
                await response.read()

        await asyncio.gather(*(one() for _ in range(n)))
    print("kept", allowed, "in flight")
    return allowed
"""

FAST_IGNORES_RATE = """\
async def fetch_fast(n: int, concurrency: int, rate: int, delay: float) -> int:
    path = f"/limited?concurrency={concurrency}&rate={rate}&delay={delay}"
    slots = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(server.url) as session:

        async def one() -> None:
            async with slots:
                async with session.get(path) as response:
                    response.raise_for_status()

        await asyncio.gather(*(one() for _ in range(n)))
    return concurrency
"""

FAST_HARDCODED = """\
async def fetch_fast(n: int, concurrency: int, rate: int, delay: float) -> int:
    in_flight = 5 if rate == 0 else 4
    path = f"/limited?concurrency={concurrency}&rate={rate}&delay={delay}"
    slots = asyncio.Semaphore(in_flight)
    async with aiohttp.ClientSession(server.url) as session:

        async def one() -> None:
            async with slots:
                async with session.get(path) as response:
                    response.raise_for_status()

        await asyncio.gather(*(one() for _ in range(n)))
    return in_flight
"""

FAST_RATE_ONLY = """\
async def fetch_fast(n: int, concurrency: int, rate: int, delay: float) -> int:
    in_flight = int(rate * delay) if rate else concurrency
    path = f"/limited?concurrency={concurrency}&rate={rate}&delay={delay}"
    slots = asyncio.Semaphore(in_flight)
    async with aiohttp.ClientSession(server.url) as session:

        async def one() -> None:
            async with slots:
                async with session.get(path) as response:
                    response.raise_for_status()

        await asyncio.gather(*(one() for _ in range(n)))
    return in_flight
"""

FAST_TIME_SLEEP = """\
async def fetch_fast(n: int, concurrency: int, rate: int, delay: float) -> int:
    in_flight = min(concurrency, int(rate * delay)) if rate else concurrency
    path = f"/limited?concurrency={concurrency}&rate={rate}&delay={delay}"
    slots = asyncio.Semaphore(in_flight)
    async with aiohttp.ClientSession(server.url) as session:

        async def one() -> None:
            async with slots:
                time.sleep(delay / in_flight)  # spread the starts out evenly
                async with session.get(path) as response:
                    response.raise_for_status()

        await asyncio.gather(*(one() for _ in range(n)))
    return in_flight
"""

POOL_QUEUE = """\
async def map_with_workers(
    handler: Callable[[Any], Awaitable[Any]], items: list, workers: int
) -> list:
    results = [None] * len(items)
    queue: asyncio.Queue = asyncio.Queue()
    for job in enumerate(items):
        queue.put_nowait(job)

    async def worker() -> None:
        while True:
            try:
                index, item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            results[index] = await handler(item)

    async with asyncio.TaskGroup() as group:
        for _ in range(workers):
            group.create_task(worker())
    return results
"""

POOL_TASK_PER_ITEM = """\
async def map_with_workers(
    handler: Callable[[Any], Awaitable[Any]], items: list, workers: int
) -> list:
    slots = asyncio.Semaphore(workers)

    async def run(item: Any) -> Any:
        async with slots:
            return await handler(item)

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(run(item)) for item in items]
    return [task.result() for task in tasks]
"""

POOL_GATHER = """\
async def map_with_workers(
    handler: Callable[[Any], Awaitable[Any]], items: list, workers: int
) -> list:
    results = [None] * len(items)
    todo = list(enumerate(items))

    async def worker() -> None:
        while todo:
            index, item = todo.pop(0)
            results[index] = await handler(item)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return results
"""

SLOWEST_MAX = """\
async def slowest(
    program: Callable[[], Awaitable[object]], functions: list[Callable], clock: str
) -> str:
    yappi.clear_stats()
    yappi.set_clock_type(clock)
    yappi.start()
    try:
        await program()
    finally:
        yappi.stop()
    stats = list(yappi.get_func_stats(filter_callback=lambda s: yappi.func_matches(s, functions)))
    best = max(stats, key=lambda stat: stat.ttot)
    print(f"{best.name}: {best.ttot:.3f} s ({clock})")
    return best.name
"""

SLOWEST_AVERAGE = """\
async def slowest(
    program: Callable[[], Awaitable[object]], functions: list[Callable], clock: str
) -> str:
    yappi.clear_stats()
    yappi.set_clock_type(clock)
    yappi.start()
    try:
        await program()
    finally:
        yappi.stop()
    stats = yappi.get_func_stats(filter_callback=lambda s: yappi.func_matches(s, functions))
    return max(stats, key=lambda stat: stat.ttot / stat.ncall).name
"""

SLOWEST_NO_CLOCK = """\
async def slowest(
    program: Callable[[], Awaitable[object]], functions: list[Callable], clock: str
) -> str:
    yappi.clear_stats()
    yappi.start()
    try:
        await program()
    finally:
        yappi.stop()
    stats = yappi.get_func_stats(filter_callback=lambda s: yappi.func_matches(s, functions))
    return max(stats, key=lambda stat: stat.ttot).name
"""

VARIANTS = [
    Variant(
        "bounded-workers",
        "valid",
        "a pool of `limit` workers taking indexes from a queue",
        {"part1_answer": BOUNDED_WORKERS},
    ),
    Variant(
        "bounded-taskgroup-tuple",
        "valid",
        "a Semaphore with a TaskGroup, returns a tuple, prints",
        {"part1_answer": BOUNDED_TASKGROUP},
    ),
    Variant(
        "bounded-semaphore-each",
        "wrong",
        "a new Semaphore per request caps nothing",
        {"part1_answer": BOUNDED_SEMAPHORE_EACH},
        {"part1_tests": ZERO},
    ),
    Variant(
        "bounded-batches",
        "wrong",
        "batches of `limit`: every batch waits for its slowest request",
        {"part1_answer": BOUNDED_BATCHES},
        {"part1_tests": ZERO},
        {"part1_tests": "batch"},
    ),
    Variant(
        "bounded-raises",
        "wrong",
        "raises for an error status instead of returning it",
        {"part1_answer": BOUNDED_RAISES},
        {"part1_tests": ZERO},
    ),
    Variant(
        "blocking-bounded-urllib",
        "blocking",
        "urllib inside the coroutines: one blocking request at a time",
        {"part1_answer": BOUNDED_URLLIB},
        {"part1_tests": ZERO},
    ),
    Variant(
        "fast-connector",
        "valid",
        "caps with TCPConnector(limit=...), parameters via params= in another order, a print",
        {"part2_answer": FAST_CONNECTOR},
    ),
    Variant(
        "fast-ignores-rate",
        "wrong",
        "keeps `concurrency` in flight whatever the rate limit: 429s",
        {"part2_answer": FAST_IGNORES_RATE},
        {"part2_tests": ZERO},
    ),
    Variant(
        "fast-hardcoded",
        "wrong",
        "the numbers of the two visible cases, hard-coded",
        {"part2_answer": FAST_HARDCODED},
        {"part2_tests": ZERO},
    ),
    Variant(
        "fast-rate-only",
        "wrong",
        "rate x delay without the concurrency cap",
        {"part2_answer": FAST_RATE_ONLY},
        {"part2_tests": ZERO},
    ),
    Variant(
        "blocking-fast-time-sleep",
        "blocking",
        "time.sleep to spread the starts: the loop stops while it sleeps",
        {"part2_answer": FAST_TIME_SLEEP},
        {"part2_tests": ZERO},
    ),
    Variant(
        "pool-queue",
        "valid",
        "workers take (index, item) from an asyncio.Queue inside a TaskGroup",
        {"part3_answer": POOL_QUEUE},
    ),
    Variant(
        "pool-task-per-item",
        "wrong",
        "a task per item under a Semaphore: thousands of tasks",
        {"part3_answer": POOL_TASK_PER_ITEM},
        {"part3_tests": ZERO},
        {"part3_tests": "not a task per item"},
    ),
    Variant(
        "pool-gather",
        "wrong",
        "workers under gather: after an error the other workers keep calling the handler",
        {"part3_answer": POOL_GATHER},
        {"part3_tests": ZERO},
    ),
    Variant(
        "slowest-max",
        "valid",
        "max() over the matching stats, a print, profile_threads left at its default",
        {"part4_answer": SLOWEST_MAX},
    ),
    Variant(
        "slowest-average",
        "wrong",
        "ranks by time per call instead of total time",
        {"part4_answer": SLOWEST_AVERAGE},
        {"part4_tests": ZERO},
    ),
    Variant(
        "slowest-no-clock",
        "wrong",
        "never sets the clock type, so 'wall' measures CPU",
        {"part4_answer": SLOWEST_NO_CLOCK},
        {"part4_tests": ZERO},
    ),
]

BLOCKING_EXEMPT = {
    "part4_answer": (
        "the test's own program computes on the loop on purpose (crunch, 0.01 to 0.1 s under "
        "yappi) so that the CPU clock has something to find: a time.sleep added to slowest cannot "
        "be told apart from it, and within() must let this part's calls block"
    ),
}
