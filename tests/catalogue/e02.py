"""Exercise 02, coroutines and await: answers learners write, and the verdict each must get."""

from catalogue import ZERO, Variant

P1_HEAD = '''async def call_handlers(handlers: list, event: dict) -> list:
    """Call each handler with event, in order; await what is awaitable; return the results."""
'''

P2_HEAD = '''async def page_names(
    session: aiohttp.ClientSession, page: int, per_page: int = 10, delay: float = 0.0
) -> list[str]:
    """The names of the items on one page of /items, without blocking the event loop."""
'''

P3_GET_JSON = '''async def get_json(session: aiohttp.ClientSession, path: str) -> dict:
    """GET server.url + path; raise for a 4xx or 5xx status; return the decoded JSON."""
    async with session.get(server.url + path) as response:
        response.raise_for_status()
        return await response.json()


async def item_prices(session: aiohttp.ClientSession, item_ids: list[int]) -> dict[int, float]:
    """Fetch each item with get_json; return {item id: price}, keys in the order given."""
    prices = {}
    for item_id in item_ids:
        item = await get_json(session, f"/items/{item_id}")
        prices[item_id] = item["price"]
    return prices
'''

P4_HEAD = '''async def catalogue(session: aiohttp.ClientSession, per_page: int = 25) -> dict:
    """Follow the /items pages from page 1 to the last; return pages, items, total and counts."""
'''

VARIANTS = [
    Variant(
        "call-all-then-await",
        "valid",
        "calls every handler in order first, then awaits the awaitable results one by one",
        {
            "part1_answer": P1_HEAD
            + """    returned = [handler(event) for handler in handlers]
    return [await r if inspect.isawaitable(r) else r for r in returned]
"""
        },
    ),
    Variant(
        "checks-the-handler",
        "wrong",
        "asks whether the handler is a coroutine function: a lambda or callable object slips through",
        {
            "part1_answer": P1_HEAD
            + """    results = []
    for handler in handlers:
        if inspect.iscoroutinefunction(handler):
            results.append(await handler(event))
        else:
            results.append(handler(event))
    return results
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "iscoroutine-only",
        "wrong",
        "awaits only coroutines: a Task a handler returns is kept, not awaited",
        {
            "part1_answer": P1_HEAD
            + """    results = []
    for handler in handlers:
        value = handler(event)
        if asyncio.iscoroutine(value):
            value = await value
        results.append(value)
    return results
"""
        },
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "urlencode-and-own-error",
        "valid",
        "builds the query with urlencode and raises an error of its own for a bad status",
        {
            "part2_answer": P2_HEAD
            + """    query = urllib.parse.urlencode({"page": page, "per_page": per_page, "delay": delay})
    async with session.get(f"{server.url}/items?{query}") as response:
        if not response.ok:
            raise ValueError(f"/items answered {response.status}")
        data = await response.json()
    names = []
    for item in data["items"]:
        names.append(item["name"])
    return names
"""
        },
    ),
    Variant(
        "own-session",
        "wrong",
        "opens a session of its own instead of using the one it is given",
        {
            "part2_answer": P2_HEAD
            + """    params = {"page": page, "per_page": per_page, "delay": delay}
    async with aiohttp.ClientSession() as own:
        async with own.get(f"{server.url}/items", params=params) as response:
            response.raise_for_status()
            data = await response.json()
    return [item["name"] for item in data["items"]]
"""
        },
        expect={"part2_tests": ZERO},
        message={"part2_tests": "send the request with that session"},
    ),
    Variant(
        "blocking-in-a-thread",
        "wrong",
        "hands the blocking function to a thread: the loop is free, but the session is never used",
        {
            "part2_answer": P2_HEAD
            + "    return await asyncio.to_thread(page_names_blocking, page, per_page, delay)\n"
        },
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "blocking-call",
        "blocking",
        "calls page_names_blocking inside the coroutine: the loop is frozen while it waits",
        {"part2_answer": P2_HEAD + "    return page_names_blocking(page, per_page, delay)\n"},
        expect={"part2_tests": ZERO},
    ),
    Variant(
        "prices-gathered",
        "valid",
        "item_prices fetches the items concurrently (allowed: only send_visits must take turns)",
        {
            "part3_answer": '''async def get_json(session: aiohttp.ClientSession, path: str) -> dict:
    """GET server.url + path; raise for a 4xx or 5xx status; return the decoded JSON."""
    async with session.get(server.url + path, raise_for_status=True) as response:
        return await response.json()


async def item_prices(session: aiohttp.ClientSession, item_ids: list[int]) -> dict[int, float]:
    """Fetch each item with get_json; return {item id: price}, keys in the order given."""
    items = await asyncio.gather(*(get_json(session, f"/items/{i}") for i in item_ids))
    return {i: item["price"] for i, item in zip(item_ids, items)}


async def send_visits(session: aiohttp.ClientSession, paths: list[str]) -> int:
    """Send one GET per path, one after another; return how many answered below 400."""
    count = 0
    for path in paths:
        response = await session.get(server.url + path)
        count += response.status < 400
        response.release()
    return count
'''
        },
    ),
    Variant(
        "visits-gathered",
        "wrong",
        "send_visits sends every request at once although the task asks for one after another",
        {
            "part3_answer": P3_GET_JSON
            + '''

async def send_visits(session: aiohttp.ClientSession, paths: list[str]) -> int:
    """Send one GET per path, one after another; return how many answered below 400."""

    async def visit(path):
        async with session.get(server.url + path) as response:
            return response.ok

    return sum(await asyncio.gather(*(visit(path) for path in paths)))
'''
        },
        expect={"part3_tests": ZERO},
        message={"part3_tests": "one request after another"},
    ),
    Variant(
        "uses-get-json-and-counter",
        "valid",
        "follows the next links with get_json from Part 3 (allowed) and counts with a Counter",
        {
            "part4_answer": P4_HEAD
            + """    from collections import Counter

    counts = Counter()
    prices = []
    pages = 0
    link = f"/items?page=1&per_page={per_page}"
    while link:
        page = await get_json(session, link)
        pages += 1
        prices += [item["price"] for item in page["items"]]
        counts.update(item["category"] for item in page["items"])
        link = page.get("next")
    return {
        "pages": pages,
        "items": len(prices),
        "total_price": round(sum(prices), 2),
        "by_category": dict(counts),
    }
"""
        },
    ),
    Variant(
        "rest-gathered",
        "wrong",
        "reads the page count from page 1 and gathers the rest: the pages do not come in sequence",
        {
            "part4_answer": P4_HEAD
            + """    first = await get_json(session, f"/items?page=1&per_page={per_page}")
    rest = await asyncio.gather(
        *(get_json(session, f"/items?page={n}&per_page={per_page}") for n in range(2, first["pages"] + 1))
    )
    everything = [item for page in (first, *rest) for item in page["items"]]
    by_category = {}
    for item in everything:
        by_category[item["category"]] = by_category.get(item["category"], 0) + 1
    return {
        "pages": 1 + len(rest),
        "items": len(everything),
        "total_price": round(sum(item["price"] for item in everything), 2),
        "by_category": by_category,
    }
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "four-pages-hard-coded",
        "wrong",
        "fetches pages 1 to 4 because the visible test has 4 pages of 25",
        {
            "part4_answer": P4_HEAD
            + """    summary = {"pages": 0, "items": 0, "total_price": 0.0, "by_category": {}}
    for n in range(1, 5):
        page = await get_json(session, f"/items?page={n}&per_page={per_page}")
        summary["pages"] += 1
        for item in page["items"]:
            summary["items"] += 1
            summary["total_price"] += item["price"]
            cat = item["category"]
            summary["by_category"][cat] = summary["by_category"].get(cat, 0) + 1
    summary["total_price"] = round(summary["total_price"], 2)
    return summary
"""
        },
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "blocking-urllib-pages",
        "blocking",
        "follows the next links with urllib inside async def: in sequence as asked, loop frozen",
        {
            "part4_answer": P4_HEAD
            + """    import json
    import urllib.request

    pages, items, total, counts = 0, 0, 0.0, {}
    link = f"/items?page=1&per_page={per_page}"
    while link is not None:
        with urllib.request.urlopen(server.url + link) as response:
            page = json.load(response)
        pages += 1
        for item in page["items"]:
            items += 1
            total += item["price"]
            counts[item["category"]] = counts.get(item["category"], 0) + 1
        link = page["next"]
    return {"pages": pages, "items": items, "total_price": round(total, 2), "by_category": counts}
"""
        },
        expect={"part4_tests": ZERO},  # the test sees first that the session sent nothing
    ),
]
