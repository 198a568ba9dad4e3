"""The analysts' workbook of a ``pacte build``, written by a process of its own.

The kit's analysts' workbook (:func:`rapport.production.produire_classeur`: a sheet per mart, about
1.6 million cells for the Nord) is the longest deliverable, pure Python and mostly openpyxl, so a
thread would hold the GIL the other steps need. The kit step starts this process once every mart it
reads is final; it writes the workbook while the build's next steps (report, exports, overview pages,
the rest of the kit, the publication's scan of the other files) run on the machine's other core.

The parent side is :class:`ClasseurAPart`: the process opens the warehouse **read-only**, which DuckDB
allows only while no process holds it read-write, so the build's warehouse resource
(:meth:`orchestration.resources.WarehouseResource.lecteur_a_part`) closes its read-write connection
before starting it and makes every later write (``connect()``, ``release()`` before a dbt step)
wait for its end. The process dies with the build (``prctl(PR_SET_PDEATHSIG)``, as dbt does:
:mod:`orchestration.dbt_lie`) and a stopped one removes its ``.partiel`` file. A Python process that
ends normally waits for the workbooks it started (a run of the interface that left the kit's check
out would otherwise end, and its worker's exit stop the workbook half-way).

Command line (no setting is read here: everything comes from the parent)::

    python -m orchestration.classeur_a_part ENTREPOT CODE SORTIE MANIFEST RESULTAT PARENT

writes ``{"classeur": path, "lignes": {mart: rows}, "secondes": wall, "secondes_cpu": user + sys}``
to the JSON file ``RESULTAT`` and exits 0; on
failure it prints the error on stderr (its last line: what went wrong) and exits 1.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_DEBUT = time.monotonic()

__all__ = ["ClasseurAPart", "ClasseurNonEcrit", "main"]


#: The processes started by this process and not awaited yet (waited for at its normal exit).
_EN_COURS: set[subprocess.Popen] = set()


@atexit.register
def _attendre_a_la_sortie() -> None:
    while _EN_COURS:
        _EN_COURS.pop().wait()


class ClasseurNonEcrit(RuntimeError):
    """The process did not write the workbook; the message (French) names the file and says why."""


class ClasseurAPart:
    """The process writing the analysts' workbook of ``code`` under ``sortie`` from ``entrepot``.

    Started at construction. :meth:`attendre` returns once the process has ended (the warehouse is
    then free), :meth:`resultat` gives the rows of each mart or raises :class:`ClasseurNonEcrit`,
    :meth:`arreter` stops it (a failed or cancelled run). Safe to wait on from several threads.
    """

    def __init__(self, entrepot: Path, code: str, sortie: Path, manifest: Path) -> None:
        from rapport.production import chemin_classeur

        self.code = code
        self.chemin = chemin_classeur(sortie, code)
        self._dossier = tempfile.TemporaryDirectory(prefix="pacte-classeur-")
        self._fichier_resultat = Path(self._dossier.name) / "resultat.json"
        self._fichier_erreurs = Path(self._dossier.name) / "erreurs.txt"
        self._resultat: dict[str, int] | None = None
        self.mesures: dict[str, float] = {}  # the process's own time (wall and CPU seconds), once ended
        with open(self._fichier_erreurs, "wb") as erreurs:  # the child keeps its own descriptor
            self.processus = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "orchestration.classeur_a_part",
                    str(entrepot),
                    code,
                    str(sortie),
                    str(manifest),
                    str(self._fichier_resultat),
                    str(os.getpid()),  # the parent it must die with, checked once the tie is set
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=erreurs,
            )
        _EN_COURS.add(self.processus)

    def attendre(self) -> None:
        """Return once the process has ended (whatever its outcome)."""
        self.processus.wait()
        _EN_COURS.discard(self.processus)

    def arreter(self) -> None:
        """Stop the process if it still runs (SIGTERM: it removes its partial file), and wait for it."""
        if self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=60)  # hang guard only: it exits at its next Python line
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait()
        _EN_COURS.discard(self.processus)

    def resultat(self) -> dict[str, int]:
        """Rows of each mart written (as :func:`rapport.exports.exporter_excel` returns them), once
        the process has ended; :class:`ClasseurNonEcrit` when it failed or was stopped."""
        self.attendre()
        if self._resultat is None:
            code = self.processus.returncode
            if code != 0 or not self._fichier_resultat.is_file():
                raise ClasseurNonEcrit(self._pourquoi(code))
            sortie = json.loads(self._fichier_resultat.read_text(encoding="utf-8"))
            self.mesures = {cle: sortie[cle] for cle in ("secondes", "secondes_cpu")}
            self._resultat = sortie["lignes"]
        return self._resultat

    def _pourquoi(self, code: int) -> str:
        debut = f"Le classeur des analystes {self.chemin} n'a pas été écrit"
        if code < 0 or code == 128 + signal.SIGTERM:  # killed, or stopped through _arret
            try:
                nom = signal.Signals(-code if code < 0 else code - 128).name
            except ValueError:
                nom = str(-code)
            return f"{debut} : son processus a été arrêté (signal {nom})."
        lignes = self._fichier_erreurs.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return f"{debut} : {lignes[-1] if lignes else f'son processus a fini en erreur (code {code})'}."


def _arret(signum, frame) -> None:  # noqa: ARG001 (signal handler's signature)
    raise SystemExit(128 + signum)  # unwinds through ecriture_atomique: no .partiel is left


def main(argv: list[str] | None = None) -> int:
    from orchestration.dbt_lie import lier_au_parent

    entrepot, code, sortie, manifest, resultat, parent = argv if argv is not None else sys.argv[1:]
    lier_au_parent(parent=int(parent))  # dies with the build that started it, even one gone already
    signal.signal(signal.SIGTERM, _arret)
    import traceback

    from ingest.warehouse import connect
    from rapport.production import produire_classeur
    from socle.ecriture import ecrire_texte

    try:
        with connect(Path(entrepot), read_only=True) as con:
            classeur = produire_classeur(con, code, Path(sortie), Path(manifest))
    except Exception as exc:  # noqa: BLE001 (said to the parent: the last line of stderr)
        traceback.print_exc()
        print((str(exc).strip().splitlines() or [type(exc).__name__])[0], file=sys.stderr)
        return 1
    temps = os.times()  # since the process started: its imports included
    sortie_json = {
        "classeur": str(classeur["classeur"]),
        "lignes": classeur["lignes"],
        "secondes": round(time.monotonic() - _DEBUT, 2),
        "secondes_cpu": round(temps.user + temps.system, 2),
    }
    ecrire_texte(Path(resultat), json.dumps(sortie_json))
    return 0


if __name__ == "__main__":
    sys.exit(main())
