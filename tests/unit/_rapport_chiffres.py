"""The report's figures against the marts (shared by the unit report test and the e2e test of 93)."""

from __future__ import annotations

from collections import Counter


def texte_attendu(valeur: float | None, secret: bool) -> str:
    """What the report prints for a value of marts.indicateurs (French decimal comma, narrow no-break
    space between thousands)."""
    if secret:
        return "secret statistique"
    if valeur is None:
        return "non disponible"
    return f"{valeur:,.1f}".replace(",", "\u202f").replace(".", ",")


def comparer_cellules(cellules, valeurs: dict[tuple, tuple]) -> Counter:
    """Check every report cell (``td[data-indicateur]``) against the value it names.

    ``valeurs`` maps (niveau, code_territoire, code_indicateur, annee) to (valeur, secret) as in
    marts.indicateurs. Returns how many cells were secret, unavailable or a figure."""
    vus: Counter = Counter()
    for td in cellules:
        cle = (td["data-niveau"], td["data-territoire"], td["data-indicateur"], int(td["data-annee"]))
        valeur, secret = valeurs[cle]
        texte = td.get_text(strip=True)
        assert texte == texte_attendu(valeur, secret), (cle, texte, valeur, secret)
        vus["secret" if secret else "non disponible" if valeur is None else "chiffre"] += 1
    return vus
