"""What to tell the user when a build (`pressroom build`, or a rebuild in `serve`) stops with an exception.

Most are theirs to fix, and say what to do: a `PressroomError` (bad input, with file and line), a
template error (the template's own file and line, from Jinja's traceback), the operating system
saying no (disk full, out of file descriptors, permission denied...). Only what is left is a bug
in Pressroom, and only that asks to be reported.
"""
from __future__ import annotations

import errno
import traceback
from pathlib import Path
from types import TracebackType

from jinja2 import TemplateError, TemplateSyntaxError

from .errors import PressroomError, Problem

_ADVICE = {
    errno.EMFILE: "this process has too many open files: close other programs or raise the limit "
                  "(`ulimit -n 4096`) and start Pressroom again",
    errno.ENFILE: "the system has too many open files: close other programs, then try again",
    errno.ENOSPC: "the disk is full: free some space, then try again",
    errno.EDQUOT: "your disk quota is used up: free some space, then try again",
    errno.EACCES: "permission denied: make it readable and writable by you, then try again",
    errno.EPERM: "permission denied: make it readable and writable by you, then try again",
    errno.EROFS: "the file system is read-only: make it writable, or choose another --output",
    errno.EBUSY: "the folder is busy (a mount point, or open in another program): free it, then try again",
    errno.ENOMEM: "the system is out of memory: close other programs, then try again",
}


def is_bug(exc: BaseException) -> bool:
    """Whether an exception out of a build is Pressroom's fault rather than something the user can fix."""
    return not isinstance(exc, (PressroomError, OSError, TemplateError, RecursionError)) or (
        isinstance(exc, RecursionError) and _template_frame(exc.__traceback__) is None)


def failure_problem(exc: BaseException, site_dir: Path) -> Problem:
    """The one problem to show for a build that raised `exc`."""
    if isinstance(exc, PressroomError):
        return exc.problem
    if isinstance(exc, OSError):
        return os_problem(exc, site_dir)
    if not is_bug(exc):
        return template_problem(exc, site_dir)
    return Problem("pressroom", 0, f"internal error in Pressroom (please report it): {type(exc).__name__}: {exc}")


def os_problem(exc: OSError, site_dir: Path) -> Problem:
    """'_site/x.html: could not rebuild: the disk is full: free some space, then try again (No space left...)'."""
    where = _shown_path(exc.filename, site_dir) if exc.filename else str(site_dir)
    advice = _ADVICE.get(exc.errno or 0, "the operating system refused; fix the cause, then try again")
    reason = exc.strerror or type(exc).__name__
    return Problem(where, 0, f"could not write the site: {advice} ({reason}); the previous site is unchanged")


def template_problem(exc: BaseException, site_dir: Path) -> Problem:
    """The template's own file and line: a syntax error knows them, a runtime error has them in its traceback."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if isinstance(exc, RecursionError):
        message = "the template includes or calls itself without end"
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return Problem(_shown_path(exc.filename, site_dir), exc.lineno or 0, message)
    frame = _template_frame(exc.__traceback__)
    if frame is None:
        return Problem("themes", 0, f"template error: {message}")
    filename, line = frame
    return Problem(_shown_path(filename, site_dir), line, message)


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost frame Jinja attributes to a template file: (file, line)."""
    found = None
    for frame, line in traceback.walk_tb(tb):
        name = frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".j2", ".jinja")) and Path(name).is_file():
            found = (name, line)
    return found


def _shown_path(filename: str | bytes, site_dir: Path) -> str:
    path = Path(filename.decode(errors="replace") if isinstance(filename, bytes) else filename)
    try:
        return path.resolve().relative_to(site_dir.resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)
