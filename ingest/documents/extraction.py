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
    "ocr_unavailable",
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


# ---------------------------------------------------------------- OCR
OCR_LANGUAGE = "fra"


TESSERACT = "tesseract"


def ocr_unavailable(tesseract: str = TESSERACT) -> str | None:
    """Why scanned pages cannot be read here (in French), or ``None`` when Tesseract and its French
    model are installed (scripts/tesseract.sh installs them). ``tesseract`` is the command run."""
    import shutil

    if shutil.which(tesseract) is None:
        return (
            "Tesseract n'est pas installé (paquets Debian « tesseract-ocr » et « tesseract-ocr-fra », "
            "installés par scripts/setup.sh en tant que root)"
        )
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = tesseract
    try:
        languages = pytesseract.get_languages(config="")
    except Exception as exc:  # noqa: BLE001 - a broken installation
        return f"Tesseract ne répond pas ({type(exc).__name__})"
    if OCR_LANGUAGE not in languages:
        return "le modèle français de Tesseract n'est pas installé (paquet Debian « tesseract-ocr-fra »)"
    return None


def _ocr_image(image) -> tuple[str, float] | None:
    """Text of an image read by Tesseract (lines and paragraphs kept) and its mean confidence (0-1),
    each word weighted by its length."""
    import pytesseract

    if image.mode not in {"L", "RGB"}:
        image = image.convert("RGB")
    data = pytesseract.image_to_data(image, lang=OCR_LANGUAGE, output_type=pytesseract.Output.DICT)
    lines: list[str] = []
    current: list[str] = []
    key = None
    weighted = letters = 0.0
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        confidence = float(data["conf"][i])
        if not word or confidence < 0:
            continue
        where = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if key is not None and where != key:
            lines.append(" ".join(current))
            if where[:2] != key[:2]:
                lines.append("")  # a new paragraph
            current = []
        key = where
        current.append(word)
        weighted += confidence * len(word)
        letters += len(word)
    if current:
        lines.append(" ".join(current))
    if not letters:
        return None
    return "\n".join(lines), round(weighted / letters / 100, 3)


def _ocr_pdf_page(page) -> tuple[str, float] | None:
    """OCR of a PDF page with no text layer: its images (a scan is one image per page), largest first."""
    images = []
    for item in page.images:
        try:
            image = item.image
        except Exception:  # noqa: BLE001 - an image pypdf cannot decode
            continue
        if image is not None and image.width * image.height >= 200 * 200:
            images.append(image)
    texts: list[str] = []
    confidences: list[tuple[float, int]] = []
    for image in sorted(images, key=lambda im: -(im.width * im.height)):
        read = _ocr_image(image)
        if read:
            texts.append(read[0])
            confidences.append((read[1], len(read[0])))
    if not texts:
        return None
    total = sum(n for _, n in confidences)
    return "\n\n".join(texts), round(sum(c * n for c, n in confidences) / total, 3)


# ---------------------------------------------------------------- PDF
def _has_words(text: str) -> bool:
    return bool(re.search(r"[A-Za-zÀ-ÿ]{2}", text or ""))


def unread_pages_reason(pages: list[int], missing: str) -> str:
    """The French quarantine reason for the scanned pages of a PDF left unread (the rest is read)."""
    listed = ", ".join(str(p) for p in pages)
    return (
        f"{'page scannée non lue' if len(pages) == 1 else 'pages scannées non lues'} ({listed}) : "
        f"la reconnaissance de caractères est impossible, {missing} ; le reste du fichier est lu"
    )


def _extract_pdf(path: Path, tesseract: str = TESSERACT) -> Extraction:
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
        scanned = [i for i, p in enumerate(pages) if not _has_words(p.texte)]
        missing = None
        if scanned:
            missing = ocr_unavailable(tesseract)
            if missing and len(scanned) == len(pages):
                raise DocumentRejete(
                    "PDF scanné sans couche texte : la reconnaissance de caractères est impossible, "
                    + missing
                )
            for i in [] if missing else scanned:
                read = _ocr_pdf_page(reader.pages[i])
                if read:
                    pages[i] = Page(pages[i].numero, read[0], ocr=True, confiance_ocr=read[1])
        info = reader.metadata
    except FileNotDecryptedError as exc:
        raise DocumentRejete("PDF chiffré (protégé par un mot de passe) : texte illisible") from exc
    except DocumentRejete:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        raise DocumentRejete(f"PDF illisible ou corrompu : {type(exc).__name__}: {exc}") from exc
    result = Extraction("pdf", "page", pages)
    if missing:  # some pages have text: they are read, the scanned ones are named in the quarantine
        result.pages_non_lues = [pages[i].numero for i in scanned]
        result.motif_pages_non_lues = unread_pages_reason(result.pages_non_lues, missing)
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


def _docx_paragraph_text(paragraph, qn) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip()


def _docx_table_rows(table, qn) -> list[str]:
    """One line per row (cells joined by `` | ``); a table nested in a cell is read once, as rows of
    its own after the row holding it, never inside the cell's text nor again with the outer rows."""
    lines: list[str] = []
    for row in table.findall(qn("w:tr")):
        cells: list[str] = []
        nested: list[str] = []
        for cell in row.findall(qn("w:tc")):
            value = " ".join(
                text for text in (_docx_paragraph_text(p, qn) for p in cell.findall(qn("w:p"))) if text
            ).strip()
            if value and (not cells or cells[-1] != value):  # merged cells repeat their text
                cells.append(value)
            for inner in cell.findall(qn("w:tbl")):
                nested.extend(_docx_table_rows(inner, qn))
        if cells:
            lines.append(" | ".join(cells))
        lines.extend(nested)
    return lines


_DOCX_MARGINS = (
    (r"word/header\d*\.xml", "En-tête de page"),
    (r"word/footer\d*\.xml", "Pied de page"),
    (r"word/footnotes\.xml", "Notes de bas de page"),
    (r"word/endnotes\.xml", "Notes de fin de document"),
)


def _docx_margins(path: Path) -> list[tuple[str | None, list[str]]]:
    """Page headers, footers, footnotes and endnotes of a DOCX, each kind a section of its own
    (legal references and data-protection notices sit there); identical ones read once."""
    from lxml import etree

    word = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out: list[tuple[str | None, list[str]]] = []
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        for pattern, title in _DOCX_MARGINS:
            lines: list[str] = []
            for name in (n for n in names if re.fullmatch(pattern, n)):
                try:
                    root = etree.fromstring(archive.read(name))
                except etree.XMLSyntaxError:
                    continue
                for note in root.iter(f"{word}footnote", f"{word}endnote"):
                    if note.get(f"{word}type") in {
                        "separator",
                        "continuationSeparator",
                        "continuationNotice",
                    }:
                        note.getparent().remove(note)
                for paragraph in root.iter(f"{word}p"):
                    if any(a.tag == f"{word}tbl" for a in paragraph.iterancestors()):
                        continue
                    text = "".join(t.text or "" for t in paragraph.iter(f"{word}t")).strip()
                    if re.search(r"[A-Za-zÀ-ÿ]{2}", text) and text not in lines:
                        lines.append(text)
                for table in root.iter(f"{word}tbl"):
                    if not any(a.tag == f"{word}tbl" for a in table.iterancestors()):
                        rows = _docx_table_rows(table, lambda tag: word + tag.split(":")[1])
                        lines.extend(r for r in rows if r not in lines)
            if lines:
                out.append((title, lines))
    return out


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
            sections[-1][1].extend(_docx_table_rows(child, qn))
    sections.extend(_docx_margins(path))
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
def _odt_text(node, notes: list[str]) -> str:
    """Text of an ODT element: spaces, tabs and line breaks written out; a footnote's body is left
    out of the sentence and added to ``notes`` (read as a passage of its own)."""
    out: list[str] = []
    for child in node.childNodes:
        if child.nodeType == 3:
            out.append(child.data)
            continue
        if child.nodeType != 1:
            continue
        name = child.qname[1]
        if name == "s":
            out.append(" " * int(child.getAttribute("c") or 1))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif name == "note":
            for part in child.childNodes:
                if part.nodeType == 1 and part.qname[1] == "note-body":
                    body = " ".join(_odt_text(p, notes).strip() for p in part.childNodes if p.nodeType == 1)
                    if body.strip():
                        notes.append(re.sub(r"\s+", " ", body).strip())
        elif name in {"frame", "text-box"}:
            continue  # read by the caller as blocks of their own
        else:
            out.append(_odt_text(child, notes))
    return "".join(out)


def _odt_blocks(root, sections: list[tuple[str | None, list[str]]], notes: list[str]) -> None:
    """Walk an ODT tree (body, header or footer): headings open sections, paragraphs and table rows
    are lines; a table nested in a cell is read with the cell (once)."""

    def walk(node) -> None:
        for child in node.childNodes:
            if child.nodeType != 1:
                continue
            name = child.qname[1]
            if name == "h":
                text = re.sub(r"[ \t]+", " ", _odt_text(child, notes)).strip()
                if text:
                    if sections[-1][1]:
                        sections.append((text, [text]))
                    else:
                        sections[-1] = (text, [text])
                walk_frames(child)
            elif name == "p":
                text = _odt_text(child, notes).strip()
                if text:
                    sections[-1][1].append(re.sub(r"[ \t]+", " ", text))
                walk_frames(child)
            elif name == "table-row":
                cells = []
                for cell in child.childNodes:
                    if cell.nodeType == 1 and cell.qname[1] == "table-cell":
                        value = " ".join(
                            _odt_text(p, notes).strip() for p in cell.childNodes if p.nodeType == 1
                        ).strip()
                        if value and (not cells or cells[-1] != value):
                            cells.append(re.sub(r"\s+", " ", value))
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

    walk(root)


_ODT_MARGINS = {
    "header": "En-tête de page",
    "header-first": "En-tête de page",
    "header-left": "En-tête de page",
    "footer": "Pied de page",
    "footer-first": "Pied de page",
    "footer-left": "Pied de page",
}


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
    notes: list[str] = []
    margins: dict[str, list[str]] = {}
    try:
        _odt_blocks(document.text, sections, notes)
        # page headers and footers of the master pages (styles.xml): sections of their own
        for master in document.masterstyles.childNodes:
            if master.nodeType != 1 or master.qname[1] != "master-page":
                continue
            for part in master.childNodes:
                title = _ODT_MARGINS.get(part.qname[1]) if part.nodeType == 1 else None
                if title is None:
                    continue
                found: list[tuple[str | None, list[str]]] = [(None, [])]
                _odt_blocks(part, found, notes)
                lines = margins.setdefault(title, [])
                lines.extend(
                    line
                    for _, block in found
                    for line in block
                    if line not in lines and re.search(r"[A-Za-zÀ-ÿ]{2}", line)
                )
    except Exception as exc:  # noqa: BLE001
        raise DocumentRejete(f"ODT illisible : {type(exc).__name__}: {exc}") from exc
    for title in ("En-tête de page", "Pied de page"):
        if margins.get(title):
            sections.append((title, margins[title]))
    if notes:
        sections.append(("Notes de bas de page", list(dict.fromkeys(notes))))
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
def _markdown_inline(token) -> str:
    """Plain text of an inline token: escapes resolved, emphasis and links reduced to their text."""
    out: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            out.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            out.append("\n")
        elif child.type == "image":
            out.append(child.content or "".join(c.content for c in child.children or []))
        elif child.type == "html_inline" and re.match(r"(?i)<br\s*/?>", child.content):
            out.append("\n")
    return "".join(out)


def markdown_sections(content: str) -> list[Page]:
    """Markdown rendered to text (markdown-it-py, CommonMark and tables), cut at its headings.

    The text keeps only the marks the passage splitter reads: ``#`` before a heading, ``- `` or
    ``1. `` before a list item, ``> `` before quoted lines (interview quotes), ``|`` between table
    cells; escapes (« \\[ »), emphasis, links and HTML are rendered to their text.

    Examples
    --------
    >>> [(p.intitule, p.texte) for p in markdown_sections("# Titre\\n\\n**Le** \\\\[RSA\\\\] [ici](http://x)")]
    [('Titre', '# Titre\\n\\nLe [RSA] ici')]
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(content)
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    quote = 0
    items: list[str] = []  # the marks of the open list items
    pending_item = ""
    row: list[str] | None = None
    heading_level = 0

    def emit(text: str) -> None:
        nonlocal pending_item
        lines = [line.strip() for line in text.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            return
        if pending_item:
            lines[0] = pending_item + lines[0]
            pending_item = ""
        if quote:
            lines = ["> " + line for line in lines]
        sections[-1][1].append("\n".join(lines))

    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in {"bullet_list_open", "ordered_list_open"}:
            items.append("- " if kind == "bullet_list_open" else "1. ")
        elif kind in {"bullet_list_close", "ordered_list_close"}:
            items.pop()
        elif kind == "list_item_open":
            mark = items[-1] if items else "- "
            if mark != "- ":
                mark = f"{token.info or '1'}. "
            pending_item = mark
        elif kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "inline" and heading_level:
            title = re.sub(r"\s+", " ", _markdown_inline(token)).strip()
            if title:
                line = "#" * heading_level + " " + title
                if any(x.strip() for x in sections[-1][1]):
                    sections.append((title, [line]))
                else:
                    sections[-1] = (title, [line])
            heading_level = 0
        elif kind == "tr_open":
            row = []
        elif kind == "inline" and row is not None:
            row.append(re.sub(r"\s+", " ", _markdown_inline(token)).strip())
        elif kind == "tr_close" and row is not None:
            if any(row):
                emit("| " + " | ".join(row) + " |")
            row = None
        elif kind == "inline":
            emit(_markdown_inline(token))
        elif kind in {"fence", "code_block"}:
            emit(token.content)
        elif kind == "html_block":
            emit(re.sub(r"<[^>]+>", " ", token.content))
    pages: list[Page] = []
    for title, blocks in sections:
        text = "\n\n".join(blocks).strip("\n")
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
    result = _extract_pdf(path, tesseract) if kind == "pdf" else _EXTRACTORS[kind](path)
    if not any(re.search(r"[A-Za-zÀ-ÿ]{2}", p.texte) for p in result.pages):
        hint = " (PDF scanné : la reconnaissance de caractères n'y a lu aucun mot)" if kind == "pdf" else ""
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
