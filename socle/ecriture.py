"""Atomic writes of the files for people: a reader never sees half a file, a failure leaves none.

Every file of ``PACTE_OUTPUT`` (report, PDF, committee kit, workbook, Parquet and CSV exports,
network page, dictionary) and the analysts' read-only copy is written beside its place as
``<name>.partiel`` and moved over the old one with :func:`os.replace` (atomic on one file
system) only once complete. When writing fails (a full disk, a read-only folder, an error in
the middle), the ``.partiel`` file is removed in a ``finally`` and the previous file stays.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["SUFFIXE", "ecriture_atomique", "ecrire_texte"]

SUFFIXE = ".partiel"


@contextmanager
def ecriture_atomique(chemin: Path) -> Iterator[Path]:
    """Yield the temporary path to write; on success it replaces ``chemin``, on failure it is removed.

    Examples
    --------
    >>> import tempfile
    >>> cible = Path(tempfile.mkdtemp()) / "a.txt"; _ = cible.write_text("ancien")
    >>> try:
    ...     with ecriture_atomique(cible) as partiel:
    ...         _ = partiel.write_text("moit")
    ...         raise OSError(28, "No space left on device")
    ... except OSError:
    ...     pass
    >>> cible.read_text(), sorted(p.name for p in cible.parent.iterdir())
    ('ancien', ['a.txt'])
    >>> with ecriture_atomique(cible) as partiel:
    ...     _ = partiel.write_text("nouveau")
    >>> cible.read_text(), sorted(p.name for p in cible.parent.iterdir())
    ('nouveau', ['a.txt'])
    """
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    partiel = chemin.with_name(chemin.name + SUFFIXE)
    try:
        yield partiel
        os.replace(partiel, chemin)
    finally:
        partiel.unlink(missing_ok=True)


def ecrire_texte(chemin: Path, texte: str) -> Path:
    """Write ``texte`` (UTF-8) to ``chemin`` atomically; return ``chemin``."""
    with ecriture_atomique(chemin) as partiel:
        partiel.write_text(texte, encoding="utf-8")
    return Path(chemin)
