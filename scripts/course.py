"""The course's everyday commands in Python, for every platform: `make lab`, `make instructor` and
`make test` run them, and without make (Windows) you run them yourself.

    python scripts/course.py setup        .venv with the pinned packages (redone when they change)
    python scripts/course.py lab          set up, then open JupyterLab as a learner
    python scripts/course.py instructor   set up, then JupyterLab with nbgrader's instructor tools
    python scripts/course.py test         set up, then run the whole test suite

Start it with any Python 3.11 or newer (on Windows: `py -3.13 scripts\\course.py lab`); all the
rest runs with the environment's Python. Arguments after the command go to JupyterLab or pytest;
`--venv DIR` uses an environment other than .venv.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1]
PINS = ("pyproject.toml", "constraints.txt")
# Learners' Jupyter settings, written by scripts/learner_setup.py.
LEARNER_CONFIG = COURSE / ".jupyter-learner"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def setup(venv: Path, base: str = sys.executable) -> Path:
    """Make `venv` (made by the `base` Python) hold the course and its pinned packages, unless it
    already does; its Python."""
    stamp = venv / ".installed"
    wanted = hashlib.sha256(b"".join((COURSE / name).read_bytes() for name in PINS)).hexdigest()
    python = venv_python(venv)
    if python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return python
    print(f"setting up {venv} with {base} (a minute or two)", flush=True)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-c", "constraints.txt", "-e", ".[test]"], cwd=COURSE, check=True)
    stamp.write_text(wanted + "\n")
    return python


def environment(python: Path, **settings: str) -> dict[str, str]:
    """This process's environment with the course's Python first on PATH (lessons run `!python`,
    nbgrader runs `alembic`)."""
    path = str(python.parent) + os.pathsep + os.environ.get("PATH", "")
    return {**os.environ, "PATH": path, **settings}


def run(command: list[str], env: dict[str, str]) -> int:
    """Run `command` in the course folder. On POSIX it takes this process's place, so Ctrl+C and
    signals reach it directly; Windows cannot do that, so there it runs as a child."""
    if os.name == "posix":
        os.chdir(COURSE)
        os.execve(command[0], command, env)
    try:
        return subprocess.run(command, env=env, cwd=COURSE).returncode
    except KeyboardInterrupt:  # Ctrl+C reached the child too, which says so itself
        return 130


def jupyterlab(python: Path, arguments: list[str], env: dict[str, str], start: str) -> int:
    root = ["--allow-root"] if getattr(os, "geteuid", lambda: 1)() == 0 else []  # containers, CI
    command = [str(python), "-m", "jupyterlab", *root, f"--ServerApp.root_dir={COURSE}",
               f"--LabApp.default_url=/lab/tree/{start}", *arguments]  # fmt: skip
    return run(command, env)


def lab(python: Path, arguments: list[str]) -> int:
    env = environment(python, JUPYTER_CONFIG_DIR=str(LEARNER_CONFIG))
    subprocess.run([str(python), "scripts/learner_setup.py"], env=env, cwd=COURSE, check=True)
    return jupyterlab(python, arguments, env, "notebooks/00-welcome.ipynb")


def instructor(python: Path, arguments: list[str]) -> int:
    return jupyterlab(python, arguments, environment(python), "docs/instructors.md")


def test(python: Path, arguments: list[str]) -> int:
    command = [str(python), "-m", "pytest", "-n", "2", "--dist", "loadgroup", *arguments]
    return run(command, environment(python))


COMMANDS = {"setup": None, "lab": lab, "instructor": instructor, "test": test}


def main(argv: list[str]) -> int | str:
    parser = argparse.ArgumentParser(prog="python scripts/course.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--venv", type=Path, default=COURSE / ".venv", help="default: .venv")
    options, rest = parser.parse_known_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 (any python may start this script)
        version = sys.version.split()[0]
        return (
            f"This course needs Python 3.11 or newer; this is {version}. Start this script with "
            "a newer one (py -3.13 on Windows), or run make with PYTHON=python3.13, say."
        )
    python = setup(options.venv.resolve())
    command = COMMANDS[options.command]
    return command(python, rest) if command else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
