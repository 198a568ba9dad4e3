"""Ingest one département's documents without Dagster (e.g. to time it, or to re-read an inbox).

``python -m ingest.documents --departement 93`` reads the inbox of the département (see
:mod:`ingest.documents.sources`) into the raw tables of ``PACTE_WAREHOUSE``, with the same
code as the Dagster asset, and prints what it did. The marts are built by dbt (``pacte build``
or the job ``documents_departement``). Exit code 0 on success, 2 on an unknown département.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    from ingest.documents.pipeline import ingest_departement
    from ingest.warehouse import connect
    from socle.departements import UnknownDepartement, validate_departement
    from socle.settings import environment, load_settings

    parser = argparse.ArgumentParser(prog="python -m ingest.documents", description=__doc__.splitlines()[0])
    parser.add_argument("--departement", "-d", default="93", help="code COG, p. ex. 93, 2A, 974")
    args = parser.parse_args(argv)
    try:
        code = validate_departement(args.departement)
    except UnknownDepartement as exc:
        print(f"documents : {exc}", file=sys.stderr)
        return 2
    settings = load_settings()
    with connect(settings.warehouse) as con:
        report = ingest_departement(con, code, settings.inbox_dir, settings.data_dir, environment())
    print(f"documents du département {code} → {settings.warehouse}")
    if report.sources is not None:
        print(report.sources.describe())
    for key, value in report.as_metadata().items():
        print(f"  {key} : {value}")
    for path, reason in report.rejets:
        print(f"  quarantaine : {path} : {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
