"""Find constructs in a learner's code that can reach into the grading.

Learner code shares the kernel with the tests, so nothing stops an answer cell from changing how
later cells run or what they measure. The grader resets what it can before each test (see
helpers.grading.kernel_guard); this lists what a person should look at. Honest answers almost
never contain any of it.
"""

from __future__ import annotations

import ast

# Names whose attributes an answer has no business assigning: what the tests use and measure.
GUARDED_ROOTS = frozenset(
    [
        "helpers",
        "asyncio",
        "time",
        "aiohttp",
        "sys",
        "builtins",
        "server",
        "within",
        "mock_server",
        "Timeline",
        "loop_lag",
        "stopwatch",
        "get_ipython",
        "IPython",
    ]
)
SUSPICIOUS_IMPORTS = {
    "sqlite3": "opens a database, such as the gradebook",
    "ctypes": "reaches into the interpreter's memory",
    "gc": "can find any object, the grader's included",
    "nbformat": "reads or writes notebooks",
    "nbgrader": "uses the grader itself",
    "builtins": "can replace Python's built-in functions",
}
SUSPICIOUS_NAMES = {
    "get_ipython": "reaches into the kernel that runs the tests",
    "__builtins__": "can replace Python's built-in functions",
    "_getframe": "reads the stack of the running test",
    "settrace": "can change how later code runs",
    "setprofile": "can change how later code runs",
    "currentframe": "reads the stack of the running test",
    "input_transformers_post": "rewrites later cells before they run",
    "input_transformers_cleanup": "rewrites later cells before they run",
    "ast_transformers": "rewrites later cells before they run",
    "set_custom_exc": "hides errors of later cells",
    "setrlimit": "changes the kernel's limits",
}
SUSPICIOUS_TEXT = {
    ".ipynb": "reads or writes a notebook file",
    "gradebook": "mentions the gradebook",
}


def suspicious_lines(source: str) -> list[str]:
    """'line N: what it does' for each suspicious construct in `source` (IPython syntax allowed)."""
    try:
        tree = ast.parse(_without_magics(source))
    except SyntaxError:
        return []
    found: dict[int, str] = {}
    for node in ast.walk(tree):
        reason = _reason(node)
        line = getattr(node, "lineno", 0)  # every node _reason names is a statement or expression
        if reason and line not in found:
            found[line] = reason
    return [f"line {line}: {reason}" for line, reason in sorted(found.items())]


def _reason(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        modules += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        for module in modules:
            top = module.split(".")[0]
            if top in SUSPICIOUS_IMPORTS:
                return f"imports {top} ({SUSPICIOUS_IMPORTS[top]})"
        if isinstance(node, ast.ImportFrom) and node.module == "sys":
            names = {alias.name for alias in node.names}
            if names & {"modules", "settrace", "setprofile", "_getframe"}:
                return "imports from sys what can change how later code runs"
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
        targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
        for target in targets:
            root = _attribute_root(target)
            if root in GUARDED_ROOTS:
                return f"changes an attribute of {root}, which the tests rely on"
            if isinstance(target, ast.Subscript) and _dotted(target.value) == "sys.modules":
                return "replaces a module in sys.modules"
    if isinstance(node, ast.Call):
        function = _dotted(node.func)
        if function in {"setattr", "delattr"} and node.args:
            root = _attribute_root(node.args[0], allow_name=True)
            if root in GUARDED_ROOTS:
                return f"changes an attribute of {root} with {function}(), which the tests rely on"
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        if name in SUSPICIOUS_NAMES:
            return f"uses {name} ({SUSPICIOUS_NAMES[name]})"
        if _dotted(node) == "sys.modules":
            return "uses sys.modules, which can replace what the tests import"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        for text, reason in SUSPICIOUS_TEXT.items():
            if text in node.value.lower():
                return reason
    return None


def _attribute_root(node: ast.AST, allow_name: bool = False) -> str | None:
    """'asyncio' for `asyncio.sleep` or `asyncio.tasks.sleep`; the name itself if allowed."""
    if isinstance(node, ast.Name):
        return node.id if allow_name else None
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _without_magics(source: str) -> str:
    """Blank out IPython's `%magic` and `!shell` lines so the rest parses as Python."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
