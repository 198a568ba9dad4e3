"""Gather, from the marts, everything the report and the committee sheets of one département show.

:func:`contexte_departement` returns plain Python structures (lists of dicts, numbers, SVG
markup) that the jinja2 templates render; no value is computed here that a mart does not hold,
except presentation (sorting, French formatting, plain-French findings from stored figures).
The reads that join several marts are in :mod:`rapport.lectures`, the findings in
:mod:`rapport.constats`.
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
    constats_classes,
    donnees_manquantes,
    natures_densite,
    non_classees,
    type_zone,
    valeur_affichee,
)
from rapport.donnees import exige_marts, lire, liste_marts
from rapport.lectures import (
    _annees_composantes,
    _chargements,
    _gouvernance,
    _indicateurs,
    _niveaux,
    _preuves,
    _propre,
    _revue_actions,
    _sources,
    _sources_besoins,
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


def _avec_niveaux(lignes: list[dict[str, Any]], niveaux: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Rows with ``libelle_niveau`` (« EPT », « département ») beside their ``niveau`` code."""
    for ligne in lignes:
        n = ligne.get("niveau")
        ligne["libelle_niveau"] = niveaux[n]["libelle_court"] if n in niveaux else (n or "")
        ligne["nom_niveau"] = niveaux[n]["libelle"] if n in niveaux else (n or "")
    return lignes


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


def _entre_parentheses(annees: str | None) -> str:
    """« , 2020-2025 » → « (2020-2025) »; nothing when absent."""
    return f" ({annees.lstrip(', ')})" if annees else ""


def _domaine_le_mieux_mesure(besoins_communes: pd.DataFrame, codes_domaines: list[str]) -> str:
    """The domain of ``codes_domaines`` with the most communes having a need index (first on ties)."""
    comptes = (
        besoins_communes[besoins_communes["indice_besoin"].notna()].groupby("code_domaine").size().to_dict()
    )
    return max(codes_domaines, key=lambda d: (comptes.get(d, 0), -codes_domaines.index(d)))


def tableau_croise(
    lignes: pd.DataFrame, territoires: list[dict[str, Any]], libelles_domaines: dict[str, str], colonne: str
) -> list[dict[str, Any]]:
    """One row per domain, one value of ``colonne`` per territory of ``territoires`` (in that order).

    Examples
    --------
    >>> t = [{"niveau": "ept", "code_territoire": "1"}]
    >>> tableau_croise(pd.DataFrame({"niveau": ["ept"], "code_territoire": ["1"], "code_domaine": ["d"],
    ...                              "score": [0.5]}), t, {"d": "D"}, "score")
    [{'code_domaine': 'd', 'libelle_domaine': 'D', 'valeurs': [0.5]}]
    """
    index = {
        (r["niveau"], r["code_territoire"], r["code_domaine"]): _propre(r[colonne])
        for r in lignes.to_dict("records")
    }
    lignes_sortie = []
    for code, libelle in libelles_domaines.items():
        valeurs = [index.get((t["niveau"], t["code_territoire"], code)) for t in territoires]
        if any(v is not None for v in valeurs):
            lignes_sortie.append({"code_domaine": code, "libelle_domaine": libelle, "valeurs": valeurs})
    return lignes_sortie


def _carte(
    communes,
    frame: pd.DataFrame,
    colonne: str,
    titre: str,
    source: str,
    unite: str,
    secret_col: str | None = None,
    inverser: bool = False,
    decimales: int = 1,
    **style: Any,
):
    """The choropleth map of ``colonne`` by commune, or None when there is nothing to draw: no
    geometry, or not one commune with a value or under secrecy (a map of blank communes says
    nothing; the report names it as not drawn instead)."""
    if not communes or frame.empty:
        return None
    valeurs = {r["code_territoire"]: _propre(r[colonne]) for r in frame.to_dict("records")}
    secrets = set()
    if secret_col and secret_col in frame:
        secrets = {r["code_territoire"] for r in frame.to_dict("records") if r.get(secret_col) is True}
    if not secrets and all(v is None for v in valeurs.values()):
        return None
    return cartes.carte_choroplethe(
        communes,
        valeurs,
        titre=titre,
        source=source,
        unite=unite,
        secrets=secrets,
        inverser=inverser,
        decimales=decimales,
        **style,
    )


def _ranger(carte, titre: str, tracees: list, non_tracees: list[str], communes_geo) -> None:
    """Keep a drawn map, or the title of a map left out for want of any commune value."""
    if carte is not None:
        tracees.append(carte)
    elif communes_geo:
        non_tracees.append(titre)


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
    presents = set(liste_marts(con))
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
    priorites = lire(
        con,
        "select * from marts.priorites where code_departement = ? "
        "order by code_axe, echelle desc, rang_axe nulls last, code_domaine",
        [code],
    )
    if priorites.empty:
        raise ValueError(f"marts.priorites has no line for département {code}: was its graph built?")

    axes_frame = lire(con, "select * from marts.axes_domaines order by code_axe, code_domaine")
    couverture = lire(
        con,
        "select * from marts.priorites_couverture where code_departement = ? order by code_axe, code_domaine",
        [code],
    )
    communes_frame = lire(
        con,
        "select * from marts.territoires where niveau = 'commune' "
        "and code_departement = ? order by code_territoire",
        [code],
    )
    infra = lire(
        con,
        """
        select distinct niveau, code_territoire, libelle_territoire as libelle, population
        from marts.priorites where code_departement = ? and echelle = 'infra'
        order by libelle""",
        [code],
    )
    indicateurs = _indicateurs(con, code)
    ind_dep = indicateurs[(indicateurs["niveau"] == "departement")]
    ind_infra = indicateurs[indicateurs["niveau"].isin(["epci", "ept"])]
    ind_communes = indicateurs[indicateurs["niveau"] == "commune"]

    try:
        communes_geo = cartes.communes_departement(geo_dir, code)
        geo_erreur = None
    except FileNotFoundError as exc:
        communes_geo, geo_erreur = [], str(exc)
    # the maps name the most populated communes
    communes_geo = cartes.avec_populations(
        communes_geo,
        {r["code_territoire"]: _propre(r.get("population")) for r in communes_frame.to_dict("records")},
    )
    if not communes_geo and geo_erreur is None:
        geo_erreur = f"le fond de carte ({geo_dir}) ne contient aucune commune du territoire {code}"

    besoins_communes = lire(
        con, "select * from marts.besoins where niveau = 'commune' and code_departement = ?", [code]
    )
    ecarts_all = lire(con, "select * from marts.ecarts where code_departement = ?", [code])
    acces = lire(con, "select * from marts.accessibilite where code_departement = ?", [code])
    offre = lire(
        con,
        "select * from marts.offre where (niveau, code_territoire) in (select (niveau, code_territoire) "
        "from marts.priorites where code_departement = ?)",
        [code],
    )
    pistes = lire(
        con, "select * from marts.pistes where code_departement = ? order by code_axe, rang_axe", [code]
    )
    pistes_acteurs = lire(
        con,
        "select * from marts.pistes_acteurs where code_departement = ? order by id_piste, "
        "list_position(['pilote_dispositif', 'operateur', 'partenaire_manquant'], role), ordre",
        [code],
    )
    pistes_preuves = _preuves(con, code)
    liens_manquants = lire(con, "select * from marts.liens_manquants where code_departement = ?", [code])
    parole = lire(con, "select * from marts.parole where code_departement = ?", [code])
    passages = lire(con, "select * from marts.passages where code_departement = ?", [code])
    documents = (
        lire(con, "select * from marts.documents where code_departement = ?", [code])
        if "documents" in presents
        else pd.DataFrame()
    )
    acteurs = lire(con, "select * from marts.acteurs where code_departement = ?", [code])
    faiblesse = lire(con, "select * from marts.faiblesse_coordination where code_departement = ?", [code])

    colonnes_territoires = [
        {"niveau": "departement", "code_territoire": code, "libelle": dep["libelle"]},
        *(
            {"niveau": t["niveau"], "code_territoire": t["code_territoire"], "libelle": t["libelle"]}
            for t in enregistrements(infra)
        ),
    ]
    gouvernance = _gouvernance(con, code)
    millesimes = _chargements(con)
    chargement_offre = max(
        (c["loaded_at"] for c in millesimes if c["table_name"].startswith("offre_") and c.get("loaded_at")),
        default=None,
        key=lambda d: d[6:10] + d[3:5] + d[0:2] + d[11:],
    )
    catalogue_offre = (
        f"catalogue de l'offre chargé le {chargement_offre[:10]}"
        if chargement_offre
        else ("catalogue de l'offre")
    )
    annees_besoins = _annees_composantes(con, code)
    sources_besoins = _sources_besoins(con, code)
    sources_offre = _sources_offre(con, code)
    niveaux = _niveaux(con)

    axes: list[dict[str, Any]] = []
    for code_axe, groupe in axes_frame.groupby("code_axe", sort=True):
        domaines = enregistrements(groupe)
        codes_domaines = [d["code_domaine"] for d in domaines]
        lignes_dep = enregistrements(
            priorites[(priorites["code_axe"] == code_axe) & (priorites["echelle"] == "departement")]
        )
        lignes_infra = enregistrements(
            priorites[(priorites["code_axe"] == code_axe) & (priorites["echelle"] == "infra")]
        )
        classees = sorted(
            (x for x in lignes_infra + lignes_dep if x["rang_axe"] is not None and x["echelle"] == "infra"),
            key=lambda x: x["rang_axe"],
        )
        classees_dep = sorted(
            (x for x in lignes_dep if x["rang_axe"] is not None), key=lambda x: x["rang_axe"]
        )
        if classees or classees_dep:
            domaine_carte = (classees or classees_dep)[0]["code_domaine"]
            motif_carte = "première priorité de l'axe"
        else:
            domaine_carte = _domaine_le_mieux_mesure(besoins_communes, codes_domaines)
            mesure = besoins_communes[
                (besoins_communes["code_domaine"] == domaine_carte)
                & besoins_communes["indice_besoin"].notna()
            ]
            motif_carte = (
                "aucune priorité classée sur l'axe : domaine dont l'indice de besoin est connu "
                "dans le plus de communes"
                if not mesure.empty
                else "aucune priorité classée ni indice de besoin communal sur l'axe : "
                "premier domaine de l'axe"
            )
        libelle_domaine_carte = next(
            d["libelle_domaine"] for d in domaines if d["code_domaine"] == domaine_carte
        )
        cartes_axe, cartes_non_tracees = [], []
        bc = besoins_communes[besoins_communes["code_domaine"] == domaine_carte]
        titre = f"Indice de besoin – {libelle_domaine_carte} (100 = France)"
        carte = _carte(
            communes_geo,
            bc,
            "indice_besoin",
            titre,
            "Source : indice de besoin calculé à partir de "
            + (sources_besoins.get(domaine_carte) or "indicateurs du catalogue")
            + f"{annees_besoins.get(domaine_carte, '')} ; fond de carte IGN, ADMIN EXPRESS, COG 2026",
            "",
            decimales=0,
            centre=100,
            libelle_centre="100 = valeur de la France",
        )
        _ranger(carte, titre, cartes_axe, cartes_non_tracees, communes_geo)
        ec = ecarts_all[(ecarts_all["niveau"] == "commune") & (ecarts_all["code_domaine"] == domaine_carte)]
        titre = f"Écart besoin / offre – {libelle_domaine_carte}"
        carte = _carte(
            communes_geo,
            ec,
            "ecart",
            titre,
            "Source : indice de besoin"
            f"{_entre_parentheses(annees_besoins.get(domaine_carte))} moins "
            f"indice d'offre ({catalogue_offre} : {sources_offre}) ; "
            "fond de carte IGN, ADMIN EXPRESS, COG 2026",
            "",
            centre=0,
            libelle_centre="0 = besoin et offre au même niveau",
        )
        _ranger(carte, titre, cartes_axe, cartes_non_tracees, communes_geo)
        ac = acces[acces["code_domaine"] == domaine_carte].rename(columns={"code_commune": "code_territoire"})
        titre = f"Distance au service le plus proche – {libelle_domaine_carte}"
        carte = _carte(
            communes_geo,
            ac,
            "distance_km",
            titre,
            "Source : distances à vol d'oiseau au service le plus proche "
            f"({catalogue_offre} : {sources_offre}) ; "
            "fond de carte IGN, ADMIN EXPRESS, COG 2026",
            "km",
        )
        _ranger(carte, titre, cartes_axe, cartes_non_tracees, communes_geo)

        ind_axe = ind_dep[ind_dep["code_axe"] == code_axe]
        offre_axe = offre[offre["code_domaine"].isin(codes_domaines)]
        zones = ecarts_all[
            (ecarts_all["niveau"] == "commune")
            & ecarts_all["code_domaine"].isin(codes_domaines)
            & ecarts_all["zone_blanche"].fillna(False).astype(bool)
        ]
        if "libelle" not in zones:
            zones = zones.merge(
                communes_frame[["code_territoire", "libelle"]], on="code_territoire", how="left"
            )
        lm_axe = (
            liens_manquants[liens_manquants["code_domaine"].isin(codes_domaines)]
            if "code_domaine" in liens_manquants
            else liens_manquants.iloc[0:0]
        )
        parole_axe = (
            parole[parole["code_domaine"].isin(codes_domaines) | (parole.get("code_axe") == code_axe)]
            if "code_domaine" in parole
            else parole.iloc[0:0]
        )
        faib_axe = faiblesse[faiblesse["code_domaine"].isin(codes_domaines)]
        axes.append(
            {
                "code": code_axe,
                "libelle": domaines[0]["libelle_axe"],
                "domaines": domaines,
                "lignes_departement": lignes_dep,
                "lignes_infra": lignes_infra,
                # the EPT/EPCI ranking and the département's own ranking: two lists, never merged
                "classees": classees,
                "classees_departement": classees_dep,
                "non_classees_infra": non_classees(lignes_infra),
                "non_classees_departement": non_classees(lignes_dep),
                "couverture": enregistrements(couverture[couverture["code_axe"] == code_axe]),
                "constats": constats_axe(lignes_dep),
                "constats_classes": constats_classes(
                    enregistrements(ind_axe),
                    lignes_dep,
                    enregistrements(zones),
                    len(lm_axe),
                ),
                "donnees_manquantes": donnees_manquantes(lignes_infra + lignes_dep),
                "classees_infra": classees,
                "domaine_carte": libelle_domaine_carte,
                "motif_carte": motif_carte,
                "cartes": cartes_axe,
                "cartes_non_tracees": cartes_non_tracees,
                "indicateurs": enregistrements(ind_axe),
                "indicateurs_infra": enregistrements(ind_infra[ind_infra["code_axe"] == code_axe]),
                "offre": _avec_niveaux(
                    enregistrements(offre_axe.sort_values(["code_domaine", "niveau", "code_territoire"])),
                    niveaux,
                ),
                "zones_blanches": enregistrements(zones.sort_values(["code_domaine", "code_territoire"])),
                "liens_manquants": enregistrements(lm_axe.head(30)),
                "nb_liens_manquants": len(lm_axe),
                "parole": enregistrements(parole_axe.head(12)),
                "faiblesse": tableau_croise(
                    faib_axe,
                    colonnes_territoires,
                    {d["code_domaine"]: d["libelle_domaine"] for d in domaines},
                    "score",
                ),
                "pistes": enregistrements(pistes[pistes["code_axe"] == code_axe]),
            }
        )

    fiches = []
    for piste in enregistrements(pistes):
        pid = piste["id_piste"]
        fiches.append(
            {
                **piste,
                "acteurs": enregistrements(pistes_acteurs[pistes_acteurs["id_piste"] == pid]),
                "preuves": [
                    {**p, "libelle_type": TYPES_PREUVES.get(p["type_preuve"], p["type_preuve"])}
                    for p in enregistrements(pistes_preuves[pistes_preuves["id_piste"] == pid])
                ],
            }
        )
    fiches = _avec_niveaux(fiches, niveaux)
    for f in fiches:
        for a in f["acteurs"]:
            a["libelle_role"] = ROLES_ACTEURS.get(a.get("role"), (a.get("role") or "").replace("_", " "))

    natures = natures_densite(con)  # the density grid's levels: urbain or rural
    communes_frame = communes_frame.assign(
        type_zone=[
            type_zone(d, q, natures)
            for d, q in zip(
                communes_frame.get("grille_densite", pd.Series([None] * len(communes_frame))),
                communes_frame.get("est_qpv", pd.Series([None] * len(communes_frame))),
                strict=True,
            )
        ]
    )
    typologie = [
        {
            "grille": "Zones : urbain ou rural, avec ou sans quartier prioritaire",
            "source": "INSEE et ANCT, grille communale de densité ; ANCT, quartiers prioritaires 2024",
            "classes": enregistrements(
                communes_frame.groupby("type_zone")
                .agg(nb_communes=("code_territoire", "count"), population=("population", "sum"))
                .reindex([t for t in TYPES_ZONES if t in set(communes_frame["type_zone"])])
                .reset_index()
                .rename(columns={"type_zone": "classe"})
            ),
        }
    ]
    for colonne in ("grille_densite", "grille_ruralite", "grille_centralite"):
        if colonne in communes_frame:
            groupe = (
                communes_frame.assign(_c=communes_frame[colonne].fillna("non renseigné"))
                .groupby("_c", dropna=False)
                .agg(nb_communes=("code_territoire", "count"), population=("population", "sum"))
                .reset_index()
                .rename(columns={"_c": "classe"})
            )
            titre, table = TYPOLOGIES[colonne]
            source = next(
                (
                    f"{s['producteur']}, {s['jeu_de_donnees']}"
                    for s in _sources(con, [c for c in millesimes if c["table_name"] == table])
                ),
                None,
            )
            typologie.append({"grille": titre, "source": source, "classes": enregistrements(groupe)})
    qpv_col = "est_qpv" if "est_qpv" in communes_frame else None
    communes_qpv = int(communes_frame[qpv_col].fillna(False).astype(bool).sum()) if qpv_col else None

    revue = _revue_actions(con, code, passages)

    annexes = []
    for terr in enregistrements(infra):
        lignes = ind_infra[ind_infra["code_territoire"] == terr["code_territoire"]]
        annexes.append({**terr, "indicateurs": enregistrements(lignes)})
    annexes = _avec_niveaux(annexes, niveaux)

    repertoire = acteurs
    if "type_noeud" in acteurs:
        repertoire = acteurs[acteurs["type_noeud"] == "acteur"]
    noms_communes = dict(zip(communes_frame["code_territoire"], communes_frame["libelle"], strict=True))
    repertoire = [
        {
            **a,
            "libelle_commune": noms_communes.get(a.get("code_commune")),
            "libelle_type": a.get("libelle_type_acteur") or (a.get("type_acteur") or "").replace("_", " "),
        }
        for a in enregistrements(repertoire)
    ]
    repertoire.sort(key=lambda a: (str(a.get("libelle_type") or ""), str(a.get("libelle") or "")))

    carte_typologie = None
    if communes_geo:
        carte_typologie = cartes.carte_categories(
            communes_geo,
            {r["code_territoire"]: r["type_zone"] for r in enregistrements(communes_frame)},
            "Typologie des communes : urbain ou rural, avec ou sans quartier prioritaire",
            "Source : INSEE, grille de densité (ANCT 2025) ; ANCT, QPV 2024 ; géométrie IGN ADMIN EXPRESS, "
            "COG 2026",
            ordre=TYPES_ZONES,
        )

    contexte = {
        "departement": dep,
        "genere_le": dt.datetime.now().strftime("%d/%m/%Y à %H:%M"),
        "axes": axes,
        "priorites": enregistrements(priorites),
        "nb_insuffisantes": int((~priorites["donnees_suffisantes"].astype(bool)).sum()),
        "fiches": fiches,
        "chargements": millesimes,
        "gouvernance": gouvernance,
        "ponderations": ponderations,
        "ponderations_json": json.dumps(ponderations, ensure_ascii=False, indent=1) if ponderations else None,
        "communes": enregistrements(communes_frame),
        "nb_communes": len(communes_frame),
        "communes_qpv": communes_qpv,
        "territoires_infra": _avec_niveaux(enregistrements(infra), niveaux),
        "colonnes_territoires": colonnes_territoires,
        "typologie": typologie,
        "carte_typologie": carte_typologie,
        "indicateurs_departement": enregistrements(ind_dep),
        "indicateurs_communes": enregistrements(ind_communes),
        "revue": revue["documents"],
        "avancements": revue["avancements"],
        "passages_calpae_spie": revue["passages"],
        "documents_ecartes_revue": revue["ecartes"],
        "nb_documents": len(documents),
        "annexes": annexes,
        "repertoire": repertoire,
        "sources_offre": sources_offre,
        "statuts_avancement": STATUTS_AVANCEMENT,
        "sources": _sources(con, millesimes),
        "niveaux": niveaux,
        "geo_erreur": geo_erreur,
        # the comité's decisions and their progress (issue 17, rapport/suivi.py)
        "suivi": suivi_departement(con, code, aujourd_hui or dt.date.today()),
    }
    # the « Comparaison » part (peers, région, France, trends): its own module
    return completer_comparaison(con, code, contexte)
