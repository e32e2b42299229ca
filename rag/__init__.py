"""Newsroom: question your article archive with cited answers."""

__version__ = "0.1.0"
