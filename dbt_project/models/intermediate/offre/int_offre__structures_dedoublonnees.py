"""Deduplication of the offer's structures across sources: one ``id_structure`` per real place.

Two records of the catalogue are the same structure when one of these rules matches
(``regle_fusion`` says which one attached a record to its group):

``siret``
    same SIRET (14 digits, establishment level) in the same commune;
``nom_commune``
    same commune and the same *distinctive* name words (the name without articles, legal
    forms, words of network names such as "France Travail", "Mission locale", "France
    services", "agence", and without the words of the commune's own name), at least one such
    word, networks compatible, and no two reliable coordinates more than
    ``VETO_DISTANCE_M`` apart;
``nom_adresse``
    same commune, same normalised address, the same distinctive words (possibly none, e.g.
    "Mission locale" and "MISSION LOCALE") and compatible networks;
``coordonnees``
    coordinates closer than ``offre_dedoublonnage_distance_m`` (50 m), compatible networks and
    similar distinctive names (overlap of words ≥ ``offre_dedoublonnage_similarite_nom``; two
    names without distinctive words must then be equal).

Two records of the same source are distinct structures by that source's own account: only
the ``siret`` rule merges them (e.g. one SIAE listed once per convention, ACI and AI). Networks
are *compatible* unless both records name networks and none is shared: a France
services and a mission locale in the same building are two structures. Matching only on
words of a network name is impossible by construction: those words are removed before
comparing, so "France Travail Saint-Denis Pleyel" and "France Travail Saint-Denis Porte de
Paris" (distinctive words ``pleyel`` / ``porte paris``) stay apart. Groups are the connected
components of the matches (networkx's union-find). Structures rebuilt from services without a
description (``structure_reconstituee``) carry no real name and are never merged by name.
"""

import math
import re

import numpy as np
import pandas as pd
from networkx.utils import UnionFind
from scipy.spatial import cKDTree

# the name key shared with the dbt macro normaliser_nom (its Python twin, one definition)
from ingest.vocabulaires import normaliser_nom

EARTH_RADIUS_M = 6_371_008.8
VETO_DISTANCE_M = 300.0

# articles, prepositions and legal forms
MOTS_VIDES = frozenset(
    "a au aux d de des du en et l la le les par pour sur sous un une "
    "sa sas sasu sarl eurl scop scic sci gie assoc asso association ass cooperative".split()
)
# words of the networks' and national programmes' names: shared by every site of a network
MOTS_DE_RESEAU = frozenset(
    "agence agences antenne antennes ale ape site sites bureau permanence point points relais "
    "france travail pole emploi services service mission missions locale locales ml "
    "maison maisons espace espaces centre centres ccas cias communal intercommunal action sociale "
    "conseiller conseillers numerique numeriques cnfs fabrique fabriques territoire tiers lieu lieux "
    "esat geiq aci ai ei etti eiti siae structure insertion".split()
)


def noyau_nom(nom: object, nom_commune: object = "") -> tuple[str, ...]:
    """The distinctive words of a structure name, sorted (no articles, network words, commune words).

    Examples
    --------
    >>> noyau_nom("France Travail Saint-Denis Pleyel", "Saint-Denis")
    ('pleyel',)
    >>> noyau_nom("Mission Locale de Bondy", "Bondy")
    ()
    >>> noyau_nom("ASSOC JARDINS DE COCAGNE", "Thaon-les-Vosges")
    ('cocagne', 'jardins')
    """
    mots_commune = set(normaliser_nom(nom_commune).split())
    return tuple(sorted({
        mot for mot in normaliser_nom(nom).split()
        if mot not in MOTS_VIDES and mot not in MOTS_DE_RESEAU and mot not in mots_commune
    }))


def _liste(valeur: object) -> list:
    """A list column's value as a Python list (NULL, NA and NaN give an empty list)."""
    if isinstance(valeur, (list, tuple, np.ndarray)):
        return list(valeur)
    return []


def reseaux_compatibles(a: object, b: object) -> bool:
    """False only when both records name networks and share none.

    Examples
    --------
    >>> reseaux_compatibles(["france-service"], ["mission-locale"])
    False
    >>> reseaux_compatibles(["france-service", "la-poste"], ["france-service"])
    True
    >>> reseaux_compatibles(None, ["mission-locale"])
    True
    """
    sa, sb = set(_liste(a)), set(_liste(b))
    return not sa or not sb or bool(sa & sb)


def similarite_noyaux(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Overlap of two sets of distinctive words (|A∩B| / min(|A|, |B|)); equal empty sets give 1.

    Examples
    --------
    >>> similarite_noyaux(("pleyel",), ("porte", "paris"))
    0.0
    >>> similarite_noyaux(("cocagne", "jardins"), ("cocagne", "jardins", "vosges"))
    1.0
    >>> similarite_noyaux((), ())
    1.0
    """
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return len(set(a) & set(b)) / min(len(set(a)), len(set(b)))


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine).

    Examples
    --------
    >>> round(distance_m(2.3499, 48.8530, 2.3597, 48.9356))  # Notre-Dame → basilique de Saint-Denis
    9213
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def _a_des_coordonnees(row: dict) -> bool:
    lon, lat = row.get("longitude"), row.get("latitude")
    return lon is not None and lat is not None and not (pd.isna(lon) or pd.isna(lat))


def paires_candidates(frame: pd.DataFrame, distance_max_m: float,
                      similarite_min: float) -> list[tuple[int, int, str]]:
    """All matching pairs ``(i, j, rule)`` (positional indexes, i < j), rules in priority order."""
    paires: list[tuple[int, int, str]] = []
    rows = frame.to_dict("records")
    for row in rows:
        row["_xy"] = _a_des_coordonnees(row)

    def veto(i: int, j: int) -> bool:
        a, b = rows[i], rows[j]
        if not (a["_xy"] and b["_xy"]):
            return False
        return distance_m(a["longitude"], a["latitude"], b["longitude"], b["latitude"]) > VETO_DISTANCE_M

    def par_groupe(colonnes: list[str], regle: str, condition) -> None:
        cles = frame[colonnes]
        valide = cles.notna().all(axis=1)
        lignes_valides = np.flatnonzero(valide.to_numpy())
        for indices in frame[valide].groupby(colonnes, sort=False).indices.values():
            positions = lignes_valides[indices].tolist()
            for x in range(len(positions)):
                for y in range(x + 1, len(positions)):
                    i, j = positions[x], positions[y]
                    if condition(i, j):
                        paires.append((i, j, regle))

    # 1. same SIRET in the same commune
    par_groupe(["siret", "code_commune"], "siret", lambda i, j: True)
    def sources_differentes(i: int, j: int) -> bool:
        return rows[i]["table_source"] != rows[j]["table_source"]

    # 2. same distinctive name in the same commune
    par_groupe(["code_commune", "cle_noyau"], "nom_commune",
               lambda i, j: sources_differentes(i, j)
               and reseaux_compatibles(rows[i]["reseaux_porteurs"], rows[j]["reseaux_porteurs"])
               and not veto(i, j))
    # 3. same address in the same commune, same distinctive name (possibly none)
    par_groupe(["code_commune", "adresse_normalisee", "cle_noyau_ou_vide"], "nom_adresse",
               lambda i, j: sources_differentes(i, j)
               and reseaux_compatibles(rows[i]["reseaux_porteurs"], rows[j]["reseaux_porteurs"]))
    # 4. very close coordinates and similar names
    with_xy = [k for k, r in enumerate(rows) if r["_xy"]]
    if len(with_xy) > 1:
        lon = np.radians([rows[k]["longitude"] for k in with_xy])
        lat = np.radians([rows[k]["latitude"] for k in with_xy])
        xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        chord = 2 * math.sin(distance_max_m / EARTH_RADIUS_M / 2)
        for a, b in sorted(cKDTree(xyz).query_pairs(chord)):
            i, j = sorted((with_xy[a], with_xy[b]))
            ri, rj = rows[i], rows[j]
            if ri["reconstituee"] or rj["reconstituee"] or ri["table_source"] == rj["table_source"]:
                continue
            if not reseaux_compatibles(ri["reseaux_porteurs"], rj["reseaux_porteurs"]):
                continue
            if ri["noyau"] or rj["noyau"]:
                ok = similarite_noyaux(ri["noyau"], rj["noyau"]) >= similarite_min
            else:
                ok = ri["nom_normalise"] == rj["nom_normalise"]
            if ok:
                paires.append((i, j, "coordonnees"))
    return paires


def dedoublonner(frame: pd.DataFrame, distance_max_m: float = 50.0,
                 similarite_min: float = 0.5) -> pd.DataFrame:
    """Group the catalogue's structures; one row per input record.

    Parameters
    ----------
    frame : DataFrame with ``cle_structure``, ``table_source``, ``nom``, ``nom_commune``, ``siret``,
        ``code_commune``,
        ``adresse``, ``longitude``, ``latitude`` (reliable coordinates only, else NULL),
        ``reseaux_porteurs`` (list or None), ``structure_reconstituee`` and ``priorite_source``.

    Returns
    -------
    DataFrame ``cle_structure``, ``id_structure`` (the key of the group's preferred record:
    best source priority, then smallest key), ``regle_fusion`` (rule that attached the
    record to its group, ``aucune`` when alone) and ``taille_groupe``.

    Examples
    --------
    >>> f = pd.DataFrame({"cle_structure": ["a--1", "b--9"], "table_source": ["a", "b"],
    ...     "nom": ["Mission locale de Bondy", "MISSION LOCALE"],
    ...     "nom_commune": ["Bondy", "Bondy"], "siret": [None, None], "code_commune": ["93010", "93010"],
    ...     "adresse": ["12 rue Roger Salengro", "12, RUE ROGER SALENGRO"], "longitude": [None, None],
    ...     "latitude": [None, None], "reseaux_porteurs": [["mission-locale"], ["mission-locale"]],
    ...     "structure_reconstituee": [False, False], "priorite_source": [6, 2]})
    >>> dedoublonner(f)[["cle_structure", "id_structure", "regle_fusion"]].values.tolist()
    [['a--1', 'b--9', 'nom_adresse'], ['b--9', 'b--9', 'nom_adresse']]
    """
    frame = frame.reset_index(drop=True).copy()
    frame["reconstituee"] = frame["structure_reconstituee"].fillna(False).astype(bool)
    frame["nom_normalise"] = frame["nom"].map(normaliser_nom)
    frame["noyau"] = [noyau_nom(n, c) for n, c in zip(frame["nom"], frame["nom_commune"], strict=True)]
    # a name rule needs at least one distinctive word of two letters or more ("0" is not a name)
    frame["cle_noyau"] = [
        " ".join(n) if any(len(re.sub(r"[^a-z]", "", mot)) >= 2 for mot in n) and not r else None
        for n, r in zip(frame["noyau"], frame["reconstituee"], strict=True)
    ]
    frame["cle_noyau_ou_vide"] = [
        " ".join(n) if not r else None for n, r in zip(frame["noyau"], frame["reconstituee"], strict=True)
    ]
    frame["adresse_normalisee"] = frame["adresse"].map(normaliser_nom).replace("", None)
    for colonne in ("siret", "code_commune"):
        frame[colonne] = frame[colonne].astype(object).where(frame[colonne].notna(), None)
    n = len(frame)
    groupes = UnionFind(range(n))
    regle = ["aucune"] * n
    for i, j, nom_regle in paires_candidates(frame, distance_max_m, similarite_min):
        if groupes[i] != groupes[j]:  # a pair joining two groups names the rule of its records
            groupes.union(i, j)
            for k in (i, j):
                if regle[k] == "aucune":
                    regle[k] = nom_regle
    # the group's label is only a grouping key: its preferred record is chosen below
    frame["_groupe"] = [groupes[k] for k in range(n)]
    frame["_priorite"] = frame["priorite_source"].fillna(99) + frame["reconstituee"].astype(int) * 100
    preferes = (frame.sort_values(["_groupe", "_priorite", "cle_structure"])
                .drop_duplicates("_groupe").set_index("_groupe")["cle_structure"])
    taille = frame.groupby("_groupe")["cle_structure"].transform("size")
    return pd.DataFrame({
        "cle_structure": frame["cle_structure"],
        "id_structure": frame["_groupe"].map(preferes),
        "regle_fusion": regle,
        "taille_groupe": taille.astype(int),
    })


def model(dbt, session):
    dbt.config(materialized="table")
    distance = dbt.config.get("distance_m")
    similarite = dbt.config.get("similarite_nom")
    distance = float(distance) if distance is not None else 50.0
    similarite = float(similarite) if similarite is not None else 0.5
    structures = dbt.ref("int_offre__structures_unies").df()[[
        "cle_structure", "table_source", "nom", "siret", "adresse", "reseaux_porteurs",
        "structure_reconstituee",
        "priorite_source"]]
    lieux = dbt.ref("int_offre__lieux_localises").df()
    lieux = lieux[lieux.type_lieu == "structure"]
    communes = dbt.ref("int_communes__hierarchie").df()[["code_commune", "libelle"]]
    frame = structures.merge(lieux[["cle", "code_commune", "longitude", "latitude", "origine_coordonnees"]],
                             left_on="cle_structure", right_on="cle", how="left")
    frame = frame.merge(communes.rename(columns={"libelle": "nom_commune"}), on="code_commune", how="left")
    # only the source's own (reliable) coordinates identify a place; a commune's point does not
    fiable = frame["origine_coordonnees"] == "source"
    frame["longitude"] = frame["longitude"].where(fiable, None)
    frame["latitude"] = frame["latitude"].where(fiable, None)
    frame["reseaux_porteurs"] = frame["reseaux_porteurs"].map(_liste)
    return dedoublonner(frame, distance, similarite)
