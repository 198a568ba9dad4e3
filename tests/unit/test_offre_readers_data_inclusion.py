"""data·inclusion readers on real-format fixtures (real records plus broken ones)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from ingest.offre import data_inclusion as di

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offre" / "data"
EXPORT = FIXTURES / "data-inclusion" / "export-test"
REAL_EXPORT = Path("data-inclusion") / "export-reunion-2025"


def _quarantine(result):
    return [(q.line, q.field, q.reason) for q in result.quarantine]


def _records(path: Path) -> dict[str, dict]:
    text = path.read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        line = line.strip().rstrip(",")
        if line.startswith("{") and line.endswith("}"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            out.setdefault(record.get("Service ID"), record)
    return out


# --------------------------------------------------------------------------- export: structures


def test_export_structures_keep_good_rows_and_quarantine_broken_ones():
    result = di.read_export_structures(FIXTURES)
    assert result.table_name == "offre_structures__di_export"
    assert list(result.frame["id"]) == [
        "3c3b9edd-bfcd-4bbd-ada5-45ddf2ec5425", "c3af33f5-5c5a-488e-acc3-1587b0d67886",
        "Aidants-Connect_0aaabc4c-12a8-4fc1-a74f-0c82395f124e", "13583f39-6c89-471c-a6b4-292d6f306659",
        "structure-bad-insee",
    ]
    assert _quarantine(result) == [
        (30, "Code Insee", "not an INSEE commune code: '97-16'"),
        (37, "", "invalid JSON: Expecting ',' delimiter (line 40, column 5)"),
        (42, "ID", "empty value in a required field"),
    ]
    frame = result.frame.set_index("id")
    # good rows unchanged; the source comes from the services of the same export
    first = frame.loc["3c3b9edd-bfcd-4bbd-ada5-45ddf2ec5425"]
    assert (first["nom"], first["commune"], first["code_insee"], first["typologie"], first["source"]) == (
        "AGENCE ACTION LOGEMENT", "Saint-Denis", "97411", "Autre", "action-logement")
    assert frame.loc["c3af33f5-5c5a-488e-acc3-1587b0d67886", "source"] == "dora"
    aidants = "Aidants-Connect_0aaabc4c-12a8-4fc1-a74f-0c82395f124e"
    assert frame.loc[aidants, "source"] == "mediation-numerique"
    assert frame.isna().loc[aidants, "typologie"]  # "" → NULL
    assert frame.isna().loc["13583f39-6c89-471c-a6b4-292d6f306659", "source"]  # no service refers to it
    # the soft problem keeps the row with its other values
    bad = frame.loc["structure-bad-insee"]
    assert frame.isna().loc["structure-bad-insee", "code_insee"]
    assert (bad["nom"], bad["commune"], bad["typologie"]) == (
        "COMMUNE DE SAINT PIERRE MAIRIE", "Saint-Pierre", "MUNI")
    assert all(list(v) == [] for v in frame["reseaux_porteurs"])
    assert list(result.frame["_line"]) == [2, 9, 16, 23, 30]


# --------------------------------------------------------------------------- export: services


def test_export_services_parse_brace_lists_commas_and_restore_latitudes():
    result = di.read_export_services(FIXTURES)
    assert result.table_name == "offre_services__di_export"
    assert _quarantine(result) == [
        (7, "Thematiques", "not a brace list: '{famille,\"famille--garde-denfants}' (unterminated quotes)"),
        (8, "Long/Lat", "latitude out of range [-90, 90]: 121.331762"),
        (9, "", "invalid JSON: Expecting value (line 9, column 62)"),
        (10, "Service ID", "empty value in a required field"),
        (11, "id", "duplicate id '3c3b9edd-bfcd-4bbd-ada5-45ddf2ec5425-36697c70-c66a-4269-ade7-b9fa900dc87c' "
                   "(first seen at line 3)"),
        (12, "", "record is not an object but str"),
        (13, "Code Insee", "not an INSEE commune code: '974161'"),
    ]
    assert list(result.frame["_line"]) == [2, 3, 4, 5, 6, 7, 8, 13]
    frame = result.frame.set_index("id")
    raw = _records(EXPORT / "services.json")

    visale = frame.loc["3c3b9edd-bfcd-4bbd-ada5-45ddf2ec5425-07cd638d-725d-49e5-8338-3b5e0edd1031"]
    source = raw["3c3b9edd-bfcd-4bbd-ada5-45ddf2ec5425-07cd638d-725d-49e5-8338-3b5e0edd1031"]
    assert (visale["source"], visale["structure_id"], visale["nom"]) == (
        source["Source"], source["Structure ID"], source["Nom"])
    assert list(visale["thematiques"]) == [
        "mobilite--aides-a-la-reprise-demploi-ou-a-la-formation",
        "logement-hebergement--etre-accompagne-pour-se-loger", "mobilite--financer-mon-projet-mobilite"]
    assert list(visale["publics"]) == ["salaries", "jeunes", "locataires"]
    assert list(visale["modes_accueil"]) == ["en-presentiel", "a-distance"]
    assert (visale["longitude"], visale["latitude"], visale["coordonnees_corrigees"]) == (
        55.446522, -20.881455, True)
    assert (visale["annee_creation"], visale["maj_derniere_annee"]) == (2024, False)

    quoted = frame.loc["3c3b9edd-bfcd-4bbd-ada5-45ddf2ec5425-36697c70-c66a-4269-ade7-b9fa900dc87c"]
    assert "logement-hebergement--etre-accompagne-en cas-de-difficultes-financieres" in list(
        quoted["thematiques"])

    # no commune code: the postcode 97410 still places it in 974, so the sign is restored
    fredo = frame.loc["705f32ad-a9d2-6f5b-c31e-24e3532f3c90"]
    assert frame.isna().loc["705f32ad-a9d2-6f5b-c31e-24e3532f3c90", "code_insee"]
    assert (fredo["code_postal"], fredo["latitude"], fredo["coordonnees_corrigees"]) == (
        "97410", -21.331762, True)

    no_coordinates = "6507a289-42ea-47aa-9e78-460f90597a7b"
    assert frame.isna().loc[no_coordinates, "longitude"] and frame.isna().loc[no_coordinates, "latitude"]
    assert frame.loc[no_coordinates, "coordonnees_corrigees"] == False  # noqa: E712 (pyarrow boolean)
    assert frame.isna().loc[no_coordinates, "frais"]      # "" → NULL list
    assert list(frame.loc[no_coordinates, "publics"]) == []  # "{}" → empty list

    # soft problems keep the row: the broken list, the impossible latitude, the bad commune code
    assert frame.isna().loc["broken-brace-list", "thematiques"]
    assert list(frame.loc["broken-brace-list", "frais"]) == ["payant"]
    assert frame.isna().loc["broken-latitude", ["latitude", "longitude"]].all()
    assert frame.loc["broken-latitude", "coordonnees_corrigees"] == False  # noqa: E712
    assert frame.isna().loc["broken-code-insee", "code_insee"]
    assert frame.loc["broken-code-insee", "code_postal"] == "97410"


def test_export_services_read_the_same_from_gzip(tmp_path):
    target = tmp_path / "data-inclusion" / "export-test"
    target.mkdir(parents=True)
    shutil.copy(EXPORT / "structures.json", target / "structures.json")
    with open(EXPORT / "services.json", "rb") as source, gzip.open(target / "services.json.gz", "wb") as out:
        out.write(source.read())
    plain = di.read_export_services(FIXTURES)
    zipped = di.read_export_services(tmp_path)
    assert zipped.frame.equals(plain.frame)
    assert _quarantine(zipped) == _quarantine(plain)
    assert zipped.source.source_file.endswith("services.json.gz")
    # structures take their source from the gzipped services too
    assert di.read_export_structures(tmp_path).frame["source"].iloc[0] == "action-logement"


def test_export_missing_or_not_an_array_is_one_file_level_entry(tmp_path):
    missing = di.read_export_services(tmp_path)
    assert missing.rows == 0
    assert _quarantine(missing) == [(0, "", "no export folder matches data-inclusion/export-*")]
    folder = tmp_path / "data-inclusion" / "export-x"
    folder.mkdir(parents=True)
    (folder / "services.json").write_text('{"items": []}', encoding="utf-8")
    wrong = di.read_export_services(tmp_path)
    assert _quarantine(wrong) == [(0, "", "not a JSON array (the file must start with '[')")]
    assert list(wrong.frame.columns)[:4] == ["_line", "source", "id", "structure_id"]


# --------------------------------------------------------------------------- API v1 snapshot


def test_api_snapshot_structures_drop_contacts_and_flag_bad_sirets():
    result = di.read_api_snapshot_structures(FIXTURES)
    assert result.table_name == "offre_structures__di_api"
    assert list(result.frame["id"]) == [
        "emplois-de-linclusion--null", "emplois-de-linclusion--empty",
        "dora--cc4e1fbc-533b-46e2-8b33-bc31c33c9ffd",
        "mission-locale--with-mobilization-link", "dora--blacklisted-siren-structure",
        "dora--allowed-structure-without-email"]
    assert _quarantine(result) == [
        (25, "longitude/latitude", "coordinates (0, 0) are a placeholder, not a location"),
        (91, "siret", "invalid SIRET '7793112240000': 13 characters, 14 digits expected"),
        (113, "siret", "invalid SIRET '12345678901234': wrong check digit (Luhn)"),
    ]
    assert "courriel" not in result.frame.columns and "telephone" not in result.frame.columns
    assert all("test@email.com" not in q.content for q in result.quarantine)
    frame = result.frame.set_index("id")
    gip = frame.loc["dora--cc4e1fbc-533b-46e2-8b33-bc31c33c9ffd"]
    assert (gip["siret"], gip["code_insee"], gip["longitude"], gip["latitude"], str(gip["date_maj"])) == (
        "13003013300016", "75056", 2.35511, 48.869364, "2024-02-02")
    assert list(frame.loc["mission-locale--with-mobilization-link", "reseaux_porteurs"]) == ["mission-locale"]
    assert list(frame.loc["emplois-de-linclusion--null", "reseaux_porteurs"]) == []
    assert frame.isna().loc["emplois-de-linclusion--empty", "nom"]  # "" → NULL
    assert frame.isna().loc["dora--blacklisted-siren-structure", "siret"]


def test_api_snapshot_services_turn_single_values_into_lists():
    result = di.read_api_snapshot_services(FIXTURES)
    assert result.rows == 7
    assert _quarantine(result) == [
        (38, "longitude/latitude", "coordinates (0, 0) are a placeholder, not a location")]
    frame = result.frame.set_index("id")
    emplois = frame.loc["dora--46f7ea19-c97b-4f45-90a9-027b44cad927"]
    assert list(emplois["types"]) == ["atelier"]
    assert list(emplois["frais"]) == ["gratuit"]
    assert list(emplois["zone_eligibilite"]) == ["france"]
    assert "demandeurs-emploi" in list(emplois["publics"])
    assert emplois["structure_id"] == "dora--cc4e1fbc-533b-46e2-8b33-bc31c33c9ffd"
    # an adviser's name in the API answer is never kept
    assert not any("Z... H..." in str(v) for v in result.frame.astype(str).to_numpy().ravel())
    assert all("Z... H..." not in q.content for q in result.quarantine)
    assert frame.isna().loc["emplois-de-linclusion--null", "thematiques"]
    assert list(frame.loc["emplois-de-linclusion--empty", "thematiques"]) == []


def test_api_snapshot_broken_item_is_quarantined_with_its_line(tmp_path):
    folder = tmp_path / di.API_MOCKS_DIR
    folder.mkdir(parents=True)
    text = (FIXTURES / di.API_MOCKS_DIR / "services.json").read_text(encoding="utf-8")
    broken = text.replace('"nom": "Immersion Facilitée",', '"nom": "Immersion Facilitée"', 1)
    (folder / "services.json").write_text(broken, encoding="utf-8")
    result = di.read_api_snapshot_services(tmp_path)
    assert result.rows == 6
    assert _quarantine(result) == [
        (38, "longitude/latitude", "coordinates (0, 0) are a placeholder, not a location"),
        (131, "", "invalid JSON: Expecting ',' delimiter (line 136, column 7)"),
    ]
    assert "dora--b6f651e2-56d7-4ffa-a1c6-ae7295089a9e" not in set(result.frame["id"])


@pytest.mark.parametrize("reader", [di.read_api_snapshot_structures, di.read_api_snapshot_services])
def test_api_snapshot_missing_file(reader, tmp_path):
    result = reader(tmp_path)
    assert result.rows == 0
    assert result.quarantine[0].line == 0 and result.quarantine[0].reason.startswith("file not found")


# --------------------------------------------------------------------------- real snapshot


@pytest.fixture(scope="module")
def real(data_dir):
    if not (data_dir / REAL_EXPORT / "services.json.gz").exists():
        pytest.skip("the Réunion export is not in the snapshot")
    return data_dir


def test_real_reunion_export_counts(real):
    services = di.read_export_services(real)
    structures = di.read_export_structures(real)
    assert services.rows == 2705 and structures.rows == 276
    assert services.quarantine == [] and structures.quarantine == []
    frame = services.frame
    assert frame["source"].value_counts().to_dict() == {
        "fredo": 1340, "france-travail": 350, "monenfant": 350, "dora": 296, "mediation-numerique": 283,
        "action-logement": 44, "odspep": 33, "mes-aides": 9}
    assert int(frame["code_insee"].isna().sum()) == 271
    located = frame[frame["latitude"].notna()]
    assert len(located) == 2694
    assert bool(located["coordonnees_corrigees"].all())
    assert located["latitude"].between(-21.4, -20.8).all() and located["longitude"].between(55.2, 55.9).all()
    assert structures.frame["typologie"].value_counts().to_dict()["ML"] == 19


def test_real_api_mocks_counts(real):
    assert di.read_api_snapshot_structures(real).rows == 6
    assert di.read_api_snapshot_services(real).rows == 7
