"""The variant catalogue: answers learners really write, each with the verdict it must get.

Every exercise has a module here named after its number (`e01.py` for `01-why-async`) that
defines `VARIANTS`, a list of `Variant`. A variant starts from the full solution and replaces some
answer cells with what a learner might write instead; `expect` says how each part must score.
Parts a variant does not name must keep full marks.

Generic variants (logging, warnings, a line on stderr, a blocking call in every coroutine) are
built for every exercise from its solution by `tests/variants.py`; a module may exempt answer cells
from the blocking one with `BLOCKING_EXEMPT = {"partN_answer": "why"}`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

FULL = "full"  # the part keeps all its points
ZERO = 0  # the part earns nothing
LESS = "less"  # the part loses some or all of its points
ANY = "any"  # the part's score depends on timing the variant does not control: not checked


@dataclass(frozen=True)
class Variant:
    """One answer a learner might write, and the verdict it must get."""

    name: str  # short and unique within the exercise, e.g. "taskgroup" or "blocking-urllib"
    kind: str  # "valid", "wrong", "blocking" or "tampering"
    because: str  # one line: what the learner did and why this is the right verdict
    answers: dict[str, str]  # answer cell grade_id -> the whole new source of that cell
    expect: dict[str, float | str] = field(default_factory=dict)  # grade_id -> FULL/ZERO/LESS/ANY
    message: dict[str, str] = field(default_factory=dict)  # test grade_id -> text its message has

    def __post_init__(self) -> None:
        if self.kind not in {"valid", "wrong", "blocking", "tampering"}:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.kind == "valid" and any(v != FULL for v in self.expect.values()):
            raise ValueError(f"{self.name}: a valid variant keeps full marks everywhere")
        if self.kind != "valid" and not self.expect:
            raise ValueError(f"{self.name}: say which parts a {self.kind} variant must lose")


def module_for(assignment: str):
    """The catalogue module of an assignment ("04-tasks" -> tests.catalogue.e04)."""
    return importlib.import_module(f"{__name__}.e{assignment.split('-', 1)[0]}")


def variants_for(assignment: str) -> list[Variant]:
    return list(module_for(assignment).VARIANTS)


def blocking_exempt(assignment: str) -> dict[str, str]:
    return dict(getattr(module_for(assignment), "BLOCKING_EXEMPT", {}))


def verdict_problems(variant: Variant, scores: dict[str, tuple[float, float, str]]) -> list[str]:
    """What is wrong with a variant's grade; `scores` maps part id -> (points, max, message)."""
    problems = []
    for part, (points, most, message) in scores.items():
        want = variant.expect.get(part, FULL)
        if want == FULL and points < most:
            problems.append(f"{part} should keep {most:g} points, got {points:g}: {message}")
        elif want == ZERO and points != 0:
            problems.append(f"{part} should earn 0, got {points:g}")
        elif want == LESS and points >= most:
            problems.append(f"{part} should lose points, got {points:g} / {most:g}")
        if want == ANY:
            continue
        text = variant.message.get(part)
        if text and text not in message:
            problems.append(f"{part}'s message should mention {text!r}, got {message!r}")
    return problems
