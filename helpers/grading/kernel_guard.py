"""Run inside the kernel by the grader, never by learners: put back what tests rely on.

Learner code runs in the same kernel as the tests, so an answer cell can change what a test cell
runs (an IPython input transformer that turns every later cell into `pass`) or what it measures
(`server.stats`, `within`, `time.perf_counter`, `asyncio.all_tasks`, the Timeline). Before each
test cell the grader calls `reset()` through a user expression, which IPython evaluates without
input or AST transformers. It puts back:

- IPython's input and AST transformers, its hooks for running cells and showing errors, and the
  process's trace and profile functions;
- the attributes of the course's helpers, asyncio, time and aiohttp (modules and their classes),
  as they were when grading started, and those modules in sys.modules;
- the names the setup cells defined (`server`, `within`, ...), as the setup cells left them.

It returns the grader's token (proof that it ran) and what it had to put back, for the report.
`install()` also caps the kernel's memory, so a runaway allocation fails its own part with a
MemoryError instead of bringing the kernel down.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

GUARDED_MODULES = (
    "helpers",
    "helpers.deadline",
    "helpers.loop_lag",
    "helpers.loop_watch",
    "helpers.mock_api",
    "helpers.request_stats",
    "helpers.server",
    "helpers.stopwatch",
    "helpers.timeline",
    "asyncio",
    "asyncio.base_events",
    "asyncio.events",
    "asyncio.locks",
    "asyncio.queues",
    "asyncio.tasks",
    "asyncio.timeouts",
    "time",
    "aiohttp",
    "aiohttp.client",
    "aiohttp.client_reqrep",
)
# The shell's own attributes that decide how a cell runs and how its errors show.
SHELL_ATTRIBUTES = (
    "input_transformer_manager",
    "custom_exceptions",
    "CustomTB",
    "displayhook",
    "display_pub",
    "InteractiveTB",
    "compile",
)
SHELL_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")
UNGUARDED_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}

_state: dict[str, Any] = {}
_MISSING = object()


def install(token: str, memory_mib: int = 0) -> str:
    """Before the first cell: take the grader's token and cap memory. Returns the token."""
    _state.clear()
    _state["token"] = token
    if memory_mib:
        _cap_memory(memory_mib)
    return token


def remember_setup(token: str) -> str:
    """After the setup cells, before any answer cell: remember how everything is now."""
    if _state.get("token") != token:
        return "not installed"
    shell = _shell()
    for name in GUARDED_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    modules = {name: sys.modules[name] for name in GUARDED_MODULES if name in sys.modules}
    namespaces: dict[int, tuple[Any, dict[str, Any]]] = {}
    for module in modules.values():
        namespaces[id(module)] = (module, _behaviour(vars(module)))
        for value in list(vars(module).values()):
            defined_here = getattr(value, "__module__", None) == module.__name__
            if isinstance(value, type) and defined_here and id(value) not in namespaces:
                namespaces[id(value)] = (value, _behaviour(vars(value)))
    for cls in type(shell).__mro__[:-1]:
        namespaces.setdefault(id(cls), (cls, _behaviour(vars(cls))))
    instances = {id(shell): (shell, _behaviour(vars(shell)))}
    guarded_types = {owner for owner, _ in namespaces.values() if isinstance(owner, type)}
    for value in shell.user_ns.values():
        if type(value) in guarded_types and hasattr(value, "__dict__"):  # the server, say
            instances.setdefault(id(value), (value, _behaviour(vars(value))))
    _state.update(
        modules=modules,
        instances=instances,
        namespaces=namespaces,
        # Most are traitlets, kept outside the instance __dict__: read and write them as attributes.
        shell_attributes={a: getattr(shell, a) for a in SHELL_ATTRIBUTES if hasattr(shell, a)},
        shell_lists={a: list(getattr(shell, a)) for a in SHELL_LISTS},
        names={
            name: value
            for name, value in shell.user_ns.items()
            if not name.startswith("_") and name not in UNGUARDED_NAMES
        },
    )
    return token


def reset(token: str) -> str:
    """Before a test cell: put back what `remember_setup` saw. Returns the token and a report."""
    if _state.get("token") != token:
        return "not installed"
    if "names" not in _state:  # no answer cell ran yet: nothing to put back
        return token + "|"
    shell = _shell()
    restored: list[str] = []
    if sys.gettrace() is not None or sys.getprofile() is not None:
        restored.append("a trace or profile function")
    sys.settrace(None)
    sys.setprofile(None)
    threading.settrace(None)  # type: ignore[arg-type,unused-ignore]  # typeshed: needs a function
    for name, module in _state["modules"].items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            restored.append(f"sys.modules[{name!r}]")
    for owner, saved in _state["namespaces"].values():
        restored += _restore_namespace(owner, saved)
    for attribute, value in _state["shell_attributes"].items():
        if getattr(shell, attribute, _MISSING) is not value:
            setattr(shell, attribute, value)
            restored.append(f"the shell's {attribute}")
    for attribute, items in _state["shell_lists"].items():
        current = getattr(shell, attribute)
        if current != items:
            current[:] = items
            restored.append(f"IPython's {attribute}")
    for event, callbacks in shell.events.callbacks.items():
        mine = [c for c in callbacks if _defined_in_notebook(c)]
        if mine:
            callbacks[:] = [c for c in callbacks if c not in mine]
            restored.append(f"IPython's {event} hooks")
    for instance, saved in _state["instances"].values():
        restored += _restore_namespace(instance, saved)
    user_ns = shell.user_ns
    for name, value in _state["names"].items():
        if user_ns.get(name, _MISSING) is not value:
            user_ns[name] = value
            restored.append(f"the name {name}")
    return token + "|" + "; ".join(restored)


def _behaviour(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of a namespace that say what code does: functions, classes, descriptors.

    Plain data (a module's private state, a counter) changes as the course's code runs, and is
    left alone.
    """
    return {
        name: value
        for name, value in namespace.items()
        if callable(value) or isinstance(value, property | staticmethod | classmethod | ModuleType)
    }


def _restore_namespace(owner: Any, saved: dict[str, Any]) -> list[str]:
    """Put an object's behaviour back to `saved`; the names of what had changed."""
    changed = []
    current = vars(owner)
    name_of = getattr(owner, "__name__", type(owner).__name__)
    for name, value in saved.items():
        if current.get(name, _MISSING) is not value:
            try:
                setattr(owner, name, value)
            except (AttributeError, TypeError):
                continue
            changed.append(f"{name_of}.{name}")
    if not isinstance(owner, ModuleType):  # a method added to a class or object shadows one
        for name in [n for n in _behaviour(current) if n not in saved and not n.startswith("__")]:
            try:
                delattr(owner, name)
            except (AttributeError, TypeError):
                continue
            changed.append(f"{name_of}.{name} (added)")
    return changed


def _defined_in_notebook(function: Any) -> bool:
    return getattr(function, "__module__", None) == "__main__"


def _cap_memory(mebibytes: int) -> None:
    """Limit the kernel's address space, so a runaway allocation raises MemoryError."""
    try:
        import resource
    except ImportError:  # Windows
        return
    limit = mebibytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _shell() -> InteractiveShell:
    from IPython import get_ipython

    shell: InteractiveShell = get_ipython()
    return shell
