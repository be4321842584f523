"""`python -m generator.scaffold.pages_step BASE_URL`: run by the Pages workflow before it restores its caches.

Hands the output folder (pressroom.toml `output`) to the cache step (which restores the last run's output
with the build cache that describes it) and to the upload step, as `output=<folder>` in $GITHUB_OUTPUT
(printed when that is unset), and warns in the run's summary when `cname` names a
domain other than the one GitHub Pages serves the site at (set it under Settings -> Pages too).
"""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ..config import load_config
from ..errors import PressroomError


def cname_warning(cname: str, base_url: str) -> str | None:
    """Why the custom domain in pressroom.toml is not (yet) the one Pages uses, or None."""
    host = (urlsplit(base_url).hostname or "").lower()
    wanted = cname.strip().lower().rstrip(".")
    if not wanted or not host or host == wanted:
        return None
    return (f"pressroom.toml sets cname = \"{cname}\" but GitHub Pages serves this site at {base_url}; "
            f"add {cname} under Settings -> Pages -> Custom domain, and the next run builds for it")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config(Path("."))
    except PressroomError as exc:
        print(f"::error::{exc.problem}")
        return 1
    line = f"output={config.output_dir}\n"
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(line)
    else:
        sys.stdout.write(line)
    warning = cname_warning(config.cname, args[0] if args else "")
    if warning:
        print(f"::warning title=Custom domain::{warning}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
