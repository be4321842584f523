"""Importer: raw press releases in seeds/ -> front-mattered Markdown in content/.

`parse_seed` is pure (bytes in, releases out, `PressroomError` for anything it cannot
import; a `Problem` with `warning=True` means "not an article, skipped on purpose").
A release the importer is unsure of comes back with `review` reasons and is written as a draft.
`import_seeds` (in `run`) walks seeds/, writes content/YYYY/slug.md atomically and idempotently
and never overwrites a file a person has edited (see `writer` for the `import_sha256` line).
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> the module that defines it: imported when first asked for, so a build without seeds never loads the
# readers (lxml, the capture and feed parsers): ~60 ms of every `pressroom build`
_HOME = {"ImportReport": "run", "import_seeds": "run", "release_to_markdown": "writer", "Image": "model",
         "Release": "model", "parse_seed": "seed", "read_seed": "seed", "SEED_SUFFIXES": "seed",
         "MAX_SEED_BYTES": "seed", "MAX_CONTENT_BYTES": "seed"}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
