"""The ``pacte`` command line.

``pacte build --departement CODE``
    Materialises the ``diagnostic`` job for one département through Dagster (the same
    job the UI launches), into ``PACTE_WAREHOUSE``, with the files for people under
    ``PACTE_OUTPUT/<code>/``. Exits non-zero when any step or blocking check fails.
``pacte ui``
    Starts the Dagster UI on 127.0.0.1 (offline).
``pacte departements``
    Lists the accepted département codes.
``pacte apercu [--region CODE ...] [--france]``
    After ``pacte build`` of several départements, writes the overview pages of the régions and
    of France (``PACTE_OUTPUT/apercu/region_<code>.html``, ``france.html``); without option, every
    région and France.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext, redirect_stdout
from pathlib import Path

__all__ = ["main"]

DEFAULT_DEPARTEMENT = "93"


#: What ``pacte`` wrote as ``dagster.yaml`` before the run queue: replaced by the project's file.
_OLD_GENERATED_CONFIG = (
    "telemetry:\n  enabled: false\n"
    "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: DefaultRunCoordinator\n"
)


def _dagster_home() -> Path:
    """``DAGSTER_HOME`` (default ``.dagster/``) with the project's instance config (``config/dagster.yaml``).

    A ``dagster.yaml`` the operator wrote is kept; the one older versions of ``pacte`` generated
    (no run queue) is replaced.
    """
    from socle.settings import DAGSTER_CONFIG, dagster_home, export_dagster_home

    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text(encoding="utf-8") == _OLD_GENERATED_CONFIG:
        config.write_text(DAGSTER_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    export_dagster_home(home)
    return home


def _build(code: str, verbose: bool = False) -> int:
    """Build one département; show progress and a summary (or every event with ``verbose``)."""
    from socle.departements import UnknownDepartement, departements, validate_departement

    try:
        departement = validate_departement(code)
    except UnknownDepartement as exc:
        print(f"pacte: {exc}", file=sys.stderr)
        return 2
    # the configuration first: a wrong weight or template stops here, in seconds, nothing rewritten
    from orchestration.verification import verifier_configuration

    problemes = verifier_configuration()
    if problemes:
        print("pacte : configuration invalide, rien n'a été construit ni réécrit :", file=sys.stderr)
        for ligne in problemes:
            print(f"  - {ligne}", file=sys.stderr)
        return 2
    from orchestration.causes import construction_exclusive, verrou_entrepot
    from socle.settings import load_settings

    settings = load_settings()
    nom = departements().get(departement, "")
    libelle = f"{nom} ({departement})" if nom else departement
    # one build at a time on a warehouse (a lock the kernel drops when the build ends, even killed),
    # and none while another process holds it (a reader, a dbt left by a killed build)
    with construction_exclusive(settings.warehouse) as autre:
        verrou = autre or verrou_entrepot(settings.warehouse)
        if verrou is not None:
            print(f"pacte : construction de {libelle} impossible.\n  {verrou.texte}", file=sys.stderr)
            return 1
        return _run(departement, libelle, settings, verbose)


def _run(departement: str, libelle: str, settings, verbose: bool) -> int:
    """Run the job of one département (the warehouse is this build's) and print its summary."""
    _dagster_home()
    from dagster import DagsterInstance, Definitions
    from dagster._core.utils import make_new_run_id

    from orchestration import dagster_storage

    dagster_storage.install()

    from orchestration.definitions import defs
    from orchestration.progression import Progression
    from orchestration.resources import EntrepotTenu

    started = time.perf_counter()
    print(f"pacte : construction du diagnostic de {libelle} dans {settings.warehouse}", flush=True)
    # the same definitions, but the warehouse stays open across the steps (orchestration/resources.py)
    tenues = Definitions(
        assets=defs.assets, asset_checks=defs.asset_checks, jobs=defs.jobs, schedules=defs.schedules,
        sensors=defs.sensors, executor=defs.executor,
        resources={**defs.resources, "warehouse": EntrepotTenu(path=str(settings.warehouse))},
    )
    job = tenues.resolve_job_def("diagnostic")
    run_id = make_new_run_id()
    niveau = "DEBUG" if verbose else "CRITICAL"
    try:
        with DagsterInstance.get() as instance:
            autre = autre_ecriture_en_cours(instance)
            if autre:
                print(f"pacte : {autre}", file=sys.stderr)
                return 1
            display = nullcontext() if verbose else Progression(instance, run_id, len(job.graph.nodes))
            # dagster-dbt copies every dbt event to stdout: off the screen, into the build's journal
            journal = nullcontext() if verbose else _journal(settings.warehouse.parent, departement)
            with display, journal:
                result = job.execute_in_process(
                    partition_key=departement,
                    instance=instance,
                    raise_on_error=False,
                    run_id=run_id,
                    # the job's writer tag puts runs launched from the UI behind this one; the pid
                    # lets the next build see that a killed build no longer writes
                    tags={PID_TAG: str(os.getpid())},
                    # without --verbose, Dagster's own stream stays in the run history, off the screen
                    run_config={"loggers": {"console": {"config": {"log_level": niveau}}}},
                )
    except KeyboardInterrupt:
        print(f"\npacte : construction de {libelle} interrompue (Ctrl-C).", file=sys.stderr)
        return 130
    elapsed = time.perf_counter() - started
    if _interrupted(result.all_events):
        print(f"\npacte : construction de {libelle} interrompue (Ctrl-C).", file=sys.stderr)
        return 130
    graph = job.asset_layer.asset_graph
    descriptions = {k.name: graph.get_check_spec(k).description or "" for k in graph.asset_check_keys}
    return _summary(result, settings, departement, libelle, elapsed, descriptions)


#: Run tag of an in-process ``pacte build``: the id of the process that writes.
PID_TAG = "pacte/pid"


def _vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def autre_ecriture_en_cours(instance) -> str:
    """Why this build must not start now ('' when it may), after closing the runs of dead builds.

    The runs that write the warehouse carry the writer's tag; the instance's queue launches them
    one at a time and counts a running ``pacte build`` among them. A build killed outright (kill -9,
    power cut) leaves its run "started" forever, which would hold the queue: its process is gone, so
    its run is marked failed here. A run launched from the interface that is still writing stops
    this build with a French message (DuckDB would refuse the second writer anyway, less clearly).
    """
    from dagster import DagsterRunStatus, RunsFilter

    from orchestration.assets.registry import ECRITURE

    (cle, valeur), = ECRITURE.items()
    en_cours = instance.get_runs(
        filters=RunsFilter(
            statuses=[DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING],
            tags={cle: valeur},
        )
    )
    for run in en_cours:
        pid = run.tags.get(PID_TAG, "")
        if pid.isdigit() and not _vivant(int(pid)):
            instance.report_run_failed(
                run, message=f"La construction (processus {pid}) s'est arrêtée sans finir son exécution."
            )
            continue
        partition = run.tags.get("dagster/partition", "")
        quoi = f"du département {partition}" if partition else "d'une partie du diagnostic"
        return (
            f"une autre exécution écrit déjà l'entrepôt (construction {quoi}). Relancez quand elle "
            "sera finie : la page « Runs » de l'interface Dagster montre son avancement. Si "
            "l'interface n'est plus lancée, « pacte ui » clôt au démarrage les exécutions interrompues."
        )
    return ""


def clore_executions_interrompues(instance) -> list[str]:
    """Mark failed the runs left « started » by an interface that is no longer running.

    Called by ``pacte ui`` before it starts Dagster: the runs launched from the interface run in
    its process group, which ``pacte ui`` stops with it, so none of them can still be running;
    left « started », one would hold the run queue (one writer at a time) and ``pacte build``
    forever. A ``pacte build`` still alive (its pid tag) is left alone. Returns the runs closed.
    """
    from dagster import DagsterRunStatus, RunsFilter

    fermees = []
    for run in instance.get_runs(
        filters=RunsFilter(
            statuses=[DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]
        )
    ):
        pid = run.tags.get(PID_TAG, "")
        if pid.isdigit() and _vivant(int(pid)):
            continue
        instance.report_run_failed(
            run, message="Exécution interrompue : l'interface ou la construction qui la portait s'est arrêtée."
        )
        fermees.append(run.run_id)
    return fermees


def _journal_path(folder: Path, departement: str) -> Path:
    return folder / "journaux" / f"construction_{departement}.log"


@contextmanager
def _journal(folder: Path, departement: str):
    """Send what the steps print on stdout (dbt's own lines) to the build's journal file."""
    path = _journal_path(folder, departement)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle, redirect_stdout(handle):
        yield path


def _interrupted(events) -> bool:
    for event in events:
        if event.event_type_value == "STEP_FAILURE":
            error = getattr(event.event_specific_data, "error", None)
            if error is not None and "DagsterExecutionInterruptedError" in (error.cls_name or ""):
                return True
    return False


def _summary(
    result, settings, departement: str, libelle: str, elapsed: float, descriptions: dict[str, str] | None = None
) -> int:
    """The end of a build in about 30 lines: steps, checks, set-aside rows, files."""
    from orchestration.assets.publication import published_copy_path
    from orchestration.progression import (
        bilan_controles,
        bilan_quarantaine,
        duree,
        nombre,
        noms_des_tables,
        pluriel,
    )
    from socle.settings import DBT_PROJECT_DIR

    bilan = bilan_controles(result.all_events, noms_des_tables(), descriptions)
    ok = result.success
    out = sys.stdout if ok else sys.stderr
    etat = "construit" if ok else "ÉCHEC de la construction"
    print(f"pacte : {etat} pour {libelle} en {duree(elapsed)}", file=out)
    if not ok:  # the root cause first (lock, read-only or full disk, weights, refused source)
        from orchestration.causes import cause_premiere, error_texts

        cause = cause_premiere(error_texts(result.all_events))
        if cause is not None:
            print(f"  {cause.texte}", file=out)
    etapes = f"  Étapes : {pluriel(bilan.etapes_reussies, 'réussie')}"
    if bilan.etapes_echouees:
        etapes += f", {bilan.etapes_echouees} en échec"
    if bilan.etapes_sautees:
        etapes += f", {bilan.etapes_sautees} non lancées"
    print(etapes, file=out)
    print(
        f"  Contrôles : {pluriel(bilan.controles_reussis, 'réussi')}, "
        f"{pluriel(len(bilan.avertissements), 'avertissement')}, {len(bilan.echecs)} en échec",
        file=out,
    )
    # what stopped the build first, then what only warns
    for text in bilan.echecs[:10]:
        print(f"    contrôle bloquant en échec : {text}", file=out)
    if len(bilan.echecs) > 10:
        print(f"    … et {len(bilan.echecs) - 10} autres contrôles bloquants en échec", file=out)
    for text in bilan.etapes_en_echec[:5]:
        print(f"    étape en échec : {text}", file=out)
    from orchestration.progression import sources_perimees

    perimees = sources_perimees(settings.warehouse)
    if perimees:
        print(f"  Sources périmées (dernier chargement réussi conservé, PACTE_SOURCES_PERIMEES) : "
              f"{len(perimees)}", file=out)
        for text in perimees:
            print(f"    {text}", file=out)
    for text in bilan.avertissements[:5]:
        print(f"    avertissement : {text}", file=out)
    if len(bilan.avertissements) > 5:
        reste = len(bilan.avertissements) - 5
        print(f"    … et {pluriel(reste, 'autre')} {pluriel(reste, 'avertissement').split()[1]}", file=out)
    # the operator's list, beside the build journal: not among the files for people (PACTE_OUTPUT),
    # which the publication scans for personal data (a rejected identifier can look like one)
    rejets = settings.warehouse.parent / "journaux" / "lignes_ecartees.csv"
    counts = bilan_quarantaine(settings.warehouse, rejets)
    if counts:
        total = sum(n for _, n in counts)
        print(f"  Lignes écartées à la lecture : {nombre(total)} (liste : {rejets})", file=out)
        for name, n in counts[:6]:
            print(f"    {name} : {nombre(n)}", file=out)
        if len(counts) > 6:
            reste = len(counts) - 6
            print(f"    … et {pluriel(reste, 'autre')} {pluriel(reste, 'fichier').split()[1]}", file=out)
    output = settings.output_for(departement)
    if ok and output.exists():
        print(f"  Fichiers pour les lecteurs : {output}", file=out)
        for label, relative in (
            ("rapport", "rapport_diagnostic.html"),
            ("rapport PDF", "rapport_diagnostic.pdf"),
            ("réseau des acteurs", "reseau_acteurs.html"),
        ):
            path = output / relative
            if path.exists():
                print(f"    {label} : {path.relative_to(settings.output_dir)}", file=out)
        for label, folder in (("kit du comité", "kit"), ("exports", "exports")):
            files = [p for p in (output / folder).rglob("*") if p.is_file()]
            if files:
                where = (output / folder).relative_to(settings.output_dir)
                print(f"    {label} : {len(files)} fichiers dans {where}/", file=out)
        if not (output / "rapport_diagnostic.pdf").exists():
            from rapport.rendu import pourquoi_pas_de_pdf

            print(f"    {pourquoi_pas_de_pdf(departement)}", file=out)
        dictionnaire = settings.output_dir / "dictionnaire" / "index.html"
        if dictionnaire.exists():
            print(f"    dictionnaire des données : {dictionnaire.relative_to(settings.output_dir)}", file=out)
        print(f"  Copie de lecture pour les analystes : {published_copy_path(settings.warehouse)}", file=out)
    journal = _journal_path(settings.warehouse.parent, departement)
    if journal.exists():
        print(
            f"  Journal de la construction : {journal} (dbt : {DBT_PROJECT_DIR / 'logs' / 'dbt.log'})",
            file=out,
        )
    print("  L'option --verbose affiche chaque événement de la construction.", file=out)
    return 0 if ok else 1


#: Seconds the Dagster UI gets to stop by itself after SIGINT/SIGTERM before its process group is killed.
UI_STOP_GRACE = 6.0


def _ui(port: int) -> int:
    """Run ``dagster dev`` until SIGINT or SIGTERM, then stop it and every process it started.

    ``dagster dev`` maps SIGTERM onto its SIGINT handler; a shell that starts a job in the
    background hands it SIGINT *ignored*, so it then ignored SIGTERM as well and outlived us
    with its webserver and daemon. Here both signals get a Python handler before the child
    is started (an exec'd child then starts with the default disposition for both), the child
    runs in its own process group, gets SIGINT (its clean shutdown) and, past the grace period,
    the whole group is killed.
    """
    import signal
    import threading

    _dagster_home()
    from dagster import DagsterInstance

    from socle.settings import REPO_ROOT

    with DagsterInstance.get() as instance:
        fermees = clore_executions_interrompues(instance)
    if fermees:
        print(f"pacte : {len(fermees)} exécution(s) interrompue(s) à l'arrêt précédent marquée(s) en échec")
    exe = Path(sys.executable).with_name("dagster")
    cmd = [str(exe), "dev", "-h", "127.0.0.1", "-p", str(port), "-m", "orchestration.definitions"]
    received: list[int] = []
    stop = threading.Event()

    def _on_signal(signum, _frame):
        received.append(signum)
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, start_new_session=True)
        print(f"pacte : interface Dagster sur http://127.0.0.1:{port} (Ctrl-C pour l'arrêter)")
        while proc.poll() is None and not stop.wait(0.5):
            pass
        if proc.poll() is None:
            print("pacte : arrêt de l'interface Dagster…", file=sys.stderr)
            _stop_group(proc, UI_STOP_GRACE)
        else:
            _kill_group(proc.pid)  # processes the UI left behind (code servers)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        return 128 + received[0]
    return proc.returncode or 0


def _kill_group(pgid: int) -> None:
    import signal

    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _stop_group(proc: subprocess.Popen, grace: float) -> None:
    """SIGINT to ``proc`` (the leader of its own process group), then SIGKILL to the group."""
    import signal

    try:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    _kill_group(proc.pid)
    proc.wait()


def _departements() -> int:
    from socle.departements import departements

    for code, name in sorted(departements().items()):
        print(f"{code}\t{name}")
    return 0


def _apercu(regions: list[str] | None, france: bool) -> int:
    """Write the overview pages from the warehouse (read-only)."""
    import duckdb

    from rapport.apercu import produire_apercus
    from rapport.donnees import MartManquant
    from socle.settings import load_settings

    settings = load_settings()
    if not settings.warehouse.exists():
        message = f"pacte : entrepôt introuvable ({settings.warehouse}) : lancez d'abord pacte build."
        print(message, file=sys.stderr)
        return 2
    toutes = regions is None and not france
    debut = time.perf_counter()
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.IOException as exc:
        print(f"pacte : entrepôt occupé par une construction en cours ({exc}).", file=sys.stderr)
        return 2
    try:
        pages = produire_apercus(
            con,
            settings.output_dir,
            settings.data_dir / "geo",
            regions=None if toutes else (regions or []),
            france=toutes or france,
        )
    except (MartManquant, ValueError, FileNotFoundError) as exc:
        print(f"pacte : aperçu impossible : {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    pluriel = "s" if len(pages) > 1 else ""
    print(
        f"pacte : {len(pages)} page{pluriel} d'aperçu écrite{pluriel} "
        f"en {f'{time.perf_counter() - debut:.1f}'.replace('.', ',')} s dans {settings.output_dir / 'apercu'}"
    )
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
    apercu = sub.add_parser("apercu", help="write the overview pages of the régions and of France")
    apercu.add_argument("--region", "-r", action="append", help="code of a région (repeatable), e.g. 11")
    apercu.add_argument("--france", action="store_true", help="the page of France")
    args = parser.parse_args(argv)
    if args.command == "build":
        return _build(args.departement, verbose=args.verbose)
    if args.command == "ui":
        return _ui(args.port)
    if args.command == "apercu":
        return _apercu(args.region, args.france)
    return _departements()


if __name__ == "__main__":
    sys.exit(main())
