"""A grading kernel that cannot see the instructor's files (Linux, run by root).

Student code runs in the kernel that runs the tests. Started as usual, that kernel can read the
hidden tests in the source folder, the gradebook, and every other student's submission. This
launcher starts it in a mount namespace of its own where those paths are covered (an empty,
unreadable tmpfs over each folder, /dev/null over each file) and without any capability, so it
cannot uncover them again. Everything else (Python, the course's helpers, loopback) is as usual.

    python -m helpers.grading.isolated_kernel install      # a kernelspec for the course in this folder

then `c.Execute.kernel_name = "async-course-isolated"` in nbgrader_config.py (see
docs/instructors.md, "Autograde in isolation"). nbgrader, its gradebook and the exchange keep
working as before: only the kernel is fenced in.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

KERNEL_NAME = "async-course-isolated"
MOUNT_POINT = Path("/run/isolated-kernel")  # where each kernel sees its own working copy


def launch(hidden: list[str], connection_file: str, kernel_args: list[str]) -> None:
    """Become the kernel, with `hidden` out of reach. Does not return."""
    for tool in ("unshare", "setpriv", "mount"):
        if shutil.which(tool) is None:
            sys.exit(f"isolated kernel: `{tool}` (util-linux) is needed and was not found")
    if os.geteuid() != 0:
        sys.exit("isolated kernel: start it as root (it needs to make a mount namespace)")
    # The kernel works in a copy of its folder (the real one may lie under a covered folder),
    # reached through a fixed mount point, with a /tmp of its own: other kernels' copies and
    # every grading run's temporary course stay out of sight.
    workspace = Path(tempfile.mkdtemp(prefix="isolated-kernel-"))
    shutil.copytree(os.getcwd(), workspace / "work", dirs_exist_ok=True)
    shutil.copy(connection_file, workspace / "connection.json")
    MOUNT_POINT.mkdir(parents=True, exist_ok=True)
    steps = []
    for path in hidden:
        if os.path.isdir(path):
            steps.append(f"mount -t tmpfs -o size=4k,mode=000 tmpfs {shlex.quote(path)}")
        elif os.path.exists(path):
            steps.append(f"mount --bind /dev/null {shlex.quote(path)}")
    steps += [
        f"mount --bind {shlex.quote(str(workspace))} {MOUNT_POINT}",
        "mount -t tmpfs -o mode=1777 tmpfs /tmp",
        f"cd {MOUNT_POINT / 'work'}",
    ]
    connection = MOUNT_POINT / "connection.json"
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection), *kernel_args]
    steps.append(
        "exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- " + shlex.join(kernel)
    )
    script = " && ".join(steps)
    os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", "sh", "-c", script])


def course_secrets(course: Path) -> list[str]:
    """What a kernel grading this course must not see, from its nbgrader configuration."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    directory = CourseDirectory(config=config)
    secrets = [
        os.path.join(directory.root, name)
        for name in (
            directory.source_directory,
            directory.submitted_directory,
            directory.autograded_directory,
            directory.feedback_directory,
        )
    ]
    url = directory.db_url
    if url.startswith("sqlite:///"):
        secrets.append(url.removeprefix("sqlite:///"))
    exchange = config.get("Exchange", {}).get("root")
    if exchange:
        secrets.append(str(exchange))
    return secrets


def kernelspec(hidden: list[str]) -> dict[str, Any]:
    """The kernel.json of an isolated kernel hiding `hidden`."""
    argv = [sys.executable, "-m", "helpers.grading.isolated_kernel"]
    for path in hidden:
        argv += ["--hide", path]
    return {
        "argv": [*argv, "-f", "{connection_file}"],
        "display_name": "Python (async course, isolated for grading)",
        "language": "python",
    }


def install(course: Path, prefix: str | None = None) -> Path:
    """Install the kernelspec for `course`; returns its folder."""
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "kernel.json").write_text(
            json.dumps(kernelspec(course_secrets(course)), indent=2)
        )
        where = KernelSpecManager().install_kernel_spec(
            folder, KERNEL_NAME, prefix=prefix, user=prefix is None
        )
    return Path(where)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["install"]:
        parser = argparse.ArgumentParser(prog="python -m helpers.grading.isolated_kernel install")
        parser.add_argument("--course", type=Path, default=Path.cwd(), help="the course folder")
        parser.add_argument("--prefix", help="install under this prefix (e.g. sys.prefix)")
        options = parser.parse_args(args[1:])
        where = install(options.course.resolve(), options.prefix)
        print(f"installed kernel {KERNEL_NAME!r} in {where}; it hides:")
        for path in course_secrets(options.course.resolve()):
            print(f"  {path}")
        return
    parser = argparse.ArgumentParser(prog="python -m helpers.grading.isolated_kernel")
    parser.add_argument("--hide", action="append", default=[], help="a path to cover")
    parser.add_argument("-f", dest="connection_file", required=True)
    options, kernel_args = parser.parse_known_args(args)
    launch(options.hide, options.connection_file, kernel_args)


if __name__ == "__main__":
    main()
