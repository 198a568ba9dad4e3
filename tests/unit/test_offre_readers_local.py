"""The analysts' local offer template: validation on load, quarantine with file, line and field."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from ingest.offre import local

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offre"
INBOX = FIXTURES / "local"
DATA = FIXTURES / "data"  # holds the v1 referentiels
TEMPLATE = ROOT / "templates" / "offre_locale.csv"


def _quarantine(result):
    return [(Path(q.source_file).name, q.line, q.field, q.reason) for q in result.quarantine]


def test_local_files_are_validated_line_by_line():
    structures, services = local.read_local_inbox(INBOX, DATA)
    assert structures.table_name == "offre_structures__local"
    assert services.table_name == "offre_services__local"
    assert _quarantine(structures) == [
        ("offre_locale_93.csv", 2, "id_local",
         "duplicate id 'local-93--EPI-01' (first seen in complement.csv line 2)"),
        ("offre_locale_93.csv", 5, "thematiques", "empty value in a required field"),
        ("offre_locale_93.csv", 6, "thematiques", "unknown Thematique or Categorie code(s): famille--creche"),
        ("offre_locale_93.csv", 7, "latitude/longitude", "latitude out of range [-90, 90]: 148.9"),
        ("offre_locale_93.csv", 8, "code_insee", "not an INSEE commune code: '9300'"),
        ("offre_locale_93.csv", 9, "siret", "invalid SIRET '44436604100029': wrong check digit (Luhn)"),
        ("offre_locale_93.csv", 10, "nom", "empty value in a required field"),
        ("offre_locale_93.csv", 11, "code_insee",
         "place in département 75, outside the folder's département 93"),
        ("offre_locale_93.csv", 12, "source_locale",
         "example line of the template (source_locale = exemple): delete it or give the real source"),
        ("offre_locale_93.csv", 13, "", "expected 22 fields, found 8"),
        ("offre_locale", 0, "",
         "folder '9X' is not a département code (e.g. 93, 2A, 974): its files are not read"),
    ]
    assert services.quarantine == []  # a rejected line is reported once, against the structures
    assert list(structures.frame["id"]) == [
        "local-93--EPI-01", structures.frame["id"].iloc[1], "local-93--PMI-01", "local-93--CRE-01",
        "local-93--PCB-01", "local-93--PCB-03"]
    assert structures.frame["id"].iloc[1].startswith("local-93--")  # derived when id_local is empty
    assert list(services.frame["structure_id"]) == list(structures.frame["id"])
    assert list(services.frame["id"]) == [f"{i}--service" for i in structures.frame["id"]]


def test_good_local_lines_are_kept_as_written():
    structures, services = local.read_local_inbox(INBOX, DATA)
    places = structures.frame.set_index("id")
    offers = services.frame.set_index("structure_id")
    epicerie = places.loc["local-93--EPI-01"]
    assert (epicerie["nom"], epicerie["code_insee"], epicerie["typologie"], epicerie["departement"],
            epicerie["fichier"], epicerie["source_locale"]) == (
        "Épicerie sociale en double", "93008", "ES", "93", "complement.csv", "CCAS de Bobigny, 2025")
    pmi = places.loc["local-93--PMI-01"]
    assert (pmi["latitude"], pmi["longitude"], str(pmi["date_maj"])) == (48.9362, 2.3574, "2025-01-15")
    assert list(pmi["reseaux_porteurs"]) == ["departements"]
    pmi_service = offers.loc["local-93--PMI-01"]
    assert list(pmi_service["thematiques"]) == ["famille--soutien-a-la-parentalite-et-a-leducation",
                                                "sante--acces-aux-soins"]
    assert pmi_service["nom"] == "Centre de PMI Pierre Sémard"  # no nom_service: the place's name
    creche = places.loc["local-93--CRE-01"]
    assert (creche["capacite"], creche["siret"], list(creche["reseaux_porteurs"])) == (
        60, "21930048000015", ["communes"])
    assert offers.loc["local-93--CRE-01", "nom"] == "Accueil du jeune enfant"
    budget = places.loc["local-93--PCB-01"]
    assert structures.frame.set_index("id").isna().loc["local-93--PCB-01", "siret"]  # bad SIRET: kept, NULL
    assert (budget["code_postal"], budget["commune"]) == ("93140", "Bondy")  # place without commune code
    assert list(offers.loc["local-93--PCB-01", "modes_accueil"]) == ["en-presentiel", "a-distance"]
    assert places.loc["local-93--PCB-03", "code_insee"] == "75056"  # kept, with a quarantine note


def test_the_template_is_documented_and_its_examples_are_never_loaded(tmp_path):
    with open(TEMPLATE, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == local.TEMPLATE_COLUMNS
    assert len(rows) >= 5 and all(len(r) == len(rows[0]) for r in rows)
    doc = (ROOT / "docs" / "offre_saisie_locale.md").read_text(encoding="utf-8")
    for column in local.TEMPLATE_COLUMNS:
        assert f"`{column}`" in doc, f"column {column} is not documented"

    folder = tmp_path / "inbox" / "93" / "offre_locale"
    folder.mkdir(parents=True)
    shutil.copy(TEMPLATE, folder / "modele.csv")
    structures, services = local.read_local_inbox(tmp_path / "inbox", DATA)
    assert structures.rows == services.rows == 0
    assert {q.field for q in structures.quarantine} == {"source_locale"}
    assert len(structures.quarantine) == len(rows) - 1

    # the same lines with a real source all load: the examples are valid lines
    real = TEMPLATE.read_text(encoding="utf-8").replace(";exemple;", ";Conseil départemental;")
    (folder / "modele.csv").write_text(real, encoding="utf-8")
    structures, services = local.read_local_inbox(tmp_path / "inbox", DATA)
    assert structures.quarantine == [] and structures.rows == services.rows == len(rows) - 1


def test_no_local_file_is_not_an_error(tmp_path):
    structures, services = local.read_local_inbox(tmp_path / "absent", DATA)
    assert structures.rows == 0 and structures.quarantine == [] and services.rows == 0
    assert list(structures.frame.columns)[-2:] == ["source_locale", "fichier"]


def test_a_file_without_the_template_header_is_rejected_whole(tmp_path):
    folder = tmp_path / "974" / "offre_locale"
    folder.mkdir(parents=True)
    (folder / "notes.csv").write_text("nom;commune\nÉpicerie;Saint-Denis\n", encoding="utf-8")
    structures, _ = local.read_local_inbox(tmp_path, DATA)
    assert structures.rows == 0
    [entry] = structures.quarantine
    assert entry.line == 0 and entry.reason.startswith("missing column(s) id_local, siret, typologie")


def test_corsica_and_overseas_folders(tmp_path):
    header = ";".join(local.TEMPLATE_COLUMNS)
    line = ("{id};Épicerie;;ES;;;;equipement-et-alimentation--alimentation;;;;;;{code};{cp};{commune};;;;;"
            "Mairie;2025-01-01")
    places = [("2A", "2A004", "20000", "Ajaccio"), ("974", "97411", "97400", "Saint-Denis")]
    for dep, code, cp, commune in places:
        folder = tmp_path / dep / "offre_locale"
        folder.mkdir(parents=True)
        (folder / "offre.csv").write_text(
            f"{header}\n{line.format(id='E1', code=code, cp=cp, commune=commune)}\n", encoding="utf-8")
    structures, _ = local.read_local_inbox(tmp_path, DATA)
    assert structures.quarantine == []
    assert sorted(structures.frame["id"]) == ["local-2A--E1", "local-974--E1"]
    assert sorted(structures.frame["departement"]) == ["2A", "974"]


@pytest.mark.parametrize("name", ["093", "9x", "inbox"])
def test_folder_names_must_be_departement_codes(tmp_path, name):
    folder = tmp_path / name / "offre_locale"
    folder.mkdir(parents=True)
    shutil.copy(INBOX / "93" / "offre_locale" / "complement.csv", folder / "offre.csv")
    structures, _ = local.read_local_inbox(tmp_path, DATA)
    assert structures.rows == 0
    assert [(q.line, q.reason.split(":")[0]) for q in structures.quarantine] == [
        (0, f"folder {name!r} is not a département code (e.g. 93, 2A, 974)")]


def test_a_well_formed_commune_code_that_names_no_commune_is_rejected(tmp_path):
    """Issue 15 point 9: 93999 has the shape of a code but is no commune of the COG 2026."""
    header = ";".join(local.TEMPLATE_COLUMNS)
    line = ("{id};Épicerie;;ES;;;;equipement-et-alimentation--alimentation;;;;;;{code};93200;Saint-Denis;;;;;"
            "Mairie;2025-01-01")
    folder = tmp_path / "93" / "offre_locale"
    folder.mkdir(parents=True)
    (folder / "offre.csv").write_text(
        "\n".join([header, line.format(id="E1", code="93999"), line.format(id="E2", code="93066")]) + "\n",
        encoding="utf-8")
    structures, services = local.read_local_inbox(tmp_path, DATA)
    assert list(structures.frame["id"]) == ["local-93--E2"] and services.rows == 1
    (rejected,) = structures.quarantine
    assert (rejected.line, rejected.field) == (2, "code_insee")
    assert rejected.reason.startswith("code commune 93999 inexistant au COG 2026")
