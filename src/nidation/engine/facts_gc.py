"""Pause the cyclic garbage collector while converting many records.

Converting a cohort allocates millions of small tuples and dicts that all stay alive until the
conversion ends; each generation-2 collection then walks all of them, for nothing. Pausing
the collector for the conversion measured 2-2.5x faster on 20,000 cases (25 records each).
Reference counting still frees memory as usual; the collector resumes afterwards, also on error.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block if it was enabled, and re-enable it after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
