"""The per-axis part of the report context: for each axis of the Pacte, its ranked priorities, its
three commune maps (need, gap, distance), its tables (indicators, offer, white zones, missing
links, testimonies, coordination weakness) and its leads.

:func:`axes_du_rapport` is called by :func:`rapport.contexte.contexte_departement` with the frames
it read; nothing here reads the warehouse. Split from rapport/contexte.py (issue 13, point 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from rapport import cartes
from rapport.constats import constats_axe, constats_classes, donnees_manquantes, non_classees
from rapport.lectures import _propre, enregistrements

__all__ = ["SourcesCartes", "axes_du_rapport", "avec_niveaux", "tableau_croise"]

#: the base map's source, cited by every commune map
FOND_DE_CARTE = "fond de carte IGN, ADMIN EXPRESS, COG 2026"


@dataclass(frozen=True)
class SourcesCartes:
    """What the maps' captions cite: the need index's sources and years per domain, the offer
    catalogue (« catalogue de l'offre chargé le … ») and its lists."""

    sources_besoins: dict[str, str]
    annees_besoins: dict[str, str]
    catalogue_offre: str
    sources_offre: str


def avec_niveaux(lignes: list[dict[str, Any]], niveaux: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Rows with ``libelle_niveau`` (« EPT », « département ») beside their ``niveau`` code."""
    for ligne in lignes:
        n = ligne.get("niveau")
        ligne["libelle_niveau"] = niveaux[n]["libelle_court"] if n in niveaux else (n or "")
        ligne["nom_niveau"] = niveaux[n]["libelle"] if n in niveaux else (n or "")
    return lignes


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


def _entre_parentheses(annees: str | None) -> str:
    """« , 2020-2025 » → « (2020-2025) »; nothing when absent."""
    return f" ({annees.lstrip(', ')})" if annees else ""


def _domaine_le_mieux_mesure(besoins_communes: pd.DataFrame, codes_domaines: list[str]) -> str:
    """The domain of ``codes_domaines`` with the most communes having a need index (first on ties)."""
    comptes = (
        besoins_communes[besoins_communes["indice_besoin"].notna()].groupby("code_domaine").size().to_dict()
    )
    return max(codes_domaines, key=lambda d: (comptes.get(d, 0), -codes_domaines.index(d)))


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


def _classees(lignes: list[dict[str, Any]], echelle: str | None = None) -> list[dict[str, Any]]:
    """The ranked rows of ``lignes`` (of scale ``echelle`` when given), by rank in the axis."""
    return sorted(
        (x for x in lignes if x["rang_axe"] is not None and (echelle is None or x["echelle"] == echelle)),
        key=lambda x: x["rang_axe"],
    )


def _domaine_carte(
    classees: list[dict[str, Any]], besoins_communes: pd.DataFrame, codes_domaines: list[str]
) -> tuple[str, str]:
    """The domain the axis's maps show and why: the first ranked priority's, else the domain whose
    need index is known in the most communes, else the axis's first domain."""
    if classees:
        return classees[0]["code_domaine"], "première priorité de l'axe"
    domaine = _domaine_le_mieux_mesure(besoins_communes, codes_domaines)
    mesure = besoins_communes[
        (besoins_communes["code_domaine"] == domaine) & besoins_communes["indice_besoin"].notna()
    ]
    motif = (
        "aucune priorité classée sur l'axe : domaine dont l'indice de besoin est connu "
        "dans le plus de communes"
        if not mesure.empty
        else "aucune priorité classée ni indice de besoin communal sur l'axe : premier domaine de l'axe"
    )
    return domaine, motif


def _cartes_domaine(
    communes_geo,
    domaine: str,
    libelle: str,
    besoins_communes: pd.DataFrame,
    ecarts: pd.DataFrame,
    acces: pd.DataFrame,
    sources: SourcesCartes,
) -> tuple[list, list[str]]:
    """The need, gap and distance maps of ``domaine`` by commune, and the titles of those not drawn."""
    tracees: list = []
    non_tracees: list[str] = []
    annees = sources.annees_besoins.get(domaine)
    offre_citee = f"{sources.catalogue_offre} : {sources.sources_offre}"
    titre = f"Indice de besoin – {libelle} (100 = France)"
    carte = _carte(
        communes_geo,
        besoins_communes[besoins_communes["code_domaine"] == domaine],
        "indice_besoin",
        titre,
        "Source : indice de besoin calculé à partir de "
        + (sources.sources_besoins.get(domaine) or "indicateurs du catalogue")
        + f"{sources.annees_besoins.get(domaine, '')} ; {FOND_DE_CARTE}",
        "",
        decimales=0,
        centre=100,
        libelle_centre="100 = valeur de la France",
    )
    _ranger(carte, titre, tracees, non_tracees, communes_geo)
    titre = f"Écart besoin / offre – {libelle}"
    carte = _carte(
        communes_geo,
        ecarts[(ecarts["niveau"] == "commune") & (ecarts["code_domaine"] == domaine)],
        "ecart",
        titre,
        f"Source : indice de besoin{_entre_parentheses(annees)} moins indice d'offre ({offre_citee}) ; "
        f"{FOND_DE_CARTE}",
        "",
        centre=0,
        libelle_centre="0 = besoin et offre au même niveau",
    )
    _ranger(carte, titre, tracees, non_tracees, communes_geo)
    titre = f"Distance au service le plus proche – {libelle}"
    carte = _carte(
        communes_geo,
        acces[acces["code_domaine"] == domaine].rename(columns={"code_commune": "code_territoire"}),
        "distance_km",
        titre,
        f"Source : distances à vol d'oiseau au service le plus proche ({offre_citee}) ; {FOND_DE_CARTE}",
        "km",
    )
    _ranger(carte, titre, tracees, non_tracees, communes_geo)
    return tracees, non_tracees


def _zones_blanches(ecarts: pd.DataFrame, communes: pd.DataFrame, codes_domaines: list[str]) -> pd.DataFrame:
    """The communes without any service of a domain of ``codes_domaines`` within reach, named."""
    zones = ecarts[
        (ecarts["niveau"] == "commune")
        & ecarts["code_domaine"].isin(codes_domaines)
        & ecarts["zone_blanche"].fillna(False).astype(bool)
    ]
    if "libelle" not in zones:
        zones = zones.merge(communes[["code_territoire", "libelle"]], on="code_territoire", how="left")
    return zones


def _axe(
    d: dict[str, pd.DataFrame],
    code_axe: str,
    domaines: list[dict[str, Any]],
    communes_geo,
    sources: SourcesCartes,
    colonnes_territoires: list[dict[str, Any]],
    niveaux: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """Everything the report shows of axis ``code_axe`` (see :func:`axes_du_rapport` for ``d``)."""
    priorites = d["priorites"]
    codes_domaines = [x["code_domaine"] for x in domaines]
    lignes_dep = enregistrements(
        priorites[(priorites["code_axe"] == code_axe) & (priorites["echelle"] == "departement")]
    )
    lignes_infra = enregistrements(
        priorites[(priorites["code_axe"] == code_axe) & (priorites["echelle"] == "infra")]
    )
    classees = _classees(lignes_infra + lignes_dep, "infra")
    classees_dep = _classees(lignes_dep)
    domaine_carte, motif_carte = _domaine_carte(
        classees or classees_dep, d["besoins_communes"], codes_domaines
    )
    libelle_domaine_carte = next(x["libelle_domaine"] for x in domaines if x["code_domaine"] == domaine_carte)
    cartes_axe, cartes_non_tracees = _cartes_domaine(
        communes_geo,
        domaine_carte,
        libelle_domaine_carte,
        d["besoins_communes"],
        d["ecarts"],
        d["acces"],
        sources,
    )

    ind_dep, ind_infra = d["indicateurs_departement"], d["indicateurs_infra"]
    ind_axe = ind_dep[ind_dep["code_axe"] == code_axe]
    offre_axe = d["offre"][d["offre"]["code_domaine"].isin(codes_domaines)]
    zones = _zones_blanches(d["ecarts"], d["communes"], codes_domaines)
    liens_manquants, parole, faiblesse = d["liens_manquants"], d["parole"], d["faiblesse"]
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
    couverture, pistes = d["couverture"], d["pistes"]
    return {
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
            enregistrements(ind_axe), lignes_dep, enregistrements(zones), len(lm_axe)
        ),
        "donnees_manquantes": donnees_manquantes(lignes_infra + lignes_dep),
        "classees_infra": classees,
        "domaine_carte": libelle_domaine_carte,
        "motif_carte": motif_carte,
        "cartes": cartes_axe,
        "cartes_non_tracees": cartes_non_tracees,
        "indicateurs": enregistrements(ind_axe),
        "indicateurs_infra": enregistrements(ind_infra[ind_infra["code_axe"] == code_axe]),
        "offre": avec_niveaux(
            enregistrements(offre_axe.sort_values(["code_domaine", "niveau", "code_territoire"])), niveaux
        ),
        "zones_blanches": enregistrements(zones.sort_values(["code_domaine", "code_territoire"])),
        "liens_manquants": enregistrements(lm_axe.head(30)),
        "nb_liens_manquants": len(lm_axe),
        "parole": enregistrements(parole_axe.head(12)),
        "faiblesse": tableau_croise(
            faib_axe,
            colonnes_territoires,
            {x["code_domaine"]: x["libelle_domaine"] for x in domaines},
            "score",
        ),
        "pistes": enregistrements(pistes[pistes["code_axe"] == code_axe]),
    }


def axes_du_rapport(
    d: dict[str, pd.DataFrame],
    communes_geo,
    sources: SourcesCartes,
    colonnes_territoires: list[dict[str, Any]],
    niveaux: dict[str, dict[str, str]],
) -> list[dict[str, Any]]:
    """One entry per axis of marts.axes_domaines, in code order.

    ``d``: the département's frames read by :func:`rapport.contexte.contexte_departement`
    (``axes_domaines``, ``priorites``, ``couverture``, ``communes``, ``besoins_communes``, ``ecarts``,
    ``acces``, ``offre``, ``indicateurs_departement``, ``indicateurs_infra``, ``liens_manquants``,
    ``parole``, ``faiblesse``, ``pistes``)."""
    return [
        _axe(d, code_axe, enregistrements(groupe), communes_geo, sources, colonnes_territoires, niveaux)
        for code_axe, groupe in d["axes_domaines"].groupby("code_axe", sort=True)
    ]
