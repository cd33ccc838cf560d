"""Exercise 17, WebSockets and streaming to clients: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

ECHO_RECEIVE_LOOP = """\
async def echo_handler(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    while True:
        message = await ws.receive()
        if message.type == WSMsgType.TEXT and message.data == "/quit":
            await ws.close(code=4000, message="bye".encode())
        elif message.type == WSMsgType.TEXT:
            await ws.send_str(message.data)
        elif message.type == WSMsgType.BINARY:
            await ws.send_bytes(message.data)
        else:
            break
    return ws
"""

OUTBOX_DEQUE = """\
import collections


class Outbox:
    def __init__(self, ws, size):
        self.ws = ws
        self.waiting = collections.deque(maxlen=size)
        self.ready = asyncio.Event()
        self.dropped = 0

    def put(self, text):
        if len(self.waiting) == self.waiting.maxlen:
            self.dropped += 1  # the deque drops the oldest by itself
        self.waiting.append(text)
        self.ready.set()

    async def run(self):
        while True:
            await self.ready.wait()
            self.ready.clear()
            while self.waiting:
                try:
                    await self.ws.send_str(self.waiting.popleft())
                except ConnectionError:
                    return
"""

OUTBOX_UNBOUNDED = """\
class Outbox:
    def __init__(self, ws, size):
        self.ws = ws
        self.queue = asyncio.Queue()  # no maxsize: a slow client's backlog only grows
        self.dropped = 0

    def put(self, text):
        self.queue.put_nowait(text)

    async def run(self):
        while True:
            text = await self.queue.get()
            try:
                await self.ws.send_str(text)
            except ConnectionError:
                return
"""

OUTBOX_LIFO = """\
class Outbox:
    def __init__(self, ws, size):
        self.ws = ws
        self.queue = asyncio.LifoQueue(maxsize=size)
        self.dropped = 0

    def put(self, text):
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(text)

    async def run(self):
        while True:
            text = await self.queue.get()
            try:
                await self.ws.send_str(text)
            except ConnectionError:
                return
"""

ROOM_SET_TASKGROUP = """\
class Room:
    def __init__(self, size=16):
        self.size = size
        self.clients = set()  # the Outboxes of the clients in the room

    async def handler(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        outbox = Outbox(ws, self.size)
        outbox.socket = ws
        self.clients.add(outbox)
        try:
            async with asyncio.TaskGroup() as group:
                sender = group.create_task(outbox.run())
                async for message in ws:
                    if message.type == WSMsgType.TEXT:
                        for member in list(self.clients):
                            member.put(message.data)
                sender.cancel()
        finally:
            self.clients.discard(outbox)
        return ws
"""

ROOM_LOGGING = """\
import logging

log = logging.getLogger("room")
logging.basicConfig(level=logging.INFO)


class Room:
    def __init__(self, size=16):
        self.size = size
        self.clients = {}

    async def handler(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        outbox = Outbox(ws, self.size)
        self.clients[ws] = asyncio.create_task(outbox.run()), outbox
        log.info("joined: %s (%d in the room)", request.remote, len(self.clients))
        print("someone joined")
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    log.info("relaying %d characters", len(message.data))
                    for _, member in self.clients.values():
                        member.put(message.data)
        finally:
            task, _ = self.clients.pop(ws)
            task.cancel()
            log.info("left (%d in the room)", len(self.clients))
        return ws
"""

ROOM_SERIAL_SENDS = """\
class Room:
    def __init__(self, size=16):
        self.clients = set()

    async def handler(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.clients.add(ws)
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    for client in list(self.clients):
                        try:
                            await client.send_str(message.data)  # waits for each client in turn
                        except ConnectionResetError:
                            pass
        finally:
            self.clients.discard(ws)
        return ws
"""

ROOM_NEVER_REMOVES = """\
class Room:
    def __init__(self, size=16):
        self.size = size
        self.clients = {}

    async def handler(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        outbox = Outbox(ws, self.size)
        self.clients[ws] = outbox
        asyncio.create_task(outbox.run())
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                for member in self.clients.values():
                    member.put(message.data)
        return ws
"""

ROOM_SLEEPS = """\
import time


class Room:
    def __init__(self, size=16):
        self.size = size
        self.clients = {}

    async def handler(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        outbox = Outbox(ws, self.size)
        self.clients[ws] = (outbox, asyncio.create_task(outbox.run()))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    time.sleep(0.05)  # "rate limit" the room
                    for member, _ in list(self.clients.values()):
                        member.put(message.data)
        finally:
            _, task = self.clients.pop(ws)
            task.cancel()
        return ws
"""

CLOSE_TASKGROUP = """\
async def close_room(room):
    async def close_one(ws):
        try:
            async with asyncio.timeout(0.5):
                await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
        except TimeoutError:
            print("a client did not answer the close in time")

    sockets = [getattr(client, "socket", client) for client in list(room.clients)]
    async with asyncio.TaskGroup() as group:
        for ws in sockets:
            group.create_task(close_one(ws))
"""

CLOSE_NO_DEADLINE = """\
async def close_room(room):
    for ws in list(room.clients):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
"""

SSE_BUFFERED = """\
async def countdown(request):
    start = int(request.query["start"])
    interval = float(request.query["interval"])
    body = ""
    for left in range(start, -1, -1):
        body += f"id: {left}\\ndata: {json.dumps({'left': left})}\\n\\n"
        if left:
            await asyncio.sleep(interval)
    return web.Response(text=body, content_type="text/event-stream")
"""

SSE_SLEEPS = """\
import time


async def countdown(request):
    start = int(request.query["start"])
    interval = float(request.query["interval"])
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    for left in range(start, -1, -1):
        await response.write(f"id: {left}\\ndata: {json.dumps({'left': left})}\\n\\n".encode())
        if left:
            time.sleep(interval)
    return response
"""

VARIANTS = [
    Variant(
        "echo-receive-loop",
        "valid",
        "a while loop over ws.receive() that stops on anything but text or binary, == not is",
        {"part1_answer": ECHO_RECEIVE_LOOP},
    ),
    Variant(
        "outbox-deque",
        "valid",
        "a deque(maxlen=size) drops the oldest by itself, and an Event wakes the sender",
        {"part2_answer": OUTBOX_DEQUE},
    ),
    Variant(
        "room-set-taskgroup",
        "valid",
        "a set of Outboxes, each sender in a TaskGroup that ends with the connection",
        {"part3_answer": ROOM_SET_TASKGROUP, "part4_answer": CLOSE_TASKGROUP},
    ),
    Variant(
        "room-logging",
        "valid",
        "logs joins, leaves and every relay to stderr and prints: costs nothing",
        {"part3_answer": ROOM_LOGGING},
    ),
    Variant(
        "close-taskgroup",
        "valid",
        "closes every client at once in a TaskGroup, each within 0.5 s, and prints on a timeout",
        {"part4_answer": CLOSE_TASKGROUP},
    ),
    Variant(
        "unbounded-outbox",
        "wrong",
        "an asyncio.Queue() without maxsize never drops: a slow client's backlog grows forever",
        {"part2_answer": OUTBOX_UNBOUNDED},
        expect={"part2_tests": ZERO},
        message={"part2_tests": "dropped is 0, expected 7"},
    ),
    Variant(
        "lifo-reorders",
        "wrong",
        "a LifoQueue sends the newest first: clients get the messages out of order",
        {"part2_answer": OUTBOX_LIFO},
        expect={"part2_tests": ZERO, "part3_tests": ZERO},
    ),
    Variant(
        "serial-sends",
        "wrong",
        "the room awaits send_str for each client in turn: one client that does not read stalls all",
        {"part3_answer": ROOM_SERIAL_SENDS},
        expect={"part3_tests": ZERO, "part4_tests": ZERO},
        message={"part3_tests": "the room waited for the stuck client"},
    ),
    Variant(
        "never-removes",
        "wrong",
        "no finally: clients that leave stay in room.clients and their sender tasks run on",
        {"part3_answer": ROOM_NEVER_REMOVES},
        expect={"part3_tests": ZERO, "part4_tests": ZERO},
        message={"part3_tests": "remove the client in a `finally`"},
    ),
    Variant(
        "close-no-deadline",
        "wrong",
        "awaits each close without a deadline: a client that stopped reading holds the shutdown up",
        {"part4_answer": CLOSE_NO_DEADLINE},
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "sse-buffered",
        "wrong",
        "builds the whole event stream and returns it as one web.Response: nothing arrives early",
        {"part5_answer": SSE_BUFFERED},
        expect={"part5_tests": ZERO},
        message={"part5_tests": "not all at the end"},
    ),
    Variant(
        "room-time-sleep",
        "blocking",
        "time.sleep in the handler for every message blocks the event loop for every client",
        {"part3_answer": ROOM_SLEEPS},
        expect={"part3_tests": ZERO, "part4_tests": ZERO},
    ),
    Variant(
        "sse-time-sleep",
        "blocking",
        "time.sleep(interval) between events blocks the loop while the stream is open",
        {"part5_answer": SSE_SLEEPS},
        expect={"part5_tests": ZERO},
    ),
]
