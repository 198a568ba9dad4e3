"""Follow each lead's evidence back to the mart rows it cites (``marts.pistes_preuves``).

:func:`preuves_orphelines` returns the evidence rows whose key matches no row of their source
mart: the tests require it to be empty for every lead.
"""

from __future__ import annotations

import duckdb
import pandas as pd

__all__ = ["ID_LIEN_MANQUANT_SQL", "CLES_PREUVES", "preuves_orphelines"]

# same digest as the dbt macro id_lien_manquant (dbt_project/macros/priorites.sql)
ID_LIEN_MANQUANT_SQL = (
    "md5(concat_ws('|', t.code_departement, t.regle, t.id_source, coalesce(t.id_cible, ''), "
    "coalesce(t.niveau, ''), coalesce(t.code_territoire, ''), coalesce(t.code_domaine, ''), "
    "json_extract_string(t.details, '$.type_acteur')))"
)

# evidence kind → (source mart, condition joining its row t to the evidence row p)
CLES_PREUVES: dict[str, tuple[str, str]] = {
    "indicateur": (
        "marts.indicateurs",
        "t.niveau = p.niveau and t.code_territoire = p.code_territoire "
        "and t.code_indicateur = p.code_indicateur and t.annee = p.annee",
    ),
    "ecart": (
        "marts.ecarts",
        "t.niveau = p.niveau and t.code_territoire = p.code_territoire and t.code_domaine = p.code_domaine",
    ),
    "lien_manquant": ("marts.liens_manquants", f"{ID_LIEN_MANQUANT_SQL} = p.id_lien_manquant"),
    "passage": ("marts.passages", "t.id_passage = p.id_passage"),
    "parole": ("marts.parole", "t.id_parole = p.id_parole"),
}


def preuves_orphelines(con: duckdb.DuckDBPyConnection, code: str | None = None) -> pd.DataFrame:
    """Evidence rows (of département ``code``, or all) whose key resolves to no mart row.

    An evidence kind outside :data:`CLES_PREUVES` counts as unresolved.
    """
    filtre = "and p.code_departement = ?" if code else ""
    params = [code] if code else []
    parties = [
        f"select p.* from marts.pistes_preuves as p where p.type_preuve = '{kind}' {filtre} "
        f"and not exists (select 1 from {table} as t where {condition})"
        for kind, (table, condition) in CLES_PREUVES.items()
    ]
    kinds = ", ".join(f"'{k}'" for k in CLES_PREUVES)
    parties.append(f"select p.* from marts.pistes_preuves as p where p.type_preuve not in ({kinds}) {filtre}")
    sql = " union all ".join(parties)
    return con.execute(sql, params * len(parties)).df()
