"""Build benchmark: Pressroom cold / no-change / one-edit builds, search on, against Hugo + Pagefind.

    python bench/bench_build.py                      # N = 1000 and 10000
    python bench/bench_build.py --sizes 10000 --code /tmp/before --code /tmp/after   # two source trees

Prints, per N and per code tree (this one, and each `--code` checkout, run alternately, medians of
`--rounds`): the cold build (empty cache and output, search on: Pagefind included), the no-change
`pressroom build`, three one-edit `pressroom build`s (a body edit, a new release, a title change; each a
new process, as CI and a user run it, checked afterwards: the edit's new word is in the search index; timed as
the build call and as the whole process, Python's start and imports included: within noise of a
`pressroom build` process, which imports what the bench's child does, and leaves the same way),
peak memory of the largest process (the build, its pool workers and Pagefind), and `serve`'s in-memory
one-edit rebuild. Then Hugo's cold build of the same corpus (10 a page, tags, year/month sections)
followed by Pagefind over Hugo's output, as ratios measured in the same run; and Pelican when installed.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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
from bench.corpus import write_corpus  # noqa: E402

HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html><head><title>{{ .Title }}</title></head><body><header><a href="/">{{ site.Title }}</a>'
                   '</header><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "January 2, 2006" }}</time>'
                   '{{ .Content }}<ul>{{ range .Params.tags }}<li><a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a>'
                   '</li>{{ end }}</ul>{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}'
                   '{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</article>{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .RegularPagesRecursive }}{{ range $p.Pages }}'
                 '<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><time>{{ .Date.Format "January 2, 2006" }}'
                 '</time><p>{{ .Summary }}</p></article>{{ end }}{{ with $p.Prev }}<a href="{{ .URL }}">newer</a>{{ end }}'
                 '{{ with $p.Next }}<a href="{{ .URL }}">older</a>{{ end }}{{ end }}\n',
}
HUGO_LAYOUTS["terms.html"] = HUGO_LAYOUTS["list.html"]
STAGE_ORDER = ["start", "import", "scan", "parse", "model", "render", "write", "index"]


def corpus(n: int, workdir: Path) -> Path:
    site = workdir / f"corpus-{n}"
    if not (site / ".complete").exists():
        shutil.rmtree(site, ignore_errors=True)
        write_corpus(n, site)
        (site / ".complete").write_text("")
    return site


def run_child(args: list[str], code: Path | None = None) -> dict:
    """Run `args` (with the Pressroom of `code` when given) and return its JSON line."""
    env = dict(os.environ, **({"PRESSROOM_CODE": str(code)} if code else {}))
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def peak_mb() -> float:
    """The largest process so far: this one, or a child it waited for (pool workers, Pagefind)."""
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def child_build(site: str) -> None:
    """One `pressroom build` (search on) in this process; prints JSON."""
    from generator.build import build
    from generator.config import load_config

    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    result = build(load_config(Path(site)), run_import=False, search=True,
                   progress=lambda stage, _count: marks.append((stage, time.perf_counter())))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), "written": len(result.written),
                      "search": result.search_seconds, "files": result.files, "errors": len(result.errors),
                      "stages": stage_seconds(marks, started, started + seconds),
                      "cpu": cpu_seconds(), "warnings": [p.message for p in result.problems if p.warning][:3]}))
    sys.stdout.flush()
    os._exit(0)       # as `pressroom build` leaves (cli.run): no teardown of what the build made


def stage_seconds(marks: list[tuple[str, float]], started: float, ended: float) -> dict[str, float]:
    """Seconds from each stage's progress call to the next (the build's own stage names: parse, model, render...)."""
    out: dict[str, float] = {}
    points = [*marks, ("", ended)]
    for (stage, at), (_next, until) in zip(points, points[1:]):
        out[stage] = out.get(stage, 0.0) + until - at
    out["start"] = (marks[0][1] if marks else ended) - started
    return out


def cpu_seconds() -> float:
    """User + system CPU of this process and the children it waited for (pool workers, Pagefind): steadier than
    wall time on a shared machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_edit(site: str) -> None:
    """`serve`: SiteBuilder.build() then five one-article body edits through rebuild(); prints JSON."""
    from generator.config import load_config
    from generator.build import SiteBuilder
    from generator.changes import Changes

    builder = SiteBuilder(load_config(Path(site)), run_import=False)
    builder.build()
    files = sorted((Path(site) / "content").rglob("*.md"))
    times, written = [], []
    for i in range(5):
        path = files[(i * 7919) % len(files)]
        text = path.read_text()
        path.write_text(text + f"\nEdited paragraph {time.time_ns()}.\n")
        started = time.perf_counter()
        result = builder.rebuild(Changes.classify([path], Path(site)))
        times.append(time.perf_counter() - started)
        written.append(len(result.written))
        path.write_text(text)
        builder.rebuild(Changes.classify([path], Path(site)))
    nochange = time.perf_counter()
    builder.rebuild(Changes.classify([], Path(site)))
    nochange = time.perf_counter() - nochange
    builder.close()
    print(json.dumps({"median": statistics.median(times), "max": max(times), "written": written,
                      "nochange_in_process": nochange, "peak_mb": peak_mb()}))


def one_edits(site: Path, code: Path | None, round_: int) -> dict[str, dict]:
    """Each kind of edit, then `pressroom build` in a new process, then the edit undone and built again."""
    out = {}
    for kind in edits.KINDS:
        word, changes = edits.apply(site, kind, round_)
        try:
            started = time.perf_counter()
            result = run_child(["--child-build", str(site)], code)
            result["process"] = time.perf_counter() - started
            result["findable"] = edits.findable(site / "_site", word)
            out[kind] = result
        finally:
            edits.undo(changes)
        run_child(["--child-build", str(site)], code)
    return out


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(seconds, peak MB of the largest child) for an external command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def hugo(site: Path, workdir: Path) -> tuple[float, float] | None:
    binary = shutil.which("hugo")
    if binary is None:
        return None
    root = workdir / f"hugo-{site.name}"
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / "_default" / name).write_text(text)
    content = root / "content"
    shutil.copytree(site / "content", content)
    for folder in content.glob("*"):          # year and month sections, as Pressroom has
        (folder / "_index.md").write_text(f"---\ntitle: {folder.name}\n---\n")
        for month in folder.glob("*/"):
            (month / "_index.md").write_text(f"---\ntitle: {folder.name}/{month.name}\n---\n")
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Bench Press"\n[pagination]\npagerSize = 10\n'
                                    '[taxonomies]\ntag = "tags"\n[markup.goldmark.renderer]\nunsafe = true\n')
    return timed([binary, "--quiet", "--cleanDestinationDir", "-d", str(root / "public")], cwd=root)


def pelican(site: Path, workdir: Path) -> tuple[float, float] | None:
    binary = shutil.which("pelican")
    if binary is None:
        return None
    root = workdir / f"pelican-{site.name}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    settings = root / "settings.py"
    settings.write_text(
        "SITENAME = 'Bench Press'\nSITEURL = ''\nTIMEZONE = 'UTC'\nDEFAULT_PAGINATION = 10\nLOAD_CONTENT_CACHE = False\n"
        "MARKDOWN = {'extension_configs': {'markdown.extensions.extra': {}, 'markdown.extensions.toc': {}}, 'output_format': 'html5'}\n"
        "YEAR_ARCHIVE_SAVE_AS = '{date:%Y}/index.html'\nMONTH_ARCHIVE_SAVE_AS = '{date:%Y}/{date:%m}/index.html'\n"
        "ARTICLE_URL = '{date:%Y}/{date:%m}/{slug}/'\nARTICLE_SAVE_AS = '{date:%Y}/{date:%m}/{slug}/index.html'\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n")
    return timed([binary, str(site / "content"), "-s", str(settings), "-o", str(root / "output"), "-q"], cwd=root)


def hugo_pagefind(site: Path, workdir: Path) -> tuple[float, float] | None:
    """Hugo's cold build, then Pagefind over Hugo's output: (seconds, peak MB of the larger)."""
    measured = hugo(site, workdir)
    command = pagefind_binary()
    if measured is None or command is None:
        return None
    seconds, peak = timed([command, "--site", str(workdir / f"hugo-{site.name}" / "public")])
    return measured[0] + seconds, max(measured[1], peak)


def pagefind_binary() -> str | None:
    from generator.search import pagefind_command

    command = pagefind_command()
    return command[0] if command else None


def median(runs: list[dict], *keys: str) -> float:
    values = []
    for run in runs:
        for key in keys[:-1]:
            run = run[key]
        values.append(run[keys[-1]])
    return statistics.median(values)


def measure(n: int, workdir: Path, codes: list[Path | None], rounds: int) -> dict[str, dict[str, list]]:
    """Alternating runs of each code tree, each on its own copy of the corpus."""
    base = corpus(n, workdir)
    runs: dict[str, dict[str, list]] = {}
    for round_ in range(rounds):
        for code in codes:
            label = str(code) if code else "this tree"
            site = workdir / f"corpus-{n}-{zlib.crc32(label.encode())}"
            if not site.exists():
                shutil.copytree(base, site)
            shutil.rmtree(site / ".pressroom-cache", ignore_errors=True)
            shutil.rmtree(site / "_site", ignore_errors=True)
            got = runs.setdefault(label, {"cold": [], "warm": [], "edits": []})
            got["cold"].append(run_child(["--child-build", str(site)], code))
            got["warm"].append(run_child(["--child-build", str(site)], code))
            got["edits"].append(one_edits(site, code, round_))
    return runs


def report(n: int, runs: dict[str, dict[str, list]], peer: tuple[float, float] | None) -> None:
    print(f"\nN = {n} ({os.cpu_count()} cores), search on, medians of {len(next(iter(runs.values()))['cold'])}")
    for label, got in runs.items():
        cold = median(got["cold"], "seconds")
        print(f"  [{label}]")
        print(f"  cold build            {cold:7.2f} s   (search {median(got['cold'], 'search'):.2f} s)   "
              f"peak {max(r['peak_mb'] for r in got['cold']):6.0f} MB"
              + (f"   ratio to Hugo + Pagefind = {cold / peer[0]:.2f}" if peer else ""))
        if all("stages" in r for r in got["cold"]):
            stages = sorted({s for r in got["cold"] for s in r["stages"]}, key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else len(STAGE_ORDER))
            print("    stages (median s)    " + "  ".join(
                f"{s} {statistics.median(r['stages'].get(s, 0.0) for r in got['cold']):.2f}" for s in stages)
                + f"   cpu {median(got['cold'], 'cpu'):.1f} s")
        print(f"  no-change build       {median(got['warm'], 'seconds'):7.2f} s")
        for kind in edits.KINDS:
            found = all(r[kind]["findable"] for r in got["edits"])
            print(f"  one edit ({kind:5})      {median(got['edits'], kind, 'seconds'):7.2f} s   "
                  f"(process {median(got['edits'], kind, 'process'):.2f} s)   "
                  f"peak {max(r[kind]['peak_mb'] for r in got['edits']):6.0f} MB   "
                  f"files written {[r[kind]['written'] for r in got['edits']]}   in the search index: "
                  f"{'yes' if found else 'NO'}")
    if peer:
        print(f"  Hugo + Pagefind cold  {peer[0]:7.2f} s   peak {peer[1]:6.0f} MB")


def serve_edits(n: int, workdir: Path) -> None:
    edit = run_child(["--child-edit", str(corpus(n, workdir))])
    print(f"  serve: one-edit rebuild {edit['median'] * 1000:.1f} ms median of 5 (max {edit['max'] * 1000:.1f} ms), "
          f"files written {edit['written']}; no-change {edit['nochange_in_process'] * 1000:.1f} ms; "
          f"peak {edit['peak_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, action="append", default=[], help="a Pressroom source tree to measure (repeat to compare; default: this one)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pressroom-bench")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo + Pagefind and Pelican")
    parser.add_argument("--no-serve", action="store_true", help="skip serve's in-memory rebuilds")
    parser.add_argument("--child-build", help=argparse.SUPPRESS)
    parser.add_argument("--child-edit", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if os.environ.get("PRESSROOM_CODE"):
        sys.path.insert(0, os.environ["PRESSROOM_CODE"])
    if args.child_build:
        return child_build(args.child_build)
    if args.child_edit:
        return child_edit(args.child_edit)
    args.workdir.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        runs = measure(n, args.workdir, args.code or [None], args.rounds)
        peer = None if args.no_peers else hugo_pagefind(corpus(n, args.workdir), args.workdir)
        report(n, runs, peer)
        if not args.no_serve:
            serve_edits(n, args.workdir)
        if not args.no_peers:
            measured = pelican(corpus(n, args.workdir), args.workdir)
            print("  pelican not installed" if measured is None else f"  pelican cold {measured[0]:7.2f} s")


if __name__ == "__main__":
    main()
