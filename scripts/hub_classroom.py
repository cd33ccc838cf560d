"""A JupyterHub classroom on one Linux machine, secure by default (run as root).

    python3 scripts/hub_classroom.py install   # needs the network: the course for everyone
    python3 scripts/hub_classroom.py demo      # users, exchange, hub on 127.0.0.1:8000; Ctrl-C ends it
    python3 scripts/hub_classroom.py remove    # the classroom's users and state, if a demo was killed
    python scripts/hub_classroom.py settings --exchange DIR   # only the settings, into this Python
    python scripts/hub_classroom.py instructor-tools          # Formgrader and co. on, for you alone

`make hub-demo` runs the demo, installing first when the environment is missing or out of date;
docs/hub/Dockerfile runs `settings` for a Kubernetes image. tests/test_hub_classroom.py builds
the same classroom with this module and runs a whole round of an exercise through it. What it
sets up, as docs/instructors.md section 9 describes:

- The course installed once for all users: a virtual environment under the prefix, made with the
  distribution's Python (/usr/bin/python3), holding the course package and JupyterHub.
- Settings for every user in that environment: nbgrader's course id and exchange; the instructor
  tools (Formgrader, Create Assignment, Course List) off; terminals that keep the course's PATH.
- Real Unix users, an instructor and students, each home folder closed to everyone else (700).
- The instructor's course folder (solutions/ and nbgrader_config.py) in their home, and the
  instructor tools switched back on in their own ~/.jupyter, for them alone.
- The exchange: nbgrader keeps its root open to all (students submit into it); it hides each
  submission (an inbound folder nobody but the instructor can list, names nobody can guess).
- A JupyterHub that listens on 127.0.0.1 only, whose configuration only root can read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1]
PREFIX = Path("/opt/async-course-hub")
COURSE_ID = "async-python-hands-on"
MARK = "async-course classroom"  # the comment on every user this module creates, and removes
INSTRUCTOR_LAB_EXTENSIONS = ("formgrader", "create-assignment", "course-list")
INSTRUCTOR_SERVER_EXTENSIONS = ("formgrader", "course_list")


class ClassroomError(Exception):
    """A step cannot be done here; the message says why and what to do."""


def source_digest(course: Path = COURSE) -> str:
    """A digest of what `install` puts in the environment: the package and its pins."""
    digest = hashlib.sha256()
    files = [course / "pyproject.toml", course / "constraints.txt"]
    files += sorted((course / "helpers").rglob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(course)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _write_json(path: Path, settings: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n")


def _instructor_tools(jupyter: Path, on: bool, **server_settings: object) -> None:
    """The instructor tools on or off in the Jupyter configuration folder `jupyter`, with any
    other ServerApp settings."""
    extensions = {f"nbgrader.server_extensions.{n}": on for n in INSTRUCTOR_SERVER_EXTENSIONS}
    _write_json(
        jupyter / "jupyter_server_config.json",
        {"ServerApp": {"jpserver_extensions": extensions, **server_settings}},
    )
    disabled = {f"@jupyter/nbgrader:{n}": not on for n in INSTRUCTOR_LAB_EXTENSIONS}
    _write_json(jupyter / "labconfig" / "page_config.json", {"disabledExtensions": disabled})


def write_shared_settings(environment: Path, exchange: Path) -> None:
    """Settings for every user of the course's environment, in its own Jupyter folder: nbgrader's
    course and exchange, the instructor tools off, terminals that keep the environment's PATH."""
    etc = environment / "etc" / "jupyter"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f'c.CourseDirectory.course_id = "{COURSE_ID}"\n'
        f'c.Exchange.root = "{exchange}"\n'
    )
    # An interactive shell, not a login one: /etc/profile would reset PATH.
    _instructor_tools(etc, on=False, terminado_settings={"shell_command": ["/bin/bash", "-i"]})


def enable_instructor_tools(jupyter: Path) -> None:
    """The instructor tools back on in one user's Jupyter folder (~/.jupyter), which outranks the
    environment's settings: for that user alone."""
    _instructor_tools(jupyter, on=True)


@dataclass
class Classroom:
    prefix: Path = PREFIX
    instructor: str = "instructor"
    students: list[str] = field(default_factory=lambda: ["student1", "student2", "student3"])

    @property
    def venv(self) -> Path:
        return self.prefix / "venv"

    @property
    def exchange(self) -> Path:
        return self.prefix / "exchange"

    @property
    def hub_dir(self) -> Path:
        return self.prefix / "hub"

    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    def course_folder(self) -> Path:
        return self.home(self.instructor) / "async-course"

    # The environment: once per machine, with the network.

    def install(self, python: str = "/usr/bin/python3", compile_bytecode: bool = True) -> None:
        """The course and JupyterHub in a virtual environment every user can run."""
        if not Path(python).exists():
            raise ClassroomError(f"{python} does not exist: pass --python with a Python 3.11+")
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.prefix.chmod(0o755)
        subprocess.run([python, "-m", "venv", "--clear", self.venv], check=True)
        pip = [self.venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
        if not compile_bytecode:
            pip.append("--no-compile")
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-c", COURSE / "constraints.txt", f"{COURSE}[hub]"], check=True)
        write_shared_settings(self.venv, self.exchange)
        (self.prefix / "installed-from").write_text(source_digest() + "\n")

    def is_current(self) -> bool:
        """Whether the environment holds the course as it is in this checkout."""
        marker = self.prefix / "installed-from"
        return marker.exists() and marker.read_text().strip() == source_digest()

    # The classroom: users, their folders, the exchange. Offline.

    def add_users(self) -> None:
        """The instructor and the students as Unix users, with private homes."""
        for user in self.users:
            try:
                pwd.getpwnam(user)
            except KeyError:
                pass
            else:
                raise ClassroomError(
                    f"user {user} exists already; pick other names, or remove the classroom"
                    " this module made before (`remove`)"
                )
        for user in self.users:
            subprocess.run(
                ["useradd", "--create-home", "--shell", "/bin/bash", "--comment", MARK, user],
                check=True,
            )
            self.home(user).chmod(0o700)  # useradd follows the system's umask (often 755)
        self.set_up_instructor()
        self.exchange.mkdir(parents=True, exist_ok=True)
        # nbgrader insists on an exchange root open to all (release resets it to 777); what it
        # creates inside is closed: students cannot list submissions or write the releases.
        self.exchange.chmod(0o777)

    def set_up_instructor(self) -> None:
        """The course folder in the instructor's home, and the instructor tools on for them."""
        user = self.instructor
        home = self.home(user)
        folder = self.course_folder()
        folder.mkdir()
        shutil.copy(COURSE / "nbgrader_config.py", folder / "nbgrader_config.py")
        shutil.copytree(COURSE / "solutions", folder / "solutions")
        jupyter = home / ".jupyter"
        jupyter.mkdir()
        (jupyter / "nbgrader_config.py").write_text(
            "# Where the course is, so nbgrader and the Formgrader find it from any folder.\n"
            "c = get_config()  # noqa: F821\n"
            f'c.CourseDirectory.root = "{folder}"\n'
            f'load_subconfig("nbgrader_config.py", path="{folder}")  # noqa: F821\n'
        )
        enable_instructor_tools(jupyter)
        subprocess.run(["chown", "-R", f"{user}:{user}", folder, jupyter], check=True)

    # The hub.

    def write_hub_config(
        self, port: int, hub_port: int, proxy_api_port: int, password: str
    ) -> Path:
        """jupyterhub_config.py for this classroom, readable by root only."""
        proxy = shutil.which("configurable-http-proxy")
        if proxy is None:
            raise ClassroomError(
                "configurable-http-proxy is not installed: npm install -g configurable-http-proxy"
            )
        self.hub_dir.mkdir(parents=True, exist_ok=True)
        self.hub_dir.chmod(0o700)
        path = f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        config = f"""\
# Written by scripts/hub_classroom.py for the course's classroom.
import os

c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.JupyterHub.db_url = "sqlite:///{self.hub_dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{self.hub_dir}/jupyterhub_cookie_secret"

# Replace with your school's authenticator; the dummy one takes one shared password.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {set(self.users)!r}

# Each user's server runs as that Unix user, from the course's environment.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = ["{self.venv}/bin/jupyterhub-singleuser"]
c.Spawner.environment = {{"PATH": "{path}"}}
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120

# A service token for scripts (the classroom test): only when one is given.
if os.environ.get("CLASSROOM_API_TOKEN"):
    c.JupyterHub.services = [
        {{"name": "classroom", "api_token": os.environ["CLASSROOM_API_TOKEN"]}}
    ]
    c.JupyterHub.load_roles = [
        {{
            "name": "classroom",
            "services": ["classroom"],
            "scopes": ["admin:users", "admin:servers", "access:servers", "tokens"],
        }}
    ]
"""
        config_file = self.hub_dir / "jupyterhub_config.py"
        config_file.write_text(config)
        config_file.chmod(0o600)
        return config_file

    def hub_command(self) -> list[str]:
        return [
            str(self.venv / "bin" / "jupyterhub"),
            "-f",
            str(self.hub_dir / "jupyterhub_config.py"),
        ]

    # Taking it down.

    def remove(self) -> None:
        """Stop the classroom users' processes, delete those users and their homes, the exchange
        and the hub's state. Only users this module created (marked in their comment) go."""
        for user in self.users:
            try:
                entry = pwd.getpwnam(user)
            except KeyError:
                continue
            if entry.pw_gecos != MARK:
                continue
            subprocess.run(["pkill", "-KILL", "-u", user], check=False)
            for _ in range(50):  # userdel refuses while a process of the user lives
                if subprocess.run(["pgrep", "-u", user], capture_output=True).returncode:
                    break
                time.sleep(0.1)
            subprocess.run(["userdel", "--remove", user], check=False, capture_output=True)
        shutil.rmtree(self.exchange, ignore_errors=True)
        shutil.rmtree(self.hub_dir, ignore_errors=True)


def _require_root() -> None:
    if sys.platform != "linux" or os.geteuid() != 0:
        raise ClassroomError("run this as root on Linux: it creates Unix users")


def demo(classroom: Classroom, port: int, python: str) -> None:
    """The classroom with a hub in the foreground; everything goes again on Ctrl-C."""
    if not classroom.is_current():
        classroom.install(python)
    password = secrets.token_urlsafe(9)
    classroom.add_users()
    try:
        classroom.write_hub_config(port, port + 1, port + 2, password)
        print(
            f"JupyterHub at http://127.0.0.1:{port}: log in as {classroom.instructor} or one of "
            f"{', '.join(classroom.students)}, password {password}. Ctrl-C stops it and removes "
            "the users and their work.",
            flush=True,
        )
        hub = subprocess.Popen(classroom.hub_command(), cwd=classroom.hub_dir)
        try:
            hub.wait()
        except KeyboardInterrupt:
            hub.send_signal(signal.SIGINT)
            hub.wait(timeout=30)
    finally:
        classroom.remove()


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", choices=["install", "demo", "remove", "settings", "instructor-tools"]
    )
    parser.add_argument("--prefix", type=Path, default=PREFIX)
    parser.add_argument("--python", default="/usr/bin/python3", help="the Python to install with")
    parser.add_argument("--port", type=int, default=8000, help="for demo")
    parser.add_argument("--environment", type=Path, help="for settings: the environment's prefix")
    parser.add_argument("--exchange", type=Path, help="for settings: the exchange folder")
    options = parser.parse_args(arguments)
    classroom = Classroom(prefix=options.prefix)
    if options.command == "instructor-tools":  # an instructor, for themselves: no root needed
        enable_instructor_tools(Path.home() / ".jupyter")
        print("instructor tools on for you: restart your server (File > Hub Control Panel)")
        return 0
    if options.command == "settings":  # for an image: no users, no root needed
        if options.exchange is None:
            parser.error("settings needs --exchange, the folder every user's nbgrader shares")
        write_shared_settings(options.environment or Path(sys.prefix), options.exchange)
        return 0
    try:
        _require_root()
        if options.command == "install":
            classroom.install(options.python)
            print(f"the course and JupyterHub are installed in {classroom.venv}")
        elif options.command == "demo":
            demo(classroom, options.port, options.python)
        else:
            classroom.remove()
    except ClassroomError as error:
        print(f"hub_classroom: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
