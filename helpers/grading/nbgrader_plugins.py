"""The course's additions to nbgrader's autograde, switched on in nbgrader_config.py.

They make the verdict right for notebooks as learners really hand them in, in self-grading and
in a classroom alike:

- `RestoreCellRoles` (before nbgrader's OverwriteCells) puts back the nbgrader metadata of cells
  whose role was changed (a test cell flagged as an answer, `grade: false`, a renamed
  `grade_id`), matching cells by id, by their original source, or by position.
- `FlagSuspiciousAnswers` lists constructs in answer cells that can tamper with grading.
- `GuardedExecute` (nbgrader's Execute) resets the kernel before every test cell (see
  helpers.grading.kernel_guard), caps the kernel's memory, and survives runaways: a cell that
  cannot be interrupted or a kernel that dies costs its own part; the kernel is restarted, the
  setup and answer cells are run again, and grading goes on, within a time budget per notebook.
- `ScoreByErrorsOnly` (before SaveAutoGrades) keeps a test cell's score from depending on anything
  but its errors: text on stderr (logging, warnings) becomes ordinary output, and a value the
  cell ends with is shown, not read as partial credit.

What each of them did is written to the notebook's metadata under "course_grading", where the
self-grading report and the classroom export read it.
"""

from __future__ import annotations

import ast
import secrets
from queue import Empty
from time import monotonic
from typing import Any

from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer

from helpers.grading.answer_scan import suspicious_lines
from helpers.grading.cells import Role, grade_id, role

Resources = dict[str, Any]  # what nbconvert passes from one preprocessor to the next
Record = Any  # a row of nbgrader's gradebook (its SQLAlchemy models carry no types)

METADATA = "course_grading"


def record(notebook: NotebookNode, key: str) -> Any:
    """The notebook's grading record for `key` (a list or dict, created on first use)."""
    log = notebook.metadata.setdefault(METADATA, {})
    return log.setdefault(key, {} if key in {"guard", "stderr"} else [])


def findings(notebook: NotebookNode) -> dict[str, list[str]]:
    """What the grader noticed in a graded notebook, in words, by kind.

    "tampering": constructs and changes that can reach into the grading (suspected, for a person
    to look at); "restored": cell roles put back; "kernel": kernels that died or were restarted,
    and parts not run within the budget.
    """
    log = notebook.metadata.get(METADATA, {})
    tampering = [f"answer cell {line}" for line in log.get("suspicious", [])]
    tampering += [
        f"before {test}, the grader had to put back {what}"
        for test, what in log.get("guard", {}).items()
    ]
    kernel = list(log.get("kernel", []))
    if log.get("budget"):
        kernel.append(f"grading used up its time budget; not run: {', '.join(log['budget'])}")
    return {
        "tampering": tampering,
        "restored": list(log.get("restored_roles", [])),
        "kernel": kernel,
    }


def stderr_lines(notebook: NotebookNode) -> dict[str, str]:
    """Test cell id -> the first line its run wrote to stderr (which no longer costs points)."""
    return dict(notebook.metadata.get(METADATA, {}).get("stderr", {}))


def _error(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=name, evalue=text, traceback=[f"{name}: {text}"])


# -- before running ---------------------------------------------------------------------------


class RestoreCellRoles(NbGraderPreprocessor):
    """Give every cell of the exercise back the role it was released with."""

    def preprocess(self, nb: NotebookNode, resources: Resources) -> tuple[NotebookNode, Resources]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            source = gradebook.find_notebook(info["notebook"], info["assignment"])
            canonical = _canonical_roles(source)
            originals = {cell.name: cell for cell in source.source_cells}
            order = [cell.name for cell in source.source_cells]
        restored = []
        matched = _match_cells(nb.cells, canonical, originals, order)
        for index, name in matched.items():
            cell = nb.cells[index]
            before = cell.metadata.get("nbgrader")
            wanted = canonical[name]
            if before is None or any(before.get(k) != v for k, v in wanted.items()):
                restored.append(_describe_restore(name, before, wanted))
                cell.metadata["nbgrader"] = {**(before or {}), **wanted}
        for cell in nb.cells:  # cells that claim a role the release never gave them
            meta = cell.metadata.get("nbgrader")
            if (
                meta
                and meta.get("grade_id") not in canonical
                and role(cell) in {Role.ANSWER, Role.TEST}
            ):
                restored.append(
                    f"a cell marked as {role(cell)} {meta.get('grade_id')!r}, which the exercise "
                    "does not have, was graded as an ordinary cell"
                )
                del cell.metadata["nbgrader"]
        if restored:
            record(nb, "restored_roles").extend(restored)
        return nb, resources


def _canonical_roles(source_notebook: Record) -> dict[str, dict[str, Any]]:
    grades = {cell.name: cell for cell in source_notebook.grade_cells}
    solutions = {cell.name for cell in source_notebook.solution_cells}
    tasks = {cell.name for cell in source_notebook.task_cells}
    roles = {}
    for cell in source_notebook.source_cells:
        meta = {
            "grade": cell.name in grades,
            "grade_id": cell.name,
            "locked": bool(cell.locked),
            "schema_version": 3,
            "solution": cell.name in solutions,
            "task": cell.name in tasks,
        }
        if cell.name in grades:
            meta["points"] = float(grades[cell.name].max_score)
        roles[cell.name] = meta
    return roles


def _match_cells(
    cells: list[NotebookNode],
    canonical: dict[str, dict[str, Any]],
    originals: dict[str, Record],
    order: list[str],
) -> dict[int, str]:
    """Submitted cell index -> the exercise cell it is, by id, then source, then position."""
    matched: dict[int, str] = {}
    for index, cell in enumerate(cells):
        name = grade_id(cell)
        if name in canonical and name not in matched.values():
            matched[index] = name
    missing = [name for name in order if name not in matched.values()]
    for name in list(missing):  # read-only cells: their source says which they are
        original = originals[name]
        for index, cell in enumerate(cells):
            if (
                index not in matched
                and original.locked
                and cell.source.strip() == original.source.strip()
            ):
                matched[index] = name
                missing.remove(name)
                break
    for name in missing:  # the rest: a relabelled cell of the same type between the same neighbours
        position = order.index(name)
        before = [i for i, n in matched.items() if order.index(n) < position]
        after = [i for i, n in matched.items() if order.index(n) > position]
        low, high = max(before, default=-1), min(after, default=len(cells))
        candidates = [
            i
            for i in range(low + 1, high)
            if i not in matched
            and "nbgrader" in cells[i].metadata
            and cells[i].cell_type == originals[name].cell_type
        ]
        if len(candidates) == 1:
            matched[candidates[0]] = name
    return matched


def _describe_restore(name: str, before: dict[str, Any] | None, wanted: dict[str, Any]) -> str:
    """One sentence for the learner about a cell whose role was put back."""
    kind = "answer" if wanted["solution"] else "test" if wanted["grade"] else "read-only"
    if before is None:
        return (
            f"the {kind} cell {name} had lost its nbgrader label; "
            "the grader found it and put it back"
        )
    if before.get("grade_id") != name:
        return (
            f"the {kind} cell {name} had been renamed {before.get('grade_id')!r}; "
            "the grader put its name back"
        )
    changed = ", ".join(
        f"{flag} {before.get(flag)} instead of {wanted[flag]}"
        for flag in ("grade", "solution", "locked")
        if before.get(flag) != wanted[flag]
    )
    return f"the {kind} cell {name} had its role changed ({changed}); the grader put it back"


class FlagSuspiciousAnswers(NbGraderPreprocessor):
    """Note constructs in answer cells that can reach into the grading."""

    def preprocess(self, nb: NotebookNode, resources: Resources) -> tuple[NotebookNode, Resources]:
        found: list[str] = []
        for cell in nb.cells:
            if cell.cell_type == "code" and role(cell) in {Role.ANSWER, Role.OTHER}:
                label = grade_id(cell) or "a cell you added"
                found.extend(f"{label}, {line}" for line in suspicious_lines(cell.source))
        if found:
            record(nb, "suspicious").extend(found)
        return nb, resources


# -- running ---------------------------------------------------------------------------------


class GuardedExecute(Execute):
    """nbgrader's Execute, with the kernel reset before each test and runaways contained."""

    budget = Integer(240, help="Seconds for running one notebook; cells after it are not run.").tag(
        config=True
    )
    memory_limit = Integer(
        4096, help="MiB of address space for the kernel (0: no limit); past it, MemoryError."
    ).tag(config=True)
    probe_timeout = Integer(
        10, help="Seconds the kernel has to answer the grader's own checks."
    ).tag(config=True)
    kernel_starts = Integer(
        3, help="Tries at starting the kernel before the notebook is given up as ungradeable."
    ).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: Resources | None = None, km: Any = None
    ) -> tuple[NotebookNode, Resources]:
        self._token = secrets.token_hex(16)
        self._ends = monotonic() + self.budget
        self._replay: list[tuple[str, str]] = []  # (role, source) to run again in a fresh kernel
        self._installed = self._remembered = False
        processed: tuple[NotebookNode, Resources] = super().preprocess(nb, resources, km)
        return processed

    def start_new_kernel_client(self) -> Any:
        """nbclient's, trying again with a new kernel when one dies before it answers.

        A kernel's ports are chosen before it starts, so another process (a second grading
        worker, a learner's server) can take one first and the kernel exits: that says nothing
        about the notebook, which deserves a kernel that starts.
        """
        for attempt in range(1, self.kernel_starts + 1):
            try:
                return super().start_new_kernel_client()
            except (RuntimeError, TimeoutError) as error:
                if attempt == self.kernel_starts:
                    raise
                self.log.warning("the grading kernel did not start (%s); starting another", error)
                self.km = self.create_kernel_manager()
                self.start_new_kernel()

    def preprocess_cell(
        self, cell: NotebookNode, resources: Resources, index: int
    ) -> tuple[NotebookNode, Resources]:
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        kind, name = role(cell), _name(cell, index)
        if monotonic() > self._ends:
            cell.outputs = [
                _error(
                    "GradingBudgetExceeded",
                    f"not run: grading this notebook took longer than its budget of "
                    f"{self.budget} s",
                )
            ]
            record(self.nb, "budget").append(name)
            return cell, resources
        if not self._ready(kind, name):
            cell.outputs = [
                _error(
                    "TamperingSuspected",
                    "not run: the kernel did not answer the grader's check before this test "
                    "(did an answer cell change how cells run?)",
                )
            ]
            record(self.nb, "kernel").append(f"the grader's check before {name} got no answer")
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            cell.outputs.append(
                _error(
                    "KernelDied",
                    "the Python kernel died while this cell ran (out of memory, os._exit(), or "
                    "a crash); the parts after it were graded in a fresh kernel",
                )
            )
            record(self.nb, "kernel").append(f"the kernel died in {name}")
            self._restart()
            return cell, resources
        if any(o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            if self._ask("'alive'") != "alive":  # interrupting did not stop it
                record(self.nb, "kernel").append(
                    f"{name} could not be interrupted, so the kernel was restarted"
                )
                self._restart()
            return cell, resources
        if kind != "test":
            self._replay.append((kind, cell.source))
        return cell, resources

    def _ready(self, kind: str, name: str) -> bool:
        """Install the guard, remember the setup, reset before a test; False if that failed."""
        if not self._installed:
            call = f"install({self._token!r}, {self.memory_limit})"
            self._installed = self._guard(call) == self._token
        if kind == "answer" and not self._remembered:
            self._remembered = self._guard(f"remember_setup({self._token!r})") == self._token
        if kind != "test":
            return True
        answer = self._guard(f"reset({self._token!r})")
        if not isinstance(answer, str) or not answer.startswith(self._token + "|"):
            return False
        restored = answer.split("|", 1)[1]
        if restored:
            record(self.nb, "guard")[name] = restored
        return True

    def _guard(self, call: str) -> Any:
        return self._ask(f"__import__('helpers.grading.kernel_guard', fromlist=['_']).{call}")

    def _ask(self, expression: str) -> Any:
        """Evaluate an expression in the kernel as a user expression; None if no answer.

        IPython evaluates user expressions without input or AST transformers, so an answer cell
        cannot rewrite what the grader asks.
        """
        return run_sync(self._async_ask)(expression)

    async def _async_ask(self, expression: str) -> Any:
        msg_id = self.kc.execute(
            "", silent=True, store_history=False, user_expressions={"r": expression}
        )
        msg = await self._async_reply(msg_id, self.probe_timeout)
        result = (msg or {}).get("content", {}).get("user_expressions", {}).get("r", {})
        if result.get("status") != "ok":
            return None
        try:
            return ast.literal_eval(result["data"]["text/plain"])
        except (KeyError, ValueError, SyntaxError):
            return None

    async def _async_reply(self, msg_id: str, timeout: float) -> dict[str, Any] | None:
        ends = monotonic() + timeout
        while (left := ends - monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                return None
            if msg["parent_header"].get("msg_id") == msg_id:
                reply: dict[str, Any] = msg
                return reply
        return None

    def _restart(self) -> None:
        """A fresh kernel with the setup and answer cells run again (their output unused)."""
        run_sync(self._async_restart_kernel)()
        self._installed = self._remembered = False
        for kind, source in self._replay:
            self._ready(kind, "")  # installs first, remembers the setup before the first answer
            run_sync(self._async_run_quietly)(source)
        self._ready("answer", "")

    async def _async_restart_kernel(self) -> None:
        await ensure_async(self.km.restart_kernel(now=True))
        await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))

    async def _async_run_quietly(self, source: str) -> None:
        msg_id = self.kc.execute(source, silent=True, store_history=False)
        await self._async_reply(msg_id, self.timeout)


def _name(cell: NotebookNode, index: int) -> str:
    return grade_id(cell) or f"cell {index + 1}"


# -- after running ----------------------------------------------------------------------------


class ScoreByErrorsOnly(NbGraderPreprocessor):
    """A test cell passes unless it raised: stderr and a final value do not change its score."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: Resources, index: int
    ) -> tuple[NotebookNode, Resources]:
        if role(cell) is not Role.TEST or cell.cell_type != "code":
            return cell, resources
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stderr":
                output.name = "stdout"  # logging and warnings from learner code cost nothing
                written = record(self.nb, "stderr")
                first = next((line for line in output.text.splitlines() if line.strip()), "")
                written.setdefault(grade_id(cell), first)
            elif output.output_type == "execute_result":
                output.output_type = "display_data"  # shown, not read as partial credit
                output.pop("execution_count", None)
        return cell, resources

    def preprocess(self, nb: NotebookNode, resources: Resources) -> tuple[NotebookNode, Resources]:
        self.nb = nb
        processed: tuple[NotebookNode, Resources] = super().preprocess(nb, resources)
        return processed
