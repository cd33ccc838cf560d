"""Exercise 05, errors: answers learners write, and the verdict each must get."""

from catalogue import ZERO, Variant

P1_HEAD = '''async def fetch_outcomes(
    session: aiohttp.ClientSession, paths: list[str]
) -> tuple[dict[str, dict], dict[str, BaseException]]:
    """Fetch every path concurrently; return ({path: json}, {path: exception})."""
'''

P2_ALL = '''

async def fetch_all_isolated(
    session: aiohttp.ClientSession, paths: list[str], default=None
) -> list:
    """Every path's JSON (or default where it failed), fetched concurrently, in order."""
    return list(await asyncio.gather(*(fetch_or_default(session, path, default) for path in paths)))
'''

P2_DEFAULT_HEAD = '''async def fetch_or_default(session: aiohttp.ClientSession, path: str, default=None):
    """fetch_json(session, path), or default if the server answered with an error status."""
'''

P3_HEAD = '''background: set[asyncio.Task] = set()  # the tasks start_in_background started that still run


def start_in_background(coroutine, failures: list[BaseException]) -> asyncio.Task:
    """Run coroutine as a task kept in `background` until it ends; append its error to failures."""
'''

P4_CLASSES = '''class CatalogError(Exception):
    """The catalogue could not give us what we asked for; `path` and `status` say which and why."""

    def __init__(self, path: str, status: int) -> None:
        super().__init__(f"{path}: HTTP {status}")
        self.path = path
        self.status = status


class NotFound(CatalogError):
    """The catalogue has nothing at that path (HTTP 404)."""


class TemporarilyUnavailable(CatalogError):
    """The catalogue failed on its side (HTTP 5xx): worth another try later."""


async def get_record(session: aiohttp.ClientSession, path: str) -> dict:
    """fetch_json(session, path), with HTTP errors translated into CatalogError subclasses."""
'''

P5_HEAD = '''async def strict_report(session: aiohttp.ClientSession, paths: list[str]) -> dict:
    """Fetch every path in a TaskGroup; report the results, or the errors that stopped it."""
'''

VARIANTS = [
    Variant(
        "taskgroup-wrapper",
        "valid",
        "a TaskGroup whose tasks catch their own errors and return them",
        {
            "part1_answer": P1_HEAD
            + """    async def attempt(path):
        try:
            return path, await fetch_json(session, path), None
        except Exception as error:
            return path, None, error

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(attempt(p)) for p in paths]
    ok, failed = {}, {}
    for task in tasks:
        path, data, error = task.result()
        if error is None:
            ok[path] = data
        else:
            failed[path] = error
    return ok, failed
"""
        },
    ),
    Variant(
        "as-completed",
        "valid",
        "as_completed with a try/except around each await",
        {
            "part1_answer": P1_HEAD
            + """    async def tagged(path):
        try:
            return path, await fetch_json(session, path)
        except (aiohttp.ClientResponseError, BadPath) as exc:
            return path, exc

    successes, failures = {}, {}
    for next_done in asyncio.as_completed([tagged(p) for p in paths]):
        path, outcome = await next_done
        if isinstance(outcome, Exception):
            failures[path] = outcome
        else:
            successes[path] = outcome
    return successes, failures
"""
        },
    ),
    Variant(
        "one-after-another",
        "wrong",
        "catches each error, but fetches the paths one after another",
        {
            "part1_answer": P1_HEAD
            + """    successes, failures = {}, {}
    for path in paths:
        try:
            successes[path] = await fetch_json(session, path)
        except Exception as exc:
            failures[path] = exc
    return successes, failures
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "first-error-escapes",
        "wrong",
        "gather without return_exceptions: the first failure escapes and the rest is lost",
        {
            "part1_answer": P1_HEAD
            + """    results = await asyncio.gather(*(fetch_json(session, p) for p in paths))
    return dict(zip(paths, results)), {}
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "client-error-taskgroup",
        "valid",
        "catches aiohttp.ClientError (a BadPath is not one) and gathers in a TaskGroup",
        {
            "part2_answer": P2_DEFAULT_HEAD
            + '''    try:
        data = await fetch_json(session, path)
    except aiohttp.ClientError:
        print("no answer for", path)
        return default
    return data


async def fetch_all_isolated(
    session: aiohttp.ClientSession, paths: list[str], default=None
) -> list:
    """Every path's JSON (or default where it failed), fetched concurrently, in order."""
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(fetch_or_default(session, p, default)) for p in paths]
    return [t.result() for t in tasks]
'''
        },
    ),
    Variant(
        "swallows-every-error",
        "wrong",
        "except Exception turns a BadPath, a bug in the caller, into the default",
        {
            "part2_answer": P2_DEFAULT_HEAD
            + """    try:
        return await fetch_json(session, path)
    except Exception:
        return default
"""
            + P2_ALL
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "blocking-pause-before-default",
        "blocking",
        "pauses with time.sleep before falling back: the other requests are held up meanwhile",
        {
            "part2_answer": P2_DEFAULT_HEAD
            + """    import time

    try:
        return await fetch_json(session, path)
    except aiohttp.ClientResponseError:
        time.sleep(0.2)
        return default
"""
            + P2_ALL
        },
        expect={"part2_tests": ZERO},
        message={"part2_tests": "blocked the event loop"},
    ),
    Variant(
        "two-callbacks",
        "valid",
        "one done callback discards the task, another records its error",
        {
            "part3_answer": P3_HEAD
            + """    def record(t):
        if t.cancelled():
            return
        error = t.exception()
        if error:
            failures.append(error)

    task = asyncio.create_task(coroutine)
    background.add(task)
    task.add_done_callback(background.discard)
    task.add_done_callback(record)
    return task
"""
        },
    ),
    Variant(
        "exception-of-cancelled",
        "wrong",
        "asks a cancelled task for its exception: the callback itself fails and asyncio logs it",
        {
            "part3_answer": P3_HEAD
            + """    task = asyncio.create_task(coroutine)
    background.add(task)

    def done(t):
        background.discard(t)
        if t.exception() is not None:
            failures.append(t.exception())

    task.add_done_callback(done)
    return task
"""
        },
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "match-status",
        "valid",
        "a match statement on the status, the new error raised from the old one",
        {
            "part4_answer": P4_CLASSES
            + """    try:
        return await fetch_json(session, path)
    except aiohttp.ClientResponseError as err:
        match err.status:
            case 404:
                raise NotFound(path, 404) from err
            case status if 500 <= status < 600:
                raise TemporarilyUnavailable(path, status) from err
            case status:
                raise CatalogError(path, status) from err
"""
        },
    ),
    Variant(
        "no-from",
        "wrong",
        "raises the new error without `from`: the original is only the context, not the cause",
        {
            "part4_answer": P4_CLASSES
            + """    try:
        return await fetch_json(session, path)
    except aiohttp.ClientResponseError as exc:
        if exc.status == 404:
            raise NotFound(path, exc.status)
        if exc.status >= 500:
            raise TemporarilyUnavailable(path, exc.status)
        raise CatalogError(path, exc.status)
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "tuples-in-report",
        "valid",
        "results and error lists as tuples: sequences in order, as asked",
        {
            "part5_answer": P5_HEAD
            + """    report = {"results": None, "http_errors": (), "bad_paths": ()}
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch_json(session, p)) for p in paths]
        report["results"] = tuple(t.result() for t in tasks)
    except* aiohttp.ClientResponseError as group:
        report["http_errors"] = tuple(sorted(e.status for e in group.exceptions))
    except* BadPath as group:
        report["bad_paths"] = tuple(sorted(e.path for e in group.exceptions))
    return report
"""
        },
    ),
    Variant(
        "gather-keeps-going",
        "wrong",
        "gather(return_exceptions=True) instead of a TaskGroup: nothing is cancelled after a failure",
        {
            "part5_answer": P5_HEAD
            + """    outcomes = await asyncio.gather(*(fetch_json(session, p) for p in paths), return_exceptions=True)
    http = sorted(o.status for o in outcomes if isinstance(o, aiohttp.ClientResponseError))
    bad = sorted(o.path for o in outcomes if isinstance(o, BadPath))
    if http or bad:
        return {"results": None, "http_errors": http, "bad_paths": bad}
    return {"results": outcomes, "http_errors": [], "bad_paths": []}
"""
        },
        expect={"part5_tests": ZERO},
    ),
]
