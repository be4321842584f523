"""`pressroom init DIR`: a new site folder that builds, and deploys to GitHub Pages, as is.

Writes pressroom.toml, a first release in content/, an empty seeds/, a .gitignore, the Pages
workflows and, in `.pressroom/`, the exact Pressroom they install (see `pin.py`). Nothing is ever
overwritten: if any file it would write exists, it writes nothing and says which.
`pressroom init --upgrade` moves a site to the running Pressroom, rewriting only what `init` wrote.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from ..config import Config
from ..errors import fail
from .manifest import MANIFEST, manifest_bytes
from .pin import PIN_DIR, Pin, running_pin
from .workflow import SCHEDULED_PATH, WORKFLOW_PATH, Install, workflows

__all__ = ["init_site", "managed_files", "site_files", "MANIFEST", "PIN_DIR", "SCHEDULED_PATH", "WORKFLOW_PATH"]

DEFAULT_SCHEDULE = Config.schedule


def managed_files(pin: Pin, cron: str) -> dict[str, bytes]:
    """The files `init` owns and `init --upgrade` rewrites: workflows, the pinned Pressroom, the record."""
    install = Install(pin.install, (f"{PIN_DIR}/**",), pin.python, pin.version)
    files = {rel: text.encode() for rel, text in workflows(install, " ".join(cron.split())).items()}
    files.update(pin.files)
    files[MANIFEST] = manifest_bytes(pin.version, pin.source, files)
    return files


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)   # a JSON string is a valid TOML basic string


def starter_files(title: str, cron: str) -> dict[str, bytes]:
    """The site's own files: written once by `init`, never touched by `--upgrade`."""
    today = datetime.now(timezone.utc).date().isoformat()
    toml = f"""# Pressroom site settings. Every key is optional; see the README for all of them.
title = {_toml_string(title)}
description = "News and press releases"
# The public address of the site. The GitHub Pages workflow passes its own with --base-url.
base_url = "http://localhost:8000/"
language = "en"
timezone = "UTC"
per_page = 10
# Newest releases in the feeds, and whether they carry the full text (else the summary).
feed_entries = 20
feed_full_content = true
# A custom domain for GitHub Pages, written to CNAME, e.g. "news.example.org".
cname = ""
# When GitHub rebuilds the site by itself (cron, UTC), so a release dated in the future goes live on
# time: hourly by default, "" for never. Run `pressroom init --upgrade` after changing it.
schedule = {_toml_string(cron)}
"""
    welcome = f"""---
title: {_toml_string(title + " is live")}
date: {today}
tags: [Announcements]
summary: The first release on our new press site.
---

Welcome to **{title}**. This is the first release: edit it in `content/welcome.md`, or add more
Markdown files anywhere under `content/`, each starting with a `title` and a `date`.

Raw press releases dropped into `seeds/` are turned into Markdown in `content/` on the next build.
"""
    return {
        "pressroom.toml": toml.encode(),
        "content/welcome.md": welcome.encode(),
        "seeds/.gitkeep": b"",
        ".gitignore": b"# Pressroom output and cache\n_site/\n._site.*/\n.pressroom-cache/\n",
    }


def site_files(title: str, pin: Pin, cron: str = DEFAULT_SCHEDULE) -> dict[str, bytes]:
    """Relative path -> bytes of every file `init` writes."""
    return {**starter_files(title, cron), **managed_files(pin, cron)}


def init_site(site_dir: Path, *, title: str | None = None, spec: str | None = None,
              pin: Pin | None = None) -> list[str]:
    """Scaffold a site in `site_dir` (created if needed); returns the files written, in order."""
    site_dir = site_dir.resolve()
    if site_dir.exists() and not site_dir.is_dir():
        raise fail(str(site_dir), 0, "is a file, not a folder; choose another place for the new site")
    files = site_files(title or _title_from(site_dir), pin or running_pin(spec))
    existing = [rel for rel in files if (site_dir / rel).exists() or (site_dir / rel).is_symlink()]
    if existing:
        raise fail(str(site_dir), 0, "already holds " + ", ".join(existing)
                   + "; init never overwrites files: pick an empty folder, or move them away first"
                   + " (`pressroom init --upgrade` moves a site to this Pressroom)")
    for rel, data in files.items():
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:
            handle.write(data)
    return list(files)


def _title_from(site_dir: Path) -> str:
    words = site_dir.name.replace("-", " ").replace("_", " ").split()
    return " ".join(word.capitalize() for word in words) or "Pressroom"
