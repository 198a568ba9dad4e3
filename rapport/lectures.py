"""The report's reads of the marts that need more than one table: loads and sources of the data,
evidence of the leads, latest indicators, governance of the dispositifs, review of the actions.

Each reader takes an open DuckDB connection and returns records or frames for
:func:`rapport.contexte.contexte_departement`. Split from rapport/contexte.py (issue 13).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from rapport.donnees import MartManquant, colonnes, lire, liste_marts

__all__ = ["enregistrements"]


def _propre(valeur: Any) -> Any:
    if valeur is None:
        return None
    if isinstance(valeur, float) and math.isnan(valeur):
        return None
    if valeur is pd.NA or valeur is pd.NaT:
        return None
    if hasattr(valeur, "item") and not isinstance(valeur, str | bytes):
        try:
            return valeur.item()
        except (ValueError, AttributeError):
            return valeur
    return valeur


def enregistrements(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts with NaN/NA turned into ``None``.

    Examples
    --------
    >>> enregistrements(pd.DataFrame({"a": [1.0, float("nan")]}))
    [{'a': 1.0}, {'a': None}]
    """
    return [{k: _propre(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _chargements(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    tables = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    if "_chargements" not in tables:
        return []
    frame = lire(
        con,
        """
        select table_name, source_file, vintage, mode, stale, rows_loaded, rows_quarantined, loaded_at,
               coalesce(starts_with(message, 'livraison refusée'), false) as livraison_refusee
        from raw._chargements
        qualify row_number() over (partition by table_name order by loaded_at desc) = 1
        order by table_name""",
    )
    frame["loaded_at"] = frame["loaded_at"].map(lambda d: d.strftime("%d/%m/%Y %H:%M") if pd.notna(d) else "")
    frame["fichier"] = frame["source_file"].map(
        lambda s: "; ".join(Path(p).name for p in str(s).split(";")) if s else ""
    )
    return enregistrements(frame)


def _sources(con: duckdb.DuckDBPyConnection, chargements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sources of the diagnostic as people name them (seed ``sources_donnees``: publisher and
    dataset), one row per dataset, grouped by part of the diagnostic, with the rows loaded.

    A loaded table the seed does not name is listed under « Autres sources » with the reader's own
    description of its vintage, never under its table name."""
    noms: dict[str, dict[str, Any]] = {}
    if "sources_donnees" in liste_marts(con):
        noms = {
            r["table_brute"]: r for r in enregistrements(lire(con, "select * from marts.sources_donnees"))
        }
    groupes: dict[tuple[str, str, str], dict[str, Any]] = {}
    for c in chargements:
        nom = noms.get(c["table_name"])
        cle = (
            (nom["theme"], nom["producteur"], nom["jeu_de_donnees"])
            if nom
            else ("Autres sources", "–", str(c.get("vintage") or "source non décrite"))
        )
        g = groupes.setdefault(
            cle,
            {
                "theme": cle[0],
                "producteur": cle[1],
                "jeu_de_donnees": cle[2],
                "lignes": 0,
                "rejets": 0,
                "charge_le": "",
                "ancienne_copie": False,
                "livraison_refusee": False,
            },
        )
        g["lignes"] += int(c.get("rows_loaded") or 0)
        g["rejets"] += int(c.get("rows_quarantined") or 0)
        g["ancienne_copie"] = g["ancienne_copie"] or bool(c.get("stale"))
        # stale because its last delivery was refused (ingest.livraison.REFUSED_MARK), not a live fallback
        g["livraison_refusee"] = g["livraison_refusee"] or bool(c.get("livraison_refusee"))
        date = str(c.get("loaded_at") or "")[:10]
        g["charge_le"] = max(g["charge_le"], date, key=lambda d: d[6:10] + d[3:5] + d[0:2])
    ordre = ["Besoins", "Offre", "Acteurs et dispositifs", "Documents et entretiens", "Territoires"]
    return sorted(
        groupes.values(),
        key=lambda g: (
            ordre.index(g["theme"]) if g["theme"] in ordre else len(ordre),
            g["producteur"],
            g["jeu_de_donnees"],
        ),
    )


def _niveaux(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Territorial level code → its names (seed ``vocabulaire_niveaux``); empty when absent."""
    if "vocabulaire_niveaux" not in liste_marts(con):
        return {}
    return {r["niveau"]: r for r in enregistrements(lire(con, "select * from marts.vocabulaire_niveaux"))}


def _sources_offre(con: duckdb.DuckDBPyConnection, code: str) -> str:
    """The offer lists the département's structures come from, by their names (seed
    ``offre_sources``), e.g. « Agences France Travail, Missions locales, Structures de l'IAE »."""
    if "offre_sources" not in liste_marts(con) or "tables_sources" not in colonnes(con, "structures"):
        return "catalogue de l'offre"
    rows = con.execute(
        """
        with t as (select distinct unnest(tables_sources) as table_source from marts.structures
                   where code_departement = ?)
        select s.libelle from t inner join marts.offre_sources as s using (table_source)
        order by s.priorite""",
        [code],
    ).fetchall()
    return ", ".join(r[0] for r in rows) or "catalogue de l'offre"


def _sources_besoins(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, str]:
    """Per domain, the sources (catalogue ``source`` column) of the indicators in its communes' need index."""
    if "besoins_composantes" not in liste_marts(con):
        return {}
    rows = con.execute(
        """
        select distinct b.code_domaine, c.source
        from marts.besoins_composantes as b
        inner join marts.indicateurs_catalogue as c using (code_indicateur)
        where b.code_departement = ? and b.niveau = 'commune' and c.source is not null
        order by 1, 2""",
        [code],
    ).fetchall()
    # a catalogue source may list several (« France Travail 2025 ; population légale 2023 »): each once
    par_domaine: dict[str, list[str]] = {}
    for domaine, source in rows:
        morceaux = par_domaine.setdefault(domaine, [])
        for morceau in str(source).split(" ; "):
            if morceau.strip() and morceau.strip() not in morceaux:
                morceaux.append(morceau.strip())
    return {d: " ; ".join(m) for d, m in par_domaine.items()}


def _preuves(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The leads' evidence with, instead of the mart keys, where a person finds it: the indicator's
    source and year, the document's title and page, the kind of testimony."""
    documents = "documents" in liste_marts(con)
    genre_parole = [f"pa.{c}" for c in ("modalite", "type_parole") if c in colonnes(con, "parole")]
    titre = "coalesce(d.titre, d.nom_fichier)" if documents else "null"
    jointure_doc = "left join marts.documents as d on d.id_document = ps.id_document" if documents else ""
    return lire(
        con,
        f"""
        select p.*,
            case p.type_preuve
                when 'indicateur' then c.source || coalesce(', ' || p.annee, '')
                when 'ecart' then 'indice de besoin et offre recensée du domaine'
                when 'lien_manquant' then 'graphe de coordination des acteurs'
                when 'passage' then {titre} || coalesce(', p. ' || ps.page, '')
                when 'parole' then coalesce({", ".join([*genre_parole, "'entretien ou questionnaire'"])})
            end as origine
        from marts.pistes_preuves as p
        left join marts.indicateurs_catalogue as c on p.type_preuve = 'indicateur'
            and c.code_indicateur = p.code_indicateur
        left join marts.passages as ps on p.type_preuve = 'passage' and ps.id_passage = p.id_passage
        {jointure_doc}
        left join marts.parole as pa on p.type_preuve = 'parole' and pa.id_parole = p.id_parole
        where p.code_departement = ?
        order by p.id_piste,
            list_position(['indicateur', 'ecart', 'lien_manquant', 'passage', 'parole'], p.type_preuve),
            p.ordre""",
        [code],
    )


def _indicateurs(con, code: str) -> pd.DataFrame:
    return lire(
        con,
        """
        with derniers as (
            select i.*, row_number() over (
                partition by i.niveau, i.code_territoire, i.code_indicateur order by i.annee desc) as r
            from marts.indicateurs as i
            where (i.niveau = 'departement' and i.code_territoire = ?)
               or (i.niveau = 'commune' and i.code_departement = ?)
               or (i.niveau, i.code_territoire) in (
                    select (niveau, code_territoire) from marts.priorites
                    where code_departement = ? and echelle = 'infra')
        )
        select d.*, c.libelle as libelle_indicateur, c.code_domaine, c.code_axe, c.source, c.unite, c.sens,
            c.millesime
        from derniers as d
        left join marts.indicateurs_catalogue as c using (code_indicateur)
        where d.r = 1
        order by c.code_axe nulls first, c.code_domaine nulls first, d.code_indicateur""",
        [code, code, code],
    )


def _gouvernance(con: duckdb.DuckDBPyConnection, code: str) -> list[dict[str, Any]]:
    """The département's dispositifs (graph nodes) with their pilots and partner coverage: the rows
    the dbt model ``gouvernance_dispositifs`` (schema ``rapport``, after the graph) makes for the report."""
    present = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'rapport' "
        "and table_name = 'gouvernance_dispositifs'"
    ).fetchone()[0]
    if not present:
        raise MartManquant(
            "the report needs rapport.gouvernance_dispositifs (priorities, dbt tag apres_graphe), "
            "which is not in the warehouse"
        )
    return enregistrements(
        lire(
            con,
            "select * exclude (code_departement) from rapport.gouvernance_dispositifs "
            "where code_departement = ? order by historique, libelle",
            [code],
        )
    )


DISPOSITIFS_REVUE = ("CALPAE", "SPIE", "STRATEGIE_PAUVRETE")


def _revue_actions(
    con: duckdb.DuckDBPyConnection, code: str, passages: pd.DataFrame
) -> dict[str, list[dict[str, Any]]]:
    """What the documents the review reads say about the CALPAE/SPIE actions.

    Only the documents marts.revue_documents keeps (relevant kinds, local documents): their
    passages; their statements of progress with the status in words (marts.revue_actions), those
    about the CALPAE, the SPIE or the poverty strategy first; their passages citing those
    dispositifs. The documents set aside are listed with the reason.
    """
    documents = lire(
        con,
        "select * from marts.revue_documents where code_departement = ? "
        "order by revu desc, titre, id_document",
        [code],
    )
    rapports, ecartes = [], []
    for doc in enregistrements(documents):
        if doc["revu"]:
            extraits = passages[passages["id_document"] == doc["id_document"]].head(8)
            rapports.append({**doc, "passages": enregistrements(extraits)})
        else:
            ecartes.append(doc)
    codes = ", ".join(f"'{c}'" for c in DISPOSITIFS_REVUE)
    avancements = enregistrements(
        lire(
            con,
            f"""
        select objet_libelle, objet_code, statut_avancement, libelle_statut, annee, texte_trouve, page,
            titre_document, nom_fichier, id_passage
        from marts.revue_actions
        where code_departement = ?
        order by (upper(coalesce(objet_code, '')) in ({codes})) desc, annee nulls last, ordre_statut,
            id_mention
        limit 40""",
            [code],
        )
    )
    citations = enregistrements(
        lire(
            con,
            f"""
        select distinct p.id_passage, p.texte, p.page, d.titre as titre_document, d.nom_fichier,
            m.code_entite as code_dispositif
        from marts.mentions as m
        inner join marts.passages as p using (id_passage)
        inner join marts.revue_documents as d on d.id_document = p.id_document and d.revu
        where m.code_departement = ? and m.type_entite = 'dispositif' and upper(m.code_entite) in ({codes})
        order by code_dispositif, p.id_passage
        limit 20""",
            [code],
        )
    )
    return {"documents": rapports, "ecartes": ecartes, "avancements": avancements, "passages": citations}


def _annees_composantes(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, str]:
    """Per domain, the years of the indicators behind the communes' need index (« , 2020-2025 »)."""
    if "besoins_composantes" not in liste_marts(con):
        return {}
    rows = con.execute(
        "select code_domaine, min(annee), max(annee) from marts.besoins_composantes "
        "where code_departement = ? and niveau = 'commune' group by 1",
        [code],
    ).fetchall()
    return {d: (f", {a}" if a == b else f", {a}-{b}") for d, a, b in rows if a is not None}
