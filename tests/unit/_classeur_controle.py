"""What a person-ready workbook must look like, checked on the file (openpyxl, full read).

:func:`defauts_classeur` lists every defect it finds; the unit tests prove that each kind of defect
is caught on a hand-made bad workbook, and the tests of the real builds expect an empty list.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

LISEZ_MOI = "Lisez-moi"

# headers produced by the old word-by-word translation of column names
MAUVAISES_TRADUCTIONS = ("Entite à", "Libellé à", "Nombre de enregistrements", "Degre", "Valeur france")
# French words that a translation left without their accent
SANS_ACCENT = re.compile(
    r"\b(Entite|Degre|Libelle|Annee|Departement|Region|Categorie|Ecart|Donnees|Methode|Periode|Priorite"
    r"|Thematique|Intitule|Numerateur|Denominateur|Echelle|Frequence|Geographique|Theme|Cree)\b",
    re.IGNORECASE,
)
# « de » before a vowel (« Nombre de enregistrements »)
ELISION = re.compile(r"\b(de|le|la|que) [aeiouyéèêàâîôû]", re.IGNORECASE)
# a list written as the repr of a Python or JSON list or mapping (« ['a', 'b'] », « {"k": 1} », « [] »),
# not a bracketed placeholder of a document (« [Nom du service] »)
LISTE_BRUTE = re.compile(r"^\s*(\[\s*(['\"\[{\d-]|\])|\{\s*(['\"]|\}))")
# a code column and the names one of which must be in the same sheet
NOMS_DES_CODES = {
    "Code du territoire": ("Territoire", "Nom"),
    "Code commune": ("Commune",),
    "Code EPCI": ("EPCI",),
    "Code EPT": ("EPT",),
    "Code département": ("Département",),
    "Code région": ("Région",),
}


def _est_nombre(valeur) -> bool:
    return isinstance(valeur, int | float) and not isinstance(valeur, bool)


def defauts_classeur(chemin: Path, largeur_max: float = 60) -> list[str]:
    """Every defect of the workbook at ``chemin`` (empty when it is ready for a person)."""
    classeur = load_workbook(chemin)
    defauts: list[str] = []
    noms = classeur.sheetnames
    if not noms or noms[0] != LISEZ_MOI:
        defauts.append(f"the first sheet is {noms[:1]}, not « {LISEZ_MOI} »")
    syntheses = [i for i, n in enumerate(noms) if n.startswith("Synthèse")]
    if not syntheses:
        defauts.append("no synthesis sheet")
    elif syntheses != list(range(1, len(syntheses) + 1)):
        defauts.append(f"the synthesis sheets do not come right after the read-me: {syntheses}")
    for feuille in classeur.worksheets:
        nom = feuille.title
        if "_" in nom or len(nom) > 31:
            defauts.append(f"sheet title reads as an identifier: {nom!r}")
        lignes = [r for r in feuille.iter_rows() if any(c.value is not None for c in r)]
        detail = nom != LISEZ_MOI and not nom.startswith("Synthèse")
        if len(lignes) < (2 if detail else 1):
            defauts.append(f"empty sheet: {nom!r}")
            continue
        for ligne in feuille.iter_rows():
            for c in ligne:
                v = c.value
                if v is None:
                    continue
                if _est_nombre(v) and c.number_format == "General":
                    defauts.append(f"{nom}!{c.coordinate}: number {v!r} in General format")
                elif c.data_type == "f":
                    defauts.append(f"{nom}!{c.coordinate}: formula {v!r}")
                elif isinstance(v, str) and LISTE_BRUTE.match(v):
                    defauts.append(f"{nom}!{c.coordinate}: raw list {v[:60]!r}")
        if not detail:
            continue
        entetes = [c.value for c in feuille[1]]
        for h in entetes:
            if not isinstance(h, str) or not h.strip():
                defauts.append(f"{nom}: empty header")
                continue
            if (
                "_" in h
                or any(m in h for m in MAUVAISES_TRADUCTIONS)
                or SANS_ACCENT.search(h)
                or ELISION.search(h)
                or not h[0].isupper()
            ):
                defauts.append(f"{nom}: bad header {h!r}")
        for code, noms_possibles in NOMS_DES_CODES.items():
            if code in entetes and not any(n in entetes for n in noms_possibles):
                defauts.append(f"{nom}: « {code} » without its name ({' or '.join(noms_possibles)})")
        if feuille.freeze_panes != "A2":
            defauts.append(f"{nom}: header row not frozen")
        if not feuille.auto_filter.ref:
            defauts.append(f"{nom}: no filter")
        for i in range(1, len(entetes) + 1):
            largeur = feuille.column_dimensions[get_column_letter(i)].width
            if not largeur or largeur > largeur_max:
                defauts.append(f"{nom}: column {i} width {largeur}")
    return defauts


def texte_lisez_moi(chemin: Path) -> str:
    """All the text of the read-me sheet."""
    feuille = load_workbook(chemin, read_only=True)[LISEZ_MOI]
    return "\n".join(
        " | ".join(str(v) for v in r if v is not None) for r in feuille.iter_rows(values_only=True)
    )
