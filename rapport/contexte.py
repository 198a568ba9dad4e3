"""Gather, from the marts, everything the report and the committee sheets of one département show.

:func:`contexte_departement` returns plain Python structures (lists of dicts, numbers, SVG
markup) that the jinja2 templates render; no value is computed here that a mart does not hold,
except presentation (sorting, French formatting, plain-French findings from stored figures).
The reads of the tables dbt makes for the report are in :mod:`rapport.lectures`, the per-axis part
in :mod:`rapport.contexte_axes`, the findings in :mod:`rapport.constats`; each other part of the
report has its own small function here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from rapport import cartes
from rapport.comparaison import completer as completer_comparaison
from rapport.constats import (
    COLLECTIVITES_OUTRE_MER,
    TYPES_ZONES,
    constats_axe,
    natures_densite,
    type_zone,
    valeur_affichee,
)
from rapport.contexte_axes import SourcesCartes, avec_niveaux, axes_du_rapport
from rapport.donnees import exige_marts, exige_tables_rapport, lire, liste_marts
from rapport.lectures import (
    _besoins_sources,
    _chargements,
    _gouvernance,
    _indicateurs,
    _niveaux,
    _preuves,
    _propre,
    _revue_actions,
    _source_de_table,
    _sources,
    _sources_offre,
    enregistrements,
)
from rapport.suivi import suivi_departement

__all__ = [
    "MARTS_REQUIS",
    "contexte_departement",
    "enregistrements",
    "valeur_affichee",
    "constats_axe",
    "COLLECTIVITES_OUTRE_MER",
    "_chargements",
    "_sources",
]

MARTS_REQUIS = [
    "territoires",
    "indicateurs",
    "besoins",
    "axes_domaines",
    "grille_densite_niveaux",
    "indicateurs_catalogue",
    "offre",
    "accessibilite",
    "ecarts",
    "passages",
    "parole",
    "acteurs",
    "liens_manquants",
    "faiblesse_coordination",
    "priorites",
    "pistes",
    "pistes_acteurs",
    "pistes_preuves",
    "priorites_couverture",
    "revue_documents",
    "revue_actions",
]


TYPOLOGIES = {
    "grille_densite": ("Grille communale de densité", "anct_grille_densite"),
    "grille_ruralite": ("Typologie des campagnes et des ruralités", "anct_grille_ruralite"),
    "grille_centralite": ("Niveaux de centralité", "anct_grille_centralite"),
}


STATUTS_AVANCEMENT = {
    "prevu": "prévu",
    "en_cours": "en cours",
    "realise": "réalisé",
    "abandonne": "abandonné",
}

TYPES_PREUVES = {
    "indicateur": "Indicateur",
    "ecart": "Écart entre besoin et offre",
    "lien_manquant": "Lien attendu absent",
    "passage": "Extrait de document",
    "parole": "Parole recueillie",
}

ROLES_ACTEURS = {
    "pilote_dispositif": "pilote d'un dispositif lié",
    "operateur": "opérateur présent",
    "partenaire_manquant": "partenaire attendu absent",
}


def _departement(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any]:
    """The département's name, population and région (``ValueError`` when it is unknown)."""
    dep = enregistrements(
        lire(
            con,
            """
        select d.code_territoire as code, d.libelle, d.population, d.annee_population, d.code_region,
            r.libelle as libelle_region
        from marts.territoires as d
        left join marts.territoires as r on r.niveau = 'region' and r.code_territoire = d.code_region
        where d.niveau = 'departement' and d.code_territoire = ?""",
            [code],
        )
    )
    if not dep:
        raise ValueError(f"département {code} is not in marts.territoires")
    dep = dep[0]
    # overseas collectivities (COM) are no région: marts.territoires files each under a région
    # of its own code so that the references resolve, but the report does not call it a région
    dep["collectivite_outre_mer"] = code in COLLECTIVITES_OUTRE_MER
    return dep


def _lire_marts(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, pd.DataFrame]:
    """The département's rows of every mart the report shows, as frames keyed by their use
    (``ValueError`` when the département has no priority line)."""
    priorites = lire(
        con,
        "select * from marts.priorites where code_departement = ? "
        "order by code_axe, echelle desc, rang_axe nulls last, code_domaine",
        [code],
    )
    if priorites.empty:
        raise ValueError(f"marts.priorites has no line for département {code}: was its graph built?")
    par_departement = lambda mart: lire(  # noqa: E731
        con, f"select * from marts.{mart} where code_departement = ?", [code]
    )
    indicateurs = _indicateurs(con, code)
    return {
        "priorites": priorites,
        "axes_domaines": lire(con, "select * from marts.axes_domaines order by code_axe, code_domaine"),
        "couverture": lire(
            con,
            "select * from marts.priorites_couverture where code_departement = ? "
            "order by code_axe, code_domaine",
            [code],
        ),
        "communes": lire(
            con,
            "select * from marts.territoires where niveau = 'commune' "
            "and code_departement = ? order by code_territoire",
            [code],
        ),
        "infra": lire(
            con,
            """
        select distinct niveau, code_territoire, libelle_territoire as libelle, population
        from marts.priorites where code_departement = ? and echelle = 'infra'
        order by libelle""",
            [code],
        ),
        "indicateurs_departement": indicateurs[(indicateurs["niveau"] == "departement")],
        "indicateurs_infra": indicateurs[indicateurs["niveau"].isin(["epci", "ept"])],
        "indicateurs_communes": indicateurs[indicateurs["niveau"] == "commune"],
        "besoins_communes": lire(
            con, "select * from marts.besoins where niveau = 'commune' and code_departement = ?", [code]
        ),
        "ecarts": par_departement("ecarts"),
        "acces": par_departement("accessibilite"),
        "offre": lire(
            con,
            "select * from marts.offre where (niveau, code_territoire) in (select (niveau, code_territoire) "
            "from marts.priorites where code_departement = ?)",
            [code],
        ),
        "pistes": lire(
            con, "select * from marts.pistes where code_departement = ? order by code_axe, rang_axe", [code]
        ),
        "pistes_acteurs": lire(
            con,
            "select * from marts.pistes_acteurs where code_departement = ? order by id_piste, "
            "list_position(['pilote_dispositif', 'operateur', 'partenaire_manquant'], role), ordre",
            [code],
        ),
        "preuves": _preuves(con, code),
        "liens_manquants": par_departement("liens_manquants"),
        "parole": par_departement("parole"),
        "passages": par_departement("passages"),
        "documents": par_departement("documents") if "documents" in liste_marts(con) else pd.DataFrame(),
        "acteurs": par_departement("acteurs"),
        "faiblesse": par_departement("faiblesse_coordination"),
    }


def _fond_de_carte(geo_dir: Path, code: str, communes: pd.DataFrame) -> tuple[list, str | None]:
    """The communes' outlines with their populations (the maps name the most populated), and why
    there are none (``None`` when there are)."""
    try:
        communes_geo = cartes.communes_departement(geo_dir, code)
        geo_erreur = None
    except FileNotFoundError as exc:
        communes_geo, geo_erreur = [], str(exc)
    communes_geo = cartes.avec_populations(
        communes_geo,
        {r["code_territoire"]: _propre(r.get("population")) for r in communes.to_dict("records")},
    )
    if not communes_geo and geo_erreur is None:
        geo_erreur = f"le fond de carte ({geo_dir}) ne contient aucune commune du territoire {code}"
    return communes_geo, geo_erreur


def _sources_cartes(
    con: duckdb.DuckDBPyConnection, code: str, millesimes: list[dict[str, Any]]
) -> SourcesCartes:
    """What the maps cite: the need index's sources and years, the offer catalogue's last load and lists."""
    chargement_offre = max(
        (c["loaded_at"] for c in millesimes if c["table_name"].startswith("offre_") and c.get("loaded_at")),
        default=None,
        key=lambda d: d[6:10] + d[3:5] + d[0:2] + d[11:],
    )
    sources_besoins, annees_besoins = _besoins_sources(con, code)
    return SourcesCartes(
        sources_besoins=sources_besoins,
        annees_besoins=annees_besoins,
        catalogue_offre=(
            f"catalogue de l'offre chargé le {chargement_offre[:10]}"
            if chargement_offre
            else "catalogue de l'offre"
        ),
        sources_offre=_sources_offre(con, code),
    )


def _fiches(d: dict[str, pd.DataFrame], niveaux: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """One action sheet per lead: the lead, its actors (with their role in words) and its evidence."""
    pistes_acteurs, preuves = d["pistes_acteurs"], d["preuves"]
    fiches = []
    for piste in enregistrements(d["pistes"]):
        pid = piste["id_piste"]
        fiches.append(
            {
                **piste,
                "acteurs": enregistrements(pistes_acteurs[pistes_acteurs["id_piste"] == pid]),
                "preuves": [
                    {**p, "libelle_type": TYPES_PREUVES.get(p["type_preuve"], p["type_preuve"])}
                    for p in enregistrements(preuves[preuves["id_piste"] == pid])
                ],
            }
        )
    fiches = avec_niveaux(fiches, niveaux)
    for f in fiches:
        for a in f["acteurs"]:
            a["libelle_role"] = ROLES_ACTEURS.get(a.get("role"), (a.get("role") or "").replace("_", " "))
    return fiches


def _avec_type_zone(communes: pd.DataFrame, natures: dict[str, str]) -> pd.DataFrame:
    """The communes with their kind of zone (urban or rural, with or without a QPV); ``natures``: the
    density grid's levels, urbain or rural (:func:`rapport.constats.natures_densite`)."""
    vides = pd.Series([None] * len(communes))
    return communes.assign(
        type_zone=[
            type_zone(d, q, natures)
            for d, q in zip(
                communes.get("grille_densite", vides), communes.get("est_qpv", vides), strict=True
            )
        ]
    )


def _typologie(con: duckdb.DuckDBPyConnection, communes: pd.DataFrame) -> list[dict[str, Any]]:
    """The communes and population per kind of zone, then per class of each territorial grid."""
    typologie = [
        {
            "grille": "Zones : urbain ou rural, avec ou sans quartier prioritaire",
            "source": "INSEE et ANCT, grille communale de densité ; ANCT, quartiers prioritaires 2024",
            "classes": enregistrements(
                communes.groupby("type_zone")
                .agg(nb_communes=("code_territoire", "count"), population=("population", "sum"))
                .reindex([t for t in TYPES_ZONES if t in set(communes["type_zone"])])
                .reset_index()
                .rename(columns={"type_zone": "classe"})
            ),
        }
    ]
    for colonne in ("grille_densite", "grille_ruralite", "grille_centralite"):
        if colonne in communes:
            groupe = (
                communes.assign(_c=communes[colonne].fillna("non renseigné"))
                .groupby("_c", dropna=False)
                .agg(nb_communes=("code_territoire", "count"), population=("population", "sum"))
                .reset_index()
                .rename(columns={"_c": "classe"})
            )
            titre, table = TYPOLOGIES[colonne]
            typologie.append(
                {"grille": titre, "source": _source_de_table(con, table), "classes": enregistrements(groupe)}
            )
    return typologie


def _carte_typologie(communes_geo, communes: pd.DataFrame):
    """The map of the communes' kinds of zone (None without outlines)."""
    if not communes_geo:
        return None
    return cartes.carte_categories(
        communes_geo,
        {r["code_territoire"]: r["type_zone"] for r in enregistrements(communes)},
        "Typologie des communes : urbain ou rural, avec ou sans quartier prioritaire",
        "Source : INSEE, grille de densité (ANCT 2025) ; ANCT, QPV 2024 ; géométrie IGN ADMIN EXPRESS, "
        "COG 2026",
        ordre=TYPES_ZONES,
    )


def _annexes(d: dict[str, pd.DataFrame], niveaux: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The indicators of each EPT / EPCI of the département (annex)."""
    ind_infra = d["indicateurs_infra"]
    annexes = [
        {
            **terr,
            "indicateurs": enregistrements(
                ind_infra[ind_infra["code_territoire"] == terr["code_territoire"]]
            ),
        }
        for terr in enregistrements(d["infra"])
    ]
    return avec_niveaux(annexes, niveaux)


def _repertoire(acteurs: pd.DataFrame, communes: pd.DataFrame) -> list[dict[str, Any]]:
    """The directory of the actors (not the dispositifs nor services), by kind then name."""
    if "type_noeud" in acteurs:
        acteurs = acteurs[acteurs["type_noeud"] == "acteur"]
    noms_communes = dict(zip(communes["code_territoire"], communes["libelle"], strict=True))
    repertoire = [
        {
            **a,
            "libelle_commune": noms_communes.get(a.get("code_commune")),
            "libelle_type": a.get("libelle_type_acteur") or (a.get("type_acteur") or "").replace("_", " "),
        }
        for a in enregistrements(acteurs)
    ]
    repertoire.sort(key=lambda a: (str(a.get("libelle_type") or ""), str(a.get("libelle") or "")))
    return repertoire


def contexte_departement(
    con: duckdb.DuckDBPyConnection,
    code: str,
    geo_dir: Path,
    ponderations: dict[str, Any] | None = None,
    aujourd_hui: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the report of département ``code`` shows, read from the marts.

    ``aujourd_hui``: the date against which the comité's deadlines are overdue (default: today).

    Raises :class:`rapport.donnees.MartManquant` when a required mart is absent, and
    ``ValueError`` when the département has no priority line (its graph was not built).
    """
    exige_marts(con, MARTS_REQUIS)
    exige_tables_rapport(con)
    dep = _departement(con, code)
    d = _lire_marts(con, code)
    communes_geo, geo_erreur = _fond_de_carte(geo_dir, code, d["communes"])
    colonnes_territoires = [
        {"niveau": "departement", "code_territoire": code, "libelle": dep["libelle"]},
        *(
            {"niveau": t["niveau"], "code_territoire": t["code_territoire"], "libelle": t["libelle"]}
            for t in enregistrements(d["infra"])
        ),
    ]
    millesimes = _chargements(con)
    niveaux = _niveaux(con)
    sources_cartes = _sources_cartes(con, code, millesimes)
    axes = axes_du_rapport(d, communes_geo, sources_cartes, colonnes_territoires, niveaux)
    communes = _avec_type_zone(d["communes"], natures_densite(con))
    communes_qpv = (
        int(communes["est_qpv"].fillna(False).astype(bool).sum()) if "est_qpv" in communes else None
    )
    revue = _revue_actions(con, code, d["passages"])
    priorites = d["priorites"]
    contexte = {
        "departement": dep,
        "genere_le": dt.datetime.now().strftime("%d/%m/%Y à %H:%M"),
        "axes": axes,
        "priorites": enregistrements(priorites),
        "nb_insuffisantes": int((~priorites["donnees_suffisantes"].astype(bool)).sum()),
        "fiches": _fiches(d, niveaux),
        "chargements": millesimes,
        "gouvernance": _gouvernance(con, code),
        "ponderations": ponderations,
        "ponderations_json": json.dumps(ponderations, ensure_ascii=False, indent=1) if ponderations else None,
        "communes": enregistrements(communes),
        "nb_communes": len(communes),
        "communes_qpv": communes_qpv,
        "territoires_infra": avec_niveaux(enregistrements(d["infra"]), niveaux),
        "colonnes_territoires": colonnes_territoires,
        "typologie": _typologie(con, communes),
        "carte_typologie": _carte_typologie(communes_geo, communes),
        "indicateurs_departement": enregistrements(d["indicateurs_departement"]),
        "indicateurs_communes": enregistrements(d["indicateurs_communes"]),
        "revue": revue["documents"],
        "avancements": revue["avancements"],
        "passages_calpae_spie": revue["passages"],
        "documents_ecartes_revue": revue["ecartes"],
        "nb_documents": len(d["documents"]),
        "annexes": _annexes(d, niveaux),
        "repertoire": _repertoire(d["acteurs"], communes),
        "sources_offre": sources_cartes.sources_offre,
        "statuts_avancement": STATUTS_AVANCEMENT,
        "sources": _sources(con),
        "niveaux": niveaux,
        "geo_erreur": geo_erreur,
        # the comité's decisions and their progress (issue 17, rapport/suivi.py)
        "suivi": suivi_departement(con, code, aujourd_hui or dt.date.today()),
    }
    # the « Comparaison » part (peers, région, France, trends): its own module
    return completer_comparaison(con, code, contexte)
