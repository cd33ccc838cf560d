"""Exercise 16, web services: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

PRICE_TRY_INT = """\
import json
import logging

log = logging.getLogger("price-service")


async def price(request: web.Request) -> web.Response:
    raw = request.match_info["item_id"]
    try:
        item_id = int(raw)
    except ValueError:
        item_id = None
    if item_id is None or not raw.isdecimal() or not raw.isascii() or not 1 <= item_id <= 100:
        log.warning("refused item id %r", raw)
        raise web.HTTPBadRequest(
            text=json.dumps({"error": f"bad item id {raw!r}"}), content_type="application/json"
        )
    url = f"/items/{item_id}"
    async with request.app[UPSTREAM].get(url, params={"delay": request.app[DELAY]}) as response:
        data = await response.json()
    log.info("item %s costs %s", item_id, data["price"])
    return web.json_response({"id": item_id, "price": data["price"]})
"""

PRICE_HARD_CODED = """\
KNOWN = {1: 38.1, 7: 60.0}


async def price(request: web.Request) -> web.Response:
    raw = request.match_info["item_id"]
    if not raw.isdigit() or int(raw) not in KNOWN:
        return web.json_response({"error": f"unknown item {raw}"}, status=400)
    return web.json_response({"id": int(raw), "price": KNOWN[int(raw)]})
"""

PRICE_OWN_SESSION = """\
async def price(request: web.Request) -> web.Response:
    raw = request.match_info["item_id"]
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 100):
        return web.json_response({"error": f"bad id {raw!r}"}, status=400)
    async with aiohttp.ClientSession(server.url) as session:
        async with session.get(f"/items/{raw}", params={"delay": request.app[DELAY]}) as r:
            found = await r.json()
    return web.json_response({"id": found["id"], "price": found["price"]})
"""

PRICE_500_ON_BAD_ID = """\
async def price(request: web.Request) -> web.Response:
    item_id = int(request.match_info["item_id"])
    if not 1 <= item_id <= 100:
        return web.json_response({"error": "out of range"}, status=404)
    session = request.app[UPSTREAM]
    async with session.get(f"/items/{item_id}", params={"delay": request.app[DELAY]}) as r:
        found = await r.json()
    return web.json_response({"id": found["id"], "price": found["price"]})
"""

PRICE_URLLIB = """\
import json
import urllib.request


async def price(request: web.Request) -> web.Response:
    raw = request.match_info["item_id"]
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 100):
        return web.json_response({"error": f"bad id {raw!r}"}, status=400)
    delay = request.app[DELAY]
    with urllib.request.urlopen(f"{server.url}/items/{raw}?delay={delay}") as response:
        found = json.load(response)
    return web.json_response({"id": found["id"], "price": found["price"]})
"""

FETCH_TASKGROUP = """\
async def fetch_one(session: aiohttp.ClientSession, item_id: int, delay: float) -> float:
    async with session.get(f"/items/{item_id}", params={"delay": delay}) as response:
        response.raise_for_status()
        body = await response.json()
    return body["price"]


async def fetch_prices(
    session: aiohttp.ClientSession, ids: list[int], delay: float = 0.0
) -> list[float]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch_one(session, item_id, delay)) for item_id in ids]
    print(f"fetched {len(tasks)} prices")
    return [task.result() for task in tasks]
"""

FETCH_SERIAL = """\
async def fetch_prices(
    session: aiohttp.ClientSession, ids: list[int], delay: float = 0.0
) -> list[float]:
    prices = []
    for item_id in ids:
        async with session.get(f"/items/{item_id}", params={"delay": delay}) as response:
            response.raise_for_status()
            prices.append((await response.json())["price"])
    return prices
"""

BASKET_WAIT_FOR = """\
def parse_ids(raw: str) -> list[int] | None:
    parts = raw.split(",")
    if not raw or len(parts) > 20:
        return None
    if not all(p.isascii() and p.isdigit() and 1 <= int(p) <= 100 for p in parts):
        return None
    return [int(p) for p in parts]


async def basket(request: web.Request) -> web.Response:
    ids = parse_ids(request.query.get("ids", ""))
    if ids is None:
        raise web.HTTPBadRequest(
            text='{"error": "ids: 1 to 20 ids from 1 to 100"}', content_type="application/json"
        )
    work = fetch_prices(request.app[UPSTREAM], ids, request.app[DELAY])
    try:
        prices = await asyncio.wait_for(work, request.app[DEADLINE])
    except asyncio.TimeoutError:
        return web.json_response({"error": "too slow"}, status=504)
    return web.json_response({"ids": ids, "total": round(sum(prices), 2)})
"""

BASKET_NO_DEADLINE = """\
async def basket(request: web.Request) -> web.Response:
    raw = request.query.get("ids", "")
    parts = raw.split(",") if raw else []
    if not 1 <= len(parts) <= 20 or not all(
        p.isascii() and p.isdigit() and 1 <= int(p) <= 100 for p in parts
    ):
        return web.json_response({"error": f"bad ids {raw!r}"}, status=400)
    ids = [int(p) for p in parts]
    prices = await fetch_prices(request.app[UPSTREAM], ids, request.app[DELAY])
    return web.json_response({"ids": ids, "total": round(sum(prices), 2)})
"""

BASKET_WRONG_STATUSES = """\
async def basket(request: web.Request) -> web.Response:
    raw = request.query.get("ids", "")
    parts = raw.split(",") if raw else []
    if not 1 <= len(parts) <= 20 or not all(
        p.isascii() and p.isdigit() and 1 <= int(p) <= 100 for p in parts
    ):
        return web.json_response({"error": f"bad ids {raw!r}"})  # 200 with an error inside
    ids = [int(p) for p in parts]
    try:
        async with asyncio.timeout(request.app[DEADLINE]):
            prices = await fetch_prices(request.app[UPSTREAM], ids, request.app[DELAY])
    except TimeoutError:
        return web.json_response({"error": "timeout"}, status=500)
    return web.json_response({"ids": ids, "total": round(sum(prices), 2)})
"""

RECEIPT_EXECUTOR = """\
async def receipt(request: web.Request) -> web.Response:
    ids = [int(part) for part in request.query["ids"].split(",")]
    prices = await fetch_prices(request.app[UPSTREAM], ids, request.app[DELAY])
    loop = asyncio.get_running_loop()
    text = await loop.run_in_executor(None, render_receipt, prices)
    return web.Response(text=text, content_type="text/plain")
"""

RECEIPT_BLOCKING = """\
async def receipt(request: web.Request) -> web.Response:
    ids = [int(part) for part in request.query["ids"].split(",")]
    prices = await fetch_prices(request.app[UPSTREAM], ids, request.app[DELAY])
    return web.Response(text=render_receipt(prices))
"""

ADMISSION_SEMAPHORE = """\
@web.middleware
async def admission(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = request.app[STATE]
    if "slots" not in state:
        state["slots"] = asyncio.Semaphore(request.app[MAX_REQUESTS])
    slots = state["slots"]
    if slots.locked():
        raise web.HTTPServiceUnavailable(
            text='{"error": "busy"}', content_type="application/json", headers={"Retry-After": "2"}
        )
    async with slots:
        return await handler(request)
"""

ADMISSION_QUEUES = """\
@web.middleware
async def admission(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = request.app[STATE]
    if "slots" not in state:
        state["slots"] = asyncio.Semaphore(request.app[MAX_REQUESTS])
    async with state["slots"]:  # waits for a place instead of refusing
        return await handler(request)
"""

ADMISSION_LEAKS = """\
@web.middleware
async def admission(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = request.app[STATE]
    busy = state.get("busy", 0)
    if busy >= request.app[MAX_REQUESTS]:
        return web.json_response({"error": "full"}, status=503, headers={"Retry-After": "1"})
    state["busy"] = busy + 1
    response = await handler(request)  # an exception skips the line below
    state["busy"] -= 1
    return response
"""

ADMISSION_GLOBAL_COUNT = """\
busy = 0


@web.middleware
async def admission(request: web.Request, handler: Handler) -> web.StreamResponse:
    global busy
    if busy >= request.app[MAX_REQUESTS]:
        return web.json_response({"error": "full"}, status=503, headers={"Retry-After": "1"})
    busy += 1
    try:
        return await handler(request)
    finally:
        busy -= 1
"""

STOP_TRACKED_SITE = """\
async def start_service(app: web.Application, grace: float) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=grace)
    await runner.setup()
    site = web.TCPSite(runner, host="127.0.0.1", port=0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"serving on port {port}")
    return runner, f"http://127.0.0.1:{port}"


async def stop_service(runner: web.AppRunner) -> None:
    for site in list(runner.sites):
        await site.stop()
    await runner.cleanup()
    print("stopped")
"""

STOP_NO_GRACE = """\
async def start_service(app: web.Application, grace: float) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def stop_service(runner: web.AppRunner) -> None:
    await runner.cleanup()
"""

STOP_NO_CLEANUP = """\
async def start_service(app: web.Application, grace: float) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=grace)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def stop_service(runner: web.AppRunner) -> None:
    for site in list(runner.sites):
        await site.stop()
    await asyncio.sleep(0.5)  # give requests in flight some time
"""

VARIANTS = [
    Variant(
        "price-try-int-logging",
        "valid",
        "int() in try/except, HTTPBadRequest with a JSON text, and a logger that logs each price",
        {"part1_answer": PRICE_TRY_INT},
    ),
    Variant(
        "price-hard-coded",
        "wrong",
        "the two visible prices in a dict: every other id is refused",
        {"part1_answer": PRICE_HARD_CODED},
        {"part1_tests": ZERO},
    ),
    Variant(
        "price-own-session",
        "wrong",
        "a new ClientSession for every request instead of the application's shared one",
        {"part1_answer": PRICE_OWN_SESSION},
        {"part1_tests": ZERO},
        {"part1_tests": "request.app[UPSTREAM]"},
    ),
    Variant(
        "price-crashes-on-bad-id",
        "wrong",
        "int() of a bad id raises (a 500) and an id out of range gets 404 instead of 400",
        {"part1_answer": PRICE_500_ON_BAD_ID},
        {"part1_tests": ZERO},
    ),
    Variant(
        "blocking-price-urllib",
        "blocking",
        "urllib.request.urlopen in the handler: a blocking HTTP client on the event loop",
        {"part1_answer": PRICE_URLLIB},
        {"part1_tests": ZERO},
        {"part1_tests": "blocked the event loop"},
    ),
    Variant(
        "fetch-taskgroup",
        "valid",
        "a TaskGroup and a helper coroutine instead of gather, and a print",
        {"part2_answer": FETCH_TASKGROUP},
    ),
    Variant(
        "fetch-serial",
        "wrong",
        "awaits each request before starting the next: the fan-out is serialised",
        {"part2_answer": FETCH_SERIAL},
        # the basket of ten slow items misses its deadline too
        {"part2_tests": ZERO, "part3_tests": ZERO},
        {"part2_tests": "start them all before awaiting any"},
    ),
    Variant(
        "basket-wait-for",
        "valid",
        "a parsing helper, HTTPBadRequest for bad ids, asyncio.wait_for as the deadline",
        {"part3_answer": BASKET_WAIT_FOR},
    ),
    Variant(
        "basket-no-deadline",
        "wrong",
        "no timeout around the fan-out: a slow upstream makes the client wait",
        {"part3_answer": BASKET_NO_DEADLINE},
        {"part3_tests": ZERO},
        {"part3_tests": "asyncio.timeout"},
    ),
    Variant(
        "basket-wrong-statuses",
        "wrong",
        "200 with an error inside for bad ids, 500 instead of 504 at the deadline",
        {"part3_answer": BASKET_WRONG_STATUSES},
        {"part3_tests": ZERO},
    ),
    Variant(
        "receipt-run-in-executor",
        "valid",
        "loop.run_in_executor(None, ...) instead of asyncio.to_thread, an explicit content type",
        {"part4_answer": RECEIPT_EXECUTOR},
    ),
    Variant(
        "blocking-receipt",
        "blocking",
        "calls the synchronous render_receipt on the event loop",
        {"part4_answer": RECEIPT_BLOCKING},
        {"part4_tests": ZERO},
        {"part4_tests": "asyncio.to_thread"},
    ),
    Variant(
        "admission-semaphore",
        "valid",
        "a Semaphore kept in the app's STATE: refuses when locked(), HTTPServiceUnavailable",
        {"part5_answer": ADMISSION_SEMAPHORE},
    ),
    Variant(
        "admission-queues",
        "wrong",
        "a Semaphore that makes extra requests wait instead of answering 503",
        {"part5_answer": ADMISSION_QUEUES},
        {"part5_tests": ZERO},
        {"part5_tests": "answer 503 at once instead of letting it wait"},
    ),
    Variant(
        "admission-leaks",
        "wrong",
        "no try/finally: a request that ends with an exception never frees its place",
        {"part5_answer": ADMISSION_LEAKS},
        {"part5_tests": ZERO},
    ),
    Variant(
        "admission-global-count",
        "wrong",
        "one count for every application, in a global",
        {"part5_answer": ADMISSION_GLOBAL_COUNT},
        {"part5_tests": ZERO},
    ),
    Variant(
        "stop-sites-then-cleanup",
        "valid",
        "keyword arguments, a URL built from the port, sites stopped before cleanup(), prints",
        {"part6_answer": STOP_TRACKED_SITE},
    ),
    Variant(
        "stop-no-grace",
        "wrong",
        "shutdown_timeout=0: the requests in flight are cut off",
        {"part6_answer": STOP_NO_GRACE},
        {"part6_tests": ZERO},
    ),
    Variant(
        "stop-no-cleanup",
        "wrong",
        "stops the sites and sleeps, but never runs cleanup(): the upstream session stays open",
        {"part6_answer": STOP_NO_CLEANUP},
        {"part6_tests": ZERO},
        {"part6_tests": "cleanup_ctx"},
    ),
]

BLOCKING_EXEMPT: dict[str, str] = {}  # every async def here runs on the event loop
