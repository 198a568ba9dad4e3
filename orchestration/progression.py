"""What ``pacte build`` shows a person: a progress line while the job runs, a summary at the end.

The job runs in process (``execute_in_process``) and stores its events in the Dagster
instance; a small thread reads them back (``instance.all_logs``) twice a second and moves a
``rich`` progress bar. Nothing here decides anything about the build: it only reads events
and the quarantine table, and writes French text.

Step keys are identifiers; people see the stage a step belongs to (``etape``).
"""

from __future__ import annotations

import csv
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.causes import chaine_erreur

__all__ = [
    "etape",
    "Progression",
    "BilanControles",
    "bilan_controles",
    "bilan_quarantaine",
    "sources_perimees",
    "lisible",
    "noms_des_tables",
    "duree",
    "nombre",
    "pluriel",
]

#: (prefix or fragment of a step key, French stage), first match wins.
_ETAPES: tuple[tuple[str, str], ...] = (
    ("attentes_great_expectations", "Contrôle des sources"),
    ("raw__", "Lecture des sources"),
    ("boite_de_depot", "Lecture des documents déposés"),
    ("pacte_dbt_apres_graphe", "Calcul des priorités et des pistes"),
    ("pacte_dbt", "Calcul des indicateurs, de l'offre et des écarts"),
    ("intermediate__", "Contrôle du catalogue de l'offre"),
    ("marts__", "Contrôle des tables"),
    ("outputs__", "Fichiers des besoins et page du réseau"),
    ("graphe_acteurs", "Graphe des acteurs"),
    ("analyse_coordination", "Analyse de la coordination"),
    ("rapport__", "Rapport, kit du comité et exports"),
    ("publication__", "Copie de lecture pour les analystes"),
)


def etape(step_key: str) -> str:
    """The stage a Dagster step belongs to, in French.

    >>> etape("raw__cog_communes"), etape("raw__cog_communes_attentes_great_expectations")
    ('Lecture des sources', 'Contrôle des sources')
    >>> etape("pacte_dbt_apres_graphe"), etape("inconnue")
    ('Calcul des priorités et des pistes', 'Construction')
    """
    for fragment, label in _ETAPES:
        if fragment in step_key:
            return label
    return "Construction"


def duree(seconds: float) -> str:
    """A duration in French.

    >>> duree(42.4), duree(125), duree(3725)
    ('42 s', '2 min 05 s', '1 h 02 min')
    """
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def nombre(value: int) -> str:
    """An integer with a (narrow no-break) space between thousands.

    >>> nombre(1234567)
    '1\\u202f234\\u202f567'
    """
    return f"{value:,}".replace(",", "\u202f")


def pluriel(value: int, mot: str) -> str:
    """A count and its noun or adjective, plural from 2 on (French rule: 0 and 1 take the singular).

    >>> pluriel(1, "avertissement"), pluriel(0, "réussi"), pluriel(1234, "réussie")
    ('1 avertissement', '0 réussi', '1\u202f234 réussies')
    """
    return f"{nombre(value)} {mot}{'s' if value > 1 else ''}"


_STEP_TYPES = ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED")


class Progression:
    """A progress bar fed by the events of one run, read from the instance in a thread.

    Use as a context manager around ``execute_in_process(run_id=...)``.
    """

    def __init__(self, instance, run_id: str, total: int, console=None, interval: float = 0.5):
        from rich.console import Console

        self.instance = instance
        self.run_id = run_id
        self.total = total
        self.interval = interval
        self.console = console or Console(stderr=True)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._progress = None
        self._task = None
        # what was read so far: each refresh reads only the events stored since (a build stores
        # about 3 000; reading all the step events back twice a second cost seconds of CPU)
        self._cursor: str | None = None
        self._started: dict[str, None] = {}
        self._done: set[str] = set()

    def __enter__(self) -> Progression:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("étapes"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("Démarrage", total=self.total)
        self._thread = threading.Thread(target=self._run, name="pacte-progression", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._refresh()
        if self._progress is not None:
            self._progress.stop()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._refresh()
            except Exception:  # noqa: BLE001 - a display error never stops a build
                pass

    def _refresh(self) -> None:
        from dagster import DagsterEventType

        types = {getattr(DagsterEventType, name) for name in _STEP_TYPES}
        started, done = self._started, self._done
        while True:
            lot = self.instance.get_records_for_run(self.run_id, cursor=self._cursor, of_type=types)
            for record in lot.records:
                event = record.event_log_entry.dagster_event
                if event is None or event.step_key is None:
                    continue
                if event.event_type_value == "STEP_START":
                    started[event.step_key] = None
                else:
                    done.add(event.step_key)
            self._cursor = lot.cursor
            if not lot.has_more:
                break
        running = [key for key in started if key not in done]
        description = etape(running[-1]) if running else ("Terminé" if done else "Démarrage")
        if self._progress is not None:
            self._progress.update(self._task, completed=min(len(done), self.total), description=description)


@dataclass
class BilanControles:
    """Counts of the steps and checks of one run, from its events, with the texts a person reads."""

    etapes_reussies: int = 0
    etapes_echouees: int = 0
    etapes_sautees: int = 0
    controles_reussis: int = 0
    avertissements: list[str] = field(default_factory=list)
    echecs: list[str] = field(default_factory=list)
    #: failed steps that no failed check explains: « stage : first line of the error »
    etapes_en_echec: list[str] = field(default_factory=list)


_TABLE = re.compile(r"\b(raw|staging|intermediate|marts|quarantine)\.([A-Za-z_][A-Za-z0-9_]*)")
_RENVOI = re.compile(r"\s*\((?:détail|detail|détail des lignes|voir)[^()]*\)", re.IGNORECASE)


def noms_des_tables(seeds: Path | None = None) -> dict[str, str]:
    """``schema.table`` → the name a person reads: sources from ``sources_donnees``, marts from
    ``classeur_feuilles`` (the dbt seeds that own these names)."""
    if seeds is None:
        from socle.settings import DBT_PROJECT_DIR

        seeds = DBT_PROJECT_DIR / "seeds"
    noms: dict[str, str] = {}
    try:
        with open(seeds / "sources_donnees.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                noms[f"raw.{row['table_brute']}"] = f"{row['producteur']} : {row['jeu_de_donnees']}"
        with open(seeds / "classeur_feuilles.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                noms[f"marts.{row['mart']}"] = row["titre"]
    except (OSError, KeyError):
        pass
    return noms


def lisible(texte: str, noms: dict[str, str]) -> str:
    """A check's text without table names: a source or mart by its name, the rest in words.

    >>> lisible("raw.cog_regions : 2 attentes en échec (détail : quarantine.attentes_echouees)",
    ...         {"raw.cog_regions": "INSEE : régions"})
    '« INSEE : régions » : 2 attentes en échec'
    >>> lisible("Chaque service est rattaché à une structure de marts.structures.", {})
    'Chaque service est rattaché à une structure de la table des structures.'
    """
    texte = _RENVOI.sub("", texte)

    def nom(match: re.Match) -> str:
        schema, table = match.group(1), match.group(2)
        if f"{schema}.{table}" in noms:
            return f"« {noms[f'{schema}.{table}']} »"
        if schema == "quarantine":
            return "la liste des écarts"
        mot = table.split("__")[-1].replace("_", " ")
        return f"la table des {mot}" if mot.endswith("s") else f"la table « {mot} »"

    return _TABLE.sub(nom, texte).strip()


def _premiere_ligne(texte: str, limite: int = 240) -> str:
    lignes = [line.strip() for line in (texte or "").splitlines() if line.strip()]
    premiere = lignes[0] if lignes else ""
    return premiere if len(premiere) <= limite else premiere[: limite - 1] + "…"


def bilan_controles(
    events: Iterable, noms: dict[str, str] | None = None, descriptions: dict[str, str] | None = None
) -> BilanControles:
    """Steps and checks of a run: passed, warned (WARN severity), failed (ERROR severity).

    The texts are in French without table names (:func:`lisible`); a failed check's text is its
    result's description, or the check's own description when the result has none.
    """
    noms = noms if noms is not None else {}
    bilan = BilanControles()
    steps_failed: dict[str, str] = {}
    checked_steps: set[str] = set()
    for event in events:
        kind = event.event_type_value
        if kind == "STEP_SUCCESS":
            bilan.etapes_reussies += 1
        elif kind == "STEP_FAILURE":
            bilan.etapes_echouees += 1
            error = getattr(event.event_specific_data, "error", None)
            # the innermost error says what happened; Dagster's wrapper only names the op
            error = chaine_erreur(error, contexte=False)[-1] if error is not None else None
            steps_failed[event.step_key] = (error.message if error is not None else event.message) or ""
        elif kind == "STEP_SKIPPED":
            bilan.etapes_sautees += 1
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.passed:
                bilan.controles_reussis += 1
                continue
            # a dbt test's result carries no text: its check's French description (``descriptions``,
            # check name → description of the check as the UI shows it) says what failed
            decrit = evaluation.description or (descriptions or {}).get(evaluation.check_name)
            text = lisible(_premiere_ligne(decrit or evaluation.check_name), noms)
            if getattr(evaluation.severity, "value", str(evaluation.severity)) == "WARN":
                bilan.avertissements.append(text)
            else:
                bilan.echecs.append(text)
                checked_steps.add(event.step_key)
    # steps failing with the same message (dozens of dbt steps when the warehouse is locked) on one line
    par_message: dict[str, list[str]] = {}
    for step_key, message in steps_failed.items():
        if step_key in checked_steps:
            continue  # its failed check says why
        message = re.sub(r"^[\w.]+(?:Error|Failure|Exception): ", "", _premiere_ligne(message))
        message = re.sub(r'op "[^"]+"', "op", message).rstrip(":")
        par_message.setdefault(lisible(message, noms), []).append(step_key)
    for message, keys in par_message.items():
        stades = sorted({etape(k) for k in keys})
        if len(keys) == 1:
            bilan.etapes_en_echec.append(f"{stades[0]} : {message}")
        else:
            bilan.etapes_en_echec.append(f"{len(keys)} étapes ({', '.join(stades)}) : {message}")
    return bilan


def _lignes(warehouse: Path, sql: str, parametres: list | None = None) -> list[tuple]:
    """The rows of ``sql`` on the warehouse opened read-only; none when it cannot be opened or read."""
    import duckdb

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return []
    try:
        return con.execute(sql, parametres or []).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()


def sources_perimees(warehouse: Path) -> list[str]:
    """The sources whose last delivery was refused and whose older load was kept, marked stale
    (``PACTE_SOURCES_PERIMEES``): the refusal of each, as :mod:`ingest.livraison` wrote it."""
    from ingest.livraison import REFUSED_MARK

    rows = _lignes(
        warehouse,
        "select message from raw._chargements qualify row_number() over "
        "(partition by table_name order by loaded_at desc) = 1 "
        "and stale and starts_with(message, ?) order by table_name",
        [REFUSED_MARK],
    )
    return [str(m).removeprefix(REFUSED_MARK).lstrip(" :") for (m,) in rows]


#: The dbt test storing the comité's decisions set aside (dbt_project/tests/), read with the quarantine.
DECISIONS_ECARTEES = "suivi_decisions_priorites_connues"


def bilan_quarantaine(warehouse: Path, destination: Path) -> list[tuple[str, int]]:
    """Rows set aside per source file, and the list of them (file, line, field, reason) as CSV.

    The row contents are not copied: they may hold what a source should not have held.
    Returns ``[(file name, rows)]``, largest first; an empty list when nothing was set aside
    or the warehouse cannot be read.
    """
    rows = _lignes(warehouse, "select source_file, line, field, reason from quarantine.rejets order by all")
    # the comité's decisions whose priority is not one of the present diagnostic: set aside by dbt (the
    # relation is checked once the priorities are built), stored by its warning test
    rows += _lignes(
        warehouse,
        f"select fichier, ligne, champ, motif from test_failures.{DECISIONS_ECARTEES} order by all",
    )
    counts = Counter(Path(str(source_file or "")).name or "(source inconnue)" for source_file, *_ in rows)
    if rows:
        from rapport.formules import neutraliser
        from socle.ecriture import ecriture_atomique

        with ecriture_atomique(destination) as partiel:
            with open(partiel, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, delimiter=";")
                writer.writerow(["fichier", "ligne", "champ", "motif"])
                writer.writerows([neutraliser(cell) for cell in row] for row in rows)
    return counts.most_common()
