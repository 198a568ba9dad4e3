"""The curated registry of actors, dispositifs and links, per département.

Layout: ``registre/<code_departement>/acteurs.csv``, ``dispositifs.csv``, ``liens.csv``
(comma separated, UTF-8, one header line). The schema of each file is :data:`ACTEURS`,
:data:`DISPOSITIFS` and :data:`LIENS`; docs/graphe.md explains how to edit them.

Validation happens in two steps, both reporting the file, the line and the field:

1. on load (:func:`read_registre`): types, codes, kinds, confidence in [0, 1], evidence kinds,
   duplicated ids, and references between the files of one département (a link to an id that
   is neither in ``acteurs.csv``/``dispositifs.csv`` nor a generated id such as
   ``caf:93``, ``commune:93066``, ``dispositif:pdi:departement:93`` or ``structure:<id>``);
2. at graph build (:func:`graph.construction.build_graph`): generated and catalogue ids that do
   not exist for the département.

Rejected rows go to the quarantine (``quarantine.rejets``); :func:`validate_registre` raises
:class:`RegistreInvalide` listing every problem (used by tests and when editing by hand).

Examples
--------
>>> sorted(c.target for c in LIENS.columns)[:3]
['cible', 'commentaire', 'confiance']
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.modele import COORDINATION_KINDS, EVIDENCE_KINDS
from ingest.core import (
    DEPARTEMENT_CODE,
    ColumnSpec,
    FileSpec,
    QuarantineRow,
    ReadResult,
    SourceInfo,
    file_checksum,
    read_csv,
)
from ingest.paresseux import module_paresseux
from ingest.vocabulaires import seed_rows

pd = module_paresseux("pandas")

__all__ = [
    "ACTEURS",
    "DISPOSITIFS",
    "LIENS",
    "REGISTRY_LINK_KINDS",
    "GENERATED_ID",
    "Registre",
    "RegistreInvalide",
    "read_registre",
    "read_registre_departement",
    "validate_registre",
    "registre_departement",
    "read_registre_table",
    "as_read_result",
]

VINTAGE = "registre curé (sources publiques)"
# The registry is read before dbt runs (orchestration/assets/raw_graph.py writes raw.registre_*, which
# dbt's staging views then expose): its actor types come from the seed file acteurs_types through
# ingest.vocabulaires, the one module that reads seeds for code running before dbt. The graph itself
# reads them from the warehouse (graph.vocabulaire).
TYPES_ACTEURS: tuple[str, ...] = tuple(sorted(r["type_acteur"] for r in seed_rows("acteurs_types")))
ID_PATTERN = r"[a-z][a-z0-9_]*:[A-Za-z0-9][A-Za-z0-9_.:\-]*"
# ids the graph generates for every département (checked for existence at build time)
GENERATED_ID = re.compile(
    r"^(?:(?:" + "|".join(TYPES_ACTEURS) + r"):[0-9AB]{2,3}"  # institutions, e.g. caf:93
    r"|commune:(?:\d{5}|2[AB]\d{3})|ccas:(?:\d{5}|2[AB]\d{3})"
    r"|epci:\d{9}|ept:\d{9}|region:\d{2,3}"
    r"|structure:.+|service:.+|document:.+"
    r"|territoire:[a-z]+:[0-9A-Za-z]+"
    r"|dispositif:[a-z_]+:[a-z0-9_]+:[0-9A-Za-z_]+)$"
)
REGISTRY_LINK_KINDS = frozenset(COORDINATION_KINDS | {"couvre"})
NIVEAUX_DISPOSITIF = ("departement", "region", "epci", "ept", "commune", "clpe", "inter_epci", "qpv")

C = ColumnSpec


def _registre(table: str, *columns: ColumnSpec) -> FileSpec:
    """A file of the curated registry: comma-separated, every row may end with a comment."""
    return FileSpec(table=table, vintage=VINTAGE, sep=",", columns=[*columns, C("commentaire")])


ACTEURS = _registre(
    "registre_acteurs",
    C("id_acteur", kind="code", pattern=ID_PATTERN, required=True),
    C("nom", required=True),
    C("type_acteur", kind="code", pattern="|".join(TYPES_ACTEURS), required=True),
    C("siret", kind="code", pattern=r"\d{9}|\d{14}"),
    C("code_commune", kind="commune"),
    C("niveau_territoire", kind="code", pattern=r"departement|region|epci|ept|commune"),
    C("code_territoire", kind="code", pattern=r"[0-9AB]{2,9}"),
    C("id_structure"),
    C("ids_externes"),
    C("source", required=True),
)
DISPOSITIFS = _registre(
    "registre_dispositifs",
    C("id_dispositif", kind="code", pattern=ID_PATTERN, required=True),
    C("code_dispositif", kind="code", pattern=r"[a-z_]+", required=True),
    C("libelle", required=True),
    C("niveau", kind="code", pattern="|".join(NIVEAUX_DISPOSITIF), required=True),
    C("code_territoire", kind="code", pattern=r"[0-9A-Za-z_]{2,12}", required=True),
    C("periode", kind="code", pattern=r"\d{4}(-(\d{4})?)?"),
    C("source", required=True),
)
LIENS = _registre(
    "registre_liens",
    C("source", kind="code", pattern=ID_PATTERN, required=True),
    C("cible", kind="code", pattern=ID_PATTERN, required=True),
    C("type_lien", kind="code", pattern="|".join(sorted(REGISTRY_LINK_KINDS)), required=True),
    C("preuve_type", kind="code", pattern="|".join(sorted(EVIDENCE_KINDS)), required=True),
    C("preuve_reference", required=True),
    C("confiance", kind="number", required=True),
    C("date_preuve", kind="code", pattern=r"\d{4}(-\d{2}(-\d{2})?)?"),
)
FILES = {"acteurs.csv": ACTEURS, "dispositifs.csv": DISPOSITIFS, "liens.csv": LIENS}
_KEYS = {"acteurs.csv": "id_acteur", "dispositifs.csv": "id_dispositif"}


class RegistreInvalide(ValueError):
    """The registry has errors; ``errors`` lists them (file, line, field, reason)."""

    def __init__(self, errors: list[QuarantineRow]):
        self.errors = errors
        lines = [f"{e.source_file}:{e.line} [{e.field or '-'}] {e.reason}" for e in errors]
        super().__init__(f"registre invalide ({len(errors)} erreur(s)) :\n" + "\n".join(lines))


@dataclass
class Registre:
    """The three tables of one or several départements (column ``code_departement``)."""

    acteurs: pd.DataFrame
    dispositifs: pd.DataFrame
    liens: pd.DataFrame
    errors: list[QuarantineRow] = field(default_factory=list)
    departements: list[str] = field(default_factory=list)

    def for_departement(self, code: str) -> Registre:
        def pick(frame: pd.DataFrame) -> pd.DataFrame:
            if "code_departement" not in frame.columns:
                return frame.iloc[0:0]
            return frame[frame["code_departement"] == code].reset_index(drop=True)

        return Registre(
            pick(self.acteurs),
            pick(self.dispositifs),
            pick(self.liens),
            [e for e in self.errors if f"/{code}/" in e.source_file.replace("\\", "/")],
            [code] if code in self.departements else [],
        )

    @property
    def empty(self) -> bool:
        return not self.departements


def _filled(value: object) -> bool:
    return (
        value is not None and not (isinstance(value, float) and value != value) and str(value).strip() != ""
    )


def _valid_date(text: str) -> bool:
    """``AAAA``, ``AAAA-MM`` or ``AAAA-MM-JJ`` that exists in the calendar.

    Examples
    --------
    >>> _valid_date("2024"), _valid_date("2024-02-29"), _valid_date("2023-02-29"), _valid_date("2024-13")
    (True, True, False, False)
    """
    parts = [int(p) for p in str(text).split("-")]
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _reject(
    rows: list[QuarantineRow],
    spec: FileSpec,
    path: Path,
    line: int,
    field_name: str,
    reason: str,
    content: str = "",
) -> None:
    rows.append(QuarantineRow(spec.table, str(path), int(line), field_name, reason, content[:500]))


def _check_rows(name: str, result: ReadResult, path: Path, communes: frozenset[str] | None = None
                ) -> tuple[pd.DataFrame, list[QuarantineRow]]:
    """Checks beyond the column types: confidence range, duplicates, territory pairs, and (when
    ``communes``, the codes of the COG, is given) commune codes that name a commune."""
    spec = FILES[name]
    frame = result.frame
    errors: list[QuarantineRow] = []
    bad: set[int] = set()

    def reject(idx: int, field_name: str, reason: str) -> None:
        """Quarantine row ``idx`` of the frame and leave it out of the valid rows."""
        _reject(errors, spec, path, frame.at[idx, "_line"], field_name, reason)
        bad.add(idx)

    if name == "liens.csv" and len(frame):
        for idx, row in frame.iterrows():
            value = row["confiance"]
            if value is None or pd.isna(value) or not 0.0 <= float(value) <= 1.0:
                reject(idx, "confiance", f"confiance {value!r} hors de l'intervalle [0, 1]")
            elif row["source"] == row["cible"]:
                reject(idx, "cible", "un lien relie un nœud à lui-même")
            if idx not in bad and _filled(row["date_preuve"]) and not _valid_date(row["date_preuve"]):
                impossible = f"date {row['date_preuve']!r} impossible (AAAA, AAAA-MM ou AAAA-MM-JJ)"
                reject(idx, "date_preuve", impossible)
        duplicated = frame.duplicated(["source", "cible", "type_lien", "preuve_reference"], keep="first")
        for idx in frame.index[duplicated]:
            reject(idx, "preuve_reference", "lien en double (même source, cible, type et preuve)")
    key = _KEYS.get(name)
    if key and len(frame):
        duplicated = frame.duplicated([key], keep="first")
        for idx in frame.index[duplicated]:
            reject(idx, key, f"identifiant {frame.at[idx, key]!r} déjà défini plus haut dans le fichier")
    if name == "acteurs.csv" and len(frame):
        for idx, row in frame.iterrows():
            codes = [("code_commune", row["code_commune"])]
            if row["niveau_territoire"] == "commune":
                codes.append(("code_territoire", row["code_territoire"]))
            unknown = [(f, c) for f, c in codes if communes is not None and _filled(c) and c not in communes]
            if unknown:
                field_name, code = unknown[0]
                reject(idx, field_name, f"code commune {code} inexistant au COG 2026")
                continue
            if _filled(row["niveau_territoire"]) != _filled(row["code_territoire"]):
                ensemble = "niveau_territoire et code_territoire vont ensemble (les deux ou aucun)"
                reject(idx, "code_territoire", ensemble)
    return frame.drop(index=list(bad)).reset_index(drop=True), errors


def read_registre_departement(folder: Path, code: str, communes: frozenset[str] | None = None) -> Registre:
    """Read and check the three files of one département folder (missing files are empty).

    Returns the valid rows and the rejected ones (``errors``); never raises on content.
    """
    folder = Path(folder)
    frames: dict[str, pd.DataFrame] = {}
    errors: list[QuarantineRow] = []
    for name, spec in FILES.items():
        path = folder / name
        if not path.exists():
            frames[name] = read_csv(path, spec).frame.iloc[0:0]
            if name != "dispositifs.csv":
                errors.append(QuarantineRow(spec.table, str(path), 0, "", f"fichier absent : {path}"))
            continue
        result = read_csv(path, spec)
        errors.extend(result.quarantine)
        frame, more = _check_rows(name, result, path, communes)
        errors.extend(more)
        frame.insert(0, "code_departement", code)
        frame["_source_file"] = str(path)
        frames[name] = frame
    known = set(frames["acteurs.csv"].get("id_acteur", pd.Series(dtype=object))) | set(
        frames["dispositifs.csv"].get("id_dispositif", pd.Series(dtype=object))
    )
    liens = frames["liens.csv"]
    if len(liens):
        bad: set[int] = set()
        path = folder / "liens.csv"
        for idx, row in liens.iterrows():
            for column in ("source", "cible"):
                value = row[column]
                if value not in known and not GENERATED_ID.match(value):
                    _reject(
                        errors,
                        LIENS,
                        path,
                        row["_line"],
                        column,
                        f"identifiant inconnu {value!r} : absent de acteurs.csv et dispositifs.csv, "
                        "et pas de la forme d'un identifiant généré (ex. caf:93, commune:93066, "
                        "dispositif:pdi:departement:93, structure:<id>)",
                    )
                    bad.add(idx)
        frames["liens.csv"] = liens.drop(index=list(bad)).reset_index(drop=True)
    acteurs = frames["acteurs.csv"]
    if len(acteurs):
        bad = set()
        path = folder / "acteurs.csv"
        for idx, row in acteurs.iterrows():
            if str(row["id_acteur"]).startswith(("structure:", "dispositif:", "territoire:")):
                _reject(
                    errors,
                    ACTEURS,
                    path,
                    row["_line"],
                    "id_acteur",
                    "un acteur du registre ne prend pas un identifiant réservé (structure:, "
                    "dispositif:, territoire:) : pour réutiliser une structure du catalogue, "
                    "renseigner id_structure",
                )
                bad.add(idx)
        frames["acteurs.csv"] = acteurs.drop(index=list(bad)).reset_index(drop=True)
    return Registre(frames["acteurs.csv"], frames["dispositifs.csv"], frames["liens.csv"], errors, [code])


def read_registre(root: Path, communes: frozenset[str] | None = None) -> Registre:
    """Read every ``<root>/<code>/`` folder (code = a département code), stacked.

    A folder whose name is not a département code is reported in ``errors``.
    """
    root = Path(root)
    parts: list[Registre] = []
    errors: list[QuarantineRow] = []
    if root.exists():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if not DEPARTEMENT_CODE.match(folder.name):
                errors.append(
                    QuarantineRow(
                        "registre_acteurs",
                        str(folder),
                        0,
                        "",
                        f"dossier {folder.name!r} : pas un code de département",
                    )
                )
                continue
            parts.append(read_registre_departement(folder, folder.name, communes))
    empty = {name: read_csv(root / "_absent_" / name, spec).frame.iloc[0:0] for name, spec in FILES.items()}

    def stack(attr: str, name: str) -> pd.DataFrame:
        frames = [getattr(p, attr) for p in parts if len(getattr(p, attr))]
        if not frames:
            frame = empty[name].copy()
            frame.insert(0, "code_departement", pd.Series(dtype=object))
            frame["_source_file"] = pd.Series(dtype=object)
            return frame
        return pd.concat(frames, ignore_index=True)

    return Registre(
        stack("acteurs", "acteurs.csv"),
        stack("dispositifs", "dispositifs.csv"),
        stack("liens", "liens.csv"),
        errors + [e for p in parts for e in p.errors],
        [p.departements[0] for p in parts],
    )


def validate_registre(folder: Path, code: str) -> Registre:
    """Read one département folder and raise :class:`RegistreInvalide` if anything is rejected."""
    registre = read_registre_departement(Path(folder), code)
    if registre.errors:
        raise RegistreInvalide(registre.errors)
    return registre


def registre_departement(
    acteurs: pd.DataFrame | None, dispositifs: pd.DataFrame | None, liens: pd.DataFrame | None, code: str
) -> Registre:
    """A :class:`Registre` of one département from raw tables (as stored in ``raw.registre_*``)."""

    def pick(frame: pd.DataFrame | None, spec: FileSpec) -> pd.DataFrame:
        if frame is None or "code_departement" not in frame.columns:
            return pd.DataFrame(columns=["code_departement", "_line", *[c.target for c in spec.columns]])
        return frame[frame["code_departement"] == code].reset_index(drop=True)

    parts = [pick(acteurs, ACTEURS), pick(dispositifs, DISPOSITIFS), pick(liens, LIENS)]
    parts = [
        p.drop(columns=["_source_file"], errors="ignore").rename(columns={"fichier": "_source_file"})
        if "fichier" in p.columns
        else p
        for p in parts
    ]
    present = any(len(p) for p in parts)
    return Registre(*parts, departements=[code] if present else [])


def read_registre_table(root: Path, name: str, communes: frozenset[str] | None = None) -> ReadResult:
    """One table (``acteurs.csv``, ``dispositifs.csv`` or ``liens.csv``) of every département folder.

    The raw-table reader of the Dagster assets: valid rows of all départements stacked, the
    rejected ones (with file, line, field and reason) in ``quarantine``. ``communes``: the commune
    codes of the COG (:func:`ingest.cog.known_communes`); an actor in a commune outside it is rejected.
    """
    return as_read_result(read_registre(Path(root), communes), name, Path(root))


def as_read_result(registre: Registre, name: str, root: Path) -> ReadResult:
    """One table of a stacked registry as a :class:`ReadResult` for ``ingest.warehouse.write_raw``."""
    spec = FILES[name]
    files = sorted(Path(root).glob(f"*/{name}"))
    digest = hashlib.sha256("".join(file_checksum(f) for f in files).encode()).hexdigest() if files else ""
    frame = {
        "acteurs.csv": registre.acteurs,
        "dispositifs.csv": registre.dispositifs,
        "liens.csv": registre.liens,
    }[name].copy()
    if "_source_file" in frame.columns:
        frame = frame.rename(columns={"_source_file": "fichier"})
    for column in ("_secret", "_indisponible"):
        if column in frame.columns:
            frame = frame.drop(columns=column)
    errors = [e for e in registre.errors if e.table == spec.table]
    return ReadResult(spec.table, frame, SourceInfo(str(Path(root) / "*" / name), digest, VINTAGE), errors)
