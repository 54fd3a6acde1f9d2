"""HTML → PDF (A4) with WeasyPrint, with every network fetch refused."""

from __future__ import annotations

from typing import Any

__all__ = ["html_to_pdf"]


class ExternalResourceError(ValueError):
    """A report asked for a resource outside itself; reports must be self-contained."""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher  # type: ignore[import-untyped]

        result: dict[str, Any] = default_url_fetcher(url, *args, **kwargs)
        return result
    raise ExternalResourceError(f"reports fetch nothing from outside; refused {url}")


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML report (page size and margins come from its CSS)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    return pdf
