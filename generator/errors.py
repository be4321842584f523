"""Errors as values: every problem found in user input carries a file and a line.

The build collects these and reports them together instead of stopping at the first
traceback. `PressroomError` is the one exception type user input may raise inside the
package; it wraps a `Problem` so callers can turn it back into a value.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, reported as `path:line: message`."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "warning: " if self.warning else ""
        return shown(f"{where}: {kind}{self.message}")


# Control characters from file names or front matter must not reach a terminal (ANSI escapes, fake lines).
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7f, 0xa0))}


def shown(text: str) -> str:
    """`text` safe to print: control characters written as visible `\\xNN` escapes."""
    return text.translate(_CONTROLS)


class PressroomError(Exception):
    """Raised for bad user input; carries one `Problem` or more (`problems`), reported together."""

    def __init__(self, problem: Problem, *more: Problem) -> None:
        super().__init__("\n".join(str(p) for p in (problem, *more)))
        self.problem = problem
        self.problems = (problem, *more)

    def __reduce__(self) -> tuple[type, tuple[Problem, ...]]:   # crosses process boundaries (render workers)
        return (type(self), self.problems)


def problem(path: Path | str, line: int, message: str, *, warning: bool = False) -> Problem:
    return Problem(str(path), line, message, warning)


def fail(path: Path | str, line: int, message: str) -> PressroomError:
    """Build (not raise) the error for `path:line: message`; callers write `raise fail(...)`."""
    return PressroomError(problem(path, line, message))


class BuildStopped(Exception):
    """--strict: the build stopped at its first error."""

    def __init__(self, problem_: Problem) -> None:
        super().__init__(str(problem_))
        self.problem = problem_


class Problems(list[Problem]):
    """The problems of one build, collected to be reported together; in strict mode the first error stops it."""

    def __init__(self, strict: bool = False) -> None:
        super().__init__()
        self.strict = strict

    def add(self, item: Problem) -> None:
        self.append(item)
        if self.strict and not item.warning:
            raise BuildStopped(item)
