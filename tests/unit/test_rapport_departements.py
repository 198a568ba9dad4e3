"""The report of départements whose data has gaps, as rendering every département of the snapshot
(``python -m rapport --tous``) met them: an axis without any ranked priority, maps where no commune
has a value, no commune geometry, no population, overseas collectivities."""

from __future__ import annotations

import copy
import csv
import gzip
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _priorites_lignes  # noqa: E402

from rapport.contexte import COLLECTIVITES_OUTRE_MER  # noqa: E402
from rapport.production import produire_rapport  # noqa: E402
from rapport.rendu import chromium, rendre_rapport  # noqa: E402
from socle.ponderations import DEFAULT_PATH, load_ponderations  # noqa: E402

RACINE = Path(tempfile.mkdtemp(prefix="pacte-rapport-lacunes-"))


def _texte(noeud) -> str:
    return re.sub(r"\s+", " ", noeud.get_text(" ")).strip()


@pytest.fixture(scope="module")
def entrepot() -> Path:
    return _priorites_lignes.entrepot_priorites(RACINE)


@pytest.fixture(scope="module")
def lacunaire(entrepot) -> Path:
    """The hand-made warehouse with the gaps met on the snapshot: axis A1 without any ranked
    priority (nor lead), no commune-level need/supply gap, no population for the département."""
    chemin = RACINE / "lacunaire.duckdb"
    shutil.copy(entrepot, chemin)
    con = duckdb.connect(str(chemin))
    try:
        con.execute(
            "update marts.priorites set rang_axe = null, score = null, donnees_suffisantes = false, "
            "raison = 'indice de besoin absent' where code_axe = 'A1'"
        )
        for table in ("pistes_acteurs", "pistes_preuves"):
            con.execute(
                f"delete from marts.{table} where id_piste in "
                "(select id_piste from marts.pistes where code_axe = 'A1')"
            )
        con.execute("delete from marts.pistes where code_axe = 'A1'")
        con.execute("update marts.ecarts set ecart = null where niveau = 'commune'")
        con.execute("update marts.territoires set population = null where niveau = 'departement'")
    finally:
        con.close()
    return chemin


def _rapport(entrepot: Path, dossier: Path, geo_dir: Path) -> dict:
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        return produire_rapport(con, "93", dossier, geo_dir, load_ponderations(DEFAULT_PATH), pdf=False)
    finally:
        con.close()


@pytest.fixture(scope="module")
def complet(entrepot, data_dir) -> dict:
    return _rapport(entrepot, RACINE / "complet", data_dir / "geo")


@pytest.fixture(scope="module")
def rapport_lacunaire(lacunaire, data_dir) -> dict:
    return _rapport(lacunaire, RACINE / "lacunaire", data_dir / "geo")


def _page(rapport: dict) -> BeautifulSoup:
    return BeautifulSoup(rapport["fichiers"]["html"].read_text(encoding="utf-8"), "html.parser")


def test_map_caption_says_first_priority_only_when_the_axis_has_one(complet, rapport_lacunaire):
    for rapport in (complet, rapport_lacunaire):
        for section in _page(rapport).select("section.synthese"):
            legende = section.find("figcaption")
            if legende is None:
                continue
            classee = "Aucune priorité classée" not in _texte(section.find(class_="priorites"))
            assert ("première priorité de l'axe" in legende.get_text()) == classee, _texte(legende)
    a1 = _page(rapport_lacunaire).find("section", id="synthese-A1")
    assert "Aucune priorité classée" in _texte(a1)
    assert "aucune priorité classée sur l'axe" in _texte(a1.find("figcaption"))


def test_a_map_without_any_commune_value_is_named_not_drawn(complet, rapport_lacunaire):
    titres_complet = [_texte(c.find("title")) for c in _page(complet).select("svg.carte")]
    assert any(t.startswith("Écart besoin / offre") for t in titres_complet)
    page = _page(rapport_lacunaire)
    for carte in page.select("svg.carte"):
        communes = [p.find("title").get_text() for p in carte.select("g.communes path")]
        assert not all(t.endswith("donnée absente") for t in communes), _texte(carte.find("title"))
        assert not _texte(carte.find("title")).startswith("Écart besoin / offre")
    notes = [_texte(p) for p in page.select("section.axe p.insuffisant")]
    assert any(n.startswith("Carte non tracée – Écart besoin / offre") for n in notes), notes
    # the need maps still draw
    assert any(_texte(c.find("title")).startswith("Indice de besoin") for c in page.select("svg.carte"))


def test_a_departement_without_population_says_so(rapport_lacunaire):
    page = _page(rapport_lacunaire)
    couverture = _texte(page.find("section", id="couverture"))
    assert "population non disponible – 3 communes – région Île-de-France" in couverture
    portrait = _texte(page.find("section", id="portrait").find("p"))
    assert portrait.startswith("Seine-Saint-Denis compte 3 communes ; sa population n'est pas disponible")
    assert "– habitants" not in couverture + portrait


def test_no_geometry_for_the_departement_is_stated(entrepot, tmp_path):
    geo = tmp_path / "geo"
    geo.mkdir()
    with gzip.open(geo / "communes_france_cog2026_simplifie.geojson.gz", "wt", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": []}, f)
    rapport = _rapport(entrepot, tmp_path / "sortie", geo)
    page = _page(rapport)
    assert not page.select("svg.carte")
    portrait = _texte(page.find("section", id="portrait"))
    assert (
        "Cartes indisponibles : le fond de carte" in portrait
        and "aucune commune du territoire 93" in portrait
    )


def test_overseas_collectivities_are_the_com_of_the_cog(data_dir):
    with open(data_dir / "cog" / "departements_2026.csv", encoding="utf-8-sig", newline="") as handle:
        com = {row["dep"] for row in csv.DictReader(handle) if row["zone"] == "com"}
    assert com == COLLECTIVITES_OUTRE_MER


def test_an_overseas_collectivity_is_not_called_a_region_and_one_commune_is_singular(complet):
    contexte = copy.deepcopy(complet["contexte"])
    assert contexte["departement"]["collectivite_outre_mer"] is False
    contexte["departement"].update(
        code="989",
        libelle="Île de Clipperton",
        libelle_region="Île de Clipperton",
        population=None,
        collectivite_outre_mer=True,
    )
    contexte.update(nb_communes=1, communes_qpv=1)
    page = BeautifulSoup(rendre_rapport(contexte), "html.parser")
    couverture = _texte(page.find("section", id="couverture"))
    assert "population non disponible – 1 commune – collectivité d'outre-mer" in couverture
    assert "région" not in couverture
    portrait = _texte(page.find("section", id="portrait").find("p"))
    assert "compte 1 commune ;" in portrait and "dont 1 compte au moins" in portrait


@pytest.fixture(scope="module")
def manifest() -> Path:
    from orchestration.manifest import ensure_manifest

    return ensure_manifest()  # the dictionary page reads it


def _commande(entrepot: Path, sortie: Path, monkeypatch, *args: str) -> int:
    from rapport.__main__ import main

    monkeypatch.setenv("PACTE_WAREHOUSE", str(entrepot))
    monkeypatch.setenv("PACTE_OUTPUT", str(sortie))
    return main(list(args))


@pytest.mark.skipif(chromium() is None, reason="no Chromium (Debian package 'chromium'): PDF not tested")
def test_command_prints_the_pdf_in_the_background_and_waits_for_it(
    entrepot, manifest, tmp_path, monkeypatch, capsys
):
    assert _commande(entrepot, tmp_path, monkeypatch, "--departement", "93") == 0
    sortie = tmp_path / "93"
    assert (sortie / "rapport_diagnostic.pdf").read_bytes().startswith(b"%PDF")
    assert (sortie / "kit" / "diagnostic_93.xlsx").exists() and (
        tmp_path / "dictionnaire" / "index.html"
    ).exists()
    assert re.search(r"^rapport: 93 pdf \d+\.\d s$", capsys.readouterr().out, re.M)


def test_command_says_in_french_why_there_is_no_pdf_when_chromium_is_absent(
    entrepot, manifest, tmp_path, monkeypatch, capsys
):
    import rapport.rendu

    monkeypatch.setattr(rapport.rendu, "chromium", lambda: None)
    assert _commande(entrepot, tmp_path, monkeypatch, "-d", "93") == 0
    assert (tmp_path / "93" / "rapport_diagnostic.html").exists()
    assert not (tmp_path / "93" / "rapport_diagnostic.pdf").exists()
    erreurs = capsys.readouterr().err
    assert "PDF du rapport non produit : Chromium est absent" in erreurs
    assert "apt-get install chromium" in erreurs and "python -m rapport --departement 93" in erreurs


def test_command_fails_when_a_pdf_is_not_printed_and_leaves_no_older_pdf(
    entrepot, manifest, tmp_path, monkeypatch, capsys
):
    faux = tmp_path / "chromium_en_panne"
    faux.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    faux.chmod(0o755)
    monkeypatch.setenv("PACTE_CHROMIUM", str(faux))
    ancien = tmp_path / "sortie" / "93" / "rapport_diagnostic.pdf"
    ancien.parent.mkdir(parents=True)
    ancien.write_bytes(b"%PDF of an older report")
    assert _commande(entrepot, tmp_path / "sortie", monkeypatch, "-d", "93") == 1
    assert not ancien.exists()
    assert (tmp_path / "sortie" / "93" / "rapport_diagnostic.html").exists()
    sorties = capsys.readouterr()
    assert "rapport: 93 pdf" in sorties.out and "FAILED" in sorties.out
    assert "PDF non imprimé pour 93" in sorties.err
