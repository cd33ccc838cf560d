"""`python -m benchmarks [server|lessons|grading|exercises ...]`: print the benchmark tables.

The lessons and exercises tables have a column per supported Python version; --only and --python
narrow them for a quick run, e.g. `python -m benchmarks lessons --only 01 --python 3.13`."""

from __future__ import annotations

import argparse
import os
import platform
import time

from benchmarks import grading, lessons, server_load, service_load
from scripts.version_matrix import supported_versions

SECTIONS = {
    "server": lambda _: server_load.run([100, 1_000, 5_000]),
    "service": lambda _: service_load.run(),
    "lessons": lambda options: lessons.run(options.only, options.python),
    "grading": lambda _: grading.run(),
    "exercises": lambda options: grading.every_exercise(options.only, options.python),
}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="PREFIX",
        help="lessons and exercises: only those whose name starts with PREFIX (repeatable)",
    )
    parser.add_argument(
        "--python",
        action="append",
        choices=supported_versions(),
        help="lessons and exercises: only this version's columns (repeatable; default: all)",
    )
    options = parser.parse_intermixed_args()
    chosen = options.sections or list(SECTIONS)
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(
            f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}"
        )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores\n"
    )
    for name in chosen:
        started = time.perf_counter()
        print(SECTIONS[name](options), flush=True)
        print(f"({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
