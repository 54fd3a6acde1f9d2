"""Fixtures for knowledge-base tests: the packaged knowledge and an editable copy of its data."""

from __future__ import annotations

import pathlib
import shutil
from collections.abc import Callable

import pytest

from nidation.knowledge import Knowledge, load_knowledge
from nidation.knowledge.load import data_root


@pytest.fixture(scope="session")
def base() -> Knowledge:
    return load_knowledge()


@pytest.fixture
def data_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    """A writable copy of the packaged data directory."""
    target = tmp_path / "data"
    shutil.copytree(pathlib.Path(str(data_root())), target)
    return target


Edit = Callable[[str, str, str], None]


@pytest.fixture
def edit(data_copy: pathlib.Path) -> Edit:
    """Replace one exact snippet in a copied data file (the snippet must occur exactly once)."""

    def replace(relative: str, old: str, new: str) -> None:
        path = data_copy / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {relative}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return replace
