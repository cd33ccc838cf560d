"""The Kubernetes files in docs/hub agree with each other, with the pins, and with the classroom
that tests/test_hub_classroom.py runs (no Kubernetes here: these checks read, they do not deploy)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

COURSE = Path(__file__).resolve().parents[1]
HUB = COURSE / "docs" / "hub"


def _pins() -> dict[str, str]:
    lines = (COURSE / "constraints.txt").read_text().splitlines()
    return dict(line.lower().split("==") for line in lines if "==" in line)


def _image_exchange() -> str:
    found = re.search(r"settings --exchange (\S+)", (HUB / "Dockerfile").read_text())
    assert found, "the Dockerfile no longer writes the students' settings"
    return found.group(1)


def test_the_image_installs_the_pinned_course_and_single_user_server():
    dockerfile = (HUB / "Dockerfile").read_text()
    assert '--constraint /tmp/course/constraints.txt "/tmp/course[hub]"' in dockerfile
    assert "jupyterhub" in _pins(), "constraints.txt must pin jupyterhub (pyproject's hub extra)"
    assert 'CMD ["jupyterhub-singleuser"]' in dockerfile


def test_the_exchange_volume_is_where_the_image_points_nbgrader():
    values = yaml.safe_load((HUB / "config.yaml").read_text())
    mounts = values["singleuser"]["storage"]["extraVolumeMounts"]
    volumes = {v["name"]: v for v in values["singleuser"]["storage"]["extraVolumes"]}
    exchange = [m for m in mounts if m["mountPath"] == _image_exchange()]
    assert exchange, f"no volume is mounted at {_image_exchange()}"
    assert "persistentVolumeClaim" in volumes[exchange[0]["name"]]
    assert values["singleuser"]["cmd"] == "jupyterhub-singleuser"


def test_the_image_settings_are_the_classrooms(tmp_path: Path):
    subprocess.run(
        [sys.executable, COURSE / "scripts" / "hub_classroom.py", "settings",
         "--environment", tmp_path, "--exchange", _image_exchange()],
        check=True,
    )  # fmt: skip
    config = (tmp_path / "etc" / "jupyter" / "nbgrader_config.py").read_text()
    assert f'c.Exchange.root = "{_image_exchange()}"' in config
    server = (tmp_path / "etc" / "jupyter" / "jupyter_server_config.json").read_text()
    assert '"nbgrader.server_extensions.formgrader": false' in server
    assert '"-i"' in server  # terminals keep the environment's PATH


def test_the_guide_names_the_pinned_jupyterhub():
    guide = (COURSE / "docs" / "instructors.md").read_text()
    assert f"JupyterHub {_pins()['jupyterhub']}" in guide
