"""Text and metadata of a document, per page (PDF) or per section (other formats).

PDF files are read page by page (``unite_page = 'page'``). DOCX, ODT, HTML, Markdown
and plain text have no stable pages, so they are cut into *sections*: a new section
starts at each heading (and, in DOCX, at each explicit page break; in text files at
each form feed). There ``page`` is the section number (``unite_page = 'section'``).

Inside a section, paragraphs are separated by a blank line; table rows become one
paragraph each (cells joined by `` | ``); HTML ``<blockquote>`` paragraphs are written
with a leading ``> `` as in Markdown, so that quotes are recognised the same way.

Anything that prevents reading (encryption, corrupt file, no text layer) raises
:class:`DocumentRejete` whose message (in French) is the quarantine reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.documents.metadonnees import is_letter, letter_subject, not_a_title

__all__ = [
    "Page",
    "Extraction",
    "DocumentRejete",
    "SUPPORTED_FORMATS",
    "extract",
    "decode_text",
    "stated_date",
    "iso_date",
]

logging.getLogger("pypdf").setLevel(logging.ERROR)

SUPPORTED_FORMATS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
}


class DocumentRejete(Exception):
    """A file that cannot be read; ``str(exc)`` is the reason shown in the quarantine."""


@dataclass
class Page:
    """Text of one page (PDF) or section (other formats)."""

    numero: int
    texte: str
    intitule: str | None = None
    ocr: bool = False  # text read from the page's image by Tesseract
    confiance_ocr: float | None = None  # Tesseract's mean word confidence (0 to 1)


@dataclass
class Extraction:
    """What was read from a file."""

    format: str
    unite_page: str
    pages: list[Page]
    titre: str | None = None
    auteur: str | None = None
    auteur_source: str | None = None
    date: str | None = None
    date_source: str | None = None
    metadonnees: dict[str, object] = field(default_factory=dict)
    # pages left unread (scanned pages of a PDF with text elsewhere, without OCR) and why, in French
    pages_non_lues: list[int] = field(default_factory=list)
    motif_pages_non_lues: str | None = None

    @property
    def nb_caracteres(self) -> int:
        return sum(len(p.texte) for p in self.pages)


_MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "décembre": 12,
}
_TEXT_DATE = re.compile(
    r"(?:^|[\s,(])le\s+(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
    r"(?:(1er|\d{1,2})\s+(janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|"
    r"novembre|d[ée]cembre)\s+(\d{4})|(\d{1,2})/(\d{1,2})/(\d{4}))",
    re.IGNORECASE,
)


def _valid_year(year: int) -> bool:
    return 1950 <= year <= dt.date.today().year + 5


def iso_date(value: object) -> str | None:
    """ISO text of a date-like value (``date``, ``datetime``, ``2021``, ``2021-05``, ``2021-05-06``…).

    Examples
    --------
    >>> iso_date(dt.date(2021, 1, 25)), iso_date("2019-09-10T12:00"), iso_date("2022"), iso_date("x")
    ('2021-01-25', '2019-09-10', '2022', None)
    >>> iso_date("23/04/2015")
    '2015-04-23'
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat() if _valid_year(value.year) else None
    text = str(value).strip()
    match = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if match and _valid_year(int(match.group(1))):
        return "-".join(g for g in match.groups() if g)
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if match and _valid_year(int(match.group(3))):
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    return None


def stated_date(text: str) -> str | None:
    """The first date written as « le 10 septembre 2019 » or « le 23/04/2015 » in a text.

    Dates of laws (« loi du 1er août 2003 ») are not taken: only « le <date> ».

    Examples
    --------
    >>> stated_date("Bobigny, le 23/04/2015")
    '2015-04-23'
    >>> stated_date("remis le 10 septembre 2019 à la Ministre")
    '2019-09-10'
    >>> stated_date("la loi n° 2003-710 du 1er août 2003") is None
    True
    """
    for match in _TEXT_DATE.finditer(text):
        try:
            if match.group(3):
                day = 1 if match.group(1).lower() == "1er" else int(match.group(1))
                month = _MONTHS[match.group(2).lower()]
                year = int(match.group(3))
            else:
                day, month, year = int(match.group(4)), int(match.group(5)), int(match.group(6))
            if _valid_year(year):
                return dt.date(year, month, day).isoformat()
        except (KeyError, ValueError):
            continue
    return None


def good_title(title: object) -> str | None:
    if title is None:
        return None
    text = re.sub(r"\s+", " ", str(title)).strip()
    text = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", text)
    if len(text) < 3 or "\\" in text or re.search(r"\.(?:tmp|docx?|odt|pdf|rtf)$", text, re.I):
        return None
    if text.lower() in {"untitled", "sans titre", "document1", "document", "titre"}:
        return None
    if not_a_title(text):  # a salutation (« Madame, ») or a person is never a title
        return None
    return text[:300]


_LABEL_LINE = re.compile(r"^[^:]{1,40}:\s*\S?.{0,60}$")


def _first_lines_title(text: str, max_lines: int = 3) -> str | None:
    """Title from the first lines: consecutive short lines, skipping form labels and dates."""
    lines: list[str] = []
    candidates = 0
    for line in text.splitlines():
        clean = re.sub(r"\s+", " ", line).strip(" #>*-|")
        if not clean or not re.search(r"[A-Za-zÀ-ÿ]{2}", clean) or re.fullmatch(r"[\d\s]+", clean):
            if lines:
                break
            continue
        if not lines and (_LABEL_LINE.match(clean) or stated_date(clean) or not_a_title(clean)):
            continue
        if not_a_title(clean):
            break
        candidates += 1
        if len(clean) > 120:
            break
        lines.append(clean)
        if len(lines) >= max_lines or len(" ".join(lines)) > 160 or candidates > 5:
            break
    return good_title(" ".join(lines)) if lines else None


def _title_from_name(path: Path) -> str:
    return re.sub(r"[_\-]+", " ", path.stem).strip() or path.name


def decode_text(data: bytes, path: Path) -> str:
    """Decode text bytes (UTF-8, else Windows-1252); binary content is rejected."""
    if b"\x00" in data[:8192]:
        raise DocumentRejete(f"contenu binaire dans un fichier texte ({path.suffix}) : fichier illisible")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# the OCR command for scanned PDF pages (scripts/tesseract.sh installs it)
TESSERACT = "tesseract"


def _extractors() -> dict[str, Callable[..., Extraction]]:
    """The reader of each format. Imported at the first call: each reader module imports this
    module's types (``Page``, ``Extraction``…)."""
    from ingest.documents.extraction_bureautique import extract_docx, extract_odt
    from ingest.documents.extraction_pdf import extract_pdf
    from ingest.documents.extraction_texte import extract_html, extract_markdown, extract_txt

    return {
        "pdf": extract_pdf,
        "docx": extract_docx,
        "odt": extract_odt,
        "html": extract_html,
        "md": extract_markdown,
        "txt": extract_txt,
    }


def extract(path: Path, tesseract: str = TESSERACT) -> Extraction:
    """Read a supported file; raises :class:`DocumentRejete` with the reason otherwise.

    ``tesseract`` is the OCR command for scanned PDF pages (a missing command means no OCR)."""
    path = Path(path)
    kind = SUPPORTED_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise DocumentRejete(
            f"format non pris en charge ({path.suffix or 'sans extension'}) : "
            "formats acceptés PDF, DOCX, ODT, HTML, Markdown, texte"
        )
    reader = _extractors()[kind]
    result = reader(path, tesseract) if kind == "pdf" else reader(path)
    if not any(re.search(r"[A-Za-zÀ-ÿ]{2}", p.texte) for p in result.pages):
        hint = " (PDF scanné : la reconnaissance de caractères n'y a lu aucun mot)" if kind == "pdf" else ""
        raise DocumentRejete(f"aucun texte lisible dans le fichier{hint}")
    first = "\n".join(p.texte for p in result.pages[:2])[:4000]
    if not result.titre:
        subject = good_title(letter_subject(first) or "")
        if subject or is_letter(first):  # a letter: its « Objet : » line, else its file name
            result.titre = subject or _title_from_name(path)
        else:
            result.titre = _first_lines_title(first) or _title_from_name(path)
    written = stated_date(first)
    if written and result.date_source != "entete":
        result.date, result.date_source = written, "texte"
    return result
