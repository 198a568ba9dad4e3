"""Passages: paragraphs of a page, long ones cut into sentences, with character offsets.

``debut``/``fin`` are offsets in the text of the page (or section) as stored in
``raw.documents_pages``; the passage's ``texte`` is that slice made readable (line-end
hyphens joined, Markdown marks and URLs removed, spaces collapsed).

PDF pages have no blank lines between paragraphs: a new paragraph starts after a
blank line, at a bullet or numbered item, after a line ending a sentence when the
next one starts with a capital, after a short line (a heading or a paragraph's last
line), and between capitalised headings and body text. Running headers and footers
(lines repeated on many pages, digits ignored) and bare page numbers are left out.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ingest.documents.extraction import Page
from ingest.documents.texte import clean_passage, fold_key, split_long, split_sentences

__all__ = ["Passage", "split_pages", "PARAGRAPH_LIMIT", "running_lines"]

PARAGRAPH_LIMIT = 600
_BULLET = re.compile(
    r"^\s*(?:[\u2022\u00b7\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u27a2\u2713\u2714*\-\u2013\u2014>]|"
    r"\d{1,2}\s?[.)\u00b0]\s|[a-z]\)\s)"
)
_ENDS_SENTENCE = re.compile(r"[.!?:;\u00bb\"\u2026]\s*$")
_ENDS_OPEN = re.compile(r"[,\-'(\u2019]\s*$")
_STARTS_UPPER = re.compile(r"^\s*[\"\u00ab(]?\s*[A-Z\u00c0-\u00de0-9]")


@dataclass(frozen=True)
class Passage:
    page: int
    numero: int
    debut: int
    fin: int
    texte: str
    est_citation: bool
    intitule_section: str | None
    ocr: bool = False
    confiance_ocr: float | None = None


def _lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for line in text.split("\n"):
        spans.append((cursor, cursor + len(line)))
        cursor += len(line) + 1
    return spans


def _line_key(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "", fold_key(line))).strip()


def _edge_lines(text: str, depth: int = 2) -> set[int]:
    """Indexes of the first and last ``depth`` non-empty lines of a page (where headers sit)."""
    filled = [i for i, line in enumerate(text.split("\n")) if line.strip()]
    return set(filled[:depth]) | set(filled[-depth:])


def running_lines(pages: list[Page]) -> set[str]:
    """Keys of lines repeated at the top or bottom of the pages (running headers/footers): on
    every page of a document of two or three pages, on 30 % of the pages (3 at least) beyond.

    Examples
    --------
    >>> p = [Page(1, "Conseil départemental – page 1\\nTexte un."),
    ...      Page(2, "Conseil départemental – page 2\\nAutre.")]
    >>> sorted(running_lines(p))
    ['conseil departemental - page']
    """
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        lines = page.texte.split("\n")
        keys = {_line_key(lines[i]) for i in _edge_lines(page.texte)}
        counts.update(k for k in keys if 3 <= len(k) <= 150)
    threshold = len(pages) if len(pages) < 4 else max(3, int(0.3 * len(pages)))
    return {key for key, count in counts.items() if count >= threshold}


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _has_private_bullet(line: str) -> bool:
    stripped = line.lstrip()
    return bool(stripped) and unicodedata.category(stripped[0]) == "Co"


def _pdf_paragraphs(text: str, skip: set[str]) -> list[tuple[int, int]]:
    spans = _lines(text)
    edges = _edge_lines(text)
    kept = []
    for number, (start, end) in enumerate(spans):
        line = text[start:end]
        if not line.strip():
            kept.append(None)
        elif re.fullmatch(r"\s*\d{1,4}\s*", line) or (number in edges and _line_key(line) in skip):
            kept.append(None)
        else:
            kept.append((start, end))
    lengths = [e - s for item in kept if item for s, e in [item]]
    median = statistics.median(lengths) if lengths else 0
    paragraphs: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    previous = ""
    for item in kept:
        if item is None:
            if current:
                paragraphs.append(current)
            current, previous = None, ""
            continue
        start, end = item
        line = text[start:end]
        new = current is None
        if not new:
            short = len(previous.rstrip()) < 0.75 * median and not _ENDS_OPEN.search(previous)
            both_caps = _is_caps(line) and _is_caps(previous)
            if (
                _BULLET.match(line)
                or _has_private_bullet(line)
                or (_ENDS_SENTENCE.search(previous) and _STARTS_UPPER.match(line))
                or (short and _STARTS_UPPER.match(line) and not both_caps)
                or _is_caps(line) != _is_caps(previous)
            ):
                new = True
        if new:
            if current:
                paragraphs.append(current)
            current = (start, end)
        else:
            current = (current[0], end)
        previous = line
    if current:
        paragraphs.append(current)
    return paragraphs


_QUOTE_LINE = re.compile(r"^\s{0,3}>")
_LIST_LINE = re.compile(r"^\s{0,3}(?:[*+-]|\d+[.)])\s+")
_HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s")
_TABLE_LINE = re.compile(r"^\s*\|")


def _block_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs separated by blank lines; headings, list items, table rows and quote
    blocks are paragraphs of their own."""
    paragraphs: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    kind = ""
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            if current:
                paragraphs.append(current)
            current, kind = None, ""
            continue
        line_kind = "quote" if _QUOTE_LINE.match(line) else "text"
        starts_block = bool(_HEADING_LINE.match(line) or _LIST_LINE.match(line) or _TABLE_LINE.match(line))
        if current is None or starts_block or line_kind != kind or kind == "heading":
            if current:
                paragraphs.append(current)
            current = (start, end)
            kind = "heading" if _HEADING_LINE.match(line) else line_kind
        else:
            current = (current[0], end)
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_quote(text: str, start: int, end: int) -> bool:
    lines = [line for line in text[start:end].split("\n") if line.strip()]
    return bool(lines) and all(_QUOTE_LINE.match(line) for line in lines)


_VALUE_ONLY = re.compile(
    r"^[\s\d.,:;%€$+\-–/()*]*\d[\s\d.,:;%€$+\-–/()*]*(?:€|%|euros?|EUR|h|ans?|mois|jours?)?\s*$"
)


def _join_values(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A paragraph holding only a value (« 500€ », « 12,5 % ») joins the paragraph before it (its
    label: « Montant de l'aide : »), instead of being dropped for having no words."""
    out: list[tuple[int, int]] = []
    for start, end in paragraphs:
        if out and _VALUE_ONLY.match(text[start:end]) and not re.fullmatch(r"\s*\d{1,4}\s*", text[start:end]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def split_pages(pages: list[Page], pdf: bool) -> list[Passage]:
    """Passages of every page, numbered in reading order within each page.

    Examples
    --------
    >>> p = Page(1, "# Titre\\n\\nPremier paragraphe.\\n\\n> Une citation\\n> sur deux lignes.")
    >>> [(x.texte, x.est_citation) for x in split_pages([p], pdf=False)]
    [('Titre', False), ('Premier paragraphe.', False), ('Une citation sur deux lignes.', True)]
    """
    skip = running_lines(pages) if pdf else set()
    out: list[Passage] = []
    for page in pages:
        text = page.texte
        paragraphs = _join_values(text, _pdf_paragraphs(text, skip) if pdf else _block_paragraphs(text))
        number = 0
        for start, end in paragraphs:
            quote = _is_quote(text, start, end)
            pieces = [(start, end)]
            if end - start > PARAGRAPH_LIMIT:
                pieces = [
                    piece for a, b in split_sentences(text, start, end) for piece in split_long(text, a, b)
                ]
            for a, b in pieces:
                cleaned = clean_passage(re.sub(r"<[^>]+>", " ", text[a:b]))
                if len(re.findall(r"[A-Za-z\u00c0-\u00ff]", cleaned)) < 2:
                    continue
                number += 1
                out.append(
                    Passage(
                        page.numero, number, a, b, cleaned, quote, page.intitule, page.ocr, page.confiance_ocr
                    )
                )
    return out
