"""Exercise 19, subprocesses: answers learners write, and their verdicts."""

from catalogue import ZERO, Variant

RUN_TO_THREAD = """\
import subprocess


async def run(args, input=None):
    done = await asyncio.to_thread(
        subprocess.run, args, input=input, capture_output=True, text=True
    )
    return done.returncode, done.stdout, done.stderr
"""

RUN_SUBPROCESS_RUN = """\
import subprocess


async def run(args, input=None):
    done = subprocess.run(args, input=input, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr
"""

RUN_READ_ONE_THEN_OTHER = """\
async def run(args, input=None):
    process = await asyncio.create_subprocess_exec(
        *args, stdin=PIPE, stdout=PIPE, stderr=PIPE
    )
    if input is not None:
        process.stdin.write(input.encode())
        await process.stdin.drain()
    process.stdin.close()
    out = await process.stdout.read()  # a command that fills its stderr pipe first waits for ever
    err = await process.stderr.read()
    return await process.wait(), out.decode(), err.decode()
"""

STREAM_READLINE = """\
async def stream(args, name, emit):
    process = await asyncio.create_subprocess_exec(*args, stdout=PIPE, stderr=STDOUT)
    while True:
        line = await process.stdout.readline()
        if not line:
            break
        emit("[" + name + "] " + line.decode().removesuffix("\\n").removesuffix("\\r"))
    await process.wait()
    return process.returncode
"""

STREAM_AT_THE_END = """\
async def stream(args, name, emit):
    process = await asyncio.create_subprocess_exec(*args, stdout=PIPE, stderr=STDOUT)
    output, _ = await process.communicate()
    for line in output.decode().splitlines():
        emit(f"[{name}] {line}")
    return process.returncode
"""

TIMEOUT_WAIT_FOR = """\
async def stop(process, grace):
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), grace)
        except asyncio.TimeoutError:
            print("no answer to SIGTERM: killing", process.pid)
            process.kill()
            await process.wait()
    return process.returncode


async def run_with_timeout(args, timeout, grace):
    process = await asyncio.create_subprocess_exec(*args, stdout=DEVNULL, stderr=DEVNULL)
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except asyncio.TimeoutError:
        pass
    finally:
        await stop(process, grace)
    return process.returncode
"""

TIMEOUT_NEVER_KILLS = """\
async def stop(process, grace):
    return process.returncode


async def run_with_timeout(args, timeout, grace):
    process = await asyncio.create_subprocess_exec(*args, stdout=DEVNULL, stderr=DEVNULL)
    try:
        return await asyncio.wait_for(process.wait(), timeout)
    except asyncio.TimeoutError:
        return process.returncode  # gave up waiting; the command runs on
"""

TIMEOUT_KILLS_AT_ONCE = """\
async def stop(process, grace):
    process.kill()
    return await process.wait()


async def run_with_timeout(args, timeout, grace):
    process = await asyncio.create_subprocess_exec(*args, stdout=DEVNULL, stderr=DEVNULL)
    try:
        async with asyncio.timeout(timeout):
            return await process.wait()
    except TimeoutError:
        return await stop(process, grace)
    finally:
        if process.returncode is None:
            await stop(process, grace)
"""

TIMEOUT_TERMINATE_ONLY = """\
async def stop(process, grace):
    process.terminate()
    return await process.wait()  # waits as long as the command likes


async def run_with_timeout(args, timeout, grace):
    process = await asyncio.create_subprocess_exec(*args, stdout=DEVNULL, stderr=DEVNULL)
    try:
        async with asyncio.timeout(timeout):
            return await process.wait()
    except TimeoutError:
        return await stop(process, grace)
    finally:
        if process.returncode is None:
            await stop(process, grace)
"""

TIMEOUT_POPEN = """\
import subprocess


async def stop(process, grace):
    process.terminate()
    try:
        return process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


async def run_with_timeout(args, timeout, grace):
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        return await stop(process, grace)
"""

# Part 4: the whole runner, in the styles learners write.

_ONE_COMMAND = """\
async def _one(name, args, timeout, grace, emit):
    process = await asyncio.create_subprocess_exec(*args, stdout=PIPE, stderr=STDOUT)
    try:
        async with asyncio.timeout(timeout):
            async for raw in process.stdout:
                emit(f"[{name}] {raw.decode().rstrip()}")
            return await process.wait()
    except TimeoutError:
        return await stop(process, grace)
    finally:
        if process.returncode is None:
            await stop(process, grace)
"""

ALL_TASKGROUP = (
    _ONE_COMMAND
    + """

async def run_all(commands, limit, timeout, grace, emit):
    slots = asyncio.Semaphore(limit)
    tasks = {}

    async def limited(name, args):
        async with slots:
            return await _one(name, args, timeout, grace, emit)

    async with asyncio.TaskGroup() as group:
        for name, args in commands.items():
            tasks[name] = group.create_task(limited(name, args))
    return {name: task.result() for name, task in tasks.items()}
"""
)

ALL_WORKERS = (
    _ONE_COMMAND
    + """

async def run_all(commands, limit, timeout, grace, emit):
    waiting = asyncio.Queue()
    for name in commands:
        waiting.put_nowait(name)
    codes = {}

    async def worker():
        while not waiting.empty():
            name = waiting.get_nowait()
            codes[name] = await _one(name, commands[name], timeout, grace, emit)

    await asyncio.gather(*(worker() for _ in range(limit)))
    return {name: codes[name] for name in commands}
"""
)

ALL_LOGGING = """\
import logging
import warnings

log = logging.getLogger("runner")
logging.basicConfig(level=logging.INFO)


async def run_all(commands, limit, timeout, grace, emit):
    slots = asyncio.Semaphore(limit)
    warnings.warn("run_all is new", UserWarning, stacklevel=1)

    async def one(name, args):
        async with slots:
            log.info("starting %s", name)
            print("starting", name)
            process = await asyncio.create_subprocess_exec(*args, stdout=PIPE, stderr=STDOUT)
            try:
                async with asyncio.timeout(timeout):
                    async for raw in process.stdout:
                        emit(f"[{name}] {raw.decode().rstrip()}")
                    code = await process.wait()
            except TimeoutError:
                log.warning("%s timed out", name)
                code = await stop(process, grace)
            log.info("%s ended with %s", name, code)
            return name, code

    return dict(await asyncio.gather(*(one(n, a) for n, a in commands.items())))
"""

ALL_SERIAL = (
    _ONE_COMMAND
    + """

async def run_all(commands, limit, timeout, grace, emit):
    codes = {}
    for name, args in commands.items():  # one at a time: the limit is never reached
        codes[name] = await _one(name, args, timeout, grace, emit)
    return codes
"""
)

ALL_NO_LIMIT = (
    _ONE_COMMAND
    + """

async def run_all(commands, limit, timeout, grace, emit):
    codes = await asyncio.gather(
        *(_one(name, args, timeout, grace, emit) for name, args in commands.items())
    )
    return dict(zip(commands, codes))
"""
)

ALL_OUTPUT_AT_THE_END = """\
async def run_all(commands, limit, timeout, grace, emit):
    slots = asyncio.Semaphore(limit)

    async def one(name, args):
        async with slots:
            process = await asyncio.create_subprocess_exec(*args, stdout=PIPE, stderr=STDOUT)
            try:
                async with asyncio.timeout(timeout):
                    output, _ = await process.communicate()
            except TimeoutError:
                return await stop(process, grace)
            for line in output.decode().splitlines():
                emit(f"[{name}] {line}")
            return process.returncode

    codes = await asyncio.gather(*(one(name, args) for name, args in commands.items()))
    return dict(zip(commands, codes))
"""

ALL_IGNORES_EXIT_CODES = """\
async def run_all(commands, limit, timeout, grace, emit):
    slots = asyncio.Semaphore(limit)

    async def one(name, args):
        async with slots:
            process = await asyncio.create_subprocess_exec(*args, stdout=PIPE, stderr=STDOUT)
            try:
                async with asyncio.timeout(timeout):
                    async for raw in process.stdout:
                        emit(f"[{name}] {raw.decode().rstrip()}")
                    await process.wait()
            except TimeoutError:
                await stop(process, grace)

    await asyncio.gather(*(one(name, args) for name, args in commands.items()))
    return {name: 0 for name in commands}  # "it ran"
"""

ALL_NEVER_KILLS = """\
async def run_all(commands, limit, timeout, grace, emit):
    slots = asyncio.Semaphore(limit)

    async def one(name, args):
        async with slots:
            process = await asyncio.create_subprocess_exec(*args, stdout=PIPE, stderr=STDOUT)

            async def follow():
                async for raw in process.stdout:
                    emit(f"[{name}] {raw.decode().rstrip()}")
                return await process.wait()

            try:
                return await asyncio.wait_for(follow(), timeout)
            except asyncio.TimeoutError:
                return -1  # timed out (the command is left running)

    codes = await asyncio.gather(*(one(name, args) for name, args in commands.items()))
    return dict(zip(commands, codes))
"""

ALL_STREAM_UNDER_TIMEOUT = """\
async def run_all(commands, limit, timeout, grace, emit):
    slots = asyncio.Semaphore(limit)

    async def one(name, args):
        async with slots:
            try:
                async with asyncio.timeout(timeout):
                    return await stream(args, name, emit)  # part 2's function
            except TimeoutError:
                return -9  # but stream's process is never stopped
    codes = await asyncio.gather(*(one(name, args) for name, args in commands.items()))
    return dict(zip(commands, codes))
"""

ALL_SUBPROCESS_RUN = """\
import subprocess


async def run_all(commands, limit, timeout, grace, emit):
    slots = asyncio.Semaphore(limit)

    async def one(name, args):
        async with slots:
            try:
                done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return -9
            for line in (done.stdout + done.stderr).splitlines():
                emit(f"[{name}] {line}")
            return done.returncode

    codes = await asyncio.gather(*(one(name, args) for name, args in commands.items()))
    return dict(zip(commands, codes))
"""

ALL_THROTTLED_WITH_TIME_SLEEP = """\
import time


async def run_all(commands, limit, timeout, grace, emit):
    slots = asyncio.Semaphore(limit)

    async def one(name, args):
        async with slots:
            process = await asyncio.create_subprocess_exec(*args, stdout=PIPE, stderr=STDOUT)
            try:
                async with asyncio.timeout(timeout):
                    async for raw in process.stdout:
                        emit(f"[{name}] {raw.decode().rstrip()}")
                        time.sleep(0.05)  # "do not flood the screen"
                    return await process.wait()
            except TimeoutError:
                return await stop(process, grace)

    codes = await asyncio.gather(*(one(name, args) for name, args in commands.items()))
    return dict(zip(commands, codes))
"""

VARIANTS = [
    Variant(
        "run-to-thread",
        "valid",
        "subprocess.run moved to a thread with asyncio.to_thread: the loop stays free",
        {"part1_answer": RUN_TO_THREAD},
    ),
    Variant(
        "stream-readline",
        "valid",
        "a while loop over readline() that stops at b'' instead of async for",
        {"part2_answer": STREAM_READLINE},
    ),
    Variant(
        "timeout-wait-for",
        "valid",
        "asyncio.wait_for for both waits, the stop in finally, and a print when it kills",
        {"part3_answer": TIMEOUT_WAIT_FOR},
    ),
    Variant(
        "all-taskgroup",
        "valid",
        "a TaskGroup of tasks that each take a place in a Semaphore",
        {"part4_answer": ALL_TASKGROUP},
    ),
    Variant(
        "all-workers",
        "valid",
        "`limit` worker coroutines that take names from a queue until it is empty",
        {"part4_answer": ALL_WORKERS},
    ),
    Variant(
        "all-logging",
        "valid",
        "logs, prints and warns around every command: costs nothing",
        {"part4_answer": ALL_LOGGING},
    ),
    Variant(
        "run-subprocess-run",
        "blocking",
        "subprocess.run called in the coroutine: the loop waits for every command",
        {"part1_answer": RUN_SUBPROCESS_RUN},
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "run-reads-one-pipe-then-the-other",
        "wrong",
        "reads all of stdout, then stderr: a command that fills its stderr pipe first hangs",
        {"part1_answer": RUN_READ_ONE_THEN_OTHER},
        expect={"part1_tests": ZERO},
    ),
    Variant(
        "stream-at-the-end",
        "wrong",
        "communicate() then emit every line: nothing reaches emit before the command ends",
        {"part2_answer": STREAM_AT_THE_END},
        expect={"part2_tests": ZERO},
        message={"part2_tests": "not all at the end"},
    ),
    Variant(
        "timeout-never-kills",
        "wrong",
        "gives up waiting after the timeout and returns, leaving the command running",
        {"part3_answer": TIMEOUT_NEVER_KILLS},
        expect={"part3_tests": ZERO, "part4_tests": ZERO},  # the solution's part 4 uses stop()
        message={"part3_tests": "the process is still there"},
    ),
    Variant(
        "timeout-kills-at-once",
        "wrong",
        "SIGKILL straight away: the command never gets the chance to clean up",
        {"part3_answer": TIMEOUT_KILLS_AT_ONCE},
        expect={"part3_tests": ZERO},
    ),
    Variant(
        "timeout-terminate-only",
        "wrong",
        "SIGTERM and then waits without end: a command that ignores SIGTERM is never stopped",
        {"part3_answer": TIMEOUT_TERMINATE_ONLY},
        expect={"part3_tests": ZERO, "part4_tests": ZERO},  # the solution's part 4 uses stop()
    ),
    Variant(
        "timeout-popen",
        "blocking",
        "subprocess.Popen and its blocking wait(timeout) inside the coroutine",
        {"part3_answer": TIMEOUT_POPEN},
        expect={"part3_tests": ZERO, "part4_tests": ZERO},  # the solution's part 4 uses stop()
    ),
    Variant(
        "all-serial",
        "wrong",
        "awaits each command before starting the next: one at a time, whatever the limit",
        {"part4_answer": ALL_SERIAL},
        expect={"part4_tests": ZERO},
        message={"part4_tests": "not one after another"},
    ),
    Variant(
        "all-no-limit",
        "wrong",
        "gathers every command at once and never looks at the limit",
        {"part4_answer": ALL_NO_LIMIT},
        expect={"part4_tests": ZERO},
        message={"part4_tests": "asyncio.Semaphore(limit)"},
    ),
    Variant(
        "all-output-at-the-end",
        "wrong",
        "communicate() per command, then emits its lines: no streaming",
        {"part4_answer": ALL_OUTPUT_AT_THE_END},
        expect={"part4_tests": ZERO},
        message={"part4_tests": "not after the command ends"},
    ),
    Variant(
        "all-ignores-exit-codes",
        "wrong",
        "reports 0 for every command, whatever its exit code",
        {"part4_answer": ALL_IGNORES_EXIT_CODES},
        expect={"part4_tests": ZERO},
        message={"part4_tests": "expected the exit codes"},
    ),
    Variant(
        "all-never-kills",
        "wrong",
        "wait_for gives up after the timeout but leaves the command running",
        {"part4_answer": ALL_NEVER_KILLS},
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "all-stream-under-timeout",
        "wrong",
        "part 2's stream() under asyncio.timeout: the wait ends, the command runs on",
        {"part4_answer": ALL_STREAM_UNDER_TIMEOUT},
        expect={"part4_tests": ZERO},
        message={"part4_tests": "is still there"},
    ),
    Variant(
        "all-subprocess-run",
        "blocking",
        "subprocess.run under a semaphore: each command blocks the loop, and nothing streams",
        {"part4_answer": ALL_SUBPROCESS_RUN},
        expect={"part4_tests": ZERO},
    ),
    Variant(
        "all-time-sleep",
        "blocking",
        "time.sleep(0.05) after each line to pace the output blocks the loop",
        {"part4_answer": ALL_THROTTLED_WITH_TIME_SLEEP},
        expect={"part4_tests": ZERO},
    ),
]
