"""The lessons' shape and stored outputs (nbval re-runs them; these check what it does not)."""

from __future__ import annotations

import ast
import base64
import re
from pathlib import Path

import nbformat
import pytest

COURSE = Path(__file__).resolve().parents[1]
LESSONS = sorted((COURSE / "notebooks").glob("[0-9][0-9]-*.ipynb"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _cells(path: Path, kind: str) -> list:
    return [c for c in nbformat.read(path, 4).cells if c.cell_type == kind]


def _markdown(path: Path) -> str:
    return "\n".join(c.source for c in _cells(path, "markdown"))


def test_lessons_exist():
    assert [p.name for p in LESSONS][:2] == ["00-welcome.ipynb", "01-why-async.ipynb"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_header_and_recap(lesson):
    text = _markdown(lesson)
    for required in ("**You will:**", "**You need:**", "**Time:**", "## Contents", "## Recap"):
        assert required in text, f"{lesson.name} has no {required!r}"


@pytest.mark.parametrize(
    "lesson", [p for p in LESSONS if p.stem != "00-welcome"], ids=lambda p: p.stem
)
def test_script_counterpart_uses_asyncio_run(lesson):
    sources = [c.source for c in _cells(lesson, "code")]
    scripts = [s for s in sources if s.startswith("%%writefile") and "asyncio.run(" in s]
    assert scripts, f"{lesson.name} has no %%writefile cell with asyncio.run"
    name = scripts[0].split()[1]
    assert any(s.strip() == f"!python {name}" for s in sources), f"{lesson.name} never runs {name}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_no_asyncio_run_in_live_cells(lesson):
    for cell in _cells(lesson, "code"):
        if cell.source.startswith("%%writefile"):
            continue
        tags = cell.metadata.get("tags", [])
        assert "asyncio.run(" not in cell.source or "raises-exception" in tags, (
            f"{lesson.name}: use top-level await in the notebook, not asyncio.run:\n{cell.source}"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_relative_links_point_at_files(lesson):
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", _markdown(lesson))
    local = [link for link in links if "://" not in link]
    # Links to an exercise open the learner's copy, which `make lab` makes from exercises/.
    released = [link.replace("../workspace/", "../exercises/", 1) for link in local]
    missing = [link for link in released if not (lesson.parent / link).exists()]
    assert not missing, f"{lesson.name} links to missing files: {missing}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_plot_cell_stored_a_real_png(lesson):
    plot_cells = [c for c in _cells(lesson, "code") if re.search(r"\.plot\(\)\s*$", c.source)]
    assert plot_cells, f"{lesson.name} draws no plot: show at least one timeline or lag chart"
    for cell in plot_cells:
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, (
            f"{lesson.name}: a plot cell stored {len(images)} images:\n{cell.source}"
        )
        png = base64.b64decode(images[0]["data"]["image/png"])
        assert png.startswith(PNG_SIGNATURE) and len(png) > 5_000, (
            "the stored plot is not a real PNG"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_outputs_are_stored_and_error_free(lesson):
    code = _cells(lesson, "code")
    assert all(c.execution_count for c in code), (
        f"{lesson.name} has cells that never ran: make lessons"
    )
    for cell in code:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" not in cell.metadata.get("tags", []):
            assert not errors, f"{lesson.name}: unexpected error stored in\n{cell.source}"


def _live_code(lesson: Path) -> list[tuple[str, ast.Module]]:
    """(source, syntax tree) of each code cell that is plain Python (no magics or shell lines)."""
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    cells = []
    for cell in _cells(lesson, "code"):
        if any(line.lstrip().startswith(("%", "!")) for line in cell.source.splitlines()):
            continue
        cells.append((cell.source, compile(cell.source, lesson.name, "exec", flags)))
    return cells


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_process_pools_in_the_kernel_choose_their_start_method(lesson):
    """The default on Linux up to 3.13, fork, copies the kernel's threads' locks (3.12+ warns)."""
    for source, tree in _live_code(lesson):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ProcessPoolExecutor":
                keywords = {keyword.arg for keyword in node.keywords}
                assert "mp_context" in keywords, (
                    f"{lesson.name}: a process pool in the kernel needs an explicit mp_context "
                    f"(spawn or forkserver):\n{source}"
                )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_what_newer_versions_print_comes_from_a_version_guard(lesson):
    """The sanitizer drops the '[Python 3.X has no ...; newer versions print:]' line: it must only
    come from the older branch of a cell that checks sys.version_info."""
    for cell in _cells(lesson, "code"):
        text = "".join(output.get("text", "") for output in cell.outputs)
        if re.search(r"\[Python 3\.\d+ has no [^\]\n]+; newer versions print:\]", text):
            assert "sys.version_info" in cell.source, (
                f"{lesson.name}: prints what newer versions print without a version guard:\n"
                f"{cell.source}"
            )


EXERCISES = sorted((COURSE / "solutions").glob("*/*.ipynb"))


def _anchors(path: Path) -> set[str]:
    """The ids JupyterLab gives the notebook's headings: their text, spaces turned into '-'."""
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", _markdown(path), flags=re.MULTILINE):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
        text = re.sub(r"[`*]", "", text)  # code and emphasis marks are not part of the text
        anchors.add(text.replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("notebook", LESSONS + EXERCISES, ids=lambda p: p.stem)
def test_anchor_links_point_at_headings(notebook):
    broken = []
    # An anchor may hold balanced parentheses: (#What-drain()-does).
    links = re.findall(r"\]\(([^)#\s]*)#((?:[^()\s]|\([^()\s]*\))+)\)", _markdown(notebook))
    for target, anchor in links:
        if "://" in target:
            continue
        linked = notebook if not target else notebook.parent / target
        linked = (
            COURSE / "exercises" / linked.relative_to(COURSE / "workspace")
            if (COURSE / "workspace" in linked.resolve().parents)
            else linked
        )
        if linked.suffix == ".ipynb" and anchor not in _anchors(linked.resolve()):
            broken.append(f"{target}#{anchor}")
    assert not broken, f"{notebook.name} links to headings that do not exist: {broken}"
