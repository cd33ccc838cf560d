"""Exercise 09, HTTP with aiohttp: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

ITEMS_TASKGROUP = """\
async def fetch_items(ids: list[int], limit: int) -> list[dict]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as session:

        async def get_item(item_id: int) -> dict:
            url = f"{server.url}/items/{item_id}?delay=0.1"
            async with session.get(url) as response:
                response.raise_for_status()
                return await response.json()

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(get_item(item_id)) for item_id in ids]
    return [task.result() for task in tasks]
"""

ITEMS_AS_COMPLETED = """\
async def fetch_items(ids: list[int], limit: int) -> list[dict]:
    results: list = [None] * len(ids)
    connector = aiohttp.TCPConnector(limit=limit)
    async with aiohttp.ClientSession(server.url, connector=connector) as session:

        async def get_item(index: int, item_id: int) -> tuple[int, dict]:
            async with session.get(f"/items/{item_id}", params={"delay": "0.1"}) as response:
                response.raise_for_status()
                return index, await response.json()

        jobs = [get_item(index, item_id) for index, item_id in enumerate(ids)]
        for finished in asyncio.as_completed(jobs):
            index, item = await finished
            print("got item", item["id"])
            results[index] = item
    return results
"""

ITEMS_SERIAL = """\
async def fetch_items(ids: list[int], limit: int) -> list[dict]:
    items = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as session:
        for item_id in ids:
            async with session.get(f"{server.url}/items/{item_id}?delay=0.1") as response:
                response.raise_for_status()
                items.append(await response.json())
    return items
"""

ITEMS_SESSION_EACH = """\
async def fetch_items(ids: list[int], limit: int) -> list[dict]:
    async def get_item(item_id: int) -> dict:
        connector = aiohttp.TCPConnector(limit=limit)
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(f"{server.url}/items/{item_id}?delay=0.1") as response:
                response.raise_for_status()
                return await response.json()

    return list(await asyncio.gather(*(get_item(item_id) for item_id in ids)))
"""

ITEMS_URLLIB = """\
import json
import urllib.request


async def fetch_items(ids: list[int], limit: int) -> list[dict]:
    async def get_item(item_id: int) -> dict:
        with urllib.request.urlopen(f"{server.url}/items/{item_id}?delay=0.1") as response:
            return json.load(response)

    return list(await asyncio.gather(*(get_item(item_id) for item_id in ids)))
"""

BACKOFF_WHILE = """\
async def fetch_with_backoff(
    session: aiohttp.ClientSession, path: str, attempts: int = 4, base: float = 0.05
) -> Any:
    attempt, wait = 1, base
    while True:
        try:
            async with session.get(path) as response:
                if response.status >= 500 and attempt < attempts:
                    print(f"attempt {attempt}: {response.status}, waiting {wait} s")
                else:
                    response.raise_for_status()
                    return await response.json()
        except (aiohttp.ClientConnectionError, TimeoutError):
            if attempt >= attempts:
                raise
        await asyncio.sleep(wait)
        attempt += 1
        wait *= 2
"""

BACKOFF_CONSTANT = """\
async def fetch_with_backoff(
    session: aiohttp.ClientSession, path: str, attempts: int = 4, base: float = 0.05
) -> Any:
    for attempt in range(attempts):
        try:
            async with session.get(path) as response:
                response.raise_for_status()
                return await response.json()
        except aiohttp.ClientResponseError as error:
            if error.status < 500 or attempt == attempts - 1:
                raise
        except (aiohttp.ClientConnectionError, TimeoutError):
            if attempt == attempts - 1:
                raise
        await asyncio.sleep(base)
"""

BACKOFF_RETRIES_ALL = """\
async def fetch_with_backoff(
    session: aiohttp.ClientSession, path: str, attempts: int = 4, base: float = 0.05
) -> Any:
    for attempt in range(attempts):
        try:
            async with session.get(path) as response:
                response.raise_for_status()
                return await response.json()
        except (aiohttp.ClientError, TimeoutError):
            if attempt == attempts - 1:
                raise
        await asyncio.sleep(base * 2**attempt)
"""

BACKOFF_TIME_SLEEP = """\
async def fetch_with_backoff(
    session: aiohttp.ClientSession, path: str, attempts: int = 4, base: float = 0.05
) -> Any:
    for attempt in range(1, attempts + 1):
        try:
            async with session.get(path) as response:
                response.raise_for_status()
                return await response.json()
        except aiohttp.ClientResponseError as error:
            if error.status < 500 or attempt == attempts:
                raise
        except (aiohttp.ClientConnectionError, TimeoutError):
            if attempt == attempts:
                raise
        time.sleep(base * 2 ** (attempt - 1))
"""

RETRY_AFTER_INT_FIRST = """\
def retry_after_seconds(value: str, now: datetime | None = None) -> float:
    try:
        return float(int(value))
    except ValueError:
        pass
    if now is None:
        now = datetime.now(UTC)
    seconds = (parsedate_to_datetime(value) - now).total_seconds()
    return seconds if seconds > 0 else 0.0
"""

RETRY_AFTER_IGNORES_NOW = """\
def retry_after_seconds(value: str, now: datetime | None = None) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
"""

RETRY_AFTER_NO_CLAMP = """\
def retry_after_seconds(value: str, now: datetime | None = None) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    now = now or datetime.now(UTC)
    return (parsedate_to_datetime(value) - now).total_seconds()
"""

POLITE_RECURSIVE = """\
async def fetch_politely(session: aiohttp.ClientSession, path: str, max_waits: int = 3) -> Any:
    async with session.get(path) as response:
        if response.status == 429 and max_waits > 0:
            wait = retry_after_seconds(response.headers["Retry-After"])
        else:
            response.raise_for_status()
            return await response.json()
    print(f"429 on {path}: waiting {wait} s")
    await asyncio.sleep(wait)
    return await fetch_politely(session, path, max_waits - 1)
"""

POLITE_BODY_WAIT = """\
async def fetch_politely(session: aiohttp.ClientSession, path: str, max_waits: int = 3) -> Any:
    for waits in range(max_waits + 1):
        async with session.get(path) as response:
            if response.status == 429 and waits < max_waits:
                wait = (await response.json())["retry_after"]
            else:
                response.raise_for_status()
                return await response.json()
        await asyncio.sleep(wait)
"""

POLITE_FIXED_WAIT = """\
async def fetch_politely(session: aiohttp.ClientSession, path: str, max_waits: int = 3) -> Any:
    for waits in range(max_waits + 1):
        async with session.get(path) as response:
            if response.status != 429 or waits == max_waits:
                response.raise_for_status()
                return await response.json()
        await asyncio.sleep(0.2)
"""

POLITE_TIME_SLEEP = """\
async def fetch_politely(session: aiohttp.ClientSession, path: str, max_waits: int = 3) -> Any:
    for waits in range(max_waits + 1):
        async with session.get(path) as response:
            if response.status != 429 or waits == max_waits:
                response.raise_for_status()
                return await response.json()
            delay = retry_after_seconds(response.headers.get("Retry-After", "1"))
        time.sleep(delay)
"""

DOWNLOAD_READ_LOOP = """\
async def download_verified(
    session: aiohttp.ClientSession,
    name: str,
    size: int,
    chunk_size: int = 65536,
    progress: Callable[[int], None] | None = None,
) -> str:
    sha = hashlib.sha256()
    done = 0
    async with session.get(f"/files/{name}", params={"size": str(size)}) as response:
        response.raise_for_status()
        while True:
            chunk = await response.content.read(chunk_size)
            if not chunk:
                break
            sha.update(chunk)
            done += len(chunk)
            if progress:
                progress(done)
        claimed = response.headers.get("X-Checksum-SHA256")
    if sha.hexdigest() != claimed:
        raise ChecksumMismatch(name)
    print(f"{name}: {done} bytes, checksum ok")
    return sha.hexdigest()
"""

DOWNLOAD_READ_THEN_SLICE = """\
async def download_verified(
    session: aiohttp.ClientSession,
    name: str,
    size: int,
    chunk_size: int = 65536,
    progress: Callable[[int], None] | None = None,
) -> str:
    digest = hashlib.sha256()
    async with session.get(f"/files/{name}", params={"size": size}) as response:
        response.raise_for_status()
        expected = response.headers["X-Checksum-SHA256"]
        body = await response.read()
    for start in range(0, len(body), chunk_size):
        digest.update(body[start : start + chunk_size])
        if progress is not None:
            progress(min(start + chunk_size, len(body)))
    if digest.hexdigest() != expected:
        raise ChecksumMismatch(name)
    return digest.hexdigest()
"""

DOWNLOAD_NO_CHECK = """\
async def download_verified(
    session: aiohttp.ClientSession,
    name: str,
    size: int,
    chunk_size: int = 65536,
    progress: Callable[[int], None] | None = None,
) -> str:
    digest = hashlib.sha256()
    received = 0
    async with session.get(f"/files/{name}", params={"size": size}) as response:
        response.raise_for_status()
        async for chunk in response.content.iter_chunked(chunk_size):
            digest.update(chunk)
            received += len(chunk)
            if progress is not None:
                progress(received)
    return digest.hexdigest()
"""

VARIANTS = [
    Variant(
        "items-taskgroup",
        "valid",
        "a TaskGroup instead of gather; a 400 then comes out inside an ExceptionGroup",
        {"part1_answer": ITEMS_TASKGROUP},
    ),
    Variant(
        "items-as-completed",
        "valid",
        "as_completed with each result put back at its index, and a print per item",
        {"part1_answer": ITEMS_AS_COMPLETED},
    ),
    Variant(
        "items-serial",
        "wrong",
        "awaits each request in the loop: one at a time",
        {"part1_answer": ITEMS_SERIAL},
        {"part1_tests": ZERO},
        {"part1_tests": "at most 1 of your requests at once"},
    ),
    Variant(
        "items-session-each",
        "wrong",
        "a new session (and connector) per request: the limit caps nothing",
        {"part1_answer": ITEMS_SESSION_EACH},
        {"part1_tests": ZERO},
        {"part1_tests": "connections"},
    ),
    Variant(
        "blocking-items-urllib",
        "blocking",
        "urllib inside the coroutines: blocking requests, one at a time",
        {"part1_answer": ITEMS_URLLIB},
        {"part1_tests": ZERO},
    ),
    Variant(
        "backoff-while",
        "valid",
        "a while loop that doubles its wait, with a print per retry",
        {"part2_answer": BACKOFF_WHILE},
    ),
    Variant(
        "backoff-constant",
        "wrong",
        "waits base before every retry: no exponential backoff",
        {"part2_answer": BACKOFF_CONSTANT},
        {"part2_tests": ZERO},
        {"part2_tests": "gaps"},
    ),
    Variant(
        "backoff-retries-4xx",
        "wrong",
        "retries every ClientError, 404 included",
        {"part2_answer": BACKOFF_RETRIES_ALL},
        {"part2_tests": ZERO},
        {"part2_tests": "404"},
    ),
    Variant(
        "blocking-backoff-time-sleep",
        "blocking",
        "time.sleep for the backoff: the gaps look right but the loop is frozen",
        {"part2_answer": BACKOFF_TIME_SLEEP},
        {"part2_tests": ZERO},
    ),
    Variant(
        "retry-after-int-first",
        "valid",
        "tries int() first, then the date; clamps with a conditional",
        {"part3_answer": RETRY_AFTER_INT_FIRST},
    ),
    Variant(
        "retry-after-ignores-now",
        "wrong",
        "always measures from the real clock, ignoring `now`",
        {"part3_answer": RETRY_AFTER_IGNORES_NOW},
        {"part3_tests": ZERO},
    ),
    Variant(
        "retry-after-no-clamp",
        "wrong",
        "a date in the past gives a negative wait",
        {"part3_answer": RETRY_AFTER_NO_CLAMP},
        {"part3_tests": ZERO},
    ),
    Variant(
        "polite-recursive",
        "valid",
        "recursion with max_waits - 1, and a print per wait",
        {"part4_answer": POLITE_RECURSIVE},
    ),
    Variant(
        "polite-body-wait",
        "wrong",
        "waits the JSON body's retry_after instead of the Retry-After header",
        {"part4_answer": POLITE_BODY_WAIT},
        {"part4_tests": ZERO},
        {"part4_tests": "Retry-After header"},
    ),
    Variant(
        "polite-fixed-wait",
        "wrong",
        "waits a fixed 0.2 s whatever the header says",
        {"part4_answer": POLITE_FIXED_WAIT},
        {"part4_tests": ZERO},
    ),
    Variant(
        "blocking-polite-time-sleep",
        "blocking",
        "time.sleep for the Retry-After wait: a whole second with the loop frozen",
        {"part4_answer": POLITE_TIME_SLEEP},
        {"part4_tests": ZERO},
    ),
    Variant(
        "download-read-loop",
        "valid",
        "content.read(chunk_size) in a loop instead of iter_chunked, and a print",
        {"part5_answer": DOWNLOAD_READ_LOOP},
    ),
    Variant(
        "download-read-then-slice",
        "wrong",
        "reads the whole body, then hashes slices of it: no streaming",
        {"part5_answer": DOWNLOAD_READ_THEN_SLICE},
        {"part5_tests": ZERO},
        {"part5_tests": "after the last piece was sent"},
    ),
    Variant(
        "download-no-check",
        "wrong",
        "never compares the digest with the header",
        {"part5_answer": DOWNLOAD_NO_CHECK},
        {"part5_tests": ZERO},
    ),
]

BLOCKING_EXEMPT: dict[str, str] = {}  # every async def here runs on the event loop
