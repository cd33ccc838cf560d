"""Binder: launch links built from the one repository address, and JupyterLab set up for learners."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import course_scripts
import nbformat

COURSE = Path(__file__).resolve().parents[1]


links = course_scripts.load("binder_links")


def _released(path: str) -> str:
    """Where a Binder path's notebook comes from: postBuild copies exercises/ into workspace/."""
    return path.replace("workspace/", "exercises/", 1)


def test_readme_badge_launches_lesson_00():
    assert links.badge() in (COURSE / "README.md").read_text(), "run `make links`"
    assert links.badge().count("urlpath=lab/tree/notebooks/00-welcome.ipynb") == 1


def test_every_lesson_and_exercise_has_its_launch_link():
    for notebook, kind, opens in links.targets():
        first = nbformat.read(notebook, 4).cells[0].source
        assert links.link(kind, opens) in first, f"{notebook.name}: run `make links`"
        if kind == "exercise":  # the student version carries it too
            assert opens.startswith("workspace/"), f"{opens}: learners work in their workspace"
            released = nbformat.read(COURSE / _released(opens), 4).cells[0].source
            assert links.link(kind, opens) in released, f"{opens}: run `make exercises`"


def test_every_binder_link_opens_an_existing_notebook():
    texts = [(COURSE / "README.md").read_text()]
    for folder in ("notebooks", "exercises", "solutions"):
        texts += [p.read_text() for p in (COURSE / folder).rglob("*.ipynb")]
    paths = [
        path
        for text in texts
        for path in re.findall(r"mybinder\.org/v2/gh/[^?\s]+\?urlpath=lab/tree/([^)\s\"]+)", text)
    ]
    assert len(paths) > len(links.targets()), "fewer Binder links than lessons and exercises"
    missing = sorted({path for path in paths if not (COURSE / _released(path)).is_file()})
    assert not missing, f"Binder links open notebooks that do not exist: {missing}"
    repository = links.repository().removeprefix("https://github.com/").rstrip("/")
    assert all(
        f"mybinder.org/v2/gh/{repository}/" in text for text in texts if "mybinder.org" in text
    )


def test_learner_setup_turns_instructor_tools_off_and_fills_the_workspace(tmp_path):
    course = tmp_path / "course"
    for folder in ("helpers", "scripts", "exercises"):
        shutil.copytree(COURSE / folder, course / folder)
    mine = course / "workspace" / "01-why-async" / "01-why-async.ipynb"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own work")
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
    }
    env.pop("JUPYTER_CONFIG_DIR", None)
    script = course / "scripts" / "learner_setup.py"
    subprocess.run([sys.executable, script], env=env, check=True, capture_output=True)
    config = tmp_path / "home" / ".jupyter"
    disabled = json.loads((config / "labconfig" / "page_config.json").read_text())[
        "disabledExtensions"
    ]
    assert {k for k, v in disabled.items() if v} == {
        "@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list",
    }  # fmt: skip
    server = json.loads((config / "jupyter_server_config.json").read_text())["ServerApp"]
    assert server["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.assignment_list": False,
    }
    assert server["terminado_settings"]["shell_command"][-1] == "-i"  # not a login shell
    news = config / "lab/user-settings/@jupyterlab/apputils-extension"
    assert (
        json.loads((news / "notification.jupyterlab-settings").read_text())["fetchNews"] == "false"
    )
    assert mine.read_text() == "my own work", "the learner's copy was overwritten"
    copied = sorted(p.name for p in (course / "workspace").iterdir())
    assert copied == sorted(p.name for p in (COURSE / "exercises").iterdir() if p.is_dir())


def test_binder_installs_the_servers_lesson_18_starts():
    # repo2docker installs apt.txt's Debian packages; helpers.data_servers finds their programs.
    packages = (COURSE / "apt.txt").read_text().split()
    assert {"postgresql", "redis-server"} <= set(packages), packages
