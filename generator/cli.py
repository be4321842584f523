"""`pressroom` command line: init, import, build, serve."""
from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import BuildStopped, build
from .config import load_config
from .errors import PressroomError, Problem


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except PressroomError as exc:
        print(f"error: {exc.problem}", file=sys.stderr)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pressroom", description="Turn press releases into a static reading site.")
    parser.add_argument("--version", action="version", version=f"pressroom {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="import new seeds and build the site",
                                    description="Import new or changed seeds, then build the site into the output folder.")
    _site_options(build_cmd)
    build_cmd.add_argument("--output", metavar="DIR", help="output folder (default: from pressroom.toml, else _site)")
    build_cmd.add_argument("--base-url", metavar="URL", help="public URL of the site, e.g. https://me.github.io/repo/")
    build_cmd.add_argument("--strict", action="store_true", help="stop at the first error")
    build_cmd.add_argument("--quiet", action="store_true", help="print only errors and the summary")
    build_cmd.set_defaults(run=run_build)
    return parser


def _site_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", metavar="DIR", type=Path, default=Path("."), help="site folder (default: current folder)")
    command.add_argument("--drafts", action="store_true", help="include drafts and future-dated releases")
    command.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def print_problems(problems: Sequence[Problem], *, quiet: bool = False) -> None:
    for item in sorted(problems):
        if item.warning and quiet:
            continue
        print(str(item), file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    output = str(Path(args.output).resolve()) if args.output else None
    config = load_config(args.site, base_url=args.base_url, output=output, drafts=args.drafts or None)
    result = build(config, strict=args.strict)
    print_problems(result.problems, quiet=args.quiet)
    print(f"{'built' if not result.errors else 'built with errors'}: {result.summary()} -> {config.output_dir}")
    return 1 if result.errors else 0
