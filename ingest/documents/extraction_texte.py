"""HTML, Markdown and plain-text reading for :mod:`ingest.documents.extraction` (sections cut at
headings; in text files at form feeds)."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.documents.extraction import DocumentRejete, Extraction, Page, decode_text, good_title, iso_date

__all__ = ["markdown_sections", "extract_markdown_text", "extract_html", "extract_markdown", "extract_txt"]


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


def extract_html(path: Path) -> Extraction:
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
    result.titre = good_title(title_tag.get_text(" ", strip=True) if title_tag else None) or good_title(
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
    result.titre = good_title(title) or good_title(next((p.intitule for p in pages if p.intitule), None))
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


def extract_markdown(path: Path) -> Extraction:
    import frontmatter
    import yaml

    text = decode_text(path.read_bytes(), path)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise DocumentRejete(f"en-tête YAML (front matter) invalide : {exc}") from exc
    return extract_markdown_text(post.content, post.metadata)


def extract_txt(path: Path) -> Extraction:
    text = decode_text(path.read_bytes(), path)
    chunks = text.split("\f") if "\f" in text else [text]
    pages = [Page(i, chunk.strip("\n")) for i, chunk in enumerate(chunks, start=1)]
    pages = [p for p in pages if p.texte.strip()]
    for i, page in enumerate(pages, start=1):
        page.numero = i
    return Extraction("txt", "section", pages)
