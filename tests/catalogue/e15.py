"""Exercise 15, the capstone: answers learners write, and their verdicts.

Later parts call the learner's earlier functions (the task says so), so a wrong earlier part
also costs the later parts that depend on what it skipped; `expect` names those too.
"""

from catalogue import ANY, LESS, ZERO, Variant

IDS_TUPLE = """\
async def item_ids(
    session: aiohttp.ClientSession, per_page: int, max_pages: int | None
) -> list[int]:
    ids = []
    path = first_page(per_page)
    pages = 0
    while path:
        if max_pages is not None and pages >= max_pages:
            break
        response = await session.get(path)
        response.raise_for_status()
        page = await response.json()
        response.release()
        pages += 1
        ids += [item["id"] for item in page["items"]]
        path = page["next"]
    return tuple(ids)
"""

IDS_GUESSED_PAGES = """\
async def item_ids(
    session: aiohttp.ClientSession, per_page: int, max_pages: int | None
) -> list[int]:
    async def get_page(path: str) -> dict:
        async with session.get(path) as response:
            response.raise_for_status()
            return await response.json()

    first = await get_page(first_page(per_page))
    last = first["pages"] if max_pages is None else min(first["pages"], max_pages)
    rest = await asyncio.gather(
        *(get_page(first_page(per_page).replace("page=1&", f"page={n}&")) for n in range(2, last + 1))
    )
    return [item["id"] for page in [first, *rest] for item in page["items"]]
"""

IDS_NONE_BREAKS = """\
async def item_ids(
    session: aiohttp.ClientSession, per_page: int, max_pages: int | None
) -> list[int]:
    ids = []
    path = first_page(per_page)
    fetched = 0
    while path is not None and fetched < max_pages:
        async with session.get(path) as response:
            response.raise_for_status()
            page = await response.json()
        fetched += 1
        ids.extend(item["id"] for item in page["items"])
        path = page["next"]
    return ids
"""

GET_CLIENT_TIMEOUT = """\
async def get_json(
    session: aiohttp.ClientSession,
    path: str,
    *,
    attempts: int = 4,
    base: float = 0.02,
    timeout: float = 1.0,
) -> Any:
    limit = aiohttp.ClientTimeout(total=timeout)
    for attempt in range(attempts):
        try:
            async with session.get(path, timeout=limit) as response:
                if response.status == 429:
                    body = await response.json()
                    raise TooManyRequests(path, body["retry_after"])
                if 400 <= response.status < 500:
                    raise RequestFailed(f"{path}: {response.status}")
                if response.status < 400:
                    return await response.json()
                why = f"{path}: {response.status}"
        except (TimeoutError, aiohttp.ClientConnectionError) as error:
            why = f"{path}: {error!r}"
        if attempt + 1 < attempts:
            step = base * 2**attempt
            await asyncio.sleep(step / 2 + random.random() * step / 2)
    raise RequestFailed(f"{why} (gave up after {attempts} attempts)")
"""

GET_NO_JITTER = """\
async def get_json(
    session: aiohttp.ClientSession,
    path: str,
    *,
    attempts: int = 4,
    base: float = 0.02,
    timeout: float = 1.0,
) -> Any:
    for attempt in range(1, attempts + 1):
        try:
            async with asyncio.timeout(timeout):
                async with session.get(path) as response:
                    status, body = response.status, await response.json()
        except (TimeoutError, aiohttp.ClientConnectionError):
            status, body = None, None
        if status is not None and status < 400:
            return body
        if status == 429:
            raise TooManyRequests(path, float(body["retry_after"]))
        if status is not None and status < 500:
            raise RequestFailed(f"{path}: {status}")
        if attempt == attempts:
            raise RequestFailed(f"{path}: failed {attempts} times")
        await asyncio.sleep(base * 2 ** (attempt - 1) * 0.75)
"""

GET_RETRIES_429 = """\
async def get_json(
    session: aiohttp.ClientSession,
    path: str,
    *,
    attempts: int = 4,
    base: float = 0.02,
    timeout: float = 1.0,
) -> Any:
    for attempt in range(1, attempts + 1):
        try:
            async with asyncio.timeout(timeout):
                async with session.get(path) as response:
                    status, body = response.status, await response.json()
        except (TimeoutError, aiohttp.ClientConnectionError):
            status, body = None, None
        if status is not None and status < 400:
            return body
        if status is not None and status < 500 and status != 429:
            raise RequestFailed(f"{path}: {status}")
        if attempt == attempts:
            if status == 429:
                raise TooManyRequests(path, float(body["retry_after"]))
            raise RequestFailed(f"{path}: failed {attempts} times")
        step = base * 2 ** (attempt - 1)
        await asyncio.sleep(random.uniform(step / 2, step))
"""

GET_BARE_EXCEPT = """\
async def get_json(
    session: aiohttp.ClientSession,
    path: str,
    *,
    attempts: int = 4,
    base: float = 0.02,
    timeout: float = 1.0,
) -> Any:
    for attempt in range(1, attempts + 1):
        try:
            async with asyncio.timeout(timeout):
                async with session.get(path) as response:
                    status, body = response.status, await response.json()
        except:  # noqa: E722  anything that went wrong: try again
            status, body = None, None
        if status is not None and status < 400:
            return body
        if status == 429:
            raise TooManyRequests(path, float(body["retry_after"]))
        if status is not None and status < 500:
            raise RequestFailed(f"{path}: {status}")
        if attempt == attempts:
            raise RequestFailed(f"{path}: failed {attempts} times")
        step = base * 2 ** (attempt - 1)
        try:
            await asyncio.sleep(random.uniform(step / 2, step))
        except:  # noqa: E722
            pass
"""

GET_TIME_SLEEP = """\
async def get_json(
    session: aiohttp.ClientSession,
    path: str,
    *,
    attempts: int = 4,
    base: float = 0.02,
    timeout: float = 1.0,
) -> Any:
    for attempt in range(1, attempts + 1):
        try:
            async with asyncio.timeout(timeout):
                async with session.get(path) as response:
                    status, body = response.status, await response.json()
        except (TimeoutError, aiohttp.ClientConnectionError):
            status, body = None, None
        if status is not None and status < 400:
            return body
        if status == 429:
            raise TooManyRequests(path, float(body["retry_after"]))
        if status is not None and status < 500:
            raise RequestFailed(f"{path}: {status}")
        if attempt == attempts:
            raise RequestFailed(f"{path}: failed {attempts} times")
        step = base * 2 ** (attempt - 1)
        time.sleep(random.uniform(step / 2, step))
"""

POLITE_FOR = """\
async def get_politely(session: aiohttp.ClientSession, path: str, *, max_waits: int = 10) -> Any:
    for wait in range(max_waits):
        try:
            return await get_json(session, path)
        except TooManyRequests as refused:
            print(f"refused, waiting {refused.retry_after:.2f} s ({wait + 1}/{max_waits})")
            await asyncio.sleep(refused.retry_after)
    return await get_json(session, path)
"""

POLITE_HEADER_WAIT = """\
async def get_politely(session: aiohttp.ClientSession, path: str, *, max_waits: int = 10) -> Any:
    waits = 0
    while True:
        try:
            return await get_json(session, path)
        except TooManyRequests:
            if waits == max_waits:
                raise
            waits += 1
            await asyncio.sleep(1.0)  # the Retry-After header says 1 s
"""

POLITE_NO_WAIT = """\
async def get_politely(session: aiohttp.ClientSession, path: str, *, max_waits: int = 10) -> Any:
    for _ in range(max_waits):
        try:
            return await get_json(session, path)
        except TooManyRequests:
            continue
    return await get_json(session, path)
"""

POLITE_TIME_SLEEP = """\
async def get_politely(session: aiohttp.ClientSession, path: str, *, max_waits: int = 10) -> Any:
    waits = 0
    while True:
        try:
            return await get_json(session, path)
        except TooManyRequests as error:
            if waits == max_waits:
                raise
            waits += 1
            time.sleep(error.retry_after)
"""

CRAWL_WORKERS = """\
async def crawl(
    session: aiohttp.ClientSession,
    report: CrawlReport,
    *,
    per_page: int,
    max_pages: int | None,
    limit: int,
) -> None:
    todo = list(await item_ids(session, per_page, max_pages))

    async def check(item_id: int) -> None:
        try:
            record = await get_politely(session, record_path(item_id))
            await get_politely(session, stock_path(item_id))
            await get_politely(session, PRICE_PATH)
        except RequestFailed as error:
            report.failed[item_id] = str(error)
        else:
            report.items[item_id] = record

    async def worker() -> None:
        while todo:
            await check(todo.pop(0))

    async with asyncio.TaskGroup() as group:
        for _ in range(limit):
            group.create_task(worker())
"""

CRAWL_BREADTH = """\
async def crawl(
    session: aiohttp.ClientSession,
    report: CrawlReport,
    *,
    per_page: int,
    max_pages: int | None,
    limit: int,
) -> None:
    ids = await item_ids(session, per_page, max_pages)
    gate = asyncio.Semaphore(limit)

    async def polite(path: str) -> Any:
        async with gate:
            return await get_politely(session, path)

    async def step(paths: dict[int, str]) -> dict[int, Any]:
        outcomes = await asyncio.gather(*(polite(p) for p in paths.values()), return_exceptions=True)
        result = {}
        for item_id, outcome in zip(paths, outcomes):
            if isinstance(outcome, RequestFailed):
                report.failed[item_id] = str(outcome)
            else:
                result[item_id] = outcome
        return result

    records = await step({i: record_path(i) for i in ids})
    stocked = await step({i: stock_path(i) for i in records})
    priced = await step({i: PRICE_PATH for i in stocked})
    for item_id in priced:
        report.items[item_id] = records[item_id]
"""

CRAWL_SERIAL = """\
async def crawl(
    session: aiohttp.ClientSession,
    report: CrawlReport,
    *,
    per_page: int,
    max_pages: int | None,
    limit: int,
) -> None:
    for item_id in await item_ids(session, per_page, max_pages):
        try:
            record = await get_politely(session, record_path(item_id))
            await get_politely(session, stock_path(item_id))
            await get_politely(session, PRICE_PATH)
        except RequestFailed as error:
            report.failed[item_id] = str(error)
        else:
            report.items[item_id] = record
"""

DEADLINE_WAIT_FOR = """\
from collections import defaultdict


async def crawl_with_deadline(
    *, per_page: int, max_pages: int | None, limit: int, seconds: float
) -> CrawlReport:
    report = CrawlReport()
    async with aiohttp.ClientSession(server.url) as session:
        job = crawl(session, report, per_page=per_page, max_pages=max_pages, limit=limit)
        try:
            await asyncio.wait_for(job, seconds)
        except TimeoutError:
            print(f"out of time: {len(report.items)} items checked")
        else:
            report.complete = True
    return report


def summarize(report: CrawlReport) -> dict[str, dict]:
    counts = defaultdict(int)
    values = defaultdict(float)
    for record in report.items.values():
        counts[record["category"]] += 1
        values[record["category"]] += record["price"]
    return {c: {"items": counts[c], "value": round(values[c], 2)} for c in counts}
"""

DEADLINE_SWALLOWS_CANCEL = """\
async def crawl_with_deadline(
    *, per_page: int, max_pages: int | None, limit: int, seconds: float
) -> CrawlReport:
    report = CrawlReport()
    async with aiohttp.ClientSession(server.url) as session:
        try:
            async with asyncio.timeout(seconds):
                await crawl(session, report, per_page=per_page, max_pages=max_pages, limit=limit)
            report.complete = True
        except (TimeoutError, asyncio.CancelledError):
            pass
    return report


def summarize(report: CrawlReport) -> dict[str, dict]:
    totals: dict[str, dict] = {}
    for record in report.items.values():
        entry = totals.setdefault(record["category"], {"items": 0, "value": 0.0})
        entry["items"] += 1
        entry["value"] += record["price"]
    return totals
"""

DEADLINE_NO_CANCEL = """\
async def crawl_with_deadline(
    *, per_page: int, max_pages: int | None, limit: int, seconds: float
) -> CrawlReport:
    report = CrawlReport()
    session = aiohttp.ClientSession(server.url)
    job = asyncio.create_task(
        crawl(session, report, per_page=per_page, max_pages=max_pages, limit=limit)
    )
    done, _ = await asyncio.wait({job}, timeout=seconds)
    if done:
        report.complete = True
        await session.close()
    return report


def summarize(report: CrawlReport) -> dict[str, dict]:
    totals: dict[str, dict] = {}
    for record in report.items.values():
        entry = totals.setdefault(record["category"], {"items": 0, "value": 0.0})
        entry["items"] += 1
        entry["value"] += record["price"]
    return totals
"""

VARIANTS = [
    Variant(
        "ids-tuple",
        "valid",
        "session.get without `async with` (released), a break for max_pages, returns a tuple",
        {"part1_answer": IDS_TUPLE},
    ),
    Variant(
        "ids-guessed-pages",
        "wrong",
        "builds the later pages' paths itself and fetches them at once",
        {"part1_answer": IDS_GUESSED_PAGES},
        {"part1_tests": ZERO},
        {"part1_tests": "before the previous one arrived"},
    ),
    Variant(
        "ids-none-breaks",
        "wrong",
        "compares with max_pages even when it is None (no limit)",
        {"part1_answer": IDS_NONE_BREAKS},
        {"part1_tests": ZERO, "part5_tests": ZERO},  # part 5 crawls with max_pages=None
    ),
    Variant(
        "get-client-timeout",
        "valid",
        "aiohttp.ClientTimeout per request, step / 2 + random() * step / 2, for/else style",
        {"part2_answer": GET_CLIENT_TIMEOUT},
    ),
    Variant(
        "get-no-jitter",
        "wrong",
        "the same wait for every client: no jitter",
        {"part2_answer": GET_NO_JITTER},
        {"part2_tests": ZERO},
        {"part2_tests": "jitter"},
    ),
    Variant(
        "get-retries-429",
        "wrong",
        "retries a 429 itself instead of raising TooManyRequests at once",
        {"part2_answer": GET_RETRIES_429},
        {"part2_tests": ZERO, "part3_tests": ZERO},  # part 3 waits on TooManyRequests
    ),
    Variant(
        "get-bare-except",
        "wrong",
        "bare excepts swallow the cancellation of an outer deadline",
        {"part2_answer": GET_BARE_EXCEPT},
        {"part2_tests": ZERO, "part5_tests": ZERO},  # part 5's deadline cannot stop it
    ),
    Variant(
        "blocking-get-time-sleep",
        "blocking",
        "time.sleep for the backoff",
        {"part2_answer": GET_TIME_SLEEP},
        {"part2_tests": ZERO, "part4_tests": LESS},  # the crawl calls get_json too
    ),
    Variant(
        "polite-for",
        "valid",
        "a for loop over max_waits with a last plain try after it, and a print",
        {"part3_answer": POLITE_FOR},
    ),
    Variant(
        "polite-header-wait",
        "wrong",
        "waits 1 s like the header says, not the advised retry_after",
        {"part3_answer": POLITE_HEADER_WAIT},
        {"part3_tests": ZERO},
    ),
    Variant(
        "polite-no-wait",
        "wrong",
        "retries at once after a 429",
        {"part3_answer": POLITE_NO_WAIT},
        # The crawls of parts 4 and 5 call get_politely for their price checks: eleven tries
        # sent back to back may all meet a full service, depending on how the 429s fall.
        {"part3_tests": ZERO, "part4_tests": ANY, "part5_tests": ANY},
    ),
    Variant(
        "blocking-polite-time-sleep",
        "blocking",
        "time.sleep(error.retry_after): the wait is right but the loop is frozen",
        {"part3_answer": POLITE_TIME_SLEEP},
        {"part3_tests": ZERO},
    ),
    Variant(
        "crawl-workers",
        "valid",
        "`limit` worker tasks take the next id from a list",
        {"part4_answer": CRAWL_WORKERS},
    ),
    Variant(
        "crawl-breadth",
        "wrong",
        "every record first, then every stock check, then the prices: breadth first",
        {"part4_answer": CRAWL_BREADTH},
        {"part4_tests": ZERO, "part5_tests": ZERO},  # part 5 needs items finished early
    ),
    Variant(
        "crawl-serial",
        "wrong",
        "one item at a time: the limit is never used",
        {"part4_answer": CRAWL_SERIAL},
        {"part4_tests": ZERO, "part5_tests": ZERO},  # part 5 checks the limit is reached
    ),
    Variant(
        "deadline-wait-for",
        "valid",
        "asyncio.wait_for around crawl; summarize with defaultdicts and rounded values; a print",
        {"part5_answer": DEADLINE_WAIT_FOR},
    ),
    Variant(
        "deadline-swallows-cancel",
        "wrong",
        "catches CancelledError too: a cancellation from outside is lost",
        {"part5_answer": DEADLINE_SWALLOWS_CANCEL},
        {"part5_tests": ZERO},
    ),
    Variant(
        "deadline-no-cancel",
        "wrong",
        "stops waiting at the deadline but leaves the crawl running",
        {"part5_answer": DEADLINE_NO_CANCEL},
        {"part5_tests": ZERO},
    ),
]

BLOCKING_EXEMPT: dict[str, str] = {}  # every async def here runs on the event loop
