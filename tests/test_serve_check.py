"""`serve` shows `pressroom check`'s warnings: a broken link appears in the terminal after the build that made it,
once, and goes quiet when fixed."""
from __future__ import annotations

import io
import time

from generator.config import load_config
from generator.serve import LiveServer


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_serve_warns_about_a_broken_link_once(site) -> None:
    site.config('search = false\nbase_url = "https://example.org/REPO/"\n')
    page = site.article("a", "One", "2024-01-01", body="See [the annex](/2024/01/annex/).")
    out = io.StringIO()
    with LiveServer(load_config(site.root), port=0, out=out, quiet=0.05) as live:
        line = "warning: /REPO/2024/01/one/: broken link -> /REPO/2024/01/annex/ (no such page)"
        assert any(l.startswith(line) for l in out.getvalue().splitlines()), out.getvalue()
        site.article("b", "Two", "2024-01-02")                          # another save: not said again
        assert wait_for(lambda: "Two" in (site.out / "index.html").read_text())
        assert wait_for(lambda: live.debouncer.idle())
        assert sum(l.startswith(line) for l in out.getvalue().splitlines()) == 1
        site.article("annex", "Annex", "2024-01-03")                    # the target appears: nothing to say
        assert wait_for(lambda: (site.out / "2024/01/annex/index.html").is_file())
        page.write_text(page.read_text())
    assert sum(l.startswith(line) for l in out.getvalue().splitlines()) == 1
