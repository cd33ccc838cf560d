"""Autograde with the isolated kernel: student code cannot read the hidden tests, the gradebook or
other students' work, and the exercise is graded as usual (real nbgrader, real kernel).

Needs Linux, root, and util-linux's unshare and setpriv; skipped, saying which is missing, where
they are not there.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
import variants

from helpers.grading import isolated_kernel
from helpers.grading.autograde import TempCourse

COURSE = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-why-async"

missing = [tool for tool in ("unshare", "setpriv", "mount") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0 or bool(missing),
    reason=f"needs Linux and root with util-linux (missing: {missing or 'root'})",
)

LOOK_AROUND = """

import os

for path in LOOK_AT:
    try:
        if os.path.isdir(path):
            print("SEEN", path, sorted(os.listdir(path)))
        else:
            with open(path, "rb") as handle:
                print("SEEN" if handle.read() else "EMPTY", path)
    except OSError as error:
        print("HIDDEN", path, type(error).__name__)
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("isolation")
    kernels = folder / "kernels"
    # The kernel gets a /tmp of its own; a course elsewhere shows that each path is covered.
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, "/var/tmp"
    try:
        return _grade(folder, kernels)
    finally:
        tempfile.tempdir = saved_tempdir


def _grade(folder: Path, kernels: Path):
    with TempCourse(
        COURSE, ASSIGNMENT, settings=f"c.Execute.kernel_name = {isolated_kernel.KERNEL_NAME!r}"
    ) as temp:
        secrets = [
            str(temp.root / "solutions"),
            str(temp.root / "submitted"),
            str(temp.root / "autograded"),
            temp.gradebook_url.removeprefix("sqlite:///"),
        ]
        spec = kernels / "kernels" / isolated_kernel.KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps(isolated_kernel.kernelspec(secrets)))
        solution = nbformat.read(COURSE / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
        curious = variants.with_answers(
            solution,
            {
                "part1_answer": variants.answer_source(solution, "part1_answer")
                + f"\n\nLOOK_AT = {secrets!r}"
                + LOOK_AROUND
            },
        )
        paths = {"curious": folder / "curious" / f"{ASSIGNMENT}.ipynb"}
        variants.write(curious, paths["curious"])
        paths["other"] = folder / "other" / f"{ASSIGNMENT}.ipynb"
        variants.write(solution, paths["other"])
        saved = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(kernels), saved]))
        try:
            reports = temp.autograde(paths)
        finally:
            if saved is None:
                del os.environ["JUPYTER_PATH"]
            else:
                os.environ["JUPYTER_PATH"] = saved
        notebook = nbformat.read(
            temp.root / "autograded" / "curious" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4
        )
    seen = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if variants.nbgrader_meta(cell).get("grade_id") == "part1_answer"
        for output in cell.outputs
    )
    return reports, secrets, seen


def test_the_kernel_sees_none_of_the_instructors_files(graded):
    _, secrets, seen = graded
    *folders, gradebook = secrets
    for path in folders:
        assert f"HIDDEN {path} PermissionError" in seen, seen
    assert f"EMPTY {gradebook}" in seen, seen
    assert "SEEN" not in seen, seen


def test_grading_in_the_isolated_kernel_gives_the_usual_scores(graded):
    reports, _, _ = graded
    for student in ("curious", "other"):
        report = reports[student]
        assert report.total == report.max == 10, [p.message for p in report.parts]


def test_an_exercise_that_starts_its_own_redis_is_graded_in_isolation(tmp_path):
    """Exercise 18's setup cell starts redis-server from inside the kernel: fenced in, without
    capabilities and with a /tmp of its own, it still runs, and the solution gets full marks."""
    from helpers.data_servers import ServerNotInstalled, redis_binary

    try:
        redis_binary()
    except ServerNotInstalled:
        pytest.skip("redis-server is not installed (apt install redis-server)")
    assignment = "18-databases"
    kernels = tmp_path / "kernels"
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, "/var/tmp"
    try:
        with TempCourse(
            COURSE, assignment, settings=f"c.Execute.kernel_name = {isolated_kernel.KERNEL_NAME!r}"
        ) as temp:
            secrets = [str(temp.root / "solutions"), temp.gradebook_url.removeprefix("sqlite:///")]
            spec = kernels / "kernels" / isolated_kernel.KERNEL_NAME
            spec.mkdir(parents=True)
            (spec / "kernel.json").write_text(json.dumps(isolated_kernel.kernelspec(secrets)))
            saved = os.environ.get("JUPYTER_PATH")
            os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(kernels), saved]))
            try:
                report = temp.autograde(
                    {"ada": COURSE / "solutions" / assignment / f"{assignment}.ipynb"}
                )["ada"]
            finally:
                if saved is None:
                    del os.environ["JUPYTER_PATH"]
                else:
                    os.environ["JUPYTER_PATH"] = saved
    finally:
        tempfile.tempdir = saved_tempdir
    assert report.total == report.max == 11, [p.message for p in report.parts]
