"""The vocabulary of the comité's workbooks (sheet titles, headers, who fills each column, lists),
read from the seeds ``classeur_suivi_*`` of schema ``rapport`` (:func:`vocabulaire`); written by
:mod:`rapport.suivi_classeurs`, read back by :mod:`ingest.suivi`."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

__all__ = ["SCHEMA", "Colonne", "Vocabulaire", "VocabulaireManquant", "libelles_uniques", "vocabulaire"]

SCHEMA = "rapport"


class VocabulaireManquant(RuntimeError):
    """The warehouse lacks the seeds ``classeur_suivi_*`` (``dbt seed`` not run)."""


@dataclass(frozen=True)
class Colonne:
    feuille: str
    ordre: int
    colonne: str
    entete: str
    saisie: str
    liste: str | None
    largeur: int
    masquee: bool
    aide: str


@dataclass(frozen=True)
class Vocabulaire:
    colonnes: dict[str, list[Colonne]]  # classeur → its columns, by sheet then order
    listes: dict[str, list[tuple[str, str]]]  # list name → (value, label)
    saisie: dict[str, list[tuple[str, str, str]]]  # classeur → (champ, libellé, aide)

    def feuilles(self, classeur: str) -> list[str]:
        out: list[str] = []
        for c in self.colonnes[classeur]:
            if c.feuille not in out:
                out.append(c.feuille)
        return out

    def titres_listes(self, classeur: str) -> dict[str, str]:
        """list name → the header of the first column of ``classeur`` that offers it."""
        titres: dict[str, str] = {}
        for c in self.colonnes[classeur]:
            if c.liste:
                titres.setdefault(c.liste, c.entete)
        return titres

    def de_feuille(self, classeur: str, feuille: str) -> list[Colonne]:
        return [c for c in self.colonnes[classeur] if c.feuille == feuille]


def vocabulaire(con: duckdb.DuckDBPyConnection) -> Vocabulaire:
    """The workbooks' vocabulary from the seeds of schema ``rapport``."""
    try:
        lignes = con.execute(
            f"select classeur, feuille, ordre, colonne, entete, saisie, liste, largeur, masquee, aide "
            f"from {SCHEMA}.classeur_suivi_colonnes order by classeur, ordre"
        ).fetchall()
        listes = con.execute(
            f"select liste, valeur, libelle from {SCHEMA}.classeur_suivi_listes order by liste, ordre"
        ).fetchall()
        saisie = con.execute(
            f"select classeur, champ, libelle, aide from {SCHEMA}.classeur_suivi_saisie order by "
            "classeur, ordre"
        ).fetchall()
    except duckdb.CatalogException as exc:
        raise VocabulaireManquant(
            "le vocabulaire des classeurs du comité manque dans l'entrepôt : lancer « dbt seed » "
            "ou « pacte build »"
        ) from exc
    colonnes: dict[str, list[Colonne]] = {}
    for classeur, feuille, ordre, colonne, entete, saisie_, liste, largeur, masquee, aide in lignes:
        colonnes.setdefault(classeur, []).append(
            Colonne(
                feuille,
                int(ordre),
                colonne,
                entete,
                saisie_,
                liste or None,
                int(largeur or 14),
                masquee == "oui",
                aide,
            )
        )
    for classeur in colonnes:
        ordre_feuilles: list[str] = []
        for c in colonnes[classeur]:
            if c.feuille not in ordre_feuilles:
                ordre_feuilles.append(c.feuille)
        colonnes[classeur].sort(key=lambda c: (ordre_feuilles.index(c.feuille), c.ordre))
    par_liste: dict[str, list[tuple[str, str]]] = {}
    for liste, valeur, libelle in listes:
        par_liste.setdefault(liste, []).append((valeur, libelle))
    par_classeur: dict[str, list[tuple[str, str, str]]] = {}
    for classeur, champ, libelle, aide in saisie:
        par_classeur.setdefault(classeur, []).append((champ, libelle, aide))
    return Vocabulaire(colonnes, par_liste, par_classeur)


def libelles_uniques(lignes: list[tuple[str, str, str | None]]) -> list[tuple[str, str]]:
    """(key, label) with labels made unique for a drop-down: the commune in brackets, then a number.

    >>> libelles_uniques([("a", "CCAS", "Bobigny"), ("b", "CCAS", "Pantin"), ("c", "CAF", None)])
    [('a', 'CCAS (Bobigny)'), ('b', 'CCAS (Pantin)'), ('c', 'CAF')]
    >>> libelles_uniques([("a", "X", "P"), ("b", "X", "P")])
    [('a', 'X (P)'), ('b', 'X (P) – 2')]
    """
    compte: dict[str, int] = {}
    for _cle, libelle, _commune in lignes:
        compte[libelle] = compte.get(libelle, 0) + 1
    vus: dict[str, int] = {}
    out = []
    for cle, libelle, commune in lignes:
        texte = f"{libelle} ({commune})" if compte[libelle] > 1 and commune else libelle
        vus[texte] = vus.get(texte, 0) + 1
        if vus[texte] > 1:
            texte = f"{texte} – {vus[texte]}"
        out.append((cle, texte))
    return out
