"""`python -m benchmarks [server|lessons|grading|exercises ...]`: print the benchmark tables."""

from __future__ import annotations

import argparse
import os
import platform
import time

from benchmarks import grading, lessons, server_load

SECTIONS = {
    "server": lambda: server_load.run([100, 1_000, 5_000]),
    "lessons": lessons.run,
    "grading": grading.run,
    "exercises": grading.every_exercise,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(SECTIONS)} (default: all)")
    chosen = parser.parse_args().sections or list(SECTIONS)
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
        print(SECTIONS[name](), flush=True)
        print(f"({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
