"""The comité's corrections of the network as registry facts (issue 17).

``staging.stg_suivi__reseau_corrections`` (the dbt view over the rows :mod:`ingest.suivi` reads from
the « acteurs et liens » workbooks) holds actors added, links added and links marked wrong, each with
its author's role and date. The graph reads them like the registry of ``registre/<code>/``, never as
anonymous edits:

- an added actor is a registry actor whose node ``sources`` is ``["comite"]``;
- an added link is a registry link whose evidence has origin ``comite`` and kind ``comite``, its
  reference the evidence the comité gave, its comment the author's role and the date;
- a link marked wrong is removed from the graph after it is built (so from ``marts.liens`` and
  from the analysis); it stays in the view and in ``marts.reseau_corrections``.

The graph reads the corrections through dbt like its other inputs (issue 13; the view is one of
:data:`graph.modele.SOURCES`, so the graph asset depends on it). The order that makes this work: the
workbooks' reader runs before dbt's first step, like the other raw readers (it checks a workbook
against the seed files through :mod:`ingest.vocabulaires`, the communes of the raw COG and the
previous build's actors and links); that step builds the view; the graph reads it. The view has no
data test, so a new workbook does not make that step rebuild the national marts
(:mod:`orchestration.dbt_etat` counts a source read only by views by its columns).

Several versions may add the same actor (same name and commune, so the same ``comite:`` key) or
the same link: the latest version's row is kept.

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame([{"action": "lien_errone", "id_source": "a", "id_cible": "b", "type_lien": "pilote"}])
>>> liens_ecartes(c)
[('a', 'b', 'pilote')]
"""

from __future__ import annotations

import duckdb
import networkx as nx
import pandas as pd

__all__ = ["TABLE", "CONFIANCE", "lire_corrections", "completer_registre", "liens_ecartes", "retirer_liens"]

TABLE = "staging.stg_suivi__reseau_corrections"
CONFIANCE = 0.8  # a link the comité states, with its evidence: as strong as a public page


def lire_corrections(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The comité's corrections of département ``code`` (empty when none was ever deposited)."""
    return con.execute(
        f"select * from {TABLE} where code_departement = ? order by date_saisie, depose_le, version, ligne",
        [code],
    ).df()


def _auteur(row: dict) -> str:
    date = row.get("date_saisie")
    date = pd.Timestamp(date).strftime("%d/%m/%Y") if date is not None and not pd.isna(date) else ""
    return f"comité de suivi : {row.get('auteur_role')}, {date}"


def completer_registre(registre, corrections: pd.DataFrame, code: str):
    """The registry of ``code`` with the actors and links the comité added (a new Registre)."""
    from graph.registre import Registre

    if corrections is None or not len(corrections):
        return registre
    rows = corrections.astype(object).where(corrections.notna(), None).to_dict("records")
    acteurs = {}
    liens = {}
    for r in rows:
        if r["action"] == "ajout_acteur":
            acteurs[r["id_acteur"]] = {
                "code_departement": code,
                "_line": int(r["ligne"]),
                "id_acteur": r["id_acteur"],
                "nom": r["nom"],
                "type_acteur": r["type_acteur"],
                "siret": None,
                "code_commune": r["code_commune"],
                "niveau_territoire": None,
                "code_territoire": None,
                "id_structure": None,
                "ids_externes": None,
                "source": r["preuve"],
                "commentaire": _auteur(r),
                "origine": "comite",
                "_source_file": r["fichier"],
            }
        elif r["action"] == "ajout_lien":
            liens[(r["id_source"], r["id_cible"], r["type_lien"])] = {
                "code_departement": code,
                "_line": int(r["ligne"]),
                "source": r["id_source"],
                "cible": r["id_cible"],
                "type_lien": r["type_lien"],
                "preuve_type": "comite",
                "preuve_reference": r["preuve"],
                "confiance": CONFIANCE,
                "date_preuve": pd.Timestamp(r["date_saisie"]).strftime("%Y-%m-%d")
                if r.get("date_saisie")
                else None,
                "commentaire": _auteur(r) + (f" – {r['commentaire']}" if r.get("commentaire") else ""),
                "_source_file": r["fichier"],
            }
    base_acteurs = registre.acteurs if registre is not None else pd.DataFrame()
    base_liens = registre.liens if registre is not None else pd.DataFrame()
    if "origine" not in base_acteurs.columns:
        base_acteurs = base_acteurs.assign(origine="registre")
    nouveaux = pd.DataFrame(list(acteurs.values()))
    if len(nouveaux) and len(base_acteurs):
        nouveaux = nouveaux[~nouveaux["id_acteur"].isin(set(base_acteurs["id_acteur"]))]
    frames_a = [f for f in (base_acteurs, nouveaux) if len(f)]
    frames_l = [f for f in (base_liens, pd.DataFrame(list(liens.values()))) if len(f)]
    return Registre(
        pd.concat(frames_a, ignore_index=True) if frames_a else base_acteurs,
        registre.dispositifs if registre is not None else pd.DataFrame(),
        pd.concat(frames_l, ignore_index=True) if frames_l else base_liens,
        list(registre.errors) if registre is not None else [],
        [code],
    )


def liens_ecartes(corrections: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(source, cible, type_lien) of the links the comité marked wrong."""
    if corrections is None or not len(corrections):
        return []
    wrong = corrections[corrections["action"] == "lien_errone"]
    return sorted({(r.id_source, r.id_cible, r.type_lien) for r in wrong.itertuples()})


def retirer_liens(graph: nx.MultiDiGraph, ecartes: list[tuple[str, str, str]]) -> int:
    """Remove the links marked wrong from the graph; returns how many were there."""
    retires = 0
    for source, cible, type_lien in ecartes:
        if graph.has_edge(source, cible, key=type_lien):
            graph.remove_edge(source, cible, key=type_lien)
            retires += 1
    return retires
