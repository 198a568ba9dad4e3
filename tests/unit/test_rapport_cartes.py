"""Offline SVG maps: projection, classes, secrecy, escaping, real geometry of the snapshot."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from rapport.cartes import (
    carte_choroplethe,
    classe_de,
    classes_quantiles,
    communes_departement,
    format_nombre,
)

CARRE = {
    "type": "Polygon",
    "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.1], [2.0, 48.0]]],
}
AUTRE = {"type": "MultiPolygon", "coordinates": [[[[2.1, 48.0], [2.2, 48.0], [2.2, 48.1], [2.1, 48.0]]]]}


def test_quantile_classes_cover_all_values():
    valeurs = [5.0, 1.0, 3.0, 9.0, 7.0, 2.0]
    bornes = classes_quantiles(valeurs, 3)
    assert bornes[-1] == 9.0 and bornes == sorted(bornes)
    assert [classe_de(v, bornes) for v in (1.0, 9.0)] == [0, len(bornes) - 1]
    assert classes_quantiles([]) == []


def test_french_numbers():
    assert format_nombre(1704316, 0) == "1\u202f704\u202f316"
    assert format_nombre(0.25, 2) == "0,25"


def test_secret_and_missing_communes_are_drawn_grey_and_white_without_a_number():
    communes = [
        {"code": "93001", "nom": "A", "geometry": CARRE},
        {"code": "93008", "nom": "B", "geometry": AUTRE},
        {"code": "93066", "nom": "C", "geometry": CARRE},
    ]
    svg = carte_choroplethe(
        communes,
        {"93001": 12.0, "93008": None, "93066": None},
        titre="Taux",
        source="Source : INSEE, Filosofi 2021",
        unite="%",
        secrets={"93008"},
    )
    soupe = BeautifulSoup(str(svg), "html.parser")
    secret = soupe.find("path", attrs={"data-commune": "93008"})
    assert secret["fill"] == "#bdbdbd" and secret.title.get_text().endswith("secret statistique")
    absente = soupe.find("path", attrs={"data-commune": "93066"})
    assert absente.title.get_text().endswith("donnée absente")
    legende = soupe.find("g", class_="legende").get_text(" ")
    assert "secret statistique" in legende and "donnée absente" in legende
    assert "Source : INSEE, Filosofi 2021" in soupe.get_text()


def test_names_and_titles_are_escaped():
    communes = [{"code": "93001", "nom": "<script>x</script>", "geometry": CARRE}]
    svg = str(carte_choroplethe(communes, {"93001": 1.0}, titre="<b>t</b>", source="s & t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg and "s &amp; t" in svg


def test_real_geometry_of_93_and_of_another_departement(data_dir):
    communes_93 = communes_departement(data_dir / "geo", "93")
    assert len(communes_93) == 39 and {"93066", "93001"} <= {c["code"] for c in communes_93}
    communes_23 = communes_departement(data_dir / "geo", "23")
    assert len(communes_23) > 200 and all(c["code"].startswith("23") for c in communes_23)
    svg = str(carte_choroplethe(communes_23, {c["code"]: 1.0 for c in communes_23}, titre="t", source="s"))
    assert svg.count("<path") == len(communes_23)


def _carres(n: int) -> list[dict]:
    """``n`` communes side by side, 0.05° squares, the k-th with a population of 1000 × (k + 1)."""
    return [
        {
            "code": f"93{k:03d}",
            "nom": f"Commune {k}",
            "population": 1000.0 * (k + 1),
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [2.0 + 0.05 * k, 48.0],
                        [2.05 + 0.05 * k, 48.0],
                        [2.05 + 0.05 * k, 48.05],
                        [2.0 + 0.05 * k, 48.05],
                        [2.0 + 0.05 * k, 48.0],
                    ]
                ],
            },
        }
        for k in range(n)
    ]


def _rvb(couleur: str) -> tuple[int, int, int]:
    return tuple(int(couleur[i : i + 2], 16) for i in (1, 3, 5))


def test_the_diverging_palette_is_centred_on_the_france_value():
    from rapport.cartes import COULEUR_ABSENT, PALETTE_DIVERGENTE, classe_centree, classes_centrees

    # colour-blind-safe diverging scheme: lightest at the centre, darker step by step on each
    # side, blue under the reference and red above, none of them white (white is « absent »)
    clarte = [sum(_rvb(c)) for c in PALETTE_DIVERGENTE]
    moitie = len(PALETTE_DIVERGENTE) // 2
    assert clarte[:moitie] == sorted(clarte[:moitie]) and clarte[moitie:] == sorted(
        clarte[moitie:], reverse=True
    )
    assert all(_rvb(c)[2] > _rvb(c)[0] for c in PALETTE_DIVERGENTE[:moitie])
    assert all(_rvb(c)[0] > _rvb(c)[2] for c in PALETTE_DIVERGENTE[moitie:])
    assert COULEUR_ABSENT not in PALETTE_DIVERGENTE and min(clarte) > 0 and max(clarte) < 3 * 245
    # 100 is the middle bound and the steps are symmetric around it
    bornes = classes_centrees([55.0, 98.0, 131.0, 176.0], 100)
    assert len(bornes) + 1 == len(PALETTE_DIVERGENTE) and bornes[len(bornes) // 2] == 100
    for k in range(1, len(bornes) // 2 + 1):
        assert 100 - bornes[len(bornes) // 2 - k] == pytest.approx(bornes[len(bornes) // 2 + k] - 100)
    assert classe_centree(99.9, bornes) == moitie - 1 and classe_centree(100.0, bornes) == moitie
    # even when every commune is above the reference, 100 stays the centre (not the median)
    assert classes_centrees([120.0, 140.0, 175.0], 100)[2] == 100


def test_an_index_map_colours_each_side_of_france_and_says_what_the_centre_is():
    from rapport.cartes import PALETTE_DIVERGENTE

    communes = _carres(5)
    valeurs = {"93000": 40.0, "93001": 85.0, "93002": 100.0, "93003": 125.0, "93004": 170.0}
    svg = carte_choroplethe(
        communes,
        valeurs,
        titre="Indice de besoin (100 = France)",
        source="Source : INSEE",
        decimales=0,
        centre=100,
        libelle_centre="100 = valeur de la France",
    )
    soupe = BeautifulSoup(str(svg), "html.parser")
    rang = {p["data-commune"]: PALETTE_DIVERGENTE.index(p["fill"]) for p in soupe.select("g.communes path")}
    assert rang["93000"] < rang["93001"] < 3 <= rang["93002"] < rang["93003"] < rang["93004"]
    legende = [t.get_text() for t in soupe.select("g.legende text")]
    assert legende[0] == "100 = valeur de la France"
    # high values first, as on the Observatoire des territoires maps
    assert legende[1].endswith("et plus") and legende[-1].startswith("moins de")
    assert "de 75 à 100" in legende and "de 100 à 125" in legende


def _taille(noeud) -> float:
    """The font size a text element gets (its own or its nearest ancestor's)."""
    while noeud is not None and noeud.name != "[document]":
        if noeud.get("font-size"):
            return float(noeud["font-size"])
        noeud = noeud.parent
    return 16.0  # the browser default


def test_every_text_of_a_map_prints_at_8_pt_or_more(data_dir):
    from rapport.cartes import LARGEUR_IMPRIMABLE_PT, TAILLE_MIN_PT

    communes = communes_departement(data_dir / "geo", "93")
    for svg in (
        carte_choroplethe(
            communes,
            {c["code"]: float(i) for i, c in enumerate(communes)},
            titre="Taux de pauvreté " * 6,
            source="Source : INSEE, Filosofi 2021 ; géométrie IGN ADMIN EXPRESS, COG 2026 " * 2,
            unite="%",
            secrets={communes[0]["code"]},
        ),
        carte_choroplethe(
            communes, {c["code"]: 100.0 + i for i, c in enumerate(communes)}, "t", "s", centre=100
        ),
    ):
        racine = BeautifulSoup(str(svg), "html.parser").svg
        # one user unit prints as one point: the size in pt is the view box, narrower than A4's text
        largeur = float(racine["viewbox"].split()[2])
        assert racine["width"] == f"{largeur:.0f}pt" and largeur <= LARGEUR_IMPRIMABLE_PT
        assert racine["height"] == f"{float(racine['viewbox'].split()[3]):.0f}pt"
        textes = racine.find_all("text")
        assert textes and all(_taille(t) >= TAILLE_MIN_PT for t in textes)
        assert all(_taille(t) >= 9 for t in racine.select("g.legende text"))


def test_the_most_populated_communes_are_named_without_overlap(data_dir):
    communes = communes_departement(data_dir / "geo", "93")
    svg = carte_choroplethe(communes, {c["code"]: 1.0 for c in communes}, titre="t", source="s", etiquettes=6)
    soupe = BeautifulSoup(str(svg), "html.parser")
    noms = [t.get_text() for t in soupe.select("g.noms-communes text")]
    plus_peuplees = [c["nom"] for c in sorted(communes, key=lambda c: -c["population"])]
    assert noms[:2] == plus_peuplees[:2] == ["Saint-Denis", "Montreuil"]
    assert 4 <= len(noms) <= 6 and set(noms) <= set(plus_peuplees[:12])
    boites = [
        (float(r["x"]), float(r["y"]), float(r["x"]) + float(r["width"]), float(r["y"]) + float(r["height"]))
        for r in soupe.select("g.noms-communes rect")
    ]
    for i, a in enumerate(boites):
        for b in boites[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # without populations (other départements' geometry has none), no name is guessed
    anonymes = [{**c, "population": None} for c in communes]
    assert not BeautifulSoup(str(carte_choroplethe(anonymes, {}, "t", "s")), "html.parser").select(
        "g.noms-communes text"
    )


def test_docstring_examples():
    import doctest

    import rapport.cartes

    resultat = doctest.testmod(rapport.cartes, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert resultat.attempted > 0 and resultat.failed == 0
