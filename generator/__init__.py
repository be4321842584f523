"""Pressroom: press releases in, a fast, accessible static reading site out."""

__version__ = "0.1.0"
