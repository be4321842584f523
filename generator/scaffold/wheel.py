"""A wheel of the running Pressroom, rebuilt byte for byte from its installed files.

`pressroom init` keeps this wheel in the site repository, so the site's workflow installs exactly the
Pressroom the site was made with, from the repository itself: no package index or git host has to
serve Pressroom, and nobody else's upload under the name can reach the workflow. The zip is
deterministic (sorted names, fixed timestamps), so the same Pressroom always gives the same bytes.
"""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path, PurePosixPath

from ..errors import fail

DIST = "pressroom"
PACKAGES = ("generator", "pressroom_themes")   # the top-level import packages the wheel carries
_EPOCH = (1980, 1, 1, 0, 0, 0)                 # the earliest time a zip can hold: stable bytes
_SKIPPED_DIRS = {"__pycache__"}
_SKIPPED_SUFFIXES = {".pyc", ".pyo"}
_WHEEL_FILE = "Wheel-Version: 1.0\nGenerator: pressroom init\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


@dataclass(frozen=True)
class Wheel:
    filename: str       # e.g. pressroom-0.1.0-py3-none-any.whl
    version: str
    data: bytes


def running_wheel() -> Wheel:
    """The installed Pressroom (a regular or an editable install) as a py3-none-any wheel."""
    dist = metadata.distribution(DIST)
    _check_fresh(dist)
    version = dist.version
    info = f"{DIST}-{version}.dist-info"
    entries = _package_files()
    entries.update({f"{info}/{name}": data for name, data in _dist_info(dist).items()})
    entries[f"{info}/WHEEL"] = _WHEEL_FILE.encode()
    return Wheel(f"{DIST}-{version}-py3-none-any.whl", version, _zip(entries, f"{info}/RECORD"))


def _check_fresh(dist: metadata.Distribution) -> None:
    """In a source checkout, the installed metadata must still match pyproject.toml, or the wheel would lie."""
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if not pyproject.is_file():
        return
    import tomllib

    project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    if project.get("name") != DIST:
        return
    declared = {_name(requirement) for requirement in project.get("dependencies", [])}
    installed = {_name(r) for r in dist.requires or [] if "extra" not in r.partition(";")[2]}
    if project.get("version") != dist.version or declared != installed:
        raise fail(str(pyproject), 0, "differs from the installed Pressroom's metadata (version or dependencies); "
                   "run `pip install -e .` in the checkout again, then `pressroom init`")


def _name(requirement: str) -> str:
    head = requirement.split(";")[0]
    for stop in "[<>=!~ (":
        head = head.split(stop)[0]
    return head.strip().lower().replace("_", "-").replace(".", "-")


def _package_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for package in PACKAGES:
        for root in _package_roots(package):
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root)
                if path.is_file() and _shipped(rel):
                    files[f"{package}/{rel.as_posix()}"] = path.read_bytes()
    return files


def _package_roots(package: str) -> list[Path]:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"Pressroom's package '{package}' is not importable; reinstall Pressroom")
    return [Path(location) for location in spec.submodule_search_locations]


def _shipped(rel: Path) -> bool:
    return (not any(part in _SKIPPED_DIRS or part.startswith(".") for part in rel.parts)
            and rel.suffix not in _SKIPPED_SUFFIXES)


def _dist_info(dist: metadata.Distribution) -> dict[str, bytes]:
    """METADATA, entry points and licence files, as the installed metadata holds them."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    if not text:
        raise RuntimeError("Pressroom's installed metadata is missing; reinstall Pressroom")
    found = {"METADATA": text.encode()}
    entry_points = dist.read_text("entry_points.txt")
    if entry_points:
        found["entry_points.txt"] = entry_points.encode()
    for name in dist.metadata.get_all("License-File") or []:
        licence = dist.read_text(f"licenses/{name}") or dist.read_text(name) or _source_tree_file(name)
        if licence is not None:
            found[f"licenses/{name}"] = licence.encode()
    return found


def _source_tree_file(name: str) -> str | None:
    """A licence file beside the package in a source checkout (an editable install's metadata lacks it)."""
    candidate = Path(__file__).resolve().parents[2] / PurePosixPath(name)
    return candidate.read_text(encoding="utf-8") if candidate.is_file() else None


def _zip(entries: dict[str, bytes], record_name: str) -> bytes:
    names = sorted(entries, key=lambda name: (".dist-info/" in name, name))
    record = [f"{name},sha256={_digest(entries[name])},{len(entries[name])}" for name in names]
    record.append(f"{record_name},,")
    entries = {**entries, record_name: ("\n".join(record) + "\n").encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [*names, record_name]:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return buffer.getvalue()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
