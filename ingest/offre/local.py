"""Reader for the local offer that analysts add with the CSV template.

Some supply exists in no national source (épiceries sociales, PMI, crèches with their
places, accueils de jour...). An analyst lists it in ``templates/offre_locale.csv``
(documented in ``docs/offre_saisie_locale.md``) and drops the files into
``<PACTE_INBOX>/<département>/offre_locale/*.csv``. The files are ``;``-separated UTF-8
with the template's header (all columns present, cells may be empty).

One line = one place and one service it offers: it becomes a row of
``raw.offre_structures__local`` and a row of ``raw.offre_services__local``.

Checked on load (a line that fails is rejected and goes to the quarantine of the
structures table with its file, line and field; its service is therefore missing too):

- ``nom``, ``thematiques`` and ``source_locale`` are required, and the place needs a
  ``code_insee`` or a ``code_postal`` with its ``commune``;
- ``thematiques`` (v1 thématiques or catégories), ``types``, ``publics``, ``frais``,
  ``modes_accueil`` and ``reseaux_porteurs`` are ``|``-separated codes that must exist in
  ``data-inclusion-schema/referentiels_v1.csv``;
- ``code_insee`` must name a commune of the COG 2026 (``cog/communes_2026.csv`` in the snapshot
  folder: current, delegated, associated communes, arrondissements and their former codes), so a
  well-formed code such as 93999 is rejected;
- ``code_insee`` and ``code_postal`` must have the right shape, coordinates must be in
  range and given together, ``capacite`` a whole number of places, ``date_maj`` a date;
- ``id_local`` (optional) must be unique in the département;
- the template's example lines (``source_locale`` = ``exemple``) are never loaded.

A bad ``siret`` does not reject the line (NULL plus a quarantine entry), and a commune
outside the folder's département is kept with a quarantine note (a service just over
the border can serve the département). The folder name must be a département code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingest.cog import known_communes
from ingest.core import (
    ColumnSpec,
    FieldError,
    FileSpec,
    QuarantineRow,
    ReadResult,
    SourceInfo,
    file_checksum,
    normalise_departement_code,
    read_csv,
)
from ingest.offre._common import (
    SERVICE_COLUMNS,
    STRUCTURE_COLUMNS,
    TEXT,
    RowChecker,
    RowRejected,
    build_frame,
    check_commune,
    check_coordinates,
    check_date,
    check_integer,
    check_postcode,
    check_siret,
    clean_text,
    convert_records,
    parse_separated_list,
    referentiel_values,
    services_table,
    stable_id,
    structures_table,
)

__all__ = [
    "TEMPLATE_COLUMNS",
    "LIST_REFERENTIELS",
    "INBOX_GLOB",
    "read_local_folder",
    "read_local_inbox",
    "read_local_structures",
    "read_local_services",
]

#: Header of the template, in order (every column must be present).
TEMPLATE_COLUMNS = [
    "id_local", "nom", "siret", "typologie", "reseaux_porteurs", "nom_service", "description",
    "thematiques", "types", "publics", "frais", "modes_accueil", "capacite", "code_insee",
    "code_postal", "commune", "adresse", "latitude", "longitude", "site_web", "source_locale", "date_maj",
]
#: List columns and the v1 referentiel(s) their codes must belong to.
LIST_REFERENTIELS: dict[str, tuple[str, ...]] = {
    "thematiques": ("Thematique", "Categorie"),
    "types": ("TypeService",),
    "publics": ("Public",),
    "frais": ("Frais",),
    "modes_accueil": ("ModeAccueil",),
    "reseaux_porteurs": ("ReseauPorteur",),
}
INBOX_GLOB = "*/offre_locale/*.csv"
#: ``source_locale`` of the template's example lines, which are never loaded.
EXAMPLE_MARKERS = frozenset({"exemple", "example"})
LOCAL_VINTAGE = "offre locale saisie par les analystes"
STRUCTURE_EXTRA = [("source_locale", TEXT), ("fichier", TEXT)]
SERVICE_EXTRA = [("source_locale", TEXT), ("fichier", TEXT)]
STRUCTURES = structures_table("local")
SERVICES = services_table("local")


def _codes(data_dir: Path) -> dict[str, frozenset[str]]:
    return {
        column: frozenset().union(*(referentiel_values(data_dir, name) for name in names))
        for column, names in LIST_REFERENTIELS.items()
    }


def _code_list(raw: Any, allowed: frozenset[str], column: str) -> list[str] | None:
    values = parse_separated_list(raw, "|")
    if values is None:
        return None
    unknown = [v for v in values if v not in allowed]
    if unknown:
        names = " or ".join(LIST_REFERENTIELS[column])
        raise FieldError(f"unknown {names} code(s): {', '.join(unknown)}")
    return values


def _departement_of(code_insee: str | None, code_postal: str | None) -> str | None:
    code = code_insee or code_postal
    if not code:
        return None
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code_insee is None and code.startswith("20"):
        return None  # Corsican postcodes (20xxx) do not tell 2A from 2B
    return code[:2]


def _row_function(departement: str, codes: dict[str, frozenset[str]], fichier: str,
                  communes: frozenset[str] = frozenset()):
    def row(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
        nom = check.require("nom", record.get("nom"))
        source_locale = check.require("source_locale", record.get("source_locale"))
        if source_locale.strip().lower() in EXAMPLE_MARKERS:
            raise RowRejected("source_locale", "example line of the template (source_locale = exemple): "
                                               "delete it or give the real source")
        lists = {column: check.hard(column, _code_list, record.get(column), allowed, column)
                 for column, allowed in codes.items()}
        if not lists["thematiques"]:
            raise RowRejected("thematiques", "empty value in a required field")
        code_insee = check.hard("code_insee", check_commune, record.get("code_insee"))
        if code_insee is not None and code_insee not in communes:
            raise RowRejected("code_insee", f"code commune {code_insee} inexistant au COG 2026 (ni commune"
                                            " actuelle, déléguée ou associée, ni arrondissement, ni ancien"
                                            " code)")
        code_postal = check.hard("code_postal", check_postcode, record.get("code_postal"))
        commune = check.hard("commune", clean_text, record.get("commune"))
        if code_insee is None and (code_postal is None or commune is None):
            raise RowRejected("code_insee", "no place: give code_insee, or code_postal and commune")
        lon, lat = check.hard("latitude/longitude", check_coordinates, record.get("longitude"),
                              record.get("latitude"))
        capacite = check.hard("capacite", check_integer, record.get("capacite"))
        date_maj = check.hard("date_maj", check_date, record.get("date_maj"))
        siret = check.soft("siret", check_siret, record.get("siret"))
        located_in = _departement_of(code_insee, code_postal)
        if located_in is not None and located_in != departement and not (
            departement in {"2A", "2B"} and located_in == "20"
        ):
            check.note("code_insee" if code_insee else "code_postal",
                       f"place in département {located_in}, outside the folder's département {departement}")
        id_local = check.hard("id_local", clean_text, record.get("id_local"))
        identifier = (f"local-{departement}--{id_local}" if id_local else stable_id(
            f"local-{departement}", nom, code_insee or code_postal, record.get("adresse")))
        place = {
            "source": "local",
            "code_insee": code_insee,
            "commune": commune,
            "code_postal": code_postal,
            "adresse": check.hard("adresse", clean_text, record.get("adresse")),
            "longitude": lon,
            "latitude": lat,
            "coordonnees_corrigees": False,
            "date_maj": date_maj,
            "source_locale": source_locale,
            "fichier": fichier,
        }
        structure = {
            **place,
            "id": identifier,
            "nom": nom,
            "siret": siret,
            "typologie": check.hard("typologie", clean_text, record.get("typologie")),
            "reseaux_porteurs": lists["reseaux_porteurs"] or [],
            "site_web": check.hard("site_web", clean_text, record.get("site_web")),
            "capacite": capacite,
            "departement": departement,
        }
        service = {
            **place,
            "id": f"{identifier}--service",
            "structure_id": identifier,
            "nom": check.hard("nom_service", clean_text, record.get("nom_service")) or nom,
            "description": check.hard("description", clean_text, record.get("description")),
            "types": lists["types"],
            "thematiques": lists["thematiques"],
            "frais": lists["frais"],
            "publics": lists["publics"],
            "modes_accueil": lists["modes_accueil"],
        }
        return {"id": identifier, "structure": structure, "service": service}

    return row


def read_local_folder(folder: Path, departement: str, data_dir: Path
                      ) -> tuple[list[dict], list[dict], list[QuarantineRow], list[str]]:
    """Read every ``*.csv`` of one département's ``offre_locale`` folder.

    Returns structure rows, service rows, quarantine rows (against the structures
    table) and the checksums of the files read. ``departement`` must already be valid.
    """
    structures: list[dict] = []
    services: list[dict] = []
    quarantine: list[QuarantineRow] = []
    checksums: list[str] = []
    codes = _codes(data_dir)
    communes = known_communes(data_dir)
    seen: dict[str, tuple[str, int]] = {}
    spec = FileSpec(table=STRUCTURES, vintage=LOCAL_VINTAGE, sep=";",
                    columns=[ColumnSpec(name, name=name) for name in TEMPLATE_COLUMNS])
    for path in sorted(Path(folder).glob("*.csv")):
        raw = read_csv(path, spec)
        checksums.append(raw.source.checksum)
        quarantine.extend(raw.quarantine)
        records = [
            (int(row.pop("_line")), {k: (v if isinstance(v, str) else None) for k, v in row.items()
                                     if k not in ("_secret", "_indisponible")})
            for row in raw.frame.to_dict("records")
        ]
        rows, problems = convert_records(records, _row_function(departement, codes, path.name, communes),
                                         STRUCTURES, str(path), id_label="id_local")
        quarantine.extend(problems)
        for row in rows:
            if row["id"] in seen:
                first_file, first_line = seen[row["id"]]
                quarantine.append(QuarantineRow(
                    STRUCTURES, str(path), row["_line"], "id_local",
                    f"duplicate id {row['id']!r} (first seen in {first_file} line {first_line})"))
                continue
            seen[row["id"]] = (path.name, row["_line"])
            structures.append({**row["structure"], "_line": row["_line"]})
            services.append({**row["service"], "_line": row["_line"]})
    return structures, services, quarantine, checksums


def read_local_inbox(inbox_dir: Path, data_dir: Path) -> tuple[ReadResult, ReadResult]:
    """Local offer of every département folder of the inbox: (structures, services).

    The département is taken from the folder name (``<inbox>/93/offre_locale/``) and
    must be a département code; a folder with another name is quarantined whole.
    No file at all is not an error: the tables are then empty.
    """
    inbox_dir = Path(inbox_dir)
    structures: list[dict] = []
    services: list[dict] = []
    quarantine: list[QuarantineRow] = []
    checksums: list[str] = []
    folders = sorted({p.parent for p in inbox_dir.glob(INBOX_GLOB)}) if inbox_dir.exists() else []
    for folder in folders:
        name = folder.parent.name
        try:
            departement = normalise_departement_code(name)
            if departement != name:
                raise FieldError(name)
        except FieldError:
            quarantine.append(QuarantineRow(
                STRUCTURES, str(folder), 0, "",
                f"folder {name!r} is not a département code (e.g. 93, 2A, 974): its files are not read"))
            continue
        try:
            rows = read_local_folder(folder, departement, data_dir)
        except (FileNotFoundError, KeyError) as exc:
            what = ("COG 2026 communes" if "communes_2026" in str(exc) else "v1 referentiels")
            quarantine.append(QuarantineRow(STRUCTURES, str(folder), 0, "",
                                             f"{what} unavailable to check the codes: {exc}"))
            continue
        structures.extend(rows[0])
        services.extend(rows[1])
        quarantine.extend(rows[2])
        checksums.extend(rows[3])
    quarantine.sort(key=lambda q: (q.source_file, q.line))
    checksum = hashlib.sha256("".join(checksums).encode()).hexdigest() if checksums else ""
    info = SourceInfo(str(inbox_dir / INBOX_GLOB), checksum, LOCAL_VINTAGE)
    structures_result = ReadResult(STRUCTURES, build_frame(structures, STRUCTURE_COLUMNS, STRUCTURE_EXTRA),
                                   info, quarantine)
    services_result = ReadResult(SERVICES, build_frame(services, SERVICE_COLUMNS, SERVICE_EXTRA), info, [])
    return structures_result, services_result


# One parse of the inbox for the two raw tables: the structures' and the services' assets run one
# after the other in the build's process, and each used to read the whole inbox (151 s and 220 s for
# 100 000 rows under load). The first reader parses and leaves the other half here, keyed by the
# content of every inbox file and the referentiels it was checked against; the second takes it once.
_PARTAGE: dict[str, object] = {}


def _etat_lecture(inbox_dir: Path, data_dir: Path) -> tuple:
    """What a parse of the inbox depends on: each file's path and content, the referentiels' files."""
    inbox_dir = Path(inbox_dir).resolve()
    files = sorted(inbox_dir.glob(INBOX_GLOB)) if inbox_dir.exists() else []
    references = [Path(data_dir) / "cog" / "communes_2026.csv",
                  Path(data_dir) / "data-inclusion-schema" / "referentiels_v1.csv"]
    return (
        str(inbox_dir),
        tuple((str(p), file_checksum(p)) for p in files),
        tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else (str(p),)
              for p in references),
    )


def _read_shared(inbox_dir: Path, data_dir: Path, half: int) -> ReadResult:
    """Half ``half`` (0 structures, 1 services) of :func:`read_local_inbox`, parsing at most once for
    both halves of an unchanged inbox; each half is handed out once (never the same frame twice)."""
    etat = _etat_lecture(inbox_dir, data_dir)
    if _PARTAGE.get("etat") == etat and half in _PARTAGE["restant"]:
        return _PARTAGE["restant"].pop(half)
    results = read_local_inbox(inbox_dir, data_dir)
    _PARTAGE.clear()
    _PARTAGE.update(etat=etat, restant={1 - half: results[1 - half]})
    return results[half]


def read_local_structures(inbox_dir: Path, data_dir: Path) -> ReadResult:
    """``raw.offre_structures__local`` (with the quarantine of every rejected line)."""
    return _read_shared(inbox_dir, data_dir, 0)


def read_local_services(inbox_dir: Path, data_dir: Path) -> ReadResult:
    """``raw.offre_services__local`` (rejected lines are in the structures' quarantine)."""
    return _read_shared(inbox_dir, data_dir, 1)
