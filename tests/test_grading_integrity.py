"""Grading integrity, for every assignment in solutions/.

Each assignment is graded once, in real nbgrader autograde runs whose "students" are probes:
the full solution, the untouched exercise, the solution with each answer reverted to its stub,
exercises whose test cells were edited or deleted, one answer stuck in a busy loop, and the
variant catalogue (tests/catalogue): answers learners really write, each with its verdict, plus
two built for every exercise: one that logs, warns and writes to stderr (full marks) and one that
blocks the event loop in every coroutine (each such part loses points). Grading mostly waits (on
the exercises' own pauses, servers and subprocesses: a third of a core), so the probes are split
between two autograde runs at once, each in a temporary course of its own.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import catalogue
import nbformat
import pytest
import variants

from helpers.grading.autograde import Report, TempCourse, assignments, notebook_ids

COURSE = Path(__file__).resolve().parents[1]
RUNS = 2  # autograde runs at once per assignment (1: one after another, no other process)


@dataclass
class Graded:
    assignment: str
    release: dict[str, nbformat.NotebookNode]  # generated now, by nbgrader
    committed: Path  # exercises/<assignment>
    solution: nbformat.NotebookNode
    reports: dict[str, Report]
    answers: list[str]
    busy: str | None  # the answer cell made to spin, if it defines functions
    seconds: float
    blocked: list[str]  # the answer cells the generic blocking variant changed
    variants: list[catalogue.Variant]  # the catalogue's, graded as "variant-<name>"


def _grade_probes(assignment: str, tmp: Path) -> Graded:
    (name,) = notebook_ids(COURSE, assignment)  # one notebook per assignment (course design)
    solution = nbformat.read(COURSE / "solutions" / assignment / f"{name}.ipynb", 4)
    committed = COURSE / "exercises" / assignment
    with TempCourse(COURSE, assignment) as temp:
        release = nbformat.read(temp.release / f"{name}.ipynb", 4)
        answers = variants.answer_ids(solution)
        probes = {
            "solution": solution,
            "untouched": nbformat.read(committed / f"{name}.ipynb", 4),
            "tests-edited": variants.tests_replaced(release, "pass"),
            "tests-deleted": variants.tests_replaced(release, None),
            "reverted-edited": variants.tests_replaced(
                variants.revert_answer(solution, release, answers[0]), "pass"
            ),
        }
        for grade_id in answers:
            probes[f"reverted-{grade_id}"] = variants.revert_answer(solution, release, grade_id)
        busy = next((g for g in reversed(answers) if variants.busy_answer(solution, g)), None)
        if busy:
            probes[f"busy-{busy}"] = variants.busy_answer(solution, busy)
        probes["noisy"] = variants.noisy(solution)
        exempt = set(catalogue.blocking_exempt(assignment))
        probes["blocking"], blocked = variants.blocking(solution, exempt)
        listed = catalogue.variants_for(assignment)
        for variant in listed:
            probes[f"variant-{variant.name}"] = variants.with_answers(solution, variant.answers)
        paths = {}
        for student, notebook in probes.items():
            paths[student] = tmp / student / f"{name}.ipynb"
            variants.write(notebook, paths[student])
        started = time.perf_counter()
        shards = [dict(list(paths.items())[i::RUNS]) for i in range(RUNS)]
        # spawn, since nbgrader and pytest-xdist run threads; the first shard is graded here
        with ProcessPoolExecutor(max(RUNS - 1, 1), mp_context=get_context("spawn")) as pool:
            others = [pool.submit(_autograde, assignment, shard) for shard in shards[1:]]
            reports = temp.autograde(shards[0])
            for other in others:
                reports.update(other.result())
        seconds = time.perf_counter() - started
        generated = {p.name: nbformat.read(p, 4) for p in temp.release.glob("*.ipynb")}
    return Graded(
        assignment, generated, committed, solution, reports, answers, busy, seconds, blocked, listed
    )


def _autograde(assignment: str, submissions: dict[str, Path]) -> dict[str, Report]:
    """Grade `submissions` in a temporary course of their own (run in another process)."""
    with TempCourse(COURSE, assignment) as temp:
        return temp.autograde(submissions)


@pytest.fixture(scope="module", params=assignments(COURSE))
def graded(request, tmp_path_factory) -> Graded:
    result = _grade_probes(request.param, tmp_path_factory.mktemp(request.param))
    print(f"\n{request.param}: {len(result.reports)} probes graded in {result.seconds:.1f} s")
    return result


def _scores(report: Report) -> dict[str, float]:
    return {part.id: part.points for part in report.parts}


def test_solution_scores_full_marks(graded):
    report = graded.reports["solution"]
    failing = [f"{p.id}: {p.message}" for p in report.parts if p.points < p.max]
    assert report.total == report.max > 0, f"the solution lost points: {failing}"
    assert 3 <= len(report.parts) <= 6, f"{len(report.parts)} graded parts; the design asks for 3-6"


def test_untouched_exercise_scores_zero_and_is_graded(graded):
    report = graded.reports["untouched"]
    assert not report.error, f"the grader could not grade the untouched exercise: {report.error}"
    assert report.total == 0, f"an untouched exercise earns points: {_scores(report)}"
    assert all(part.message for part in report.parts), (
        "every part of a blank exercise should say why"
    )


def test_exercises_folder_is_what_generate_assignment_makes(graded):
    committed = {p.name: nbformat.read(p, 4) for p in graded.committed.glob("*.ipynb")}
    assert committed.keys() == graded.release.keys(), (
        f"exercises/{graded.assignment} holds {sorted(committed)}, nbgrader makes {sorted(graded.release)}"
    )
    for name, notebook in graded.release.items():
        assert json.dumps(committed[name], sort_keys=True) == json.dumps(
            notebook, sort_keys=True
        ), (
            f"exercises/{graded.assignment}/{name} differs from what nbgrader generates: "
            "run `make exercises` and commit the result"
        )


def test_nothing_secret_leaks_into_the_exercise(graded):
    secrets = variants.secret_lines(graded.solution)
    assert secrets, "the solution has no solution or hidden-test lines to protect"
    for path in graded.committed.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path
            for notebook_cell in nbformat.reads(text, 4).cells if path.suffix == ".ipynb" else []:
                lines = {line.strip() for line in notebook_cell.source.splitlines()}
                leaked = lines & secrets
                assert not leaked, (
                    f"{path.name} shows solution or hidden-test lines: {sorted(leaked)}"
                )


def test_every_answer_cell_is_really_tested(graded):
    full = graded.reports["solution"].total
    for grade_id in graded.answers:
        report = graded.reports[f"reverted-{grade_id}"]
        assert report.total < full, (
            f"reverting {grade_id} to its stub still scores {report.total}/{report.max}: "
            "no test depends on that answer"
        )


def test_edited_or_deleted_test_cells_gain_nothing(graded):
    assert graded.reports["tests-edited"].total == 0, _scores(graded.reports["tests-edited"])
    assert graded.reports["tests-deleted"].total == 0, _scores(graded.reports["tests-deleted"])
    cheat = graded.reports["reverted-edited"].total
    honest = graded.reports[f"reverted-{graded.answers[0]}"].total
    assert cheat <= honest, (
        f"replacing test cells with `pass` raised the score from {honest} to {cheat}"
    )


def test_busy_loop_costs_only_its_own_parts(graded):
    if graded.busy is None:
        pytest.skip("no answer cell defines a function to make busy")
    busy = graded.reports[f"busy-{graded.busy}"]
    reverted = graded.reports[f"reverted-{graded.busy}"]
    assert not busy.error, busy.error
    assert _scores(busy) == _scores(reverted), (
        f"a busy loop in {graded.busy} should cost exactly what a blank answer costs; "
        f"busy {_scores(busy)} vs blank {_scores(reverted)}"
    )
    stopped = [p for p in busy.parts if p.points < p.max]
    assert any("blocked the event loop" in p.message for p in stopped), [p.message for p in stopped]
    # within() stopped it in about a second: no cell had to wait for nbgrader's cell timeout.
    assert not any("time limit" in p.message for p in busy.parts), [p.message for p in busy.parts]


def test_logging_warnings_and_stderr_cost_nothing(graded):
    report = graded.reports["noisy"]
    failing = {p.id: p.message for p in report.parts if p.points < p.max}
    assert not failing, f"an answer that logs, warns and prints to stderr lost points: {failing}"


def test_blocking_the_loop_in_an_answer_costs_its_part(graded):
    owners = variants.own_tests(graded.solution)
    scores = _scores(graded.reports["blocking"])
    kept = [owners[a] for a in graded.blocked if scores[owners[a]] >= _max(graded, owners[a])]
    assert not kept, (
        f"time.sleep(0.15) in every coroutine of {graded.blocked} still passed {kept}: "
        "call the answer under within() so blocking the event loop fails"
    )


def test_the_variant_catalogue_gets_its_verdicts(graded):
    assert graded.variants, f"tests/catalogue has no variants for {graded.assignment}"
    problems = {}
    for variant in graded.variants:
        report = graded.reports[f"variant-{variant.name}"]
        found = catalogue.verdict_problems(
            variant, {p.id: (p.points, p.max, p.message) for p in report.parts}
        )
        if found:
            problems[f"{variant.kind} {variant.name} ({variant.because})"] = found + (
                [report.error] if report.error else []
            )
    assert not problems, "\n".join(f"{name}: {found}" for name, found in problems.items())


def _max(graded: Graded, part: str) -> float:
    return next(p.max for p in graded.reports["solution"].parts if p.id == part)
