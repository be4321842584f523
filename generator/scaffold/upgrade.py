"""`pressroom init --upgrade`: move a site to the running Pressroom, rewriting only what `init` wrote.

What `init` wrote is what `.pressroom/init.json` lists (or, for a site made by Pressroom 0.1.0, its
workflow if still unedited). A listed file edited since is its owner's: the upgrade then writes
nothing and names it. pressroom.toml, content/, seeds/, themes/ and .gitignore are never touched.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CONFIG_NAME, load_config
from ..errors import fail
from . import MANIFEST, WORKFLOW_PATH, managed_files
from .legacy import is_legacy_workflow
from .manifest import read_manifest, sha256
from .pin import Pin, running_pin


@dataclass
class Upgrade:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def upgrade_site(site_dir: Path, *, spec: str | None = None, pin: Pin | None = None) -> Upgrade:
    """Rewrite the files `init` wrote for the running Pressroom (or `pin`); returns what changed."""
    site_dir = site_dir.resolve()
    if not (site_dir / CONFIG_NAME).is_file():
        raise fail(str(site_dir), 0, f"has no {CONFIG_NAME}; `pressroom init --upgrade` upgrades an existing site "
                   "(run it in the site folder, or pass the folder)")
    recorded = _recorded(site_dir)
    config = load_config(site_dir)
    new = managed_files(pin or running_pin(spec), config.schedule)
    _refuse_edits(site_dir, recorded, new)
    return _apply(site_dir, recorded, new)


def _recorded(site_dir: Path) -> dict[str, str]:
    recorded = read_manifest(site_dir)
    if recorded is not None:
        return recorded
    workflow = site_dir / WORKFLOW_PATH
    if workflow.is_file() and is_legacy_workflow(workflow.read_text(encoding="utf-8", errors="replace")):
        return {WORKFLOW_PATH: sha256(workflow.read_bytes())}
    raise fail(str(site_dir / MANIFEST), 0, "is missing or damaged, and the workflow is not one `pressroom init` "
               "wrote unedited; move .github/workflows/pages.yml aside and run `pressroom init --upgrade` again")


def _refuse_edits(site_dir: Path, recorded: dict[str, str], new: dict[str, bytes]) -> None:
    edited = [rel for rel, digest in recorded.items()
              if (site_dir / rel).is_file() and sha256((site_dir / rel).read_bytes()) != digest]
    foreign = [rel for rel in new if rel not in recorded and rel != MANIFEST
               and ((site_dir / rel).exists() or (site_dir / rel).is_symlink())]
    if edited or foreign:
        raise fail(str(site_dir), 0, "holds " + ", ".join(sorted(edited + foreign)) + ", changed since "
                   "`pressroom init` wrote it (or not written by it); the upgrade changed nothing: move those "
                   "files aside (keep your edits elsewhere) and run `pressroom init --upgrade` again")


def _apply(site_dir: Path, recorded: dict[str, str], new: dict[str, bytes]) -> Upgrade:
    done = Upgrade()
    for rel, data in new.items():
        target = site_dir / rel
        if target.is_file() and target.read_bytes() == data:
            done.unchanged.append(rel)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.pressroom-new")
        staged.write_bytes(data)
        os.replace(staged, target)
        done.written.append(rel)
    for rel in sorted(set(recorded) - set(new)):
        target = site_dir / rel
        if target.is_file():
            target.unlink()
            done.removed.append(rel)
    return done
