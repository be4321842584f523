"""The terminal side of `pressroom serve`: one line per build, then each problem the first time it appears."""
from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..errors import Problem

# (written files, problems, summary) of one build
BuildOutcome = tuple[tuple[str, ...], tuple[Problem, ...], str]


class Terminal:
    """Prints build lines to `out`; a problem is printed once, and again only after it was fixed and came back."""

    def __init__(self, out: TextIO, site_dir: Path) -> None:
        self.out = out
        self.site_dir = site_dir
        self._lock = threading.Lock()
        self._shown: set[str] = set()        # problems already printed
        self._had_errors = False

    def describe(self, paths: Sequence[Path]) -> str:
        """The changed files, site-relative: 'content/a.md, content/b.md and 3 more' (folders only when no file)."""
        paths = [path for path in paths if not path.is_dir()] or list(paths)
        names = []
        for path in paths[:3]:
            try:
                names.append(path.relative_to(self.site_dir).as_posix())
            except ValueError:
                names.append(str(path))
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        return ", ".join(names) + more

    def report(self, outcome: BuildOutcome, what: str, started: float, *, initial: bool = False) -> None:
        """One line for the build that began at `started` (perf_counter), then the problems not shown before."""
        written, problems, summary = outcome
        millis = (time.perf_counter() - started) * 1000
        errors = [p for p in problems if not p.warning]
        with self._lock:
            new = sorted({str(p): p for p in problems if str(p) not in self._shown}.values())   # each once
            had_errors = self._had_errors
            self._shown, self._had_errors = {str(p) for p in problems}, bool(errors)
        stamp = time.strftime("%H:%M:%S")
        if initial:
            line = f"{stamp} built: {summary}" if summary else f"{stamp} built in {millis:.0f} ms"
        else:
            count = f"{len(written)} file{'s' if len(written) != 1 else ''}"
            line = f"{stamp} {what} changed: {count} updated in {millis:.0f} ms"
            if errors:
                line += f", {len(errors)} error{'s' if len(errors) != 1 else ''}"
            elif had_errors:
                line += ", all errors fixed"
        self.print(line)
        for item in new:
            self.print(f"  {item}")

    def print(self, line: str) -> None:
        print(line, file=self.out)
        try:
            self.out.flush()
        except (OSError, ValueError):
            pass
