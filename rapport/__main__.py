"""``python -m rapport --departement CODE``: the report, the kit, the exports and the dictionary of
built départements, without Dagster (for benchmarks and to re-render after a template change).

Reads ``PACTE_WAREHOUSE`` read-only (the priority marts must be built: ``pacte build`` first) and
writes under ``PACTE_OUTPUT/<code>/``; prints the time of each part. ``--departement`` may be
repeated; ``--tous`` renders every département present in ``marts.priorites``.

The PDF of a département is printed by Chromium (another process) in a background thread while the
kit, the exports and the next départements are produced; the command waits for every PDF before it
ends and fails when one could not be printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ingest.warehouse import connect

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    from rapport.donnees import MartManquant
    from rapport.production import produire_dictionnaire, produire_exports, produire_kit, produire_rapport
    from rapport.rendu import chromium, pourquoi_pas_de_pdf
    from socle.departements import UnknownDepartement, validate_departement
    from socle.ponderations import load_ponderations
    from socle.settings import DBT_TARGET_DIR, load_settings

    parser = argparse.ArgumentParser(prog="python -m rapport", description=__doc__.split("\n\n")[0])
    parser.add_argument("--departement", "-d", action="append", default=[], help="COG code, e.g. 93")
    parser.add_argument("--tous", action="store_true", help="every département of marts.priorites")
    parser.add_argument("--sans-pdf", action="store_true", help="skip the PDF (Chromium)")
    args = parser.parse_args(argv)
    settings = load_settings()
    ponderations = load_ponderations()
    if not args.sans_pdf and chromium() is None:
        print(
            f"rapport : {pourquoi_pas_de_pdf(args.departement[0] if args.departement else '93')}",
            file=sys.stderr,
        )
    # one Chromium at a time, overlapping the Python work of the following départements
    imprimeur = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
    impressions: dict[str, Future] = {}
    try:
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
                        con, code, sortie, settings.data_dir / "geo", ponderations, pdf=False
                    )
                    temps["rapport"] = time.perf_counter() - debut
                    if not args.sans_pdf and chromium() is not None:
                        pdf = sortie / "rapport_diagnostic.pdf"
                        pdf.unlink(missing_ok=True)  # never leave the PDF of an older report
                        impressions[code] = imprimeur.submit(_imprimer, rapport["fichiers"]["html"], pdf)
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
                except (MartManquant, ValueError, FileNotFoundError) as exc:
                    print(f"rapport: {code}: {exc}", file=sys.stderr)
                    return 1
                print(
                    f"rapport: {code} "
                    + " ".join(f"{k} {v:.1f} s" for k, v in temps.items())
                    + f" → {sortie}",
                    flush=True,
                )
            # one dictionary for the whole warehouse (its marts are national), beside the départements
            debut = time.perf_counter()
            try:
                page = produire_dictionnaire(con, settings.output_dir, DBT_TARGET_DIR / "manifest.json")
            except FileNotFoundError as exc:
                print(f"rapport: {exc}", file=sys.stderr)
                return 1
            print(f"rapport: dictionnaire {time.perf_counter() - debut:.1f} s → {page}", flush=True)
            echecs = _attendre(impressions)
            print(f"rapport: {len(codes)} département(s) in {time.perf_counter() - total:.1f} s")
            if echecs:
                print(f"rapport : PDF non imprimé pour {', '.join(echecs)}", file=sys.stderr)
                return 1
    finally:
        imprimeur.shutdown(wait=True, cancel_futures=True)
    return 0


def _imprimer(html: Path, pdf: Path) -> tuple[bool, float]:
    """Print one PDF (in the printing thread); returns (printed, seconds)."""
    from rapport.rendu import imprimer_pdf

    debut = time.perf_counter()
    try:
        ok = imprimer_pdf(html, pdf)
    except Exception as exc:  # a timeout or a crash of Chromium: reported, the others go on
        print(f"rapport : PDF {pdf} : {exc}", file=sys.stderr)
        ok = False
    return ok, time.perf_counter() - debut


def _attendre(impressions: dict[str, Future]) -> list[str]:
    """Wait for every PDF; print the time of each; return the codes whose PDF failed."""
    echecs = []
    for code, impression in impressions.items():
        ok, duree = impression.result()
        print(f"rapport: {code} pdf {duree:.1f} s" + ("" if ok else " FAILED"))
        if not ok:
            echecs.append(code)
    return echecs


if __name__ == "__main__":
    sys.exit(main())
