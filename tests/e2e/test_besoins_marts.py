"""End-to-end checks of the need marts on the real snapshot, through the shared build of 93."""

from __future__ import annotations

import pytest


def _one(build, sql, params=None):
    rows = build.query(sql, params)
    assert len(rows) == 1, f"expected one row, got {rows!r} for {sql}"
    return rows[0]


def test_every_commune_of_93_with_its_ept_and_epci(built_93):
    (cog,) = _one(
        built_93, "select count(*) from raw.cog_communes where type = 'commune-actuelle' and dep = '93'"
    )
    rows = built_93.query(
        "select code_territoire, code_epci, code_ept from marts.territoires "
        "where niveau = 'commune' and code_departement = '93'"
    )
    assert cog == len(rows) == 39
    assert all(epci == "200054781" for _, epci, _ in rows), "93 lies in the Métropole du Grand Paris"
    assert all(ept for _, _, ept in rows)
    epts = {ept for _, _, ept in rows}
    assert len(epts) == 4
    ept_sql = "select code_territoire from marts.territoires where niveau = 'ept'"
    known = {c for (c,) in built_93.query(ept_sql)}
    assert epts <= known
    assert "93059" not in {code for code, _, _ in rows}, "Pierrefitte merged into Saint-Denis in 2025"


def test_at_least_15_indicators_for_93_communes(built_93):
    (n,) = _one(
        built_93,
        "select count(distinct code_indicateur) from marts.indicateurs "
        "where niveau = 'commune' and code_departement = '93' and valeur is not null",
    )
    assert n >= 15


def test_published_poverty_rate_of_93_unchanged(built_93):
    valeur, methode, secret = _one(
        built_93,
        "select valeur, methode, secret from marts.indicateurs where niveau = 'departement' "
        "and code_territoire = '93' and code_indicateur = 'taux_pauvrete' and annee = 2021",
    )
    assert valeur == pytest.approx(28.4, abs=1e-9)
    assert methode == "publie" and secret is False


@pytest.mark.parametrize(
    ("niveau", "code", "indicateur", "annee", "publie"),
    [
        ("departement", "93", "mediane_niveau_vie", 2019, 18070),  # Q219 of PROVENANCE.md
        ("departement", "59", "mediane_niveau_vie", 2019, 20290),
        ("france", "FR", "mediane_niveau_vie", 2019, 21930),  # France métropolitaine
        ("departement", "93", "part_neet", 2018, 20.1),
        ("departement", "59", "taux_pauvrete", 2021, 19.5),
        ("departement", "974", "taux_pauvrete", 2021, 36.1),
        ("departement", "93", "mediane_niveau_vie", 2014, 16726),
        # communes: Paris is published both as a commune and by arrondissement, never counted twice
        ("commune", "75056", "taux_pauvrete", 2021, 16),
        ("commune", "59512", "taux_pauvrete", 2021, 46),
        ("commune", "59350", "taux_pauvrete", 2021, 27),
        ("commune", "93001", "taux_pauvrete", 2021, 42),
    ],
)
def test_published_figures_pass_through(built_93, niveau, code, indicateur, annee, publie):
    (valeur,) = _one(
        built_93,
        "select valeur from marts.indicateurs where niveau = ? and code_territoire = ? "
        "and code_indicateur = ? and annee = ?",
        [niveau, code, indicateur, annee],
    )
    assert valeur == pytest.approx(publie)


def test_saint_denis_sums_pierrefitte(built_93):
    # CAF: RSA recipients of the IRIS of both old communes, summed (no IRIS of either is secret for RSA)
    (rsa_raw,) = _one(
        built_93, "select sum(arsas) from raw.caf_iris_2020 where code_commune in ('93066', '93059')"
    )
    (menages_raw,) = _one(
        built_93, "select sum(nbmenfisc21) from raw.filosofi_communes_2021 where codgeo in ('93066', '93059')"
    )
    numerateur, denominateur, valeur = _one(
        built_93,
        "select numerateur, denominateur, valeur from marts.indicateurs where niveau = 'commune' "
        "and code_territoire = '93066' and code_indicateur = 'allocataires_rsa_pour_100_menages'",
    )
    assert numerateur == pytest.approx(rsa_raw)
    assert denominateur == pytest.approx(menages_raw)
    assert valeur == pytest.approx(100 * rsa_raw / menages_raw, abs=0.01)
    # the poverty rate of the merged commune is recomputed from poor persons, not averaged
    filosofi = "select tp6021, nbpersmenfisc21 from raw.filosofi_communes_2021 where codgeo = ?"
    tp_sd, pers_sd = _one(built_93, filosofi, ["93066"])
    tp_pf, pers_pf = _one(built_93, filosofi, ["93059"])
    valeur, methode = _one(
        built_93,
        "select valeur, methode from marts.indicateurs where niveau = 'commune' "
        "and code_territoire = '93066' and code_indicateur = 'taux_pauvrete' and annee = 2021",
    )
    assert methode == "recalcule"
    assert valeur == pytest.approx((tp_sd * pers_sd + tp_pf * pers_pf) / (pers_sd + pers_pf), abs=0.05)
    # a median cannot be recomputed: none for the merged commune
    assert not built_93.query(
        "select 1 from marts.indicateurs where niveau = 'commune' and code_territoire = '93066' "
        "and code_indicateur = 'mediane_niveau_vie'"
    )


def test_no_rate_outside_0_100(built_93):
    rows = built_93.query(
        "select i.niveau, i.code_territoire, i.code_indicateur, i.valeur from marts.indicateurs as i "
        "join marts.indicateurs_catalogue as c using (code_indicateur) "
        "where c.unite = '%' and (i.valeur < 0 or i.valeur > 100)"
    )
    assert rows == []
    (secret_with_value,) = _one(
        built_93, "select count(*) from marts.indicateurs where secret and valeur is not null"
    )
    assert secret_with_value == 0


def test_references_of_departement_and_france(built_93):
    rows = built_93.query(
        "select code_territoire, valeur_departement, valeur_region, valeur_france, ecart_departement, valeur "
        "from marts.indicateurs where niveau = 'commune' and code_departement = '93' "
        "and code_indicateur = 'taux_pauvrete' and annee = 2021 and valeur is not null"
    )
    assert len(rows) >= 30
    for code, dep, reg, fr, ecart, valeur in rows:
        assert dep == pytest.approx(28.4), code
        assert reg is not None and fr is not None, code
        assert ecart == pytest.approx(valeur - dep, abs=0.01), code


def test_besoins_for_every_commune_and_domain_with_data(built_93):
    missing = built_93.query(
        """
        select distinct i.code_territoire, c.code_domaine
        from marts.indicateurs as i
        join marts.indicateurs_catalogue as c using (code_indicateur)
        where i.niveau = 'commune' and i.code_departement = '93' and i.valeur is not null
            and c.code_domaine is not null
        except
        select code_territoire, code_domaine from marts.besoins where niveau = 'commune'
        """
    )
    assert missing == []
    (communes,) = _one(
        built_93,
        "select count(distinct code_territoire) from marts.besoins "
        "where niveau = 'commune' and code_departement = '93'",
    )
    assert communes == 39


def test_need_index_is_the_mean_of_its_components(built_93):
    rows = built_93.query(
        "select niveau, code_territoire, code_domaine, indice_besoin, nb_composantes, composantes "
        "from marts.besoins where code_departement = '93' and niveau in ('commune', 'ept', 'departement')"
    )
    assert rows
    with_index = 0
    for niveau, code, domaine, indice, nb, composantes in rows:
        parts = composantes  # a native list of structs, read as a list of dicts
        kept = [p["indice"] for p in parts if p["inclus"]]
        assert len(kept) == nb, (niveau, code, domaine)
        if kept:
            with_index += 1
            assert indice == pytest.approx(sum(kept) / len(kept), abs=0.06), (niveau, code, domaine)
        else:
            assert indice is None
    assert with_index > 0
    (france,) = _one(
        built_93,
        "select max(abs(indice_besoin - 100)) from marts.besoins "
        "where niveau = 'france' and nb_composantes > 0",
    )
    assert france == pytest.approx(0, abs=0.06), "France is 100 against itself"


@pytest.mark.parametrize("departement", ["59", "2A", "974"])
def test_national_marts_hold_other_departements(built_93, departement):
    (cog,) = _one(
        built_93,
        "select count(*) from raw.cog_communes where type = 'commune-actuelle' and dep = ?",
        [departement],
    )
    (mart,) = _one(
        built_93,
        "select count(*) from marts.territoires where niveau = 'commune' and code_departement = ?",
        [departement],
    )
    assert mart == cog > 0
    (indicateurs,) = _one(
        built_93,
        "select count(distinct code_territoire) from marts.indicateurs where niveau = 'commune' "
        "and code_departement = ? and code_indicateur = 'demandeurs_emploi_pour_100_habitants'",
        [departement],
    )
    assert indicateurs >= 0.95 * cog
    (besoins,) = _one(
        built_93,
        "select count(*) from marts.besoins where niveau = 'departement' and code_territoire = ?",
        [departement],
    )
    assert besoins > 0


def test_exports_of_93(built_93):
    folder = built_93.output / "besoins"
    for name in ("territoires", "indicateurs", "besoins", "besoins_composantes"):
        raw = (folder / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        header = raw.decode("utf-8-sig").splitlines()[0]
        assert header.startswith("Niveau;Code du territoire"), header
    text = (folder / "indicateurs.csv").read_text(encoding="utf-8-sig")
    assert "departement;93;Seine-Saint-Denis;taux_pauvrete;" in text
    assert ";2021;28,4;" in text
    lignes = (folder / "territoires.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sum(1 for line in lignes if line.startswith("commune;")) == 39


def test_ept_of_93_have_a_recomputed_poverty_rate(built_93):
    rows = built_93.query(
        "select i.code_territoire, i.valeur, i.methode, i.couverture, i.numerateur, i.denominateur "
        "from marts.indicateurs as i join marts.territoires as t using (niveau, code_territoire) "
        "where i.niveau = 'ept' and t.code_departement = '93' and i.code_indicateur = 'taux_pauvrete' "
        "and i.annee = 2021"
    )
    assert len(rows) == 4
    for code, valeur, methode, couverture, numerateur, denominateur in rows:
        assert methode == "recalcule" and couverture >= 0.9, code
        assert valeur == pytest.approx(100 * numerateur / denominateur, abs=0.01), code
        assert 10 < valeur < 50, code
