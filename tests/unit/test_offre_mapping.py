"""Mapping of the offer to data·inclusion v1 and to the Pacte: the seeds are complete and coherent
with the schema's referentials, docs/domaine.md's codes and the values met in the real Réunion export."""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from pathlib import Path

import pytest

from ingest.vocabulaires import dbt_var

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


def read(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def referentiel() -> dict[str, set[str]]:
    values: dict[str, set[str]] = defaultdict(set)
    for row in read("offre_referentiels_v1.csv"):
        values[row["referentiel"]].add(row["valeur"])
    return values


@pytest.fixture(scope="module")
def correspondance() -> dict[tuple[str, str], set[str]]:
    table: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in read("offre_correspondance_domaines.csv"):
        table[(row["type_valeur"], row["valeur"])].add(row["code_domaine"])
    return table


@pytest.fixture(scope="module")
def domaines() -> set[str]:
    return {row["code_domaine"] for row in read("axes_domaines.csv")}


def test_referential_seed_is_the_schema_package_referential(data_dir, referentiel):
    with open(data_dir / "data-inclusion-schema" / "referentiels_v1.csv", encoding="utf-8") as handle:
        shipped = {(r["referentiel"], r["value"]) for r in csv.DictReader(handle)}
    assert {(k, v) for k, vs in referentiel.items() for v in vs} == shipped
    assert len(referentiel["Thematique"]) == 69 and len(referentiel["ReseauPorteur"]) == 108


def test_every_v0_code_has_a_v1_translation_that_exists(data_dir, referentiel):
    thematiques = read("offre_thematiques_v0_v1.csv")
    targets = {r["thematique_v1"] for r in thematiques if r["thematique_v1"]}
    assert targets <= referentiel["Thematique"]
    with open(data_dir / "data-inclusion-schema" / "v0-seeds" / "thematiques.csv",
              encoding="utf-8") as handle:
        v0 = {r["value"] for r in csv.DictReader(handle)}
    mapped = {r["thematique_v0"] for r in thematiques}
    # a v0 code is either mapped, or already a v1 code (the v0 list anticipated some v1 codes)
    assert v0 - mapped <= referentiel["Thematique"]
    # codes data·inclusion could not translate stay known (an empty target), e.g. `handicap`
    assert any(r["thematique_v0"] == "handicap" and r["thematique_v1"] == "" for r in thematiques)
    typologies = read("offre_typologies_v0_v1.csv")
    reseaux = {r["reseau_porteur_v1"] for r in typologies if r["reseau_porteur_v1"]}
    assert reseaux <= referentiel["ReseauPorteur"]
    with open(data_dir / "data-inclusion-schema" / "v0-seeds" / "typologies_de_structures.csv",
              encoding="utf-8") as handle:
        # every v0 typology of the schema is mapped (data·inclusion's mapping also knows `OPF`)
        assert {r["value"] for r in csv.DictReader(handle)} <= {r["typologie_v0"] for r in typologies}
    publics = {r["public_v1"] for r in read("offre_publics_v0_v1.csv") if r["public_v1"]}
    assert publics <= referentiel["Public"]
    assert {r["frais_v1"] for r in read("offre_frais_v0_v1.csv")} <= referentiel["Frais"]
    assert {r["type_v1"] for r in read("offre_types_v0_v1.csv")} <= referentiel["TypeService"]


def test_correspondence_covers_every_code_of_both_versions(data_dir, referentiel, correspondance, domaines):
    with open(data_dir / "data-inclusion-schema" / "v0-seeds" / "thematiques.csv",
              encoding="utf-8") as handle:
        v0 = {r["value"] for r in csv.DictReader(handle)}
    thematiques = {v for (t, v) in correspondance if t == "thematique"}
    assert v0 <= thematiques
    assert referentiel["Thematique"] <= thematiques and referentiel["Categorie"] <= thematiques
    assert referentiel["ReseauPorteur"] == {v for (t, v) in correspondance if t == "reseau_porteur"}
    used = {d for ds in correspondance.values() for d in ds if d}
    assert used <= domaines, used - domaines
    # every row says why it is out of the Pacte when it has no domain
    for row in read("offre_correspondance_domaines.csv"):
        assert row["commentaire"], row
        assert row["portee"] in {"service", "structure", "services"}


@pytest.mark.parametrize(("type_valeur", "valeur", "attendus"), [
    ("thematique", "famille--garde-denfants", {"petite_enfance"}),
    ("thematique", "numerique--prendre-en-main-un-ordinateur", {"inclusion_numerique"}),
    ("thematique", "gestion-financiere--obtenir-une-aide-alimentaire", {"aide_alimentaire"}),
    ("thematique", "trouver-un-emploi--repondre-a-des-offres-demploi", {"accompagnement_emploi"}),
    ("thematique", "logement-hebergement--mal-loges-sans-logis", {"hebergement_logement"}),
    ("thematique", "mobilite--aides-a-la-reprise-demploi-ou-a-la-formation",
     {"mobilite_solidaire", "levee_freins"}),
    ("thematique", "handicap", {""}),
    ("reseau_porteur", "france-service", {"acces_aux_droits", "inclusion_numerique"}),
    ("reseau_porteur", "mission-locale", {"insertion_jeunes"}),
    ("reseau_porteur", "france-travail", {"accompagnement_emploi"}),
    ("reseau_porteur", "aci", {"iae"}),
    ("reseau_porteur", "geiq", {"iae"}),
    ("reseau_porteur", "conseillers-numeriques", {"inclusion_numerique"}),
    ("reseau_porteur", "esat", {""}),
])
def test_key_values_map_to_the_expected_domains(correspondance, type_valeur, valeur, attendus):
    assert correspondance[(type_valeur, valeur)] == attendus


def test_every_thematique_of_the_reunion_export_is_mapped_or_explicitly_out_of_scope(data_dir,
                                                                                      correspondance):
    path = data_dir / "data-inclusion" / "export-reunion-2025" / "services.json.gz"
    services = json.loads(gzip.open(path).read())
    assert len(services) == 2705
    seen: set[str] = set()
    for service in services:
        raw = (service.get("Thematiques") or "").strip("{}")
        # Postgres array literal: quoted elements may hold spaces
        seen.update(t.strip().strip('"') for t in raw.split(",") if t.strip())
    assert len(seen) == 120
    unknown = {t for t in seen if ("thematique", t) not in correspondance}
    assert unknown == set()
    attached = {t for t in seen if correspondance[("thematique", t)] - {""}}
    out_of_scope = seen - attached
    assert out_of_scope == {
        "handicap", "handicap--accompagnement-par-une-structure-specialisee", "handicap--aide-a-la-personne",
        "equipement-et-alimentation--habillement", "equipement-et-alimentation--aide-menagere",
        "acces-aux-droits-et-citoyennete--developpement-durable",
        "acces-aux-droits-et-citoyennete--faciliter-laction-citoyenne",
        "logement-hebergement--aides-financieres-investissement-locatif",
    }


def test_every_domain_names_its_target_public(domaines):
    publics = read("offre_publics_cibles.csv")
    assert {r["code_domaine"] for r in publics} == domaines
    catalogue = {r["code_indicateur"]: r for r in read("indicateurs_catalogue.csv")}
    for row in publics:
        assert row["grandeur"] in {"numerateur", "denominateur", "population"}, row
        if row["grandeur"] == "population":
            assert row["code_indicateur"] == ""
        else:
            indicateur = catalogue[row["code_indicateur"]]
            assert indicateur[row["grandeur"]], f"{row['code_indicateur']} has no {row['grandeur']}"


def test_the_offer_sources_are_listed_once_in_the_dbt_vars():
    sources = dbt_var("offre_sources")
    tables = [s["table_source"] for s in sources]
    assert len(tables) == len(set(tables)) == 15  # 14 lists + the Banques Alimentaires map (issue 10)
    assert sorted(s["priorite"] for s in sources) == list(range(1, 16))
    assert {s["a_des_services"] for s in sources} == {"oui", "non"}
    macro = (SEEDS.parent / "macros" / "offre.sql").read_text(encoding="utf-8")
    assert not any(f"'{table}'" in macro for table in tables)  # the macros read the var, list nothing
