"""How a site's workflow installs Pressroom: the exact Pressroom the site was made with.

By default `init` keeps a wheel of the running Pressroom in `.pressroom/` and a constraints file
pinning the libraries it ran with, and the workflow installs those. With `--pressroom SPEC` the
workflow installs SPEC instead (e.g. `pressroom==0.2.0` from PyPI, or a git URL at a commit).
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from importlib import metadata

from ..errors import fail
from .wheel import DIST, running_wheel

PIN_DIR = ".pressroom"
CONSTRAINTS = f"{PIN_DIR}/constraints.txt"


@dataclass(frozen=True)
class Pin:
    version: str                                   # the Pressroom version the site is pinned to
    install: str                                   # the workflow's install command
    files: dict[str, bytes] = field(default_factory=dict)   # site-relative path -> bytes init keeps
    source: str = ""                               # how the running copy was installed (PEP 610)
    python: str = ""                               # the Python the workflow sets up, e.g. "3.11"


def running_pin(spec: str | None = None) -> Pin:
    """The pin for the running Pressroom: its wheel and constraints, or `spec` when one is given."""
    try:
        version = metadata.version(DIST)
    except metadata.PackageNotFoundError:
        raise fail("pressroom", 0, "is running from a source tree that was never installed, so init cannot pin it; "
                   "run `python -m pip install -e .` in the checkout first") from None
    python = f"{sys.version_info.major}.{max(sys.version_info.minor, 11)}"
    if spec:
        return Pin(version, f"python -m pip install {_shell_quote(spec)}", {}, install_source(), python)
    wheel = running_wheel()
    path = f"{PIN_DIR}/{wheel.filename}"
    files = {path: wheel.data, CONSTRAINTS: constraints().encode()}
    return Pin(version, f"python -m pip install --constraint {CONSTRAINTS} {path}", files, install_source(), python)


def constraints() -> str:
    """`name==version` of every installed library Pressroom needs, directly or not (extras as asked)."""
    pins: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [(DIST, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        key = _normal(name)
        if (key, extras) in seen:
            continue
        seen.add((key, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue        # not installed here: a requirement for another platform or Python
        pins[key] = dist.version
        todo.extend(_needed(dist.requires or [], extras))
    del pins[_normal(DIST)]
    lines = [f"{name}=={version}" for name, version in sorted(pins.items()) if "+" not in version]
    header = "# The libraries this site was built with, pinned by `pressroom init`; `init --upgrade` rewrites it.\n"
    return header + "".join(line + "\n" for line in lines)


_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


def _needed(requirements: list[str], extras: frozenset[str]) -> list[tuple[str, frozenset[str]]]:
    """The (name, extras) of each requirement that applies given the extras asked for."""
    needed = []
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        wanted = _EXTRA_MARKER.search(marker)
        if wanted and _normal(wanted.group(1)) not in extras:
            continue
        match = _REQUIREMENT.match(spec)
        if match:
            asked = frozenset(_normal(e) for e in (match.group(2) or "").split(",") if e.strip())
            needed.append((match.group(1), asked))
    return needed


def install_source() -> str:
    """What PEP 610's direct_url.json says about how the running Pressroom was installed."""
    try:
        text = metadata.distribution(DIST).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return "unknown"
    if not text:
        return "a package index"
    try:
        data = json.loads(text)
    except ValueError:
        return "unknown"
    url = str(data.get("url", ""))
    if data.get("dir_info", {}).get("editable"):
        return f"editable checkout {url}"
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict):
        return f"{vcs.get('vcs', 'vcs')}+{url}@{vcs.get('commit_id', '')}"
    return url or "unknown"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _shell_quote(spec: str) -> str:
    return '"' + spec.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`") + '"'
