"""The graph's vocabularies and parameters, read from the warehouse tables dbt made (issue 13).

dbt owns them: the seeds ``acteurs_types`` (label, group, rank among networks, insertion actor,
departmental institution, colour on the network page), ``acteurs_groupes`` and ``acteurs_codes``
(loaded by ``dbt seed``/``dbt build`` into schema ``marts``), and the dbt vars the graph uses,
exposed as dbt resolved them by the model ``intermediate.int_graphe__parametres`` (so a build run
with ``--vars '{offre_seuil_besoin_fort: 130}'`` gives the graph 130, as it gives ``marts.ecarts``).

The graph never reads the seed files nor ``dbt_project.yml``: each graph step reads these tables from
its connection (:func:`charger`, called by :mod:`graph.pipeline` before building, analysing or drawing)
and the names of :mod:`graph.modele` (``ACTOR_TYPES``, ``ACTOR_GROUPS``...) and ``graph.page.TYPE_COLOURS``
are views of the vocabulary loaded last. Before any load they raise :class:`VocabulaireAbsent`.
Code outside the graph that needs one table reads it with :func:`lire` (no shared state).

Examples
--------
>>> import duckdb
>>> con = duckdb.connect()
>>> _ = con.execute("create schema marts; create schema intermediate")
>>> _ = con.execute(
...     "create table marts.acteurs_groupes as select 'etat' as groupe, 'Services de l''État' as libelle")
>>> _ = con.execute(
...     "create table marts.acteurs_types as select 'ddets' as type_acteur, 'DDETS' as libelle, "
...     "'etat' as groupe, 21 as priorite_reseau, false as insertion, "
...     "'DDETS ({nom})' as institution_departementale, '#2c5fa8' as couleur")
>>> _ = con.execute("create table marts.acteurs_codes as select 'dreets' as code, 'ddets' as type_acteur")
>>> _ = con.execute("create table intermediate.int_graphe__parametres as select 130.0 as seuil_besoin_fort")
>>> v = lire(con)
>>> v.types, v.groupes["etat"], v.codes, v.couleurs, v.seuil_besoin_fort
({'ddets': ('DDETS', 'etat')}, "Services de l'État", {'dreets': 'ddets'}, {'ddets': '#2c5fa8'}, 130.0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import dataclass

import duckdb

__all__ = [
    "TABLES",
    "Vocabulaire",
    "VocabulaireAbsent",
    "lire",
    "libelles_types",
    "charger",
    "installer",
    "courant",
    "Vue",
    "VueEnsemble",
]

# the warehouse tables the vocabulary is read from (all made by dbt: three seeds and one model)
TABLES: tuple[str, ...] = (
    "marts.acteurs_types",
    "marts.acteurs_groupes",
    "marts.acteurs_codes",
    "intermediate.int_graphe__parametres",
)


class VocabulaireAbsent(LookupError):
    """The graph's vocabulary was used before being read from a warehouse."""


@dataclass(frozen=True)
class Vocabulaire:
    """Actor types and the graph's parameters, as the warehouse holds them.

    types: type_acteur → (French label, group), in the seed's order; groupes: group → label;
    institutions: type_acteur → label pattern of the institution generated in every département;
    insertion: the insertion actors' types; codes: code (typology v0, network v1, document code)
    → type_acteur; priorites: rank of a type among a structure's networks (no rank: absent);
    couleurs: type_acteur → colour on the network page; seuil_besoin_fort: the dbt var
    ``offre_seuil_besoin_fort`` (indice_besoin, 100 = France).
    """

    types: dict[str, tuple[str, str]]
    groupes: dict[str, str]
    institutions: dict[str, str]
    insertion: frozenset[str]
    codes: dict[str, str]
    priorites: dict[str, int]
    couleurs: dict[str, str]
    seuil_besoin_fort: float


def lire(con: duckdb.DuckDBPyConnection) -> Vocabulaire:
    """The vocabulary in the warehouse of ``con``; :class:`VocabulaireAbsent` names the missing tables."""
    present = {
        f"{s}.{n}"
        for s, n in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }
    missing = [t for t in TABLES if t not in present]
    if missing:
        raise VocabulaireAbsent(
            "vocabulaire du graphe introuvable : table(s) absente(s) de l'entrepôt : "
            + ", ".join(missing)
            + ". Construire d'abord les modèles dbt (dbt build)."
        )
    # seeds keep the file's row order (dbt inserts them so; DuckDB keeps insertion order)
    types = con.execute(
        "select type_acteur, libelle, groupe, priorite_reseau, insertion, institution_departementale, "
        "couleur from marts.acteurs_types"
    ).fetchall()
    parametres = con.execute("select seuil_besoin_fort from intermediate.int_graphe__parametres").fetchall()
    if len(parametres) != 1 or parametres[0][0] is None:
        raise VocabulaireAbsent(
            f"intermediate.int_graphe__parametres doit avoir une ligne renseignée, pas {parametres!r}"
        )
    return Vocabulaire(
        types={t: (libelle, groupe) for t, libelle, groupe, *_ in types},
        groupes=dict(con.execute("select groupe, libelle from marts.acteurs_groupes").fetchall()),
        institutions={t: inst for t, *_, inst, _couleur in types if inst},
        insertion=frozenset(t for t, _l, _g, _p, insertion, *_ in types if insertion),
        codes=dict(con.execute("select code, type_acteur from marts.acteurs_codes").fetchall()),
        priorites={t: int(rang) for t, _l, _g, rang, *_ in types if rang is not None},
        couleurs={t: couleur for t, *_, couleur in types},
        seuil_besoin_fort=float(parametres[0][0]),
    )


def libelles_types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """type_acteur → French label, in the seed's order (``marts.acteurs_types``), for the code outside the
    graph that names actor types (the comité's workbooks)."""
    return dict(con.execute("select type_acteur, libelle from marts.acteurs_types").fetchall())


_courant: Vocabulaire | None = None


def installer(vocabulaire: Vocabulaire) -> Vocabulaire:
    """Make ``vocabulaire`` the one the graph's names (:class:`Vue`) show; returns it."""
    global _courant
    _courant = vocabulaire
    return vocabulaire


def charger(con: duckdb.DuckDBPyConnection) -> Vocabulaire:
    """Read the vocabulary of the warehouse of ``con`` and install it (every graph step starts so)."""
    return installer(lire(con))


def courant() -> Vocabulaire:
    """The vocabulary loaded last; :class:`VocabulaireAbsent` before any load."""
    if _courant is None:
        raise VocabulaireAbsent(
            "vocabulaire du graphe non chargé : appeler graph.vocabulaire.charger(con) avec une connexion "
            "à l'entrepôt construit par dbt"
        )
    return _courant


class Vue(Mapping):
    """A read-only mapping showing one field of the current vocabulary (looked up at each use)."""

    def __init__(self, champ: Callable[[Vocabulaire], Mapping]):
        self._champ = champ

    def _donnees(self) -> Mapping:
        return self._champ(courant())

    def __getitem__(self, key):
        return self._donnees()[key]

    def get(self, key, default=None):
        return self._donnees().get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._donnees()

    def __iter__(self) -> Iterator:
        return iter(self._donnees())

    def __len__(self) -> int:
        return len(self._donnees())

    def __repr__(self) -> str:
        return f"Vue({dict(self._donnees())!r})" if _courant is not None else "Vue(<non chargé>)"


class VueEnsemble(Set):
    """A read-only set showing one field of the current vocabulary (looked up at each use)."""

    def __init__(self, champ: Callable[[Vocabulaire], Set]):
        self._champ = champ

    def __contains__(self, item) -> bool:
        return item in self._champ(courant())

    def __iter__(self) -> Iterator:
        return iter(self._champ(courant()))

    def __len__(self) -> int:
        return len(self._champ(courant()))
