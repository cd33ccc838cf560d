"""The course in a real JupyterLab, driven in Debian's Chromium by Playwright.

JupyterLab runs from the project's environment on a copy of the course. The tests open lessons,
run all their cells from the Run menu and read what the page shows, then answer an exercise in
the browser and press nbgrader's Validate button. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
import variants

COURSE = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = COURSE / "test-artifacts"
RUN_ALL_SECONDS = 90

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium instead of a downloaded browser, quiet on a closed network.

    Module-scoped on purpose: Playwright's synchronous API keeps an event loop running in this
    thread while it is open, which later asyncio tests in the same process could not start under.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _quiet_user_settings(home: Path) -> None:
    """No news pop-up and no update check: they would cover the page."""
    folder = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True)
    settings = {"fetchNews": "false", "checkForUpdates": False}
    (folder / "notification.jupyterlab-settings").write_text(json.dumps(settings))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the course; yields a function that makes page URLs."""
    root = tmp_path_factory.mktemp("lab")
    course, home = root / "course", root / "home"
    for folder in ("notebooks", "exercises"):
        shutil.copytree(COURSE / folder, course / folder, ignore=shutil.ignore_patterns("*.py"))
    _quiet_user_settings(home)
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
    }
    env.pop("JUPYTER_CONFIG_DIR", None)
    start = [sys.executable, "-m", "jupyterlab", "--allow-root", f"--ServerApp.root_dir={course}"]
    yield from _serve(root, course, env, start)


def _open_notebook(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell .jp-InputPrompt", timeout=60_000)
    page.get_by_text("| Idle").wait_for(timeout=60_000)  # the kernel is up


def _run_all(page) -> None:
    page.click("#jp-MainMenu >> text=Run")
    page.click('li[data-command="runmenu:run-all"]')
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=RUN_ALL_SECONDS * 1000,
    )


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _errors_shown(page) -> list[str]:
    selector = (
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
    )
    return page.locator(selector).all_inner_texts()


@pytest.mark.parametrize(
    ("lesson", "printed"),
    [
        ("00-welcome", "waited 0.1 s without blocking the kernel"),
        ("01-why-async", "5 requests, at most 5 in flight at once"),
    ],
)
def test_a_lesson_runs_all_cells_in_jupyterlab(lab, page, lesson, printed):
    _open_notebook(page, lab(f"notebooks/{lesson}.ipynb"))
    _run_all(page)
    _screenshot(page, f"lesson-{lesson}")
    assert page.get_by_text(printed).count() >= 1, f"{lesson}: {printed!r} is not on the page"
    images = page.locator(".jp-RenderedImage img")
    assert images.count() >= 1, f"{lesson}: no timeline image was rendered"
    assert images.first.evaluate("img => img.naturalWidth") > 100, "the timeline image is empty"
    assert not _errors_shown(page), f"{lesson} showed errors: {_errors_shown(page)}"
    if lesson == "01-why-async":
        _click_the_explorer(page)


def _click_the_explorer(page) -> None:
    """Lesson 01's concurrency explorer draws its chart in the widget, on every click."""
    explorer = page.locator(".widget-vbox", has=page.locator(".widget-slider")).first
    charts = explorer.locator(".widget-output img")
    for click in (1, 2):
        explorer.locator("button", has_text="Run").click()
        page.wait_for_function(
            """() => [...document.querySelectorAll('.widget-vbox button')]
                .some(b => b.textContent.includes('Run') && !b.disabled)""",
            timeout=30_000,
        )
        charts.first.wait_for(timeout=30_000)
        assert charts.count() == 1, f"click {click}: {charts.count()} charts in the explorer"
        assert charts.first.evaluate("img => img.naturalWidth") > 100, "the chart is empty"
    explorer.scroll_into_view_if_needed()
    _screenshot(page, "lesson-01-explorer")


def test_an_answered_exercise_passes_validate_in_jupyterlab(lab, page):
    solution = nbformat.read(COURSE / "solutions" / "01-why-async" / "01-why-async.ipynb", 4)
    answers = [cell.source for cell in solution.cells if variants.is_answer(cell)]
    _open_notebook(page, lab("exercises/01-why-async/01-why-async.ipynb"))
    stubs = page.locator(".jp-CodeCell", has_text="raise NotImplementedError()")
    assert stubs.count() == len(answers) == 4
    for answer in answers:  # each answered cell drops out of `stubs`
        stubs.first.locator(".cm-content").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(answer)
    assert stubs.count() == 0, "some answer cells still hold the stub"
    page.keyboard.press("Control+S")
    page.locator(".validate-button").first.click()
    result = page.locator(".validation-success, .validation-failed")
    result.first.wait_for(timeout=120_000)
    _screenshot(page, "exercise-01-validate")
    assert "passes all the tests" in page.locator(".validation-success").inner_text(), page.locator(
        ".validation-failed"
    ).all_inner_texts()


# -- the learner's JupyterLab, as `make lab` starts it -------------------------------------------


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory):
    """JupyterLab on a copy of the course, started as `make lab` starts it: scripts/course.py lab
    (with the suite's environment, which holds the same pins)."""
    root = tmp_path_factory.mktemp("learner-lab")
    course, home = root / "course", root / "home"
    for folder in ("helpers", "scripts", "solutions"):
        shutil.copytree(COURSE / folder, course / folder, ignore=shutil.ignore_patterns("__py*"))
    for folder in ("notebooks", "exercises"):  # without the scripts lessons write
        shutil.copytree(COURSE / folder, course / folder, ignore=shutil.ignore_patterns("*.py"))
    for name in ("nbgrader_config.py", "pyproject.toml", "constraints.txt"):
        shutil.copy(COURSE / name, course)
    terminal = course / ".jupyter-learner/lab/user-settings/@jupyterlab/terminal-extension"
    terminal.mkdir(parents=True)  # text the test can read (the terminal draws pixels otherwise)
    (terminal / "plugin.jupyterlab-settings").write_text(json.dumps({"screenReaderMode": True}))
    env = {**os.environ, "HOME": str(home)}
    env.pop("JUPYTER_CONFIG_DIR", None)  # course.py sets it
    start = [sys.executable, "scripts/course.py", "lab", "--venv", sys.prefix]
    yield from _serve(root, course, env, start)


def _serve(root: Path, course: Path, env: dict, start: list[str]):
    """Run `start` (a JupyterLab command) with a port and token of our own; yield URL makers."""
    port, token = _free_port(), secrets.token_hex(16)
    log = (root / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [
            *start, "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=course,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(
                    f"JupyterLab did not start:\n{(root / 'jupyterlab.log').read_text()[-3000:]}"
                )
            time.sleep(0.3)
    yield lambda path: f"{base}/lab/tree/{path}?reset&token={token}"
    server.terminate()
    server.wait(10)
    log.close()


def test_learner_mode_offers_no_instructor_tools(learner_lab, page):
    _open_notebook(page, learner_lab("notebooks/00-welcome.ipynb"))
    menu = page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True)
    if menu.count():
        menu.click()
        page.wait_for_timeout(500)
    _screenshot(page, "learner-menu")
    for tool in ("Formgrader", "Create Assignment", "Course List", "Assignment List"):
        assert page.get_by_text(tool, exact=True).count() == 0, f"{tool} is offered to learners"
    assert page.locator(".validate-button").count() == 1  # the learner's own check stays


def test_a_learner_solves_and_grades_exercise_01_without_leaving_jupyterlab(learner_lab, page):
    solution = nbformat.read(COURSE / "solutions" / "01-why-async" / "01-why-async.ipynb", 4)
    answers = [cell.source for cell in solution.cells if variants.is_answer(cell)]
    _open_notebook(page, learner_lab("workspace/01-why-async/01-why-async.ipynb"))
    stubs = page.locator(".jp-CodeCell", has_text="raise NotImplementedError()")
    for answer in answers:
        stubs.first.locator(".cm-content").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(answer)
    assert stubs.count() == 0, "some answer cells still hold the stub"
    page.keyboard.press("Control+S")
    page.get_by_text("| Idle").wait_for(timeout=30_000)
    grade_cell = page.locator(".jp-CodeCell", has_text="grade_exercise(").last
    grade_cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    grade_cell.get_by_text("Total: 10 / 10").wait_for(timeout=120_000)
    grade_cell.scroll_into_view_if_needed()
    _screenshot(page, "learner-grades-in-the-notebook")

    page.click("#jp-MainMenu >> text=File")
    page.locator(".lm-Menu-item", has_text="New").first.hover()
    page.click('li[data-command="terminal:create-new"]')
    page.locator(".jp-Terminal").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # the shell's prompt
    page.locator(".jp-Terminal").first.click()
    page.keyboard.type("python -m helpers.grade 01\n")
    try:  # xterm writes spaces as no-break spaces
        page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-Terminal .xterm-accessibility-tree')]
                .some(rows => rows.innerText.replace(/\u00a0/g, ' ').includes('Total: 10 / 10'))""",
            timeout=120_000,
        )
    finally:
        _screenshot(page, "learner-grades-in-the-terminal")
