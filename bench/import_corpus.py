"""Run the importer's parser over a folder of captures and report what it made of each.

    python bench/import_corpus.py /path/to/corpus [--show] [--out DIR]

Prints, per folder: imported / skipped (not an article) / failed, the reasons, and any
body line that still looks like site chrome or a photo block (those are importer bugs).
With --out, writes each release as Markdown under DIR for reading.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.errors import PressroomError  # noqa: E402
from generator.ingest import parse_seed, release_to_markdown  # noqa: E402

LEFTOVER = re.compile(
    r"^(?:An official website of the United States|Here['’]s how you know|Official websites use \.gov|"
    r"Secure \.gov websites|A lock \(|Download: |Download Image|Credit: |VIRIN: |• Photo By|Photo Gallery$|"
    r"Share$|DOWNLOAD HI-RES|PHOTO DETAILS| ?date \d{4}-\d\d-\d\d)", re.I)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show", action="store_true", help="print title/date/authors of every import")
    parser.add_argument("--out", type=Path, help="write each release's Markdown here")
    args = parser.parse_args()
    counts: dict[str, Counter] = defaultdict(Counter)
    reasons: list[str] = []
    leftovers: list[str] = []
    started = time.perf_counter()
    for path in sorted(p for p in args.folder.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")) and p.suffix != ".md" or p.is_file() and p.suffix == ".md" and p.name != "README.md" and p.name not in ("FORMATS.md", "SOURCES.md")):
        folder = str(path.parent.relative_to(args.folder)) or "."
        rel = path.relative_to(args.folder)
        try:
            releases = parse_seed(rel, path.read_bytes())
        except PressroomError as exc:
            kind = "skipped" if exc.problem.warning else "failed"
            counts[folder][kind] += 1
            reasons.append(f"  {kind:8} {exc.problem}")
            continue
        counts[folder]["imported"] += 1
        counts[folder]["releases"] += len(releases)
        for n, release in enumerate(releases):
            if args.show:
                print(f"{rel}: {release.title!r} | {release.date} | {list(release.authors)} | {release.source} | {release.kind} | {list(release.tags)} | imgs={len(release.images)}")
            for line in release.body.split("\n"):
                if LEFTOVER.match(line.strip()):
                    leftovers.append(f"  {rel}: {line[:100]}")
            if args.out:
                target = args.out / rel.parent / f"{rel.stem}-{n}.md"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(release_to_markdown(release), encoding="utf-8")
    total = Counter()
    print(f"{'folder':40} imported releases skipped failed")
    for folder, c in sorted(counts.items()):
        total.update(c)
        print(f"{folder:40} {c['imported']:8} {c['releases']:8} {c['skipped']:7} {c['failed']:6}")
    print(f"{'TOTAL':40} {total['imported']:8} {total['releases']:8} {total['skipped']:7} {total['failed']:6}"
          f"   ({time.perf_counter() - started:.2f}s)")
    if reasons:
        print("\nnot imported:")
        print("\n".join(reasons))
    print(f"\nleftover chrome/photo-block lines in bodies: {len(leftovers)}")
    print("\n".join(leftovers[:50]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
