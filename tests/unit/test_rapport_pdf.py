"""The printed report: page numbers, outline, numbered sommaire, no empty page, nothing shrunk.

Small documents in the report's own templates (``_base.html`` and its print styles) are printed
by the real headless Chromium, and read back with pypdf by :func:`rapport.rendu.controle_pdf`;
each defect is produced on purpose to show the check catches it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from rapport.rendu import (
    avec_sommaire,
    chromium,
    chromium_arguments,
    controle_pdf,
    environnement,
    imprimer_pdf,
    pourquoi_pas_de_pdf,
)

besoin_chromium = pytest.mark.skipif(
    chromium() is None, reason="Chromium absent : installer avec `apt-get install chromium`"
)

PARAGRAPHE = (
    "Le besoin d'accompagnement des allocataires du RSA est supérieur à la référence nationale ; "
    "l'offre recensée reste en dessous, et la coordination des acteurs est à consolider. "
)


def _document(nb_parties: int = 5, sommaire: bool = True, contenu_en_plus: str = "") -> str:
    """A report-like HTML document rendered with the report's base template and print styles:
    a cover with a sommaire, then one section per part, some longer than a page."""
    parties = "".join(
        f'<section class="page" id="partie-{i}"><h2>Partie {i} – accès aux droits</h2>'
        + f"<h3>Constats {i}</h3>"
        + "".join(f"<p>{PARAGRAPHE * 4}</p>" for _ in range(3 + 5 * (i % 2)))
        + "</section>"
        for i in range(1, nb_parties + 1)
    )
    nav = '<nav class="sommaire"><h3>Sommaire</h3><ol><li>à remplir</li></ol></nav>' if sommaire else ""
    modele = (
        '{% extends "_base.html" %}{% block titre %}Diagnostic territorial – Val-d\'Oise (95){% endblock %}'
        '{% block contenu %}<section class="page couverture" id="couverture"><h1>Diagnostic territorial</h1>'
        + nav
        + "</section>"
        + parties
        + contenu_en_plus
        + "{% endblock %}"
    )
    return avec_sommaire(environnement().from_string(modele).render())


def _ecrire(dossier: Path, html: str, nom: str = "doc") -> Path:
    chemin = dossier / f"{nom}.html"
    chemin.write_text(html, encoding="utf-8")
    return chemin


def _impression_brute(html: Path, pdf: Path, plan: bool) -> Path:
    """Chromium's plain print-to-PDF, as the report was printed before: one printing (so the
    sommaire has no numbers), with or without the outline."""
    cmd = [chromium(), *chromium_arguments(pdf.parent / "profil")]
    if plan:
        cmd.append("--generate-pdf-document-outline")
    cmd += [f"--print-to-pdf={pdf}", html.resolve().as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=600, check=True)
    return pdf


def _plan(lecteur: PdfReader) -> list[tuple[str, int]]:
    """(title, page from 1) of every outline entry, depth first."""
    entrees = []

    def parcourir(noeuds):
        for noeud in noeuds:
            if isinstance(noeud, list):
                parcourir(noeud)
            else:
                entrees.append((noeud.title, lecteur.get_destination_page_number(noeud) + 1))

    parcourir(lecteur.outline)
    return entrees


@besoin_chromium
def test_printed_report_has_page_numbers_outline_and_a_numbered_sommaire(tmp_path):
    html = _ecrire(tmp_path, _document())
    pdf = tmp_path / "doc.pdf"
    assert imprimer_pdf(html, pdf)
    assert controle_pdf(pdf) == []
    lecteur = PdfReader(str(pdf))
    n = len(lecteur.pages)
    assert n >= 7
    textes = [p.extract_text() for p in lecteur.pages]
    # « page N / M » at the foot of every page but the cover, with the département in the foot
    for i, texte in enumerate(textes[1:], start=2):
        assert f"page {i} / {n}" in texte
        assert "Val-d'Oise (95)" in texte
    assert "page 1 /" not in textes[0]
    # the outline: every part, at the page where its heading is printed
    plan = dict((t, p) for t, p in _plan(lecteur) if t.startswith("Partie"))
    assert list(plan) == [f"Partie {i} – accès aux droits" for i in range(1, 6)]
    for titre, page in plan.items():
        assert titre in textes[page - 1]
    # the sommaire (its own page after the cover) gives those same pages
    assert textes[1].count("Partie") == 5 and "Sommaire" in textes[1]
    for titre, page in plan.items():
        assert re.search(rf"{re.escape(titre)}\s*(?:\.|\s)*{page}\s*$", textes[1], re.M), (titre, page)


@besoin_chromium
def test_check_fails_on_a_pdf_without_page_numbers_nor_outline(tmp_path):
    html = _document()
    # the same document without its page margin boxes, printed as Chromium does by default
    sans_numeros = re.sub(r"@bottom-(left|right) \{[^}]*\}", "", html)
    assert sans_numeros != html
    pdf = _impression_brute(_ecrire(tmp_path, sans_numeros), tmp_path / "brut.pdf", plan=False)
    problemes = controle_pdf(pdf)
    assert any(p.startswith("aucun signet") for p in problemes), problemes
    assert any("sans numéro « page N /" in p for p in problemes), problemes


@besoin_chromium
def test_check_fails_on_a_sommaire_without_page_numbers(tmp_path):
    # page numbers and outline are there; only the second printing, which numbers the sommaire, is missing
    pdf = _impression_brute(_ecrire(tmp_path, _document()), tmp_path / "une_passe.pdf", plan=True)
    problemes = controle_pdf(pdf)
    assert len(problemes) == 1 and problemes[0].startswith("sommaire sans numéros de page"), problemes


@besoin_chromium
def test_check_fails_on_an_empty_page(tmp_path):
    # a block taller than the page, as the cover once was: its overflow is a page of white
    vide = (
        '<section class="page" style="min-height: 285mm"><h2>Bloc trop haut</h2></section>'
        '<section class="page"><h2>Après</h2><p>Texte.</p></section>'
    )
    pdf = tmp_path / "vide.pdf"
    assert imprimer_pdf(_ecrire(tmp_path, _document(contenu_en_plus=vide)), pdf)
    assert any("page(s) vide(s)" in p for p in controle_pdf(pdf))


@besoin_chromium
def test_check_fails_when_a_too_wide_table_shrinks_every_page(tmp_path):
    # one unbreakable row wider than the page: Chromium scales the whole document down to fit it
    large = (
        '<section class="page"><h2>Annexe</h2><table><tr>'
        + "".join(f'<td style="white-space:nowrap">colonne_{i}_sans_coupure</td>' for i in range(9))
        + "</tr></table></section>"
    )
    pdf = tmp_path / "large.pdf"
    assert imprimer_pdf(_ecrire(tmp_path, _document(contenu_en_plus=large)), pdf)
    assert any("imprimé(s) sous 7,9 pt" in p for p in controle_pdf(pdf))


@besoin_chromium
def test_the_pages_are_learnt_cheaply_and_the_last_pdf_saves_a_printing(tmp_path, monkeypatch):
    import rapport.rendu as rendu

    impressions = []
    vraie = rendu._imprimer_une_fois

    def comptee(exe, html, pdf, timeout, plan=True):
        impressions.append("complete" if plan else "titres")
        return vraie(exe, html, pdf, timeout, plan)

    monkeypatch.setattr(rendu, "_imprimer_une_fois", comptee)
    pdf = tmp_path / "doc.pdf"
    # first time: the headings-only printing gives the pages, and they are those of the full printing
    # (one full printing only: the numbers it prints are the pages read back from it)
    html = _ecrire(tmp_path, _document(3))
    assert imprimer_pdf(html, pdf) and controle_pdf(pdf) == []
    assert impressions == ["titres", "complete"]
    # the same document again: the last PDF's pages are right, one printing
    impressions.clear()
    assert imprimer_pdf(html, pdf) and controle_pdf(pdf) == []
    assert impressions == ["complete"]
    # the same headings further on (a longer first part): the last PDF's pages are wrong, the document
    # is printed again with the pages the first printing gives
    constats = "<h3>Constats 1</h3>"
    long = html.read_text(encoding="utf-8").replace(constats, constats + f"<p>{PARAGRAPHE * 30}</p>")
    impressions.clear()
    assert imprimer_pdf(_ecrire(tmp_path, long, "long"), pdf)
    assert controle_pdf(pdf) == []
    assert impressions == ["complete", "complete"]


def test_a_missing_chromium_is_reported_in_french_with_the_way_to_get_the_pdf(tmp_path, monkeypatch):
    import rapport.rendu as rendu

    monkeypatch.setattr(rendu, "chromium", lambda: None)
    message = pourquoi_pas_de_pdf("59")
    assert "Chromium est absent" in message and "apt-get install chromium" in message
    assert "python -m rapport --departement 59" in message
    html = _ecrire(tmp_path, "<html><body><p>x</p></body></html>")
    assert imprimer_pdf(html, tmp_path / "x.pdf") is False
    assert not (tmp_path / "x.pdf").exists()


def test_the_sommaire_lists_every_part_and_links_to_it():
    from bs4 import BeautifulSoup

    soupe = BeautifulSoup(_document(3), "html.parser")
    liens = soupe.select("nav.sommaire li a")
    assert [a.get_text() for a in liens] == [f"Partie {i} – accès aux droits" for i in (1, 2, 3)]
    for a in liens:
        cible = soupe.find(id=a["href"][1:])
        assert cible is not None and cible.name == "h2" and cible.get_text() == a.get_text()
    assert soupe.select("nav.sommaire h3")[0].get_text() == "Sommaire"
    assert "à remplir" not in soupe.select_one("nav.sommaire").get_text()


def test_docstring_examples():
    import doctest

    import rapport.rendu

    resultat = doctest.testmod(rapport.rendu, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert resultat.attempted > 0 and resultat.failed == 0
