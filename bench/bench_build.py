"""Build benchmark: Pressroom cold / no-change / one-edit builds, and Hugo / Pelican on the same corpus.

    python bench/bench_build.py                 # N = 1000 and 10000
    python bench/bench_build.py --sizes 1000 --no-peers

Prints, per N: cold build (empty cache and output), no-change rebuild (`pressroom build`
again, a new process), one-article body edit (`SiteBuilder.rebuild`, what `serve` runs;
median of 5), peak memory of the largest process (ru_maxrss of the build process and of
its pool workers), pages written; and, when installed, Hugo's and Pelican's cold builds of
the same corpus with comparable settings (10 a page, tags, year/month sections), as
ratios measured in the same run. The search index (Pagefind) is off: it is timed apart.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def corpus(n: int, workdir: Path) -> Path:
    site = workdir / f"corpus-{n}"
    if not (site / ".complete").exists():
        shutil.rmtree(site, ignore_errors=True)
        write_corpus(n, site)
        with open(site / "pressroom.toml", "a") as handle:
            handle.write("search = false\n")
        (site / ".complete").write_text("")
    return site


def run_child(args: list[str]) -> dict:
    """Run `args` and return its JSON line (time, memory, pages written)."""
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def child_build(site: str) -> None:
    """One `pressroom build` in this process; prints JSON."""
    from generator.build import build
    from generator.config import load_config

    started = time.perf_counter()
    result = build(load_config(Path(site)), run_import=False, search=False)
    seconds = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "written": len(result.written),
                      "files": result.files, "errors": len(result.errors)}))


def child_edit(site: str) -> None:
    """SiteBuilder.build() then five one-article body edits through rebuild(); prints JSON."""
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"median": statistics.median(times), "max": max(times), "written": written,
                      "nochange_in_process": nochange, "peak_mb": peak / 1024}))


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


def bench(n: int, workdir: Path, peers: bool) -> None:
    site = corpus(n, workdir)
    shutil.rmtree(site / ".pressroom-cache", ignore_errors=True)
    shutil.rmtree(site / "_site", ignore_errors=True)
    cold = run_child(["--child-build", str(site)])
    warm = run_child(["--child-build", str(site)])
    edit = run_child(["--child-edit", str(site)])
    print(f"\nN = {n} ({os.cpu_count()} cores)")
    print(f"  cold build            {cold['seconds']:7.2f} s   peak {cold['peak_mb']:6.0f} MB   {cold['written']} files written")
    print(f"  no-change rebuild     {warm['seconds']:7.2f} s   (pressroom build, new process; {warm['written']} written)")
    print(f"  no-change rebuild     {edit['nochange_in_process'] * 1000:7.1f} ms  (SiteBuilder.rebuild, in memory)")
    print(f"  one-edit rebuild      {edit['median'] * 1000:7.1f} ms  median of 5 (max {edit['max'] * 1000:.1f} ms), "
          f"files written {edit['written']}; serve process peak {edit['peak_mb']:.0f} MB")
    if peers:
        for name, runner in (("hugo", hugo), ("pelican", pelican)):
            try:
                measured = runner(site, workdir)
            except subprocess.CalledProcessError as exc:
                print(f"  {name:8} failed: {exc}")
                continue
            if measured is None:
                print(f"  {name:8} not installed")
                continue
            seconds, peak = measured
            print(f"  {name:8} cold build  {seconds:7.2f} s   peak {peak:6.0f} MB   "
                  f"ratio pressroom/{name} = {cold['seconds'] / seconds:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pressroom-bench")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo and Pelican")
    parser.add_argument("--child-build", help=argparse.SUPPRESS)
    parser.add_argument("--child-edit", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        return child_build(args.child_build)
    if args.child_edit:
        return child_edit(args.child_edit)
    args.workdir.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        bench(n, args.workdir, not args.no_peers)


if __name__ == "__main__":
    main()
