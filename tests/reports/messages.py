"""Every translatable message of the reports, extracted from their code and templates."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from nidation.engine.result import DISCLAIMER

PACKAGE = Path(__file__).parents[2] / "src/nidation/reports"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
METHODS = [("**.py", "python"), ("templates/**.j2", "jinja2.ext:babel_extract")]
OPTIONS = {
    "templates/**.j2": {
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
    }
}

Message = str | tuple[str, str]
"""A message id, or (singular, plural) for a message with plural forms."""


def extracted() -> dict[Message, list[str]]:
    """Each message id, with the files that use it; the Assessment's disclaimer included."""
    out: dict[Message, list[str]] = {DISCLAIMER: ["../engine/result.py"]}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        key: Message = message if isinstance(message, str) else (message[0], message[1])
        out.setdefault(key, []).append(filename)
    return out
