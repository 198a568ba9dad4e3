"""Folding, alias patterns, sentences and passages (ingest.documents.texte / passages / lexiques)."""

from __future__ import annotations

import re

import pytest

from ingest.documents.extraction import Page
from ingest.documents.lexiques import Entry, Matcher
from ingest.documents.passages import split_pages
from ingest.documents.texte import alias_pattern, clean_passage, fold, split_sentences


def _found(alias: str, text: str, case: bool = False, hyphen: bool = False) -> list[str]:
    matcher = Matcher([Entry("X", "X", alias, case)], hyphen_boundary=hyphen)
    return [m.text for m in matcher.find(fold(text))]


def test_fold_keeps_offsets_through_ligatures_and_quotes():
    text = "Le cœur d’Île-de-France"
    folded = fold(text)
    assert folded.folded == "Le coeur d'Ile-de-France"
    start = folded.folded.index("Ile")
    a, b = folded.span(start, start + 3)
    assert text[a:b] == "Île"
    a, b = folded.span(3, 8)
    assert text[a:b] == "cœur"


@pytest.mark.parametrize(
    ("alias", "text", "expected"),
    [
        ("mission locale", "les Missions Locales du 93", ["Missions Locales"]),
        ("conseil départemental", "les conseils départementaux", ["conseils départementaux"]),
        ("conseil départemental", "le Conseil Departemental", ["Conseil Departemental"]),
        ("aller-vers", "une démarche d'aller vers les publics", ["aller vers"]),
        (
            "caisse d'allocations familiales",
            "la caisse d’allocations familiales",
            ["caisse d’allocations familiales"],
        ),
        ("Pôle emploi", "inscrit à pôle-emploi", ["pôle-emploi"]),
    ],
)
def test_aliases_ignore_accents_plurals_case_and_spacing(alias, text, expected):
    assert _found(alias, text) == expected


def test_acronyms_keep_their_case():
    assert _found("CAF", "la CAF et les CAFs, pas la caf ni CAFE", case=True) == ["CAF", "CAFs"]
    assert _found("ASE", "les jeunes de l'ASE ; une base ; ASEPTISÉ", case=True) == ["ASE"]


def test_territory_boundaries_do_not_cut_hyphenated_names():
    assert _found("Saint-Denis", "la Seine-Saint-Denis et Saint-Denis", case=True, hyphen=True) == [
        "Saint-Denis"
    ]
    assert _found("Montreuil", "Montreuil-sous-Bois et Montreuil", case=True, hyphen=True) == ["Montreuil"]


def test_regex_alias_and_longest_match_wins():
    matcher = Matcher(
        [
            Entry("INS", "insertion", "insertion", False),
            Entry("IAE", "IAE", "insertion par l'activité économique", False),
            Entry("FT", "FT", r"re:institution mentionnee a l'article l\.?\s?5312-1", False),
        ]
    )
    found = matcher.find(
        fold(
            "L'insertion par l'activité économique ; l'institution mentionnée à l'article "
            "L. 5312-1 ; l'insertion."
        )
    )
    assert [(m.entries[0].code, m.text) for m in found] == [
        ("IAE", "insertion par l'activité économique"),
        ("FT", "institution mentionnée à l'article L. 5312-1"),
        ("INS", "insertion"),
    ]


def test_urls_and_emails_are_not_matched():
    assert _found("insertion", "voir https://www.rdv-insertion.fr/ ou insertion@exemple.fr") == []


def test_invalid_regex_alias_is_reported():
    from ingest.documents.lexiques import LexiconError

    with pytest.raises(LexiconError, match="invalid pattern"):
        Matcher([Entry("X", "X", "re:(oops", False)])


def test_alias_pattern_is_a_valid_regex_for_every_seed_alias():
    import csv

    from ingest.documents.lexiques import SEEDS_DIR

    for name in ("gazetteer_acteurs.csv", "gazetteer_dispositifs.csv"):
        with open(SEEDS_DIR / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                re.compile(alias_pattern(row["alias"], row["sensible_casse"] == "true"))


def test_sentences_respect_abbreviations_and_initials():
    text = "M. Martin a lu l'art. L. 263-2. Le PDI est adopté ! Puis la suite… Fin"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "M. Martin a lu l'art. L. 263-2.",
        "Le PDI est adopté !",
        "Puis la suite…",
        "Fin",
    ]


def test_clean_passage_joins_hyphenation_and_drops_markdown():
    raw = "> **Le pacte** associe la [région](https://x.fr)\n> et l'inser-\ntion des jeunes"
    assert clean_passage(raw) == "Le pacte associe la région et l'insertion des jeunes"


def test_markdown_passages_keep_offsets_and_flag_quotes():
    text = "## Titre\n\nPremier paragraphe\nsur deux lignes.\n\n> « Une citation. »\n\n- un point\n- un autre"
    passages = split_pages([Page(1, text, "Titre")], pdf=False)
    assert [p.texte for p in passages] == [
        "Titre",
        "Premier paragraphe sur deux lignes.",
        "« Une citation. »",
        "un point",
        "un autre",
    ]
    assert [p.est_citation for p in passages] == [False, False, True, False, False]
    for passage in passages:
        assert clean_passage(text[passage.debut : passage.fin]) == passage.texte


def test_pdf_passages_drop_running_headers_and_split_paragraphs():
    topics = ["logement", "emploi", "santé", "mobilité", "formation"]
    pages = [
        Page(
            n,
            (
                f"RAPPORT ANNUEL 2023 {n}\n"
                f"Premier paragraphe sur le {topic} qui se poursuit sur une ligne assez longue\n"
                "et se termine ici.\n"
                f"Second paragraphe sur le {topic} qui commence par une majuscule et dure\n"
                "encore un peu avant de finir.\n"
                f"LES CHIFFRES DU {topic.upper()}\n"
                f"Le {topic} concerne 1 200 personnes suivies.\n"
                f"Page {n} sur 5"
            ),
        )
        for n, topic in enumerate(topics, start=1)
    ]
    passages = split_pages(pages, pdf=True)
    assert all("RAPPORT ANNUEL" not in p.texte and "sur 5" not in p.texte for p in passages)
    assert [p.texte for p in passages if p.page == 3] == [
        "Premier paragraphe sur le santé qui se poursuit sur une ligne assez longue et se termine ici.",
        "Second paragraphe sur le santé qui commence par une majuscule et dure encore un peu avant de finir.",
        "LES CHIFFRES DU SANTÉ",
        "Le santé concerne 1 200 personnes suivies.",
    ]


def test_long_paragraphs_are_cut_into_sentences_with_offsets():
    sentence = "Le département finance l'insertion des allocataires du revenu de solidarité active. "
    text = sentence * 12
    passages = split_pages([Page(1, text)], pdf=False)
    assert len(passages) == 12
    assert all(text[p.debut : p.fin] == sentence.strip() for p in passages)
