"""Which files of the folders named are articles: every file found is passed on, or said why it is passed over."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from rag.ingest.fields import SIDECAR_SUFFIX

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}
HIDDEN_FILE = "a hidden file (its name starts with a dot); not read (rename it to ingest it)"
HIDDEN_FOLDER = "a hidden folder (its name starts with a dot); nothing in it read (rename it to ingest its files)"
NOT_A_FILE = "not a regular file (a pipe, socket or device); not read"


class Skip(str):
    """Why a file found in a folder is passed over without being an error: a type Newsroom does not read, a
    hidden file or folder, a metadata file without its article."""


def unsupported(path: Path) -> str:
    """The reason a file of another type is not read."""
    return f"unsupported file type '{path.suffix.lower() or path.name}' (use {', '.join(sorted(SUPPORTED))})"


def walk(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """(file, None) for every file named and every supported file under the folders named (recursive, sorted),
    (path, reason) for what cannot be read (a link to nothing, a link loop), and (path, Skip(reason)) for what is
    passed over in a folder (a file of another type, a hidden file, a hidden folder once, not entered), so that
    nothing is passed over silently. A hidden file or folder named explicitly is read."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk_folder(path)
        elif problem := _link_problem(path):
            yield path, problem
        else:
            yield path, None


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The readable files of `walk`."""
    return (path for path, problem in walk(paths) if problem is None)


def _identity(folder: Path) -> tuple[int, int]:
    info = folder.stat()
    return info.st_dev, info.st_ino


def _link_problem(path: Path) -> str | None:
    """Why a path that is a link cannot be read, or None."""
    if not path.is_symlink():
        return None
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a link that loops back to itself; not followed"
        return f"a link to something that does not exist ({os.readlink(path)})"
    return None


def _walk_folder(top: Path) -> Iterator[tuple[Path, str | None]]:
    """The files under `top`, each folder's entries in sorted order and a subfolder's files where it sorts, walked
    with a stack of the folders being read rather than a call per level, so that no depth of folders reaches
    Python's recursion limit (a folder too deep for the system to open is reported as unreadable)."""
    stack: list[tuple[Path, tuple[int, int], Iterator[Path]]] = []  # per folder being read: its entries left
    reading: set[tuple[int, int]] = set()  # the folders on the stack: a link back to one is a loop

    def enter(folder: Path, identity: tuple[int, int]) -> str | None:
        try:
            children = sorted(folder.iterdir())
        except OSError as exc:
            return f"the folder cannot be read ({exc.strerror or exc})"
        stack.append((folder, identity, iter(children)))
        reading.add(identity)
        return None

    if problem := enter(top, _identity(top)):
        yield top, problem
    while stack:
        folder, identity, children = stack[-1]
        child = next(children, None)
        if child is None:  # this folder is done: back to the one holding it
            stack.pop()
            reading.discard(identity)
        elif child.name.startswith("."):  # hidden on Unix, `..notes..md` too: said, never read
            yield child, Skip(HIDDEN_FOLDER if child.is_dir() else HIDDEN_FILE)
        elif problem := _link_problem(child):
            yield child, problem
        elif child.is_dir():
            inner = _identity(child)
            if inner in reading:  # a link to a folder that contains it: reading it would never end
                yield child, f"a link back to a folder already being read ({os.readlink(child)}); not followed"
            elif problem := enter(child, inner):
                yield child, problem
        elif child.name.endswith(SIDECAR_SUFFIX):  # read with its article; said only when it has none
            stem = child.name[: -len(SIDECAR_SUFFIX)]
            if not any((folder / f"{stem}{suffix}").is_file() for suffix in (".txt", ".md", ".markdown")):
                yield child, Skip(f"a metadata file without its article ({stem}.txt or {stem}.md)")
        elif child.is_file():
            yield child, None if child.suffix.lower() in SUPPORTED else Skip(unsupported(child))
        else:
            yield child, Skip(NOT_A_FILE)
