"""Full-text search for a static host: Pagefind indexes the releases into `pagefind/`, in shards.

Article pages mark the indexed region with `data-pagefind-body` and their date with
`data-pagefind-meta`, so results show title, date and an excerpt. The index is split into shards
(`pagefind/<count>-<number>/`, each a complete Pagefind index of a fixed share of the releases) that
the search page merges in the browser (Pagefind's `mergeIndex`, listed in `pagefind/shards.json`),
with a small delta index of recent edits and the ids of the results it replaces (build/delta.py).
Pages go to Pagefind's service (`pagefind --service`) as the bytes the build already holds, through
the small client below (the stock Python wrapper waits 0.1 s before reading each reply). Pagefind is optional: without it the build still succeeds,
with a warning, and the search page says search is unavailable.
"""
from __future__ import annotations

import base64
import gzip
import json
import re
import shutil
import subprocess
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

INDEX_DIR = "pagefind"
SHARDS_FILE = "shards.json"
# Kept in every shard: its own index, and what a primary index loads (the search script, its worker, the wasm).
SHARD_KEEP = ("pagefind-entry.json", "pagefind.js", "pagefind-worker.js", "index", "fragment", "filter")
# The search page's user interface, kept once at the top of `pagefind/`.
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-highlight.js", "pagefind-modular-ui.js",
            "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css")
WINDOW = 16           # requests sent ahead of their replies (each AddFile a whole page)
NOT_INSTALLED = ("search index not built: Pagefind is not installed (pip install 'pagefind[bin]'); "
                 "the search page will say search is unavailable")


@dataclass(frozen=True)
class SearchResult:
    ok: bool
    seconds: float
    message: str = ""     # why indexing failed or was skipped; empty when ok


class PagefindError(Exception):
    """Pagefind's service failed or said no."""


def pagefind_command() -> list[str] | None:
    """Pagefind's binary: the PyPI package (`pagefind[bin]`), else a `pagefind` on PATH, else None."""
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found = __import__(module).get_executable()
        except (ImportError, AttributeError, OSError):
            continue
        if found and Path(found).is_file():
            return [str(found)]
    binary = shutil.which("pagefind")
    return [binary] if binary else None


def available() -> bool:
    return pagefind_command() is not None


def binary_stamp() -> str:
    """Which Pagefind indexes (its path, size and time): an index made by another one is made again."""
    command = pagefind_command()
    if command is None:
        return ""
    try:
        st = Path(command[0]).stat()
    except OSError:
        return command[0]
    return f"{command[0]}:{st.st_size}:{st.st_mtime_ns}"


class Pagefind:
    """A `pagefind --service` process and the JSON-over-pipes protocol it speaks (base64 JSON, comma-ended)."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen([*command, "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self._next = 0
        self._buffer = bytearray()
        self._replies: dict[int, dict[str, Any]] = {}

    def __enter__(self) -> Pagefind:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()

    def call(self, payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send every request and return the replies in order."""
        return list(self.stream(payloads))

    def stream(self, payloads: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Send each request as it comes, at most `WINDOW` ahead of its reply, and yield the replies in order.

        Pagefind reads its input into a queue without limit, so sending a shard at once would hold all of its
        pages in both processes; a window keeps a few. Neither pipe fills: Pagefind reads its input on a thread
        of its own, and at most `WINDOW` small replies wait to be read here."""
        pending: deque[int] = deque()
        for payload in payloads:
            if len(pending) >= WINDOW:
                yield self._reply(pending.popleft())
            pending.append(self._send(payload))
        while pending:
            yield self._reply(pending.popleft())

    def _send(self, payload: dict[str, Any]) -> int:
        """Write one request; returns its message id."""
        message_id = self._next
        self._next += 1
        message = base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode()) + b","
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(message)
            self.process.stdin.flush()
        except (OSError, ValueError):
            raise PagefindError("Pagefind's service stopped before answering") from None
        return message_id

    def _reply(self, message_id: int) -> dict[str, Any]:
        """The reply to `message_id` (Pagefind answers in order; any other is kept until asked for)."""
        assert self.process.stdout is not None
        while message_id not in self._replies:
            reply = self._receive(self.process.stdout)
            payload = reply.get("payload") or {}
            if payload.get("type") == "Error":
                raise PagefindError(payload.get("message") or "Pagefind said no")
            self._replies[int(reply.get("message_id", -1))] = payload
        return self._replies.pop(message_id)

    def _receive(self, stream: IO[bytes]) -> dict[str, Any]:
        """The next comma-ended reply."""
        while True:
            end = self._buffer.find(b",")
            if end >= 0:
                data = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                return json.loads(base64.b64decode(data))
            chunk = stream.read1(1 << 16)     # type: ignore[attr-defined]
            if not chunk:
                raise PagefindError("Pagefind's service stopped before answering")
            self._buffer += chunk

    def write_index(self, pages: Iterable[tuple[str, bytes]], output: Path) -> int:
        """One index of `pages` ((url, html) pairs, taken one at a time) written to `output`; returns how many
        pages it holds."""
        [made] = self.call([{"type": "NewIndex", "config": None}])
        index = made["index_id"]
        adds = ({"type": "AddFile", "index_id": index, "file_path": None, "url": url,
                 "file_contents": html.decode("utf-8", "replace")} for url, html in pages)
        count = sum(1 for _ in self.stream(adds))
        self.call([{"type": "WriteFiles", "index_id": index, "output_path": str(output)},
                   {"type": "DeleteIndex", "index_id": index}])
        return count


_URL = re.compile(rb'"url":("(?:[^"\\]|\\.)*")')


def page_ids(index: Path) -> dict[str, str]:
    """URL -> Pagefind page id (the name of its fragment file, what the search script calls a result's `id`)
    of every page of a written index. A fragment is gzip'd JSON (after a short signature) starting with the URL."""
    ids: dict[str, str] = {}
    folder = index / "fragment"
    if not folder.is_dir():
        return ids
    for path in folder.iterdir():
        if not path.name.endswith(".pf_fragment"):
            continue
        data = gzip.decompress(path.read_bytes())
        found = _URL.search(data)
        url = json.loads(found.group(1)) if found else json.loads(data[data.find(b"{"):]).get("url")
        if isinstance(url, str):
            ids[url] = path.name.removesuffix(".pf_fragment")
    return ids


def keep_shard_files(shard: Path) -> None:
    """Strip a freshly written shard down to its index (the user interface lives once, at the top)."""
    for path in shard.iterdir():
        if path.name in SHARD_KEEP or path.name.endswith(".pf_meta") or path.name.startswith("wasm."):
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def move_ui_files(shard: Path, index_dir: Path) -> None:
    """The user interface files of a freshly written shard, moved to the top of the index folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    for name in UI_FILES:
        if (shard / name).is_file():
            shutil.move(str(shard / name), str(index_dir / name))
