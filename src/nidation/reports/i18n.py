"""Translations of the reports: gettext catalogues compiled in memory from the committed ``.po``.

English is the source language (its text is the message id). Other languages live in
``locale/<lang>/LC_MESSAGES/messages.po``; they are compiled with Babel when first used, so a
clean clone needs no build step and no ``.mo`` file is committed.

Text that comes from the Assessment (a rule's ``because``, ``next_step``, evidence, a test's
display name) is not translated here: it is written once, in English, by the rules.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from io import BytesIO
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

__all__ = ["LANGUAGES", "N_", "catalogue_path", "translations"]

LANGUAGES: Final = ("en", "es")
"""The languages a report can be written in; the first is the source language."""

DOMAIN: Final = "messages"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``message`` for extraction; the template translates it when it is shown."""
    return message


def catalogue_path(lang: str) -> str:
    """The path, inside the package, of ``lang``'s catalogue."""
    return f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The translations for ``lang`` (the identity for English)."""
    if lang not in LANGUAGES:
        raise ValueError(
            f"The 'lang' parameter of translations must be one of {', '.join(LANGUAGES)}. "
            f"Got {lang!r} instead."
        )
    if lang == LANGUAGES[0]:
        return NullTranslations()
    resource = files("nidation.reports").joinpath(catalogue_path(lang))
    with resource.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
