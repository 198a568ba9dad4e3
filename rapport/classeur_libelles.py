"""What a person reads in the analysts' workbook, read from the dbt seeds that own it.

The workbook's vocabulary is data, owned by dbt seeds (``dbt_project/seeds/classeur_*.csv``, declared
with their tests in ``dbt_project/seeds/_rapport__seeds.yml``, built into schema ``rapport``):

- ``classeur_groupes``: the groups of detailed sheets, in reading order;
- ``classeur_feuilles``: every mart, in reading order (``ordre``), with its group, its sheet title
  (≤ 31 characters), what the sheet holds and why it is absent when the mart has no row;
- ``classeur_colonnes``: the French header and number format kind of a column name, the same in
  every mart (``mart`` empty) or in one mart only (overrides the former there);
- ``classeur_noms_ajoutes``: the codes beside which the workbook writes a name (territory,
  indicator, domain), with the table that gives the name;
- ``classeur_noms_deja_la``: the name columns that make such an added name useless.

This module only reads them from the warehouse connection the exporter already holds
(:func:`charger`) and answers the writer's questions (:meth:`Libelles.entete`,
:meth:`Libelles.format_colonne`); it keeps no copy and never reads the CSV files.

:data:`FORMATS` stays here: it maps a format kind to its Excel number format code, which is
technique of the writer (the code names kinds itself for typed fallbacks: ``entier``,
``decimal``, ``date``, ``horodatage``), not vocabulary a person edits. The kinds a seed row may
name are the keys of :data:`FORMATS` plus ``liste`` (accepted_values test of the seed; a unit test
checks that both agree).

A mart or a column missing from the seeds is still written (title and header from its name) and the
tests on the real build list it (``tests/e2e/test_classeur_93.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

__all__ = [
    "FORMATS",
    "KINDS",
    "SCHEMA",
    "SEEDS",
    "Libelles",
    "LibellesManquants",
    "charger",
]

# number formats (Excel codes; Excel shows the separators of the reader's locale: « 1 234,5 » in French);
# the kind "liste" is no number format: a text « a|b » is written « a ; b »
FORMATS: dict[str, str] = {
    "entier": "#,##0",
    "annee": "0",
    "decimal": "#,##0.0",
    "decimal2": "#,##0.00",
    "decimal3": "0.000",
    "part": "0.0%",  # a share between 0 and 1, shown as a percentage
    "coordonnee": "0.00000",
    "date": "dd/mm/yyyy",
    "horodatage": "dd/mm/yyyy hh:mm",
}
#: every format kind a seed row may name
KINDS: frozenset[str] = frozenset(FORMATS) | {"liste"}

#: the warehouse schema of the workbook's seeds (``+schema`` in ``_rapport__seeds.yml``), and the seeds
SCHEMA = "rapport"
SEEDS = (
    "classeur_groupes",
    "classeur_feuilles",
    "classeur_colonnes",
    "classeur_noms_ajoutes",
    "classeur_noms_deja_la",
    # the comité's workbooks (rapport/suivi_classeurs.py, read back by ingest/suivi.py)
    "classeur_suivi_colonnes",
    "classeur_suivi_listes",
    "classeur_suivi_saisie",
)

_AUTRES = "Autres tables"
_VIDE = "aucune ligne pour ce département"


class LibellesManquants(RuntimeError):
    """The warehouse lacks the workbook's seeds (``dbt seed`` or ``pacte build`` not run)."""


@dataclass(frozen=True)
class Libelles:
    """The workbook's vocabulary as read from the seeds (see the module's docstring).

    Attributes
    ----------
    groupes : list
        Groups of detailed sheets, in reading order.
    feuilles : dict
        ``{mart: (group, sheet title, what it holds)}`` in reading order.
    vides : dict
        ``{mart: why the sheet is absent when the mart has no row}`` (else a generic reason).
    colonnes : dict
        ``{column: (header, format kind or None)}`` for every mart.
    colonnes_par_mart : dict
        ``{(mart, column): (header, format kind or None)}`` where a name means something else.
    noms_ajoutes : dict
        ``{code column: (added header, table, key column, name column, level or None)}``.
    noms_deja_la : dict
        ``{code column: (name column or « mart.column », ...)}``.
    """

    groupes: list[str] = field(default_factory=list)
    feuilles: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    vides: dict[str, str] = field(default_factory=dict)
    colonnes: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    colonnes_par_mart: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    noms_ajoutes: dict[str, tuple[str, str, str, str, str | None]] = field(default_factory=dict)
    noms_deja_la: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def entete(self, mart: str, colonne: str) -> str:
        """The French header of ``colonne`` in ``mart`` (its name, spaced, when no seed row gives it).

        Examples
        --------
        >>> lib = Libelles(colonnes={"valeur_france": ("Valeur de la France", "decimal")})
        >>> lib.entete("indicateurs", "valeur_france"), lib.entete("liens_candidats", "libelle_a")
        ('Valeur de la France', 'Libelle a')
        """
        trouve = self.colonnes_par_mart.get((mart, colonne)) or self.colonnes.get(colonne)
        if trouve:
            return trouve[0]
        texte = colonne.replace("_", " ").strip() or colonne
        return texte[0].upper() + texte[1:]

    def format_colonne(self, mart: str, colonne: str) -> str | None:
        """The format kind (see :data:`FORMATS`) declared for ``colonne`` in ``mart``, or None."""
        trouve = self.colonnes_par_mart.get((mart, colonne)) or self.colonnes.get(colonne)
        return trouve[1] if trouve else None

    def entetes_generales(self) -> dict[str, str]:
        """``{column: header}`` valid in every mart (the keys of a mapping written as text)."""
        return {c: e for c, (e, _) in self.colonnes.items()}

    def feuille(self, mart: str) -> tuple[str, str, str]:
        """(group, sheet title, what it holds) of ``mart``; a mart without a seed row gets its name."""
        return self.feuilles.get(mart, (_AUTRES, mart.replace("_", " ").capitalize(), ""))

    def motif_absence(self, mart: str) -> str:
        """Why the sheet of ``mart`` is absent when the mart has no row for the département."""
        return self.vides.get(mart, _VIDE)

    def ordre(self, marts: list[str]) -> list[str]:
        """``marts`` in reading order (those without a seed row last, by name)."""
        rang = {m: i for i, m in enumerate(self.feuilles)}
        return sorted(marts, key=lambda m: (rang.get(m, len(rang)), m))


def charger(con: duckdb.DuckDBPyConnection) -> Libelles:
    """The workbook's vocabulary from the seeds of schema :data:`SCHEMA` of the warehouse ``con``.

    Raises
    ------
    LibellesManquants
        When a seed table is absent (the message names it and says how to build it).
    """
    presentes = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]
        ).fetchall()
    }
    absentes = [s for s in SEEDS if s not in presentes]
    if absentes:
        raise LibellesManquants(
            "the workbook's vocabulary is not in the warehouse: "
            + ", ".join(f"{SCHEMA}.{s}" for s in absentes)
            + " (dbt seeds of dbt_project/seeds/_rapport__seeds.yml: run `dbt seed` or `pacte build`)"
        )

    def lignes(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    groupes = [g for (g,) in lignes(f"select groupe from {SCHEMA}.classeur_groupes order by ordre")]
    feuilles: dict[str, tuple[str, str, str]] = {}
    vides: dict[str, str] = {}
    for mart, groupe, titre, contenu, motif in lignes(
        f"select mart, groupe, titre, contenu, motif_absence from {SCHEMA}.classeur_feuilles order by ordre"
    ):
        feuilles[mart] = (groupe, titre, contenu or "")
        if motif:
            vides[mart] = motif
    colonnes: dict[str, tuple[str, str | None]] = {}
    par_mart: dict[tuple[str, str], tuple[str, str | None]] = {}
    for colonne, mart, entete, kind in lignes(
        f"select colonne, mart, entete, format from {SCHEMA}.classeur_colonnes order by colonne, mart"
    ):
        if mart:
            par_mart[(mart, colonne)] = (entete, kind or None)
        else:
            colonnes[colonne] = (entete, kind or None)
    noms_ajoutes = {
        code: (entete, table, cle, nom, niveau or None)
        for code, entete, table, cle, nom, niveau in lignes(
            f"select colonne_code, entete, table_noms, colonne_cle, colonne_nom, niveau "
            f"from {SCHEMA}.classeur_noms_ajoutes order by colonne_code"
        )
    }
    noms_deja_la: dict[str, tuple[str, ...]] = {}
    for code, mart, nom in lignes(
        f"select colonne_code, mart, colonne_nom from {SCHEMA}.classeur_noms_deja_la "
        "order by colonne_code, mart nulls first, colonne_nom"
    ):
        noms_deja_la[code] = (*noms_deja_la.get(code, ()), f"{mart}.{nom}" if mart else nom)
    return Libelles(groupes, feuilles, vides, colonnes, par_mart, noms_ajoutes, noms_deja_la)
