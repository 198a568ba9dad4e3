"""Benchmarks of pacte-diagnostic: time and peak memory of the real commands.

Run: ``uv run python benchmarks/run.py [--only NAME ...]``. Each case runs a real
command in a subprocess on the snapshot data, in a scratch warehouse, and records its
wall time and the peak resident memory of the largest process of the tree
(``getrusage(RUSAGE_CHILDREN)``, which covers dbt's own subprocesses). Results are
written to ``docs/performance.md`` with the targets of the issues.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from socle.settings import child_environment

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS_JSON = REPO / "benchmarks" / "results.json"
REPORT = REPO / "docs" / "performance.md"


DROP_DOCUMENTS = (
    "import duckdb; from socle.settings import load_settings;"
    "con = duckdb.connect(str(load_settings().warehouse));"
    "[con.execute(f'drop table if exists raw.{t}') for (t,) in con.execute("
    "\"select table_name from information_schema.tables where table_schema='raw' "
    "and (table_name like 'documents%' or table_name like 'questionnaires%')\").fetchall()]"
)
GRAPH = (
    "from graph.pipeline import run_departements;"
    "from socle.settings import load_settings; s = load_settings();"
    "run_departements(s.warehouse, {codes}, s.output_dir, True)"
)
GRAPH_ALL = GRAPH.replace(
    "{codes}", "sorted(__import__('socle.departements', fromlist=['x']).departements())"
).replace("True)", "False)")

# Preparation of the report of every département (not timed): the national marts, from one
# `pacte build` when the warehouse does not hold them yet; the graph of every département not built
# yet; then the priority models (dbt tag apres_graphe, weights of config/priorites.yml as vars, as
# the Dagster priorities step runs them), which cover every département whose graph is built.
NATIONAL_MARTS = """
import subprocess, sys
import duckdb
from socle.settings import load_settings
warehouse = load_settings().warehouse
present = set()
if warehouse.exists():
    con = duckdb.connect(str(warehouse), read_only=True)
    present = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    con.close()
if not {'territoires', 'besoins', 'ecarts', 'accessibilite', 'documents', 'mentions'} <= present:
    sys.exit(subprocess.call([__PACTE__, 'build', '--departement', '93']))
"""
GRAPH_MISSING = """
import duckdb
from graph.pipeline import run_departements
from socle.departements import departements
from socle.settings import REPO_ROOT, load_settings
settings = load_settings()
warehouse = settings.warehouse
con = duckdb.connect(str(warehouse), read_only=True)
try:
    built = {r[0] for r in con.execute(
        'select distinct code_departement from marts.faiblesse_coordination').fetchall()}
except duckdb.CatalogException:
    built = set()
con.close()
missing = sorted(set(departements()) - built)
if missing:
    run_departements(warehouse, missing, settings.output_dir, False)
"""
PRIORITIES_ALL = """
import subprocess, sys
from socle.ponderations import dbt_vars_argument, load_ponderations
sys.exit(subprocess.call([__DBT__, 'build', '--select', 'tag:apres_graphe',
                          *dbt_vars_argument(load_ponderations()), *sys.argv[1:]]))
"""


@dataclass
class Case:
    name: str
    description: str
    target_seconds: float | None
    target_mb: float | None
    command: list[str]
    env: dict[str, str]
    prepare: list[list[str]] | None = None


def _measure(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run in a fresh child process; return (seconds, peak MB of the tree, exit code)."""
    runner = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "s = time.perf_counter() - t\n"
        "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps([s, kb / 1024, rc]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", runner, *command],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, mb, rc = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, mb, rc


def _scratch_env(root: Path) -> dict[str, str]:
    env = child_environment(
        PACTE_WAREHOUSE=str(root / "warehouse.duckdb"),
        PACTE_OUTPUT=str(root / "output"),
        PACTE_INBOX=str(root / "inbox"),
        DAGSTER_HOME=str(root / "dagster"),
        PACTE_DBT_TARGET=str(root / "dbt_target"),
    )
    (root / "dagster").mkdir(parents=True, exist_ok=True)
    return env


def cases(root: Path) -> list[Case]:
    pacte = str(VENV_BIN / "pacte")
    py = str(VENV_BIN / "python")
    dbt = str(VENV_BIN / "dbt")
    env = _scratch_env(root)
    dbt_args = [
        "--project-dir",
        str(REPO / "dbt_project"),
        "--profiles-dir",
        str(REPO / "dbt_project"),
        "--target-path",
        env["PACTE_DBT_TARGET"],
        "--quiet",
    ]
    national_marts = [py, "-c", NATIONAL_MARTS.replace("__PACTE__", repr(pacte))]
    massive = _scratch_env(root / "offre_locale_100k")  # a warehouse of its own: a first build
    prepare_all = [
        national_marts,
        [py, "-c", GRAPH_MISSING],
        [py, "-c", PRIORITIES_ALL.replace("__DBT__", repr(dbt)), *dbt_args],
    ]
    return [
        Case(
            "main_command_warm",
            "README's first command (setup + build of 93) on a warm install",
            None,
            2048,
            ["bash", "scripts/diagnostic.sh"],
            env,
        ),
        Case(
            "build_93_again",
            "`pacte build --departement 93` again, nothing changed (sources, national dbt marts and "
            "conformity taken over; graph, priorities, report, kit and exports redone)",
            60,
            2048,
            [pacte, "build", "--departement", "93"],
            env,
            prepare=[national_marts],  # the first build of 93 when the warehouse is empty (--only)
        ),
        Case(
            "build_59",
            "`pacte build --departement 59` on the same warehouse: another département, the national "
            "marts reused",
            60,
            2048,
            [pacte, "build", "--departement", "59"],
            env,
        ),
        Case(
            "build_93_full_refresh",
            "`PACTE_FULL_REFRESH=1 pacte build --departement 93`: every source re-read and every dbt "
            "model rebuilt (what a first build does, without the setup)",
            None,
            2048,
            [pacte, "build", "--departement", "93"],
            {**env, "PACTE_FULL_REFRESH": "1"},
        ),
        Case(
            "build_93_offre_locale_100k",
            "first `pacte build --departement 93` with 100 000 local offer rows in the inbox (real "
            "input format, written by benchmarks/offre_locale_massive.py, not timed): readers, dbt, "
            "graph and coordination analysis at scale",
            600,
            2048,
            [pacte, "build", "--departement", "93"],
            massive,
            prepare=[
                [
                    py,
                    str(REPO / "benchmarks" / "offre_locale_massive.py"),
                    massive["PACTE_INBOX"],
                    "--departement",
                    "93",
                    "--lignes",
                    "100000",
                ],
            ],
        ),
        Case(
            "national_need_marts",
            "dbt build of the need marts (staging → marts.territoires/indicateurs/besoins) for all "
            "communes of France, raw tables already loaded",
            90,
            2048,
            [dbt, "build", "--select", "+besoins", "+indicateurs", "+territoires", *dbt_args],
            env,
        ),
        Case(
            "national_offer_access",
            "dbt build of the national offer catalogue, marts.offre and the access distances "
            "(marts.accessibilite) for all communes of France and every domain, raw tables loaded",
            60,
            2048,
            [
                dbt,
                "build",
                "--select",
                "+offre",
                "+accessibilite",
                "--exclude",
                "tag:apres_graphe",
                *dbt_args,
            ],
            env,
        ),
        Case(
            "documents_cold",
            "ingest the whole ../shared/documents folder (département 93), nothing known yet",
            None,
            2048,
            [py, "-m", "ingest.documents", "--departement", "93"],
            env,
            prepare=[[py, "-c", DROP_DOCUMENTS]],
        ),
        Case(
            "documents_unchanged",
            "ingest the same documents again when nothing changed",
            None,
            2048,
            [py, "-m", "ingest.documents", "--departement", "93"],
            env,
        ),
        Case(
            "graph_93",
            "graph build, analysis and network page of 93 (marts already built)",
            None,
            2048,
            [py, "-c", GRAPH.format(codes="['93']")],
            env,
        ),
        Case(
            "graph_all",
            "graph build and analysis of every département at once (no pages)",
            180,
            4096,
            [py, "-c", GRAPH_ALL],
            env,
        ),
        Case(
            "rapport_93",
            "report (HTML + PDF), committee kit, workbook, exports and dictionary of 93",
            30,
            2048,
            [py, "-m", "rapport", "--departement", "93"],
            env,
            prepare=[national_marts],  # a build of 93 when the warehouse is empty (--only rapport_93)
        ),
        Case(
            "apercu_tous",
            "`pacte apercu`: the overview pages of the 18 régions and of France (map and table of every "
            "département for each measure), after at least one build (issue 16)",
            60,  # proposed here (issue 16 sets none): a comité's refresh of every page within a minute
            2048,
            [pacte, "apercu"],
            env,
            prepare=[national_marts],  # a build of 93 when the warehouse is empty (--only apercu_tous)
        ),
        Case(
            "rapport_all",
            "report (HTML + PDF), committee kit, workbook, exports and dictionary of every département "
            "(109), graph and priorities of all built before (not timed)",
            900,
            2048,
            [py, "-m", "rapport", "--tous"],
            env,
            prepare=prepare_all,
        ),
        Case(
            "rapport_all_sans_pdf",
            "the same as rapport_all without the PDF (`--sans-pdf`)",
            None,
            2048,
            [py, "-m", "rapport", "--tous", "--sans-pdf"],
            env,
            prepare=prepare_all,
        ),
    ]


IMPORT_PAIRS = 5
IMPORTS = {
    "import_dagster": ("import dagster, dagster_dbt", "`import dagster, dagster_dbt`: Dagster's own import "
                       f"(median of {IMPORT_PAIRS} runs, each paired with the next case's)"),
    "import_definitions": ("import orchestration.definitions", "`import orchestration.definitions`: the code "
                           "location the UI and every run worker load (median of the paired runs; target: "
                           "Dagster's own import + 3 s, issue 12)"),
}


def _import_results(env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Median seconds and peak MB of each import of IMPORTS, measured in alternating pairs so
    that a change of the machine's load touches both alike."""
    import statistics

    # once untimed: a new scratch folder has no dbt manifest yet (the setup prepares it)
    _measure([sys.executable, "-c", IMPORTS["import_definitions"][0]], env)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in IMPORTS}
    for _ in range(IMPORT_PAIRS):
        for name, (statement, _) in IMPORTS.items():
            seconds, mb, rc = _measure([sys.executable, "-c", statement], env)
            if rc != 0:
                raise SystemExit(f"{name}: `{statement}` failed ({rc})")
            runs[name].append((seconds, mb))
    return {
        name: (statistics.median(s for s, _ in values), max(m for _, m in values))
        for name, values in runs.items()
    }


def _write_report(results: dict[str, dict]) -> None:
    lines = [
        "# Performance",
        "",
        "Measured by `benchmarks/run.py` (never by timed unit tests). Each case runs the real command",
        "in a subprocess on the snapshot data; peak memory is the largest resident set of the process",
        "tree (dbt included).",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores.",
        "",
        "| case | what | seconds | target s | peak MB | target MB | status | measured |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for name, r in results.items():
        ok = (
            r["exit_code"] == 0
            and (r["target_seconds"] is None or r["seconds"] <= r["target_seconds"])
            and (r["target_mb"] is None or r["peak_mb"] <= r["target_mb"])
        )
        status = "ok" if ok else ("FAILED" if r["exit_code"] else "over target")
        lines.append(
            f"| {name} | {r['description']} | {r['seconds']:.1f} | {r['target_seconds'] or '-'} | "
            f"{r['peak_mb']:.0f} | {r['target_mb'] or '-'} | {status} | {r['measured_at']} |"
        )
    notes = REPO / "benchmarks" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    REPORT.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="case names to run (default: all)")
    parser.add_argument(
        "--racine",
        type=Path,
        help="scratch folder to use and keep (default: a new temporary one, removed at the end); "
        "e.g. a warehouse where 93 was built first, for build_93_again and build_59 alone",
    )
    args = parser.parse_args(argv)
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    root = args.racine.resolve() if args.racine else Path(tempfile.mkdtemp(prefix="pacte-bench-"))
    order = [*IMPORTS, *(case.name for case in cases(root))]
    try:
        if not args.only or set(IMPORTS) & set(args.only):
            env = _scratch_env(root)
            measured = _import_results(env)
            target = measured["import_dagster"][0] + 3
            for name, (seconds, mb) in measured.items():
                results[name] = {
                    "description": IMPORTS[name][1],
                    "seconds": seconds,
                    "peak_mb": mb,
                    "exit_code": 0,
                    "target_seconds": round(target, 1) if name == "import_definitions" else None,
                    "target_mb": None,
                    "measured_at": dt.date.today().isoformat(),
                }
                print(f"{name}: {seconds:.1f} s, {mb:.0f} MB", flush=True)
        for case in cases(root):
            if args.only and case.name not in args.only:
                continue
            for step in case.prepare or []:
                done = subprocess.run(step, env=case.env, cwd=REPO, capture_output=True, text=True)
                if done.returncode != 0:
                    raise SystemExit(
                        f"{case.name}: preparation step failed ({done.returncode}): {' '.join(step)[:300]}\n"
                        f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
                    )
            seconds, mb, rc = _measure(case.command, case.env)
            results[case.name] = {
                "description": case.description,
                "seconds": seconds,
                "peak_mb": mb,
                "exit_code": rc,
                "target_seconds": case.target_seconds,
                "target_mb": case.target_mb,
                "measured_at": dt.date.today().isoformat(),
            }
            print(f"{case.name}: {seconds:.1f} s, {mb:.0f} MB, exit {rc}", flush=True)
    finally:
        if not args.racine:
            shutil.rmtree(root, ignore_errors=True)
    # rows in the order of the cases; results of cases that no longer exist are dropped
    results = {name: results[name] for name in order if name in results}
    RESULTS_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    _write_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
