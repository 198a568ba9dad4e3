"""Deduplication of the offer's structures (dbt Python model int_offre__structures_dedoublonnees):
true matches merge with the rule that matched, false matches stay apart."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

MODEL = (Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "intermediate" / "offre"
         / "int_offre__structures_dedoublonnees.py")


@pytest.fixture(scope="module")
def dedup():
    spec = importlib.util.spec_from_file_location("int_offre__structures_dedoublonnees", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fiche(cle, nom, commune="93066", nom_commune="Saint-Denis", siret=None, adresse=None, lon=None, lat=None,
          reseaux=None, source=None, reconstituee=False, priorite=5):
    return {"cle_structure": cle, "table_source": source or cle.split("--")[0], "nom": nom,
            "nom_commune": nom_commune, "siret": siret, "code_commune": commune, "adresse": adresse,
            "longitude": lon, "latitude": lat, "reseaux_porteurs": reseaux,
            "structure_reconstituee": reconstituee,
            "priorite_source": priorite}


def run(dedup, *fiches, **kwargs):
    out = dedup.dedoublonner(pd.DataFrame(list(fiches)), **kwargs).set_index("cle_structure")
    return out


def same(out, a, b):
    return out.loc[a, "id_structure"] == out.loc[b, "id_structure"]


# ----------------------------------------------------------------------------- names

def test_name_normalisation_and_distinctive_words(dedup):
    assert dedup.normaliser_nom("ST-DENIS  Œuvre d'Accueil") == "saint denis oeuvre d accueil"
    assert dedup.normaliser_nom(pd.NA) == ""
    assert dedup.noyau_nom("Agence France Travail Saint-Denis Pleyel", "Saint-Denis") == ("pleyel",)
    assert dedup.noyau_nom("France services de Bondy", "Bondy") == ()
    assert dedup.noyau_nom("Épicerie sociale La Courte Échelle", "Bondy") == ("courte", "echelle", "epicerie")


# ----------------------------------------------------------------------------- true matches

def test_same_siret_in_the_same_commune_merges_even_within_one_source(dedup):
    out = run(dedup,
              fiche("siae--1-ACI", "ASSOC REGIE DE QUARTIER", siret="38025324500050", reseaux=["aci"]),
              fiche("siae--1-AI", "REGIE DE QUARTIER", siret="38025324500050", reseaux=["ai"]),
              fiche("siae_geocodees--77", "Régie de quartier", siret="38025324500050", reseaux=["aci"],
                    lon=2.36, lat=48.93, priorite=13))
    assert same(out, "siae--1-ACI", "siae--1-AI") and same(out, "siae--1-ACI", "siae_geocodees--77")
    assert set(out.regle_fusion) == {"siret"}
    assert out.loc["siae--1-AI", "taille_groupe"] == 3


def test_same_siret_in_two_communes_does_not_merge(dedup):
    # a head-office SIRET repeated on the sites of another commune is not evidence of one place
    out = run(dedup,
              fiche("cnfs--1", "PIMMS", siret="40036201800089", commune="69123", nom_commune="Lyon"),
              fiche("cnfs--2", "PIMMS", siret="40036201800089", commune="69266", nom_commune="Villeurbanne"))
    assert not same(out, "cnfs--1", "cnfs--2")


def test_same_distinctive_name_in_the_same_commune_across_sources(dedup):
    out = run(dedup,
              fiche("di_export--a", "Agence France Travail SAINTE CLOTILDE", commune="97411",
                    nom_commune="Saint-Denis", reseaux=["france-travail"], priorite=3),
              fiche("ft_agences--REU01", "France Travail Sainte-Clotilde", commune="97411",
                    nom_commune="Saint-Denis", reseaux=["france-travail"], priorite=5))
    assert same(out, "di_export--a", "ft_agences--REU01")
    assert out.loc["ft_agences--REU01", "regle_fusion"] == "nom_commune"
    # the preferred record (best source priority) gives the identifier
    assert out.loc["ft_agences--REU01", "id_structure"] == "di_export--a"


def test_generic_names_merge_only_at_the_same_address(dedup):
    out = run(dedup,
              fiche("missions_locales--ml-3", "MISSION LOCALE", commune="93010", nom_commune="Bondy",
                    adresse="12 RUE ROGER SALENGRO", reseaux=["mission-locale"]),
              fiche("di_api--ml-bondy", "Mission locale de Bondy", commune="93010", nom_commune="Bondy",
                    adresse="12, rue Roger-Salengro", reseaux=["mission-locale"], priorite=2))
    assert same(out, "missions_locales--ml-3", "di_api--ml-bondy")
    assert out.loc["missions_locales--ml-3", "regle_fusion"] == "nom_adresse"


def test_very_close_coordinates_and_similar_names(dedup):
    # 20 m apart, names sharing their distinctive words
    out = run(dedup,
              fiche("france_services--27", "France services Les Monts d'Azur", commune="06116",
                    nom_commune="Thorenc",
                    lon=6.80000, lat=43.80000, reseaux=["france-service"]),
              fiche("mediation_numerique--9", "France Services & Sud Labs des Monts d'Azur", commune="06116",
                    nom_commune="Thorenc", lon=6.80020, lat=43.80010, reseaux=["france-service"]))
    assert same(out, "france_services--27", "mediation_numerique--9")
    assert "coordonnees" in set(out.regle_fusion)


# ----------------------------------------------------------------------------- false matches

def test_two_agencies_of_one_network_in_one_commune_stay_apart(dedup):
    # same network, same commune, names that differ only beyond the network's words, 2 km apart
    out = run(dedup,
              fiche("ft_agences--IDF1", "France Travail Saint-Denis Pleyel", lon=2.3433, lat=48.9195,
                    reseaux=["france-travail"]),
              fiche("di_api--ft-2", "Agence France Travail Saint-Denis Porte de Paris",
                    lon=2.3580, lat=48.9290,
                    reseaux=["france-travail"], priorite=2))
    assert not same(out, "ft_agences--IDF1", "di_api--ft-2")
    assert set(out.regle_fusion) == {"aucune"}


def test_network_name_alone_never_merges_even_without_coordinates(dedup):
    out = run(dedup,
              fiche("ft_agences--A", "France Travail", reseaux=["france-travail"]),
              fiche("di_api--B", "Agence France Travail", reseaux=["france-travail"], priorite=2))
    assert not same(out, "ft_agences--A", "di_api--B")


def test_same_name_far_apart_in_one_commune_is_vetoed(dedup):
    out = run(dedup,
              fiche("di_api--sp1", "Secours populaire Marseille", commune="13055", nom_commune="Marseille",
                    lon=5.3698, lat=43.2965, reseaux=["secours-populaire"], priorite=2),
              fiche("local--sp2", "Secours populaire", commune="13055", nom_commune="Marseille",
                    lon=5.4000, lat=43.3300, reseaux=["secours-populaire"], priorite=1))
    assert not same(out, "di_api--sp1", "local--sp2")


def test_different_networks_in_the_same_building_stay_apart(dedup):
    out = run(dedup,
              fiche("france_services--1", "France services de Bondy", commune="93010", nom_commune="Bondy",
                    adresse="1 place de la mairie", lon=2.4820, lat=48.9020, reseaux=["france-service"]),
              fiche("missions_locales--2", "Mission locale de Bondy", commune="93010", nom_commune="Bondy",
                    adresse="1 place de la mairie", lon=2.4820, lat=48.9020, reseaux=["mission-locale"]))
    assert not same(out, "france_services--1", "missions_locales--2")


def test_two_records_of_one_source_are_two_structures_unless_same_siret(dedup):
    # the national France services list gives a bus and a fixed site at the same point
    out = run(dedup,
              fiche("france_services--2462", "Bus France services Pimms Médiation", lon=2.0, lat=50.0,
                    reseaux=["france-service"]),
              fiche("france_services--2463", "France services Pimms Médiation", lon=2.0, lat=50.0,
                    reseaux=["france-service"]))
    assert not same(out, "france_services--2462", "france_services--2463")


def test_rebuilt_structures_and_meaningless_names_never_merge_by_name(dedup):
    out = run(dedup,
              fiche("di_export--x", "Structure sans fiche (dora)", reconstituee=True, priorite=3),
              fiche("di_api--y", "Structure sans fiche (dora)", reconstituee=True, priorite=2),
              fiche("cnfs--1", "0", commune="07095", nom_commune="Aubenas"),
              fiche("mediation_numerique--1", "0", commune="07095", nom_commune="Aubenas"))
    assert out.id_structure.nunique() == 4


def test_thresholds_come_from_parameters(dedup):
    a = fiche("france_services--1", "France services Les Monts d'Azur", lon=6.8, lat=43.8,
              reseaux=["france-service"])
    b = fiche("mediation_numerique--1", "Lab des Monts d'Azur", lon=6.8008, lat=43.8,
              reseaux=["france-service"])
    # 64 m apart: merged with a 100 m threshold, not with 50 m
    assert not same(run(dedup, a, b, distance_max_m=50), "france_services--1", "mediation_numerique--1")
    assert same(run(dedup, a, b, distance_max_m=100), "france_services--1", "mediation_numerique--1")
