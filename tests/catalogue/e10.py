"""Exercise 10, blocking and CPU-bound work: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

THREAD_EXECUTOR = """\
async def fetch_in_thread(path: str) -> dict:
    loop = asyncio.get_running_loop()
    result = await loop.run_in_executor(None, fetch_blocking, path)
    print("fetched", path)
    return result
"""

THREAD_DIRECT = """\
async def fetch_in_thread(path: str) -> dict:
    return fetch_blocking(path)
"""

THREAD_JOIN = """\
async def fetch_in_thread(path: str) -> dict:
    outcome = {}

    def work() -> None:
        outcome["result"] = fetch_blocking(path)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    return outcome["result"]
"""

BOUNDED_WRAP_FUTURE = """\
async def fetch_all_bounded(paths: list[str], workers: int, timeout: float) -> list[dict]:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            loop.run_in_executor(pool, lambda path=path: fetch_blocking(path, timeout=timeout))
            for path in paths
        ]
        results = await asyncio.gather(*futures)
    print(f"{len(results)} fetched with {workers} threads")
    return results
"""

BOUNDED_SERIAL = """\
async def fetch_all_bounded(paths: list[str], workers: int, timeout: float) -> list[dict]:
    loop = asyncio.get_running_loop()
    results = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for path in paths:
            call = functools.partial(fetch_blocking, path, timeout=timeout)
            results.append(await loop.run_in_executor(pool, call))
    return results
"""

BOUNDED_DEFAULT_POOL = """\
async def fetch_all_bounded(paths: list[str], workers: int, timeout: float) -> list[dict]:
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(workers)

    async def one(path: str) -> dict:
        async with slots:
            call = functools.partial(fetch_blocking, path, timeout=timeout)
            return await loop.run_in_executor(None, call)

    return list(await asyncio.gather(*(one(path) for path in paths)))
"""

BOUNDED_POOL_MAP = """\
async def fetch_all_bounded(paths: list[str], workers: int, timeout: float) -> list[dict]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(functools.partial(fetch_blocking, timeout=timeout), paths))
"""

BOUNDED_NO_SHUTDOWN = """\
async def fetch_all_bounded(paths: list[str], workers: int, timeout: float) -> list[dict]:
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(max_workers=workers)
    jobs = [
        loop.run_in_executor(pool, functools.partial(fetch_blocking, path, timeout=timeout))
        for path in paths
    ]
    return list(await asyncio.gather(*jobs))
"""

PRIMES_IN_TURN = """\
async def count_primes_in_pool(pool: ProcessPoolExecutor, limits: list[int]) -> list[int]:
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(pool, primes.count_primes, limit) for limit in limits]
    counts = []
    for future in futures:  # all started above; collect them in order
        counts.append(await future)
    return counts
"""

PRIMES_SERIAL = """\
async def count_primes_in_pool(pool: ProcessPoolExecutor, limits: list[int]) -> list[int]:
    loop = asyncio.get_running_loop()
    return [await loop.run_in_executor(pool, primes.count_primes, limit) for limit in limits]
"""

PRIMES_RESULT = """\
async def count_primes_in_pool(pool: ProcessPoolExecutor, limits: list[int]) -> list[int]:
    futures = [pool.submit(primes.count_primes, limit) for limit in limits]
    return [future.result() for future in futures]
"""

PRIMES_OWN_POOL = """\
async def count_primes_in_pool(pool: ProcessPoolExecutor, limits: list[int]) -> list[int]:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor() as own:
        jobs = [loop.run_in_executor(own, primes.count_primes, limit) for limit in limits]
        return list(await asyncio.gather(*jobs))
"""

SAVE_WRITE_TEXT = """\
async def save_reports(folder: Path, reports: dict[str, str]) -> list[Path]:
    saved = []
    for name, text in reports.items():
        path = folder / name
        await asyncio.to_thread(path.write_text, text, encoding="utf-8")
        saved.append(path)
    return saved
"""

SAVE_STR_TUPLE = """\
import os


async def save_reports(folder: Path, reports: dict[str, str]) -> list[Path]:
    def write(name: str, text: str) -> str:
        target = os.path.join(folder, name)
        with open(target, "w", encoding="utf-8") as file:
            file.write(text)
        return target

    return tuple(
        await asyncio.gather(*(asyncio.to_thread(write, n, t) for n, t in reports.items()))
    )
"""

SAVE_OPEN_ON_LOOP = """\
async def save_reports(folder: Path, reports: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in reports.items():
        with open(folder / name, "w", encoding="utf-8") as file:
            await asyncio.to_thread(file.write, text)
        paths.append(folder / name)
    return paths
"""

SAVE_SYNC = """\
async def save_reports(folder: Path, reports: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths
"""

VARIANTS = [
    Variant(
        "thread-run-in-executor",
        "valid",
        "loop.run_in_executor(None, ...) instead of to_thread, and a print",
        {"part1_answer": THREAD_EXECUTOR},
    ),
    Variant(
        "blocking-thread-direct",
        "blocking",
        "calls fetch_blocking right in the coroutine: the loop waits for the request",
        {"part1_answer": THREAD_DIRECT},
        {"part1_tests": ZERO},
        {"part1_tests": "blocked the event loop"},
    ),
    Variant(
        "blocking-thread-join",
        "blocking",
        "a real thread, but join() waits for it in the loop's thread",
        {"part1_answer": THREAD_JOIN},
        {"part1_tests": ZERO},
    ),
    Variant(
        "bounded-lambda",
        "valid",
        "a lambda with a default argument instead of functools.partial, and a print",
        {"part2_answer": BOUNDED_WRAP_FUTURE},
    ),
    Variant(
        "bounded-serial",
        "wrong",
        "awaits each run_in_executor before starting the next: one at a time",
        {"part2_answer": BOUNDED_SERIAL},
        {"part2_tests": ZERO},
    ),
    Variant(
        "bounded-default-pool",
        "wrong",
        "the loop's default pool under a Semaphore: too few threads for workers=8",
        {"part2_answer": BOUNDED_DEFAULT_POOL},
        {"part2_tests": ZERO},
    ),
    Variant(
        "blocking-bounded-pool-map",
        "blocking",
        "pool.map in the coroutine: the threads fetch, but the loop waits for them",
        {"part2_answer": BOUNDED_POOL_MAP},
        {"part2_tests": ZERO},
        {"part2_tests": "blocked the event loop"},
    ),
    Variant(
        "bounded-no-shutdown",
        "wrong",
        "never shuts its pool down: threads are left behind",
        {"part2_answer": BOUNDED_NO_SHUTDOWN},
        {"part2_tests": ZERO},
    ),
    Variant(
        "primes-await-in-turn",
        "valid",
        "starts every job first, then awaits the Futures one by one",
        {"part3_answer": PRIMES_IN_TURN},
    ),
    Variant(
        "primes-serial",
        "wrong",
        "awaits each job before submitting the next: no parallelism",
        {"part3_answer": PRIMES_SERIAL},
        {"part3_tests": ZERO},
    ),
    Variant(
        "blocking-primes-result",
        "blocking",
        "future.result() in the coroutine blocks the loop while the pool computes",
        {"part3_answer": PRIMES_RESULT},
        {"part3_tests": ZERO},
    ),
    Variant(
        "primes-own-pool",
        "wrong",
        "creates its own process pool instead of using the one given",
        {"part3_answer": PRIMES_OWN_POOL},
        {"part3_tests": ZERO},
    ),
    Variant(
        "save-write-text",
        "valid",
        "Path.write_text in asyncio.to_thread, one file after another",
        {"part4_answer": SAVE_WRITE_TEXT},
    ),
    Variant(
        "save-str-tuple",
        "valid",
        "returns a tuple of str paths written by a helper in threads",
        {"part4_answer": SAVE_STR_TUPLE},
    ),
    Variant(
        "save-open-on-loop",
        "wrong",
        "opens each file on the loop's thread, only the write goes to a thread",
        {"part4_answer": SAVE_OPEN_ON_LOOP},
        {"part4_tests": ZERO},
        {"part4_tests": "MainThread"},
    ),
    Variant(
        "blocking-save-sync",
        "blocking",
        "plain write_text in the coroutine",
        {"part4_answer": SAVE_SYNC},
        {"part4_tests": ZERO},
    ),
]

# No answer cell is exempt from the generic "time.sleep in every async def" variant: in a right
# answer the blocking work runs in plain functions (fetch_blocking, a lambda, a helper given to
# to_thread or run_in_executor), never in an async def, so every async def here runs on the
# event loop and a time.sleep in it blocks the loop.
BLOCKING_EXEMPT: dict[str, str] = {}
