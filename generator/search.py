"""Full-text search for a static host: Pagefind indexes the built site into `pagefind/`.

Runs after the site is written. Article pages mark the indexed region with
`data-pagefind-body` and their date with `data-pagefind-meta`, so only releases are
indexed and results show title, date and an excerpt. Pagefind is optional: without it
the build still succeeds, with a warning, and the search page says search is unavailable.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

INDEX_DIR = "pagefind"
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class SearchResult:
    ok: bool
    seconds: float
    message: str = ""     # why indexing failed or was skipped; empty when ok


def pagefind_command() -> list[str] | None:
    """How to run Pagefind: the PyPI package (`pagefind[bin]`), else a `pagefind` on PATH, else None."""
    if importlib.util.find_spec("pagefind") is not None and any(
            importlib.util.find_spec(name) is not None for name in ("pagefind_bin", "pagefind_bin_extended")):
        return [sys.executable, "-m", "pagefind"]
    binary = shutil.which("pagefind")
    return [binary] if binary else None


def available() -> bool:
    return pagefind_command() is not None


def index_site(output_dir: Path) -> SearchResult:
    """Run Pagefind over the built site; never raises for a missing or failing Pagefind."""
    started = time.perf_counter()
    base = pagefind_command()
    if base is None:
        return SearchResult(False, 0.0, "search index not built: Pagefind is not installed "
                                        "(pip install 'pagefind[bin]'); the search page will say search is unavailable")
    command = [*base, "--site", str(output_dir), "--output-subdir", INDEX_DIR, "--quiet"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return SearchResult(False, time.perf_counter() - started, f"search index not built: Pagefind failed ({exc})")
    seconds = time.perf_counter() - started
    if run.returncode != 0 or not (output_dir / INDEX_DIR / "pagefind-ui.js").is_file():
        detail = (run.stderr or run.stdout).strip().splitlines()
        return SearchResult(False, seconds, "search index not built: Pagefind failed"
                            + (f": {detail[-1]}" if detail else f" (exit {run.returncode})"))
    return SearchResult(True, seconds)
