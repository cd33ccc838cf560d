"""The lessons' shape and stored outputs (nbval re-runs them; these check what it does not)."""

from __future__ import annotations

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
    missing = [link for link in local if not (lesson.parent / link).exists()]
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
