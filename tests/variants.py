"""Submissions that probe an assignment's grading: built from its source and generated release."""

from __future__ import annotations

import ast
import copy
import re

import nbformat

from helpers.grading.cells import Role, nbgrader_meta, role

SECRET_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", flags=re.DOTALL)


def is_answer(cell) -> bool:
    return role(cell) is Role.ANSWER


def is_test(cell) -> bool:
    return role(cell) is Role.TEST


def answer_ids(notebook) -> list[str]:
    return [nbgrader_meta(c)["grade_id"] for c in notebook.cells if is_answer(c)]


def _cell(notebook, grade_id):
    return next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def revert_answer(solution, release, grade_id):
    """The solution with one answer cell put back to the stub the learner starts from."""
    notebook = copy.deepcopy(solution)
    _cell(notebook, grade_id).source = _cell(release, grade_id).source
    return notebook


def busy_answer(solution, grade_id):
    """The solution with every function of one answer cell replaced by an endless busy loop."""
    notebook = copy.deepcopy(solution)
    cell = _cell(notebook, grade_id)
    tree = ast.parse(cell.source)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if not functions:
        return None
    for function in functions:
        function.body = ast.parse("while True:\n    pass").body
    cell.source = ast.unparse(tree)
    return notebook


def tests_replaced(notebook, replacement: str | None):
    """A copy whose test cells say `replacement` instead (None deletes them)."""
    notebook = copy.deepcopy(notebook)
    if replacement is None:
        notebook.cells = [c for c in notebook.cells if not is_test(c)]
    for cell in notebook.cells:
        if is_test(cell):
            cell.source = replacement
    return notebook


def without_nbgrader_metadata(notebook):
    """What an editor that drops unknown metadata saves."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    return notebook


def secret_lines(solution) -> set[str]:
    """Lines that appear only inside solution or hidden-test regions of the source."""
    inside, outside = set(), set()
    for cell in solution.cells:
        for match in SECRET_REGION.finditer(cell.source):
            inside.update(line.strip() for line in match.group(2).splitlines())
        outside.update(line.strip() for line in SECRET_REGION.sub("", cell.source).splitlines())
    return {line for line in inside - outside if line and not line.startswith("#")}


def write(notebook, path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def _top_level_functions(tree: ast.Module, only_async: bool = False) -> list[ast.AST]:
    kinds = ast.AsyncFunctionDef if only_async else (ast.FunctionDef, ast.AsyncFunctionDef)
    return [node for node in tree.body if isinstance(node, kinds)]


def _prepend_to_functions(source: str, imports: str, lines: str, only_async: bool) -> str | None:
    """`source` with `lines` at the top of each top-level function's body; None if it has none."""
    tree = ast.parse(source)
    functions = _top_level_functions(tree, only_async)
    if not functions:
        return None
    for function in functions:
        body = function.body
        docstring = (
            body[:1]
            if body
            and isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            else []
        )
        function.body = docstring + ast.parse(lines).body + body[len(docstring) :]
    return imports + "\n" + ast.unparse(tree)


NOISE = (
    'logging.getLogger("learner").warning("working on it")\n'
    'warnings.warn("an old API", DeprecationWarning, stacklevel=1)\n'
    'print("debug: here", file=sys.stderr)\n'
)


def noisy(solution):
    """The solution with every answer function logging, warning and printing to stderr first."""
    notebook = copy.deepcopy(solution)
    for cell in notebook.cells:
        if is_answer(cell):
            changed = _prepend_to_functions(
                cell.source, "import logging\nimport sys\nimport warnings\n", NOISE, False
            )
            cell.source = changed or cell.source
    return notebook


def blocking(solution, exempt: set[str]):
    """The solution with a blocking `time.sleep(0.15)` at the top of every coroutine function.

    Returns the notebook and the answer cells changed (those that define a coroutine function).
    """
    notebook = copy.deepcopy(solution)
    changed = []
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if is_answer(cell) and grade_id not in exempt:
            source = _prepend_to_functions(cell.source, "import time\n", "time.sleep(0.15)\n", True)
            if source:
                cell.source = source
                changed.append(grade_id)
    return notebook, changed


def own_tests(notebook) -> dict[str, str]:
    """Answer cell id -> the id of the first test cell after it (the part it belongs to)."""
    owners, waiting = {}, []
    for cell in notebook.cells:
        if is_answer(cell):
            waiting.append(nbgrader_meta(cell)["grade_id"])
        elif is_test(cell):
            owners.update({answer: nbgrader_meta(cell)["grade_id"] for answer in waiting})
            waiting = []
    return owners


def with_answers(solution, answers: dict[str, str]):
    """The solution with some answer cells' sources replaced."""
    notebook = copy.deepcopy(solution)
    for grade_id, source in answers.items():
        _cell(notebook, grade_id).source = source
    return notebook


def answer_source(notebook, grade_id: str) -> str:
    return _cell(notebook, grade_id).source
