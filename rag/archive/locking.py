"""One writer at a time per archive: a file lock that names its holder when it is taken."""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from rag.errors import StoreLockedError


def _holder_text(info_path: Path) -> str:
    try:
        info = json.loads(info_path.read_text())
    except (OSError, ValueError):
        return "another process"
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.get("started", 0)))
    return f"process {info.get('pid')} on {info.get('host')} ({info.get('command')}, since {started})"


@contextmanager
def write_lock(data_dir: Path, command: str = "", timeout: float = 10.0) -> Iterator[None]:
    """Hold the archive's write lock; raise `StoreLockedError` naming the holder after `timeout` s."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock_path = data_dir / "write.lock"
    info_path = data_dir / "write.lock.json"
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=timeout)
    except Timeout as exc:
        raise StoreLockedError(
            f"The archive in {data_dir} is being written by {_holder_text(info_path)}. "
            "Wait for it to finish, then try again."
        ) from exc
    try:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command or " ".join(sys.argv[:3]),
            "started": time.time(),
        }
        info_path.write_text(json.dumps(info))
        yield
    finally:
        try:
            info_path.unlink(missing_ok=True)
        finally:
            lock.release()
