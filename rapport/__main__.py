"""``python -m rapport --departement CODE``: the report, the kit, the exports and the dictionary of
built départements, without Dagster (for benchmarks and to re-render after a template change).

Reads ``PACTE_WAREHOUSE`` read-only (the priority marts must be built: ``pacte build`` first) and
writes under ``PACTE_OUTPUT/<code>/``; prints the time of each part. ``--departement`` may be
repeated; ``--tous`` renders every département present in ``marts.priorites``.
"""

from __future__ import annotations

import argparse
import sys
import time

from ingest.warehouse import connect

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    from orchestration.partitions import UnknownDepartement, validate_departement
    from orchestration.settings import DBT_TARGET_DIR, load_settings
    from rapport.donnees import MartManquant
    from rapport.ponderations import load_ponderations
    from rapport.production import produire_dictionnaire, produire_exports, produire_kit, produire_rapport

    parser = argparse.ArgumentParser(prog="python -m rapport", description=__doc__.split("\n\n")[0])
    parser.add_argument("--departement", "-d", action="append", default=[], help="COG code, e.g. 93")
    parser.add_argument("--tous", action="store_true", help="every département of marts.priorites")
    parser.add_argument("--sans-pdf", action="store_true", help="skip the PDF (Chromium)")
    args = parser.parse_args(argv)
    settings = load_settings()
    ponderations = load_ponderations()
    with connect(settings.warehouse, read_only=True) as con:
        codes = list(args.departement)
        if args.tous:
            codes += [
                r[0]
                for r in con.execute(
                    "select distinct code_departement from marts.priorites order by 1"
                ).fetchall()
            ]
        if not codes:
            parser.error("give --departement CODE or --tous")
        total = time.perf_counter()
        for brut in codes:
            try:
                code = validate_departement(brut)
            except UnknownDepartement as exc:
                print(f"rapport: {exc}", file=sys.stderr)
                return 2
            sortie = settings.output_dir / code
            sortie.mkdir(parents=True, exist_ok=True)
            temps = {}
            try:
                debut = time.perf_counter()
                rapport = produire_rapport(
                    con, code, sortie, settings.data_dir / "geo", ponderations, pdf=not args.sans_pdf
                )
                temps["rapport"] = time.perf_counter() - debut
                debut = time.perf_counter()
                produire_kit(
                    con,
                    code,
                    sortie,
                    settings.data_dir / "geo",
                    ponderations,
                    manifest_path=DBT_TARGET_DIR / "manifest.json",
                    contexte=rapport["contexte"],
                )
                temps["kit"] = time.perf_counter() - debut
                debut = time.perf_counter()
                produire_exports(con, code, sortie)
                temps["exports"] = time.perf_counter() - debut
                debut = time.perf_counter()
                produire_dictionnaire(con, sortie, DBT_TARGET_DIR / "manifest.json")
                temps["dictionnaire"] = time.perf_counter() - debut
            except (MartManquant, ValueError, FileNotFoundError) as exc:
                print(f"rapport: {code}: {exc}", file=sys.stderr)
                return 1
            print(f"rapport: {code} " + " ".join(f"{k} {v:.1f} s" for k, v in temps.items()) + f" → {sortie}")
        print(f"rapport: {len(codes)} département(s) in {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
