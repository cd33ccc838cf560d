"""Write the Binder launch links (`make links`): the README badge, and one link in the first cell
of every lesson and exercise that opens JupyterLab at that notebook.

Every link is built from the repository address in pyproject.toml ([project.urls] Repository),
the only place it is written. Exercises get their link through their source in solutions/, so
run `make exercises` afterwards (`make links` does).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat

COURSE = Path(__file__).resolve().parents[1]
BRANCH = "main"
BADGE = re.compile(
    r"^\[!\[Launch on Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\(.*\)$", re.M
)
LINK = re.compile(r"^\[Launch this (lesson|exercise) on Binder\]\(.*\)$", re.M)


def repository() -> str:
    project = tomllib.loads((COURSE / "pyproject.toml").read_text())["project"]
    return project["urls"]["Repository"]


def binder_url(path: str) -> str:
    """The Binder address that opens JupyterLab at `path` (relative to the repository root)."""
    owner, name = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)/?", repository()).groups()
    return f"https://mybinder.org/v2/gh/{owner}/{name}/{BRANCH}?urlpath=lab/tree/{path}"


def badge() -> str:
    url = binder_url("notebooks/00-welcome.ipynb")
    return f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({url})"


def link(kind: str, path: str) -> str:
    return f"[Launch this {kind} on Binder]({binder_url(path)})"


def with_line(text: str, pattern: re.Pattern, line: str) -> str:
    """`text` with `line` in place of the one `pattern` matches, or added after its first line."""
    if pattern.search(text):
        return pattern.sub(lambda _: line, text, count=1)
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{line}\n{rest}" if rest else f"{title}\n\n{line}"


def targets() -> list[tuple[Path, str, str]]:
    """(notebook holding the link, "lesson" or "exercise", the path the link opens)."""
    lessons = [
        (p, "lesson", f"notebooks/{p.name}") for p in sorted((COURSE / "notebooks").glob("*.ipynb"))
    ]
    exercises = [  # Binder's postBuild copies every exercise into the learner's workspace
        (p, "exercise", f"workspace/{p.parent.name}/{p.name}")
        for p in sorted((COURSE / "solutions").glob("*/*.ipynb"))
    ]
    return lessons + exercises


def main() -> None:
    readme = COURSE / "README.md"
    readme.write_text(with_line(readme.read_text(), BADGE, badge()))
    for notebook_path, kind, opens in targets():
        notebook = nbformat.read(notebook_path, as_version=4)
        first = notebook.cells[0]
        updated = with_line(first.source, LINK, link(kind, opens))
        if updated != first.source:
            first.source = updated
            nbformat.write(notebook, notebook_path)
    print(f"Binder links written for {repository()}")


if __name__ == "__main__":
    main()
