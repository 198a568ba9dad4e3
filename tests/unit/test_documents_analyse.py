"""Kind, axis/domain, mentions and progress on real documents (shared/documents) and fixtures.

The real passages were chosen by hand: the CASF articles L263-2 (pacte territorial pour
l'insertion) and R123-1 (analyse des besoins sociaux), the WebRSA CER template and the
summons letter of the Seine-Saint-Denis, the 2014 law on contrats de ville and the 2019
Pacte d'ambition IAE (PDF).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.documents.analyse import analyse_page, classify_kind, find_years
from ingest.documents.extraction import extract
from ingest.documents.lexiques import load_lexicon
from ingest.documents.passages import split_pages
from ingest.documents.territoires import territory_entries

FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "formats"


@pytest.fixture(scope="module")
def lexicon(data_dir):
    return load_lexicon(territory_entries(None, data_dir, "93"))


@pytest.fixture(scope="module")
def shared_documents(data_dir) -> Path:
    folder = data_dir.parent / "documents"
    if not folder.is_dir():
        pytest.skip(f"real documents not found in {folder}")
    return folder


def _facts(lexicon, path: Path):
    """(passages, classements by (page, numero), mentions) of a whole document."""
    extraction = extract(path)
    passages = split_pages(extraction.pages, pdf=extraction.format == "pdf")
    classes, mentions = {}, []
    for page in extraction.pages:
        local = [p for p in passages if p.page == page.numero]
        facts = analyse_page(lexicon, page, local)
        classes.update({(page.numero, n): c for n, c in facts.classements.items()})
        mentions.extend(facts.mentions)
    return extraction, passages, classes, mentions


def _passage(passages, start: str):
    found = [p for p in passages if p.texte.startswith(start)]
    assert len(found) == 1, f"passage starting with {start!r}: {len(found)} found"
    return found[0]


def _codes(mentions, passage, kind: str) -> set[str]:
    return {
        m.code_entite
        for m in mentions
        if m.page == passage.page and m.passage == passage.numero and m.type_entite == kind
    }


def test_casf_l263_2_pacte_territorial_insertion(lexicon, shared_documents):
    path = shared_documents / "textes-juridiques" / "casf_article_L263-2_pacte_territorial_insertion.md"
    extraction, passages, classes, mentions = _facts(lexicon, path)
    assert classify_kind(lexicon, extraction.titre, path.name, extraction.pages) == (
        "texte_juridique",
        "titre_texte_juridique",
    )
    first = _passage(passages, "Pour la mise en œuvre du programme départemental d'insertion")
    assert (classes[first.page, first.numero].code_axe, classes[first.page, first.numero].code_domaine) == (
        "A2",
        "accompagnement_emploi",
    )
    assert _codes(mentions, first, "dispositif") == {"PDI", "PTI"}
    assert _codes(mentions, first, "acteur") == {"CONSEIL_DEPARTEMENTAL"}
    partners = _passage(passages, "Le pacte peut associer au département")
    assert classes[partners.page, partners.numero].code_axe == "A2"
    # the law names Pôle emploi and the CAF/MSA only through article numbers
    assert {
        "ETAT",
        "FRANCE_TRAVAIL",
        "SERVICE_PUBLIC_EMPLOI",
        "MAISON_EMPLOI",
        "PLIE",
        "CAF",
        "MSA",
        "REGION",
        "ASSOCIATIONS_SOLIDARITE",
        "CONSEIL_DEPARTEMENTAL",
    } <= _codes(mentions, partners, "acteur")
    # "prévoit" of a legal text and "prévu à l'article" are not statements of progress
    assert not [m for m in mentions if m.type_entite == "avancement"]


def test_casf_r123_1_names_ccas_and_cias_in_full(lexicon, shared_documents):
    path = shared_documents / "textes-juridiques" / "casf_article_R123-1_analyse_besoins_sociaux.md"
    _, passages, classes, mentions = _facts(lexicon, path)
    passage = _passage(passages, "Les centres communaux et intercommunaux d'action sociale")
    assert (
        classes[passage.page, passage.numero].code_axe,
        classes[passage.page, passage.numero].code_domaine,
    ) == ("A3", "acces_aux_droits")
    assert _codes(mentions, passage, "acteur") == {"CCAS", "CIAS"}
    assert _codes(mentions, passage, "dispositif") == {"ABS"}


def test_webrsa_cer_template_of_the_93(lexicon, shared_documents):
    path = shared_documents / "insertion-rsa-93" / "cd93_modele_contrat_engagement_reciproque.odt"
    extraction, passages, classes, mentions = _facts(lexicon, path)
    assert extraction.unite_page == "section"
    party = _passage(passages, "D'une part, le Président du Conseil Général de la Seine Saint-Denis")
    assert _codes(mentions, party, "acteur") == {"CONSEIL_DEPARTEMENTAL"}
    assert _codes(mentions, party, "territoire") == {"93"}
    anpe = _passage(passages, "Inscrit à l'ANPE")
    assert _codes(mentions, anpe, "acteur") == {"FRANCE_TRAVAIL"}
    goals = _passage(passages, "Quels objectifs vous fixez-vous")
    assert (classes[goals.page, goals.numero].code_axe, classes[goals.page, goals.numero].code_domaine) == (
        "A2",
        "accompagnement_emploi",
    )
    legal = _passage(passages, "Le présent contrat est établi en application de l'article L262-37")
    assert classes[legal.page, legal.numero].code_axe is None  # the code's name is neutralised
    signed = _passage(passages, "Fait à : | Fait à Bobigny")
    assert _codes(mentions, signed, "territoire") == {"93008"}


def test_summons_letter_of_the_93_is_about_rsa(lexicon, shared_documents):
    path = shared_documents / "insertion-rsa-93" / "cd93_courrier_convocation_equipe_pluridisciplinaire.odt"
    extraction, passages, classes, mentions = _facts(lexicon, path)
    assert extraction.date == "2015-04-23" and extraction.date_source == "texte"
    passage = _passage(passages, "Vous êtes bénéficiaire de l’allocation de Revenu de Solidarité Active")
    assert classes[passage.page, passage.numero].code_axe == "A2"
    assert "RSA" in _codes(mentions, passage, "dispositif")


def test_contrats_de_ville_law(lexicon, shared_documents):
    path = shared_documents / "textes-juridiques" / "loi_2014-173_article_6_contrats_de_ville.md"
    _, passages, _, mentions = _facts(lexicon, path)
    first = _passage(passages, "I. ― La politique de la ville est mise en œuvre")
    assert {"CONTRAT_DE_VILLE", "POLITIQUE_VILLE"} <= _codes(mentions, first, "dispositif")
    assert {"ETAT", "EPCI", "COMMUNE", "CONSEIL_DEPARTEMENTAL", "REGION"} <= _codes(mentions, first, "acteur")


def test_pacte_ambition_pdf_pages_and_actors(lexicon, shared_documents):
    path = shared_documents / "iae" / "pacte_ambition_iae_2019.pdf"
    extraction, passages, classes, mentions = _facts(lexicon, path)
    assert extraction.unite_page == "page" and len(extraction.pages) == 122
    assert extraction.date == "2019-09-10"  # « remis le 10 septembre 2019 »
    assert classify_kind(lexicon, extraction.titre, path.name, extraction.pages) == ("autre", "defaut")
    iae = [p for p in passages if classes[p.page, p.numero].code_domaine == "iae"]
    assert len(iae) > 200
    pole_emploi = [m for m in mentions if m.code_entite == "FRANCE_TRAVAIL"]
    assert len(pole_emploi) >= 25 and all(1 <= m.page <= 122 for m in pole_emploi)
    page = extraction.pages[pole_emploi[0].page - 1].texte
    assert page[pole_emploi[0].debut : pole_emploi[0].fin].replace("\n", " ") in {
        "Pôle emploi",
        "Pôle Emploi",
    }
    academy = _passage(passages, "Enfin, une Académie de l’inclusion sera mise en place")
    progress = [
        m
        for m in mentions
        if m.type_entite == "avancement" and m.passage == academy.numero and m.page == academy.page
    ]
    assert [(m.code_entite, m.annee, m.objet_type) for m in progress] == [("prevu", 2020, "action")]
    assert progress[0].objet_libelle == "une Académie de l’inclusion"


@pytest.mark.parametrize(
    ("name", "kind", "rule"),
    [
        ("sdsf_exemple.docx", "schema", "titre_schema"),
        ("ctg_exemple.odt", "convention", "titre_convention"),
        ("diagnostic_exemple.html", "diagnostic", "titre_diagnostic"),
        ("abs_exemple.txt", "abs", "titre_abs"),
        ("calpae_exemple.md", "rapport_calpae_spie", "titre_rapport_calpae_spie"),
        ("pdi_exemple.pdf", "pdi", "titre_pdi"),
    ],
)
def test_kind_rules_on_each_format(lexicon, name, kind, rule):
    extraction = extract(FORMATS / name)
    assert classify_kind(lexicon, extraction.titre, name, extraction.pages) == (kind, rule)


def test_kind_rule_on_the_first_page_when_the_title_says_nothing(lexicon):
    from ingest.documents.extraction import Page

    pages = [Page(1, "Introduction\n\nLe présent contrat de ville couvre les quartiers prioritaires.")]
    assert classify_kind(lexicon, "Document de travail", "doc.md", pages) == (
        "contrat_de_ville",
        "debut_presente_contrat_de_ville",
    )


def test_progress_statements_attach_to_dispositif_or_action(lexicon):
    _, _, _, mentions = _facts(lexicon, FORMATS / "calpae_exemple.md")
    progress = sorted(
        (m.code_entite, m.annee, m.objet_type, m.objet_code, m.objet_libelle)
        for m in mentions
        if m.type_entite == "avancement"
    )
    assert progress == [
        ("abandonne", 2022, "action", None, "L'action « garage solidaire »"),
        ("en_cours", 2023, "action", None, "les maraudes de l'aller-vers"),
        ("realise", 2021, "dispositif", "SPIE", "Service public de l'insertion et de l'emploi (SPIE)"),
    ]
    _, _, _, mentions = _facts(lexicon, FORMATS / "pdi_exemple.pdf")
    progress = sorted(
        (m.code_entite, m.annee, m.objet_code) for m in mentions if m.type_entite == "avancement"
    )
    assert progress == [("prevu", 2025, None), ("realise", 2023, "PTI")]


def test_epci_names_are_territories_and_actors(lexicon):
    _, _, _, mentions = _facts(lexicon, FORMATS / "diagnostic_exemple.html")
    assert ("territoire", "200057875") in {(m.type_entite, m.code_entite) for m in mentions}
    assert ("acteur", "EPCI_200057875") in {(m.type_entite, m.code_entite) for m in mentions}
    assert {"93008", "93010"} <= {m.code_entite for m in mentions if m.niveau == "commune"}


def test_years_skip_law_numbers():
    assert [y for y, _ in find_years("loi n° 2014-173 ; instruction n°2022/83 ; PDI 2024-2028")] == [
        2024,
        2028,
    ]


def test_another_departement_name_does_not_yield_a_local_commune(data_dir):
    from ingest.documents.extraction import Page
    from ingest.documents.passages import split_pages

    reunion = load_lexicon(territory_entries(None, data_dir, "974"))
    page = Page(
        1, "Le Conseil général de la Seine Saint-Denis a écrit à la mairie de Saint-Denis (La Réunion)."
    )
    facts = analyse_page(reunion, page, split_pages([page], pdf=False))
    territories = [(m.code_entite, m.texte_trouve) for m in facts.mentions if m.type_entite == "territoire"]
    # « Seine Saint-Denis » is the 93, skipped; La Réunion is both the département and the région
    assert territories == [("97411", "Saint-Denis"), ("974", "La Réunion"), ("04", "La Réunion")]


def test_future_and_past_statements_in_one_sentence(lexicon):
    from ingest.documents.extraction import Page

    page = Page(
        1,
        "Le futur PDI sera adopté en 2025 ; la convention avec France Travail a été signée en 2024. "
        "Le PTI adopté en 2021 est évalué chaque année.",
    )
    facts = analyse_page(lexicon, page, split_pages([page], pdf=False))
    progress = [
        (m.code_entite, m.annee, m.objet_code) for m in facts.mentions if m.type_entite == "avancement"
    ]
    assert progress == [
        ("prevu", 2025, "PDI"),
        ("realise", 2024, "CONVENTION_FRANCE_TRAVAIL"),
        ("realise", 2021, "PTI"),
    ]
