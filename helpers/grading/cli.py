"""The grade command, `python -m helpers.grade 01` (your copy in workspace/, see helpers.workspace).

Runs real nbgrader autograde, with the hidden tests, in a temporary course directory, then prints
each part's points and, for a failing part, the first line of what went wrong. It takes an
assignment folder or a notebook (also a copy elsewhere, in a folder named like the assignment).

    python -m helpers.grade 01                              your copy of exercise 01, a table
    python -m helpers.grade exercises/01-why-async          a table
    python -m helpers.grade exercises/01-why-async --json   one JSON object
    python -m helpers.grade --all                           every exercise, a progress table
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from helpers.grading.autograde import Report, Status, TempCourse, assignments, notebook_ids
from helpers.grading.submission_check import Unreadable, check, read_notebook
from helpers.workspace import learner_copy

PACKAGE_COURSE = Path(__file__).resolve().parents[2]  # the course this package was installed from
MESSAGE_WIDTH = 110


class UsageProblem(Exception):
    """The command line names something that cannot be graded; the message says why."""


def is_course(folder: Path) -> bool:
    return (folder / "nbgrader_config.py").is_file() and (folder / "solutions").is_dir()


def find_course(near: Path, explicit: Path | None) -> Path:
    """The course root: --course, else a folder above `near`, else where this package lives."""
    if explicit is not None:
        if not is_course(explicit):
            raise UsageProblem(
                f"{explicit} is not the course folder (no nbgrader_config.py and solutions/)"
            )
        return explicit.resolve()
    for folder in [near.resolve(), *near.resolve().parents]:
        if is_course(folder):
            return folder
    if is_course(PACKAGE_COURSE):
        return PACKAGE_COURSE
    raise UsageProblem(
        "could not find the course folder (the one with nbgrader_config.py and solutions/); "
        "run this from inside it or pass --course PATH"
    )


def learners_folder(course: Path, assignment: str) -> Path:
    """Where the learner works on an exercise: their workspace copy, else exercises/."""
    return learner_copy(course, assignment) or course / "exercises" / assignment


def resolve_target(target: Path, course: Path) -> tuple[str, Path]:
    """(assignment id, notebook path) for a folder, a notebook or an exercise's name or number."""
    known = assignments(course)
    if not target.exists():
        named = [a for a in known if str(target) in (a, a.split("-", 1)[0])]
        if len(named) == 1:
            target = learners_folder(course, named[0])
    if target.is_dir():
        assignment = target.resolve().name
        if assignment not in known:
            raise UsageProblem(
                f"{target} is not named like an exercise; expected one of: {', '.join(known)}"
            )
        names = notebook_ids(course, assignment)
        found = [target / f"{name}.ipynb" for name in names if (target / f"{name}.ipynb").exists()]
        if not found:
            candidates = sorted(target.glob("*.ipynb"))
            if len(candidates) != 1:
                raise UsageProblem(f"no {names[0]}.ipynb in {target}; name the notebook to grade")
            found = candidates
        return assignment, found[0]
    if target.suffix != ".ipynb":
        raise UsageProblem(f"{target} is neither a folder nor a .ipynb notebook")
    for assignment in (target.resolve().parent.name, target.stem):
        if assignment in known:
            return assignment, target
    raise UsageProblem(
        f"cannot tell which exercise {target} is: keep it in a folder named like the exercise "
        f"({', '.join(known)})"
    )


def grade_notebook(course: Path, assignment: str, notebook: Path) -> Report:
    """Check and grade one learner notebook; problems become the report's error and notes."""
    try:
        submitted = read_notebook(notebook)
    except Unreadable as exc:
        return Report(assignment, error=str(exc))
    with TempCourse(course, assignment) as temp:
        name = f"{notebook_ids(course, assignment)[0]}.ipynb"
        release = read_notebook(temp.release / name)
        source = read_notebook(course / "solutions" / assignment / name)
        notes = check(submitted, release, source)
        report = temp.autograde({"you": notebook})["you"]
    restored = " ".join(report.notes)  # what the grader put back says it better than a guess
    report.notes[:0] = [note for grade_id, note in notes.items() if grade_id not in restored]
    return report


def _points(value: float) -> str:
    return f"{value:g}"


def _clip(text: str, width: int = MESSAGE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_report(report: Report, notebook: Path) -> str:
    lines = [f"Exercise {report.assignment}: {notebook}", ""]
    if report.parts:
        width = max(len(part.title) for part in report.parts)
        for part in report.parts:
            score = f"{_points(part.points)} / {_points(part.max)}"
            verdict = "passed" if part.status is Status.PASSED else _clip(part.message)
            lines.append(f"  {part.title:<{width}}  {score:>9}  {verdict}")
        lines.append("")
    for note in report.notes:
        lines.append(f"Note: {note}")
    if report.flags:
        lines.append(
            "Tampering suspected (an instructor will look; a part's points do not depend on it):"
        )
        lines += [f"  - {flag}" for flag in report.flags]
    if report.error:
        lines.append(f"Could not grade: {report.error}")
    if report.parts:
        lines.append(f"Total: {_points(report.total)} / {_points(report.max)}")
    return "\n".join(lines)


def _status(report: Report) -> str:
    if report.error:
        return "could not grade (run it alone for details)"
    if report.max and report.total >= report.max:
        return "done"
    if all(part.status is Status.NOT_ANSWERED for part in report.parts):
        return "not started"
    to_fix = sum(part.points < part.max for part in report.parts)
    return f"{to_fix} part{'s' if to_fix != 1 else ''} to finish"


def format_progress(rows: list[tuple[str, Report]]) -> str:
    width = max(len(name) for name, _ in rows)
    lines = [f"  {'exercise':<{width}}  {'score':>9}  status"]
    for name, report in rows:
        score = f"{_points(report.total)} / {_points(report.max)}"
        lines.append(f"  {name:<{width}}  {score:>9}  {_status(report)}")
    total = sum(r.total for _, r in rows)
    most = sum(r.max for _, r in rows)
    lines += ["", f"Total: {_points(total)} / {_points(most)}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.grade",
        description="Grade an exercise with nbgrader, hidden tests included, and show what to fix.",
    )
    parser.add_argument("target", nargs="?", type=Path, help="an exercise folder or notebook")
    parser.add_argument("--all", action="store_true", help="grade every exercise in exercises/")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--course", type=Path, help="the course folder (found automatically)")
    args = parser.parse_args(argv)
    if bool(args.target) == args.all:
        parser.error("name one exercise folder or notebook, or use --all")

    try:
        course = find_course(args.target or Path.cwd(), args.course)
        if args.all:
            folders = [learners_folder(course, name) for name in assignments(course)]
            targets = [resolve_target(folder, course) for folder in folders if folder.is_dir()]
        else:
            targets = [resolve_target(args.target, course)]
    except UsageProblem as exc:
        parser.exit(2, f"python -m helpers.grade: {exc}\n")

    rows = []
    for assignment, notebook in targets:
        if not args.json:
            print(f"grading {notebook} ...", file=sys.stderr, flush=True)
        rows.append((assignment, notebook, grade_notebook(course, assignment, notebook)))

    if args.all:
        if args.json:
            reports = [report.to_dict() for _, _, report in rows]
            total = {
                "total": sum(r["total"] for r in reports),
                "max": sum(r["max"] for r in reports),
            }
            print(json.dumps({**total, "assignments": reports}, indent=2))
        else:
            print(format_progress([(assignment, report) for assignment, _, report in rows]))
        return 0
    _, notebook, report = rows[0]
    print(json.dumps(report.to_dict(), indent=2) if args.json else format_report(report, notebook))
    return 1 if report.error and not report.parts else 0
