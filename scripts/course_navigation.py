"""Write the course's navigation from course.toml (`make navigation`; `--check` only reports).

From the manifest's titles, names and times it writes each lesson's title line, time, links to
the previous and next lesson and to the exercise, and the contents list (from the lesson's own
`##` headings); the lesson's closing links; each exercise's title and link to its lesson; the
README course map; and the table in lesson 00. Prose around them is left as written. Exercises
get theirs through their source in solutions/, so run `make exercises` afterwards (`make
navigation` does).
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

COURSE = Path(__file__).resolve().parents[1]
LAST_LESSON_NEXT = (
    "**Next:** this was the last lesson. Go back to the\n"
    "[course map](00-welcome.ipynb#How-the-course-works) for any lesson you want to revisit; if\n"
    "you teach with this course, the [instructor guide](../docs/instructors.md) shows how to run\n"
    "it with nbgrader."
)


class NavigationError(Exception):
    """The manifest and the notebooks do not fit together; the message says where."""


@dataclass(frozen=True)
class Lesson:
    slug: str  # the notebook's name: notebooks/<slug>.ipynb, solutions/<slug>/<slug>.ipynb
    title: str  # the lesson's heading
    name: str  # what links and tables call it
    minutes: int
    exercise: bool

    @property
    def number(self) -> str:
        return self.slug[:2]

    @property
    def file(self) -> str:
        return f"{self.slug}.ipynb"

    def link(self) -> str:
        """A link to the lesson from another lesson."""
        return f"[{self.number} · {self.name}]({self.file})"

    def exercise_link(self) -> str:
        """A link from a lesson to the learner's own copy of the exercise."""
        return f"[exercise {self.number}](../workspace/{self.slug}/{self.file})"


def manifest(course: Path = COURSE) -> list[Lesson]:
    """The lessons of course.toml, checked against the notebooks that exist."""
    entries = tomllib.loads((course / "course.toml").read_text())["lessons"]
    lessons = [
        Lesson(e["slug"], e["title"], e["name"], int(e["minutes"]), bool(e.get("exercise", True)))
        for e in entries
    ]
    listed = [lesson.file for lesson in lessons]
    present = sorted(p.name for p in (course / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    if listed != present:
        raise NavigationError(
            f"course.toml lists {listed}, in this order, but notebooks/ holds {present}"
        )
    with_exercise = sorted(lesson.slug for lesson in lessons if lesson.exercise)
    solutions = sorted(p.parent.name for p in (course / "solutions").glob("*/*.ipynb"))
    if with_exercise != solutions:
        raise NavigationError(
            f"course.toml gives exercises to {with_exercise}, but solutions/ holds {solutions}"
        )
    return lessons


def anchor(heading: str) -> str:
    """The id JupyterLab gives a heading: its text without code or emphasis marks, '-' for ' '."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    return re.sub(r"[`*]", "", text).replace(" ", "-")


def contents(notebook: nbformat.NotebookNode) -> str:
    headings = [
        line[3:].strip()
        for cell in notebook.cells[1:]
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    items = [f"{n}. [{h}](#{anchor(h)})" for n, h in enumerate(headings, start=1)]
    return "\n".join(["## Contents", *items])


def replace(text: str, pattern: str, new: str, where: str, wanted: str) -> str:
    """`text` with the one match of `pattern` (multi-line mode) replaced by `new`; `wanted` says
    in words what the pattern finds, for the error when it finds nothing."""
    updated, count = re.subn(pattern, lambda _: new, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise NavigationError(f"{where} has no {wanted} for the navigation to go in")
    return updated


PARAGRAPH = r".*(?:\n.+)*"  # the rest of a paragraph: its lines up to a blank one or the end


def lesson_header(text: str, lesson: Lesson, before: Lesson | None, after: Lesson | None) -> str:
    links = []
    if before:
        links.append(f"**Previous:** {before.link()}")
    if after:
        links.append(f"**Next:** {after.link()}")
    if lesson.exercise:
        links.append(f"**Exercise:** {lesson.exercise_link()}")
    where = f"notebooks/{lesson.file}, first cell"
    title = f"# {lesson.number} · {lesson.title}"
    text = replace(text, r"\A# .*", title, where, "`# ` title line at the top")
    time = f"**Time:** about {lesson.minutes} minutes."
    text = replace(text, r"^\*\*Time:\*\* .*", time, where, "`**Time:**` line")
    navigation = " ·\n".join(links)
    return replace(
        text, r"^\*\*(?:Previous|Next):\*\*" + PARAGRAPH, navigation, where, "`**Previous:**` line"
    )
    return text


def lesson_closing(text: str, lesson: Lesson, after: Lesson | None) -> str:
    where = f"notebooks/{lesson.file}, last cell"
    if lesson.exercise:
        practise = (
            f"**Now practise:** {lesson.exercise_link()},\n"
            f"then grade it with `python -m helpers.grade {lesson.number}`."
        )
        text = replace(
            text, r"^\*\*Now practise:\*\*" + PARAGRAPH, practise, where, "`**Now practise:**` line"
        )
    following = f"**Next:** {after.link()}." if after else LAST_LESSON_NEXT
    return replace(text, r"^\*\*Next:\*\*" + PARAGRAPH, following, where, "`**Next:**` line")


def exercise_header(text: str, lesson: Lesson) -> str:
    where = f"solutions/{lesson.slug}/{lesson.file}, first cell"
    title = f"# Exercise {lesson.number}: {lesson.name}"
    text = replace(text, r"\A# .*", title, where, "`# ` title line at the top")
    lesson_link = f"[lesson {lesson.number}, {lesson.name}](../../notebooks/{lesson.file})"
    pattern = r"(?<=^Practice for )\[[^\]]*\]\([^)]*\)"
    return replace(
        text, pattern, lesson_link, where, "line starting `Practice for [lesson ...](...)`"
    )


def table(text: str, rows: list[str], where: str) -> str:
    pattern = r"^\| # \|.*\n(?:\|.*\n?)*"
    return replace(text, pattern, "\n".join(rows) + "\n", where, "table starting `| # |`")


def readme_map(lessons: list[Lesson]) -> list[str]:
    rows = ["| # | lesson | time | exercise |", "|---|---|---|---|"]
    for lesson in lessons:
        exercise = (
            f"[exercise {lesson.number}](exercises/{lesson.slug}/{lesson.file})"
            if lesson.exercise
            else "none"
        )
        rows.append(
            f"| {lesson.number} | [{lesson.name}](notebooks/{lesson.file}) "
            f"| {lesson.minutes} min | {exercise} |"
        )
    return rows


def welcome_table(lessons: list[Lesson]) -> list[str]:
    rows = ["| # | lesson | time | exercise |", "|---|---|---|---|"]
    for n, lesson in enumerate(lessons):
        name = f"{lesson.name} (this notebook)" if n == 0 else f"[{lesson.name}]({lesson.file})"
        exercise = lesson.exercise_link() if lesson.exercise else "none"
        rows.append(f"| {lesson.number} | {name} | {lesson.minutes} min | {exercise} |")
    return rows


def _written(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"  # as nbformat.write stores it


def lesson_updates(
    course: Path, lessons: list[Lesson], n: int
) -> dict[Path, nbformat.NotebookNode]:
    """Lesson n's notebook and exercise source, where their navigation is out of date."""
    lesson = lessons[n]
    before = lessons[n - 1] if n > 0 else None
    after = lessons[n + 1] if n + 1 < len(lessons) else None
    where = f"notebooks/{lesson.file}"
    path = course / "notebooks" / lesson.file
    notebook = nbformat.read(path, as_version=4)
    header, closing = notebook.cells[0], notebook.cells[-1]
    header.source = replace(
        lesson_header(header.source, lesson, before, after),
        r"^## Contents\n(?:.*\n?)*",
        contents(notebook),
        f"{where}, first cell",
        "`## Contents` list at the end",
    )
    closing.source = lesson_closing(closing.source, lesson, after)
    if n == 0:
        for cell in notebook.cells:
            if cell.source.startswith("## How the course works"):
                cell.source = table(cell.source, welcome_table(lessons), f"{where}, course table")
    changed = {path: notebook} if _written(notebook) != path.read_text() else {}
    if lesson.exercise:
        source = course / "solutions" / lesson.slug / lesson.file
        exercise = nbformat.read(source, as_version=4)
        exercise.cells[0].source = exercise_header(exercise.cells[0].source, lesson)
        if _written(exercise) != source.read_text():
            changed[source] = exercise
    return changed


def updates(course: Path = COURSE) -> dict[Path, str | nbformat.NotebookNode]:
    """Every file whose navigation is out of date, with its new content."""
    lessons = manifest(course)
    changed: dict[Path, str | nbformat.NotebookNode] = {}
    for n in range(len(lessons)):
        changed.update(lesson_updates(course, lessons, n))
    readme = course / "README.md"
    text = readme.read_text()
    new = table(text, readme_map(lessons), "README.md's course map")
    if new != text:
        changed[readme] = new
    return changed


def main(arguments: list[str]) -> int:
    check = arguments == ["--check"]
    try:
        pending = updates()
    except NavigationError as error:
        print(f"course_navigation: {error}", file=sys.stderr)
        return 2
    for path, content in pending.items():
        name = path.relative_to(COURSE)
        if check:
            print(f"out of date: {name}")
        elif isinstance(content, str):
            path.write_text(content)
            print(f"written: {name}")
        else:
            nbformat.write(content, path)
            print(f"written: {name}")
    if check and pending:
        print("run `make navigation` to write them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
