"""Which file a request names: paths under the base path, safely inside the output folder, and Host checks.

Serves only files inside the output folder: anything that could name a file elsewhere (`..`,
encoded or not, backslashes, absolute paths, symlinks out, hidden files) is None (a 404). On a
loopback address the preview answers only requests addressed to a loopback name (`Host:
localhost:8000`, `127.0.0.1`, `[::1]`), so a web page whose domain an attacker re-points at
127.0.0.1 (DNS rebinding) cannot read it.
"""
from __future__ import annotations

import ipaddress
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

_TEXT_TYPES = {"text/html", "text/css", "text/plain", "text/xml", "application/xml", "application/json",
               "application/javascript", "text/javascript", "application/atom+xml", "application/rss+xml",
               "application/feed+json", "image/svg+xml"}
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("font/woff2", ".woff2")


def is_loopback(bind: str) -> bool:
    return bind in ("localhost", "::1") or bind.startswith("127.")


def host_allowed(host: str | None) -> bool:
    """Whether a `Host` header names this machine's loopback: `localhost`, a loopback IP literal, with a port or not.

    A request without any Host (HTTP/1.0 tools) is allowed: browsers always send one."""
    if host is None:
        return True
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        if end == -1:
            return False
        name, rest = host[1:end], host[end + 1:]
    else:
        name, _, port = host.partition(":")
        rest = f":{port}" if _ else ""
    if rest and not (rest.startswith(":") and rest[1:].isdigit() and len(rest) <= 6):
        return False
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def request_path(raw_path: str) -> str:
    """The path of a request target: origin form ('/a/b?q') as is, absolute form ('http://h/a') parsed."""
    if raw_path.startswith("/"):
        return raw_path.split("?", 1)[0].split("#", 1)[0]
    return urlsplit(raw_path).path


def resolve_request(raw_path: str, base_path: str, root: Path) -> Path | str | None:
    """The file a request path names inside `root`, a redirect target (str), or None for 404.

    `root` must already be resolved. Anything that is not a plain relative path of visible
    names inside the output folder is None.
    """
    path = request_path(raw_path)
    if "\\" in path or "%5c" in path.lower() or "\x00" in path:
        return None
    if path + "/" == base_path or (path == "/" and base_path != "/"):
        return base_path          # the site lives under its base path, as on GitHub Pages
    if not path.startswith(base_path):
        return None
    try:
        rel = unquote(path[len(base_path):], errors="strict")
    except UnicodeDecodeError:
        return None
    if rel.startswith("/") or "\\" in rel or any(ord(c) < 32 or c == "\x7f" for c in rel):
        return None
    parts = rel.split("/")
    for index, part in enumerate(parts):
        if part == "":
            if index != len(parts) - 1:
                return None       # '//' inside the path
            continue
        if part.startswith(".") or ":" in part:
            return None           # '..', '.', hidden files, drive letters
    target = root / rel
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real != root and root not in real.parents:
        return None               # a symlink out of the output folder
    if real.is_dir():
        if rel and not rel.endswith("/"):
            return path + "/"
        index = real / "index.html"
        try:
            index_real = index.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if root not in index_real.parents or not index_real.is_file():
            return None
        return index_real
    return real if real.is_file() else None


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".xml":
        kind = "application/xml"
    return f"{kind}; charset=utf-8" if kind in _TEXT_TYPES or kind.startswith("text/") else kind
