"""The numbered source list of a report: every statement footnotes the sources it rests on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nidation.engine.result import SourceRef
from nidation.knowledge import Knowledge

__all__ = ["Document", "SourceEntry", "SourceIndex", "ranges"]


@dataclass(frozen=True)
class Document:
    """A publication (guideline, paper, Nidation's own defaults) that entries point into."""

    label: str  # "D1", "D2", … in order of first citation
    key: str
    citation: str


@dataclass(frozen=True)
class SourceEntry:
    """One numbered entry: the recommendation, threshold or table, and where it comes from."""

    number: int
    key: str
    kind: str
    statement: str | None
    source: str
    document: str
    locator: str
    grade: str
    verified: bool


class SourceIndex:
    """Numbers sources in order of first citation, so one rule's sources stay contiguous."""

    def __init__(self, knowledge: Knowledge | None = None) -> None:
        self._kb = knowledge
        self._numbers: dict[str, int] = {}
        self.entries: list[SourceEntry] = []
        self._documents: dict[str, Document] = {}

    def cite(self, refs: Iterable[SourceRef]) -> tuple[int, ...]:
        """The numbers of ``refs``, adding any not yet listed."""
        out: list[int] = []
        for ref in refs:
            if ref.key not in self._numbers:
                self._numbers[ref.key] = len(self.entries) + 1
                self.entries.append(self._entry(ref, self._numbers[ref.key]))
            out.append(self._numbers[ref.key])
        return tuple(sorted(set(out)))

    def _entry(self, ref: SourceRef, number: int) -> SourceEntry:
        grade = ", ".join(g for g in (ref.strength, ref.certainty) if g)
        return SourceEntry(
            number=number,
            key=ref.key,
            kind=ref.kind,
            statement=ref.statement,
            source=ref.source,
            document=self._document(ref.source).label,
            locator=ref.locator,
            grade=grade,
            verified=ref.verified,
        )

    @property
    def documents(self) -> list[Document]:
        return list(self._documents.values())

    def _document(self, key: str) -> Document:
        if key not in self._documents:
            label = f"D{len(self._documents) + 1}"
            self._documents[key] = Document(label=label, key=key, citation=self._citation(key))
        return self._documents[key]

    def _citation(self, key: str) -> str:
        source = self._kb.sources.get(key) if self._kb is not None else None
        if source is None:
            return key
        parts = [source.authors, source.title, source.citation or source.journal]
        if not source.citation and source.year:
            parts.append(str(source.year))
        text = ". ".join(p.strip().rstrip(".") for p in parts if p)
        return f"{text}. doi:{source.doi}" if source.doi else text


def ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """``[1, 2, 3, 7]`` → ``[(1, 3), (7, 7)]``: footnotes shown compactly."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out
