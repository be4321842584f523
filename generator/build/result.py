"""What one build reports: counts, problems, seconds and the files whose bytes changed."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem


@dataclass(frozen=True)
class BuildResult:
    articles: int
    pages: int
    files: int
    imported: int
    problems: tuple[Problem, ...]
    seconds: float
    written: tuple[str, ...] = ()     # output files whose bytes changed (relative, '/'-separated)
    search_seconds: float = 0.0       # Pagefind indexing, included in `seconds`

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.pages} pages, {self.files} files, {self.imported} imported, "
                f"{len(self.errors)} errors, {len(self.problems) - len(self.errors)} warnings in {self.seconds:.2f} s"
                + (f" (search index {self.search_seconds:.2f} s)" if self.search_seconds else ""))
