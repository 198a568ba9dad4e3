"""Per-département CSV extracts of the need marts, for people who open them in a spreadsheet.

For the département of the partition, writes under ``PACTE_OUTPUT/<code>/besoins/`` the rows
of its communes, of the EPCI and EPT its communes belong to, and of the département itself,
from ``marts.territoires``, ``marts.indicateurs``, ``marts.besoins`` and
``marts.besoins_composantes``: ``;`` separator, decimal comma, UTF-8 with BOM (Excel opens
it as is), French column headers. The marts are read through a read-only connection.

The territories are those of the département's perimeter (dbt model ``perimetre``, read by every
exporter), and the headers are the analysts' workbook's (seed ``classeur_colonnes``, read through
:mod:`rapport.classeur_libelles`): one owner for each.
"""

from collections.abc import Mapping
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from ingest.paresseux import module_paresseux
from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource
from rapport.classeur_libelles import SCHEMA as SCHEMA_LIBELLES
from rapport.classeur_libelles import charger as charger_libelles
from rapport.donnees import PERIMETRE
from rapport.formules import neutraliser_textes
from socle.departements import validate_departement
from socle.ecriture import ecriture_atomique

pd = module_paresseux("pandas")

__all__ = [
    "ASSETS",
    "EXTRACTS",
    "extract_query",
    "read_extract",
    "to_french_csv",
    "export_besoins",
    "exports_besoins",
]

MART_KEYS = [
    AssetKey(["marts", "territoires"]),
    AssetKey(["marts", "indicateurs"]),
    AssetKey(["marts", "besoins"]),
    AssetKey(["marts", "besoins_composantes"]),
    AssetKey(PERIMETRE.split(".")),
    AssetKey([SCHEMA_LIBELLES, "classeur_colonnes"]),
]

# territories of one département's need extracts: its perimeter (rapport.perimetre, owned by dbt),
# without the references (région, France) and the QPV: its communes, the EPCI / EPT they belong to,
# the département
_PERIMETER = f"""
    with perimetre as (
        select niveau, code_territoire from {PERIMETRE}
        where code_departement = $departement and rattachement = 'territoire'
            and niveau in ('commune', 'epci', 'ept', 'departement')
    )
"""

EXTRACTS: dict[str, str] = {
    "territoires": _PERIMETER + """
        select t.* replace (array_to_string(t.codes_communes, '|') as codes_communes)  -- one CSV cell
        from marts.territoires as t
        inner join perimetre as p using (niveau, code_territoire)
        order by case t.niveau when 'departement' then 0 when 'epci' then 1 when 'ept' then 2 else 3 end,
            t.code_territoire
    """,
    "indicateurs": _PERIMETER + """
        select i.niveau, i.code_territoire, t.libelle as libelle_territoire, i.code_indicateur,
            c.libelle as libelle_indicateur, c.unite, i.annee, i.valeur, i.numerateur, i.denominateur,
            i.secret, i.methode, i.couverture, i.valeur_departement, i.annee_reference_departement,
            i.valeur_region, i.annee_reference_region, i.valeur_france, i.annee_reference_france,
            i.ecart_departement, i.ecart_region, i.ecart_france
        from marts.indicateurs as i
        inner join perimetre as p using (niveau, code_territoire)
        inner join marts.territoires as t using (niveau, code_territoire)
        inner join marts.indicateurs_catalogue as c using (code_indicateur)
        order by case i.niveau when 'departement' then 0 when 'epci' then 1 when 'ept' then 2 else 3 end,
            i.code_territoire, i.code_indicateur, i.annee
    """,
    "besoins": _PERIMETER + """
        select b.niveau, b.code_territoire, t.libelle as libelle_territoire, b.code_axe, b.code_domaine,
            b.libelle_domaine, b.indice_besoin, b.nb_composantes, b.nb_composantes_exclues,
            to_json(b.composantes)::varchar as composantes  -- a CSV cell holds the list as JSON text
        from marts.besoins as b
        inner join perimetre as p using (niveau, code_territoire)
        inner join marts.territoires as t using (niveau, code_territoire)
        order by case b.niveau when 'departement' then 0 when 'epci' then 1 when 'ept' then 2 else 3 end,
            b.code_territoire, b.code_axe, b.code_domaine
    """,
    "besoins_composantes": _PERIMETER + """
        select b.niveau, b.code_territoire, t.libelle as libelle_territoire, b.code_axe, b.code_domaine,
            b.code_indicateur, b.annee, b.valeur, b.couverture, b.valeur_france, b.sens, b.indice,
            b.inclus_dans_indice,
            b.motif_exclusion
        from marts.besoins_composantes as b
        inner join perimetre as p using (niveau, code_territoire)
        inner join marts.territoires as t using (niveau, code_territoire)
        order by case b.niveau when 'departement' then 0 when 'epci' then 1 when 'ept' then 2 else 3 end,
            b.code_territoire, b.code_domaine, b.code_indicateur
    """,
}

def extract_query(name: str) -> str:
    """SQL of one extract (parameter ``$departement``).

    Examples
    --------
    >>> "marts.besoins" in extract_query("besoins")
    True
    """
    return EXTRACTS[name]


def read_extract(con: duckdb.DuckDBPyConnection, name: str, departement: str) -> "pd.DataFrame":
    """Rows of one mart for the perimeter of ``departement`` (an already validated code)."""
    return con.execute(extract_query(name), {"departement": departement}).df()


def to_french_csv(frame: "pd.DataFrame", path: Path, entetes: Mapping[str, str] | None = None) -> Path:
    """Write ``frame`` for a French spreadsheet: ``;``, decimal comma, UTF-8 with BOM,
    headers from ``entetes`` (``{column: French header}``, the workbook's: see
    :func:`export_besoins`), booleans as ``oui``/``non``, text never taken for a formula
    (:func:`rapport.formules.neutraliser_textes`). Written beside, then moved in place.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = to_french_csv(pd.DataFrame({"valeur": [28.4], "secret": [False]}), p,
    ...                   {"valeur": "Valeur", "secret": "Secret statistique"})
    >>> p.read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    True
    >>> p.read_text(encoding="utf-8-sig").splitlines()
    ['Valeur;Secret statistique', '28,4;non']
    """
    entetes = entetes or {}
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool or str(out[column].dtype) == "boolean":
            out[column] = out[column].map({True: "oui", False: "non"})
    out = neutraliser_textes(out.rename(columns=lambda c: entetes.get(c, c)))
    path.parent.mkdir(parents=True, exist_ok=True)
    with ecriture_atomique(path) as partiel:
        # CRLF ends the lines: a cell holding a carriage return is then quoted, never split
        out.to_csv(partiel, sep=";", decimal=",", encoding="utf-8-sig", index=False, lineterminator="\r\n")
    return path


def export_besoins(con: duckdb.DuckDBPyConnection, departement: str, folder: Path) -> dict[str, int]:
    """Write the four extracts of ``departement`` into ``folder``; return rows per file.

    Raises ``ValueError`` when the département has no commune in ``marts.territoires``.
    """
    code = validate_departement(departement)
    libelles = charger_libelles(con)
    counts: dict[str, int] = {}
    for name in EXTRACTS:
        frame = read_extract(con, name, code)
        if name == "territoires" and not (frame["niveau"] == "commune").any():
            raise ValueError(
                f"marts.territoires has no commune for département {code}: build the marts first"
            )
        # the workbook's headers: each extract is named after its mart
        to_french_csv(frame, folder / f"{name}.csv", {c: libelles.entete(name, c) for c in frame.columns})
        counts[name] = len(frame)
    return counts


@asset(
    key=AssetKey(["outputs", "exports_besoins"]),
    group_name="outputs",
    partitions_def=departement_partitions,
    deps=MART_KEYS,
    description=(
        "Extraits CSV (séparateur « ; », UTF-8 avec BOM, en-têtes en français) des marts territoires, "
        "indicateurs, besoins et besoins_composantes pour les communes, EPCI / EPT et le département "
        "de la partition, sous PACTE_OUTPUT/<code>/besoins/."
    ),
    kinds={"duckdb", "csv"},
)
def exports_besoins(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> MaterializeResult:
    code = context.partition_key
    folder = settings.output_for(code) / "besoins"
    with warehouse.connect(read_only=True) as con:
        counts = export_besoins(con, code, folder)
    context.log.info(f"need extracts of {code} written to {folder}: {counts}")
    return MaterializeResult(
        metadata={
            "dossier": str(folder),
            **{f"lignes_{name}": rows for name, rows in counts.items()},
            "fichiers": MetadataValue.md(
                "\n".join(f"- `{name}.csv`: {rows} lignes" for name, rows in counts.items())
            ),
        }
    )


ASSETS = [exports_besoins]
