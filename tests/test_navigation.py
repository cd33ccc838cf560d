"""The course's navigation is written from course.toml (scripts/course_navigation.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import course_scripts
import nbformat
import pytest

COURSE = Path(__file__).resolve().parents[1]
navigation = course_scripts.load("course_navigation")


def test_navigation_is_up_to_date():
    stale = [str(path.relative_to(COURSE)) for path in navigation.updates()]
    assert not stale, f"navigation out of date in {stale}: run `make navigation`"


def test_every_lesson_links_to_its_neighbours_and_exercise():
    lessons = navigation.manifest()
    for n, lesson in enumerate(lessons):
        header = nbformat.read(COURSE / "notebooks" / lesson.file, 4).cells[0].source
        if n > 0:
            assert f"**Previous:** {lessons[n - 1].link()}" in header
        if n + 1 < len(lessons):
            assert f"**Next:** {lessons[n + 1].link()}" in header
        assert (lesson.exercise_link() in header) == lesson.exercise


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    for name in ("course.toml", "README.md"):
        shutil.copy(COURSE / name, tmp_path / name)
    for folder in ("notebooks", "solutions"):
        shutil.copytree(COURSE / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.py"))
    return tmp_path


def test_a_new_title_reaches_every_place_that_shows_it(course_copy: Path):
    manifest = course_copy / "course.toml"
    manifest.write_text(manifest.read_text().replace('name = "errors"', 'name = "when it fails"'))
    stale = sorted(str(path.relative_to(course_copy)) for path in navigation.updates(course_copy))
    assert stale == [
        "README.md",
        "notebooks/00-welcome.ipynb",
        "notebooks/04-tasks.ipynb",  # its Next link; lesson 05's own heading is its title
        "notebooks/06-timeouts-and-cancellation.ipynb",
        "solutions/05-errors/05-errors.ipynb",
    ]


def test_a_new_heading_reaches_the_contents(course_copy: Path):
    path = course_copy / "notebooks" / "03-the-event-loop.ipynb"
    notebook = nbformat.read(path, 4)
    notebook.cells.insert(2, nbformat.v4.new_markdown_cell("## A `new` section\n\nText."))
    nbformat.write(notebook, path)
    header = navigation.updates(course_copy)[path].cells[0].source
    assert "1. [A `new` section](#A-new-section)" in header
    assert "2. [" in header  # the headings that were there stay, numbered after it


def test_a_notebook_missing_from_the_manifest_is_named(course_copy: Path):
    shutil.copy(
        course_copy / "notebooks" / "19-subprocesses.ipynb",
        course_copy / "notebooks" / "20-extra.ipynb",
    )
    with pytest.raises(navigation.NavigationError, match=r"20-extra\.ipynb"):
        navigation.updates(course_copy)


def test_a_header_without_a_place_for_its_links_is_named(course_copy: Path):
    path = course_copy / "notebooks" / "02-coroutines-and-await.ipynb"
    notebook = nbformat.read(path, 4)
    notebook.cells[0].source = notebook.cells[0].source.replace("**Time:**", "Time:")
    nbformat.write(notebook, path)
    with pytest.raises(navigation.NavigationError, match=r"02-coroutines-and-await.*Time"):
        navigation.updates(course_copy)
