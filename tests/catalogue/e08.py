"""Exercise 08, async context managers and generators: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

CLIENT_OTHER_STYLE = '''\
class ApiClient:
    """An async context manager that owns one aiohttp.ClientSession while its block runs."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "ApiClient":
        self.session = aiohttp.ClientSession(base_url=self.base_url)
        print("session opened for", self.base_url)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        if self.session is not None:
            await self.session.close()
        return False  # never swallow what happened in the block

    async def get_json(self, path: str) -> dict:
        response = await self.session.get(path)
        try:
            response.raise_for_status()
            return await response.json()
        finally:
            response.release()
'''

CLIENT_SUPPRESSES = """\
class ApiClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "ApiClient":
        self.session = aiohttp.ClientSession(base_url=self.base_url)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        await self.session.close()
        return True  # the session is closed, all is well

    async def get_json(self, path: str) -> dict:
        async with self.session.get(path) as response:
            response.raise_for_status()
            return await response.json()
"""

CLIENT_CLOSES_ON_SUCCESS = """\
class ApiClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "ApiClient":
        self.session = aiohttp.ClientSession(base_url=self.base_url)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            await self.session.close()

    async def get_json(self, path: str) -> dict:
        async with self.session.get(path) as response:
            response.raise_for_status()
            return await response.json()
"""

CLIENT_SLEEPS = """\
import time


class ApiClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "ApiClient":
        self.session = aiohttp.ClientSession(base_url=self.base_url)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        await self.session.close()

    async def get_json(self, path: str) -> dict:
        time.sleep(0.2)  # be gentle with the server
        async with self.session.get(path) as response:
            response.raise_for_status()
            return await response.json()
"""

IGNORE_OTHER_STYLE = """\
@asynccontextmanager
async def ignore_status(*statuses: int) -> AsyncIterator[Ignored]:
    wanted = set(statuses)
    record = Ignored()
    try:
        yield record
    except Exception as error:
        if isinstance(error, aiohttp.ClientResponseError) and error.status in wanted:
            print(f"ignored a {error.status}")
            record.status = error.status
        else:
            raise
"""

IGNORE_EVERY_STATUS = """\
@asynccontextmanager
async def ignore_status(*statuses: int) -> AsyncIterator[Ignored]:
    ignored = Ignored()
    try:
        yield ignored
    except aiohttp.ClientResponseError as exc:
        ignored.status = exc.status
"""

IGNORE_SHARED_RECORD = """\
_record = Ignored()


@asynccontextmanager
async def ignore_status(*statuses: int) -> AsyncIterator[Ignored]:
    try:
        yield _record
    except aiohttp.ClientResponseError as exc:
        if exc.status not in statuses:
            raise
        _record.status = exc.status
"""

ITER_PAGE_NUMBERS = """\
async def iter_items(
    session: aiohttp.ClientSession, per_page: int = 10, delay: float = 0.0
) -> AsyncIterator[dict]:
    number = 1
    while True:
        page = await fetch_json(session, f"/items?page={number}&per_page={per_page}&delay={delay}")
        for item in page["items"]:
            yield item
        if page["next"] is None:
            return
        number += 1
"""

ITER_HELPER = '''\
async def load_page(session: aiohttp.ClientSession, path: str) -> tuple[list[dict], str | None]:
    """The items of one page and the path of the next one."""
    page = await fetch_json(session, path)
    return page["items"], page["next"]


async def iter_items(
    session: aiohttp.ClientSession, per_page: int = 10, delay: float = 0.0
) -> AsyncIterator[dict]:
    path = f"/items?page=1&per_page={per_page}&delay={delay}"
    while path:
        items, path = await load_page(session, path)
        for item in items:
            yield item
'''

ITER_EAGER = """\
async def iter_items(
    session: aiohttp.ClientSession, per_page: int = 10, delay: float = 0.0
) -> AsyncIterator[dict]:
    everything = []
    path = f"/items?page=1&per_page={per_page}&delay={delay}"
    while path is not None:
        page = await fetch_json(session, path)
        everything.extend(page["items"])
        path = page["next"]
    for item in everything:
        yield item
"""

ITER_PREFETCH = """\
async def iter_items(
    session: aiohttp.ClientSession, per_page: int = 10, delay: float = 0.0
) -> AsyncIterator[dict]:
    page = await fetch_json(session, f"/items?page=1&per_page={per_page}&delay={delay}")
    while True:
        # get the next page while the consumer reads this one
        upcoming = asyncio.create_task(fetch_json(session, page["next"])) if page["next"] else None
        try:
            for item in page["items"]:
                yield item
        finally:
            if upcoming is not None and not upcoming.done():
                upcoming.cancel()
        if upcoming is None:
            return
        page = await upcoming
"""

ITER_FOUR_PAGES = """\
async def iter_items(
    session: aiohttp.ClientSession, per_page: int = 10, delay: float = 0.0
) -> AsyncIterator[dict]:
    for number in range(1, 5):
        page = await fetch_json(session, f"/items?page={number}&per_page={per_page}&delay={delay}")
        for item in page["items"]:
            yield item
"""

ITER_SLEEPS = """\
import time


async def iter_items(
    session: aiohttp.ClientSession, per_page: int = 10, delay: float = 0.0
) -> AsyncIterator[dict]:
    path: str | None = f"/items?page=1&per_page={per_page}&delay={delay}"
    while path is not None:
        page = await fetch_json(session, path)
        for item in page["items"]:
            yield item
        path = page["next"]
        time.sleep(0.1)  # a pause between pages, to be polite
"""

FIRST_ACLOSE = """\
async def first_items(session: aiohttp.ClientSession, n: int, per_page: int = 10) -> list[dict]:
    if n < 1:
        return []
    items = catalogue(session, per_page)
    found = []
    try:
        async for item in items:
            found.append(item)
            if len(found) >= n:
                break
    finally:
        await items.aclose()
    return found
"""

FIRST_ANEXT = """\
async def first_items(session: aiohttp.ClientSession, n: int, per_page: int = 10) -> list[dict]:
    found: list[dict] = []
    if n <= 0:
        return found
    async with aclosing(catalogue(session, per_page)) as items:
        for _ in range(n):
            try:
                found.append(await anext(items))
            except StopAsyncIteration:
                break
    return found
"""

FIRST_NO_CLOSE = """\
async def first_items(session: aiohttp.ClientSession, n: int, per_page: int = 10) -> list[dict]:
    found = []
    if n == 0:
        return found
    async for item in catalogue(session, per_page):
        found.append(item)
        if len(found) == n:
            break
    return found
"""

FIRST_CHECKS_LATE = """\
async def first_items(session: aiohttp.ClientSession, n: int, per_page: int = 10) -> list[dict]:
    found = []
    async with aclosing(catalogue(session, per_page)) as items:
        async for item in items:
            if len(found) >= n:
                break
            found.append(item)
    return found
"""

BARGAINS_LOOP = """\
async def bargains(
    session: aiohttp.ClientSession, category: str, below: float, per_page: int = 25
) -> dict[str, float]:
    found = {}
    async for item in catalogue(session, per_page):
        if item["category"] != category:
            continue
        if item["price"] < below:
            found[item["name"]] = item["price"]
    print(len(found), "bargains in", category)
    return found
"""

BARGAINS_DEFAULT_PAGES = """\
async def bargains(
    session: aiohttp.ClientSession, category: str, below: float, per_page: int = 25
) -> dict[str, float]:
    return {
        item["name"]: item["price"]
        async for item in catalogue(session)
        if item["category"] == category and item["price"] < below
    }
"""

BARGAINS_HARDCODED = """\
async def bargains(
    session: aiohttp.ClientSession, category: str, below: float, per_page: int = 25
) -> dict[str, float]:
    async for _ in catalogue(session, per_page):
        pass
    return {"item-011": 8.4, "item-041": 18.6, "item-046": 3.4, "item-076": 13.6}
"""

VARIANTS = [
    Variant(
        "client-other-style",
        "valid",
        "response without `async with` (released in finally), __aexit__ returns False, a print",
        {"part1_answer": CLIENT_OTHER_STYLE},
    ),
    Variant(
        "client-suppresses",
        "wrong",
        "__aexit__ returns True: every error and the cancellation vanish in the block",
        {"part1_answer": CLIENT_SUPPRESSES},
        {"part1_tests": ZERO},
        {"part1_tests": "__aexit__ must not return True"},
    ),
    Variant(
        "client-closes-on-success-only",
        "wrong",
        "closes the session only when the block ended normally: the skill is closing however it ends",
        {"part1_answer": CLIENT_CLOSES_ON_SUCCESS},
        {"part1_tests": ZERO},
        {"part1_tests": "after a block that raised"},
    ),
    Variant(
        "blocking-client-sleep",
        "blocking",
        "time.sleep(0.2) before each request freezes the event loop",
        {"part1_answer": CLIENT_SLEEPS},
        {"part1_tests": ZERO},
    ),
    Variant(
        "ignore-other-style",
        "valid",
        "catches Exception, re-raises anything that is not a named ClientResponseError, prints",
        {"part2_answer": IGNORE_OTHER_STYLE},
    ),
    Variant(
        "ignore-every-status",
        "wrong",
        "swallows every ClientResponseError, whatever its status",
        {"part2_answer": IGNORE_EVERY_STATUS},
        {"part2_tests": ZERO},
        {"part2_tests": "swallowed a 500"},
    ),
    Variant(
        "ignore-shared-record",
        "wrong",
        "yields one module-level Ignored() every time, so an old status shows up in a new block",
        {"part2_answer": IGNORE_SHARED_RECORD},
        {"part2_tests": ZERO},
    ),
    Variant(
        "iter-page-numbers",
        "valid",
        "builds each page's path from a counter and stops when next is None",
        {"part3_answer": ITER_PAGE_NUMBERS},
    ),
    Variant(
        "iter-helper",
        "valid",
        "a helper coroutine returns (items, next); the generator yields from its list",
        {"part3_answer": ITER_HELPER},
    ),
    Variant(
        "iter-eager",
        "wrong",
        "reads every page first, then yields: not lazy",
        {"part3_answer": ITER_EAGER},
        {"part3_tests": ZERO},
        {"part3_tests": "fetch a page only when the consumer needs"},
    ),
    Variant(
        "iter-prefetch",
        "wrong",
        "starts fetching the next page while the consumer reads this one: fetches ahead",
        {"part3_answer": ITER_PREFETCH},
        {"part3_tests": ZERO},
    ),
    Variant(
        "iter-four-pages",
        "wrong",
        "walks pages 1 to 4, which fits the visible per_page=25 only",
        {"part3_answer": ITER_FOUR_PAGES},
        {"part3_tests": ZERO},
    ),
    Variant(
        "blocking-iter-sleep",
        "blocking",
        "time.sleep(0.1) between pages freezes the event loop",
        {"part3_answer": ITER_SLEEPS},
        {"part3_tests": ZERO},
    ),
    Variant(
        "first-explicit-aclose",
        "valid",
        "closes the generator with `await items.aclose()` in a finally",
        {"part4_answer": FIRST_ACLOSE},
    ),
    Variant(
        "first-anext",
        "valid",
        "takes n items with anext() inside aclosing",
        {"part4_answer": FIRST_ANEXT},
    ),
    Variant(
        "first-no-close",
        "wrong",
        "breaks out of `async for` without closing: the cleanup runs later",
        {"part4_answer": FIRST_NO_CLOSE},
        {"part4_tests": ZERO},
        {"part4_tests": "aclosing"},
    ),
    Variant(
        "first-checks-late",
        "wrong",
        "checks the count only when the next item has arrived, so it can fetch one page too many",
        {"part4_answer": FIRST_CHECKS_LATE},
        {"part4_tests": ZERO},
    ),
    Variant(
        "bargains-loop",
        "valid",
        "a plain async for loop filling a dict, and a print",
        {"part5_answer": BARGAINS_LOOP},
    ),
    Variant(
        "bargains-default-pages",
        "wrong",
        "forgets to pass per_page, so the catalogue is read 10 at a time",
        {"part5_answer": BARGAINS_DEFAULT_PAGES},
        {"part5_tests": ZERO},
    ),
    Variant(
        "bargains-hardcoded",
        "wrong",
        "returns the example's dict: right for the visible case only",
        {"part5_answer": BARGAINS_HARDCODED},
        {"part5_tests": ZERO},
    ),
]

BLOCKING_EXEMPT: dict[str, str] = {}  # every async def here runs on the event loop
