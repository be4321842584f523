"""The last build's state between processes: what `serve` keeps in memory, on disk for the next `pressroom build`.

A `pressroom build` after an edit takes up the model of the build before it (`StoredModel`), the content files as
last read and the output record, then runs the update `serve` runs for what changed. The state is trusted only
when it is the one saved with the output record (`token`), for the same code, config and theme (the cache key),
and every article it names is the one the content cache holds (each file's hash).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..cache import DiskCache, fingerprint
from ..content import Article
from ..errors import Problem
from ..model import Model
from ..model.stored import StoredModel, restore, store
from .forked import in_child
from .sources import FileEntry

NAME = "model"
RESUME_MAX = 500      # more changed files than this: a full build (the parse pool reads them on every core)


@dataclass(frozen=True)
class State:
    token: str                         # also in the output record saved with it
    model: StoredModel
    digests: tuple[bytes, ...]         # per article of `model.paths`: the hash of the file it was read from
    kept: tuple[int, ...]              # the published articles in build order, as positions in `model.paths`
    select_problems: tuple[Problem, ...]
    held: datetime | None
    meta: dict[bytes, bytes]           # Keys.meta: each article's route, dates and tags, hashed (the sitemap's key)


@dataclass(frozen=True)
class Resumed:
    model: Model
    stored: StoredModel          # the model as saved: still right after substitutions in place (`Model.swap`)
    kept: list[Article]
    select_problems: list[Problem]
    held: datetime | None
    meta: dict[bytes, bytes]


def state_name(global_key: str, tfp_all: bytes, parse_key: str, per_page: int, output_key: str) -> str:
    return fingerprint(NAME, global_key, tfp_all.hex(), parse_key, per_page, output_key)


def save_state(cache: DiskCache, key: str, model: Model, stored: StoredModel | None, kept: list[Article],
               entries: dict[str, FileEntry], select_problems: list[Problem], held: datetime | None,
               meta: dict[bytes, bytes], token: str | None = None) -> tuple[str, StoredModel]:
    """Save the state (`stored`: the model as last stored, when nothing but substitutions happened since);
    returns its token (`token`, or a new one), for the output record saved with it, and the model as stored."""
    stored = stored or store(model)
    position = {path: i for i, path in enumerate(stored.paths)}
    token = token or secrets.token_hex(8)
    cache.save(NAME, key, State(token, stored, tuple(entries[p].digest for p in stored.paths),
                                tuple(position[a.source_path] for a in kept), tuple(select_problems), held,
                                {ident: meta[ident] for ident in (entries[p].digest for p in stored.paths) if ident in meta}))
    return token, stored


def save_state_soon(save: Callable[[str], object]) -> Callable[[], str | None] | None:
    """`save(token)` run by a forked child while the caller writes the output (at 10,000 releases storing the model
    and the parsed files took ~0.15 s of a one-edit build); call the result to wait for the token (None: nothing
    was saved, save in-process). None when no child could be forked."""
    token = secrets.token_hex(8)
    wait = in_child(lambda: save(token) is not None, finish_when_interrupted=True)
    if wait is None:
        return None
    return lambda: token if wait() == 0 else None


def load_state(cache: DiskCache, key: str, token: str, entries: dict[str, FileEntry]) -> Resumed | None:
    """The saved state around the articles of `entries`, when it is the one saved with token `token`."""
    state = cache.load(NAME, key)
    if not token or not isinstance(state, State) or state.token != token:
        return None
    ordered = []
    for path, hashed in zip(state.model.paths, state.digests):
        entry = entries.get(path)
        article = entry.loaded.article if entry is not None and entry.digest == hashed else None
        if article is None:
            return None
        ordered.append(article)
    return Resumed(restore(state.model, ordered), state.model, [ordered[i] for i in state.kept], list(state.select_problems),
                   state.held, dict(state.meta))
