"""Skip a dbt build whose inputs did not change since the last successful one.

The need, offer and documents marts are national (France-wide) and take most of a build; building
a second département, or the same one again, would rebuild them identically. Before the dbt step
of the main models runs, :func:`empreinte` digests everything that build reads:

- the dbt project's files (models, macros, seeds, tests, ``dbt_project.yml``, ``profiles.yml``) and
  ``ingest/vocabulaires.py`` (the name key a dbt Python model imports),
  the dbt-core / dbt-duckdb versions and the ``--vars`` passed;
- the content of every dbt source the step's models and tests read (:func:`sources_du_manifeste`;
  :func:`ingest.expectations.table_fingerprint`: columns, types, row count and an order-free hash
  of the rows, load time left out). A raw table no model reads (e.g. the documents' rejected files,
  rewritten with their time at every run) does not count. A source that the step reads only through
  views, with no data test and no table, Python or ephemeral model of the step reading it even
  through those views (:func:`sources_lues_par_des_vues`), counts by its columns and their types,
  not its rows: a view's content follows its source without a rebuild, so new rows need none (the
  comité's corrections, ``raw.reseau_corrections``: a new workbook must not rebuild the national
  marts). Adding a data test or a table reading such a view makes its source count by its rows.

When the digest equals the one recorded after the last *successful* build of the same step, and
every table that build made is still there with the same number of rows, the step does not run
dbt: it reports each asset as materialised again (metadata ``unchanged``, ``built_at``) and each
dbt test with the result recorded then (same outcome, severity and figures, the date said in the
description). Anything else (a changed file, a reloaded table with other rows, a missing mart, a
failed or partial earlier build, a subset selected in the UI, ``PACTE_FULL_REFRESH=1``) runs the
full ``dbt build`` as before.

The records live in ``raw._dbt_builds``, beside ``raw._chargements``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MaterializeResult, Output

from ingest import vocabulaires
from ingest.expectations import table_fingerprint
from orchestration.manifest import project_files

__all__ = [
    "BUILDS_TABLE",
    "Enregistrement",
    "empreinte",
    "sources_du_manifeste",
    "sources_lues_par_des_vues",
    "relations_du_manifeste",
    "dernier_build",
    "rejouer",
    "enregistrer",
]

BUILDS_TABLE = "raw._dbt_builds"


def _project_digest(project_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in project_files(project_dir):
        digest.update(str(path.relative_to(project_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _colonnes(con, schema: str, table: str) -> str:
    """Digest of the column names and types of ``schema.table`` (not of its rows)."""
    described = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return hashlib.sha256(json.dumps(["colonnes", described]).encode()).hexdigest()


def empreinte(
    con,
    project_dir: Path,
    dbt_args: Iterable[str],
    sources: Iterable[tuple[str, str]],
    colonnes_seules: Iterable[tuple[str, str]] = (),
) -> str:
    """Digest of everything a ``dbt build`` of the project reads (see the module docstring).

    ``sources``: the (schema, table) the build reads (:func:`sources_du_manifeste`). A source that
    does not exist counts as such. ``colonnes_seules``: those of ``sources`` that count by their
    columns only (:func:`sources_lues_par_des_vues`).
    """
    tables = sorted(set(sources))
    par_colonnes = set(colonnes_seules)
    existing = set(con.execute("select table_schema, table_name from information_schema.tables").fetchall())
    parts: list[Any] = [
        _project_digest(project_dir),
        # the dbt Python model of the deduplication imports the name key's Python twin
        hashlib.sha256(Path(vocabulaires.__file__).read_bytes()).hexdigest(),
        version("dbt-core"),
        version("dbt-duckdb"),
        list(dbt_args),
        [
            [
                schema,
                table,
                None
                if (schema, table) not in existing
                else _colonnes(con, schema, table)
                if (schema, table) in par_colonnes
                else table_fingerprint(con, table, schema=schema),
            ]
            for schema, table in tables
        ],
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _etape(manifest: Mapping[str, Any], exclude_tag: str | None) -> dict[str, Mapping[str, Any]]:
    """The nodes (models, tests, seeds) of a step: those not tagged ``exclude_tag``."""
    return {
        uid: node
        for uid, node in manifest.get("nodes", {}).items()
        if not (exclude_tag and exclude_tag in set(node.get("tags") or []))
    }


def _table(source: Mapping[str, Any]) -> tuple[str, str]:
    return source["schema"], source.get("identifier") or source["name"]


def sources_du_manifeste(
    manifest: Mapping[str, Any], exclude_tag: str | None = None
) -> list[tuple[str, str]]:
    """(schema, table) of the dbt sources that the models and tests of a step read."""
    sources = manifest.get("sources", {})
    return sorted(
        {
            _table(sources[parent])
            for node in _etape(manifest, exclude_tag).values()
            for parent in node.get("depends_on", {}).get("nodes", [])
            if parent in sources
        }
    )


def _vue(node: Mapping[str, Any]) -> bool:
    return (
        node.get("resource_type") == "model"
        and node.get("language", "sql") == "sql"
        and node.get("config", {}).get("materialized") == "view"
    )


def sources_lues_par_des_vues(
    manifest: Mapping[str, Any], exclude_tag: str | None = None
) -> list[tuple[str, str]]:
    """(schema, table) of the dbt sources that the nodes of a step read only through views.

    Everything of the step reached from the source (its children, their children...) must be a
    model materialised as a view: a data test, a table, an incremental, an ephemeral or a Python
    model reading it, even through views, reads its rows, and the source is left out. Nodes outside
    the step (tagged ``exclude_tag``) are not followed: they are built by another step.
    """
    import networkx as nx  # not at import: only the step that fingerprints its inputs needs it

    etape = _etape(manifest, exclude_tag)
    # parent → child for every node of the step, so a source's descendants are nodes of the step
    lectures = nx.DiGraph(
        (parent, uid) for uid, node in etape.items() for parent in node.get("depends_on", {}).get("nodes", [])
    )
    return sorted(
        _table(source)
        for uid, source in manifest.get("sources", {}).items()
        if uid in lectures and all(_vue(etape[enfant]) for enfant in nx.descendants(lectures, uid))
    )


def _ensure_table(con) -> None:
    con.execute("create schema if not exists raw")
    con.execute(
        f"""create table if not exists {BUILDS_TABLE} (
            etape varchar, empreinte varchar, construit_le timestamp, relations varchar, resultats varchar)"""
    )


def _relation_counts(con, relations: Iterable[tuple[str, str]]) -> dict[str, int | None]:
    """Row count of each existing table (``None`` for a view), keyed ``schema.name``.

    Relations that do not exist are left out."""
    existing = {
        (schema, name): kind
        for schema, name, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables"
        ).fetchall()
    }
    counts: dict[str, int | None] = {}
    for schema, name in relations:
        kind = existing.get((schema, name))
        if kind is None:
            continue
        counts[f"{schema}.{name}"] = (
            con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            if kind == "BASE TABLE"
            else None
        )
    return counts


@dataclass
class Enregistrement:
    """What a successful build produced: its assets' metadata and its checks' results."""

    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @staticmethod
    def _plain_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
        plain: dict[str, Any] = {}
        for key, value in (metadata or {}).items():
            raw = getattr(value, "value", value)
            if isinstance(raw, (str, int, float, bool)) or raw is None:
                plain[key] = raw
        return plain

    def suivre(self, context, events: Iterable[Any]) -> Iterator[Any]:
        """Pass dbt's events through, remembering materialisations and check results."""
        for event in events:
            if isinstance(event, Output):
                key = context.asset_key_for_output(event.output_name)
                self.assets[key.to_user_string()] = self._plain_metadata(event.metadata)
            elif isinstance(event, MaterializeResult) and event.asset_key is not None:
                self.assets[event.asset_key.to_user_string()] = self._plain_metadata(event.metadata)
            elif isinstance(event, AssetCheckResult):
                check_key = f"{event.asset_key.to_user_string()}:{event.check_name}"
                self.checks[check_key] = {
                    "passed": bool(event.passed),
                    "severity": event.severity.value,
                    "description": event.description,
                    "metadata": self._plain_metadata(event.metadata),
                }
            yield event


def dernier_build(
    con, etape: str, empreinte_actuelle: str, relations: Iterable[tuple[str, str]]
) -> dict | None:
    """The last successful build of ``etape`` when it had this digest and its tables are intact."""
    _ensure_table(con)
    row = con.execute(
        f"select empreinte, construit_le, relations, resultats from {BUILDS_TABLE} where etape = ? "
        "order by construit_le desc limit 1",
        [etape],
    ).fetchone()
    if row is None or row[0] != empreinte_actuelle:
        return None
    recorded = json.loads(row[2])
    if _relation_counts(con, relations) != recorded:
        return None
    resultats = json.loads(row[3])
    return {"construit_le": row[1], "assets": resultats["assets"], "checks": resultats["checks"]}


def rejouer(context, build: dict) -> Iterator[Any] | None:
    """Events re-reporting ``build`` for the selected assets and checks; ``None`` if one is unknown."""
    date = build["construit_le"].strftime("%Y-%m-%d %H:%M")
    # in the recorded order: dbt's, which puts every model after its parents (Dagster requires it)
    order = {name: i for i, name in enumerate(build["assets"])}
    asset_keys = sorted(context.selected_asset_keys, key=lambda k: order.get(k.to_user_string(), -1))
    check_keys = sorted(
        context.selected_asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)
    )
    if any(k.to_user_string() not in build["assets"] for k in asset_keys) or any(
        f"{k.asset_key.to_user_string()}:{k.name}" not in build["checks"] for k in check_keys
    ):
        return None

    def events() -> Iterator[Any]:
        context.log.info(
            f"dbt: nothing this build reads has changed since the build of {date} (UTC); "
            f"its {len(asset_keys)} models and {len(check_keys)} tests are reported as they were"
        )
        for key in asset_keys:
            metadata = dict(build["assets"][key.to_user_string()])
            metadata.update(unchanged=True, built_at=date)
            yield MaterializeResult(asset_key=key, metadata=metadata)
        for key in check_keys:
            recorded = build["checks"][f"{key.asset_key.to_user_string()}:{key.name}"]
            description = f"Résultat du build du {date} (UTC), entrées inchangées depuis"
            if recorded.get("description"):
                description += f" — {recorded['description']}"
            yield AssetCheckResult(
                asset_key=AssetKey(key.asset_key.path),
                check_name=key.name,
                passed=recorded["passed"],
                severity=AssetCheckSeverity(recorded["severity"]),
                description=description,
                metadata={**recorded["metadata"], "unchanged": True, "built_at": date},
            )

    return events()


def enregistrer(
    con, etape: str, empreinte_actuelle: str, relations: Iterable[tuple[str, str]], suivi: Enregistrement
) -> None:
    """Record a successful build (replacing the earlier records of ``etape``)."""
    _ensure_table(con)
    con.execute(f"delete from {BUILDS_TABLE} where etape = ?", [etape])
    con.execute(
        f"insert into {BUILDS_TABLE} values (?, ?, ?, ?, ?)",
        [
            etape,
            empreinte_actuelle,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            json.dumps(_relation_counts(con, relations), sort_keys=True),
            json.dumps({"assets": suivi.assets, "checks": suivi.checks}, ensure_ascii=False, default=str),
        ],
    )


def relations_du_manifeste(
    manifest: Mapping[str, Any], exclude_tag: str | None = None, only_tag: str | None = None
) -> list[tuple[str, str]]:
    """(schema, name) of the models and seeds a step builds, from dbt's manifest."""
    out = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") not in {"model", "seed"}:
            continue
        if node.get("config", {}).get("materialized") == "ephemeral":
            continue
        tags = set(node.get("tags") or [])
        if exclude_tag and exclude_tag in tags or only_tag and only_tag not in tags:
            continue
        out.append((node["schema"], node.get("alias") or node["name"]))
    return sorted(out)
