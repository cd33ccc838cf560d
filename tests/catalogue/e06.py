"""Exercise 06, timeouts and cancellation: answers learners write, and the verdict each must get."""

from catalogue import ZERO, Variant

P1_HEAD = '''async def fetch_or_fallback(
    session: aiohttp.ClientSession, path: str, seconds: float, fallback: dict
) -> dict:
    """fetch_json(session, path), or `fallback` if no answer came within `seconds`."""
'''

P2_HEAD = '''async def fetch_tracked(session: aiohttp.ClientSession, path: str, running: set[str]) -> dict:
    """fetch_json(session, path), with path in `running` exactly while the request is under way."""
'''

P3_HEAD = '''async def cancel_all(tasks: list[asyncio.Task]) -> int:
    """Cancel every task, wait until all have ended, and return how many ended cancelled."""
'''

P4_HEAD = '''async def first_success(session: aiohttp.ClientSession, paths: list[str]) -> tuple[str, dict]:
    """Race requests for every path; return (path, json) of the first to succeed."""
'''

P5_HEAD = '''async def fetch_until(
    session: aiohttp.ClientSession, paths: list[str], seconds: float
) -> dict[str, dict]:
    """Fetch every path concurrently for at most `seconds`; return what succeeded in time."""
'''

VARIANTS = [
    Variant(
        "wait-for",
        "valid",
        "asyncio.wait_for instead of asyncio.timeout",
        {
            "part1_answer": P1_HEAD
            + """    try:
        return await asyncio.wait_for(fetch_json(session, path), timeout=seconds)
    except asyncio.TimeoutError:
        print(f"{path} took longer than {seconds} s, using the fallback")
        return fallback
"""
        },
    ),
    Variant(
        "wait-without-cancel",
        "wrong",
        "asyncio.wait with a timeout returns the fallback but leaves the request running",
        {
            "part1_answer": P1_HEAD
            + """    task = asyncio.create_task(fetch_json(session, path))
    done, _ = await asyncio.wait([task], timeout=seconds)
    if task in done:
        return task.result()
    return fallback
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "hides-every-error",
        "wrong",
        "except Exception returns the fallback for a 404 too",
        {
            "part1_answer": P1_HEAD
            + """    try:
        async with asyncio.timeout(seconds):
            return await fetch_json(session, path)
    except Exception:
        return fallback
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "blocking-urllib-timeout",
        "blocking",
        "urllib with a socket timeout: gives up in time, but holds the loop while it waits",
        {
            "part1_answer": P1_HEAD
            + """    import json
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(server.url + path, timeout=seconds) as response:
            return json.load(response)
    except (TimeoutError, urllib.error.URLError):
        return fallback
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "except-and-reraise",
        "valid",
        "removes the path in except BaseException (then re-raises) and after a normal answer",
        {
            "part2_answer": P2_HEAD
            + """    running.add(path)
    try:
        data = await fetch_json(session, path)
    except BaseException:
        running.discard(path)
        raise
    running.discard(path)
    return data
"""
        },
    ),
    Variant(
        "swallows-cancel",
        "wrong",
        "catches CancelledError, cleans up and returns None: the task does not end cancelled",
        {
            "part2_answer": P2_HEAD
            + """    running.add(path)
    try:
        return await fetch_json(session, path)
    except asyncio.CancelledError:
        return None
    finally:
        running.discard(path)
"""
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "cleanup-only-on-success",
        "wrong",
        "removes the path only after an answer: an error or a cancel leaves it in `running`",
        {
            "part2_answer": P2_HEAD
            + """    running.add(path)
    result = await fetch_json(session, path)
    running.remove(path)
    return result
"""
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "asyncio-wait-guarded",
        "valid",
        "waits with asyncio.wait (guarded: it refuses an empty set), counts in a comprehension",
        {
            "part3_answer": P3_HEAD
            + """    for t in tasks:
        t.cancel()
    if tasks:
        await asyncio.wait(tasks)
    return len([t for t in tasks if t.cancelled()])
"""
        },
    ),
    Variant(
        "counts-cancel-calls",
        "wrong",
        "counts the cancel() calls that returned True: a task that refuses to stop is counted",
        {
            "part3_answer": P3_HEAD
            + """    count = 0
    for task in tasks:
        if task.cancel():
            count += 1
    await asyncio.gather(*tasks, return_exceptions=True)
    return count
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "no-wait",
        "wrong",
        "cancels and returns at once: the cleanups have not run",
        {
            "part3_answer": P3_HEAD
            + """    for task in tasks:
        task.cancel()
    return sum(1 for task in tasks if not task.done() or task.cancelled())
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "as-completed-race",
        "valid",
        "as_completed, the errors collected, the losers cancelled with cancel_all",
        {
            "part4_answer": P4_HEAD
            + """    async def attempt(path):
        return path, await fetch_json(session, path)

    tasks = [asyncio.create_task(attempt(p)) for p in paths]
    errors = []
    try:
        for finished in asyncio.as_completed(tasks):
            try:
                return await finished
            except aiohttp.ClientResponseError as err:
                errors.append(err)
    finally:
        await cancel_all(tasks)
    raise ExceptionGroup("no mirror answered", errors)
""",
        },
    ),
    Variant(
        "gather-then-pick",
        "wrong",
        "waits for every mirror, then picks the fastest: the losers are never cancelled",
        {
            "part4_answer": P4_HEAD
            + """    loop = asyncio.get_running_loop()

    async def timed(path):
        data = await fetch_json(session, path)
        return loop.time(), path, data

    outcomes = await asyncio.gather(*(timed(p) for p in paths), return_exceptions=True)
    good = sorted(o for o in outcomes if isinstance(o, tuple))
    if not good:
        raise ExceptionGroup("all failed", [o for o in outcomes if isinstance(o, Exception)])
    return good[0][1], good[0][2]
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "first-completed-once",
        "wrong",
        "waits for the first to complete, once: a quick failure is taken for the winner",
        {
            "part4_answer": P4_HEAD
            + """    tasks = {asyncio.create_task(fetch_json(session, p)): p for p in paths}
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    first = done.pop()
    return tasks[first], first.result()
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "timeout-around-taskgroup",
        "valid",
        "asyncio.timeout around a TaskGroup whose tasks keep their own errors",
        {
            "part5_answer": P5_HEAD
            + """    got = {}

    async def keep(path):
        try:
            got[path] = await fetch_json(session, path)
        except aiohttp.ClientResponseError:
            pass

    try:
        async with asyncio.timeout(seconds):
            async with asyncio.TaskGroup() as tg:
                for path in paths:
                    tg.create_task(keep(path))
    except TimeoutError:
        pass
    return got
"""
        },
    ),
    Variant(
        "deadline-not-enforced",
        "wrong",
        "asyncio.wait with a timeout, but the late requests are left running",
        {
            "part5_answer": P5_HEAD
            + """    if not paths:
        return {}
    tasks = {asyncio.create_task(fetch_json(session, p)): p for p in paths}
    done, _ = await asyncio.wait(tasks, timeout=seconds)
    return {tasks[t]: t.result() for t in done if t.exception() is None}
"""
        },
        expect={"part5_tests": ZERO},
    ),
    Variant(
        "waits-for-everything",
        "wrong",
        "gathers everything and drops what came too late: the deadline stops nothing",
        {
            "part5_answer": P5_HEAD
            + """    loop = asyncio.get_running_loop()
    start = loop.time()

    async def timed(path):
        data = await fetch_json(session, path)
        return path, data, loop.time() - start

    out = await asyncio.gather(*(timed(p) for p in paths), return_exceptions=True)
    return {o[0]: o[1] for o in out if isinstance(o, tuple) and o[2] <= seconds}
"""
        },
        expect={"part5_tests": ZERO},
    ),
]
