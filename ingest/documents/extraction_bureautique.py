"""DOCX and ODT reading for :mod:`ingest.documents.extraction`: sections cut at headings (and DOCX
page breaks), table rows as paragraphs, page headers, footers and notes as sections of their own."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ingest.documents.extraction import DocumentRejete, Extraction, Page, good_title, iso_date

__all__ = ["extract_docx", "extract_odt"]


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


def extract_docx(path: Path) -> Extraction:
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
    result.titre = good_title(props.title)
    if not result.titre and heading_seen:
        result.titre = good_title(next((p.intitule for p in pages if p.intitule), None))
    if not result.titre and pages:
        objet = re.search(r"(?m)^Objet\s*:\s*(.+)$", pages[0].texte)
        result.titre = good_title(objet.group(1)) if objet else None
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


def extract_odt(path: Path) -> Extraction:
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
    result.titre = good_title(meta.get("title"))
    author = meta.get("initial-creator") or meta.get("creator")
    if author:
        result.auteur, result.auteur_source = author, "metadonnees"
    when = meta.get("date") or meta.get("creation-date")
    if when:
        result.date, result.date_source = iso_date(when), "metadonnees"
    return result
