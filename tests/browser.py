"""Headless Chromium for tests and scripts: Debian's /usr/bin/chromium, never a downloaded browser.

    from tests.browser import chromium_or_skip, launch
    path = chromium_or_skip()            # skips the test (fails it when CI=true) if Chromium is missing
    with sync_playwright() as pw:
        browser = launch(pw)

`launch` works outside pytest too (scripts/screenshots.py); `chromium_path()` raises there instead.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("PRESSROOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; no browser download needed)"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        hint = f" (found {found}; set PRESSROOM_CHROMIUM)" if found else ""
        return f"Chromium not found at {CHROMIUM}: apt-get install -y chromium{hint}"
    return None


def chromium_path() -> str:
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    return CHROMIUM


def chromium_or_skip() -> str:
    """The Chromium executable; skip the calling test if it is missing, but fail on CI (CI=true)."""
    import pytest

    reason = missing_reason()
    if reason:
        if in_ci():
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
        pytest.skip(reason)
    return CHROMIUM


def launch(playwright: Any, **options: Any) -> Any:
    """Launch headless Chromium with the flags every Pressroom browser check uses."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                      args=list(CHROMIUM_ARGS), **options)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Inject the vendored axe-core into a loaded page and return its violations (WCAG A/AA + best practice)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
        });
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
        }));
    }""")


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}: {(n['summary'] or '').splitlines()[-1].strip()}" for n in v["nodes"]]
    return "\n".join(lines)
