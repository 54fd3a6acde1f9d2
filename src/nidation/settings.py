"""Runtime settings, read from the environment (prefix ``NIDATION_``).

Use :func:`get_settings` (cached); tests override a value with ``monkeypatch.setenv`` and
``get_settings.cache_clear()``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "cache_folder", "get_settings"]

MIB = 1024 * 1024


class Settings(BaseSettings):
    """Settings of one Nidation process."""

    model_config = SettingsConfigDict(env_prefix="NIDATION_", extra="ignore", frozen=True)

    max_case_bytes: int = Field(
        default=2 * MIB,
        gt=0,
        description="Largest case file (bytes) that is read; larger files are refused",
    )
    max_case_nodes: int = Field(
        default=100_000,
        gt=0,
        description="Most values (after expanding YAML aliases) a case document may hold",
    )
    max_case_depth: int = Field(
        default=32,
        gt=0,
        description="Deepest nesting of objects and lists a case document may have",
    )
    cache_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_cache_dir("nidation")),
        description="Where derived, rebuildable files are cached (e.g. parsed unit "
        "definitions); deleting it only costs time",
    )


def cache_folder(name: str) -> Path | None:
    """``<cache_dir>/<name>``, created if needed; ``None`` when it cannot be written (the
    caller then works without a cache)."""
    folder = get_settings().cache_dir / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
