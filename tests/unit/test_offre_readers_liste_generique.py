"""The shared reader of the national lists (ingest.offre.listes_base.read_liste).

Every list it reads is tested on its fixture in test_offre_readers_listes.py; this file checks
that a list needs only its declaration (ListeNationale) to be read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.offre import listes_base as ln
from ingest.offre._common import DATE, check_date, check_postcode

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offre" / "data"


def test_a_list_declared_once_is_read_by_the_shared_reader(tmp_path):
    """A new list needs only its declaration: fields in order, per-row typologie, typed extras."""
    shutil.copytree(FIXTURES / "data-inclusion-schema", tmp_path / "data-inclusion-schema")
    (tmp_path / "liste.csv").write_text(
        "ref,kind,nom,cp,ouverture\n"
        "a1,aci,Atelier  du   Canal,93200,2019-03-01\n"
        "a2,,Sans nature,93200,2019-03-01\n"
        "a3,ei,Entreprise,9320,hier\n",
        encoding="utf-8",
    )
    liste = ln.ListeNationale(
        source="essai",
        fichier=Path("liste.csv"),
        millesime="essai",
        colonnes=["ref", "kind", "nom", "cp", "ouverture"],
        types={"ouverture": DATE},
        champs={
            "typologie": ln._upper_required("kind"),
            "id": ln._required("ref"),
            "nom": ln._squashed("nom"),
            "code_postal": ln._checked("cp", check_postcode),
            "ouverture": ln._checked("ouverture", check_date),
        },
    )
    assert liste.extra == [("ouverture", DATE)]
    result = ln.read_liste(tmp_path, liste)
    assert result.table_name == "offre_structures__essai"
    assert list(result.frame["id"]) == ["a1", "a3"]
    assert [(q.line, q.field, q.reason) for q in result.quarantine] == [
        (3, "kind", "empty value in a required field"),
        (4, "cp", "not a postcode: '9320'"),
        (4, "ouverture", "not a date: 'hier'"),
    ]
    frame = result.frame.set_index("id")
    a1 = frame.loc["a1"]
    assert (a1["source"], a1["nom"], a1["typologie"], list(a1["reseaux_porteurs"])) == (
        "essai",
        "Atelier du Canal",
        "ACI",
        ["aci"],
    )
    assert str(a1["ouverture"]) == "2019-03-01" and a1["coordonnees_corrigees"] is False
    assert frame.loc["a3", ["code_postal", "ouverture", "latitude"]].isna().all()
