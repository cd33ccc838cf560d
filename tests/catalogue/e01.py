"""Exercise 01, why async: answers learners write, and the verdict each must get."""

from catalogue import ZERO, Variant

P1_HEAD = '''async def fetch_json(session: aiohttp.ClientSession, path: str):
    """GET server.url + path and return the decoded JSON; raise on an error status."""
'''

P2_HEAD = '''async def fetch_one_by_one(session: aiohttp.ClientSession, paths: list[str]) -> list:
    """Fetch each path in turn, one request at a time; results in the order of paths."""
'''

P3_HEAD = '''async def fetch_all(session: aiohttp.ClientSession, paths: list[str]) -> list:
    """Fetch every path concurrently; results in the order of paths."""
'''

P4_HEAD = '''async def fetch_all_timed(
    session: aiohttp.ClientSession, paths: list[str]
) -> tuple[list, Timeline]:
    """Like fetch_all, and return a Timeline with one span per request, labelled with its path."""
'''

VARIANTS = [
    Variant(
        "raise-for-status-option",
        "valid",
        "asks aiohttp to raise with raise_for_status=True and decodes the text itself",
        {
            "part1_answer": P1_HEAD
            + """    import json

    async with session.get(server.url + path, raise_for_status=True) as resp:
        text = await resp.text()
    return json.loads(text)
"""
        },
    ),
    Variant(
        "own-error",
        "valid",
        "raises an error of its own for a 4xx or 5xx status: the task asks for an error, any error",
        {
            "part1_answer": P1_HEAD
            + """    response = await session.get(server.url + path)
    async with response:
        if response.status >= 400:
            raise RuntimeError(f"{path} answered {response.status}")
        return await response.json()
"""
        },
    ),
    Variant(
        "comprehension",
        "valid",
        "a list comprehension with await inside: still one request at a time",
        {"part2_answer": P2_HEAD + "    return [await fetch_json(session, p) for p in paths]\n"},
    ),
    Variant(
        "gathered-one-by-one",
        "wrong",
        "gathers the requests although this part asks for one at a time",
        {
            "part2_answer": P2_HEAD
            + "    return list(await asyncio.gather(*[fetch_json(session, p) for p in paths]))\n"
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "blocking-urllib-one-by-one",
        "blocking",
        "fetches with urllib inside async def: one at a time as asked, but the loop is frozen",
        {
            "part2_answer": P2_HEAD
            + """    import json
    import urllib.request

    results = []
    for path in paths:
        with urllib.request.urlopen(server.url + path) as response:
            results.append(json.load(response))
    return results
"""
        },
        expect={"part2_tests": ZERO},
        message={"part2_tests": "blocked the event loop"},
    ),
    Variant(
        "taskgroup",
        "valid",
        "a TaskGroup instead of gather",
        {
            "part3_answer": P3_HEAD
            + """    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch_json(session, path)) for path in paths]
    return [task.result() for task in tasks]
"""
        },
    ),
    Variant(
        "tasks-then-tuple",
        "valid",
        "create_task for each path, awaited in order; returns a tuple, the order is what counts",
        {
            "part3_answer": P3_HEAD
            + """    tasks = []
    for path in paths:
        tasks.append(asyncio.create_task(fetch_json(session, path)))
    print(f"started {len(tasks)} requests")
    return tuple([await t for t in tasks])
"""
        },
    ),
    Variant(
        "as-completed-by-index",
        "valid",
        "as_completed, each result put back at its path's index",
        {
            "part3_answer": P3_HEAD
            + """    async def indexed(i, path):
        return i, await fetch_json(session, path)

    results = [None] * len(paths)
    for next_one in asyncio.as_completed([indexed(i, p) for i, p in enumerate(paths)]):
        i, data = await next_one
        results[i] = data
    return results
"""
        },
    ),
    Variant(
        "one-after-another",
        "wrong",
        "awaits each request inside the loop: serialised",
        {
            "part3_answer": P3_HEAD
            + """    results = []
    for path in paths:
        results.append(await fetch_json(session, path))
    return results
"""
        },
        expect={"part3_tests": ZERO},
        message={"part3_tests": "at most 1 at a time"},
    ),
    Variant(
        "five-at-a-time",
        "wrong",
        "a semaphore of 5, tuned to the visible test's five paths",
        {
            "part3_answer": P3_HEAD
            + """    gate = asyncio.Semaphore(5)

    async def one(path):
        async with gate:
            return await fetch_json(session, path)

    return await asyncio.gather(*(one(path) for path in paths))
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "taskgroup-spans-list",
        "valid",
        "spans in a helper run by a TaskGroup, an untitled Timeline, a list instead of a tuple",
        {
            "part4_answer": P4_HEAD
            + """    tl = Timeline()

    async def timed_fetch(path):
        async with tl.span(path):
            return await fetch_json(session, path)

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(timed_fetch(p)) for p in paths]
    return [t.result() for t in tasks], tl
"""
        },
    ),
    Variant(
        "spans-one-after-another",
        "wrong",
        "records a span per path, but awaits each request inside its span in turn",
        {
            "part4_answer": P4_HEAD
            + """    timeline = Timeline("fetch_all_timed")
    results = []
    for path in paths:
        async with timeline.span(path):
            results.append(await fetch_json(session, path))
    return results, timeline
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "spans-after-the-fact",
        "wrong",
        "gathers first, then opens and closes an empty span per path: the spans show nothing real",
        {
            "part4_answer": P4_HEAD
            + """    timeline = Timeline("fetch_all_timed")
    results = await asyncio.gather(*(fetch_json(session, p) for p in paths))

    async def mark(path):
        async with timeline.span(path):
            await asyncio.sleep(0.01)

    await asyncio.gather(*(mark(p) for p in paths))
    return list(results), timeline
"""
        },
        expect={"part4_tests": ZERO},
    ),
]
