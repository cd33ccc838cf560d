"""The grader facing broken and hostile submissions, all in one autograde run with a good one.

Each bad notebook must get a readable report (a message per part, or a paragraph for the whole
notebook) and must not disturb the gradebook or anybody else's grade.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
import variants

from helpers.grading.autograde import Status, TempCourse

COURSE = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-why-async"
CELL_TIMEOUT = 8  # seconds; the course's own setting is 60, this keeps the endless cell short


def _solution():
    return nbformat.read(COURSE / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)


def _with(grade_id: str, source: str):
    notebook = _solution()
    for cell in notebook.cells:
        if variants.nbgrader_meta(cell).get("grade_id") == grade_id:
            cell.source = source
    return notebook


def _without_setup():
    notebook = _solution()
    notebook.cells = [
        c for c in notebook.cells if variants.nbgrader_meta(c).get("grade_id") != "setup"
    ]
    return notebook


HOSTILE = {
    "exits": lambda: _with("part2_answer", "import sys\n\nsys.exit(1)"),
    "kills-kernel": lambda: _with("part2_answer", "import os\n\nos._exit(1)"),
    "loops-forever": lambda: _with("part2_answer", "while True:\n    pass"),
    "floods-output": lambda: _with("part2_answer", "print('x' * 20_000_000)"),
    "empties-setup": lambda: _with("setup", ""),
    "deletes-setup": _without_setup,
}
RELABELLED = {"no-metadata": lambda: variants.without_nbgrader_metadata(_solution())}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for student, build in {"good": _solution, **HOSTILE, **RELABELLED}.items():
        paths[student] = folder / student / f"{ASSIGNMENT}.ipynb"
        variants.write(build(), paths[student])
    broken = folder / "invalid-json" / f"{ASSIGNMENT}.ipynb"
    broken.parent.mkdir()
    broken.write_text(paths["good"].read_text()[:5000])
    paths["invalid-json"] = broken
    with TempCourse(COURSE, ASSIGNMENT, settings=f"c.Execute.timeout = {CELL_TIMEOUT}") as temp:
        graded = temp.autograde(paths)
        from nbgrader.api import Gradebook

        with Gradebook(temp.gradebook_url) as gradebook:
            recorded = {
                s.id: gradebook.find_submission(ASSIGNMENT, s.id).score for s in gradebook.students
            }
    return graded, recorded


def test_the_good_submission_keeps_full_marks(reports):
    graded, recorded = reports
    assert graded["good"].total == graded["good"].max == 10
    assert recorded["good"] == 10, "the gradebook lost the good student's score"


@pytest.mark.parametrize("student", [*sorted(set(HOSTILE) - {"empties-setup"}), "invalid-json"])
def test_a_bad_submission_gets_a_readable_report(reports, student):
    graded, recorded = reports
    report = graded[student]
    assert len(report.parts) == 4, f"{student}: every part should still be listed"
    failed = [p for p in report.parts if p.points < p.max]
    assert failed, f"{student} lost no points"
    if report.error:  # the notebook as a whole could not be graded: one paragraph says why
        assert "Traceback" not in report.error and len(report.error.splitlines()) == 1, report.error
    else:
        assert all(p.message and "Traceback" not in p.message for p in failed), report.parts
    assert recorded.get(student, 0) == report.total, f"{student}: gradebook and report disagree"


def test_what_each_bad_submission_is_told(reports):
    graded, _ = reports
    killed = graded["kills-kernel"]
    assert not killed.error and "kernel died" in killed.parts[1].message, killed
    assert killed.parts[1].status is Status.KERNEL_DIED, killed.parts[1]
    assert killed.parts[0].points == 2, "a part that passed before the kernel died keeps its points"
    part2 = {student: graded[student].parts[1].message for student in ("exits", "loops-forever")}
    assert "SystemExit" in part2["exits"] or "fetch_one_by_one" in part2["exits"], part2
    assert (
        "time limit" in part2["loops-forever"] or "KeyboardInterrupt" in part2["loops-forever"]
    ), part2
    assert graded["floods-output"].parts[0].points == 2, (
        "a flood of output in part 2 should not cost part 1"
    )
    assert graded["empties-setup"].total == 10, "an emptied read-only setup cell is put back"
    assert "NameError" in graded["deletes-setup"].parts[0].message
    relabelled = graded["no-metadata"]
    assert relabelled.total == 10, "an editor that dropped the labels should not cost a point"
    assert any("lost its nbgrader label" in note for note in relabelled.notes), relabelled.notes


FAILS_ONCE = """\
import os, sys
from pathlib import Path

marker = Path(sys.argv[1])
if not marker.exists():  # the first start: die before answering, as a kernel whose port was taken
    marker.touch()
    sys.exit(1)
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[2:]])
"""


def test_a_kernel_that_dies_while_starting_is_started_again(tmp_path, monkeypatch):
    spec = tmp_path / "jupyter" / "kernels" / "fails-once"
    spec.mkdir(parents=True)
    (spec / "start.py").write_text(FAILS_ONCE)
    argv = [sys.executable, str(spec / "start.py"), str(tmp_path / "started")]
    kernel = {"argv": [*argv, "-f", "{connection_file}"], "display_name": "x", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    path = tmp_path / "student" / f"{ASSIGNMENT}.ipynb"
    variants.write(_solution(), path)
    with TempCourse(COURSE, ASSIGNMENT, settings='c.Execute.kernel_name = "fails-once"') as temp:
        report = temp.autograde({"student": path})["student"]
    assert (tmp_path / "started").exists(), "the first kernel never ran, so nothing was tested"
    assert not report.error and report.total == 10, (report.error, report.parts)
