"""Set JupyterLab up for learners: `make lab` runs this, and so does Binder (postBuild).

- Your own copies of the exercises in workspace/ (helpers.workspace), never overwritten.
- nbgrader's Validate button stays in the notebook toolbar. Its instructor tools (Formgrader,
  which can regenerate an exercise over a learner's work, Create Assignment, Course List) go off,
  and so does the Assignments panel, which would fetch a second copy to work in.
- No news pop-up; JupyterLab's terminal starts an interactive shell that keeps the course's PATH
  (a login shell would reset it).

Settings go to the Jupyter configuration folder in JUPYTER_CONFIG_DIR (`make lab` points it at
.jupyter-learner/ in the course folder, so the machine's other Jupyter use is unchanged), or to
the user's (~/.jupyter, as on Binder).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(COURSE))

from helpers import workspace  # noqa: E402

INSTRUCTOR_LAB_EXTENSIONS = ("formgrader", "create-assignment", "course-list", "assignment-list")
INSTRUCTOR_SERVER_EXTENSIONS = ("formgrader", "course_list", "assignment_list")


def config_dir() -> Path:
    return Path(os.environ.get("JUPYTER_CONFIG_DIR", Path.home() / ".jupyter"))


def _merge_json(path: Path, update: dict) -> None:
    """Merge `update` into the JSON file at `path`, one level of nesting deep."""
    settings = json.loads(path.read_text()) if path.exists() else {}
    for key, value in update.items():
        if isinstance(value, dict):
            settings.setdefault(key, {}).update(value)
        else:
            settings[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2))


def main() -> None:
    config = config_dir()
    for name in INSTRUCTOR_LAB_EXTENSIONS:
        subprocess.run(
            [sys.executable, "-m", "jupyterlab.labextensions", "disable", "--level=user",
             f"@jupyter/nbgrader:{name}"],
            check=True, capture_output=True, cwd=COURSE,
        )  # fmt: skip
    # `jupyter server extension disable` refuses nbgrader's modules, so write what it would.
    shell = shutil.which("bash") or shutil.which("sh")
    server = {
        "jpserver_extensions": {
            f"nbgrader.server_extensions.{name}": False for name in INSTRUCTOR_SERVER_EXTENSIONS
        },
    }
    if shell:
        server["terminado_settings"] = {"shell_command": [shell, "-i"]}
    _merge_json(config / "jupyter_server_config.json", {"ServerApp": server})
    notification = (
        config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
        / "notification.jupyterlab-settings"
    )  # fmt: skip
    _merge_json(notification, {"fetchNews": "false", "checkForUpdates": False})
    added = workspace.add_missing(COURSE)
    print(
        f"learner set-up done in {config}: instructor tools off, "
        f"{len(added)} exercises added to {workspace.FOLDER}/"
    )


if __name__ == "__main__":
    main()
