"""Exercise 18, databases and caches: answers learners write, and their verdicts."""

from catalogue import ANY, ZERO, Variant

CACHED_SETEX_LOGGING = """\
import logging
import warnings

log = logging.getLogger("items")
logging.basicConfig(level=logging.INFO)


async def cached_item(cache, session, item_id, ttl, delay=0.0):
    key = f"item:{item_id}"
    if (text := await cache.get(key)) is not None:
        log.info("hit %s", key)
        return json.loads(text)
    log.info("miss %s", key)
    print("asking the mock server for", item_id)
    if ttl < 5:
        warnings.warn(f"a short TTL ({ttl} s) means many misses")
    response = await session.get(f"/items/{item_id}", params={"delay": delay})
    try:
        if response.status >= 400:
            response.raise_for_status()
        item = json.loads(await response.text())
    finally:
        response.release()
    await cache.setex(key, ttl, json.dumps(item))
    return item
"""

CACHED_PIPELINE = """\
async def cached_item(cache, session, item_id, ttl, delay=0.0):
    key = "item:" + str(item_id)
    cached = await cache.get(key)
    if cached:
        return json.loads(cached)
    async with session.get(f"/items/{item_id}", params={"delay": delay}) as response:
        response.raise_for_status()
        item = await response.json()
    async with cache.pipeline(transaction=True) as pipe:
        pipe.set(key, json.dumps(item))
        pipe.expire(key, ttl)
        await pipe.execute()
    return item
"""

CACHED_NO_TTL = """\
async def cached_item(cache, session, item_id, ttl, delay=0.0):
    key = f"item:{item_id}"
    cached = await cache.get(key)
    if cached is not None:
        return json.loads(cached)
    async with session.get(f"/items/{item_id}", params={"delay": delay}) as response:
        response.raise_for_status()
        item = await response.json()
    await cache.set(key, json.dumps(item))  # forgot the TTL: the key never expires
    return item
"""

CACHED_SYNC_REDIS = """\
import redis as redis_sync

store = redis_sync.Redis.from_url(redis_store.url, decode_responses=True)


async def cached_item(cache, session, item_id, ttl, delay=0.0):
    key = f"item:{item_id}"
    cached = store.get(key)  # the synchronous client: the event loop waits for Redis
    if cached is not None:
        return json.loads(cached)
    async with session.get(f"/items/{item_id}", params={"delay": delay}) as response:
        response.raise_for_status()
        item = await response.json()
    store.set(key, json.dumps(item), ex=ttl)
    return item
"""

ITEMS_SHARED_TASKS = """\
import logging

log = logging.getLogger("herd")


class ItemCache:
    def __init__(self, cache, session, ttl, delay=0.0):
        self.args = (cache, session)
        self.ttl, self.delay = ttl, delay
        self.fetching = {}

    async def get(self, item_id):
        task = self.fetching.get(item_id)
        if task is None:
            log.warning("fetching %s for everyone", item_id)
            cache, session = self.args
            task = asyncio.create_task(cached_item(cache, session, item_id, self.ttl, self.delay))
            self.fetching[item_id] = task
            task.add_done_callback(lambda _: self.fetching.pop(item_id, None))
        return await asyncio.shield(task)
"""

ITEMS_DEFAULTDICT = """\
from collections import defaultdict


class ItemCache:
    def __init__(self, cache, session, ttl, delay=0.0):
        self.cache = cache
        self.session = session
        self.ttl = ttl
        self.delay = delay
        self.locks = defaultdict(asyncio.Lock)

    async def get(self, item_id):
        cached = await self.cache.get(f"item:{item_id}")
        if cached is not None:  # a hit needs no lock
            return json.loads(cached)
        async with self.locks[item_id]:
            return await cached_item(self.cache, self.session, item_id, self.ttl, self.delay)
"""

ITEMS_HERD = """\
class ItemCache:
    def __init__(self, cache, session, ttl, delay=0.0):
        self.cache, self.session, self.ttl, self.delay = cache, session, ttl, delay

    async def get(self, item_id):
        # every caller that misses asks the upstream: a thundering herd
        return await cached_item(self.cache, self.session, item_id, self.ttl, self.delay)
"""

ITEMS_ONE_LOCK = """\
class ItemCache:
    def __init__(self, cache, session, ttl, delay=0.0):
        self.cache, self.session, self.ttl, self.delay = cache, session, ttl, delay
        self.lock = asyncio.Lock()  # one lock for every key: different items wait in line

    async def get(self, item_id):
        async with self.lock:
            return await cached_item(self.cache, self.session, item_id, self.ttl, self.delay)
"""

SAVE_STREAMING_TRANSACTION = """\
import logging

log = logging.getLogger("orders")


async def save_order(db, order_id, customer, lines):
    await db.execute("BEGIN")
    try:
        await db.execute("INSERT INTO orders (id, customer, total) VALUES (?, ?, 0)", (order_id, customer))
        total = 0.0
        async for line in lines:  # written as it arrives, inside the transaction
            total += line["quantity"] * line["price"]
            await db.execute(
                "INSERT INTO order_lines VALUES (?, ?, ?, ?)",
                (order_id, line["item_id"], line["quantity"], line["price"]),
            )
        total = round(total, 2)
        await db.execute("UPDATE orders SET total = ? WHERE id = ?", (total, order_id))
        await db.execute("COMMIT")
    except BaseException:
        log.warning("order %s rolled back", order_id)
        await db.execute("ROLLBACK")
        raise
    return total
"""

SAVE_SHIELDED = """\
async def save_order(db, order_id, customer, lines):
    received = []
    async for line in lines:
        received.append(line)
    total = round(sum(line["quantity"] * line["price"] for line in received), 2)

    async def write():
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.execute("INSERT INTO orders VALUES (?, ?, ?)", (order_id, customer, total))
            for line in received:
                await db.execute(
                    "INSERT INTO order_lines VALUES (?, ?, ?, ?)",
                    (order_id, line["item_id"], line["quantity"], line["price"]),
                )
        except Exception:
            await db.rollback()
            raise
        await db.commit()

    await asyncio.shield(write())  # once writing, the order is written whole
    return total
"""

SAVE_PARTIAL = """\
async def save_order(db, order_id, customer, lines):
    await db.execute("INSERT INTO orders VALUES (?, ?, 0)", (order_id, customer))
    total = 0.0
    async for line in lines:  # autocommit: every row is saved the moment it is written
        total += line["quantity"] * line["price"]
        await db.execute(
            "INSERT INTO order_lines VALUES (?, ?, ?, ?)",
            (order_id, line["item_id"], line["quantity"], line["price"]),
        )
    total = round(total, 2)
    await db.execute("UPDATE orders SET total = ? WHERE id = ?", (total, order_id))
    return total
"""

SAVE_NO_ROLLBACK = """\
async def save_order(db, order_id, customer, lines):
    await db.execute("BEGIN")
    try:
        await db.execute("INSERT INTO orders VALUES (?, ?, 0)", (order_id, customer))
        total = 0.0
        async for line in lines:
            total += line["quantity"] * line["price"]
            await db.execute(
                "INSERT INTO order_lines VALUES (?, ?, ?, ?)",
                (order_id, line["item_id"], line["quantity"], line["price"]),
            )
        total = round(total, 2)
        await db.execute("UPDATE orders SET total = ? WHERE id = ?", (total, order_id))
        await db.commit()
    except Exception:  # CancelledError is not an Exception: a cancelled order stays half-written
        await db.rollback()
        raise
    return total
"""

SAVE_SYNC_SQLITE = """\
import sqlite3


async def save_order(db, order_id, customer, lines):
    received = [line async for line in lines]
    total = round(sum(line["quantity"] * line["price"] for line in received), 2)
    with sqlite3.connect(db.path) as own:  # the blocking driver: the event loop waits for SQLite
        own.execute("INSERT INTO orders VALUES (?, ?, ?)", (order_id, customer, total))
        own.executemany(
            "INSERT INTO order_lines VALUES (?, ?, ?, ?)",
            [(order_id, x["item_id"], x["quantity"], x["price"]) for x in received],
        )
    own.close()
    return total
"""

MANY_OWN_CONNECTIONS = """\
async def save_orders(db, orders):
    async def one(order_id, customer, lines):
        async with aiosqlite.connect(db.path, isolation_level=None) as own:
            return await save_order(own, order_id, customer, lines)

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(*order)) for order in orders]
    return [task.result() for task in tasks]
"""

MANY_NO_LOCK = """\
async def save_orders(db, orders):
    # every save runs BEGIN ... COMMIT on the same connection at the same time
    return await asyncio.gather(*(save_order(db, *order) for order in orders))
"""

MANY_LOCK_EVERYTHING = """\
async def save_orders(db, orders):
    lock = asyncio.Lock()

    async def one(order):
        async with lock:  # the slow upload too: the orders are saved one after another
            return await save_order(db, *order)

    return await asyncio.gather(*(one(order) for order in orders))
"""

MANY_SEQUENTIAL = """\
async def save_orders(db, orders):
    totals = []
    for order_id, customer, lines in orders:
        totals.append(await save_order(db, order_id, customer, lines))
    return totals
"""

VARIANTS = [
    Variant(
        "setex-logging",
        "valid",
        "setex instead of set(ex=), a manual raise_for_status, logging, print and a warning",
        {"part1_answer": CACHED_SETEX_LOGGING},
    ),
    Variant(
        "pipeline-set-expire",
        "valid",
        "SET then EXPIRE in one MULTI/EXEC pipeline: the key still has its TTL",
        {"part1_answer": CACHED_PIPELINE},
    ),
    Variant(
        "shared-task-per-key",
        "valid",
        "one shielded task per key that every caller awaits, instead of a lock, with logging",
        {"part2_answer": ITEMS_SHARED_TASKS},
    ),
    Variant(
        "defaultdict-locks",
        "valid",
        "a defaultdict of locks, and hits answered before taking the lock",
        {"part2_answer": ITEMS_DEFAULTDICT},
    ),
    Variant(
        "streaming-transaction",
        "valid",
        "lines written as they arrive, inside a transaction rolled back on any BaseException",
        {"part3_answer": SAVE_STREAMING_TRANSACTION},
    ),
    Variant(
        "shielded-write",
        "valid",
        "all lines read first, then BEGIN IMMEDIATE and a write shielded from cancellation",
        {"part3_answer": SAVE_SHIELDED},
    ),
    Variant(
        "connection-per-order",
        "valid",
        "each order saved over a connection of its own, in a TaskGroup",
        {"part4_answer": MANY_OWN_CONNECTIONS},
    ),
    Variant(
        "no-ttl",
        "wrong",
        "the item is cached without an expiry: it never leaves Redis",
        {"part1_answer": CACHED_NO_TTL},
        expect={"part1_tests": ZERO},
        message={"part1_tests": "-1 means it never expires"},
    ),
    Variant(
        "sync-redis-client",
        "blocking",
        "redis.Redis (the synchronous client): a slow Redis stops the event loop",
        {"part1_answer": CACHED_SYNC_REDIS},
        expect={"part1_tests": ZERO},
        message={"part1_tests": "blocked the event loop"},
    ),
    Variant(
        "thundering-herd",
        "wrong",
        "every caller that misses asks the upstream",
        {"part2_answer": ITEMS_HERD},
        expect={"part2_tests": ZERO},
        message={"part2_tests": "20 callers asked for item 7"},
    ),
    Variant(
        "one-lock-for-all-keys",
        "wrong",
        "one lock for every key: no herd, but different items are fetched one at a time",
        {"part2_answer": ITEMS_ONE_LOCK},
        expect={"part2_tests": ZERO},
        message={"part2_tests": "at most 1 at a time"},
    ),
    Variant(
        "partial-rows",
        "wrong",
        "autocommit, a row at a time: a cancelled order leaves its order row and some lines",
        {"part3_answer": SAVE_PARTIAL},
        expect={"part3_tests": ZERO},
        message={"part3_tests": "left 1 row(s) in orders"},
    ),
    Variant(
        "no-rollback-on-cancel",
        "wrong",
        "rolls back on Exception only: a cancellation leaves the transaction open",
        {"part3_answer": SAVE_NO_ROLLBACK},
        expect={"part3_tests": ZERO},
        message={"part3_tests": "left inside a transaction"},
    ),
    Variant(
        "sync-sqlite3",
        "blocking",
        "sqlite3 (the blocking driver): waiting for another writer's lock stops the event loop",
        {"part3_answer": SAVE_SYNC_SQLITE},
        # part 4 calls save_order: its quick commits may or may not add up to a stall
        expect={"part3_tests": ZERO, "part4_tests": ANY},
        message={"part3_tests": "blocked the event loop"},
    ),
    Variant(
        "transactions-interleaved",
        "wrong",
        "concurrent BEGIN ... COMMIT on one connection, without a lock",
        {"part4_answer": MANY_NO_LOCK},
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "lock-around-the-upload",
        "wrong",
        "the lock covers the slow upload too: the orders are saved one after another",
        {"part4_answer": MANY_LOCK_EVERYTHING},
        expect={"part4_tests": ZERO},
        message={"part4_tests": "about as long as one after another"},
    ),
    Variant(
        "orders-one-by-one",
        "wrong",
        "a for loop: one order at a time",
        {"part4_answer": MANY_SEQUENTIAL},
        expect={"part4_tests": ZERO},
        message={"part4_tests": "about as long as one after another"},
    ),
]

BLOCKING_EXEMPT: dict[str, str] = {}  # every async def here runs on the event loop
