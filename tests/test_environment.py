"""environment.yml (Binder) mirrors pyproject.toml's dependencies."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

COURSE = Path(__file__).resolve().parents[1]


def _normal(spec: str) -> str:
    """A requirement without spaces or environment marker (conda has none; Binder is Linux)."""
    return spec.split(";")[0].replace(" ", "").lower()


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((COURSE / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((COURSE / "environment.yml").read_text())
    conda = {_normal(d) for d in environment["dependencies"] if isinstance(d, str)}
    runtime = {_normal(d) for d in project["dependencies"]}
    assert runtime <= conda, f"missing from environment.yml: {sorted(runtime - conda)}"
    extra = {d for d in conda - runtime if d.split("=")[0] not in {"python", "pip"}}
    assert not extra, f"in environment.yml but not in pyproject.toml: {sorted(extra)}"
    minimum = project["requires-python"].removeprefix(">=")
    assert f"python={minimum}" in conda, "environment.yml should pin the minimum Python version"


def test_binder_installs_the_helpers_package():
    post_build = (COURSE / "postBuild").read_text()
    assert "pip install" in post_build and "-e ." in post_build
