"""Write a directory of results all at once: into a temporary sibling, renamed at the end, so
a failed run never leaves half-written output."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nidation.errors import InputError, Problem

__all__ = ["atomic_directory"]


@contextmanager
def atomic_directory(target: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary directory beside ``target``; on success it becomes ``target``."""
    target = Path(target)
    if target.exists() and not (overwrite and target.is_dir()):
        raise InputError(
            [Problem(str(target), None, "already exists", "Choose a new output directory")]
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
