"""Exercise 04, tasks: answers learners write, and the verdict each must get."""

from catalogue import ZERO, Variant

P1_HEAD = '''async def fetch_while_preparing(
    session: aiohttp.ClientSession, paths: list[str], prepare: Callable[[], Awaitable[Any]]
) -> tuple[list, Any]:
    """Fetch every path in a task, await prepare() meanwhile; return (results in order, prepared)."""
'''

P2_HEAD = '''async def in_completion_order(
    session: aiohttp.ClientSession, paths: list[str], on_result: Callable[[Any], None]
) -> list:
    """Fetch every path concurrently; call on_result(result) as each arrives; results in arrival order."""
'''

P3_HEAD = '''async def fetch_all_pages(
    session: aiohttp.ClientSession, per_page: int, delay: float = 0.2
) -> list[dict]:
    """Page 1 first, then every other page at once in a TaskGroup; all items in page order."""
'''

P4_START = '''background_tasks: set[asyncio.Task] = set()


def start_in_background(coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
    """Start coroutine as a task kept in background_tasks until it is done; return the task."""
    task = asyncio.create_task(coroutine)
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
    return task
'''

VARIANTS = [
    Variant(
        "gather-future-then-prepare",
        "valid",
        "gather() wraps the fetches in tasks at once, so they run while prepare() is awaited",
        {
            "part1_answer": P1_HEAD
            + """    everything = asyncio.gather(*[fetch_json(session, p) for p in paths])
    ready = await prepare()
    results = await everything
    return list(results), ready
"""
        },
    ),
    Variant(
        "taskgroup-prepare-inside",
        "valid",
        "tasks made in a TaskGroup, prepare() awaited inside the group: same overlap",
        {
            "part1_answer": P1_HEAD
            + """    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(fetch_json(session, path)) for path in paths]
        prepared = await prepare()
    print("fetched", len(tasks), "paths")
    return [t.result() for t in tasks], prepared
"""
        },
    ),
    Variant(
        "fetch-then-prepare",
        "wrong",
        "the tasks are awaited before prepare(): every request has started, but none overlaps it",
        {
            "part1_answer": P1_HEAD
            + """    tasks = [asyncio.create_task(fetch_json(session, path)) for path in paths]
    results = [await task for task in tasks]
    prepared = await prepare()
    return results, prepared
"""
        },
        expect={"part1_tests": ZERO},
        message={"part1_tests": "still in flight"},
    ),
    Variant(
        "prepare-then-fetch",
        "wrong",
        "prepare() runs first, the requests only afterwards: no overlap",
        {
            "part1_answer": P1_HEAD
            + """    prepared = await prepare()
    results = await asyncio.gather(*(fetch_json(session, path) for path in paths))
    return list(results), prepared
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "wait-first-completed",
        "valid",
        "asyncio.wait(FIRST_COMPLETED) in a loop hands each result over as it arrives",
        {
            "part2_answer": P2_HEAD
            + """    pending = {asyncio.create_task(fetch_json(session, path)) for path in paths}
    arrived = []
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            on_result(task.result())
            arrived.append(task.result())
    return arrived
"""
        },
    ),
    Variant(
        "taskgroup-wrapper-tuple",
        "valid",
        "each task calls on_result itself when its fetch ends; returns a tuple, any sequence will do",
        {
            "part2_answer": P2_HEAD
            + """    arrived = []

    async def fetch_and_report(path):
        item = await fetch_json(session, path)
        on_result(item)
        arrived.append(item)

    async with asyncio.TaskGroup() as group:
        for path in paths:
            group.create_task(fetch_and_report(path))
    return tuple(arrived)
"""
        },
    ),
    Variant(
        "sorted-by-url-delay",
        "wrong",
        "awaits the tasks in the order of the delay= in each URL: guesses the order, does not see it",
        {
            "part2_answer": P2_HEAD
            + """    def delay_of(path):
        return float(path.split("delay=")[1]) if "delay=" in path else 0.0

    tasks = {path: asyncio.create_task(fetch_json(session, path)) for path in paths}
    arrived = []
    for path in sorted(tasks, key=delay_of):
        result = await tasks[path]
        on_result(result)
        arrived.append(result)
    return arrived
"""
        },
        expect={"part2_tests": ZERO},
        message={"part2_tests": "the URL does not say when an answer arrives"},
    ),
    Variant(
        "gather-then-report",
        "wrong",
        "waits for every result with gather, then calls on_result: nothing is handled as it arrives",
        {
            "part2_answer": P2_HEAD
            + """    results = await asyncio.gather(*(fetch_json(session, path) for path in paths))
    for result in results:
        on_result(result)
    return list(results)
"""
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "pages-from-total",
        "valid",
        "counts the pages from total and per_page instead of reading 'pages'; a path helper",
        {
            "part3_answer": P3_HEAD
            + """    import math

    def url(n):
        return f"/items?page={n}&per_page={per_page}&delay={delay}"

    first = await fetch_json(session, url(1))
    page_count = math.ceil(first["total"] / per_page)
    async with asyncio.TaskGroup() as tg:
        rest = [tg.create_task(fetch_json(session, url(n))) for n in range(2, page_count + 1)]
    items = first["items"]
    for t in rest:
        items = items + t.result()["items"]
    return items
"""
        },
    ),
    Variant(
        "ten-pages-hard-coded",
        "wrong",
        "pages 2 to 10 hard-coded from the visible test (per_page=10)",
        {
            "part3_answer": P3_HEAD
            + """    first = await fetch_json(session, f"/items?page=1&per_page={per_page}&delay={delay}")
    async with asyncio.TaskGroup() as tg:
        tasks = [
            tg.create_task(fetch_json(session, f"/items?page={n}&per_page={per_page}&delay={delay}"))
            for n in range(2, 11)
        ]
    items = list(first["items"])
    for task in tasks:
        items += task.result()["items"]
    return items
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "pages-one-by-one",
        "wrong",
        "awaits every page in turn inside the TaskGroup: serialised",
        {
            "part3_answer": P3_HEAD
            + """    first = await fetch_json(session, f"/items?page=1&per_page={per_page}&delay={delay}")
    items = list(first["items"])
    async with asyncio.TaskGroup() as tg:
        for n in range(2, first["pages"] + 1):
            task = tg.create_task(
                fetch_json(session, f"/items?page={n}&per_page={per_page}&delay={delay}")
            )
            items += (await task)["items"]
    return items
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "blocking-urllib-pages",
        "blocking",
        "fetches the pages with urllib inside async def: the loop is frozen and nothing overlaps",
        {
            "part3_answer": P3_HEAD
            + """    import json
    import urllib.request

    async def get(n):
        url = f"{server.url}/items?page={n}&per_page={per_page}&delay={delay}"
        with urllib.request.urlopen(url) as response:
            return json.load(response)

    first = await get(1)
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(get(n)) for n in range(2, first["pages"] + 1)]
    items = list(first["items"])
    for task in tasks:
        items.extend(task.result()["items"])
    return items
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "gather-loop-returns-count",
        "valid",
        "waits with gather until the set is empty and returns how many it waited for",
        {
            "part4_answer": P4_START
            + '''

async def wait_for_background() -> None:
    """Return once background_tasks is empty, waiting also for tasks started meanwhile."""
    waited = 0
    while background_tasks:
        batch = list(background_tasks)
        waited += len(batch)
        await asyncio.gather(*batch, return_exceptions=True)
    return waited
'''
        },
    ),
    Variant(
        "wrapper-finally-polling",
        "valid",
        "a wrapper coroutine removes its own task in finally; waiting polls with asyncio.sleep",
        {
            "part4_answer": '''background_tasks: set[asyncio.Task] = set()


def start_in_background(coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
    """Start coroutine as a task kept in background_tasks until it is done; return the task."""

    async def run():
        try:
            return await coroutine
        finally:
            background_tasks.discard(task)

    task = asyncio.create_task(run())
    background_tasks.add(task)
    return task


async def wait_for_background() -> None:
    """Return once background_tasks is empty, waiting also for tasks started meanwhile."""
    while len(background_tasks) > 0:
        await asyncio.sleep(0.01)
'''
        },
    ),
    Variant(
        "wait-only-once",
        "wrong",
        "gathers the tasks present at the call and returns: misses tasks started meanwhile",
        {
            "part4_answer": P4_START
            + '''

async def wait_for_background() -> None:
    """Return once background_tasks is empty, waiting also for tasks started meanwhile."""
    await asyncio.gather(*background_tasks)
'''
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "blocking-sleep-wait",
        "blocking",
        "waits with time.sleep: the loop never runs the background tasks",
        {
            "part4_answer": P4_START
            + '''

async def wait_for_background() -> None:
    """Return once background_tasks is empty, waiting also for tasks started meanwhile."""
    while background_tasks:
        time.sleep(0.01)
'''
        },
        expect={"part4_tests": ZERO},
        message={"part4_tests": "blocked the event loop"},
    ),
]
