"""Documents as they come (issue 14), on real-format fixtures made by tests/fixtures/documents/reels/
generer.py: dotted acronyms, a table nested in a DOCX cell, page headers and footers of DOCX and ODT,
an ODT footnote, a two-page PDF under a running header with a value-only line, a scanned page (OCR),
Markdown escapes; and the analysis' links, conditions and vocabulary on short texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.documents.evaluation import analyse_text
from ingest.documents.extraction import DocumentRejete, extract
from ingest.documents.extraction_pdf import ocr_unavailable
from ingest.documents.extraction_texte import markdown_sections
from ingest.documents.lexiques import load_lexicon
from ingest.documents.passages import split_pages

REELS = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "reels"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon([])


def _passages(path: Path):
    result = extract(path)
    return result, split_pages(result.pages, pdf=result.format == "pdf")


def test_dotted_acronyms_are_found(lexicon):
    result, passages = _passages(REELS / "reglement_rsa.docx")
    body = next(p for p in passages if "signe un C.E.R" in p.texte)
    _, actors, dispositifs, _ = analyse_text(lexicon, body.texte)
    assert {"RSA", "CER", "PPAE"} <= dispositifs and "FRANCE_TRAVAIL" in actors
    _, _, spaced, _ = analyse_text(lexicon, "Les allocataires du R S A et du R. S. A. sont reçus.")
    assert spaced == {"RSA"}
    # the offsets still point at the text as written
    page = result.pages[0]
    from ingest.documents.analyse import analyse_page

    facts = analyse_page(lexicon, page, [p for p in passages if p.page == page.numero])
    found = {m.texte_trouve for m in facts.mentions if m.type_entite == "dispositif"}
    assert {"R.S.A", "C.E.R", "P.P.A.E"} <= found


def test_a_nested_table_is_read_once():
    result, passages = _passages(REELS / "reglement_rsa.docx")
    text = "\n".join(p.texte for p in result.pages)
    assert text.count("CCAS") == 1 and text.count("Service social départemental") == 1
    assert [p.texte for p in passages if "CCAS" in p.texte] == ["CCAS | Service social départemental"]


def test_docx_headers_and_footers_are_passages_of_their_own():
    result, passages = _passages(REELS / "reglement_rsa.docx")
    sections = {
        p.intitule_section: p.texte for p in passages if p.intitule_section != result.pages[0].intitule
    }
    assert sections["En-tête de page"].endswith("Règlement départemental du RSA")
    assert sections["Pied de page"].startswith("Délibération n° 2024-12")


def test_odt_footer_and_footnote_are_passages_of_their_own():
    result, passages = _passages(REELS / "convention_caf.odt")
    by_section = {p.intitule_section: p.texte for p in passages}
    assert "données personnelles" in by_section["Pied de page"]
    assert (
        by_section["Notes de bas de page"] == "Article L. 262-16 du code de l'action sociale et des familles."
    )
    body = [p.texte for p in passages if p.intitule_section == "Convention de partenariat avec la CAF"]
    # the note's body is out of the sentence, its call sign too
    assert "La CAF et le Département conviennent d'un accueil commun des allocataires dès 2025." in body


def test_two_page_pdf_without_its_running_header_and_with_its_values():
    _, passages = _passages(REELS / "deliberation_deux_pages.pdf")
    texts = [p.texte for p in passages]
    assert texts == [
        "Article 1 : le programme départemental d'insertion est reconduit pour 2024.",
        "Montant de l'aide individuelle à la formation : 500 €",
        "Article 2 : la convention avec la CAF est signée pour trois ans.",
    ]


def test_markdown_is_rendered_to_text():
    pages = markdown_sections(
        "# Le \\[projet\\]\n\nUn *accès* aux [droits](https://x.fr) \\- pour __tous__.\n\n"
        "> « Une citation »\n\n- un point\n- un autre\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert pages[0].intitule == "Le [projet]"
    assert pages[0].texte == (
        "# Le [projet]\n\nUn accès aux droits - pour tous.\n\n> « Une citation »\n\n- un point\n\n"
        "- un autre\n\n| a | b |\n\n| 1 | 2 |"
    )
    assert "\\" not in pages[0].texte


def test_scanned_page_without_tesseract_keeps_the_clear_message(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(DocumentRejete, match="PDF scanné sans couche texte.*Tesseract n'est pas installé"):
        extract(REELS / "deliberation_scannee.pdf")


def test_scanned_page_is_read_by_ocr_with_its_confidence(lexicon):
    missing = ocr_unavailable()
    if missing:
        pytest.skip(f"pas de reconnaissance de caractères ici : {missing}")
    result, passages = _passages(REELS / "deliberation_scannee.pdf")
    assert passages and all(p.ocr for p in passages)
    assert all(0.5 < p.confiance_ocr <= 1 for p in passages)
    text = " ".join(p.texte for p in passages)
    assert "Délibération de la commission permanente" in text and "accompagnement" in text
    _, actors, _, _ = analyse_text(lexicon, text)
    assert "MISSION_LOCALE" in actors


@pytest.mark.parametrize(
    ("text", "links"),
    [
        # a plain list makes no link; the head of the list is tied to each item
        (
            "Sont concernés Pôle emploi, les missions locales, les CCAS et Cap emploi, en partenariat.",
            set(),
        ),
        (
            "Le pacte peut associer au département, notamment, l'État, la CAF et la région.",
            {
                ("CAF", "CONSEIL_DEPARTEMENTAL"),
                ("CONSEIL_DEPARTEMENTAL", "ETAT"),
                ("CONSEIL_DEPARTEMENTAL", "REGION"),
            },
        ),
        # an institution and its own service are no partners
        ("La convention est signée par l'État (DDETS) et la CAF.", {("CAF", "DDETS"), ("CAF", "ETAT")}),
        ("L'État (DDETS) signe la convention.", set()),
        # no tying word: names side by side are no link
        ("La CAF et France Travail sont présentes sur le territoire.", set()),
        ("La CAF et France Travail signent une convention.", {("CAF", "FRANCE_TRAVAIL")}),
        # a dispositif named as a public is no party
        (
            "Le Département finance les chantiers d'insertion pour les bénéficiaires du RSA.",
            {("CONSEIL_DEPARTEMENTAL", "SIAE")},
        ),
    ],
)
def test_links(lexicon, text, links):
    assert analyse_text(lexicon, text)[3] == links


def test_a_condition_is_no_statement_of_progress(lexicon):
    from ingest.documents.analyse import analyse_page
    from ingest.documents.extraction import Page
    from ingest.documents.passages import Passage

    def progress(text: str) -> list[str]:
        facts = analyse_page(lexicon, Page(1, text), [Passage(1, 1, 0, len(text), text, False, None)])
        return [m.code_entite for m in facts.mentions if m.type_entite == "avancement"]

    assert progress("Pour être orienté, il faut avoir un CER signé et/ou un PPAE en cours.") == []
    assert progress("Le déploiement du PDI est en cours depuis 2024.") == ["en_cours"]


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("Le taux de non-recours au RSA reste élevé : beaucoup de droits non réclamés.", "acces_aux_droits"),
        ("Les enfants consolident leurs apprentissages à l'école.", None),
        ("Le contrat d'apprentissage et la formation qualifiante des jeunes.", "formation"),
        ("Conditions de logement :", None),  # a form's blank field states nothing
    ],
)
def test_vocabulary(lexicon, text, domain):
    assert analyse_text(lexicon, text)[0] == domain


def test_mixed_pdf_without_tesseract_names_its_unread_pages(tmp_path):
    """A text page and a scanned page, Tesseract absent: the text is read, the scanned page named."""
    result = extract(REELS / "deliberation_mixte.pdf", tesseract=str(tmp_path / "pas-de-tesseract"))
    assert result.pages_non_lues == [2]
    assert "programme départemental d'insertion est reconduit" in result.pages[0].texte
    assert result.motif_pages_non_lues.startswith("page scannée non lue (2) : la reconnaissance")
