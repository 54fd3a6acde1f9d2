"""Rule reference pages are generated from the rules and never drift; the scaffold writes a
rule's three files and refuses bad names or overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from nidation.engine.rule_docs import rule_markdown
from nidation.interfaces.cli.rule_scaffold import scaffold
from nidation.knowledge import load_knowledge
from nidation.rules import default_rules

DOCS = Path(__file__).parents[2] / "docs" / "rules"


def test_every_rule_page_matches_the_code() -> None:
    kb = load_knowledge()
    rules = list(default_rules().active())
    stale = [
        r.id
        for r in rules
        if not (DOCS / f"{r.id}.md").exists()
        or (DOCS / f"{r.id}.md").read_text(encoding="utf-8") != rule_markdown(r, kb)
    ]
    assert not stale, f"regenerate with `uv run nidation rules docs`: {stale}"
    pages = {p.stem for p in DOCS.glob("*-*-*.md")}
    assert pages == {r.id for r in rules}, "pages of removed rules remain"


def test_a_page_shows_thresholds_with_their_values_sources_and_cases() -> None:
    page = rule_markdown(default_rules().get("RPL-DEF-001"), load_knowledge())
    assert "`rpl.eshre_min_losses` (>= 2 count)" in page
    assert "## What it decides" in page
    assert "`met/two-losses-at-threshold`" in page


def _cortisol(root: Path) -> list[Path]:
    return scaffold(
        root,
        area="adrenal",
        module="cortisol",
        rule_id="ADR-CAUSE-001",
        name="cortisol-excess",
        kind="cause",
    )


def test_the_scaffold_writes_module_cases_and_knowledge(tmp_path: Path) -> None:
    paths = _cortisol(tmp_path)
    names = sorted(p.name for p in paths)
    assert names == ["cortisol.cases.yaml", "cortisol.py", "cortisol.toml"]
    module = (tmp_path / "src/nidation/rules/adrenal/cortisol.py").read_text()
    assert 'id="ADR-CAUSE-001"' in module and "## Not assessed when" in module
    compile(module, "cortisol.py", "exec")
    with pytest.raises(ValueError, match="will not overwrite"):
        _cortisol(tmp_path)


def test_the_scaffold_refuses_bad_ids_and_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="AREA-KIND-NNN") as err:
        scaffold(tmp_path, area="x", module="y", rule_id="bad", name="Bad Name", kind="cause")
    assert "kebab-case" in str(err.value)
