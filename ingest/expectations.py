"""Great Expectations suites for the raw tables of the need side, and how to run them.

Each raw table (``raw.<table>``) has a :class:`Suite`: plain data listing what must
hold once the file has been read — expected columns present, key columns not null
and unique, codes matching their pattern, rates between 0 and 100, counts never
negative, row counts within a plausible range. A suite is turned into a Great
Expectations 1.x ``ExpectationSuite`` only when it runs (:func:`validate_frame`), so
that importing this module stays cheap: ``great_expectations`` takes seconds to
import and is loaded lazily, never at Dagster definition time.

An expectation may apply to a subset of rows (``where=("type", "commune-actuelle")``,
run as a Great Expectations row condition), e.g. the commune code is unique among
the *current* communes only. Failures keep the observed value and a sample of the
failing rows; :func:`write_failures` stores them in ``quarantine.attentes_echouees``.

Great Expectations runs in an ephemeral context on a pandas dataframe; analytics
are disabled (the context's ``analytics_enabled=False``) and nothing leaves the machine.
The suites themselves (what must hold, table by table) are in :mod:`ingest.expectations_suites`.

Examples
--------
>>> unique("code_insee", where=("type", "commune-actuelle")).label
'code_insee unique (type = commune-actuelle)'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.paresseux import module_paresseux
from ingest.warehouse import insert_rows

pd = module_paresseux("pandas")

__all__ = [
    "FAILURES_TABLE",
    "RUNS_TABLE",
    "KINDS",
    "Expectation",
    "Failure",
    "Suite",
    "SuiteOutcome",
    "between",
    "columns",
    "count",
    "in_set",
    "key",
    "required",
    "matches",
    "not_null",
    "rate",
    "rows",
    "unique",
    "unique_together",
    "previous_pass",
    "suite_fingerprint",
    "table_fingerprint",
    "validate_frame",
    "write_failures",
]

FAILURES_TABLE = "quarantine.attentes_echouees"
RUNS_TABLE = "quarantine.attentes_verifications"
KINDS = ("columns", "not_null", "unique", "unique_together", "regex", "between", "in_set", "rows")
SAMPLE_ROWS = 10



@dataclass(frozen=True)
class Expectation:
    """One expectation on a raw table.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    column : str or None
        The column it applies to (``None`` for table-level kinds).
    params : mapping
        Kind-specific parameters (``columns``, ``regex``, ``min``, ``max``, ``values``, ``mostly``).
    where : (column, value) or None
        Only rows where ``column == value`` are considered.
    label : str
        Short French description shown to users.
    """

    kind: str
    column: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    where: tuple[str, str] | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown expectation kind {self.kind!r}, expected one of {KINDS}")

    @property
    def columns_used(self) -> tuple[str, ...]:
        """Every column the expectation reads (its column, compound columns, the ``where`` column)."""
        used: list[str] = []
        if self.kind == "unique_together":
            used.extend(self.params["columns"])
        elif self.column is not None:
            used.append(self.column)
        if self.where is not None:
            used.append(self.where[0])
        return tuple(used)


def _where_text(where: tuple[str, str] | None) -> str:
    return f" ({where[0]} = {where[1]})" if where else ""


def columns(*names: str) -> Expectation:
    """The table has (at least) these columns."""
    return Expectation("columns", params={"columns": tuple(names)},
                       label=f"colonnes présentes : {', '.join(names)}")


def not_null(column: str, where: tuple[str, str] | None = None, mostly: float | None = None) -> Expectation:
    """``column`` is never NULL (or in at least ``mostly`` of the rows)."""
    params = {"mostly": mostly} if mostly is not None else {}
    share = f" (au moins {mostly:.0%} des lignes)" if mostly is not None else ""
    return Expectation("not_null", column, params, where, f"{column} renseigné{share}{_where_text(where)}")


def unique(column: str, where: tuple[str, str] | None = None) -> Expectation:
    """``column`` has no duplicate value."""
    return Expectation("unique", column, {}, where, f"{column} unique{_where_text(where)}")


def unique_together(*names: str, where: tuple[str, str] | None = None) -> Expectation:
    """The combination of ``names`` has no duplicate."""
    return Expectation("unique_together", None, {"columns": tuple(names)}, where,
                       f"({', '.join(names)}) unique{_where_text(where)}")


def matches(column: str, regex: str, where: tuple[str, str] | None = None, what: str = "") -> Expectation:
    """Every non-NULL value of ``column`` matches ``regex``."""
    return Expectation("regex", column, {"regex": regex}, where,
                       f"{column} au format {what or regex}{_where_text(where)}")


def between(column: str, low: float | None, high: float | None, what: str = "") -> Expectation:
    """Every non-NULL value of ``column`` lies in ``[low, high]`` (``None``: unbounded)."""
    if what:
        text = what
    elif high is None:
        text = f"≥ {low:g}"
    elif low is None:
        text = f"≤ {high:g}"
    else:
        text = f"entre {low:g} et {high:g}"
    return Expectation("between", column, {"min": low, "max": high}, None, f"{column} {text}")


def rate(column: str) -> Expectation:
    """A percentage: between 0 and 100."""
    return between(column, 0, 100, what="taux entre 0 et 100")


def count(column: str) -> Expectation:
    """A count or a population: never negative."""
    return between(column, 0, None, what="effectif ≥ 0")


def in_set(column: str, values: Iterable[str], where: tuple[str, str] | None = None) -> Expectation:
    """Every non-NULL value of ``column`` is one of ``values``."""
    values = tuple(values)
    return Expectation("in_set", column, {"values": values}, where,
                       f"{column} parmi {', '.join(map(str, values))}{_where_text(where)}")


def rows(low: int, high: int | None, where: tuple[str, str] | None = None) -> Expectation:
    """The number of rows (of the ``where`` subset) lies in ``[low, high]``."""
    def fmt(n: int) -> str:
        return f"{n:,}".replace(",", " ")

    span = f"entre {fmt(low)} et {fmt(high)}" if high is not None else f"au moins {fmt(low)}"
    return Expectation("rows", None, {"min": low, "max": high}, where,
                       f"nombre de lignes {span}{_where_text(where)}")


def required(column: str, regex: str, what: str = "") -> list[Expectation]:
    """A required code: not NULL and matching ``regex`` (not necessarily unique)."""
    return [not_null(column), matches(column, regex, what=what)]


def key(column: str, regex: str | None = None, where: tuple[str, str] | None = None,
        what: str = "") -> list[Expectation]:
    """A key column: not NULL, unique and (optionally) matching ``regex``."""
    out = [not_null(column, where), unique(column, where)]
    if regex:
        out.append(matches(column, regex, where, what))
    return out


@dataclass(frozen=True)
class Suite:
    """The expectations of one raw table."""

    table: str
    expectations: tuple[Expectation, ...]
    description: str = ""

    @property
    def name(self) -> str:
        return f"raw.{self.table}"


@dataclass
class Failure:
    """One expectation that did not hold, with what was observed and sample rows."""

    table: str
    expectation: str
    kind: str
    column: str | None
    row_condition: str | None
    observed: str
    unexpected_count: int | None = None
    sample: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SuiteOutcome:
    """The result of running a suite on one table."""

    table: str
    evaluated: int
    rows: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """French one-paragraph summary for logs and check descriptions."""
        if self.success:
            return (f"raw.{self.table} : {self.evaluated} attentes vérifiées sur {self.rows} lignes, "
                    "toutes tenues.")
        lines = [f"raw.{self.table} : {len(self.failures)} attente(s) sur {self.evaluated} en échec "
                 f"({self.rows} lignes)."]
        lines += [f"- {f.expectation} : {f.observed}" for f in self.failures]
        return "\n".join(lines)



# --------------------------------------------------------------------------------------------
# Running a suite with Great Expectations (imported lazily).
# --------------------------------------------------------------------------------------------

def _import_gx():
    """Import Great Expectations (never at module import)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return gx, gxe, Column


def _to_gx(expectation: Expectation, index: int, gxe, Column):  # noqa: N803 (GE class passed in)
    meta = {"pacte_index": index}
    extra: dict[str, Any] = {"meta": meta}
    if expectation.where is not None:
        extra["row_condition"] = Column(expectation.where[0]) == expectation.where[1]
    if "mostly" in expectation.params:
        extra["mostly"] = expectation.params["mostly"]
    kind, column, params = expectation.kind, expectation.column, expectation.params
    if kind == "columns":
        return gxe.ExpectTableColumnsToMatchSet(column_set=list(params["columns"]), exact_match=False,
                                                meta=meta)
    if kind == "not_null":
        return gxe.ExpectColumnValuesToNotBeNull(column=column, **extra)
    if kind == "unique":
        return gxe.ExpectColumnValuesToBeUnique(column=column, **extra)
    if kind == "unique_together":
        return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(params["columns"]), **extra)
    if kind == "regex":
        return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=params["regex"], **extra)
    if kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=params["min"],
                                                 max_value=params["max"], **extra)
    if kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(params["values"]), **extra)
    return gxe.ExpectTableRowCountToBeBetween(min_value=params["min"], max_value=params["max"], **extra)


def _sample(frame: pd.DataFrame, indices: Sequence[Any], expectation: Expectation) -> list[dict[str, Any]]:
    """The failing rows (source line and the columns involved), JSON-ready."""
    wanted = list(dict.fromkeys(c for c in ("_line", *expectation.columns_used) if c in frame.columns))
    present = [i for i in list(indices)[:SAMPLE_ROWS] if i in frame.index]
    if not present or not wanted:
        return []
    return json.loads(frame.loc[present, wanted].to_json(orient="records", force_ascii=False,
                                                         default_handler=str))


def _examples(values: Sequence[Any]) -> str:
    cleaned = [None if isinstance(v, float) and math.isnan(v) else v for v in list(values)[:5]]
    return json.dumps(cleaned, ensure_ascii=False, default=str)


def _observed(expectation: Expectation, result: Mapping[str, Any], exception: str | None) -> str:
    if exception:
        return f"erreur d'évaluation : {exception}"
    if expectation.kind == "columns":
        missing = result.get("details", {}).get("mismatched", {}).get("missing", [])
        return f"colonnes manquantes : {', '.join(missing)}" if missing else "colonnes manquantes"
    if expectation.kind == "rows":
        return f"{result.get('observed_value')} lignes"
    total = result.get("element_count")
    bad = result.get("unexpected_count")
    share = ""
    if "unexpected_percent" in result:
        share = f" ({result['unexpected_percent']:.2f} % des valeurs non nulles)"
    examples = _examples(result.get("partial_unexpected_list") or [])
    return f"{bad} ligne(s) en échec sur {total}{share} ; exemples : {examples}"


def validate_frame(
    suite: Suite, frame: pd.DataFrame, skip_kinds: Iterable[str] = ()
) -> SuiteOutcome:
    """Run ``suite`` on ``frame`` with Great Expectations and collect the failures.

    Expectations on columns absent from the frame fail with « colonne absente » without
    reaching Great Expectations. ``skip_kinds`` leaves out some kinds (e.g. ``rows`` on
    a small test frame).

    Examples
    --------
    >>> frame = pd.DataFrame({"reg": ["11", "11", "x"], "nom": ["A", "B", None],
    ...                       "chef_lieu": ["75056", None, None], "zone": ["metro"] * 3})
    >>> from ingest.expectations_suites import SUITES
    >>> outcome = validate_frame(SUITES["cog_regions"], frame, skip_kinds=["rows"])
    >>> sorted(f.expectation for f in outcome.failures)
    ['nom renseigné', 'reg au format code région', 'reg unique']
    """
    skip = set(skip_kinds)
    chosen = [e for e in suite.expectations if e.kind not in skip]
    failures: list[Failure] = []
    runnable: list[tuple[int, Expectation]] = []
    for index, expectation in enumerate(chosen):
        missing = [c for c in expectation.columns_used if c not in frame.columns]
        if missing and expectation.kind != "columns":
            failures.append(Failure(suite.table, expectation.label, expectation.kind, expectation.column,
                                    _where_text(expectation.where).strip(" ()") or None,
                                    f"colonne absente : {', '.join(missing)}"))
        else:
            runnable.append((index, expectation))
    if runnable:
        failures.extend(_run_gx(suite, frame, runnable))
    order = {e.label: i for i, e in enumerate(chosen)}
    failures.sort(key=lambda f: order.get(f.expectation, len(order)))
    return SuiteOutcome(suite.table, len(chosen), len(frame), failures)


def _gx_context(gx):
    """An ephemeral context, in memory, analytics and progress bars off. Its ``analytics_enabled``
    is the only switch: Great Expectations 1.x reads no analytics environment variable."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _run_gx(suite: Suite, frame: pd.DataFrame, runnable: list[tuple[int, Expectation]]) -> list[Failure]:
    gx, gxe, Column = _import_gx()  # noqa: N806
    context = _gx_context(gx)
    batch = (
        context.data_sources.add_pandas("pacte_raw")
        .add_dataframe_asset(suite.table)
        .add_batch_definition_whole_dataframe("table_entiere")
    )
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
    by_index = dict(runnable)
    for index, expectation in runnable:
        gx_suite.add_expectation(_to_gx(expectation, index, gxe, Column))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"validation_{suite.table}", data=batch, suite=gx_suite)
    )
    result = validation.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS},
    )
    failures = []
    for item in result.results:
        if item.success:
            continue
        expectation = by_index[item.expectation_config.meta["pacte_index"]]
        info = item.exception_info or {}
        exception = None
        if info.get("raised_exception"):
            exception = str(info.get("exception_message"))
        else:
            for value in info.values():
                if isinstance(value, dict) and value.get("raised_exception"):
                    exception = str(value.get("exception_message"))
                    break
        res = dict(item.result or {})
        failures.append(Failure(
            suite.table, expectation.label, expectation.kind, expectation.column,
            _where_text(expectation.where).strip(" ()") or None,
            _observed(expectation, res, exception),
            res.get("unexpected_count"),
            _sample(frame, res.get("partial_unexpected_index_list") or [], expectation),
        ))
    return failures


def suite_fingerprint(suite: Suite) -> str:
    """A digest of the suite's expectations and of the Great Expectations version running them.

    Examples
    --------
    >>> from ingest.expectations_suites import SUITES
    >>> suite_fingerprint(SUITES["cog_regions"]) == suite_fingerprint(SUITES["cog_regions"])
    True
    >>> suite_fingerprint(SUITES["cog_regions"]) == suite_fingerprint(SUITES["cog_departements"])
    False
    """
    from importlib.metadata import version

    text = f"{suite!r}|great_expectations {version('great_expectations')}"
    return hashlib.sha256(text.encode()).hexdigest()


def table_fingerprint(con, table: str, schema: str = "raw", left_out: tuple[str, ...] = ()) -> str:
    """A digest of ``schema.table``: column names and types, row count, order-free hash of the rows.

    ``_loaded_at`` is left out, and any column of ``left_out``: reloading the same rows gives the
    same fingerprint.
    """
    described = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]
    ).fetchall()
    names = [name for name, _ in described if name == "_loaded_at" or name in left_out]
    excluded = f" exclude ({', '.join(names)})" if names else ""
    count, digest = con.execute(
        f'select count(*), sum(hash(*columns(*{excluded})))::hugeint from {schema}."{table}"'
    ).fetchone()
    text = json.dumps([described, count, str(digest)])
    return hashlib.sha256(text.encode()).hexdigest()


def _ensure_tables(con) -> None:
    from ingest.warehouse import ensure_schemas

    ensure_schemas(con)
    con.execute(
        f"""create table if not exists {FAILURES_TABLE} (
            table_name varchar, expectation varchar, kind varchar, column_name varchar,
            row_condition varchar, observed varchar, unexpected_count bigint, sample_rows varchar,
            checked_at timestamp)"""
    )
    con.execute(
        f"""create table if not exists {RUNS_TABLE} (
            table_name varchar, expectations_evaluated integer, expectations_failed integer,
            rows_checked bigint, checked_at timestamp)"""
    )
    for column in ("table_fingerprint", "suite_fingerprint"):
        con.execute(f"alter table {RUNS_TABLE} add column if not exists {column} varchar")


def previous_pass(con, table: str, table_print: str, suite_print: str) -> dt.datetime | None:
    """When the same suite last passed on an identical table (same fingerprints), else ``None``."""
    _ensure_tables(con)
    row = con.execute(
        f"select max(checked_at) from {RUNS_TABLE} where table_name = ? and expectations_failed = 0 "
        "and table_fingerprint = ? and suite_fingerprint = ?", [table, table_print, suite_print]
    ).fetchone()
    return row[0] if row else None


def write_failures(con, outcome: SuiteOutcome, table_print: str | None = None,
                   suite_print: str | None = None) -> int:
    """Record a suite run in the warehouse; return the number of failed expectations.

    ``quarantine.attentes_echouees`` gets one row per failed expectation (observed value,
    number of failing rows, JSON sample of the rows with their source line) and
    ``quarantine.attentes_verifications`` one row per table (last run, with the table and
    suite fingerprints); both replace the earlier rows of the same table.
    """
    _ensure_tables(con)
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(f"delete from {FAILURES_TABLE} where table_name = ?", [outcome.table])
    con.execute(f"delete from {RUNS_TABLE} where table_name = ?", [outcome.table])
    con.execute(
        f"insert into {RUNS_TABLE} (table_name, expectations_evaluated, expectations_failed, rows_checked, "
        "checked_at, table_fingerprint, suite_fingerprint) values (?, ?, ?, ?, ?, ?, ?)",
        [outcome.table, outcome.evaluated, len(outcome.failures), outcome.rows, checked_at, table_print,
         suite_print],
    )
    if outcome.failures:
        insert_rows(
            con,
            FAILURES_TABLE,
            [
                (f.table, f.expectation, f.kind, f.column, f.row_condition, f.observed, f.unexpected_count,
                 json.dumps(f.sample, ensure_ascii=False, default=str), checked_at)
                for f in outcome.failures
            ],
        )
    return len(outcome.failures)
