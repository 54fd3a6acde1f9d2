"""The Spanish catalogue translates every message the reports use, and nothing is left English."""

from __future__ import annotations

import html
import re
from importlib.resources import files

import pytest
from babel.messages.pofile import read_po

from nidation.engine.result import DISCLAIMER, Assessment
from nidation.knowledge import Knowledge
from nidation.reports.i18n import LANGUAGES, catalogue_path, translations
from tests.reports.conftest import Assessed, Render
from tests.reports.messages import extracted

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


def _catalogue(lang: str):  # type: ignore[no-untyped-def]
    with files("nidation.reports").joinpath(catalogue_path(lang)).open("rb") as po:
        return read_po(po, locale=lang)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation(lang: str) -> None:
    catalogue = _catalogue(lang)
    missing = []
    for message in extracted():
        msgid = message if isinstance(message, str) else message[0]
        entry = catalogue.get(msgid)
        if entry is None or entry.fuzzy:
            missing.append(msgid)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(s.strip() for s in strings):
            missing.append(msgid)
    assert not missing, f"{lang}: untranslated messages: {missing}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_holds_no_stale_message_and_keeps_placeholders(lang: str) -> None:
    used = {m if isinstance(m, str) else m[0] for m in extracted()}
    for entry in _catalogue(lang):
        if not entry.id:
            continue  # the header
        msgid = entry.id if isinstance(entry.id, str) else entry.id[0]
        assert msgid in used, f"{lang}: {msgid!r} is no longer used; remove it"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) == set(PLACEHOLDER.findall(msgid)), msgid


def _assessment_text(assessment: Assessment, knowledge: Knowledge) -> set[str]:
    said: set[str] = set()
    for o in assessment.trace:
        said.update(t for t in (o.because, o.next_step) if t)
        said.update(str(v) for v in o.evidence.values() if isinstance(v, str))
        for s in o.sources:
            said.update(t for t in (s.statement, s.locator, s.strength, s.certainty) if t)
    said.update(s.title for s in knowledge.sources.values())
    return said


def test_the_assessment_disclaimer_is_translated() -> None:
    spanish = translations("es").gettext(DISCLAIMER)
    assert spanish != DISCLAIMER
    assert "Nidation" in spanish


def test_unknown_language_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"must be one of en, es\. Got 'fr' instead"):
        translations("fr")


@pytest.mark.parametrize("audience", ["clinician", "patient"])
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_spanish_reports_show_no_english_template_text(
    audience: str, fmt: str, render: Render, assessed: Assessed, knowledge: Knowledge
) -> None:
    name = "secondary-rpl-after-live-birth.yaml"
    text = html.unescape(render(name, audience, fmt, "es"))
    _case, assessment = assessed[name]
    for said in sorted(_assessment_text(assessment, knowledge), key=len, reverse=True):
        text = text.replace(said, "")  # the rules' own (English) words are not template text
    english = [
        m
        for m in extracted()
        if isinstance(m, str) and len(m) > 12 and translations("es").gettext(m) != m
    ]
    leaked = [m for m in english if m in text]
    assert not leaked, leaked
