"""`.pressroom/init.json`: which files `init` wrote and their SHA-256, so `--upgrade` rewrites only those.

A file whose bytes still match the record is Pressroom's to replace; one edited since is its owner's,
and `init --upgrade` stops and names it rather than overwrite it.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .pin import PIN_DIR

MANIFEST = f"{PIN_DIR}/init.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(version: str, source: str, files: dict[str, bytes]) -> bytes:
    """The record of `files` (relative path -> bytes) written by Pressroom `version`."""
    record = {
        "written_by": f"pressroom {version}",
        "installed_from": source,
        "note": "pressroom init --upgrade rewrites the files listed here while their sha256 still matches",
        "files": {rel: sha256(data) for rel, data in sorted(files.items())},
    }
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()


def read_manifest(site_dir: Path) -> dict[str, str] | None:
    """Relative path -> SHA-256 of every file `init` recorded, or None when there is no valid record."""
    try:
        data = json.loads((site_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return None
    return {str(rel): digest for rel, digest in files.items() if _inside(rel)}


OWNED = (f"{PIN_DIR}/", ".github/workflows/")     # the only places `init --upgrade` may write or delete


def _inside(rel: str) -> bool:
    """Only plain relative paths in the folders init owns: a damaged or hostile record reaches nothing else."""
    parts = Path(rel).parts
    return (bool(parts) and not Path(rel).is_absolute() and ".." not in parts and "\\" not in rel
            and rel.startswith(OWNED))
