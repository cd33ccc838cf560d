"""Exercise 07, synchronization: answers learners write, and the verdict each must get."""

from catalogue import ZERO, Variant

P1_HEAD = '''async def fetch_all_limited(
    session: aiohttp.ClientSession, paths: list[str], limit: int
) -> list[dict]:
    """Fetch every path, at most `limit` at a time; results in the order of paths."""
'''

P2_CLASS = '''class Account:
    """A balance kept in memory and saved to a ledger on every change."""

    def __init__(self, save: Callable[[int], Awaitable[None]]) -> None:
        self.balance = 0
        self._save = save
'''

P3_HEAD = '''def launch(
    session: aiohttp.ClientSession, paths: list[str], go: asyncio.Event
) -> list[asyncio.Task]:
    """One task per path, each waiting for `go` before it fetches; returns the tasks at once."""
'''

P4_HEAD = '''async def run_pipeline(
    session: aiohttp.ClientSession, item_ids: list[int], queue: asyncio.Queue, workers: int
) -> dict[int, dict]:
    """Fetch every item through `queue` with `workers` workers; return {id: item}, all stopped."""
'''


def sentinel_pipeline(sentinel: str) -> str:
    """A pipeline whose workers stop on `sentinel`, put once per worker after the ids."""
    return (
        P4_HEAD
        + f"""    STOP = {sentinel}
    found = {{}}

    async def worker():
        while True:
            item_id = await queue.get()
            if item_id is STOP or item_id == STOP:
                queue.task_done()
                return
            try:
                found[item_id] = await fetch_json(session, f"/items/{{item_id}}?delay=0.05")
            except aiohttp.ClientResponseError as error:
                print("skipping", item_id, error.status)
            finally:
                queue.task_done()

    running = [asyncio.create_task(worker()) for _ in range(workers)]
    for item_id in item_ids:
        await queue.put(item_id)
    for _ in running:
        await queue.put(STOP)
    await asyncio.gather(*running)
    return found
"""
    )


VARIANTS = [
    Variant(
        "taskgroup-semaphore-tuple",
        "valid",
        "a Semaphore inside a TaskGroup; returns a tuple, the results still in order",
        {
            "part1_answer": P1_HEAD
            + """    sem = asyncio.Semaphore(limit)

    async def one(path):
        async with sem:
            return await fetch_json(session, path)

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(p)) for p in paths]
    return tuple(t.result() for t in tasks)
"""
        },
    ),
    Variant(
        "worker-pool",
        "valid",
        "limit workers share one iterator of indexes: never more than limit, slots refill at once",
        {
            "part1_answer": P1_HEAD
            + """    results = [None] * len(paths)
    todo = iter(range(len(paths)))

    async def worker():
        for index in todo:
            results[index] = await fetch_json(session, paths[index])

    await asyncio.gather(*(worker() for _ in range(min(limit, len(paths)))))
    return results
"""
        },
    ),
    Variant(
        "fixed-batches",
        "wrong",
        "runs the paths in batches of limit: a slow request holds back its whole batch",
        {
            "part1_answer": P1_HEAD
            + """    results = []
    for start in range(0, len(paths), limit):
        batch = paths[start : start + limit]
        results += await asyncio.gather(*(fetch_json(session, p) for p in batch))
    return results
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "semaphore-per-request",
        "wrong",
        "creates the semaphore inside the per-request coroutine: it limits nothing",
        {
            "part1_answer": P1_HEAD
            + """    async def one(path):
        async with asyncio.Semaphore(limit):
            return await fetch_json(session, path)

    return await asyncio.gather(*(one(p) for p in paths))
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "lazy-lock-helper",
        "valid",
        "the lock made in __init__ under another name, the update in a helper method",
        {
            "part2_answer": P2_CLASS
            + '''        self.turn = asyncio.Lock()

    async def _apply(self, amount: int) -> int:
        updated = self.balance + amount
        await self._save(updated)
        self.balance = updated
        return updated

    async def deposit(self, amount: int) -> int:
        """Add amount: save the new balance, then keep it; return it. Safe to run concurrently."""
        async with self.turn:
            return await self._apply(amount)
'''
        },
    ),
    Variant(
        "lock-around-save-only",
        "wrong",
        "locks only the save: every deposit reads the old balance before waiting its turn",
        {
            "part2_answer": P2_CLASS
            + '''        self._lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        """Add amount: save the new balance, then keep it; return it. Safe to run concurrently."""
        new_balance = self.balance + amount
        async with self._lock:
            await self._save(new_balance)
        self.balance = new_balance
        return new_balance
'''
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "one-lock-for-all-accounts",
        "wrong",
        "a class-level lock shared by every account: deposits to different accounts wait",
        {
            "part2_answer": P2_CLASS
            + '''
    lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        """Add amount: save the new balance, then keep it; return it. Safe to run concurrently."""
        async with Account.lock:
            new_balance = self.balance + amount
            await self._save(new_balance)
            self.balance = new_balance
            return new_balance
'''
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "gate-in-helper-function",
        "valid",
        "a module-level helper coroutine waits for the gate; launch only creates the tasks",
        {
            "part3_answer": """async def gated_fetch(session, path, go):
    await go.wait()
    print("gate open, fetching", path)
    return await fetch_json(session, path)


"""
            + P3_HEAD
            + """    return [asyncio.create_task(gated_fetch(session, p, go)) for p in paths]
"""
        },
    ),
    Variant(
        "gate-not-awaited",
        "wrong",
        "checks go.is_set() instead of waiting: the requests go out before the gate opens",
        {
            "part3_answer": P3_HEAD
            + """    async def one(path):
        if not go.is_set():
            await asyncio.sleep(0)
        return await fetch_json(session, path)

    return [asyncio.create_task(one(path)) for path in paths]
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "sentinel-minus-one",
        "valid",
        "workers stop on the sentinel -1, put once per worker after the ids",
        {"part4_answer": sentinel_pipeline("-1")},
    ),
    Variant(
        "sentinel-none",
        "valid",
        "workers stop on None",
        {"part4_answer": sentinel_pipeline("None")},
    ),
    Variant(
        "sentinel-object",
        "valid",
        "workers stop on a private object()",
        {"part4_answer": sentinel_pipeline("object()")},
    ),
    Variant(
        "workers-left-running",
        "wrong",
        "waits for queue.join() but never stops the workers: they still run after it returns",
        {
            "part4_answer": P4_HEAD
            + """    results = {}

    async def work():
        while True:
            item_id = await queue.get()
            try:
                results[item_id] = await fetch_json(session, f"/items/{item_id}?delay=0.05")
            except aiohttp.ClientResponseError:
                pass
            finally:
                queue.task_done()

    for _ in range(workers):
        asyncio.create_task(work())
    for item_id in item_ids:
        await queue.put(item_id)
    await queue.join()
    return results
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "one-worker-only",
        "wrong",
        "fetches every id itself, one at a time, ignoring `workers`",
        {
            "part4_answer": P4_HEAD
            + """    results = {}
    for item_id in item_ids:
        await queue.put(item_id)
        queue.get_nowait()
        try:
            results[item_id] = await fetch_json(session, f"/items/{item_id}?delay=0.05")
        except aiohttp.ClientResponseError:
            pass
        queue.task_done()
    return results
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "blocking-sleep-worker",
        "blocking",
        "each worker paces itself with time.sleep after a fetch: every worker waits in turn",
        {
            "part4_answer": P4_HEAD
            + """    import time

    results = {}

    async def work():
        while True:
            item_id = await queue.get()
            try:
                results[item_id] = await fetch_json(session, f"/items/{item_id}?delay=0.05")
            except aiohttp.ClientResponseError:
                pass
            finally:
                queue.task_done()
            time.sleep(0.05)  # pace the requests

    tasks = [asyncio.create_task(work()) for _ in range(workers)]
    for item_id in item_ids:
        await queue.put(item_id)
    await queue.join()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results
"""
        },
        expect={"part4_tests": ZERO},
        message={"part4_tests": "blocked the event loop"},
    ),
]
