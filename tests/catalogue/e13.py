"""Exercise 13, structured concurrency and shutdown: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

FAIL_FAST_WAIT = """\
async def fetch_all_fail_fast(
    session: aiohttp.ClientSession, paths: list[str], seconds: float
) -> list[dict]:
    tasks = [asyncio.create_task(fetch_json(session, path)) for path in paths]
    if not tasks:
        return []
    try:
        async with asyncio.timeout(seconds):
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:  # a timeout, an error or a cancellation from outside: stop the rest first
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()
    return [task.result() for task in tasks]
"""

FAIL_FAST_GATHER = """\
async def fetch_all_fail_fast(
    session: aiohttp.ClientSession, paths: list[str], seconds: float
) -> list[dict]:
    async with asyncio.timeout(seconds):
        return list(await asyncio.gather(*(fetch_json(session, path) for path in paths)))
"""

FAIL_FAST_GROUP = """\
async def fetch_all_fail_fast(
    session: aiohttp.ClientSession, paths: list[str], seconds: float
) -> list[dict]:
    async with asyncio.timeout(seconds):
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(fetch_json(session, path)) for path in paths]
    return [task.result() for task in tasks]
"""

CRAWL_GATHER = """\
async def crawl(session: aiohttp.ClientSession, start: str, max_pages: int) -> list[dict]:
    records = []

    async def get_item(item_id: int) -> None:
        records.append(await fetch_json(session, f"/items/{item_id}?delay=0.15"))

    async def get_page(path: str, number: int) -> None:
        listing = await fetch_json(session, path)
        jobs = [get_item(entry["id"]) for entry in listing["items"]]
        if listing["next"] is not None and number < max_pages:
            jobs.append(get_page(listing["next"], number + 1))
        await asyncio.gather(*jobs)

    await get_page(start, 1)
    records.sort(key=lambda record: record["id"])
    return records
"""

CRAWL_PAGES_FIRST = """\
async def crawl(session: aiohttp.ClientSession, start: str, max_pages: int) -> list[dict]:
    ids = []
    path, pages = start, 0
    while path and pages < max_pages:
        listing = await fetch_json(session, path)
        ids += [entry["id"] for entry in listing["items"]]
        path, pages = listing["next"], pages + 1
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch_json(session, f"/items/{i}?delay=0.15")) for i in ids]
    return sorted((task.result() for task in tasks), key=lambda item: item["id"])
"""

CRAWL_ITEMS_THEN_NEXT = """\
async def crawl(session: aiohttp.ClientSession, start: str, max_pages: int) -> list[dict]:
    found = []
    path, pages = start, 0
    while path and pages < max_pages:
        listing = await fetch_json(session, path)
        found += await asyncio.gather(
            *(fetch_json(session, f"/items/{e['id']}?delay=0.15") for e in listing["items"])
        )
        path, pages = listing["next"], pages + 1
    return sorted(found, key=lambda item: item["id"])
"""

IDS_TOKEN = """\
class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        setattr(record, "request_id", request_id.get())
        return True


async def handle(session: aiohttp.ClientSession, rid: str, path: str) -> dict:
    token = request_id.set(rid)
    try:
        return await fetch_logged(session, path)
    finally:
        request_id.reset(token)


async def handle_all(session: aiohttp.ClientSession, requests: dict[str, str]) -> dict[str, dict]:
    rids = list(requests)
    answers = await asyncio.gather(*(handle(session, rid, requests[rid]) for rid in rids))
    print(f"handled {len(answers)} requests")
    return dict(zip(rids, answers))
"""

IDS_SET_IN_CALLER = """\
class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


async def handle(session: aiohttp.ClientSession, rid: str, path: str) -> dict:
    return await fetch_logged(session, path)


async def handle_all(session: aiohttp.ClientSession, requests: dict[str, str]) -> dict[str, dict]:
    tasks = {}
    for rid, path in requests.items():
        request_id.set(rid)  # the task copies the context, so it keeps this id
        tasks[rid] = asyncio.create_task(handle(session, rid, path))
    return {rid: await task for rid, task in tasks.items()}
"""

IDS_SEQUENTIAL = """\
class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


async def handle(session: aiohttp.ClientSession, rid: str, path: str) -> dict:
    token = request_id.set(rid)
    try:
        return await fetch_logged(session, path)
    finally:
        request_id.reset(token)


async def handle_all(session: aiohttp.ClientSession, requests: dict[str, str]) -> dict[str, dict]:
    return {rid: await handle(session, rid, path) for rid, path in requests.items()}
"""

POOL_WAIT = """\
class WorkerPool:
    def __init__(self, session: aiohttp.ClientSession, workers: int) -> None:
        self.session = session
        self.jobs: asyncio.Queue[str] = asyncio.Queue()
        self.closed = False
        self.running: dict[asyncio.Task, str] = {}
        self.report = ShutdownReport()
        self.tasks = [asyncio.create_task(self.worker()) for _ in range(workers)]

    def submit(self, path: str) -> None:
        if self.closed:
            raise PoolClosed(path)
        self.jobs.put_nowait(path)

    async def worker(self) -> None:
        me = asyncio.current_task()
        while True:
            path = await self.jobs.get()
            self.running[me] = path
            try:
                await fetch_json(self.session, path)
            except Exception:
                self.report.failed.append(path)
            else:
                self.report.done.append(path)
            finally:
                self.running.pop(me, None)
                self.jobs.task_done()

    async def shutdown(self, grace: float) -> ShutdownReport:
        self.closed = True
        joining = asyncio.create_task(self.jobs.join())
        await asyncio.wait([joining], timeout=grace)
        joining.cancel()
        self.report.abandoned.extend(self.running.values())
        for task in self.tasks:
            task.cancel()
        await asyncio.wait(self.tasks + [joining])
        while not self.jobs.empty():
            self.report.not_started.append(self.jobs.get_nowait())
        return self.report
"""

POOL_SLEEPS_GRACE = """\
class WorkerPool:
    def __init__(self, session: aiohttp.ClientSession, workers: int) -> None:
        self._session = session
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._accepting = True
        self._report = ShutdownReport()
        self._workers = [asyncio.create_task(self._work()) for _ in range(workers)]

    def submit(self, path: str) -> None:
        if not self._accepting:
            raise PoolClosed(path)
        self._queue.put_nowait(path)

    async def shutdown(self, grace: float) -> ShutdownReport:
        self._accepting = False
        await asyncio.sleep(grace)  # give the jobs their grace period
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        while not self._queue.empty():
            self._report.not_started.append(self._queue.get_nowait())
        return self._report

    async def _work(self) -> None:
        while True:
            path = await self._queue.get()
            try:
                await fetch_json(self._session, path)
                self._report.done.append(path)
            except asyncio.CancelledError:
                self._report.abandoned.append(path)
                raise
            except Exception:
                self._report.failed.append(path)
"""

POOL_NO_WAIT = """\
class WorkerPool:
    def __init__(self, session: aiohttp.ClientSession, workers: int) -> None:
        self._session = session
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._accepting = True
        self._report = ShutdownReport()
        self._current: dict[int, str] = {}
        self._workers = [asyncio.create_task(self._work(n)) for n in range(workers)]

    def submit(self, path: str) -> None:
        if not self._accepting:
            raise PoolClosed(path)
        self._queue.put_nowait(path)

    async def shutdown(self, grace: float) -> ShutdownReport:
        self._accepting = False
        try:
            await asyncio.wait_for(self._queue.join(), grace)
        except TimeoutError:
            pass
        for worker in self._workers:
            worker.cancel()
        self._report.abandoned.extend(self._current.values())
        while not self._queue.empty():
            self._report.not_started.append(self._queue.get_nowait())
        return self._report

    async def _work(self, number: int) -> None:
        while True:
            path = await self._queue.get()
            self._current[number] = path
            try:
                await fetch_json(self._session, path)
                self._report.done.append(path)
            except Exception:
                self._report.failed.append(path)
            finally:
                self._current.pop(number, None)
                self._queue.task_done()
"""

POOL_BLOCKING = """\
class WorkerPool:
    def __init__(self, session: aiohttp.ClientSession, workers: int) -> None:
        self._session = session
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._accepting = True
        self._report = ShutdownReport()
        self._workers = [asyncio.create_task(self._work()) for _ in range(workers)]

    def submit(self, path: str) -> None:
        if not self._accepting:
            raise PoolClosed(path)
        self._queue.put_nowait(path)

    async def shutdown(self, grace: float) -> ShutdownReport:
        self._accepting = False
        give_up = time.monotonic() + grace
        while self._queue._unfinished_tasks and time.monotonic() < give_up:
            time.sleep(0.05)  # wait for the workers to finish
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        while not self._queue.empty():
            self._report.not_started.append(self._queue.get_nowait())
        return self._report

    async def _work(self) -> None:
        while True:
            path = await self._queue.get()
            try:
                await fetch_json(self._session, path)
                self._report.done.append(path)
            except asyncio.CancelledError:
                self._report.abandoned.append(path)
                raise
            except Exception:
                self._report.failed.append(path)
            finally:
                self._queue.task_done()
"""

VARIANTS = [
    Variant(
        "fail-fast-wait",
        "valid",
        "asyncio.wait(FIRST_EXCEPTION) under a timeout, the rest cancelled and awaited in finally",
        {"part1_answer": FAIL_FAST_WAIT},
    ),
    Variant(
        "fail-fast-gather",
        "wrong",
        "gather raises the first error but leaves the other requests running",
        {"part1_answer": FAIL_FAST_GATHER},
        {"part1_tests": ZERO},
        {"part1_tests": "still running"},
    ),
    Variant(
        "fail-fast-group",
        "wrong",
        "lets the TaskGroup's ExceptionGroup out instead of the request's own error",
        {"part1_answer": FAIL_FAST_GROUP},
        {"part1_tests": ZERO},
        {"part1_tests": "not a group"},
    ),
    Variant(
        "crawl-gather",
        "valid",
        "each page gathers its items and the next page: the same overlap without a TaskGroup",
        {"part2_answer": CRAWL_GATHER},
    ),
    Variant(
        "crawl-pages-first",
        "wrong",
        "walks every page first, then fetches the items: no overlap",
        {"part2_answer": CRAWL_PAGES_FIRST},
        {"part2_tests": ZERO},
    ),
    Variant(
        "crawl-items-then-next",
        "wrong",
        "fetches a page's items, and only then the next page: serialised pages",
        {"part2_answer": CRAWL_ITEMS_THEN_NEXT},
        {"part2_tests": ZERO},
        {"part2_tests": "only requested after the items"},
    ),
    Variant(
        "ids-token",
        "valid",
        "set and reset with a token in handle, gather in handle_all, setattr, a print",
        {"part3_answer": IDS_TOKEN},
    ),
    Variant(
        "ids-set-in-caller",
        "wrong",
        "sets the id in handle_all before each task: the lines are right, but the id leaks",
        {"part3_answer": IDS_SET_IN_CALLER},
        {"part3_tests": ZERO},
        {"part3_tests": "instead of '-'"},
    ),
    Variant(
        "ids-sequential",
        "wrong",
        "awaits each request in turn: not concurrent",
        {"part3_answer": IDS_SEQUENTIAL},
        {"part3_tests": ZERO},
    ),
    Variant(
        "pool-wait",
        "valid",
        "asyncio.wait on a join task for the grace; running jobs tracked per worker",
        {"part4_answer": POOL_WAIT},
    ),
    Variant(
        "pool-sleeps-grace",
        "wrong",
        "always sleeps the whole grace period, even when every job is done",
        {"part4_answer": POOL_SLEEPS_GRACE},
        {"part4_tests": ZERO},
    ),
    Variant(
        "pool-no-wait",
        "wrong",
        "cancels the workers but returns without waiting for them to end",
        {"part4_answer": POOL_NO_WAIT},
        {"part4_tests": ZERO},
    ),
    Variant(
        "blocking-pool-time-sleep",
        "blocking",
        "waits for the jobs with time.sleep in a loop: they cannot progress meanwhile",
        {"part4_answer": POOL_BLOCKING},
        {"part4_tests": ZERO},
    ),
]

BLOCKING_EXEMPT: dict[str, str] = {}  # every async def here runs on the event loop
