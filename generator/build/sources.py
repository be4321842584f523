"""The first stages of a build: import seeds, scan content/, parse each file (with stat stamps and content
hashes so an unchanged file is never parsed twice; on every core when there are many) and select the
articles to publish (drafts, future releases and duplicate URLs held back)."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any

from ..cache import digest
from ..config import Config
from ..content import (CONTENT_SUFFIXES, Article, Loaded, Page, is_future, is_page, parse_article,
                       parse_page, decode_text, read_text, utc_now)
from ..errors import PressroomError, Problem, Problems, problem
from ..markup import MarkdownRenderer
from ..model import find_duplicate_routes
from ..urls import Urls
from .forked import fork_ok, on_two_cores

RACY_NS = 2_000_000_000        # a file modified this close to when we looked at it is re-hashed next time
PARALLEL_MIN = 400             # fewer files than this: parse in-process
HASH_SPLIT_MIN = 2000          # files to hash before a second core takes half (a fork costs ~10-20 ms)


@dataclass
class FileEntry:
    stamp: tuple[int, int, int, int] | None   # (mtime_ns, size, inode, ctime_ns); None: never trust
    seen_ns: int                               # when the stamp was taken
    digest: bytes
    loaded: Loaded

    def trusted(self, stamp: tuple[int, int, int, int]) -> bool:
        return self.stamp == stamp and stamp[0] < self.seen_ns - RACY_NS


Stamp = tuple[int, int, int, int]     # (mtime_ns, size, inode, ctime_ns)
Files = dict[str, str]                # site-relative path of a content file -> its path (Paths cost ~10 us each)


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


_worker: dict[str, Any] = {}


def parse_init(config: Config) -> None:
    _worker["config"], _worker["md"], _worker["urls"] = config, MarkdownRenderer(), Urls.from_config(config)


def parse_many(items: list[tuple[str, str]]) -> list[tuple[str, FileEntry]]:
    config, md, urls = _worker["config"], _worker["md"], _worker["urls"]
    return [(rel, read_entry(Path(path), rel, config, md, urls)) for rel, path in items]


def read_entry(where: str | Path, rel: str, config: Config, md: MarkdownRenderer, urls: Urls,
               previous: FileEntry | None = None) -> FileEntry:
    """Hash the file; parse it unless `previous` has the same bytes."""
    path = Path(where)
    seen = time.time_ns()
    try:
        st = os.stat(path)
        data = path.read_bytes()
    except OSError:
        st, data = None, b""
    stamp = stamp_of(st) if st is not None and not path.is_symlink() else None
    hashed = digest(rel.encode() + b"\0" + data)
    if previous is not None and previous.digest == hashed and st is not None:
        return FileEntry(stamp, seen, hashed, previous.loaded)
    loaded = load_file(path, config, md, urls, data if st is not None else None)
    try:
        if stamp is not None and stamp_of(os.stat(path)) != stamp:
            stamp = None       # changed while we read it: re-read next time
    except OSError:
        stamp = None
    return FileEntry(stamp, seen, hashed, loaded)


def same_bytes(todo: list[tuple[str, str]], previous: dict[str, FileEntry],
               entries: dict[str, FileEntry]) -> list[tuple[str, str]]:
    """Files whose stamp changed but whose bytes did not (a fresh checkout, a restored CI cache, `touch`) keep
    their parse: only the others are left to parse. Many are hashed on two cores (a deploy hashes every file)."""
    looks = on_two_cores(_looked_at, todo) if len(todo) >= HASH_SPLIT_MIN and fork_ok() else _looked_at(todo)
    left = []
    for (rel, path), look in zip(todo, looks):
        old = previous.get(rel)
        if look is not None and old is not None and look[2] == old.digest:
            entries[rel] = FileEntry(look[1], look[0], old.digest, old.loaded)
        else:
            left.append((rel, path))
    return left


def _looked_at(todo: list[tuple[str, str]]) -> list[tuple[int, Stamp | None, bytes] | None]:
    """Each file's (when looked at, stamp (None for a link: never trusted), content hash); None if unreadable."""
    looks: list[tuple[int, Stamp | None, bytes] | None] = []
    for rel, path in todo:
        seen = time.time_ns()
        try:
            st, hashed = os.lstat(path), file_digest(rel, path)
        except OSError:
            looks.append(None)
            continue
        looks.append((seen, None if stat.S_ISLNK(st.st_mode) else stamp_of(st), hashed))
    return looks


def file_digest(rel: str, path: str) -> bytes:
    """`digest(rel + NUL + the file's bytes)`, read with no file object (a deploy hashes every content file: at
    10,000 files `Path.read_bytes` took ~0.26 s, this ~0.17 s)."""
    hashed = hashlib.blake2b(rel.encode() + b"\0", digest_size=16)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))    # a pipe put there since the scan: no wait
    try:
        while chunk := os.read(fd, 1 << 20):
            hashed.update(chunk)
    finally:
        os.close(fd)
    return hashed.digest()


def chunks(items: list[Any], count: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // count))
    return [items[i:i + size] for i in range(0, len(items), size)]


def load_entries(files: Files, previous: dict[str, FileEntry], config: Config, md: Callable[[], MarkdownRenderer],
                 urls: Urls) -> tuple[dict[str, FileEntry], bool]:
    """Every file's entry, in `files` order: trusted ones from `previous`, the rest read (on every core when many).

    Returns (entries, whether anything was read again or went away)."""
    entries: dict[str, FileEntry] = {}
    todo: list[tuple[str, str]] = []
    for rel, path in files.items():
        old = previous.get(rel)
        try:
            st = os.stat(path)
        except OSError:
            todo.append((rel, path))
            continue
        if old is not None and old.trusted(stamp_of(st)):
            entries[rel] = old
        else:
            todo.append((rel, path))
    changed = bool(todo) or len(entries) != len(previous)
    todo = same_bytes(todo, previous, entries)
    if len(todo) >= PARALLEL_MIN and fork_ok():
        workers = os.cpu_count() or 2
        with multiprocessing.get_context("fork").Pool(workers, initializer=parse_init, initargs=(config,)) as pool:
            items = todo
            # small chunks (about 100 files, a tenth of a second): no core idles long waiting for the last one
            for chunk in pool.imap_unordered(parse_many, chunks(items, max(workers * 8, len(items) // 100))):
                for rel, entry in chunk:
                    old = previous.get(rel)
                    entries[rel] = FileEntry(entry.stamp, entry.seen_ns, entry.digest, old.loaded) if (
                        old is not None and old.digest == entry.digest) else entry
    else:
        for rel, path in todo:
            entries[rel] = read_entry(path, rel, config, md(), urls, previous.get(rel))
    return {rel: entries[rel] for rel in files}, changed


def import_new_seeds(config: Config, problems: Problems) -> int:
    """Import new or changed seeds into content/; returns how many files were written."""
    seeds = config.site_dir / "seeds"
    if not seeds.is_dir():
        return 0
    from ..ingest import import_seeds    # the readers load only when there are seeds
    report = import_seeds(seeds, config.site_dir / "content", site_dir=config.site_dir,
                          vocabulary=config.tag_vocabulary, timezone=config.timezone, language=config.language)
    for item in report.skipped:
        problems.add(item)
    return len(report.written)


def content_files(content_dir: Path) -> list[tuple[str, str]]:
    """(path under `content_dir`, with '/', and the whole path) of every Markdown file under it, sorted as paths
    sort (each folder's names sorted, a folder's files where its name sorts), skipping hidden files and editor
    leftovers (and not following links to folders). A walk by names, with no Path objects: at 100,000 files
    `rglob` and making Paths took seconds."""
    found: list[tuple[str, str]] = []
    _walk(str(content_dir), "", found)
    return found


def _walk(folder: str, prefix: str, found: list[tuple[str, str]]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith((".", "_", "#")) or name.endswith("~"):
            continue
        dot = name.rfind(".")
        if dot > 0 and name[dot:].lower() in CONTENT_SUFFIXES:
            found.append((prefix + name, entry.path))
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            _walk(entry.path, f"{prefix}{name}/", found)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def scan(config: Config, problems: Problems, stamps: dict[str, Stamp] | None = None) -> Files:
    """rel -> path of every content file, in build order; names that differ only by case, and named pipes,
    sockets and devices (reading one would wait forever), are reported and left out. `stamps` (when given) gets
    each file's stat stamp, taken here once for the checks that follow (at 10,000 files each stat pass ~30 ms)."""
    site_dir = config.site_dir
    files: Files = {}
    seen: dict[str, str] = {}
    for inside, path in content_files(site_dir / "content"):
        rel = "content/" + inside
        try:
            st = os.stat(path)
        except OSError:
            st = None      # gone or a broken link: the parse step says so
        if st is not None and stamps is not None:
            stamps[rel] = stamp_of(st)
        kind = _special(st.st_mode) if st is not None and not stat.S_ISREG(st.st_mode) else ""
        if kind:
            problems.add(problem(rel, 0, f"is a {kind}, not a file: skipped; replace it with a regular file or "
                                 "remove it", warning=True))
            continue
        first = seen.setdefault(rel.casefold(), rel)
        if first != rel:     # a macOS or Windows checkout holds only one of them
            problems.add(problem(rel, 0, f"differs from {first} only by case; macOS and Windows can keep only "
                                 "one of them, rename one"))
        else:
            files[rel] = path
    for folder in ("seeds", "themes"):
        for path, kind in special_files(site_dir / folder):
            problems.add(problem(path.relative_to(site_dir).as_posix(), 0, f"is a {kind}, not a file: skipped; "
                                 "replace it with a regular file or remove it", warning=True))
    return files


def special_files(folder: Path) -> list[tuple[Path, str]]:
    """Named pipes, sockets and devices under `folder` (its readers skip them; the user hears of them here)."""
    if not folder.is_dir():
        return []
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            kind = special_kind(Path(root) / name)
            if kind:
                found.append((Path(root) / name, kind))
    return sorted(found)


def special_kind(path: str | Path) -> str:
    """'named pipe', 'socket' or 'device' for such a file (through links); '' for anything else."""
    try:
        return _special(os.stat(path).st_mode)
    except OSError:
        return ""      # gone or a broken link: the parse step says so


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return ""


def load_file(path: Path, config: Config, renderer: MarkdownRenderer, urls: Urls, data: bytes | None = None) -> Loaded:
    """One content file parsed, or the problems that kept it out; `data`: its bytes, when already read (to hash
    them: the parse then reads exactly the bytes that were hashed, and the file once)."""
    rel = path.relative_to(config.site_dir).as_posix()
    try:
        real = path.resolve(strict=True)
        if config.site_dir not in real.parents:
            return Loaded(None, (problem(rel, 0, "is a link to a file outside the site folder; copy the file in instead"),))
        parse = parse_page if is_page(rel) else parse_article
        return parse(rel, decode_text(data, rel) if data is not None else read_text(real, rel), config, renderer, urls)
    except PressroomError as exc:
        return Loaded(None, (exc.problem,))
    except (FileNotFoundError, RuntimeError):
        return Loaded(None, (problem(rel, 0, "is a broken or looping link, or vanished during the build; fix or remove it"),))
    except OSError as exc:
        return Loaded(None, (problem(rel, 0, f"cannot read this file ({exc.strerror or exc}); it is read again on "
                                             "the next build"),))


def select(loaded: Iterable[Loaded], config: Config, problems: Problems) -> tuple[list[Article], list[Page]]:
    """Report each file's problems; hold back drafts, future and embargoed releases and duplicate URLs.
    Returns the articles and the pages to publish."""
    articles: list[Article] = []
    pages: list[Page] = []
    held: list[Article] = []
    now = utc_now()       # one reading of the clock for the whole site (and not one a release)
    for item in loaded:
        for found in item.problems:
            problems.add(found)
        if item.page is not None:
            pages.append(item.page)
        article = item.article
        if article is None or article.draft and not config.drafts:
            continue
        if is_future(article, now) and not config.drafts:
            held.append(article)
            continue
        articles.append(article)
    for article in held:
        when = article.publish_at.astimezone(config.zone).isoformat(sep=" ", timespec="minutes")
        why = f"embargoed until {when}" if article.embargo and article.embargo >= article.date else f"dated {when}, in the future"
        problems.add(problem(article.source_path, 1, f"{why}: held back until then (--drafts shows it)", warning=True))
    kept, kept_pages, duplicates = find_duplicate_routes(articles, pages)
    for found in duplicates:
        problems.add(found)
    return kept, kept_pages


def rescanned(files: Files, entries: dict[str, FileEntry]) -> set[str]:
    """The content files on disk (`files`) against the ones known (`entries`): added, deleted, and those whose
    stat stamp no longer vouches for what was read (edited, or replaced by another file)."""
    changed = set(files) ^ set(entries)
    for rel, path in files.items():
        entry = entries.get(rel)
        if entry is None:
            continue
        try:
            if not entry.trusted(stamp_of(os.stat(path))):
                changed.add(rel)
        except OSError:
            changed.add(rel)
    return changed


def moved(before: dict[str, Loaded], after: dict[str, FileEntry]) -> list[Problem]:
    """A warning for each release or page whose URL is not what it was (a title, date or slug edit): the open
    page, links from elsewhere and search engines would find nothing at the old one."""
    found = []
    for rel, was in before.items():
        entry = after.get(rel)
        old = was.article or was.page
        new = (entry.loaded.article or entry.loaded.page) if entry is not None else None
        if old is None or new is None or old.route == new.route or old.route in new.aliases:
            continue
        slug = old.route.rstrip("/").rsplit("/", 1)[-1]
        alias = f"'aliases: [/{old.route}]' so the old URL sends readers on"
        if new.route == old.route.replace(slug, new.slug, 1):       # only the slug moved: a title edit
            advice = f"add 'slug: {slug}' to keep the old URL, or {alias}"
        else:
            advice = f"add {alias}"
        found.append(problem(rel, 1, f"its URL changed from /{old.route} to /{new.route}; {advice}", warning=True))
    return found
