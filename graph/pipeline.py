"""The graph stage of one département against the warehouse: read, build, analyse, write.

The Dagster assets (``orchestration/assets/graph.py``) call these functions; so can a benchmark
or a notebook (:func:`run_departements` builds several départements in a row).

Examples
--------
>>> sorted(SOURCES)[:3]
['intermediate.int_graphe__parametres', 'marts.acteurs_codes', 'marts.acteurs_groupes']
>>> [t for t in SOURCES if t.startswith("raw.")]
[]
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import duckdb

from graph import analyse, comite, page, vocabulaire
from graph.construction import BuildResult, GraphInputs, build_graph
from graph.declaration import DeclarationInvalide, TableGraphe, fonction, mesures
from graph.dispositifs import check_modele
from graph.export import (
    graph_from_tables,
    read_departement,
    tables_from_graph,
    write_departement,
    write_graphml,
    write_quarantine,
)
from graph.modele import SOURCES
from graph.registre import registre_departement
from graph.territoires import MissingSource
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

__all__ = [
    "SOURCES",
    "MARTS_ANALYSE",
    "calculer_mesures",
    "missing_sources",
    "load_inputs",
    "build_and_write",
    "load_graph",
    "analyse_and_write",
    "page_and_write",
    "read_passages",
    "run_departements",
]

# the measures of the graph, in computing order, as the dbt source ``graphe`` declares them
MARTS_ANALYSE: tuple[str, ...] = tuple(t.nom for t in mesures())

Warehouse = Path | duckdb.DuckDBPyConnection
# the seed the template comes from, named in its error messages (the graph reads the seed's table)
MODELE_SEED = "dbt_project/seeds/dispositifs_modele.csv"


@contextmanager
def _connect(warehouse: Warehouse, read_only: bool):
    """An open connection as is (left open), or a path opened and closed here."""
    if isinstance(warehouse, duckdb.DuckDBPyConnection):
        yield warehouse
        return
    con = duckdb.connect(str(warehouse), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    return {f"{schema}.{name}" for schema, name in rows}


def _read(
    con: duckdb.DuckDBPyConnection, table: str, code: str | None = None, column: str = "code_departement"
) -> pd.DataFrame:
    # ``order by all``: a table scan has no fixed row order, and the graph keeps the first value seen
    if code is None:
        return con.execute(f"select * from {table} order by all").df()
    return con.execute(f"select * from {table} where {column} = ? order by all", [code]).df()


def missing_sources(con: duckdb.DuckDBPyConnection, tables: Iterable[str] = SOURCES) -> list[str]:
    """The tables of ``tables`` absent from the warehouse."""
    present = _tables(con)
    return [t for t in tables if t not in present]


def _seed(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """A dbt seed (schema ``marts``) as its CSV file reads as text: empty cells ``""``, rows in the file's
    order (dbt inserts them so; DuckDB keeps insertion order)."""
    frame = con.execute(f"select * from marts.{name}").df()
    return frame.astype(object).where(frame.notna(), "").astype(str) if len(frame) else frame.astype(str)


def load_inputs(con: duckdb.DuckDBPyConnection, code: str) -> GraphInputs:
    """Everything the graph of département ``code`` is built from: marts, seeds and staging views,
    all made by dbt (:data:`graph.modele.SOURCES`).

    Raises :class:`MissingSource` naming the absent tables.
    """
    missing = missing_sources(con)
    if missing:
        raise MissingSource(
            "le graphe des acteurs ne peut pas être construit : table(s) absente(s) de l'entrepôt : "
            + ", ".join(missing)
            + ". Construire d'abord les assets qui les produisent."
        )
    # the actor types, groups, codes and parameters of this warehouse (graph.vocabulaire)
    vocabulaire.charger(con)
    territoires = con.execute(
        "select * from marts.territoires where code_departement = ? or niveau in ('region', 'epci', 'ept') "
        "order by all",
        [code],
    ).df()
    registre = registre_departement(
        _read(con, "staging.stg_registre__acteurs", code),
        _read(con, "staging.stg_registre__dispositifs", code),
        _read(con, "staging.stg_registre__liens", code),
        code,
    )
    # the comité's corrections (actors and links added from the « acteurs et liens » workbook)
    registre = comite.completer_registre(registre, comite.lire_corrections(con, code), code)
    sirens = dict(
        con.execute(
            "select siren, code_commune from staging.stg_cog__communes where code_departement = ? "
            "and type_commune = 'commune-actuelle' and siren is not null order by all",
            [code],
        ).fetchall()
    )
    return GraphInputs(
        code_departement=code,
        territoires=territoires,
        axes_domaines=_seed(con, "axes_domaines"),
        modele=check_modele(_seed(con, "dispositifs_modele"), MODELE_SEED),
        # the graph code names the CLPE columns as France Travail's file does
        clpe=con.execute(
            "select code_commune_source as commune_id, code_clpe as territoire_id, "
            "libelle_clpe as territoire_libelle, code_departement as departement_id "
            "from staging.stg_france_travail__clpe_communes where code_departement = ? order by all",
            [code],
        ).df(),
        contrats_ville=_read(con, "staging.stg_politique_ville__contrats"),
        geo_communes=con.execute(
            "select code_insee, dep, geometrie_wkt from staging.stg_geo__communes where dep = ? order by all",
            [code],
        ).df(),
        structures=_read(con, "marts.structures", code),
        services=_read(con, "marts.services", code),
        documents=_read(con, "marts.documents"),
        mentions=con.execute(
            "select * from marts.mentions where code_departement = ? or code_departement is null "
            "order by all",
            [code],
        ).df(),
        liens_candidats=con.execute(
            "select * from marts.liens_candidats where code_departement = ? or code_departement is null "
            "order by all",
            [code],
        ).df(),
        registre=registre,
        sirens_communes=sirens,
    )


def build_and_write(warehouse: Warehouse, code: str, output_dir: Path) -> tuple[BuildResult, dict]:
    """Build the graph of ``code``, write ``marts.acteurs``, ``marts.liens``, the rejected registry
    references and ``<output_dir>/graphe_acteurs.graphml``; returns the result and a summary."""
    with _connect(warehouse, read_only=True) as con:
        inputs = load_inputs(con, code)
        ecartes = comite.liens_ecartes(comite.lire_corrections(con, code))
    result = build_graph(inputs)
    # links a comité marked wrong leave the graph (and the analysis); marts.reseau_corrections keeps them
    retires = comite.retirer_liens(result.graph, ecartes)
    nodes, edges = tables_from_graph(result.graph)
    graphml = write_graphml(result.graph, Path(output_dir) / "graphe_acteurs.graphml")
    with _connect(warehouse, read_only=False) as con:
        write_departement(con, "marts.acteurs", nodes, code)
        write_departement(con, "marts.liens", edges, code)
        write_quarantine(con, "registre_references", result.rejets, code)
    summary = {
        "registre": "absent" if inputs.registre is None or inputs.registre.empty else "présent",
        "noeuds": len(nodes),
        "liens": len(edges),
        "graphml": str(graphml),
        "noeuds_par_type": nodes["type_noeud"].value_counts().to_dict(),
        "liens_par_type": edges["type_lien"].value_counts().to_dict(),
        "liens_ecartes_par_le_comite": retires,
    }
    return result, summary


def load_graph(con: duckdb.DuckDBPyConnection, code: str):
    """The graph of ``code`` rebuilt from ``marts.acteurs`` and ``marts.liens``."""
    nodes = read_departement(con, "marts.acteurs", code)
    edges = read_departement(con, "marts.liens", code)
    if nodes.empty:
        raise LookupError(f"marts.acteurs n'a aucune ligne pour le département {code}")
    return graph_from_tables(nodes, edges)


def calculer_mesures(
    graph,
    besoins: pd.DataFrame | None,
    params: analyse.Parametres,
    tables: Iterable[TableGraphe] | None = None,
) -> dict[str, pd.DataFrame]:
    """The frame of each measure of the graph (``etape: analyse`` in the dbt source ``graphe``).

    Each declared function receives its declared inputs, in order: the graph, the parameters, the
    département's needs, or the frame of a measure computed before it (:func:`graph.declaration.mesures`).
    A frame whose columns differ from the declared ones raises, naming the table (an empty frame
    without columns gets the declared ones).
    """
    frames: dict[str, pd.DataFrame] = {}
    fixes = {"graphe": graph, "parametres": params, "besoins": besoins}
    for table in tables if tables is not None else mesures():
        arguments = [fixes[e] if e in fixes else frames[e] for e in table.entrees]
        frame = fonction(table)(*arguments)
        if frame.empty and not len(frame.columns):  # no row to infer columns from: the declared ones
            frame = pd.DataFrame(columns=list(table.colonnes))
        if list(frame.columns) != list(table.colonnes):
            raise DeclarationInvalide(
                f"{table.calcul} returns the columns {list(frame.columns)}, but the dbt source graphe "
                f"declares for marts.{table.nom}: {list(table.colonnes)}"
            )
        frames[table.nom] = frame
    return frames


def analyse_and_write(
    warehouse: Warehouse, code: str, params: analyse.Parametres | None = None
) -> dict[str, pd.DataFrame]:
    """The coordination marts of ``code`` (the measures declared in the dbt source ``graphe``),
    written (delete + insert) and returned."""
    with _connect(warehouse, read_only=True) as con:
        # the threshold of a « high » need as dbt resolved it (--vars included), and the actor types
        seuil = vocabulaire.charger(con).seuil_besoin_fort
        graph = load_graph(con, code)
        if "marts.besoins" not in _tables(con):
            raise MissingSource("marts.besoins absent : construire d'abord les marts du besoin")
        besoins = _read(con, "marts.besoins", code)
    frames = calculer_mesures(graph, besoins, params or analyse.Parametres(seuil_besoin_eleve=seuil))
    with _connect(warehouse, read_only=False) as con:
        for name, frame in frames.items():
            write_departement(con, f"marts.{name}", frame, code)
    return frames


def read_passages(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The passages of the département's documents with their page and document title (the evidence the
    network page quotes); empty when the documents were not analysed."""
    if not {"marts.passages", "marts.documents"} <= _tables(con):
        return pd.DataFrame(columns=["id_passage", "texte", "page", "unite_page", "titre"])
    return con.execute(
        """
        select p.id_passage, p.texte, p.page, p.unite_page,
               coalesce(d.titre_manifeste, p.titre_document, d.titre, d.nom_fichier) as titre
        from marts.passages as p
        left join marts.documents as d using (id_document)
        where p.code_departement = ?
        """,
        [code],
    ).df()


def page_and_write(warehouse: Warehouse, code: str, output_dir: Path) -> dict[str, object]:
    """Write ``<output_dir>/reseau_acteurs.html``; returns its summary (nodes shown, size...)."""
    with _connect(warehouse, read_only=True) as con:
        vocabulaire.charger(con)  # the actor types' labels and colours
        graph = load_graph(con, code)
        metrics = read_departement(con, "marts.coordination_acteurs", code)
        passages = read_passages(con, code)
    path = Path(output_dir) / "reseau_acteurs.html"
    info = page.write_page(graph, metrics, path, passages=passages)
    info["path"] = str(path)
    return info


def run_departements(
    warehouse: Warehouse, codes: Iterable[str], output_root: Path, with_page: bool = True
) -> pd.DataFrame:
    """Build, analyse and draw several départements in a row, on one open connection; one row of
    timings per département."""
    rows = []
    with _connect(warehouse, read_only=False) as con:
        rows = [_run_one(con, code, output_root, with_page) for code in codes]
    return pd.DataFrame(rows)


def _run_one(
    con: duckdb.DuckDBPyConnection, code: str, output_root: Path, with_page: bool
) -> dict[str, object]:
    started = time.perf_counter()
    _, summary = build_and_write(con, code, Path(output_root) / code)
    built = time.perf_counter()
    analyse_and_write(con, code)
    analysed = time.perf_counter()
    info = page_and_write(con, code, Path(output_root) / code) if with_page else {}
    return {
        "code_departement": code,
        "noeuds": summary["noeuds"],
        "liens": summary["liens"],
        "construction_s": built - started,
        "analyse_s": analysed - built,
        "page_s": time.perf_counter() - analysed,
        "page_octets": info.get("taille_octets"),
    }
