"""Shared fixtures: the real knowledge base, a fixed 'today', and settings overrides."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING

import pytest

from nidation.domain import ValidationContext
from nidation.settings import get_settings

if TYPE_CHECKING:
    from nidation.knowledge import Knowledge

TODAY = date(2026, 6, 1)
"""The day tests judge future dates against (every fixture date is before it, or in 2999)."""


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    from nidation.knowledge import load_knowledge

    return load_knowledge()


@pytest.fixture(scope="session")
def ctx(kb: Knowledge) -> ValidationContext:
    return kb.validation_context(today=TODAY)


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def set_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Set a ``NIDATION_*`` variable for one test; the settings are re-read."""

    def setter(name: str, value: str) -> None:
        monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    return setter
