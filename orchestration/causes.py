"""The root cause of a failed build, in French, for the first lines of ``pacte build``'s summary.

A failed step's error often says only « Error occurred while executing op … »: the cause is
further down its chain (``error.cause``), in DuckDB's, the operating system's or a reader's
words. :func:`cause_premiere` looks through those texts for the causes an operator can act on:

- the warehouse locked by another process (« Conflicting lock is held in … (PID n) »), named
  with the process's command line, and flagged *stale* when it is what a stopped build left
  behind (a ``dbt`` or ``pacte`` process whose parent is gone, adopted by PID 1);
- a read-only file system (errno 30), no space left on the device (errno 28);
- an invalid weights file; a source refused at delivery (:mod:`ingest.livraison`).

:func:`verrou_entrepot` runs the same diagnosis on the warehouse before a build starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Cause",
    "cause_premiere",
    "chaine_erreur",
    "construction_exclusive",
    "decrire_processus",
    "error_texts",
    "verrou_entrepot",
]

_VERROU = re.compile(r'Could not set lock on file "(?P<fichier>[^"]+)": Conflicting lock is held in '
                     r"(?P<programme>\S+) \(PID (?P<pid>\d+)\)")
_LECTURE_SEULE = re.compile(r"Read-only file system|\[Errno 30\]|errno 30", re.IGNORECASE)
_DISQUE_PLEIN = re.compile(r"No space left on device|\[Errno 28\]|errno 28|disk is full|Disk full",
                           re.IGNORECASE)
_CHEMIN = re.compile(r"""['"](/[^'"]+)['"]""")
_PONDERATIONS = re.compile(r"PonderationsError: (?P<detail>.+)|(?P<fichier>\S*priorites[^:\s]*\.ya?ml): "
                           r"(?P<detail2>.+)")
_LIVRAISON = re.compile(r"Source « .+? » refusée à la livraison.*?conservé\.", re.DOTALL)


@dataclass(frozen=True)
class Cause:
    """A root cause: its kind and the French sentence that leads the summary."""

    genre: str
    texte: str


def _argv(pid: int) -> list[str]:
    try:
        raw = (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _est_une_construction(argv: list[str]) -> bool:
    """``pacte build …`` (the entry point, or ``python -m orchestration.cli build``)."""
    for i, part in enumerate(argv[:-1]):
        if (Path(part).name == "pacte" or part == "orchestration.cli") and argv[i + 1] == "build":
            return True
    return False


def decrire_processus(pid: int) -> tuple[str, bool]:
    """(command line, stale?) of a live process. Stale: a dbt process no ``pacte build`` runs any
    more (its build was killed: it was adopted by PID 1 or a reaper), so nothing will release it.

    >>> import os
    >>> commande, perime = decrire_processus(os.getpid())
    >>> bool(commande), perime
    (True, False)
    """
    argv = _argv(pid)
    if not argv:
        return "", False
    try:
        status = (Path("/proc") / str(pid) / "status").read_text(errors="replace")
    except OSError:
        status = ""
    match = re.search(r"^PPid:\s*(\d+)", status, re.MULTILINE)
    parent = int(match.group(1)) if match else 0
    commande = " ".join(argv)
    perime = "dbt" in commande and not _est_une_construction(_argv(parent))
    return commande[:200], perime


def _verrou(match: re.Match) -> Cause:
    pid = int(match.group("pid"))
    commande, perime = decrire_processus(pid)
    fichier = match.group("fichier")
    qui = f"PID {pid}" + (f" : {commande}" if commande else f" ({match.group('programme')})")
    if perime:
        texte = (f"Cause : l'entrepôt {fichier} est encore verrouillé par un reste d'une construction "
                 f"arrêtée ({qui}), dont le processus parent n'existe plus. Arrêtez-le (kill {pid}) puis "
                 "relancez la construction.")
    elif commande:
        texte = (f"Cause : l'entrepôt {fichier} est verrouillé par un autre processus ({qui}). Attendez "
                 "qu'il se termine ou fermez-le, puis relancez.")
    else:
        texte = (f"Cause : l'entrepôt {fichier} était verrouillé par un autre processus ({qui}), terminé "
                 "depuis. Relancez la construction.")
    return Cause("verrou_perime" if perime else "verrou", texte)


def _chemin(texte: str) -> str:
    match = _CHEMIN.search(texte)
    return f" ({match.group(1)})" if match else ""


def cause_premiere(textes: list[str]) -> Cause | None:
    """The first root cause found in the error texts of a run, else ``None``.

    Examples
    --------
    >>> print(cause_premiere(["OSError: [Errno 28] No space left on device: '/sortie/93/x.partiel'"]).texte)
    Cause : plus de place sur le disque (/sortie/93/x.partiel). Libérez de la place puis relancez.
    >>> cause_premiere(["Error occurred while executing op raw__x"]) is None
    True
    """
    for texte in textes:
        match = _VERROU.search(texte)
        if match:
            return _verrou(match)
    for texte in textes:
        if _LECTURE_SEULE.search(texte):
            return Cause("lecture_seule", f"Cause : système de fichiers en lecture seule{_chemin(texte)} : "
                                          "rien ne peut y être écrit. Choisissez un dossier accessible en "
                                          "écriture (PACTE_OUTPUT, PACTE_WAREHOUSE) puis relancez.")
        if _DISQUE_PLEIN.search(texte):
            return Cause("disque_plein", f"Cause : plus de place sur le disque{_chemin(texte)}. Libérez de "
                                         "la place puis relancez.")
    for texte in textes:
        match = _LIVRAISON.search(texte)
        if match:
            return Cause("livraison", f"Cause : {match.group(0)}")
        match = _PONDERATIONS.search(texte)
        if match:
            detail = (match.group("detail") or f"{match.group('fichier')}: {match.group('detail2')}").strip()
            premiere = detail.splitlines()[0]
            return Cause("ponderations", f"Cause : fichier de pondérations invalide : {premiere}")
    return None


@contextmanager
def construction_exclusive(entrepot: Path) -> Iterator[Cause | None]:
    """Hold ``<warehouse>.construction`` (an ``flock``) for a whole build; yield the cause when
    another build holds it. The kernel drops the lock when the holder ends, even by ``kill -9``:
    a dead build never leaves it behind. The file keeps the holder's PID and command line."""
    import fcntl
    import os
    import sys

    chemin = Path(entrepot).with_name(Path(entrepot).name + ".construction")
    chemin.parent.mkdir(parents=True, exist_ok=True)
    handle = open(chemin, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            qui = handle.read().strip() or "PID inconnu"
            yield Cause("construction", f"Cause : une autre construction utilise déjà l'entrepôt {entrepot} "
                                        f"({qui}). Attendez qu'elle se termine puis relancez.")
            return
        handle.seek(0)
        handle.truncate()
        handle.write(f"PID {os.getpid()} : {' '.join(sys.argv)[:200]}")
        handle.flush()
        yield None
    finally:
        handle.close()


def verrou_entrepot(entrepot: Path) -> Cause | None:
    """Whether another process holds the warehouse's lock (named, stale or not), before a build."""
    import duckdb

    entrepot = Path(entrepot)
    if not entrepot.exists():
        return None
    try:
        con = duckdb.connect(str(entrepot), read_only=True)
    except duckdb.Error as exc:
        return cause_premiere([str(exc)])
    con.close()
    return None


def chaine_erreur(error, contexte: bool = True) -> list:
    """A Dagster error (``SerializableErrorInfo``) and the errors of its chain, each once, nearest first:
    its ``cause`` and, unless ``contexte`` is false, its ``context`` (the error being handled when
    it was raised). With ``contexte=False`` the last one is the innermost cause.
    """
    chaine: list = []
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        chaine.append(current)
        pending.append(getattr(current, "cause", None))
        if contexte:
            pending.append(getattr(current, "context", None))
    return chaine


def _error_texts(error) -> list[str]:
    """The messages of an error and of every error in its chain (``cause``, ``context``)."""
    texts: list[str] = []
    for current in chaine_erreur(error):
        texts.append(f"{getattr(current, 'cls_name', None) or ''}: {getattr(current, 'message', None) or ''}")
        texts.extend(line for line in (getattr(current, "stack", None) or [])[-3:])
    return texts


def error_texts(events) -> list[str]:
    """Every error text of a run's failed steps and of its failure, for :func:`cause_premiere`."""
    texts: list[str] = []
    for event in events:
        if event.event_type_value in ("STEP_FAILURE", "RUN_FAILURE"):
            error = getattr(event.event_specific_data, "error", None)
            texts += _error_texts(error) if error is not None else []
            texts.append(event.message or "")
    return texts
