"""Exercise 11, streams and servers: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

ECHO_ASYNC_FOR = """\
async def handle_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    peer = writer.get_extra_info("peername")
    print("connected:", peer)
    async for line in reader:
        writer.write(line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def start_echo_server() -> asyncio.Server:
    return await asyncio.start_server(handle_echo, host="127.0.0.1", port=0)
"""

ECHO_CHUNKS = """\
async def handle_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(4096)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
        await writer.wait_closed()


async def start_echo_server() -> asyncio.Server:
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    print("echo server on port", server.sockets[0].getsockname()[1])
    return server
"""

ECHO_DECODES = """\
async def handle_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        text = line.decode().strip()
        writer.write((text + "\\n").encode())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def start_echo_server() -> asyncio.Server:
    return await asyncio.start_server(handle_echo, "127.0.0.1", 0)
"""

ECHO_FIXED_PORT = """\
async def handle_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def start_echo_server() -> asyncio.Server:
    return await asyncio.start_server(handle_echo, "127.0.0.1", 8765)
"""

ECHO_NEVER_STOPS = """\
async def handle_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        line = await reader.readline()
        writer.write(line)
        await writer.drain()


async def start_echo_server() -> asyncio.Server:
    return await asyncio.start_server(handle_echo, "127.0.0.1", 0)
"""

ECHO_SLEEPS = """\
async def handle_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        time.sleep(0.1)  # a slow server, for the demo
        writer.write(line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def start_echo_server() -> asyncio.Server:
    return await asyncio.start_server(handle_echo, "127.0.0.1", 0)
"""

ASK_WAIT_FOR = """\
async def ask_lines(port: int, lines: list[str], timeout: float = 1.0) -> list[str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    replies = []
    try:
        for line in lines:
            writer.write(f"{line}\\n".encode("utf-8"))
            await writer.drain()
            reply = await asyncio.wait_for(reader.readline(), timeout)
            if not reply.endswith(b"\\n"):
                raise ConnectionResetError("the server hung up")
            replies.append(reply[:-1].decode("utf-8"))
    finally:
        writer.close()
        await writer.wait_closed()
    return replies
"""

ASK_WHOLE_TIMEOUT = """\
async def ask_lines(port: int, lines: list[str], timeout: float = 1.0) -> list[str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        async with asyncio.timeout(timeout):
            replies = []
            for line in lines:
                writer.write(line.encode() + b"\\n")
                await writer.drain()
                reply = await reader.readline()
                if not reply.endswith(b"\\n"):
                    raise ConnectionError("closed")
                replies.append(reply.decode().removesuffix("\\n"))
            return replies
    finally:
        writer.close()
        await writer.wait_closed()
"""

ASK_NO_EOF_CHECK = """\
async def ask_lines(port: int, lines: list[str], timeout: float = 1.0) -> list[str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        replies = []
        for line in lines:
            writer.write(line.encode() + b"\\n")
            await writer.drain()
            async with asyncio.timeout(timeout):
                reply = await reader.readline()
            replies.append(reply.decode().removesuffix("\\n"))
        return replies
    finally:
        writer.close()
        await writer.wait_closed()
"""

ASK_NO_CLOSE = """\
async def ask_lines(port: int, lines: list[str], timeout: float = 1.0) -> list[str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    replies = []
    for line in lines:
        writer.write(line.encode() + b"\\n")
        await writer.drain()
        async with asyncio.timeout(timeout):
            reply = await reader.readline()
        if not reply.endswith(b"\\n"):
            raise ConnectionError("closed")
        replies.append(reply.decode().removesuffix("\\n"))
    return replies
"""

CALC_REGEX = """\
import re

WHOLE = re.compile(r"[+-]?[0-9]+")


def calc_reply(raw: bytes) -> str:
    try:
        words = raw.decode("utf-8").split()
    except UnicodeDecodeError:
        return "ERR not UTF-8"
    if not words or words[0] != "SUM":
        return "ERR expected SUM or QUIT"
    numbers = words[1:]
    bad = [word for word in numbers if not WHOLE.fullmatch(word)]
    if bad:
        return f"ERR not a whole number: {bad[0]}"
    return str(sum(map(int, numbers)))


async def handle_calc(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    async for raw in reader:
        if raw.strip() == b"QUIT":
            writer.write(b"BYE\\n")
            await writer.drain()
            break
        writer.write(calc_reply(raw).encode() + b"\\n")
        await writer.drain()
    writer.close()
    await writer.wait_closed()
"""

CALC_CRASHES = """\
async def handle_calc(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while raw := await reader.readline():
        words = raw.decode().split()
        if words == ["QUIT"]:
            writer.write(b"BYE\\n")
            await writer.drain()
            break
        if words and words[0] == "SUM":
            reply = str(sum(int(word) for word in words[1:]))
        else:
            reply = "ERR unknown command"
        writer.write(reply.encode() + b"\\n")
        await writer.drain()
    writer.close()
    await writer.wait_closed()
"""

CALC_NOT_UTF8 = """\
async def handle_calc(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while raw := await reader.readline():
        words = raw.decode().split()
        if words == ["QUIT"]:
            writer.write(b"BYE\\n")
            await writer.drain()
            break
        if not words or words[0] != "SUM":
            reply = "ERR unknown command"
        else:
            try:
                reply = str(sum(int(word) for word in words[1:]))
            except ValueError:
                reply = "ERR whole numbers only"
        writer.write(reply.encode() + b"\\n")
        await writer.drain()
    writer.close()
    await writer.wait_closed()
"""

CALC_QUIT_STAYS = """\
async def handle_calc(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while raw := await reader.readline():
        try:
            words = raw.decode().split()
        except UnicodeDecodeError:
            words = ["?"]
        if words == ["QUIT"]:
            reply = "BYE"
        elif not words or words[0] != "SUM":
            reply = "ERR unknown command"
        else:
            try:
                reply = str(sum(int(word) for word in words[1:]))
            except ValueError:
                reply = "ERR whole numbers only"
        writer.write(reply.encode() + b"\\n")
        await writer.drain()
    writer.close()
    await writer.wait_closed()
"""

MESSAGES_FROM_BYTES = """\
async def send_message(writer: asyncio.StreamWriter, payload: bytes) -> None:
    writer.write(len(payload).to_bytes(4, "big"))
    writer.write(payload)
    await writer.drain()


async def read_message(reader: asyncio.StreamReader) -> bytes | None:
    try:
        size = int.from_bytes(await reader.readexactly(4), "big")
    except asyncio.IncompleteReadError as error:
        if len(error.partial) == 0:
            return None
        raise
    return await reader.readexactly(size) if size else b""
"""

MESSAGES_READ = """\
async def send_message(writer: asyncio.StreamWriter, payload: bytes) -> None:
    writer.write(struct.pack("!I", len(payload)) + payload)
    await writer.drain()


async def read_message(reader: asyncio.StreamReader) -> bytes | None:
    try:
        header = await reader.readexactly(4)
    except asyncio.IncompleteReadError as error:
        if error.partial:
            raise
        return None
    (size,) = struct.unpack("!I", header)
    return await reader.read(size)
"""

MESSAGES_EOF_RAISES = """\
async def send_message(writer: asyncio.StreamWriter, payload: bytes) -> None:
    writer.write(struct.pack("!I", len(payload)) + payload)
    await writer.drain()


async def read_message(reader: asyncio.StreamReader) -> bytes | None:
    (size,) = struct.unpack("!I", await reader.readexactly(4))
    return await reader.readexactly(size)
"""

SEND_WRITELINES = """\
async def send_all(writer: asyncio.StreamWriter, chunks: Iterable[bytes]) -> int:
    total = 0
    for number, chunk in enumerate(chunks):
        writer.writelines([chunk])
        await writer.drain()
        total += len(chunk)
    print(f"sent {total} bytes")
    return total
"""

SEND_DRAIN_AT_END = """\
async def send_all(writer: asyncio.StreamWriter, chunks: Iterable[bytes]) -> int:
    sent = 0
    for chunk in chunks:
        writer.write(chunk)
        sent += len(chunk)
    await writer.drain()
    return sent
"""

SEND_CLOSES = """\
async def send_all(writer: asyncio.StreamWriter, chunks: Iterable[bytes]) -> int:
    sent = 0
    for chunk in chunks:
        writer.write(chunk)
        await writer.drain()
        sent += len(chunk)
    writer.close()
    return sent
"""

SEND_SLEEPS = """\
async def send_all(writer: asyncio.StreamWriter, chunks: Iterable[bytes]) -> int:
    sent = 0
    for chunk in chunks:
        writer.write(chunk)
        time.sleep(0.002)  # give the slow reader time to catch up
        sent += len(chunk)
    return sent
"""

VARIANTS = [
    Variant(
        "echo-async-for",
        "valid",
        "`async for line in reader`, keyword arguments to start_server, a print",
        {"part1_answer": ECHO_ASYNC_FOR},
    ),
    Variant(
        "echo-chunks",
        "valid",
        "echoes whatever read(4096) gives: the same bytes, not split into lines",
        {"part1_answer": ECHO_CHUNKS},
    ),
    Variant(
        "echo-decodes",
        "wrong",
        "decodes and strips each line: bytes that are not UTF-8, or spaces, do not come back as sent",
        {"part1_answer": ECHO_DECODES},
        {"part1_tests": ZERO},
    ),
    Variant(
        "echo-fixed-port",
        "wrong",
        "a fixed port: a second server cannot start",
        {"part1_answer": ECHO_FIXED_PORT},
        {"part1_tests": ZERO},
    ),
    Variant(
        "echo-never-stops",
        "wrong",
        "does not stop at EOF: readline() returns b'' at once, forever",
        {"part1_answer": ECHO_NEVER_STOPS},
        {"part1_tests": ZERO},
    ),
    Variant(
        "blocking-echo-sleep",
        "blocking",
        "time.sleep(0.1) per line: every other client waits too",
        {"part1_answer": ECHO_SLEEPS},
        {"part1_tests": ZERO},
    ),
    Variant(
        "ask-wait-for",
        "valid",
        "asyncio.wait_for per reply, ConnectionResetError at EOF, slicing off the newline",
        {"part2_answer": ASK_WAIT_FOR},
    ),
    Variant(
        "ask-whole-timeout",
        "wrong",
        "one timeout around the whole conversation instead of one per reply",
        {"part2_answer": ASK_WHOLE_TIMEOUT},
        {"part2_tests": ZERO},
        {"part2_tests": "per reply"},
    ),
    Variant(
        "ask-no-eof-check",
        "wrong",
        "an empty reply at EOF is returned as '' instead of raising ConnectionError",
        {"part2_answer": ASK_NO_EOF_CHECK},
        {"part2_tests": ZERO},
    ),
    Variant(
        "ask-no-close",
        "wrong",
        "never closes its connection",
        {"part2_answer": ASK_NO_CLOSE},
        {"part2_tests": ZERO},
    ),
    Variant(
        "calc-regex",
        "valid",
        "a helper function and a regular expression for whole numbers",
        {"part3_answer": CALC_REGEX},
    ),
    Variant(
        "calc-crashes",
        "wrong",
        "int() of a bad number raises and kills the connection instead of replying ERR",
        {"part3_answer": CALC_CRASHES},
        {"part3_tests": ZERO},
    ),
    Variant(
        "calc-not-utf8",
        "wrong",
        "bytes that are not UTF-8 crash the handler",
        {"part3_answer": CALC_NOT_UTF8},
        {"part3_tests": ZERO},
    ),
    Variant(
        "calc-quit-stays",
        "wrong",
        "answers BYE to QUIT but keeps the connection open",
        {"part3_answer": CALC_QUIT_STAYS},
        {"part3_tests": ZERO},
    ),
    Variant(
        "messages-from-bytes",
        "valid",
        "int.to_bytes / int.from_bytes instead of struct, header and payload in two writes",
        {"part4_answer": MESSAGES_FROM_BYTES},
    ),
    Variant(
        "messages-read",
        "wrong",
        "read(size) instead of readexactly(size): a payload that arrives in pieces is cut short",
        {"part4_answer": MESSAGES_READ},
        {"part4_tests": ZERO},
    ),
    Variant(
        "messages-eof-raises",
        "wrong",
        "a clean EOF raises IncompleteReadError instead of returning None",
        {"part4_answer": MESSAGES_EOF_RAISES},
        {"part4_tests": ZERO},
    ),
    Variant(
        "send-writelines",
        "valid",
        "writelines of one chunk, then drain; enumerate; a print",
        {"part5_answer": SEND_WRITELINES},
    ),
    Variant(
        "send-drain-at-end",
        "wrong",
        "drains only once, after writing everything: the buffer grows without bound",
        {"part5_answer": SEND_DRAIN_AT_END},
        {"part5_tests": ZERO},
        {"part5_tests": "await writer.drain() after each"},
    ),
    Variant(
        "send-closes",
        "wrong",
        "closes the writer the caller still uses",
        {"part5_answer": SEND_CLOSES},
        {"part5_tests": ZERO},
    ),
    Variant(
        "blocking-send-sleep",
        "blocking",
        "time.sleep between writes instead of drain: the loop cannot even send the buffer",
        {"part5_answer": SEND_SLEEPS},
        {"part5_tests": ZERO},
    ),
]

BLOCKING_EXEMPT: dict[str, str] = {}  # every async def here runs on the event loop
