"""The workbook's synthesis sheets (one per axis: ranked priorities, leads, key indicators against
France) and its read-me (what each sheet holds, the sources, the date, how to filter). Split from
rapport/exports.py (issue 13).
"""

from __future__ import annotations

from typing import Any

from rapport.classeur_cellules import LARGEUR_MAX, _Feuille, _largeur_valeur
from rapport.classeur_libelles import Libelles
from rapport.donnees import exige_tables_rapport

__all__: list[str] = []


# ---------------------------------------------------------------------------------------------
# synthesis sheets (one per axis) and read-me


def _bloc(con, table: str, cles: dict[str, Any], ordre: str, exclues: tuple[str, ...] = ()):
    """Columns and rows of ``rapport.<table>``, the dbt model made for the synthesis sheets, for
    the keys ``cles`` (column → value; the key columns and ``exclues`` are not shown), in ``ordre``.

    Raises :class:`rapport.donnees.MartManquant` when the model is not in the warehouse."""
    exige_tables_rapport(con, [table])
    where = " and ".join(f"{c} = ?" for c in cles)
    exclure = ", ".join([*cles, *exclues])
    sql = f"select * exclude ({exclure}) from rapport.{table} where {where} order by {ordre}"
    curseur = con.execute(sql, list(cles.values()))
    return [d[0] for d in curseur.description], curseur.fetchall()


def _ecrire_page(
    feuille: _Feuille,
    lignes: list[list[tuple]],
    largeurs_min: list[int] | None = None,
    largeur_max: int = LARGEUR_MAX,
) -> None:
    """Write rows of ``(value, kind, style[, link])`` cells, sizing the columns from the table rows
    (at most ``largeur_max``); a longer text wraps, and its row is as high as it needs."""
    largeurs = list(largeurs_min or [])
    for ligne in lignes:
        if len(ligne) < 2:  # a title or a sentence overflows to the right: it does not size the column
            continue
        for j, morceau in enumerate(ligne):
            valeur, kind = morceau[0], morceau[1]
            w = min(largeur_max, _largeur_valeur(valeur, kind) + 2)
            if j >= len(largeurs):
                largeurs.append(w)
            else:
                largeurs[j] = max(largeurs[j], w)
    feuille.largeurs(largeurs)
    feuille.impression(True)
    for i, ligne in enumerate(lignes, start=1):
        if len(ligne) >= 2:
            ligne = [
                (m[0], m[1], "enveloppe", *m[3:])
                if m[2] is None and isinstance(m[0], str) and len(m[0]) + 2 > min(largeurs[j], LARGEUR_MAX)
                else m
                for j, m in enumerate(ligne)
            ]
        enveloppees = [(m[0], largeurs[j]) for j, m in enumerate(ligne) if m[2] in ("enveloppe", "entete")]
        if enveloppees and len(ligne) >= 2:  # the other cells of the row at the top, beside the wrapped text
            ligne = [(m[0], m[1], "haut", *m[3:]) if m[2] is None else m for m in ligne]
        feuille.hauteur(i, enveloppees)
        feuille.append([feuille.cellule(j, *morceau) for j, morceau in enumerate(ligne)])


def _table(entetes: list[str], lignes: list[list[tuple]]) -> list[list[tuple]]:
    return [[(e, None, "entete") for e in entetes]] + lignes


def _oui_non(v) -> str | None:
    return None if v is None else ("oui" if v else "non")


def _synthese_axe(
    con,
    code: str,
    axe: str,
    libelle_axe: str,
    nom_dep: str,
    presents: set[str],
    genere_le: str,
    lib: Libelles,
):
    """The rows of an axis's synthesis sheet."""
    lignes: list[list[tuple]] = [
        [(f"Axe {axe} : {libelle_axe}", None, "titre")],
        [
            (
                f"{nom_dep}, classeur produit le {genere_le}. Indices : 100 = France (ou les communes "
                "couvertes, pour une source partielle).",
                None,
                "note",
            )
        ],
    ]
    if "besoins" in presents:
        cols, rows = _bloc(
            con, "synthese_besoins", {"code_departement": code, "code_axe": axe}, "libelle_domaine"
        )
        if rows:
            lignes += [[], [("Besoin du département par domaine", None, "section")]]
            lignes += _table(
                [lib.entete("besoins", c) for c in cols],
                [
                    [
                        (
                            v,
                            lib.format_colonne("besoins", c) or ("decimal" if isinstance(v, float) else None),
                            None,
                        )
                        for c, v in zip(cols, r, strict=True)
                    ]
                    for r in rows
                ],
            )
    if "priorites" in presents:
        echelles = [
            ("infra", "Priorités classées : EPT et EPCI"),
            ("departement", "Priorités classées : département"),
        ]
        for echelle, titre in echelles:
            cols, rows = _bloc(
                con,
                "synthese_priorites",
                {"code_departement": code, "code_axe": axe, "echelle": echelle, "donnees_suffisantes": True},
                "rang_axe, libelle_territoire, libelle_domaine",
                exclues=("raison",),
            )
            lignes += [[], [(titre, None, "section")]]
            if rows:
                lignes += _table(
                    [lib.entete("priorites", c) for c in cols],
                    [
                        [
                            (
                                _oui_non(v) if c == "zone_blanche" else v,
                                lib.format_colonne("priorites", c),
                                None,
                            )
                            for c, v in zip(cols, r, strict=True)
                        ]
                        for r in rows
                    ],
                )
            else:
                lignes.append([("Aucune priorité classée à cette échelle.", None, "note")])
        absentes = con.execute(
            "select raison from rapport.synthese_priorites where code_departement = ? and code_axe = ? "
            "and not donnees_suffisantes order by raison",
            [code, axe],
        ).fetchall()
        if absentes:
            raisons = sorted({r[0] for r in absentes if r[0]})
            lignes.append(
                [
                    (
                        f"{len(absentes)} ligne(s) non classée(s) faute de données suffisantes"
                        + (f" : {' ; '.join(raisons[:5])}" if raisons else "")
                        + f" (feuille « {lib.feuille('priorites')[1]} », colonne « Raison »).",
                        None,
                        "note",
                    )
                ]
            )
    if "pistes" in presents:
        cols, rows = _bloc(
            con,
            "synthese_pistes",
            {"code_departement": code, "code_axe": axe},
            "rang_axe, libelle_territoire",
        )
        lignes += [[], [("Pistes d'action", None, "section")]]
        if rows:
            lignes += _table(
                [lib.entete("pistes", c) for c in cols],
                [
                    [
                        (
                            v,
                            lib.format_colonne("pistes", c),
                            "enveloppe" if isinstance(v, str) and len(v) > 60 else None,
                        )
                        for c, v in zip(cols, r, strict=True)
                    ]
                    for r in rows
                ],
            )
        else:
            lignes.append([("Aucune piste : aucune priorité de l'axe n'est classée.", None, "note")])
    if {"indicateurs", "indicateurs_catalogue"} <= presents:
        blocs = [
            ("code_axe = ?", [axe], "Indicateurs clés de l'axe : le département face à la France"),
            ("code_axe is null", [], "Contexte : le département face à la France"),
        ]
        for condition, params, titre in blocs:
            lignes += [[], [(titre, None, "section")]]
            lignes += _indicateurs_cles(con, code, condition, params)
    return lignes


def _indicateurs_cles(con, code: str, condition: str, params: list) -> list[list[tuple]]:
    """The département's latest value of the catalogue's indicators matching ``condition`` (on the
    catalogue's ``code_axe``), with the région and France values (view ``rapport.synthese_indicateurs``;
    a table, or a sentence saying why there is none)."""
    exige_tables_rapport(con, ["synthese_indicateurs"])
    sql_n = f"select count(*) from marts.indicateurs_catalogue where {condition}"
    n = con.execute(sql_n, params).fetchone()[0]
    rows = con.execute(
        "select libelle, unite, annee, valeur, secret, valeur_region, valeur_france, ecart_france, source "
        f"from rapport.synthese_indicateurs where code_departement = ? and {condition} order by libelle",
        [code, *params],
    ).fetchall()
    if not rows:
        texte = (
            "Aucun de ces indicateurs n'est publié pour le département."
            if n
            else "Aucun indicateur de besoin n'est encore défini pour cet axe."
        )
        return [[(texte, None, "note")]]
    entetes = [
        "Indicateur",
        "Unité",
        "Année",
        "Département",
        "Région",
        "France",
        "Écart à la France",
        "Source",
    ]
    corps = []
    for lib, unite, annee, valeur, secret, region, france, ecart, source in rows:
        corps.append(
            [
                (lib, None, None),
                (unite, None, None),
                (annee, "annee", None),
                ("secret statistique" if secret and valeur is None else valeur, "decimal", None),
                (region, "decimal", None),
                (france, "decimal", None),
                (ecart, "decimal", None),
                (source, None, None),
            ]
        )
    return _table(entetes, corps)


#: the marts the workbook's sources are read from (view ``rapport.sources_classeur``)
MARTS_SOURCES = {
    "territoires",
    "indicateurs",
    "indicateurs_catalogue",
    "services",
    "offre_sources",
    "acteurs",
    "documents",
}


def _sources(con, code: str, presents: set[str]) -> list[tuple[str, str]]:
    """(use, publisher and dataset) of the data in the workbook, from the marts themselves (view
    ``rapport.sources_classeur``, required when the marts it reads are there; a workbook of a few
    marts, e.g. in a test, has no sources part)."""
    if not MARTS_SOURCES <= presents:
        return []
    exige_tables_rapport(con, ["sources_classeur"])
    return con.execute(
        "select usage, publication from rapport.sources_classeur where code_departement = ? "
        "order by ordre_bloc, ordre, publication",
        [code],
    ).fetchall()


def _lisez_moi(
    nom_dep: str,
    genere_le: str,
    syntheses: list[tuple[str, str]],
    detail: list[tuple[str, str, str, int]],
    absentes: list[tuple[str, str]],
    sources: list[tuple[str, str]],
) -> list[list[tuple]]:
    lien = lambda titre: f"'{titre}'!A1"  # noqa: E731
    lignes: list[list[tuple]] = [
        [(f"Diagnostic territorial du Pacte des solidarités : {nom_dep}", None, "titre")],
        [
            (
                f"Classeur produit le {genere_le}, à partir des données du diagnostic du département.",
                None,
                "note",
            )
        ],
        [],
        [("Comment l'utiliser", None, "section")],
        [
            (
                "Les feuilles « Synthèse » résument chaque axe : besoin par domaine, priorités classées, "
                "pistes "
                "d'action et indicateurs clés du département face à la France.",
                None,
                None,
            )
        ],
        [
            (
                "Les feuilles suivantes donnent le détail, par groupe : priorités et pistes, besoins, offre, "
                "coordination, documents, puis les référentiels.",
                None,
                None,
            )
        ],
        [
            (
                "Filtrer : chaque feuille de détail a sa ligne d'en-tête figée et un filtre ; cliquer sur "
                "la flèche "
                "d'une en-tête pour choisir un territoire, un domaine ou une année (menu Données, Filtrer).",
                None,
                None,
            )
        ],
        [("Définitions : placer la souris sur une en-tête affiche la définition de la colonne.", None, None)],
        [
            (
                "Un nom suit chaque code de territoire, d'indicateur et de domaine ; les listes sont "
                "écrites « a ; b ; c ».",
                None,
                None,
            )
        ],
        [
            (
                "Une cellule vide signifie une valeur non disponible ; la colonne « Secret statistique » "
                "dit quand la source la masque. Indices : 100 = la valeur de la France (pour une source "
                "partielle, celle des communes qu'elle couvre : colonne « Référence de l'indice »).",
                None,
                None,
            )
        ],
        [
            (
                "Les feuilles de territoires gardent les lignes de la région et de la France pour "
                "comparaison.",
                None,
                None,
            )
        ],
        [],
        [("Feuilles du classeur", None, "section")],
        [
            ("Groupe", None, "entete"),
            ("Feuille", None, "entete"),
            ("Contenu", None, "entete"),
            ("Lignes", None, "entete"),
        ],
    ]
    for titre, libelle in syntheses:
        lignes.append(
            [
                ("Synthèse", None, None),
                (titre, None, None, lien(titre)),
                (libelle, None, "enveloppe"),
                (None, None, None),
            ]
        )
    for groupe, titre, contenu, n in detail:
        lignes.append(
            [
                (groupe, None, None),
                (titre, None, None, lien(titre)),
                (contenu, None, "enveloppe"),
                (n, "entier", None),
            ]
        )
    if absentes:
        lignes += [
            [],
            [("Feuilles absentes", None, "section")],
            [("Feuille", None, "entete"), ("Pourquoi", None, "entete")],
        ]
        lignes += [[(titre, None, None), (raison, None, "enveloppe")] for titre, raison in absentes]
    lignes += [
        [],
        [("Sources", None, "section")],
        [("Utilisées pour", None, "entete"), ("Producteur et jeu de données", None, "entete")],
    ]
    lignes += [[(usage, None, None), (source, None, "enveloppe")] for usage, source in sources]
    return lignes
