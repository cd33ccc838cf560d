"""Pin the dependencies (`make lock`): constraints.txt for make and CI, environment.yml for Binder.

Installs pyproject.toml's dependencies (test and hub extras included) into a fresh virtual
environment, writes every resulting version to constraints.txt, and writes environment.yml with
the runtime dependencies pinned to those versions, so Binder runs what the test suite runs, on the
newest Python the course supports (pyproject.toml's classifiers).

The pins must install on every Python the course supports, the oldest included: Debian 12's
python3 is 3.11.2, and some releases need a newer 3.11. CAPS keeps those packages below them.
Then every supported interpreter this machine has (and Debian's /usr/bin/python3) resolves the
pins, in a dry run: a pin one of them cannot install stops here, not on a learner's machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from version_matrix import find_interpreter, supported_versions, version_of

COURSE = Path(__file__).resolve().parents[1]
CONSTRAINTS_HEADER = """\
# Exact versions the test suite runs with: `make` installs with these as constraints.
# Regenerate with `make lock` after changing dependencies in pyproject.toml.
"""
# package -> the cap, and why: a release the oldest supported Python cannot install.
CAPS = {
    "soupsieve": "<3",  # 3.0.2 and later need Python 3.11.5+ (3.0 and 3.0.1 were yanked for it)
}
ENVIRONMENT_HEADER = """\
# Binder / conda environment. The pip section pins pyproject.toml's dependencies to the versions
# in constraints.txt, the ones the test suite runs with (a test checks both); postBuild installs
# the helpers package itself and sets JupyterLab up for learners. Written by `make lock`.
name: async-python-hands-on
channels:
  - conda-forge
dependencies:
  - python={python}
  - pip
  - pip:
"""


def canonical(name: str) -> str:
    return name.lower().replace("_", "-")


def freeze() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        python = Path(tmp) / "bin" / "python"
        subprocess.run([sys.executable, "-m", "venv", tmp], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        caps = Path(tmp) / "caps.txt"
        caps.write_text("".join(f"{name}{cap}\n" for name, cap in CAPS.items()))
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "-c", caps, "-e", f"{COURSE}[test,hub]"],
            check=True,
        )
        return subprocess.run(
            [python, "-m", "pip", "freeze", "--exclude-editable"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip


def check_installable() -> list[str]:
    """Resolve the pins with every supported interpreter found here; the ones that failed."""
    interpreters = {version: find_interpreter(version) for version in supported_versions()}
    if version_of("/usr/bin/python3") in interpreters:
        interpreters["Debian's python3"] = "/usr/bin/python3"
    failed = []
    for name, python in interpreters.items():
        if python is None:
            print(f"Python {name}: not on this machine, not checked")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([python, "-m", "venv", tmp], check=True)
            done = subprocess.run(
                [Path(tmp) / "bin" / "python", "-m", "pip", "install", "-q", "--dry-run",
                 "-c", COURSE / "constraints.txt", "-e", f"{COURSE}[test,hub]"],
                capture_output=True, text=True,
            )  # fmt: skip
        print(
            f"Python {name} ({python}): {'the pins install' if done.returncode == 0 else 'FAILED'}"
        )
        if done.returncode != 0:
            print(done.stderr[-3000:])
            failed.append(name)
    return failed


def main() -> None:
    frozen = freeze()
    (COURSE / "constraints.txt").write_text(CONSTRAINTS_HEADER + frozen)
    pins = dict(canonical(line).split("==") for line in frozen.splitlines() if "==" in line)
    project = tomllib.loads((COURSE / "pyproject.toml").read_text())["project"]
    lines = []
    for dependency in project["dependencies"]:
        requirement = Requirement(dependency)
        marker = f"; {requirement.marker}" if requirement.marker else ""
        lines.append(f"    - {requirement.name}=={pins[canonical(requirement.name)]}{marker}\n")
    binder_python = supported_versions()[-1]
    (COURSE / "environment.yml").write_text(
        ENVIRONMENT_HEADER.format(python=binder_python) + "".join(lines)
    )
    print(f"pinned {len(pins)} packages in constraints.txt, {len(lines)} in environment.yml")
    failed = check_installable()
    if failed:
        sys.exit(f"the pins do not install on: {', '.join(failed)} (add a cap to CAPS)")


if __name__ == "__main__":
    main()
