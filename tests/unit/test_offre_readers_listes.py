"""National and regional supply lists on real-format fixtures (real lines plus broken ones)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from ingest.offre import listes_nationales as ln

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offre" / "data"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """The fixture tree, with the médiation numérique samples gzipped as in the snapshot."""
    target = tmp_path_factory.mktemp("offre") / "data"
    shutil.copytree(FIXTURES, target)
    for path in (target / "mediation-numerique").glob("*.csv"):
        with open(path, "rb") as source, gzip.open(f"{path}.gz", "wb") as out:
            out.write(source.read())
        path.unlink()
    return target


def _quarantine(result):
    return [(q.line, q.field, q.reason) for q in result.quarantine]


def _row(result, identifier):
    frame = result.frame.set_index("id")
    return frame.loc[identifier], frame.isna().loc[identifier]


def test_france_services_keep_multiline_fields_and_flag_bad_values(data):
    result = ln.read_france_services(data)
    assert result.table_name == "offre_structures__france_services"
    assert list(result.frame["id"]) == ["549", "550", "426", "561", "9001", "9002"]
    assert list(result.frame["_line"]) == [2, 3, 4, 8, 9, 10]  # 426 spans lines 4-7
    assert _quarantine(result) == [
        (9, "insee_com", "not an INSEE commune code: '9305'"),
        (10, "longitude/latitude", "latitude out of range [-90, 90]: 148.94612"),
        (11, "id_fs", "empty value in a required field"),
        (12, "", "expected 22 fields, found 10"),
    ]
    row, na = _row(result, "549")
    assert (row["nom"], row["code_insee"], row["code_postal"], row["commune"], row["departement"]) == (
        "France services Pimms Médiation Noisy-Le-Grand - Pavé-Neuf", "93051", "93160", "Noisy-le-Grand",
        "93")
    assert (row["latitude"], row["longitude"], row["typologie"], list(row["reseaux_porteurs"])) == (
        48.83887, 2.556592, "RFS", ["france-service"])
    assert (row["type_fs"], row["format_fs"]) == ("Principal", "Fixe")
    reunion, _ = _row(result, "561")
    assert (reunion["departement"], reunion["latitude"]) == ("974", -21.209)
    bad_code, na = _row(result, "9001")
    assert na["code_insee"] and bad_code["code_postal"] == "93160"
    _, na = _row(result, "9002")
    assert na["latitude"] and na["longitude"]


def test_siae_asp_list_maps_nord_offices_and_quarantines_duplicates(data):
    result = ln.read_siae(data)
    assert list(result.frame["id"]) == [
        "33368412400840-EI-093", "84920926700012-ACI-093", "51069879800020-ACI-59L", "44199187400013-ACI-59V",
        "44431048600030-ACI-974", "33368412400841-EI-093", "34356040500023-ACI-59X"]
    assert _quarantine(result) == [
        (7, "id", "duplicate id '44431048600030-ACI-974' (first seen at line 6)"),
        (8, "SIRET", "invalid SIRET '33368412400841': wrong check digit (Luhn)"),
        (9, "CODE_DEPARTEMENT", "not a département code: '59X'"),
    ]
    frame = result.frame.set_index("id")
    assert list(frame["departement"].fillna("NULL")) == ["93", "93", "59", "59", "974", "93", "NULL"]
    assert list(frame["departement_origine"]) == ["093", "093", "59L", "59V", "974", "093", "59X"]
    relais, _ = _row(result, "33368412400840-EI-093")
    assert (relais["siret"], relais["nom"], relais["adresse"], relais["code_postal"], relais["commune"]) == (
        "33368412400840", "EBS LE RELAIS NORD PAS DE CALAIS", "4 Rue ALBERT EINSTEIN", "93000", "BOBIGNY")
    assert (relais["typologie"], list(relais["reseaux_porteurs"]), relais["code_naf"]) == (
        "EI", ["ei"], "3832Z")
    _, na = _row(result, "33368412400841-EI-093")
    assert na["siret"]  # kept, without its SIRET


def test_siae_geocodees_and_geiq(data):
    lemarche = ln.read_siae_geocodees(data)
    assert list(lemarche.frame["id"]) == ["2", "3641", "3818", "35", "2653"]
    assert _quarantine(lemarche) == [(6, "siret", "invalid SIRET '50010961600027': wrong check digit (Luhn)")]
    frame = lemarche.frame.set_index("id")
    assert list(frame["typologie"]) == ["ACI", "GEIQ", "EA", "AI", "ETTI"]
    assert [list(v) for v in frame["reseaux_porteurs"]] == [["aci"], ["geiq"], ["ea"], ["ai"], ["etti"]]
    collecterie, _ = _row(lemarche, "2")
    assert (collecterie["latitude"], collecterie["longitude"], collecterie["departement"]) == (
        48.86502399999999, 2.455023, "93")
    assert str(collecterie["date_creation"]) == "2019-12-05" and collecterie["source_origine"] == "ASP"
    _, na = _row(lemarche, "35")
    assert na["latitude"] and na["adresse"]

    geiq = ln.read_geiq(data)
    assert list(geiq.frame["id"]) == ["79914163500018", "38280216300099", "40014944900022"]
    assert _quarantine(geiq) == [(4, "SIRET", "invalid SIRET '40014944900022': wrong check digit (Luhn)")]
    first, _ = _row(geiq, "79914163500018")
    assert (first["nom"], first["adresse"], first["code_postal"], first["typologie"]) == (
        "GEIQ 22 MULTI SECTEURS", "47, rue du Docteur Rahuel", "22000", "GEIQ")


def test_esat_places_and_finess_ids(data):
    result = ln.read_esat(data)
    assert list(result.frame["id"]) == ["930031695", "930010509", "020016622", "930000001"]
    assert _quarantine(result) == [(5, "Capacité autorisée agrégée", "not a whole number: '12,5'")]
    beaux_arts, na = _row(result, "930031695")
    assert (beaux_arts["nom"], beaux_arts["adresse"], beaux_arts["code_insee"], beaux_arts["capacite"]) == (
        "ESAT DES BEAUX ARTS", "135 AV AVENUE DES ARRIMEURS", "93066", 132)
    assert na["siret"] and beaux_arts["finess_ej"] == "310781562"
    assert list(beaux_arts["reseaux_porteurs"]) == ["esat"] and beaux_arts["typologie"] == "ESAT"
    _, na = _row(result, "930000001")
    assert na["capacite"]


def test_france_travail_sites_have_no_insee_code(data):
    result = ln.read_ft_agences(data)
    assert list(result.frame["id"]) == ["IDF0265005257", "IDF0253005673", "PES0001005145", "IDF0000000000"]
    assert _quarantine(result) == [
        (5, "DN_LONGITUDE/DN_LATITUDE", "longitude missing while the other coordinate is given")]
    sevran, na = _row(result, "IDF0265005257")
    assert na["code_insee"]
    assert (sevran["commune"], sevran["code_postal"], sevran["type_site"], sevran["latitude"]) == (
        "SEVRAN", "93270", "ALE", 48.946479)
    assert list(sevran["reseaux_porteurs"]) == ["france-travail"]
    direction, _ = _row(result, "PES0001005145")
    assert (direction["type_site"], direction["complement_adresse"]) == ("DRA", "RESIDENCE LE BROADWAY")


def test_prescribers_split_into_missions_locales_and_others(data):
    missions = ln.read_missions_locales(data)
    others = ln.read_prescripteurs(data)
    assert missions.quarantine == [] and others.quarantine == []
    assert list(missions.frame["commune"]) == ["ARRAS", "AUBERVILLIERS"]
    assert set(missions.frame["typologie"]) == {"ML"}
    assert [list(v) for v in missions.frame["reseaux_porteurs"]] == [["mission-locale"], ["mission-locale"]]
    arras = missions.frame.iloc[0]
    assert (arras["complement_adresse"], arras["cedex"], arras["site_web"], arras["departement"]) == (
        "RESIDENCE SAINT PAUL, BATIMENT 6, CS 30278", "CEDEX", "http://www.mlpa.fr", "62")
    assert list(others.frame["nom"]) == ["ADEFI", "SERVICE PENITENTIAIRE D'INSERTION ET DE PROBATION",
                                         "POLE EMPLOI"]
    assert list(others.frame["typologie"]) == ["Autre", "SPIP", "FT"]
    assert [list(v) for v in others.frame["reseaux_porteurs"]] == [[], ["spip"], ["france-travail"]]
    # ids are derived from the natural key, so a re-read gives the same ones
    assert list(ln.read_missions_locales(data).frame["id"]) == list(missions.frame["id"])
    assert missions.frame["id"].str.startswith("missions_locales--").all()


def test_cnfs_structures(data):
    result = ln.read_cnfs(data)
    assert list(result.frame["id"]) == ["726", "727", "7", "539"]
    assert _quarantine(result) == [(5, "siret", "invalid SIRET '34416574200013': wrong check digit (Luhn)")]
    est_ensemble, _ = _row(result, "726")
    assert (est_ensemble["nom"], est_ensemble["siret"], est_ensemble["nb_conseillers"],
            est_ensemble["code_insee"], est_ensemble["commune"], est_ensemble["departement"]) == (
        "EST ENSEMBLE", "20005787500011", 7, "93063", "Romainville", "93")
    assert (str(est_ensemble["date_validation"]), est_ensemble["investissement_etat"],
            est_ensemble["statut"]) == ("2021-04-28", 383635.0, "publique")
    _, na = _row(result, "7")
    assert na["siret"] and na["code_insee"]  # the text "null" is no SIRET, not a bad one


def test_fabriques_are_split_one_per_place(data):
    result = ln.read_fabriques_territoire(data)
    assert list(result.frame["id"]) == ["fabt-69", "fabt-301", "fabt-07", "fabt-86", "fabt-990", "fabt-991",
                                        "fabt-992"]
    assert _quarantine(result) == [
        (6, "lib_territoire", "3 ids but 2 names separated by ';': every place gets the whole name")]
    frame = result.frame.set_index("id")
    assert frame.loc["fabt-07", "nom"] == "DIAGONALES Régie de quartiers"
    assert frame.loc["fabt-86", "nom"] == "LA PROUE"
    assert frame.loc["fabt-86", "id_groupe"] == "fabt-07; fabt-86"
    assert frame.loc["fabt-301", "nom"] == (
        "Tiers-Lieu culturel : L'imprimerie. Porté par Domb'Innov / L'Exprimerie")
    assert (frame.loc["fabt-69", "code_insee"], frame.loc["fabt-69", "commune"]) == (
        "93005", "Aulnay-sous-Bois")
    assert frame.loc["fabt-991", "nom"] == "DIAGONALES Régie de quartiers; LA PROUE"
    assert set(frame["typologie"]) == {"TIERS_LIEUX"}


def test_cites_educatives_are_a_dispositif_table(data):
    result = ln.read_cites_educatives(data)
    assert result.table_name == "offre_dispositifs__cites_educatives"
    assert list(result.frame["id"]) == ["cite-002", "cite-127", "cite-006", "cite-014"]
    frame = result.frame.set_index("id")
    assert list(frame.loc["cite-014", "codes_insee"]) == ["94017", "94019"]
    assert list(frame.loc["cite-014", "communes"]) == ["Champigny-sur-Marne", "Chennevières-sur-Marne"]
    assert frame.loc["cite-127", "nom"] == "Amiens Étouvie"


def test_mediation_numerique_places_and_their_services(data):
    places = ln.read_mediation_numerique_structures(data)
    services = ln.read_mediation_numerique_services(data)
    assert places.rows == services.rows == 8
    assert _quarantine(places) == [(4, "date_maj", "not a date: '2021-13-05'")]
    frame = places.frame.set_index("id")
    assert frame.loc["hinaura_aura_2022--9999", "latitude"] == 45.69  # decimal comma
    cnfs = "hub_du_sud_paca_20230517--mediation-numerique-conseiller-numerique-62b9a190dd51e705b180a9b8"
    assert list(frame.loc[cnfs, "reseaux_porteurs"]) == ["conseillers-numeriques"]
    fs = "hub_du_sud_paca_20230517--mediation-numerique-france-services-19"
    assert list(frame.loc[fs, "reseaux_porteurs"]) == ["france-service"]
    assert frame.isna().loc["hub_du_sud_paca_20230517--mediation-numerique-cr93-93", "date_maj"]  # 1970-01-01
    assert frame.loc["hub_du_sud_paca_20230517--mediation-numerique-cr93-93", "source_origine"] == "cr93"
    assert frame.isna()["siret"].all()  # pivot 00000000000000 = no SIRET
    svc = services.frame.set_index("id")
    assert list(svc.loc[f"{fs}--services", "publics"]) == [
        "Adultes", "Familles/enfants", "Jeunes (16-26 ans)", "Seniors (+ 65 ans)"]
    assert list(svc.loc[f"{fs}--services", "thematiques"]) == ["Aide aux démarches administratives",
                                                             "Insertion professionnelle via le numérique"]
    assert svc.loc[f"{fs}--services", "structure_id"] == fs
    assert list(svc.loc["hinaura_aura_2022--0--services", "thematiques"])[:2] == [
        "Accéder à une connexion internet", "Accéder à du matériel"]
    assert list(svc.loc["hinaura_aura_2022--0--services", "frais"]) == [
        "Gratuit : Je peux accéder gratuitement au lieu et à ses services"]


def test_missing_list_file_is_one_file_level_entry(tmp_path):
    result = ln.read_esat(tmp_path)
    assert result.rows == 0
    assert [(q.line, q.reason.startswith("file not found")) for q in result.quarantine] == [(0, True)]
    assert "capacite" in result.frame.columns
    empty = ln.read_mediation_numerique_services(tmp_path)
    assert _quarantine(empty) == [(0, "", "no file matches mediation-numerique/*.csv.gz")]


# --------------------------------------------------------------------------- real snapshot


def test_real_lists_counts(data_dir):
    if not (data_dir / "france-services").exists():
        pytest.skip("offer lists not in the snapshot")
    france_services = ln.read_france_services(data_dir)
    assert france_services.rows == 2845 and france_services.quarantine == []
    by_dep = france_services.frame["departement"].value_counts()
    assert (by_dep["59"], by_dep["93"], by_dep["23"], by_dep["33"]) == (52, 32, 21, 44)

    lemarche = ln.read_siae_geocodees(data_dir)
    assert lemarche.rows == 3853
    assert (lemarche.frame["departement"] == "93").sum() == 81
    assert lemarche.frame["latitude"].notna().sum() == 3820  # 33 of 3 853 rows have no coordinates
    asp = ln.read_siae(data_dir)
    assert asp.rows + len(asp.quarantine) == 3932
    assert {q.field for q in asp.quarantine} == {"id"}
    assert (asp.frame["departement_origine"] == "093").sum() == 77
    nord = asp.frame["departement_origine"].isin(["059", "59L", "59V"])
    assert (asp.frame["departement"] == "59").sum() == nord.sum() == 192
    assert ln.read_geiq(data_dir).rows == 171
    esat = ln.read_esat(data_dir)
    assert esat.rows == 1504 and esat.quarantine == []
    assert ln.read_ft_agences(data_dir).rows == 959
    missions = ln.read_missions_locales(data_dir)
    assert missions.rows == 28
    assert missions.frame["departement"].value_counts().to_dict() == {"93": 14, "62": 8, "67": 6}
    assert ln.read_prescripteurs(data_dir).rows == 13
    cnfs = ln.read_cnfs(data_dir)
    assert cnfs.rows == 1450 and int(cnfs.frame["nb_conseillers"].sum()) == 2138
    in_93 = cnfs.frame[cnfs.frame["departement"] == "93"]
    assert (len(in_93), int(in_93["nb_conseillers"].sum())) == (33, 48)
    assert ln.read_cites_educatives(data_dir).rows >= 189
    mediation = ln.read_mediation_numerique_structures(data_dir)
    assert mediation.rows == 646 + 687 and mediation.quarantine == []
