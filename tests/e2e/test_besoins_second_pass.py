"""End-to-end checks of the second pass of need data (PROVENANCE.md §12) on the real snapshot,
through the shared build of 93. Need marts are national, so Nord (59) and La Réunion (974) are
checked in the same warehouse."""

from __future__ import annotations

import pytest


def _one(build, sql, params=None):
    rows = build.query(sql, params)
    assert len(rows) == 1, f"expected one row, got {rows!r} for {sql}"
    return rows[0]


@pytest.mark.parametrize(
    ("departement", "population"),
    [("59", 2_611_293), ("93", 1_668_670), ("974", 871_157), ("2A", 162_942), ("2B", 184_655)],
)
def test_rp2021_population_of_provenance_comes_out_of_the_marts(built_93, departement, population):
    # the denominator of the births rate is the census 2021 population summed from the communes
    (denominateur, methode) = _one(
        built_93,
        "select denominateur, methode from marts.indicateurs where niveau = 'departement' "
        "and code_territoire = ? and code_indicateur = 'naissances_pour_100_habitants' and annee = 2022",
        [departement],
    )
    assert denominateur == population and methode == "recalcule"


@pytest.mark.parametrize("departement", ["59", "974", "93", "2A"])
def test_every_commune_has_an_unemployment_rate_2021(built_93, departement):
    communes = {code for (code,) in built_93.query(
        "select code_territoire from marts.territoires where niveau = 'commune' and code_departement = ?",
        [departement],
    )}
    with_rate = {code for (code,) in built_93.query(
        "select code_territoire from marts.indicateurs where niveau = 'commune' and code_departement = ? "
        "and code_indicateur = 'taux_chomage_15_64' and annee = 2021 and valeur is not null",
        [departement],
    )}
    assert communes and communes == with_rate


def test_unemployment_vintage_rule(built_93):
    # RP 2022 stays where it exists (93), RP 2021 everywhere; the year says which
    years = {annee for (annee,) in built_93.query(
        "select annee from marts.indicateurs where niveau = 'commune' and code_territoire = '93066' "
        "and code_indicateur = 'taux_chomage_15_64' and valeur is not null")}
    assert years == {2021, 2022}
    assert not built_93.query(
        "select 1 from marts.indicateurs where niveau = 'commune' and code_departement = '59' "
        "and code_indicateur = 'taux_chomage_15_64' and annee = 2022")
    # Lille: 19 937 unemployed / 118 017 active (P21 of the comparateur)
    numerateur, denominateur, valeur = _one(
        built_93,
        "select numerateur, denominateur, valeur from marts.indicateurs where niveau = 'commune' "
        "and code_territoire = '59350' and code_indicateur = 'taux_chomage_15_64' and annee = 2021")
    assert (numerateur, denominateur) == (19_937, 118_017)
    assert valeur == pytest.approx(100 * 19_937 / 118_017, abs=0.005)
    # the index compares a year that France has: 2021
    (annee,) = _one(
        built_93,
        "select annee from marts.besoins_composantes where niveau = 'commune' and code_territoire = '93066' "
        "and code_domaine = 'accompagnement_emploi' and code_indicateur = 'taux_chomage_15_64'")
    assert annee == 2021


def test_demandeurs_pour_100_actifs_beyond_93(built_93):
    (n,) = _one(
        built_93,
        "select count(*) from marts.indicateurs where niveau = 'commune' and code_departement = '59' "
        "and code_indicateur = 'demandeurs_emploi_pour_100_actifs' and valeur is not null")
    assert n >= 600
    (france,) = _one(
        built_93,
        "select valeur from marts.indicateurs where niveau = 'france' "
        "and code_indicateur = 'demandeurs_emploi_pour_100_actifs'")
    assert france is not None


def test_cnaf_coverage_published_values_pass_through(built_93):
    valeur, methode = _one(
        built_93,
        "select valeur, methode from marts.indicateurs where niveau = 'commune' "
        "and code_territoire = '59350' "
        "and code_indicateur = 'taux_couverture_accueil_jeune_enfant' and annee = 2022")
    assert (valeur, methode) == (67.4, "publie")
    valeur, methode = _one(
        built_93,
        "select valeur, methode from marts.indicateurs where niveau = 'commune' "
        "and code_territoire = '93001' "
        "and code_indicateur = 'taux_couverture_accueil_jeune_enfant' and annee = 2022")
    assert methode == "publie" and valeur == _one(
        built_93, "select taux_de_couv_global from raw.cnaf_taux_couverture_communes "
        "where code_commune = '93001' and annee = 2022")[0]


def test_saint_denis_coverage_2022_is_recomputed_from_the_published_35_7(built_93):
    # Saint-Denis (35.7 published for 2022) absorbed Pierrefitte-sur-Seine in 2025: the COG 2026
    # commune's rate is summed places / summed children, each estimated from the published rates
    rates = dict(built_93.query(
        "select code_commune, taux_de_couv_global from raw.cnaf_taux_couverture_communes "
        "where annee = 2022 and code_commune in ('93066', '93059')"))
    assert rates["93066"] == 35.7
    places = dict(built_93.query(
        "select code_commune, places_offertes_ensemble from raw.cnaf_places_petite_enfance_communes "
        "where annee = 2022 and code_commune in ('93066', '93059')"))
    enfants = sum(places[c] * 100 / rates[c] for c in ("93066", "93059"))
    valeur, methode, numerateur = _one(
        built_93,
        "select valeur, methode, numerateur from marts.indicateurs where niveau = 'commune' "
        "and code_territoire = '93066' and code_indicateur = 'taux_couverture_accueil_jeune_enfant' "
        "and annee = 2022")
    assert methode == "recalcule" and numerateur == places["93066"] + places["93059"]
    assert valeur == pytest.approx(100 * numerateur / enfants, abs=0.051)
    assert valeur != 35.7


def test_a4_only_where_covered_with_its_own_reference(built_93):
    rows = built_93.query(
        "select distinct code_departement from marts.indicateurs where niveau = 'commune' "
        "and code_indicateur in ('part_menages_sans_voiture', 'part_logements_passoires_energetiques')")
    assert {d for (d,) in rows} == {"59", "62"}
    # Lille: 45.2 % of households without a car, as published by the source
    (valeur,) = _one(
        built_93,
        "select valeur from marts.indicateurs where niveau = 'commune' and code_territoire = '59350' "
        "and code_indicateur = 'part_menages_sans_voiture'")
    assert valeur == 45.2
    rows = built_93.query(
        "select reference_indice, valeur_france, valeur_reference from marts.besoins_composantes "
        "where niveau = 'departement' and code_territoire = '59' and code_axe = 'A4' "
        "and code_indicateur like 'part_%'")
    assert rows and all(r == "communes_couvertes" and f is None and v is not None for r, f, v in rows)
    assert not built_93.query(
        "select 1 from marts.besoins where code_domaine in ('precarite_energetique', 'mobilite_solidaire') "
        "and code_departement = '93' and indice_besoin is not null")


def test_need_index_covers_enough_domains(built_93):
    (domaines,) = _one(
        built_93, "select count(distinct code_domaine) from marts.besoins where indice_besoin is not null")
    assert domaines >= 15
    for departement in ("93", "59"):
        (n,) = _one(
            built_93,
            "select count(*) from marts.besoins where niveau = 'departement' and code_territoire = ? "
            "and indice_besoin is not null",
            [departement],
        )
        assert n >= 12, departement


def test_every_complementary_domain_has_its_reason(built_93):
    rows = built_93.query(
        "select d.code_indicateur, d.code_domaine, d.raison, c.code_domaine "
        "from marts.indicateurs_domaines as d join marts.indicateurs_catalogue as c using (code_indicateur) "
        "where d.rattachement = 'complementaire'")
    assert len(rows) >= 10
    for indicateur, domaine, raison, principal in rows:
        assert raison and len(raison) > 40, (indicateur, domaine)
        assert domaine != principal
