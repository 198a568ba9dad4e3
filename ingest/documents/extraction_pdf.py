"""PDF reading for :mod:`ingest.documents.extraction`: the text layer page by page, and Tesseract OCR
for scanned pages (``unite_page = 'page'``)."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.documents.extraction import TESSERACT, DocumentRejete, Extraction, Page, good_title, iso_date

__all__ = ["has_words", "ocr_unavailable", "unread_pages_reason", "extract_pdf"]


OCR_LANGUAGE = "fra"


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
def has_words(text: str) -> bool:
    return bool(re.search(r"[A-Za-zÀ-ÿ]{2}", text or ""))


def unread_pages_reason(pages: list[int], missing: str) -> str:
    """The French quarantine reason for the scanned pages of a PDF left unread (the rest is read)."""
    listed = ", ".join(str(p) for p in pages)
    return (
        f"{'page scannée non lue' if len(pages) == 1 else 'pages scannées non lues'} ({listed}) : "
        f"la reconnaissance de caractères est impossible, {missing} ; le reste du fichier est lu"
    )


def extract_pdf(path: Path, tesseract: str = TESSERACT) -> Extraction:
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
        scanned = [i for i, p in enumerate(pages) if not has_words(p.texte)]
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
        result.titre = good_title(info.title)
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
