"""The kit's analysts' workbook written by a process of its own (orchestration/classeur_a_part.py):
the same workbook as in process, read beside the build's connection, writes waiting for its end, a
failure named, and no process outliving its step, its run or its build.

The process is held at a known point without any delay: its manifest is a named pipe, which it
reads right after opening the warehouse read-only, and blocks on until the test writes it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, asset, materialize
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _rapport_entrepot  # noqa: E402

from orchestration.assets import checks_livrables as cl  # noqa: E402
from orchestration.assets import rapport as livrables  # noqa: E402
from orchestration.assets.publication import _scan_du_kit  # noqa: E402
from orchestration.classeur_a_part import ClasseurAPart, ClasseurNonEcrit  # noqa: E402
from orchestration.partitions import departement_partitions  # noqa: E402
from orchestration.resources import EntrepotTenu, PacteSettingsResource, WarehouseResource  # noqa: E402
from rapport.production import chemin_classeur, produire_classeur  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DATE = re.compile(r"\d\d/\d\d/\d{4} à \d\d:\d\d")


@pytest.fixture(scope="module")
def entrepot(tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("entrepot")
    return _rapport_entrepot.ecrire(dossier / "entrepot.duckdb", _rapport_entrepot.entrees())


def _tube(dossier: Path) -> Path:
    dossier.mkdir(parents=True, exist_ok=True)
    tube = dossier / "manifest.json"
    os.mkfifo(tube)
    return tube


def _ecrire_quand_lu(tube: Path, processus: subprocess.Popen, texte: str | None = "{}") -> bool:
    """Once ``processus`` reads the pipe ``tube`` (it then holds the warehouse read-only), write
    ``texte`` to it and close it (``None``: keep it blocked, the pipe left open for good); False if
    the process ended before reading it."""

    def debloquer() -> None:  # a process that died first never opens the pipe: open it ourselves
        processus.wait()
        try:
            os.close(os.open(tube, os.O_RDONLY | os.O_NONBLOCK))
        except OSError:
            pass

    threading.Thread(target=debloquer, daemon=True).start()
    handle = open(tube, "w", encoding="utf-8")  # noqa: SIM115 (closed below or left to block the reader)
    if processus.poll() is not None:
        handle.close()
        return False
    if texte is not None:
        handle.write(texte)
        handle.close()
    else:
        _OUVERTS.append(handle)
    return True


_OUVERTS: list = []


def _valeurs(chemin: Path) -> dict[str, list[tuple]]:
    classeur = load_workbook(chemin, read_only=True)
    try:
        return {
            feuille.title: [
                tuple(DATE.sub("<date>", v) if isinstance(v, str) else v for v in ligne)
                for ligne in feuille.iter_rows(values_only=True)
            ]
            for feuille in classeur.worksheets
        }
    finally:
        classeur.close()


def test_the_process_writes_the_kits_workbook_beside_the_builds_connection_and_writes_wait(entrepot,
                                                                                          tmp_path):
    ressource = EntrepotTenu(path=str(entrepot))
    with ressource.connect() as con:  # the build holds the warehouse read-write
        con.execute("select 1")
    sortie = tmp_path / "sortie"
    tube = _tube(tmp_path / "tube")
    classeur = ressource.lecteur_a_part(lambda: ClasseurAPart(entrepot, "93", sortie, tube))
    try:
        # it reads the manifest once the warehouse is open read-only: the build let go of its writer
        assert _ecrire_quand_lu(tube, classeur.processus, texte=None), classeur._pourquoi(
            classeur.processus.returncode
        )
        with ressource.connect(read_only=True) as con:  # the run's steps go on reading beside it
            assert con.execute("select count(*) from marts.territoires").fetchone()[0] > 0
        with _OUVERTS.pop() as handle:  # an empty manifest, as in process below
            handle.write("{}")
        with ressource.connect() as con:  # a write waits for the process's end, then takes the file
            assert classeur.processus.returncode == 0
            con.execute("create or replace table main._essai as select 1 as x")
    finally:
        ressource.arreter_lecteurs()
        ressource.release()
    lignes = classeur.resultat()
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with duckdb.connect(str(entrepot), read_only=True) as con:
        attendu = produire_classeur(con, "93", tmp_path / "en_processus", tmp_path / "manifest.json")
    assert lignes == attendu["lignes"] and lignes["structures"] > 0
    assert classeur.chemin == chemin_classeur(sortie, "93") and classeur.chemin.is_file()
    assert _valeurs(classeur.chemin) == _valeurs(attendu["classeur"])  # but for the minute written


def test_a_workbook_that_cannot_be_written_names_the_file_and_why(tmp_path):
    vide = tmp_path / "vide.duckdb"
    duckdb.connect(str(vide)).close()
    classeur = ClasseurAPart(vide, "59", tmp_path / "sortie", tmp_path / "absent.json")
    with pytest.raises(ClasseurNonEcrit) as erreur:
        classeur.resultat()
    message = str(erreur.value)
    chemin = tmp_path / "sortie" / "kit" / "diagnostic_59.xlsx"
    assert message.startswith(f"Le classeur des analystes {chemin} ")
    assert "n'a pas été écrit : " in message and "vocabulary is not in the warehouse" in message
    assert not (tmp_path / "sortie" / "kit").exists() or not any((tmp_path / "sortie" / "kit").iterdir())


def test_a_stopped_process_says_so(entrepot, tmp_path):
    classeur = ClasseurAPart(entrepot, "93", tmp_path / "sortie", _tube(tmp_path))
    try:
        assert _ecrire_quand_lu(tmp_path / "manifest.json", classeur.processus, texte=None)
        classeur.arreter()
    finally:
        classeur.arreter()
        _OUVERTS.pop().close()
    assert classeur.processus.returncode == 128 + signal.SIGTERM  # stopped through its handler
    with pytest.raises(ClasseurNonEcrit, match=r"diagnostic_93\.xlsx n'a pas été écrit : son processus a été "
                       r"arrêté \(signal SIGTERM\)\."):
        classeur.resultat()


def _kit(tmp_path: Path, produire=None):
    """A kit asset starting the real workbook process (``livrables._lancer_classeur``) and the real
    check; ``produire``: the rest of the kit's step."""
    out = tmp_path / "out"

    def lancer(context, warehouse, code, settings):
        # the real start, but a manifest that blocks the process until the test says
        tube = _tube(tmp_path / "tube")
        classeur = warehouse.lecteur_a_part(
            lambda: ClasseurAPart(Path(warehouse.path), code, out / code, tube)
        )
        livrables._CLASSEURS[str(classeur.chemin)] = classeur
        return classeur

    return out, livrables.livrable(
        "kit_comite", "Kit.", {"excel"}, produire or (lambda *a: {}), lancer=lancer
    )


def test_a_failed_kit_step_stops_its_workbook_process(tmp_path, entrepot):
    def echoue(context, con, code, settings):
        classeur = livrables._CLASSEURS[str(chemin_classeur(tmp_path / "out" / code, code))]
        assert _ecrire_quand_lu(tmp_path / "tube" / "manifest.json", classeur.processus, texte=None)
        raise RuntimeError("fiches impossibles")

    out, kit = _kit(tmp_path, echoue)
    settings = PacteSettingsResource(data_dir=str(tmp_path), output_dir=str(out), inbox_dir=str(tmp_path))
    try:
        with DagsterInstance.ephemeral() as instance:
            ressources = {"settings": settings, "warehouse": WarehouseResource(path=str(entrepot))}
            result = materialize([kit], partition_key="93", instance=instance, raise_on_error=False,
                                 resources=ressources)
        assert not result.success
        classeur = livrables._CLASSEURS[str(chemin_classeur(out / "93", "93"))]
        assert classeur.processus.returncode == 128 + signal.SIGTERM  # stopped while it was reading
    finally:
        livrables._CLASSEURS.pop(str(chemin_classeur(out / "93", "93"))).arreter()
        _OUVERTS.pop().close()


def test_the_end_of_a_build_stops_a_workbook_process_nobody_waited_for(tmp_path, entrepot):
    """A build cancelled between the kit and the steps that wait for its workbook."""
    ressource = EntrepotTenu(path=str(entrepot))
    tube = _tube(tmp_path)
    lances: list[ClasseurAPart] = []

    @asset(key=AssetKey(["essai", "kit"]))
    def kit(warehouse: WarehouseResource) -> None:
        lances.append(warehouse.lecteur_a_part(lambda: ClasseurAPart(entrepot, "93", tmp_path / "s", tube)))
        assert _ecrire_quand_lu(tube, lances[0].processus, texte=None)

    try:
        assert materialize([kit], resources={"warehouse": ressource}).success
        assert lances[0].processus.returncode == 128 + signal.SIGTERM  # the run's teardown stopped it
    finally:
        lances[0].arreter()
        _OUVERTS.pop().close()
    duckdb.connect(str(entrepot)).close()  # and the file is free for the next build's writer


def _evaluation_du_kit(dossier: Path, chemin: Path):
    """The check ``classeur_analystes_ecrit`` after a kit step whose workbook's process reads ``chemin``."""
    out, kit = _kit(dossier)
    settings = PacteSettingsResource(data_dir=str(dossier), output_dir=str(out), inbox_dir=str(dossier))

    @asset(key=AssetKey(["essai", "debloque"]), deps=[cl.KIT], partitions_def=departement_partitions)
    def debloque() -> None:  # the test lets the process read on
        processus = livrables._CLASSEURS[str(chemin_classeur(out / "93", "93"))].processus
        _ecrire_quand_lu(dossier / "tube" / "manifest.json", processus)

    try:
        with DagsterInstance.ephemeral() as instance:
            result = materialize(
                [kit, debloque, cl.classeur_analystes_ecrit], partition_key="93", instance=instance,
                resources={"settings": settings, "warehouse": EntrepotTenu(path=str(chemin))},
            )
        (evaluation,) = result.get_asset_check_evaluations()
        return evaluation
    finally:
        livrables._CLASSEURS.pop(str(chemin_classeur(out / "93", "93"))).arreter()


def test_a_kit_step_of_the_interface_waits_for_its_workbook_or_fails_naming_it(tmp_path, entrepot):
    """The interface's warehouse resource has no teardown to stop the process at the run's end, and a
    run of the interface may leave the kit's check out: the kit step itself waits for the workbook."""
    vide = tmp_path / "vide.duckdb"
    duckdb.connect(str(vide)).close()
    for nom, chemin in (("reussi", entrepot), ("echoue", vide)):
        dossier = tmp_path / nom

        def produire(context, con, code, settings, dossier=dossier):
            classeur = livrables._CLASSEURS[str(chemin_classeur(dossier / "out" / code, code))]
            _ecrire_quand_lu(dossier / "tube" / "manifest.json", classeur.processus)
            return {}

        out, kit = _kit(dossier, produire)
        settings = PacteSettingsResource(data_dir=str(dossier), output_dir=str(out), inbox_dir=str(dossier))
        try:
            with DagsterInstance.ephemeral() as instance:
                result = materialize(
                    [kit], partition_key="93", instance=instance, raise_on_error=False,
                    resources={"settings": settings, "warehouse": WarehouseResource(path=str(chemin))},
                )
            classeur = livrables._CLASSEURS[str(chemin_classeur(out / "93", "93"))]
            assert classeur.processus.poll() is not None  # ended when the step did
            if nom == "reussi":
                assert result.success and classeur.chemin.is_file()
            else:
                assert not result.success
                (echec,) = [e for e in result.all_events if e.is_step_failure]
                assert "n'a pas été écrit" in echec.step_failure_data.error.message
        finally:
            livrables._CLASSEURS.pop(str(chemin_classeur(out / "93", "93"))).arreter()


def test_the_kits_check_waits_for_the_workbook_and_gives_its_rows_or_why_it_failed(tmp_path, entrepot):
    vide = tmp_path / "vide.duckdb"
    duckdb.connect(str(vide)).close()
    evaluations = {nom: _evaluation_du_kit(tmp_path / nom, chemin) for nom, chemin in
                   (("reussi", entrepot), ("echoue", vide))}
    reussi, echoue = evaluations["reussi"], evaluations["echoue"]
    assert reussi.passed
    attendue = r"Classeur des analystes écrit \(\d+ ko, \d+ feuilles détaillées\)\."
    assert re.fullmatch(attendue, reussi.description), reussi.description
    assert reussi.metadata["lignes"].value["structures"] > 0
    assert reussi.metadata["secondes_cpu"].value > 0  # the process's own time, its imports included
    assert not echoue.passed and echoue.description.startswith(
        f"Le classeur des analystes {tmp_path / 'echoue' / 'out' / '93' / 'kit' / 'diagnostic_93.xlsx'} "
        "n'a pas été écrit : "
    )


def test_the_publication_scans_the_kit_once_its_workbook_is_written_and_fails_if_it_is_not(tmp_path):
    ordre: list[str] = []

    class Classeur:
        def __init__(self, erreur: Exception | None) -> None:
            self.erreur = erreur

        def resultat(self):
            ordre.append("attendu")
            if self.erreur:
                raise self.erreur
            return {}

    class Pool:
        def submit(self, fonction, *args):
            ordre.append(fonction.__name__)
            from concurrent.futures import Future

            futur: Future = Future()
            futur.set_result(["trouvé"])
            return futur

    chemin = tmp_path / "93" / "kit" / "diagnostic_93.xlsx"
    for erreur in (None, ClasseurNonEcrit("Le classeur des analystes … n'a pas été écrit : raison.")):
        livrables._CLASSEURS[str(chemin)] = Classeur(erreur)
        ordre.clear()
        try:
            if erreur is None:
                trouves = _scan_du_kit(Pool(), chemin, tmp_path, tmp_path / "m.json", [], ["93/kit"])
                assert trouves == ["trouvé"]
                assert ordre == ["attendu", "scan_files"]
            else:
                with pytest.raises(ClasseurNonEcrit):
                    _scan_du_kit(Pool(), chemin, tmp_path, tmp_path / "m.json", [], ["93/kit"])
                assert ordre == ["attendu"]  # nothing of a kit without its workbook is scanned
        finally:
            livrables._CLASSEURS.pop(str(chemin))


# A build that starts the workbook's process, says its pid, then waits forever.
_BUILD = """
import sys, threading
from pathlib import Path
from orchestration.classeur_a_part import ClasseurAPart
classeur = ClasseurAPart(Path(sys.argv[1]), "93", Path(sys.argv[2]), Path(sys.argv[3]))
print(classeur.processus.pid, flush=True)
threading.Event().wait(600)
"""


# A Python process that starts the workbook's process and ends at once.
_FIN = """
import sys
from pathlib import Path
from orchestration.classeur_a_part import ClasseurAPart
ClasseurAPart(Path(sys.argv[1]), "93", Path(sys.argv[2]), Path(sys.argv[3]))
"""


def test_a_python_process_ending_normally_waits_for_its_workbook(tmp_path, entrepot):
    tube = _tube(tmp_path)

    def manifeste() -> None:  # given once the workbook's process reads it
        with open(tube, "w", encoding="utf-8") as handle:
            handle.write("{}")

    ecrivain = threading.Thread(target=manifeste, daemon=True)
    ecrivain.start()
    fin = subprocess.Popen([sys.executable, "-c", _FIN, str(entrepot), str(tmp_path / "s"), str(tube)],
                           cwd=REPO)
    try:
        assert fin.wait() == 0
    finally:
        if fin.poll() is None:
            fin.kill()
        fin.wait()
        if ecrivain.is_alive():  # nobody read the manifest: let the writer go
            os.close(os.open(tube, os.O_RDONLY | os.O_NONBLOCK))
        ecrivain.join()
    # had its parent ended first, the process would have died with it (PR_SET_PDEATHSIG), unwritten
    assert chemin_classeur(tmp_path / "s", "93").is_file()


def _fini(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _lit(pid: int, tube: Path) -> bool:
    """Has process ``pid`` opened ``tube`` (it then holds the warehouse and is tied to its parent)?"""
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(tube) for fd in os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, PermissionError):
        return False


def _tant_que(condition) -> None:
    attendu = 0.0
    while condition() and attendu < 120:  # a condition; the bound only stops a hang
        threading.Event().wait(0.1)
        attendu += 0.1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
def test_the_workbook_process_dies_with_a_killed_build(tmp_path, entrepot):
    tube = _tube(tmp_path)
    ecrivain = os.open(tube, os.O_RDWR | os.O_NONBLOCK)  # never blocks; the process's read blocks
    build = subprocess.Popen([sys.executable, "-c", _BUILD, str(entrepot), str(tmp_path / "s"), str(tube)],
                             cwd=REPO, stdout=subprocess.PIPE, text=True)
    enfant = None
    try:
        enfant = int(build.stdout.readline())
        _tant_que(lambda: not _lit(enfant, tube) and not _fini(enfant))
        assert _lit(enfant, tube), "the workbook's process did not get to its manifest"
        build.kill()  # kill -9: the build has no chance to stop it
        build.wait()
        _tant_que(lambda: not _fini(enfant))
        assert _fini(enfant), "the workbook's process outlived its killed build"
    finally:
        if enfant is not None and not _fini(enfant):
            os.kill(enfant, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
        build.wait()
        build.stdout.close()
        os.close(ecrivain)
    duckdb.connect(str(entrepot)).close()  # the file is free for the next build


def test_the_publication_fails_naming_a_workbook_its_process_could_not_write(tmp_path, data_dir):
    from orchestration.manifest import ensure_manifest

    ensure_manifest()
    from test_publication import _publish, _warehouse

    from orchestration.assets.publication import published_copy_path

    _warehouse(tmp_path / "w.duckdb")
    (tmp_path / "sorties" / "93" / "kit").mkdir(parents=True)
    vide = tmp_path / "vide.duckdb"
    duckdb.connect(str(vide)).close()
    classeur = ClasseurAPart(vide, "93", tmp_path / "sorties" / "93", tmp_path / "absent.json")
    livrables._CLASSEURS[str(classeur.chemin)] = classeur
    try:
        result = _publish(tmp_path, data_dir, "93")
    finally:
        livrables._CLASSEURS.pop(str(classeur.chemin))
    assert not result.success and not published_copy_path(tmp_path / "w.duckdb").exists()
    (echec,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    description = echec.event_specific_data.user_failure_data.description
    assert description.startswith(f"Le classeur des analystes {classeur.chemin} n'a pas été écrit : ")
    assert description.endswith(" Rien n'est publié.")
