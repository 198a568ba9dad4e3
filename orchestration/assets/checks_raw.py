"""Great Expectations suites on the raw tables, as blocking Dagster asset checks.

One check ``attentes_great_expectations`` per raw table of the need side (and of the offer
side tables that have a suite) (the suites are
plain data in :mod:`ingest.expectations`). The check reads ``raw.<table>`` from the
warehouse, runs the suite with Great Expectations (imported only when a check runs, so
the definitions load fast), stores the failing expectations with their observed value
and a sample of rows in ``quarantine.attentes_echouees``, and fails with severity ERROR
when any expectation does not hold. The checks are blocking: the dbt models downstream
of a failing table do not run in the same build, and the run says which expectation
failed and why.

A table identical to one the same suite already accepted (same fingerprint of columns
and rows, same suite, same Great Expectations version; see
:func:`ingest.expectations.table_fingerprint`) is not validated again: the check passes
and says when the identical table was validated. Failures are never reused.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from ingest import expectations
from ingest.expectations_suites import SUITES
from orchestration.assets import raw_besoins, raw_offre
from orchestration.assets._bloquant import avec_motifs
from orchestration.assets._raw import raw_asset_key
from orchestration.progression import lisible, noms_des_tables
from orchestration.resources import WarehouseResource

__all__ = ["CHECKS", "CHECK_NAME", "ge_check", "failures_markdown"]

CHECK_NAME = "attentes_great_expectations"


def failures_markdown(outcome: expectations.SuiteOutcome) -> str:
    """The failed expectations as a Markdown table (French), for the Dagster UI."""
    if outcome.success:
        return f"Les {outcome.evaluated} attentes sont tenues ({outcome.rows} lignes)."
    lines = ["| attente | observé | lignes en échec | exemples (ligne du fichier) |", "|---|---|---|---|"]
    for failure in outcome.failures:
        lines_in_file = [str(row.get("_line")) for row in failure.sample if row.get("_line") is not None]
        cells = [
            failure.expectation,
            failure.observed,
            "" if failure.unexpected_count is None else str(failure.unexpected_count),
            ", ".join(lines_in_file[:5]),
        ]
        lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines)


def ge_check(suite: expectations.Suite) -> AssetChecksDefinition:
    """A blocking asset check running ``suite`` on ``raw.<suite.table>``.

    A failure fails the check's step with the failed expectations (:mod:`._bloquant`).
    """
    description = (
        f"Attentes Great Expectations sur la source « {suite.description} » : "
        f"{len(suite.expectations)} attentes. Bloquant : un échec arrête les modèles dbt en aval."
    )

    @asset_check(asset=raw_asset_key(suite.table), name=CHECK_NAME, blocking=True, description=description)
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        key = AssetCheckKey(raw_asset_key(suite.table), CHECK_NAME)
        yield from avec_motifs([_evaluate(context, warehouse)], {key: description})

    def _evaluate(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.connect() as con:
            exists = con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'raw' and table_name = ?",
                [suite.table],
            ).fetchone()[0]
            if not exists:
                message = f"raw.{suite.table} est absente de l'entrepôt : matérialiser d'abord l'asset brut."
                context.log.error(message)
                return AssetCheckResult(passed=False, severity=AssetCheckSeverity.ERROR, description=message)
            table_print = expectations.table_fingerprint(con, suite.table)
            suite_print = expectations.suite_fingerprint(suite)
            passed_on = expectations.previous_pass(con, suite.table, table_print, suite_print)
            if passed_on is not None:
                return _reused(context, suite, passed_on, table_print,
                               con.execute(f'select count(*) from raw."{suite.table}"').fetchone()[0])
            frame = con.execute(f'select * from raw."{suite.table}"').df()
            outcome = expectations.validate_frame(suite, frame)
            expectations.write_failures(con, outcome, table_print, suite_print)
        summary = outcome.summary()
        if outcome.success:
            context.log.info(summary)
        else:
            context.log.error(summary + f"\nDétail des lignes : {expectations.FAILURES_TABLE}")
        return AssetCheckResult(
            passed=outcome.success,
            severity=AssetCheckSeverity.ERROR,
            description=lisible(summary, noms_des_tables()),
            metadata={
                "attentes_evaluees": outcome.evaluated,
                "attentes_en_echec": len(outcome.failures),
                "lignes": outcome.rows,
                "detail": MetadataValue.md(failures_markdown(outcome)),
                "table_des_echecs": expectations.FAILURES_TABLE,
                "resultat_reutilise": False,
                "empreinte_table": table_print[:16],
            },
        )

    return _check


def _reused(context: AssetCheckExecutionContext, suite: expectations.Suite, passed_on, table_print: str,
            rows: int) -> AssetCheckResult:
    """The table is identical to one this suite already accepted: report that result again."""
    summary = (
        f"raw.{suite.table} : table identique (empreinte {table_print[:12]}, {rows} lignes) à celle "
        f"vérifiée le {passed_on:%d/%m/%Y à %H:%M} UTC ; les {len(suite.expectations)} attentes restent "
        "tenues (Great Expectations n'est pas relancé sur des données inchangées)."
    )
    context.log.info(summary)
    return AssetCheckResult(
        passed=True,
        severity=AssetCheckSeverity.ERROR,
        description=lisible(summary, noms_des_tables()),
        metadata={
            "attentes_evaluees": len(suite.expectations),
            "attentes_en_echec": 0,
            "lignes": rows,
            "resultat_reutilise": True,
            "verifie_le": passed_on.isoformat(timespec="seconds"),
            "empreinte_table": table_print[:16],
        },
    )


# the need side's raw tables all have a suite; on the offer side, the tables read from files
# that are not in the catalogue's shape (BPE, CNAF, DREES) and the food-aid list
CHECKS = [
    ge_check(SUITES[s.table])
    for s in [*raw_besoins.SOURCES, *raw_offre.SOURCES]
    if s.table in SUITES
]
