"""Run the lessons and the grading on every other Python the course supports (`.ci/run` does this
after `make test`, which covers the default python3).

    python scripts/version_matrix.py            every supported version but the running one
    python scripts/version_matrix.py 3.13       only the versions named

The supported versions are the ones pyproject.toml's classifiers name.

For each version it finds an interpreter (pyenv's, else `python3.X` on PATH), makes a virtual
environment in `.venv-matrix/3.X` with the pinned dependencies, then runs every lesson under nbval
and grades every exercise's solution and untouched version (scripts/grade_solutions.py). A version
with no interpreter on this machine is skipped with a line that says so. Prints a table at the
end; exits 1 if a leg failed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(COURSE))

from scripts.course import setup  # noqa: E402

# What each part runs with the version's python. -n 2 --dist loadgroup as `make test` (2 cores).
PARTS = {
    "lessons": ["-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "notebooks",
                "--nbval-cell-timeout=60"],
    "grading": ["scripts/grade_solutions.py"],
}  # fmt: skip
LEG_TIMEOUT = 20 * 60  # seconds; a hung leg fails instead of holding CI to its limit
# Failures already reported and waiting on a fix elsewhere: (first version, part, test) -> why.
# They still run; the leg fails only on others, and says when a known one stops failing.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}


@dataclass
class Leg:
    version: str
    python: str = ""
    lessons: str = "skipped"
    grading: str = "skipped"
    seconds: float = 0.0
    ok: bool = True


def supported_versions() -> list[str]:
    """The versions pyproject.toml's classifiers name ("... :: Python :: 3.12"), oldest first."""
    project = tomllib.loads((COURSE / "pyproject.toml").read_text())["project"]
    named = (
        re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c)
        for c in project["classifiers"]
    )
    return sorted((m[1] for m in named if m), key=lambda version: int(version[2:]))


def version_of(python: str) -> str | None:
    """'3.12' for a working Python 3.12 interpreter, None if it does not run."""
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_interpreter(version: str) -> str | None:
    """pyenv's newest 3.X.Y, else python3.X on PATH (a pyenv shim for another version fails)."""
    candidates = []
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
        installed = Path(root, "versions").glob(f"{version}.*/bin/python{version}")
        key = lambda path: [int(n) for n in re.findall(r"\d+", path.parent.parent.name)]  # noqa: E731
        candidates += [str(path) for path in sorted(installed, key=key, reverse=True)]
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    return next((python for python in candidates if version_of(python) == version), None)


def environment(version: str, python: str) -> Path:
    """`.venv-matrix/<version>`, made by `python`, with the course and its pinned packages."""
    venv = COURSE / ".venv-matrix" / version
    setup(venv, python)
    return venv


def known_failures(version: str, part: str) -> dict[str, str]:
    """The known failures of this part that apply to this version: test id -> why."""
    as_tuple = lambda v: tuple(int(n) for n in v.split("."))  # noqa: E731
    return {
        test: why
        for (since, in_part, test), why in KNOWN_FAILURES.items()
        if in_part == part and as_tuple(version) >= as_tuple(since)
    }


def run(venv: Path, arguments: list[str], log: Path, known: dict[str, str]) -> tuple[bool, str]:
    """Run `python *arguments` in `venv`; (passed, its summary such as '508 passed in 190.1s').
    Passed means no failures other than the `known` ones."""
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env.pop("VIRTUAL_ENV", None)
    command = [str(venv / "bin" / "python"), *arguments]
    # stderr apart: kernels write there too (yappi's complaints, thousands of lines on 3.12+).
    with log.open("w") as output, log.with_suffix(".stderr.log").open("w") as errors:
        try:
            done = subprocess.run(
                command, cwd=COURSE, env=env, stdout=output, stderr=errors, timeout=LEG_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            return False, f"timed out after {LEG_TIMEOUT} s"
    lines = [
        re.sub(r"\x1b\[[0-9;]*m", "", line) for line in log.read_text(errors="replace").splitlines()
    ]
    summary = next((line for line in reversed(lines) if re.search(r" in [\d.]+s", line)), "")
    summary = summary.replace("=", "").strip() or f"exit status {done.returncode}"
    failed = {  # "FAILED <test id>@<xdist group> - <message>" -> "<test id>"
        line.split(" ", 1)[1].split(" - ", 1)[0].rsplit("@", 1)[0]
        for line in lines
        if line.startswith(("FAILED ", "ERROR "))
    }
    for test in sorted(failed & known.keys()):
        print(f"  known failure: {test} ({known[test]})")
        summary += f"; known: {known[test]}"
    for test in sorted(known.keys() - failed):
        print(f"  known failure did not fail: {test}: remove it from KNOWN_FAILURES if fixed")
    if done.returncode == 0:
        return True, summary
    return bool(failed) and failed <= known.keys(), summary


def run_leg(version: str) -> Leg:
    leg = Leg(version)
    python = find_interpreter(version)
    if python is None:
        print(f"Python {version}: no interpreter found (pyenv or python{version}), skipped")
        leg.lessons = leg.grading = f"skipped: no Python {version}"
        return leg
    leg.python = python
    started = time.perf_counter()
    logs = COURSE / ".venv-matrix" / "logs"
    try:
        print(f"Python {version}: installing into .venv-matrix/{version} ({python})", flush=True)
        venv = environment(version, python)
    except subprocess.CalledProcessError as error:
        leg.ok, leg.lessons, leg.grading = False, f"install failed: {error}", "not run"
        leg.seconds = time.perf_counter() - started
        return leg
    logs.mkdir(parents=True, exist_ok=True)
    for part, arguments in PARTS.items():
        log = logs / f"{version}-{part}.log"
        print(f"Python {version}: {part} (log: {log.relative_to(COURSE)})", flush=True)
        passed, summary = run(venv, arguments, log, known_failures(version, part))
        if not passed:
            print(log.read_text(errors="replace")[-6000:])
        setattr(leg, part, summary if passed else f"FAILED: {summary}")
        leg.ok = leg.ok and passed
    leg.seconds = time.perf_counter() - started
    return leg


def main(versions: list[str]) -> int:
    running = "{}.{}".format(*sys.version_info[:2])  # `make test` covered it
    others = [version for version in supported_versions() if version != running]
    legs = [run_leg(version) for version in versions or others]
    rows = [("interpreter", "lessons", "grading", "seconds")]
    for leg in legs:
        rows.append(
            (f"{leg.version} {leg.python}".strip(), leg.lessons, leg.grading, f"{leg.seconds:.0f}")
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print()
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0 if all(leg.ok for leg in legs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
