"""Offline SVG maps: projection, classes, secrecy, escaping, real geometry of the snapshot."""

from __future__ import annotations

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
