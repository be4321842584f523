"""`pressroom` command line: init, import, build, serve, new, check."""
from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import TemplateError

import generator
from .config import CONFIG_NAME, Config, load_config
from .errors import BuildStopped, PressroomError, Problem, fail
from .failures import failure_problem, is_bug
from .progress import CHECK_STAGES, ProgressFn, progress_for

if TYPE_CHECKING:
    from .build import BuildResult


def run() -> None:
    """The `pressroom` command: `main()`, then out without tearing the interpreter down one object at a time. What
    a build made is held (`held`) until then: after a one-edit build of 10,000 releases, freeing the site's
    objects took ~20 ms and the interpreter's teardown ~25 ms more. Every file Pressroom writes is closed by then;
    the exit handlers run and stdout and stderr are flushed here. A normal exit while a thread of ours still runs,
    under a profiler or tracer (which writes its report as Python exits), or when the output cannot be flushed."""
    held: list[object] = []
    code = main(held=held)
    main_thread = threading.main_thread()
    watched = sys.getprofile() is not None or sys.gettrace() is not None     # cProfile, pyinstrument, coverage
    if watched or any(t is not main_thread and t.is_alive() and not t.daemon for t in threading.enumerate()):
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


def main(argv: Sequence[str] | None = None, *, held: list[object] | None = None) -> int:
    """Run one command; `held` keeps what a build made for the caller to drop (or not: `run`)."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.held = held if held is not None else []
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except PressroomError as exc:
        for item in exc.problems:
            print(f"error: {item}", file=sys.stderr)
        return 1
    except BuildStopped as exc:
        print(f"error: {exc.problem}\nstopped at the first error (--strict)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:  # a bug in Pressroom, not in the user's files
        if getattr(args, "debug", False):
            raise
        print("internal error in Pressroom (run again with --debug for the traceback, and please report it):",
              file=sys.stderr)
        print("  " + traceback.format_exc().strip().splitlines()[-1], file=sys.stderr)
        return 70


class _Version(argparse.Action):
    """`--version`, reading the package metadata only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        print(f"pressroom {generator.__version__}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pressroom", description="Turn press releases into a static reading site.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="import new seeds and build the site",
                                    description="Import new or changed seeds, then build the site into the output folder.")
    _site_options(build_cmd)
    build_cmd.add_argument("--output", metavar="DIR", help="output folder (default: from pressroom.toml, else _site)")
    build_cmd.add_argument("--base-url", metavar="URL", help="public URL of the site, e.g. https://me.github.io/repo/")
    build_cmd.add_argument("--strict", action="store_true", help="stop at the first error")
    build_cmd.add_argument("--quiet", action="store_true", help="print only errors and the summary")
    build_cmd.set_defaults(run=run_build)

    import_cmd = commands.add_parser("import", help="turn raw press releases in seeds/ into Markdown in content/",
                                     description="Import every new or changed file in seeds/ into content/YYYY/slug.md. "
                                                 "A content file edited by hand is never overwritten unless --force.")
    import_cmd.add_argument("--site", metavar="DIR", type=Path, default=Path("."), help="site folder (default: current folder)")
    import_cmd.add_argument("--force", action="store_true", help="re-import even content files edited by hand")
    import_cmd.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    import_cmd.set_defaults(run=run_import)

    init_cmd = commands.add_parser("init", help="create a new site folder, ready for GitHub Pages",
                                   description="Create pressroom.toml, content/ with a first release, seeds/, "
                                               "a GitHub Pages workflow and a .gitignore. Never overwrites a file.")
    init_cmd.add_argument("dir", metavar="DIR", type=Path, nargs="?", default=Path("."),
                          help="folder for the new site (created if missing; default: current folder)")
    init_cmd.add_argument("--title", help="site title (default: from the folder name)")
    init_cmd.add_argument("--pressroom", metavar="SPEC", default=None,
                          help="what the workflow pip-installs instead of the copy of this Pressroom that init "
                               "keeps in .pressroom/, e.g. 'pressroom==1.0.0' once on PyPI, or a git URL at a commit")
    init_cmd.add_argument("--upgrade", action="store_true",
                          help="move an existing site to this Pressroom: rewrite only the files init wrote "
                               "(workflows, .pressroom/), and only if unedited")
    init_cmd.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    init_cmd.set_defaults(run=run_init)

    serve_cmd = commands.add_parser("serve", help="build, serve and rebuild on save with live reload",
                                    description="Build the site, serve it under its base path on this machine, "
                                                "rebuild what each saved file touches and reload the open pages.")
    _site_options(serve_cmd)
    serve_cmd.add_argument("--bind", metavar="ADDRESS", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--port", metavar="PORT", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve_cmd.add_argument("--no-open", action="store_true", help="do not open a browser")
    serve_cmd.set_defaults(run=run_serve)
    _authoring_commands(commands)
    return parser


def _authoring_commands(commands: argparse._SubParsersAction) -> None:
    new_cmd = commands.add_parser("new", help="write a new draft release from the archetype and print its path",
                                  description="Write content/YYYY/slug.md from archetypes/release.md (the site's, "
                                              "else the theme's), dated now in the site's timezone, draft: true. "
                                              "Never overwrites: a second one is slug-2.md.")
    new_cmd.add_argument("title", metavar="TITLE", help="the release's title, e.g. \"County opens cooling centres\"")
    new_cmd.add_argument("--site", metavar="DIR", type=Path, default=Path("."), help="site folder (default: current folder)")
    new_cmd.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    new_cmd.set_defaults(run=run_new)

    check_cmd = commands.add_parser("check", help="build, then check every internal link, image, anchor and feed",
                                    description="Build the site, then check every internal link, image and anchor "
                                                "of every page and every feed, under the base path. Exits 1 and "
                                                "prints 'page: broken link -> target' lines when one is broken.")
    _site_options(check_cmd)
    check_cmd.add_argument("--output", metavar="DIR", help="output folder (default: from pressroom.toml, else _site)")
    check_cmd.add_argument("--base-url", metavar="URL", help="public URL of the site, e.g. https://me.github.io/repo/")
    check_cmd.add_argument("--quiet", action="store_true", help="print only errors, broken links and the summary")
    check_cmd.set_defaults(run=run_check, strict=False)


def _site_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", metavar="DIR", type=Path, default=Path("."), help="site folder (default: current folder)")
    command.add_argument("--drafts", action="store_true", help="include drafts and future-dated releases")
    command.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def print_problems(problems: Sequence[Problem], *, quiet: bool = False) -> None:
    for item in sorted(problems):
        if item.warning and quiet:
            continue
        print(str(item), file=sys.stderr)


def require_site(folder: Path) -> None:
    """Refuse to build a folder that is not a site (a mistyped --site would otherwise build an empty one)."""
    if not folder.is_dir():
        raise fail(str(folder), 0, "no such folder; check --site, or create a site with `pressroom init DIR`")
    if not any((folder / name).exists() for name in (CONFIG_NAME, "content", "seeds")):
        raise fail(str(folder), 0, f"not a Pressroom site: it has no {CONFIG_NAME}, content/ or seeds/; "
                   "pass --site with the site folder, or create one with `pressroom init DIR`")


def _build_config(args: argparse.Namespace) -> Config:
    require_site(args.site)
    output = str(Path(args.output).resolve()) if args.output else None
    return load_config(args.site, base_url=args.base_url, output=output, drafts=args.drafts or None)


def _build(args: argparse.Namespace, config: Config, progress: ProgressFn) -> BuildResult | None:
    """Build as `build` and `check` do; None (after saying why) when the build stopped."""
    from .build import build

    # A one-shot process keeps nearly all it makes until it exits: collect young cycles every 50,000 allocations,
    # not 700, and the whole heap almost never (at 10,000 releases the collector took 0.08-0.11 s of an edit's
    # build, 0.04 s so; a cold build's peak memory is the same).
    gc.set_threshold(50_000, 20, 100)
    try:
        return build(config, strict=args.strict, progress=progress, held=args.held)
    except (PressroomError, OSError, TemplateError, RecursionError) as exc:
        if is_bug(exc):
            raise
        getattr(progress, "close", lambda: None)()
        found = exc.problems if isinstance(exc, PressroomError) else (failure_problem(exc, config.site_dir),)
        for item in found:
            print(f"error: {item}", file=sys.stderr)
        print(f"not built: {len(found)} {'error' if len(found) == 1 else 'errors'}; "
              f"the previous site in {config.output_dir} is unchanged", file=sys.stderr)
        return None


def run_build(args: argparse.Namespace) -> int:
    config = _build_config(args)
    with progress_for(sys.stderr, args.quiet) as progress:
        result = _build(args, config, progress)
    if result is None:
        return 1
    print_problems(result.problems, quiet=args.quiet)
    print(f"{'built' if not result.errors else 'built with errors'}: {result.summary()} -> {config.output_dir}")
    return 1 if result.errors else 0


def run_check(args: argparse.Namespace) -> int:
    from .check import check_output

    started = time.perf_counter()
    config = _build_config(args)
    with progress_for(sys.stderr, args.quiet, CHECK_STAGES) as progress:
        result = _build(args, config, progress)
        if result is None:
            return 1
        progress("check", result.pages)
        report = check_output(config.output_dir, config.base_url)
    print_problems(result.problems, quiet=args.quiet)
    for line in report.lines():
        print(line)
    failed = bool(result.errors) or not report.ok
    print(f"{'check failed' if failed else 'checked'}: {report.summary()}, {len(result.errors)} build errors "
          f"in {time.perf_counter() - started:.2f} s -> {config.output_dir}")
    return 1 if failed else 0


def run_new(args: argparse.Namespace) -> int:
    from .archetype import new_release

    require_site(args.site)
    config = load_config(args.site)
    path = new_release(config, args.title)
    print(args.site / path.relative_to(config.site_dir))
    return 0


def run_import(args: argparse.Namespace) -> int:
    config = load_config(args.site)
    from .ingest import import_seeds    # the readers load only when there are seeds
    report = import_seeds(config.site_dir / "seeds", config.site_dir / "content", site_dir=config.site_dir,
                          vocabulary=config.tag_vocabulary, force=args.force, timezone=config.timezone,
                          language=config.language)
    for path in report.written:
        print(f"imported {path.relative_to(config.site_dir).as_posix()}")
    for path in report.kept:
        print(f"kept {path.relative_to(config.site_dir).as_posix()}: edited by hand (--force re-imports it)")
    print_problems(report.skipped)
    errors = [p for p in report.skipped if not p.warning]
    print(f"{len(report.written)} imported, {len(report.unchanged)} unchanged, {len(report.kept)} kept, "
          f"{len(report.skipped) - len(errors)} skipped, {len(errors)} errors")
    review = report.review_lines(config.site_dir)
    if review:
        print(f"\nto review ({len(review)} {'draft' if len(review) == 1 else 'drafts'}, imported with draft: true):")
        for line in review:
            print(f"  {line}")
    return 1 if errors else 0


def run_init(args: argparse.Namespace) -> int:
    from .scaffold import init_site
    from .scaffold.upgrade import upgrade_site

    if args.upgrade:
        done = upgrade_site(args.dir, spec=args.pressroom)
        for rel in done.written:
            print(f"wrote {rel}")
        for rel in done.removed:
            print(f"removed {rel}")
        print(f"{args.dir.resolve()} is on pressroom {generator.__version__}: {len(done.written)} written, "
              f"{len(done.unchanged)} unchanged, {len(done.removed)} removed; commit and push them to publish with it")
        return 0
    written = init_site(args.dir, title=args.title, spec=args.pressroom)
    for rel in written:
        print(f"created {rel}")
    print(f"new site in {args.dir.resolve()}\nnext: pressroom build --site {args.dir} && python -m http.server -d "
          f"{args.dir / '_site'}\nthen: create an empty GitHub repository, set its Settings -> Pages -> Source to "
          "'GitHub Actions', and push (README: Publish on GitHub Pages)")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    overrides = {"drafts": True} if args.drafts else {}
    require_site(args.site)
    config = load_config(args.site, **overrides)
    return serve(config, bind=args.bind, port=args.port, open_browser=not args.no_open, overrides=overrides)
