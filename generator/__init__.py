"""Pressroom: press releases in, a fast, accessible static reading site out."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pressroom")    # one place for the version: pyproject.toml, via the package metadata
except PackageNotFoundError:             # a source tree that was never installed (pip install -e . fixes it)
    __version__ = "0+unknown"
