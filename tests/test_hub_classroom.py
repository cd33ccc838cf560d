"""A real JupyterHub classroom: real Unix users, the hub's proxy from npm, nbgrader's exchange.

scripts/hub_classroom.py builds the classroom as docs/instructors.md section 9 describes (the
course installed once for everyone with the distribution's Python, private homes, the instructor
tools for the instructor alone). Then one round of exercise 01 runs the way the people in it
would, through the hub's REST API and each user's own server: the instructor generates and
releases it with the Formgrader's API; three students fetch it, write their answers with the
contents API and submit; the instructor collects, autogrades and releases feedback; each student
fetches their feedback; the instructor exports the grades from a JupyterLab terminal.

It needs root (it creates users), configurable-http-proxy, and the classroom environment
(`python3 scripts/hub_classroom.py install`, which needs the network); `.ci/run` provides all
three. Elsewhere it is skipped, saying which is missing.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import course_scripts
import nbformat
import pytest
import variants

COURSE = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-why-async"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"

hub_classroom = course_scripts.load("hub_classroom")

CLASSROOM = hub_classroom.Classroom(
    instructor="hubtest-teacher", students=["hubtest-ada", "hubtest-ben", "hubtest-cleo"]
)
ADA, BEN, CLEO = CLASSROOM.students
EXPECTED_SCORES = {ADA: 10.0, BEN: 4.0, CLEO: 0.0}  # all parts, parts 1 and 2, nothing


def _why_not() -> str | None:
    if sys.platform != "linux" or os.geteuid() != 0:
        return "needs root on Linux: it creates Unix users"
    for command in ("useradd", "userdel", "runuser", "pkill"):
        if shutil.which(command) is None:
            return f"needs {command} (the passwd and util-linux packages)"
    if shutil.which("configurable-http-proxy") is None:
        return (
            "needs configurable-http-proxy: npm install -g configurable-http-proxy (.ci/run does)"
        )
    if not (CLASSROOM.venv / "bin" / "jupyterhub").exists():
        return (
            f"no classroom environment in {CLASSROOM.prefix}: run "
            "`python3 scripts/hub_classroom.py install` as root (.ci/run does)"
        )
    if not CLASSROOM.is_current():
        return (
            f"the classroom environment in {CLASSROOM.prefix} holds another version of the "
            "course: run `python3 scripts/hub_classroom.py install` again"
        )
    return None


WHY_NOT = _why_not()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Hub:
    """The hub's REST API and, through its proxy, each user's server, with the service token."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token

    def call(self, method: str, path: str, *, json_body: Any = None, form: dict | None = None):
        data, headers = None, {"Authorization": f"token {self.token}"}
        if json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif method != "GET":
            data = b""
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=180) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(
                f"{method} {path}: {error.code} {error.read().decode(errors='replace')[:2000]}"
            ) from None
        return json.loads(body) if body.strip() else None

    def user(self, name: str, method: str, path: str, **kwargs):
        return self.call(method, f"/user/{name}{path}", **kwargs)

    def action(self, student: str, action: str) -> Any:
        """One of nbgrader's Assignments-panel actions, as the panel sends it."""
        form = {"course_id": hub_classroom.COURSE_ID, "assignment_id": ASSIGNMENT}
        result = self.user(student, "POST", f"/assignments/{action}", form=form)
        assert result.get("success", True), f"{student} {action}: {result}"
        return result

    def formgrader(self, method: str, path: str) -> Any:
        result = self.user(CLASSROOM.instructor, method, f"/formgrader/api{path}")
        if isinstance(result, dict) and "success" in result:
            assert result["success"], f"formgrader {path}: {result}"
        return result

    def lab_settings(self, user: str) -> dict:
        """The settings JupyterLab's page hands the browser at /lab: what a user's Lab loads."""
        request = urllib.request.Request(
            f"{self.url}/user/{user}/lab", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            page = response.read().decode()
        found = re.search(
            r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S
        )
        assert found, f"no settings in {user}'s /lab page"
        return json.loads(found.group(1))

    def start_servers(self, users: list[str]) -> None:
        for user in users:
            self.call("POST", f"/hub/api/users/{user}/server")
        deadline = time.monotonic() + 180
        waiting = set(users)
        while waiting and time.monotonic() < deadline:
            for user in sorted(waiting):
                server = self.call("GET", f"/hub/api/users/{user}")["servers"].get("", {})
                if server.get("ready"):
                    waiting.discard(user)
            time.sleep(0.5)
        assert not waiting, f"servers never became ready: {sorted(waiting)}"

    def terminal(self, user: str, command: str) -> str:
        """Run `command` in a new JupyterLab terminal of `user`'s; what the terminal showed."""
        name = self.user(user, "POST", "/api/terminals")["name"]
        marker = "END-OF-COMMAND"
        url = f"{self.url}/user/{user}/terminals/websocket/{name}".replace("http", "ws", 1)

        async def converse() -> str:
            shown = ""
            headers = {"Authorization": f"token {self.token}"}
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(url, headers=headers) as terminal,
                asyncio.timeout(120),
            ):
                await terminal.send_json(["stdin", f"{command}; echo {marker}-$?\r"])
                async for message in terminal:
                    kind, *payload = json.loads(message.data)
                    if kind == "stdout":
                        shown += payload[0]
                    if f"{marker}-" in shown.replace(f"{marker}-$?", ""):
                        return shown  # the command's own echo shows `$?`, its end a number
            return shown

        try:
            return asyncio.run(converse())
        finally:
            self.user(user, "DELETE", f"/api/terminals/{name}")


def _as_user(user: str, attempts: list[tuple[str, str]]) -> dict[str, str]:
    """Try each (action, path) as the Unix user `user`: "allowed" or the error it met."""
    probe = """
import json, os, sys
results = {}
for action, path in json.loads(sys.argv[1]):
    try:
        if action == "read":
            open(path, "rb").close()
        elif action == "list":
            os.listdir(path)
        elif action == "write":
            open(path, "ab").close()
        results[f"{action} {path}"] = "allowed"
    except OSError as error:
        results[f"{action} {path}"] = type(error).__name__
print(json.dumps(results))
"""
    python = str(CLASSROOM.venv / "bin" / "python")
    done = subprocess.run(
        ["runuser", "-u", user, "--", python, "-c", probe, json.dumps(attempts)],
        capture_output=True, text=True, check=True, cwd="/",
    )  # fmt: skip
    return json.loads(done.stdout)


def _answers(student: str, fetched: nbformat.NotebookNode) -> nbformat.NotebookNode:
    solution = nbformat.read(COURSE / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    if student == ADA:
        return solution
    if student == BEN:
        without_3 = variants.revert_answer(solution, fetched, "part3_answer")
        return variants.revert_answer(without_3, fetched, "part4_answer")
    return fetched


def _wait_until_up(hub: Hub, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            hub.call("GET", "/hub/api/")
            return
        except (OSError, AssertionError):
            assert process.poll() is None, f"the hub ended:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, "the hub did not answer within 60 s"
            time.sleep(0.5)


@pytest.fixture(scope="module")
def classroom():
    """The classroom, its hub running; everything (users, homes, processes) goes afterwards."""
    CLASSROOM.remove()  # what a run that was killed may have left
    token = os.urandom(24).hex()
    port, hub_port, proxy_port = _free_port(), _free_port(), _free_port()
    CLASSROOM.add_users()
    try:
        CLASSROOM.write_hub_config(port, hub_port, proxy_port, password=os.urandom(12).hex())
        env = {
            "PATH": os.environ["PATH"],
            "LANG": "C.UTF-8",
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),  # the suite's offline guard
            "CLASSROOM_API_TOKEN": token,
        }
        with open(CLASSROOM.hub_dir / "hub.log", "w") as log:
            hub_process = subprocess.Popen(
                CLASSROOM.hub_command(), cwd=CLASSROOM.hub_dir, env=env, stdout=log, stderr=log
            )
            try:
                hub = Hub(f"http://127.0.0.1:{port}", token)
                _wait_until_up(hub, hub_process, CLASSROOM.hub_dir / "hub.log")
                hub.start_servers(CLASSROOM.users)
                yield hub
            finally:
                hub_process.terminate()  # the hub stops the users' servers as it goes
                try:
                    hub_process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    hub_process.kill()
    finally:
        CLASSROOM.remove()


@pytest.fixture(scope="module")
def round_of_exercise_01(classroom: Hub) -> dict[str, Any]:
    """One round of exercise 01, from generate to export; what each step gave back."""
    hub = classroom
    hub.formgrader("POST", f"/assignment/{ASSIGNMENT}/assign")
    hub.formgrader("POST", f"/assignment/{ASSIGNMENT}/release")
    for student in CLASSROOM.students:
        hub.action(student, "fetch")
        model = hub.user(student, "GET", f"/api/contents/{NOTEBOOK}?content=1")
        fetched = nbformat.from_dict(model["content"])
        answered = _answers(student, fetched)
        body = {"type": "notebook", "format": "json", "content": answered}
        hub.user(student, "PUT", f"/api/contents/{NOTEBOOK}", json_body=body)
        hub.action(student, "submit")
    hub.formgrader("POST", f"/assignment/{ASSIGNMENT}/collect")
    for student in CLASSROOM.students:
        hub.formgrader("POST", f"/submission/{ASSIGNMENT}/{student}/autograde")
    submissions = hub.formgrader("GET", f"/submissions/{ASSIGNMENT}")
    hub.formgrader("POST", f"/assignment/{ASSIGNMENT}/generate_feedback")
    hub.formgrader("POST", f"/assignment/{ASSIGNMENT}/release_feedback")
    feedback = {}
    for student in CLASSROOM.students:
        hub.action(student, "fetch_feedback")
        folder = hub.user(student, "GET", f"/api/contents/{ASSIGNMENT}/feedback")["content"]
        pages = []
        for attempt in folder:  # a folder per submission, named by its time
            listing = f"/api/contents/{urllib.parse.quote(attempt['path'])}"
            for page in hub.user(student, "GET", listing)["content"]:
                if page["name"].endswith(".html"):
                    path = urllib.parse.quote(page["path"])
                    url = f"/api/contents/{path}?content=1&type=file&format=text"
                    pages.append(hub.user(student, "GET", url)["content"])
        feedback[student] = pages
    shown = hub.terminal(
        CLASSROOM.instructor, "cd ~/async-course && nbgrader export --to=grades.csv"
    )
    url = "/api/contents/async-course/grades.csv?content=1&type=file&format=text"
    export = hub.user(CLASSROOM.instructor, "GET", url)["content"]
    return {"submissions": submissions, "feedback": feedback, "export": export, "shown": shown}


def test_the_formgrader_sees_every_submission_graded(round_of_exercise_01):
    scores = {s["student"]: s["score"] for s in round_of_exercise_01["submissions"]}
    assert scores == EXPECTED_SCORES


def test_grades_exported_from_the_instructors_terminal(round_of_exercise_01):
    assert "END-OF-COMMAND-0" in round_of_exercise_01["shown"], round_of_exercise_01["shown"]
    rows = list(csv.DictReader(io.StringIO(round_of_exercise_01["export"])))
    assert {row["student_id"]: float(row["score"]) for row in rows} == EXPECTED_SCORES
    assert {float(row["max_score"]) for row in rows} == {10.0}


def test_each_student_gets_their_own_feedback(round_of_exercise_01):
    feedback = round_of_exercise_01["feedback"]
    for student, score in EXPECTED_SCORES.items():
        assert len(feedback[student]) == 1, f"{student}: {len(feedback[student])} feedback pages"
        assert f"Score: {score} / 10.0" in feedback[student][0], student


def test_terminals_keep_the_course_environment(classroom: Hub):
    shown = classroom.terminal(CLASSROOM.students[0], "command -v nbgrader python")
    assert f"{CLASSROOM.venv}/bin/nbgrader" in shown, shown
    assert f"{CLASSROOM.venv}/bin/python" in shown, shown


def test_instructor_tools_are_the_instructors_alone(classroom: Hub):
    assert classroom.formgrader("GET", "/status")["status"] is True
    with pytest.raises(AssertionError, match="404"):
        classroom.user(CLASSROOM.students[0], "GET", "/formgrader/api/status")
    tools = {f"@jupyter/nbgrader:{n}" for n in hub_classroom.INSTRUCTOR_LAB_EXTENSIONS}
    teacher = set(classroom.lab_settings(CLASSROOM.instructor)["disabledExtensions"])
    student = set(classroom.lab_settings(CLASSROOM.students[0])["disabledExtensions"])
    assert not tools & teacher, f"the instructor's Lab leaves out {tools & teacher}"
    assert tools <= student, f"a student's Lab has {tools - student}"
    assert "@jupyter/nbgrader:assignment-list" not in student  # the students' Assignments panel


def test_students_read_nothing_of_the_instructors_or_each_others(round_of_exercise_01):
    course = CLASSROOM.course_folder()
    exchange = CLASSROOM.exchange / hub_classroom.COURSE_ID
    for student in CLASSROOM.students:
        other = next(s for s in CLASSROOM.students if s != student)
        own, others = CLASSROOM.home(student), CLASSROOM.home(other)
        closed = [
            ("list", str(CLASSROOM.home(CLASSROOM.instructor))),
            ("read", str(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")),
            ("read", str(course / "gradebook.db")),
            ("read", str(course / "submitted" / other / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")),
            ("list", str(others)),
            ("read", str(others / NOTEBOOK)),
            ("write", str(others / NOTEBOOK)),
            ("list", str(exchange / "inbound")),  # where every submission waits for collect
            ("list", str(exchange / "feedback")),
            ("write", str(exchange / "outbound" / NOTEBOOK)),  # the release everyone fetches
            ("read", str(CLASSROOM.hub_dir / "jupyterhub_config.py")),
        ]
        open_ = [("read", str(own / NOTEBOOK)), ("read", str(exchange / "outbound" / NOTEBOOK))]
        results = _as_user(student, closed + open_)
        allowed = [attempt for attempt in closed if results[" ".join(attempt)] == "allowed"]
        assert allowed == [], f"{student} could {allowed}"
        for attempt in open_:  # the checks can tell: what must work, works
            assert results[" ".join(attempt)] == "allowed", f"{student}: {attempt}"


def test_homes_are_private(classroom: Hub):
    for user in CLASSROOM.users:
        assert CLASSROOM.home(user).stat().st_mode & 0o777 == 0o700, user


def test_the_classroom_runs_on_the_distributions_python(classroom: Hub):
    python = CLASSROOM.venv / "bin" / "python"
    base = subprocess.run(
        [python, "-c", "import sys; print(sys.base_prefix)"], capture_output=True, text=True
    ).stdout.strip()
    if Path("/usr/bin/python3").exists():
        assert base == "/usr", f"the classroom's Python comes from {base}, not the distribution"
