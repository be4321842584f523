"""Run the importer's parser over a folder of captures and report what it made of each.

    python bench/import_corpus.py /path/to/corpus [--show] [--table] [--out DIR] [--timezone ZONE]

Prints, per folder: imported / skipped (not an article) / failed, the reasons, how many releases are
drafts (and why), and any body line that still looks like site chrome or a photo block (importer bugs).
--show prints title/date/authors of every release; --table prints one line per file (status, title,
date, language, review reasons) for judging correctness by reading the files.
With --out, writes each release as Markdown under DIR for reading.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.errors import PressroomError  # noqa: E402
from generator.ingest import read_seed, release_to_markdown  # noqa: E402
from generator.ingest.chrome import chrome_kind  # noqa: E402

LEFTOVER = re.compile(
    r"^(?:An official website of the United States|Here['’]s how you know|Official websites use \.gov|"
    r"Secure \.gov websites|A lock \(|Download: |Download Image|Credit: |VIRIN: |• Photo By|Photo Gallery$|"
    r"Share$|DOWNLOAD HI-RES|PHOTO DETAILS| ?date \d{4}-\d\d-\d\d)", re.I)
NOT_SEEDS = ("README.md", "FORMATS.md", "SOURCES.md")


def seed_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(("_", "."))
                  and p.name not in NOT_SEEDS)


def leftovers(rel: Path, body: str) -> list[str]:
    found = []
    for line in body.split("\n"):
        text = re.sub(r"\\(.)", r"\1", line.strip())
        kind = "chrome" if LEFTOVER.match(text) else chrome_kind(text)
        if kind:
            found.append(f"  {rel}: [{kind}] {text[:100]}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show", action="store_true", help="print title/date/authors of every import")
    parser.add_argument("--table", action="store_true", help="one line per file: status, title, date, review")
    parser.add_argument("--out", type=Path, help="write each release's Markdown here")
    parser.add_argument("--timezone", default="UTC", help="the site time zone (default UTC)")
    args = parser.parse_args()
    zone = ZoneInfo(args.timezone)
    counts: dict[str, Counter] = defaultdict(Counter)
    reasons: list[str] = []
    left: list[str] = []
    drafts: list[str] = []
    started = time.perf_counter()
    for path in seed_files(args.folder):
        folder = str(path.parent.relative_to(args.folder)) or "."
        rel = path.relative_to(args.folder)
        try:
            releases, left_out = read_seed(rel, path.read_bytes(), zone=zone)
            counts[folder]["items left out"] += len(left_out)
            reasons += [f"  {'item':8} {p}" for p in left_out]
        except PressroomError as exc:
            kind = "skipped" if exc.problem.warning else "failed"
            counts[folder][kind] += 1
            reasons.append(f"  {kind:8} {exc.problem}")
            if args.table:
                print(f"{kind.upper():8} {rel} :: {exc.problem.message}")
            continue
        counts[folder]["imported"] += 1
        counts[folder]["releases"] += len(releases)
        counts[folder]["drafts"] += sum(1 for r in releases if r.draft)
        for n, release in enumerate(releases):
            day = release.date.isoformat() if release.date else "-"
            if args.show:
                print(f"{rel}: {release.title!r} | {release.date} | {list(release.authors)} | {release.source} | {release.kind} | {list(release.tags)} | imgs={len(release.images)}")
            if args.table and (n < 3 or release.draft):
                status = "DRAFT" if release.draft else "OK"
                print(f"{status:8} {rel}#{n} :: {release.title!r} | {day} | {release.language or '-'} | {'; '.join(release.review)}")
            if release.draft:
                drafts.append(f"  {rel}#{n}: {'; '.join(release.review)}")
            left += leftovers(rel, release.body)
            if args.out:
                target = args.out / rel.parent / f"{rel.stem}-{n}.md"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(release_to_markdown(release), encoding="utf-8")
    report(counts, reasons, drafts, left, time.perf_counter() - started)
    return 0


def report(counts: dict[str, Counter], reasons: list[str], drafts: list[str], left: list[str], seconds: float) -> None:
    total: Counter = Counter()
    print(f"{'folder':40} imported releases  drafts skipped failed")
    for folder, c in sorted(counts.items()):
        total.update(c)
        print(f"{folder:40} {c['imported']:8} {c['releases']:8} {c['drafts']:7} {c['skipped']:7} {c['failed']:6}")
    print(f"{'TOTAL':40} {total['imported']:8} {total['releases']:8} {total['drafts']:7} {total['skipped']:7} "
          f"{total['failed']:6}   ({seconds:.2f}s; feed items left out: {total['items left out']})")
    if reasons:
        print("\nnot imported:")
        print("\n".join(reasons))
    if drafts:
        print(f"\ndrafts to review: {len(drafts)}")
        print("\n".join(drafts[:80]))
    print(f"\nleftover chrome/photo-block lines in bodies: {len(left)}")
    print("\n".join(left[:80]))


if __name__ == "__main__":
    raise SystemExit(main())
