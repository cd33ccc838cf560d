"""The pinned environments agree: pyproject.toml, constraints.txt (make, CI), environment.yml (Binder)."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import yaml
from packaging.requirements import Requirement

from scripts import version_matrix

COURSE = Path(__file__).resolve().parents[1]


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((COURSE / "pyproject.toml").read_text())["project"]


def _constraints() -> dict[str, str]:
    lines = (COURSE / "constraints.txt").read_text().splitlines()
    pairs = (line.split("==") for line in lines if "==" in line and not line.startswith("#"))
    return {_canonical(name): pinned for name, pinned in pairs}


def _binder_pins() -> dict[str, Requirement]:
    environment = yaml.safe_load((COURSE / "environment.yml").read_text())
    (pip,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    return {_canonical(Requirement(line).name): Requirement(line) for line in pip}


def test_every_dependency_is_pinned_within_its_range():
    pins = _constraints()
    project = _project()
    everything = project["dependencies"] + [
        d for extra in project["optional-dependencies"].values() for d in extra
    ]
    for dependency in everything:
        requirement = Requirement(dependency)
        pinned = pins.get(_canonical(requirement.name))
        assert pinned, f"{requirement.name} is not in constraints.txt: run make lock"
        assert requirement.specifier.contains(pinned), (
            f"constraints.txt pins {requirement.name}=={pinned}, outside {requirement.specifier}"
        )


def test_environment_yml_pins_the_runtime_dependencies_to_the_tested_versions():
    pins, binder = _constraints(), _binder_pins()
    runtime = {_canonical(Requirement(d).name): Requirement(d) for d in _project()["dependencies"]}
    assert binder.keys() == runtime.keys(), (
        f"environment.yml and pyproject.toml list different packages: {sorted(binder.keys() ^ runtime.keys())}"
    )
    for name, requirement in binder.items():
        assert str(requirement.specifier) == f"=={pins[name]}", f"environment.yml: {requirement}"
        assert requirement.marker == runtime[name].marker, f"{name}: markers differ"


def test_the_suite_runs_with_the_pinned_versions():
    stale = {
        name: (pinned, version(name))
        for name, pinned in _constraints().items()
        if _canonical(name) in {_canonical(Requirement(d).name) for d in _project()["dependencies"]}
        and version(name) != pinned
    }
    assert not stale, f"installed versions differ from constraints.txt (pinned, installed): {stale}"


def test_binder_runs_the_newest_supported_python():
    supported = version_matrix.supported_versions()
    assert supported[0] == _project()["requires-python"].removeprefix(">="), (
        "the oldest Python in pyproject.toml's classifiers should be requires-python's minimum"
    )
    environment = (COURSE / "environment.yml").read_text()
    assert f"\n  - python={supported[-1]}\n" in environment, "Binder should run the newest one"


def test_binder_installs_the_helpers_package():
    post_build = (COURSE / "postBuild").read_text()
    assert "pip install" in post_build and "-e ." in post_build
