"""Pressroom: press releases in, a fast, accessible static reading site out."""
from __future__ import annotations


def __getattr__(name: str) -> str:
    """`generator.__version__`, looked up when asked: the package metadata costs every build ~15-20 ms to import."""
    if name != "__version__":
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("pressroom")        # one place for the version: pyproject.toml, via the package metadata
    except PackageNotFoundError:           # a source tree that was never installed (pip install -e . fixes it)
        return "0+unknown"
