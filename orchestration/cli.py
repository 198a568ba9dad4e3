"""The ``pacte`` command line.

``pacte build --departement CODE``
    Materialises the ``diagnostic`` job for one département through Dagster (the same
    job the UI launches), into ``PACTE_WAREHOUSE``, with the files for people under
    ``PACTE_OUTPUT/<code>/``. Exits non-zero when any step or blocking check fails.
``pacte ui``
    Starts the Dagster UI on 127.0.0.1 (offline).
``pacte departements``
    Lists the accepted département codes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["main"]

DEFAULT_DEPARTEMENT = "93"


def _dagster_home() -> Path:
    from orchestration.settings import REPO_ROOT

    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(
            "telemetry:\n  enabled: false\n"
            "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: DefaultRunCoordinator\n"
        )
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def failure_summary(events) -> list[str]:
    """Say why a run failed: each failed step with its error, each failed check with its description."""
    lines: list[str] = []
    for event in events:
        if event.event_type_value == "STEP_FAILURE":
            error = getattr(event.event_specific_data, "error", None)
            text = (error.message if error is not None else event.message) or ""
            lines.append(f"step {event.step_key}: {text.strip()[:600]}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                blocking = "blocking " if evaluation.blocking else ""
                description = evaluation.description or ""
                lines.append(
                    f"{blocking}check {evaluation.check_name} on {evaluation.asset_key.to_user_string()} "
                    f"failed {description.strip()[:300]}".rstrip()
                )
        elif event.event_type_value == "RUN_FAILURE":
            lines.append(f"run: {(event.message or '').strip()}")
    return lines


def _build(code: str, log_level: str = "WARNING") -> int:
    from orchestration.partitions import UnknownDepartement, validate_departement

    try:
        departement = validate_departement(code)
    except UnknownDepartement as exc:
        print(f"pacte: {exc}", file=sys.stderr)
        return 2
    _dagster_home()
    from dagster import DagsterInstance

    from orchestration import dagster_storage

    dagster_storage.install()

    from orchestration.assets.publication import published_copy_path
    from orchestration.definitions import defs
    from orchestration.settings import load_settings

    settings = load_settings()
    started = time.perf_counter()
    print(f"pacte: building the diagnostic of département {departement} into {settings.warehouse}")
    job = defs.resolve_job_def("diagnostic")
    from orchestration.resources import warehouse_held

    with DagsterInstance.get() as instance, warehouse_held():
        result = job.execute_in_process(
            partition_key=departement,
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        )
    elapsed = time.perf_counter() - started
    if not result.success:
        print(f"pacte: the build of {departement} FAILED after {elapsed:.0f} s", file=sys.stderr)
        for line in failure_summary(result.all_events):
            print(f"  - {line}", file=sys.stderr)
        return 1
    output = settings.output_for(departement)
    print(f"pacte: département {departement} built in {elapsed:.0f} s")
    print(f"  warehouse (DuckDB): {settings.warehouse}")
    print(f"  files for people:  {output}")
    if output.exists():
        for path in sorted(p for p in output.rglob("*") if p.is_file()):
            print(f"    {path.relative_to(settings.output_dir)}")
    print(f"  read-only copy for analysts: {published_copy_path(settings.warehouse)}")
    if not (output / "rapport_diagnostic.pdf").exists():
        from rapport.rendu import pourquoi_pas_de_pdf

        print(f"pacte : {pourquoi_pas_de_pdf(departement)}", file=sys.stderr)
    return 0


def _ui(port: int) -> int:
    _dagster_home()
    from orchestration.settings import REPO_ROOT

    exe = Path(sys.executable).with_name("dagster")
    cmd = [str(exe), "dev", "-h", "127.0.0.1", "-p", str(port), "-m", "orchestration.definitions"]
    print(f"pacte: Dagster UI on http://127.0.0.1:{port} (Ctrl-C to stop)")
    return subprocess.call(cmd, cwd=REPO_ROOT)


def _departements() -> int:
    from orchestration.partitions import departements

    for code, name in sorted(departements().items()):
        print(f"{code}\t{name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pacte", description="Diagnostic territorial du Pacte des solidarités"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the diagnostic of one département")
    build.add_argument("--departement", "-d", default=DEFAULT_DEPARTEMENT, help="COG code, e.g. 93, 2A, 974")
    build.add_argument("--verbose", "-v", action="store_true", help="show every Dagster event (DEBUG)")
    ui = sub.add_parser("ui", help="start the Dagster UI on 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    sub.add_parser("departements", help="list the accepted département codes")
    args = parser.parse_args(argv)
    if args.command == "build":
        return _build(args.departement, "DEBUG" if args.verbose else "WARNING")
    if args.command == "ui":
        return _ui(args.port)
    return _departements()


if __name__ == "__main__":
    sys.exit(main())
