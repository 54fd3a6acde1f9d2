"""Settings read from the environment."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError

from nidation.settings import Settings, get_settings


def test_defaults() -> None:
    settings = Settings()
    assert settings.max_case_bytes == 2 * 1024 * 1024
    assert settings.max_case_nodes > 1000
    assert settings.max_case_depth >= 8


def test_settings_are_cached_and_read_from_the_environment(
    set_env: Callable[[str, str], None],
) -> None:
    assert get_settings() is get_settings()
    set_env("NIDATION_MAX_CASE_BYTES", "1000")
    assert get_settings().max_case_bytes == 1000


def test_a_limit_must_be_positive(set_env: Callable[[str, str], None]) -> None:
    set_env("NIDATION_MAX_CASE_BYTES", "0")
    with pytest.raises(ValidationError, match="max_case_bytes"):
        get_settings()
