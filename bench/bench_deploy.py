"""Deploy benchmark: one new release published by the GitHub Pages workflow, with the cache it restores.

    python bench/bench_deploy.py                                    # N = 10000, medians of 3
    python bench/bench_deploy.py --sizes 1000 --code /tmp/before --code /tmp/after

A run of the workflow starts from a fresh checkout (content files with new times and inodes) and restores
what its cache step saved at the end of the last run. Per N and code tree the corpus is built once (cold,
search on) at a fixed path, as a runner's workspace is, and what the workflow caches is archived with GNU tar
`--posix`, as actions/cache does. Then, alternating, for each round and each way of caching: the site folder
is made again from a fresh copy of content/ and pressroom.toml, that way's paths are extracted from the
archive, one new release is added (the newest: every home listing page moves) and `pressroom build` runs in
a new process, timed with Python's start:

- cache only: `.pressroom-cache/` (the workflow before: every page rendered and indexed again);
- cache and output: `.pressroom-cache/` and the output folder (the workflow `pressroom init` writes now);
- local: the same, then a pause and a build before the release is added, as on the machine that built the
  site last (content stamps trusted, nothing restored): the figure a deploy can at best reach.

Printed: medians of the build (whole process, and the build itself), the files it wrote, the restore
(tar extract) and the archive's size, and whether the new release's word is in the search index.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import edits  # noqa: E402
from bench.bench_build import corpus, run_child  # noqa: E402

CACHE, OUTPUT = ".pressroom-cache", "_site"
WAYS = {"cache only": (CACHE,), "cache and output": (CACHE, OUTPUT), "local": (CACHE, OUTPUT)}
SETTLE = 2.5        # seconds: a content file's stamp is trusted once it is this much older than the look


def fresh_checkout(source: Path, site: Path) -> None:
    """The sources as a checkout has them: the same bytes, new times and inodes, nothing else."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(source, site, copy_function=shutil.copyfile,
                    ignore=shutil.ignore_patterns(CACHE, OUTPUT, f".{OUTPUT}.*", ".complete"))


def megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def prepare(n: int, workdir: Path, code: Path | None) -> tuple[Path, Path]:
    """(site folder, archive of what the workflow caches) after a cold build of the corpus by `code`."""
    label = str(code) if code else "this tree"
    site = workdir / f"deploy-{n}-{zlib.crc32(label.encode())}"
    archive = site.with_name(site.name + ".tar")
    fresh_checkout(corpus(n, workdir), site)
    built = run_child(["--child-build", str(site)], code)
    assert not built["errors"], built
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-P", "-C", str(site), CACHE, OUTPUT], check=True)
    print(f"N = {n} [{label}]: cold build {built['seconds']:.1f} s; cached {CACHE}/ {megabytes(site / CACHE):.0f} MB, "
          f"{OUTPUT}/ {megabytes(site / OUTPUT):.0f} MB (before compression)", flush=True)
    return site, archive


def deploy(source: Path, site: Path, archive: Path, paths: tuple[str, ...], code: Path | None,
           round_: int, *, local: bool = False) -> dict:
    """A fresh checkout, `paths` restored from the archive, a new release, `pressroom build`: its figures."""
    fresh_checkout(source, site)
    started = time.perf_counter()
    subprocess.run(["tar", "-xf", str(archive), "-P", "-C", str(site), *paths], check=True)
    restore = time.perf_counter() - started
    if local:
        time.sleep(SETTLE)      # the stamps this build takes are trusted by the next one
        run_child(["--child-build", str(site)], code)
    word, _ = edits.apply(site, "new", round_)
    started = time.perf_counter()
    result = run_child(["--child-build", str(site)], code)
    result["wall"] = time.perf_counter() - started
    result["restore"] = restore
    result["findable"] = edits.findable(site / OUTPUT, word)
    return result


def measure(n: int, workdir: Path, codes: list[Path | None], rounds: int) -> dict[str, dict[str, list[dict]]]:
    source = corpus(n, workdir)
    prepared = {code: prepare(n, workdir, code) for code in codes}
    runs: dict[str, dict[str, list[dict]]] = {}
    for round_ in range(rounds):
        for code, (site, archive) in prepared.items():
            for way, paths in WAYS.items():
                got = runs.setdefault(str(code) if code else "this tree", {}).setdefault(way, [])
                got.append(deploy(source, site, archive, paths, code, round_, local=way == "local"))
    for site, archive in prepared.values():
        shutil.rmtree(site, ignore_errors=True)
        archive.unlink(missing_ok=True)
    return runs


def report(n: int, runs: dict[str, dict[str, list[dict]]]) -> None:
    count = len(next(iter(next(iter(runs.values())).values())))
    print(f"\nN = {n}, search on, one new release after a fresh checkout, medians of {count}")
    for label, ways in runs.items():
        print(f"  [{label}]")
        for way, got in ways.items():
            def med(key: str) -> float:
                return statistics.median(r[key] for r in got)
            print(f"  {way:17} pressroom build {med('wall'):6.2f} s (build {med('seconds'):5.2f} s, search "
                  f"{med('search'):5.2f} s)   files written {[r['written'] for r in got]}   restore "
                  f"{med('restore'):5.2f} s   in the search index: {'yes' if all(r['findable'] for r in got) else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, action="append", default=[],
                        help="a Pressroom source tree to measure (repeat to compare; default: this one)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pressroom-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        report(n, measure(n, args.workdir, args.code or [None], args.rounds))


if __name__ == "__main__":
    main()
