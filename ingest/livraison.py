"""Delivery gate of a source: what a read must give before it may replace ``raw.<table>``.

Every raw asset (need, offer, registry, documents' inbox lists) calls :func:`check_delivery`
on the reader's result *before* writing it. The read is refused when:

1. a file could not be read at all (a quarantine row at line 0: missing file, HTML page instead
   of a CSV, missing columns, undecodable bytes, a folder that is not a département code);
2. its row count is outside the range documented for the table: the ``rows`` expectation
   (whole table, no ``where``) of its Great Expectations suite in :mod:`ingest.expectations_suites`,
   the one place that range is declared;
3. it lost more than ``max_loss`` of the rows of the last good load in the same mode (``raw._chargements``):
   a truncated or half-rejected file. For the inbox sources whose rows name their ``fichier``
   (the local offer), the comparison is per file present in both loads: a file the analysts
   took out of the inbox is a withdrawal, not a loss. ``max_loss`` is the dbt variable
   ``chargement_perte_maximale`` (``dbt_project.yml``), declared once.

A refused read leaves ``raw.<table>`` as it was (the last good load). The caller then stops
the build with :attr:`Verdict.message`, or, where the user opted in
(``PACTE_SOURCES_PERIMEES``), keeps going with :func:`mark_stale`: the kept table is marked
stale, which the build summary and the report's sources table show.

Examples
--------
>>> import duckdb, pandas as pd
>>> from ingest.core import ReadResult, SourceInfo, QuarantineRow
>>> con = duckdb.connect()
>>> ok = ReadResult("t", pd.DataFrame({"a": range(10)}), SourceInfo("t.csv", "x", "v"))
>>> check_delivery(con, ok, max_loss=0.2).accepted
True
>>> html = ReadResult("t", pd.DataFrame({"a": []}), SourceInfo("t.csv", "y", "v"),
...                   [QuarantineRow("t", "t.csv", 0, "", "missing column(s) a in header")])
>>> print(check_delivery(con, html, max_loss=0.2).reasons[0])
fichier t.csv illisible : missing column(s) a in header
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.core import ReadResult
from ingest.expectations_suites import SUITES
from ingest.warehouse import LOADS_TABLE, ensure_schemas

__all__ = [
    "Verdict",
    "LivraisonRefusee",
    "check_delivery",
    "documented_range",
    "inbox_refusal",
    "mark_stale",
    "mark_inbox_stale",
    "REFUSED_MARK",
]

#: Start of the message of a load kept stale after a refused delivery (``raw._chargements``).
REFUSED_MARK = "livraison refusée"
#: Per-file comparison for the inbox sources whose rows carry the name of their file.
FILE_COLUMN = "fichier"


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


@dataclass
class Verdict:
    """What the gate found on one read: accepted, or the French reasons of the refusal."""

    table: str
    label: str
    rows: int
    reasons: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.reasons

    @property
    def message(self) -> str:
        """French, for the build summary: the source named, what failed, what was kept."""
        head = f"Source « {self.label} » refusée à la livraison ({_fmt(self.rows)} lignes lues) : "
        return head + " ; ".join(self.reasons) + ". Le dernier chargement réussi est conservé."


class LivraisonRefusee(Exception):
    """A delivery refused before anything was written; the message (French) names the source."""


def inbox_refusal(departement: str, config_error: str | None, missing_folders: list[str],
                  removed: int) -> str | None:
    """Why the documents' inbox of a département is refused, or ``None``.

    Refused: its configuration (``sources.yml``) could not be read, or a declared documents folder
    is missing while documents read from it earlier would be removed (an unmounted drive, a
    wrong ``PACTE_DOCUMENTS_<code>``). Files the analysts take out of a folder that is still
    there are a withdrawal, never refused.

    >>> print(inbox_refusal("93", None, ["/mnt/p"], removed=12).split(" : ", 1)[1])  # doctest: +ELLIPSIS
    dossier /mnt/p introuvable, 12 documents lus auparavant seraient retirés. Le dernier chargement ...
    >>> inbox_refusal("93", None, ["/mnt/partage/documents"], removed=0) is None
    True
    """
    reasons = []
    if config_error:
        reasons.append(f"configuration illisible ({config_error})")
    if missing_folders and removed:
        reasons.append(f"dossier {', '.join(missing_folders)} introuvable, {removed} documents lus "
                       "auparavant seraient retirés")
    if not reasons:
        return None
    return (f"Source « boîte de dépôt du {departement} (documents, entretiens, questionnaires) » refusée "
            f"à la livraison : {' ; '.join(reasons)}. Le dernier chargement réussi est conservé.")


def mark_inbox_stale(con: duckdb.DuckDBPyConnection, tables: list[str], message: str) -> None:
    """Keep the inbox's tables as they are and record, per table, a stale load with the refusal."""
    ensure_schemas(con)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for table in tables:
        con.execute(
            f"insert into {LOADS_TABLE} (table_name, source_file, checksum, vintage, mode, stale, message, "
            "rows_loaded, rows_quarantined, loaded_at) select ?, source_file, checksum, vintage, mode, true, "
            "?, rows_loaded, rows_quarantined, ? from (select * from raw._chargements where table_name = ? "
            "order by loaded_at desc limit 1)",
            [table, f"{REFUSED_MARK} : {message}", now, table],
        )


def documented_range(table: str) -> tuple[int, int | None] | None:
    """The whole-table row range of ``table``'s suite, if it declares one.

    >>> documented_range("cog_regions"), documented_range("table_sans_suite")
    ((18, 30), None)
    """
    suite = SUITES.get(table)
    if suite is None:
        return None
    for expectation in suite.expectations:
        if expectation.kind == "rows" and expectation.where is None:
            return int(expectation.params["min"]), expectation.params["max"]
    return None


def _table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
        [table],
    ).fetchone()[0])


def _last_load_rows(con: duckdb.DuckDBPyConnection, table: str, mode: str) -> int | None:
    """Rows of ``raw.<table>`` as last loaded (the table itself: a stale mark keeps the older rows).

    ``None`` when there is no earlier load, or when it was read in another mode: a live read of the
    run's département is not comparable with a national snapshot.
    """
    if not _table_exists(con, "_chargements") or not _table_exists(con, table):
        return None
    last = con.execute(
        f"select mode from {LOADS_TABLE} where table_name = ? order by loaded_at desc limit 1", [table]
    ).fetchone()
    if last is None or last[0] != mode:
        return None
    return int(con.execute(f'select count(*) from raw."{table}"').fetchone()[0])


def _per_file(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, int] | None:
    columns = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ?",
        [table],
    ).fetchall()}
    if FILE_COLUMN not in columns:
        return None
    return {str(k): int(n) for k, n in con.execute(
        f'select {FILE_COLUMN}, count(*) from raw."{table}" group by all').fetchall()}


def _loss(before: int, after: int) -> float:
    return (before - after) / before if before else 0.0


def _pct(share: float) -> str:
    return f"{round(share * 100)}\u00a0%"


def _lost(after: int, before: int, max_loss: float) -> str:
    return (f"{_fmt(after)} lignes contre {_fmt(before)} au dernier chargement réussi "
            f"(perte de {_pct(_loss(before, after))}, seuil {_pct(max_loss)})")


def check_delivery(con: duckdb.DuckDBPyConnection, result: ReadResult, max_loss: float,
                   label: str | None = None) -> Verdict:
    """Check ``result`` against what ``raw.<table>`` must receive (see the module's docstring)."""
    table = result.table_name
    verdict = Verdict(table, label or table, result.rows)
    unreadable: dict[str, str] = {}
    for q in result.quarantine:
        if q.line == 0:
            unreadable.setdefault(Path(q.source_file).name or q.source_file, q.reason)
    for name, reason in unreadable.items():
        verdict.reasons.append(f"fichier {name} illisible : {reason}")
    span = documented_range(table)
    if span is not None:
        low, high = span
        if result.rows < low or (high is not None and result.rows > high):
            attendu = f"entre {_fmt(low)} et {_fmt(high)}" if high is not None else f"au moins {_fmt(low)}"
            verdict.reasons.append(f"{_fmt(result.rows)} lignes, {attendu} attendues")
    previous = _last_load_rows(con, table, result.source.mode)
    if previous:
        per_file = _per_file(con, table) if FILE_COLUMN in result.frame.columns else None
        if per_file is not None:
            now = result.frame[FILE_COLUMN].astype(str).value_counts().to_dict()
            for name, before in sorted(per_file.items()):
                after = int(now.get(name, 0))
                if name in now and _loss(before, after) > max_loss:
                    verdict.reasons.append(f"fichier {name} : {_lost(after, before, max_loss)}")
        elif _loss(previous, result.rows) > max_loss:
            verdict.reasons.append(_lost(result.rows, previous, max_loss))
    return verdict


def mark_stale(con: duckdb.DuckDBPyConnection, verdict: Verdict) -> dict[str, object] | None:
    """Keep the last good load of a refused source, marked stale; its metadata, or ``None`` if none.

    ``raw.<table>`` keeps its rows with ``_stale`` set, and ``raw._chargements`` gets a stale row
    (the refusal as its message, no signature: the next build reads the source again).
    """
    ensure_schemas(con)
    table = verdict.table
    if not _table_exists(con, table):
        return None
    last = con.execute(
        f"select source_file, checksum, vintage, mode, rows_quarantined from {LOADS_TABLE} "
        "where table_name = ? order by loaded_at desc limit 1", [table]).fetchone()
    if last is None:
        return None
    source_file, checksum, vintage, mode, quarantined = last
    columns = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ?",
        [table]).fetchall()}
    if "_stale" in columns:
        con.execute(f'update raw."{table}" set _stale = true')
    rows = int(con.execute(f'select count(*) from raw."{table}"').fetchone()[0])
    con.execute(
        f"insert into {LOADS_TABLE} (table_name, source_file, checksum, vintage, mode, stale, message, "
        "rows_loaded, rows_quarantined, loaded_at, signature) values (?, ?, ?, ?, ?, true, ?, ?, ?, ?, null)",
        [table, source_file, checksum, vintage, mode, f"{REFUSED_MARK} : {verdict.message}", rows,
         quarantined, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )
    return {"table": f"raw.{table}", "rows": rows, "quarantined": quarantined, "source_file": source_file,
            "checksum": checksum, "vintage": vintage, "mode": mode, "stale": True}
