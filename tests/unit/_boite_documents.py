"""A documents inbox holding one file and its manifest (shared by the document pipeline tests)."""

from __future__ import annotations

import shutil
from pathlib import Path


def boite_avec_manifeste(tmp_path: Path, fichier: Path, manifeste: str, code: str = "93") -> Path:
    """Put ``fichier`` and ``manifest.csv`` (``manifeste``, header included) in the documents folder
    of ``code`` under ``tmp_path / "inbox"``; returns that inbox."""
    folder = tmp_path / "inbox" / code / "documents"
    folder.mkdir(parents=True)
    shutil.copy(fichier, folder)
    (folder / "manifest.csv").write_text(manifeste, encoding="utf-8")
    return tmp_path / "inbox"
