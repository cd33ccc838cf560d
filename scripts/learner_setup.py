"""Set JupyterLab up for learners (Binder runs this from postBuild).

nbgrader's student panels stay on (Assignments, Validate), the instructor ones go off (Formgrader,
Create Assignment, Course List), and a local exchange holds every exercise, so the Assignments
panel can list, fetch, validate and submit them. Everything is written to the user's Jupyter
configuration, never to the environment's.

    python scripts/learner_setup.py                  every exercise
    python scripts/learner_setup.py 01-why-async     only these
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1]
COURSE_ID = "async-python-hands-on"
INSTRUCTOR_LAB_EXTENSIONS = ("formgrader", "create-assignment", "course-list")
INSTRUCTOR_SERVER_EXTENSIONS = ("formgrader", "course_list")


def run(*command: str) -> None:
    subprocess.run([sys.executable, "-m", *command], check=True, cwd=COURSE, capture_output=True)


def main(selected: list[str]) -> None:
    home = Path.home()
    config = Path(os.environ.get("JUPYTER_CONFIG_DIR", home / ".jupyter"))
    exchange = home / ".nbgrader-exchange"
    for name in INSTRUCTOR_LAB_EXTENSIONS:
        run("jupyterlab.labextensions", "disable", "--level=user", f"@jupyter/nbgrader:{name}")
    config.mkdir(parents=True, exist_ok=True)
    # `jupyter server extension disable` refuses nbgrader's modules, so write what it would.
    server_config = config / "jupyter_server_config.json"
    settings = json.loads(server_config.read_text()) if server_config.exists() else {}
    extensions = settings.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {})
    extensions.update(
        {f"nbgrader.server_extensions.{name}": False for name in INSTRUCTOR_SERVER_EXTENSIONS}
    )
    server_config.write_text(json.dumps(settings, indent=2))
    exchange.mkdir(parents=True, exist_ok=True)
    (config / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
    )
    assignments = selected or sorted(p.name for p in (COURSE / "exercises").iterdir() if p.is_dir())
    for assignment in assignments:
        run("nbgrader", "release_assignment", assignment, f"--Exchange.root={exchange}", "--force")
    print(f"learner set-up done: {len(assignments)} exercises in {exchange}")


if __name__ == "__main__":
    main(sys.argv[1:])
