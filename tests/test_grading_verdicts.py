"""Verdicts for answers as learners really write them, all graded in one real autograde run.

Honest answers that log, warn or write to stderr keep their points; an answer that blocks the
event loop loses them; edited cell roles are put back; tampering from an answer cell (an input
transformer, a monkeypatched measurement, writing the gradebook) gains nothing and is flagged;
runaways (a loop inside one C call, a killed kernel, a memory blow-up) cost only their own part.
The per-exercise catalogue of variants is in tests/catalogue and runs in test_grading_integrity.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import nbformat
import pytest
import variants
from nbgrader.utils import determine_grade

from helpers.grading.autograde import Status, TempCourse, assignments
from helpers.grading.nbgrader_plugins import ScoreByErrorsOnly

COURSE = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-why-async"
FAST = "c.Execute.timeout = 8\nc.GuardedExecute.probe_timeout = 3"


def _solution():
    return nbformat.read(COURSE / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)


def _release():
    return nbformat.read(COURSE / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)


def _cell(notebook, grade_id):
    return next(c for c in notebook.cells if variants.nbgrader_meta(c).get("grade_id") == grade_id)


def _changed(notebook, grade_id, change):
    notebook = copy.deepcopy(notebook)
    cell = _cell(notebook, grade_id)
    cell.source = change(cell.source) if callable(change) else change
    return notebook


def _before_solution(lines: str):
    """Put `lines` at the top of fetch_json's body, as a learner adding a debug line would."""
    return lambda source: source.replace(
        "    ### BEGIN SOLUTION", f"{lines}\n    ### BEGIN SOLUTION"
    )


def _edited_roles():
    notebook = _solution()
    _cell(notebook, "part2_tests").metadata["nbgrader"]["solution"] = True
    _cell(notebook, "part3_tests").metadata["nbgrader"]["grade"] = False
    _cell(notebook, "part4_tests").metadata["nbgrader"]["grade_id"] = "my_tests"
    return notebook


SERIAL_FETCH_ALL = """async def fetch_all(session, paths):
    results = []
    for path in paths:
        results.append(await fetch_json(session, path))
    return results
"""
FAKED_STATS = """
import helpers.server

_real_stats = helpers.server.MockServer.stats


def _looks_concurrent(self):
    seen = _real_stats(self)
    seen["max_in_flight"] = seen["requests"]
    return seen


helpers.server.MockServer.stats = _looks_concurrent
"""
BLANK_ALL_LATER_CELLS = """
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
raise NotImplementedError()
"""
HIDE_ERRORS = """
get_ipython().set_custom_exc((Exception,), lambda *args, **kwargs: None)
raise NotImplementedError()
"""
WRITE_GRADEBOOK = """
import glob
import sqlite3

MINE = \"\"\"
    update grade set manual_score = 100, extra_credit = 100 where notebook_id in (
        select n.id from submitted_notebook n join submitted_assignment a on n.assignment_id = a.id
        where a.student_id = 'writes-gradebook')
\"\"\"
for path in glob.glob("/tmp/**/gradebook.db", recursive=True):
    try:
        with sqlite3.connect(path, timeout=30) as db:
            db.execute(MINE)
    except sqlite3.Error:
        pass
"""

SUBMISSIONS = {
    "solution": _solution,
    "logs": lambda: _changed(
        _solution(),
        "part1_answer",
        _before_solution('    import logging\n\n    logging.warning("GET %s", path)'),
    ),
    "warns": lambda: _changed(
        _solution(),
        "part1_answer",
        _before_solution(
            '    import warnings\n\n    warnings.warn("old style", DeprecationWarning, stacklevel=1)'
        ),
    ),
    "prints-to-stderr": lambda: _changed(
        _solution(),
        "part2_answer",
        lambda source: (
            "import sys\n\n"
            + source.replace(
                "    results = []", '    print("debug:", paths, file=sys.stderr)\n    results = []'
            )
        ),
    ),
    "blocks-with-urllib": lambda: _changed(
        _solution(),
        "part1_answer",
        "import json\nimport urllib.request\n\n\nasync def fetch_json(session, path):\n"
        "    with urllib.request.urlopen(server.url + path) as response:\n"
        "        return json.loads(response.read())\n",
    ),
    "blocks-with-sleep": lambda: _changed(
        _solution(),
        "part2_answer",
        "import time\n\n\nasync def fetch_one_by_one(session, paths):\n    results = []\n"
        "    for path in paths:\n        time.sleep(0.1)  # be gentle with the server\n"
        "        results.append(await fetch_json(session, path))\n    return results\n",
    ),
    "edited-roles": _edited_roles,
    "transformer-blanks-tests": lambda: _changed(_release(), "part1_answer", BLANK_ALL_LATER_CELLS),
    "hides-errors": lambda: _changed(_release(), "part1_answer", HIDE_ERRORS),
    "fakes-stats": lambda: _changed(_solution(), "part3_answer", SERIAL_FETCH_ALL + FAKED_STATS),
    "loops-in-c": lambda: _changed(
        _solution(),
        "part2_answer",
        lambda s: s.replace("    results = []", "    sum(range(10**15))\n    results = []"),
    ),
    "kills-kernel": lambda: _changed(
        _solution(),
        "part2_answer",
        lambda s: s.replace(
            "    results = []",
            "    import os, signal\n\n    os.kill(os.getpid(), signal.SIGKILL)\n    results = []",
        ),
    ),
    "eats-memory": lambda: _changed(
        _solution(),
        "part2_answer",
        lambda s: s.replace("    results = []", "    hoard = bytearray(10**12)\n    results = []"),
    ),
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verdicts")
    paths = {}
    for student, build in SUBMISSIONS.items():
        paths[student] = folder / student / f"{ASSIGNMENT}.ipynb"
        variants.write(build(), paths[student])
    with TempCourse(COURSE, ASSIGNMENT, settings=FAST) as temp:
        return temp.autograde(paths)


def _scores(report):
    return {part.id: part.points for part in report.parts}


def _messages(report):
    return {part.id: part.message for part in report.parts}


@pytest.mark.parametrize("student", ["logs", "warns", "prints-to-stderr"])
def test_logging_warnings_and_stderr_cost_nothing(reports, student):
    report = reports[student]
    assert report.total == report.max == 10, _messages(report)
    assert not report.flags, report.flags


def test_blocking_the_loop_loses_the_parts_that_use_it(reports):
    urllib_messages = _messages(reports["blocks-with-urllib"])
    assert reports["blocks-with-urllib"].total <= 2, _scores(reports["blocks-with-urllib"])
    statuses = {part.id: part.status for part in reports["blocks-with-urllib"].parts}
    for part in ("part2_tests", "part3_tests", "part4_tests"):
        assert "blocked the event loop" in urllib_messages[part], urllib_messages
        assert "urllib.request.urlopen" in urllib_messages[part], urllib_messages
        assert statuses[part] is Status.BLOCKED_LOOP, statuses
    sleeping = reports["blocks-with-sleep"]
    assert _scores(sleeping)["part2_tests"] == 0, _messages(sleeping)
    assert sleeping.parts[1].status is Status.BLOCKED_LOOP, sleeping.parts[1]
    assert "time.sleep(0.1)" in _messages(sleeping)["part2_tests"]
    assert sleeping.total == 8, "the blocking answer should cost its own part only"


def test_edited_cell_roles_are_put_back_and_said(reports):
    report = reports["edited-roles"]
    assert report.total == report.max == 10, _messages(report)
    notes = " ".join(report.notes)
    for cell in ("part2_tests", "part3_tests", "part4_tests"):
        assert cell in notes, report.notes
    assert "renamed 'my_tests'" in notes, report.notes


def test_an_input_transformer_cannot_blank_the_tests(reports):
    report = reports["transformer-blanks-tests"]
    assert report.total == 0, _scores(report)
    flags = " ".join(report.flags)
    assert "input_transformers_post" in flags, report.flags


def test_an_exception_handler_cannot_hide_failing_tests(reports):
    report = reports["hides-errors"]
    assert report.total == 0, _scores(report)
    assert any("custom_exceptions" in flag for flag in report.flags), report.flags


def test_faked_measurements_do_not_pass_serial_code(reports):
    report = reports["fakes-stats"]
    assert _scores(report)["part3_tests"] == 0, _messages(report)
    assert any("MockServer.stats" in flag for flag in report.flags), report.flags


def test_writing_the_gradebook_gains_nothing_and_is_flagged(tmp_path):
    """A second submission from the same student: its answer writes full marks into its rows."""
    first, second = (
        tmp_path / "first" / f"{ASSIGNMENT}.ipynb",
        tmp_path / "second" / f"{ASSIGNMENT}.ipynb",
    )
    variants.write(_release(), first)
    variants.write(_changed(_release(), "part1_answer", WRITE_GRADEBOOK), second)
    with TempCourse(COURSE, ASSIGNMENT, settings=FAST) as temp:
        temp.autograde({"writes-gradebook": first})
        report = temp.autograde({"writes-gradebook": second})["writes-gradebook"]
    assert report.total == 0, _scores(report)
    assert any("manual score or extra credit" in flag for flag in report.flags), report.flags
    assert any("sqlite3" in flag for flag in report.flags), report.flags


@pytest.mark.parametrize(
    ("student", "said"),
    [
        ("loops-in-c", "time limit"),
        ("kills-kernel", "kernel died"),
        ("eats-memory", "MemoryError"),
    ],
)
def test_a_runaway_costs_only_its_own_part(reports, student, said):
    report = reports[student]
    assert _scores(report) == {
        "part1_tests": 2,
        "part2_tests": 0,
        "part3_tests": 3,
        "part4_tests": 3,
    }, _messages(report)
    assert said in _messages(report)["part2_tests"], _messages(report)


def test_a_part_that_could_not_be_interrupted_is_named_in_a_note(reports):
    assert any("could not be interrupted" in note for note in reports["loops-in-c"].notes)
    assert any("kernel died in part2_tests" in note for note in reports["kills-kernel"].notes)


def test_a_test_cell_is_scored_by_its_errors_alone():
    """stderr and a final value (which nbgrader reads as partial credit) change nothing."""
    cell = nbformat.v4.new_code_cell("check()")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 3}
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="WARNING:root:retrying\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "0"}, execution_count=1),
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert determine_grade(cell) == (0, 3)  # what nbgrader alone would give
    ScoreByErrorsOnly().preprocess(notebook, {})
    assert determine_grade(notebook.cells[0]) == (3, 3)
    assert notebook.cells[0].outputs[0].text == "WARNING:root:retrying\n"  # still shown


@pytest.mark.parametrize("assignment", assignments(COURSE))
def test_no_test_cell_ends_in_a_value(assignment):
    """nbgrader reads a test cell's final value as its score: learner code must not set it."""
    (path,) = (COURSE / "solutions" / assignment).glob("*.ipynb")
    for cell in nbformat.read(path, 4).cells:
        if variants.is_test(cell):
            tree = compile(
                cell.source,
                "<test cell>",
                "exec",
                ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
            )
            last = tree.body[-1] if tree.body else None
            printed = (
                isinstance(last, ast.Expr)
                and isinstance(last.value, ast.Call)
                and getattr(last.value.func, "id", "") == "print"
            )
            assert last is not None and (printed or not isinstance(last, ast.Expr)), (
                f"{assignment} {variants.nbgrader_meta(cell)['grade_id']} ends in an expression: "
                "end it with an assert or an assignment"
            )


def test_grading_stops_at_the_budget_and_says_so(tmp_path):
    path = tmp_path / "slow" / f"{ASSIGNMENT}.ipynb"
    variants.write(_solution(), path)
    with TempCourse(COURSE, ASSIGNMENT, settings="c.GuardedExecute.budget = 2") as temp:
        report = temp.autograde({"slow": path})["slow"]
    unrun = [p for p in report.parts if "budget of 2 s" in p.message]
    assert unrun and all(p.points == 0 for p in unrun), _messages(report)
    assert any("time budget" in note for note in report.notes), report.notes
