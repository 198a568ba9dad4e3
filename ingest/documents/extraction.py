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
import zipfile
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
    "extract_markdown_text",
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


def _good_title(title: object) -> str | None:
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
    return _good_title(" ".join(lines)) if lines else None


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


# ---------------------------------------------------------------- PDF
def _extract_pdf(path: Path) -> Extraction:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as exc:
        raise DocumentRejete(f"PDF illisible ou corrompu : {exc}") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # noqa: BLE001 - any failure means we cannot read it
            raise DocumentRejete(f"PDF chiffré : déchiffrement impossible ({exc})") from exc
        if not opened:
            raise DocumentRejete(
                "PDF chiffré (protégé par un mot de passe) : texte illisible sans le mot de passe"
            )
    pages: list[Page] = []
    try:
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            pages.append(Page(number, text.replace("\x00", "")))
        info = reader.metadata
    except FileNotDecryptedError as exc:
        raise DocumentRejete("PDF chiffré (protégé par un mot de passe) : texte illisible") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        raise DocumentRejete(f"PDF illisible ou corrompu : {type(exc).__name__}: {exc}") from exc
    result = Extraction("pdf", "page", pages)
    if info is not None:
        result.titre = _good_title(info.title)
        if info.author:
            result.auteur, result.auteur_source = str(info.author).strip(), "metadonnees"
        when = None
        try:
            when = info.modification_date or info.creation_date
        except Exception:  # noqa: BLE001 - malformed date strings
            when = None
        if when is not None:
            result.date, result.date_source = iso_date(when), "metadonnees"
    return result


# ---------------------------------------------------------------- DOCX
def _docx_is_heading(style_name: str) -> bool:
    return bool(re.match(r"^(?:Heading|Titre|Title)\b", style_name or "", re.I))


def _extract_docx(path: Path) -> Extraction:
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentRejete(
            "document Office chiffré (protégé par un mot de passe) ou au format .doc ancien : illisible"
        )
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentRejete(f"DOCX illisible ou corrompu : {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - lxml / package errors
        raise DocumentRejete(f"DOCX illisible ou corrompu : {type(exc).__name__}: {exc}") from exc
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    heading_seen = False
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            style = paragraph.style.name if paragraph.style is not None else ""
            page_break = any(br.get(qn("w:type")) == "page" for br in child.iter(qn("w:br")))
            if text and _docx_is_heading(style):
                heading_seen = True
                if sections[-1][1]:
                    sections.append((text, [text]))
                else:
                    sections[-1] = (text, [text])
                continue
            if text:
                sections[-1][1].append(text)
            if page_break and sections[-1][1]:
                sections.append((None, []))
        elif tag == "tbl":
            for row in child.iter(qn("w:tr")):
                cells: list[str] = []
                for cell in row.iter(qn("w:tc")):
                    value = " ".join(
                        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in cell.iter(qn("w:p"))
                    ).strip()
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if cells:
                    sections[-1][1].append(" | ".join(cells))
    pages = [
        Page(i, "\n\n".join(lines), title)
        for i, (title, lines) in enumerate([s for s in sections if s[1]], start=1)
    ]
    result = Extraction("docx", "section", pages)
    props = document.core_properties
    result.titre = _good_title(props.title)
    if not result.titre and heading_seen:
        result.titre = _good_title(next((p.intitule for p in pages if p.intitule), None))
    if not result.titre and pages:
        objet = re.search(r"(?m)^Objet\s*:\s*(.+)$", pages[0].texte)
        result.titre = _good_title(objet.group(1)) if objet else None
    if props.author:
        result.auteur, result.auteur_source = props.author.strip(), "metadonnees"
    when = props.modified or props.created
    if when:
        result.date, result.date_source = iso_date(when), "metadonnees"
    return result


# ---------------------------------------------------------------- ODT
def _extract_odt(path: Path) -> Extraction:
    from odf import teletype
    from odf.opendocument import load

    try:
        document = load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentRejete(f"ODT illisible ou corrompu : {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - xml errors of odfpy
        raise DocumentRejete(f"ODT illisible ou corrompu : {type(exc).__name__}: {exc}") from exc
    sections: list[tuple[str | None, list[str]]] = [(None, [])]

    def walk(node) -> None:
        for child in node.childNodes:
            if child.nodeType != 1:
                continue
            name = child.qname[1]
            if name == "h":
                text = teletype.extractText(child).strip()
                if text:
                    if sections[-1][1]:
                        sections.append((text, [text]))
                    else:
                        sections[-1] = (text, [text])
            elif name == "p":
                text = teletype.extractText(child).strip()
                if text:
                    sections[-1][1].append(re.sub(r"[ \t]+", " ", text))
                walk_frames(child)
            elif name == "table-row":
                cells = []
                for cell in child.childNodes:
                    if cell.nodeType == 1 and cell.qname[1] == "table-cell":
                        value = " ".join(
                            teletype.extractText(p).strip() for p in cell.childNodes if p.nodeType == 1
                        ).strip()
                        if value and (not cells or cells[-1] != value):
                            cells.append(re.sub(r"[ \t]+", " ", value))
                if cells:
                    sections[-1][1].append(" | ".join(cells))
            else:
                walk(child)

    def walk_frames(node) -> None:
        for child in node.childNodes:
            if child.nodeType == 1 and child.qname[1] in {"frame", "text-box"}:
                walk(child)
            elif child.nodeType == 1:
                walk_frames(child)

    try:
        walk(document.text)
    except Exception as exc:  # noqa: BLE001
        raise DocumentRejete(f"ODT illisible : {type(exc).__name__}: {exc}") from exc
    pages = [
        Page(i, "\n\n".join(lines), title)
        for i, (title, lines) in enumerate([s for s in sections if s[1]], start=1)
    ]
    result = Extraction("odt", "section", pages)
    meta = {
        child.qname[1]: teletype.extractText(child).strip()
        for child in document.meta.childNodes
        if child.nodeType == 1
    }
    result.titre = _good_title(meta.get("title"))
    author = meta.get("initial-creator") or meta.get("creator")
    if author:
        result.auteur, result.auteur_source = author, "metadonnees"
    when = meta.get("date") or meta.get("creation-date")
    if when:
        result.date, result.date_source = iso_date(when), "metadonnees"
    return result


# ---------------------------------------------------------------- HTML
_HTML_BLOCKS = [
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "tr",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "figcaption",
    "caption",
]


def _extract_html(path: Path) -> Extraction:
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise DocumentRejete("contenu binaire dans un fichier HTML : fichier illisible")
    soup = BeautifulSoup(data, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "nav", "svg"]):
        tag.decompose()
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    block_set = set(_HTML_BLOCKS)
    for element in soup.find_all(_HTML_BLOCKS):
        if any(parent.name in block_set for parent in element.parents):
            continue
        if element.name == "tr":
            cells = [c.get_text(" ", strip=True) for c in element.find_all(["td", "th"])]
            text = " | ".join(c for c in cells if c)
        else:
            text = element.get_text(" ", strip=True)
        text = re.sub(r"\s+", " ", text).strip()
        if not text:
            continue
        if element.name in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            if sections[-1][1]:
                sections.append((text, [text]))
            else:
                sections[-1] = (text, [text])
        elif element.name == "blockquote":
            sections[-1][1].append("> " + text)
        else:
            sections[-1][1].append(text)
    if not any(lines for _, lines in sections):
        body = soup.get_text("\n", strip=True)
        sections = [(None, [line for line in body.splitlines() if line.strip()])]
    pages = [
        Page(i, "\n\n".join(lines), title)
        for i, (title, lines) in enumerate([s for s in sections if s[1]], start=1)
    ]
    result = Extraction("html", "section", pages)
    title_tag = soup.find("title")
    h1 = soup.find("h1")
    result.titre = _good_title(title_tag.get_text(" ", strip=True) if title_tag else None) or _good_title(
        h1.get_text(" ", strip=True) if h1 else None
    )

    def meta(*names: str) -> str | None:
        for name in names:
            tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
            if tag and tag.get("content"):
                return str(tag["content"]).strip()
        return None

    author = meta("author", "dc.creator", "DC.creator", "dcterms.creator", "article:author")
    if author:
        result.auteur, result.auteur_source = author, "metadonnees"
    when = meta("date", "dcterms.date", "DC.date", "dc.date", "article:published_time", "dcterms.created")
    if when and iso_date(when):
        result.date, result.date_source = iso_date(when), "metadonnees"
    return result


# ---------------------------------------------------------------- Markdown / text
_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")


def markdown_sections(content: str) -> list[Page]:
    """Cut Markdown text at its ATX headings (outside code fences); raw text kept."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    in_fence = False
    for line in content.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _ATX.match(line)
        if heading:
            title = heading.group(2).strip()
            if any(x.strip() for x in sections[-1][1]):
                sections.append((title, [line]))
            else:
                sections[-1] = (title, [line])
        else:
            sections[-1][1].append(line)
    pages: list[Page] = []
    for title, lines in sections:
        text = "\n".join(lines).strip("\n")
        if text.strip():
            pages.append(Page(len(pages) + 1, text, title))
    return pages


def extract_markdown_text(text: str, metadata: dict[str, object]) -> Extraction:
    """Extraction of Markdown content whose front matter is already parsed."""
    pages = markdown_sections(text)
    result = Extraction("md", "section", pages, metadonnees=dict(metadata))
    title = metadata.get("title") or metadata.get("titre")
    result.titre = _good_title(title) or _good_title(next((p.intitule for p in pages if p.intitule), None))
    for key in (
        "author",
        "auteur",
        "auteurs",
        "authors",
        "owner",
        "publisher",
        "editeur",
        "éditeur",
        "sponsors",
    ):
        value = metadata.get(key)
        if value:
            if isinstance(value, list):
                value = ", ".join(str(v).rsplit("/", 1)[-1] for v in value)
            result.auteur, result.auteur_source = str(value).strip(), "entete"
            break
    for key in ("date", "published", "publication", "date_publication", "created"):
        if metadata.get(key) and iso_date(metadata[key]):
            result.date, result.date_source = iso_date(metadata[key]), "entete"
            break
    return result


def _extract_markdown(path: Path) -> Extraction:
    import frontmatter
    import yaml

    text = decode_text(path.read_bytes(), path)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise DocumentRejete(f"en-tête YAML (front matter) invalide : {exc}") from exc
    return extract_markdown_text(post.content, post.metadata)


def _extract_txt(path: Path) -> Extraction:
    text = decode_text(path.read_bytes(), path)
    chunks = text.split("\f") if "\f" in text else [text]
    pages = [Page(i, chunk.strip("\n")) for i, chunk in enumerate(chunks, start=1)]
    pages = [p for p in pages if p.texte.strip()]
    for i, page in enumerate(pages, start=1):
        page.numero = i
    return Extraction("txt", "section", pages)


_EXTRACTORS: dict[str, Callable[[Path], Extraction]] = {
    "pdf": _extract_pdf,
    "docx": _extract_docx,
    "odt": _extract_odt,
    "html": _extract_html,
    "md": _extract_markdown,
    "txt": _extract_txt,
}


def extract(path: Path) -> Extraction:
    """Read a supported file; raises :class:`DocumentRejete` with the reason otherwise."""
    path = Path(path)
    kind = SUPPORTED_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise DocumentRejete(
            f"format non pris en charge ({path.suffix or 'sans extension'}) : "
            "formats acceptés PDF, DOCX, ODT, HTML, Markdown, texte"
        )
    result = _EXTRACTORS[kind](path)
    if not any(re.search(r"[A-Za-zÀ-ÿ]{2}", p.texte) for p in result.pages):
        hint = " (PDF scanné sans couche texte ? l'OCR n'est pas prévu)" if kind == "pdf" else ""
        raise DocumentRejete(f"aucun texte lisible dans le fichier{hint}")
    first = "\n".join(p.texte for p in result.pages[:2])[:4000]
    if not result.titre:
        subject = _good_title(letter_subject(first) or "")
        if subject or is_letter(first):  # a letter: its « Objet : » line, else its file name
            result.titre = subject or _title_from_name(path)
        else:
            result.titre = _first_lines_title(first) or _title_from_name(path)
    written = stated_date(first)
    if written and result.date_source != "entete":
        result.date, result.date_source = written, "texte"
    return result
