"""Plain-French findings and classes from stored figures: what the report says of an axis, of a
domain that cannot be ranked, of a commune's zone. Presentation only: no value is computed here that
a mart does not hold. Split from rapport/contexte.py (issue 13).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import duckdb

from rapport import cartes
from rapport.lectures import _propre

__all__ = [
    "valeur_affichee",
    "constats_axe",
    "constats_classes",
    "donnees_manquantes",
    "non_classees",
    "type_zone",
    "natures_densite",
    "COLLECTIVITES_OUTRE_MER",
    "TYPES_ZONES",
]


def valeur_affichee(valeur: float | None, secret: bool | None, decimales: int = 1) -> str:
    """What the report prints for a figure: the French number, or « secret statistique ».

    Examples
    --------
    >>> valeur_affichee(28.44, False)
    '28,4'
    >>> valeur_affichee(None, True)
    'secret statistique'
    >>> valeur_affichee(None, False)
    'non disponible'
    """
    if secret:
        return "secret statistique"
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
        return "non disponible"
    return cartes.format_nombre(valeur, decimales)


def constats_axe(lignes_departement: list[dict[str, Any]]) -> list[str]:
    """Plain-French findings of one axis from the département's priority lines.

    Each finding restates stored figures (need index, supply index, coordination weakness);
    lines without enough data are named as such.

    Examples
    --------
    >>> constats_axe([{"libelle_domaine": "Santé", "indice_besoin": 150.0, "indice_offre": 60.0,
    ...   "faiblesse_coordination": 0.5, "donnees_suffisantes": True, "raison": None}])[0].split(" ; ")[1:]
    ['offre en dessous de la référence (indice 60)', 'coordination faible (0,50 sur 1).']
    """
    constats = []
    for ligne in lignes_departement:
        nom = ligne["libelle_domaine"]
        if not ligne.get("donnees_suffisantes"):
            constats.append(
                f"{nom} : données insuffisantes ({ligne.get('raison') or 'raison non précisée'})."
            )
            continue
        morceaux = []
        besoin = ligne.get("indice_besoin")
        if besoin is not None:
            rapport = besoin / 100
            if rapport >= 1.1:
                morceaux.append(
                    f"besoin {cartes.format_nombre(rapport)} fois la référence nationale "
                    f"(indice {cartes.format_nombre(besoin, 0)})"
                )
            elif rapport <= 0.9:
                morceaux.append(
                    f"besoin inférieur à la référence nationale (indice {cartes.format_nombre(besoin, 0)})"
                )
            else:
                morceaux.append(
                    f"besoin proche de la référence nationale (indice {cartes.format_nombre(besoin, 0)})"
                )
        offre = ligne.get("indice_offre")
        if offre is not None:
            position = "en dessous de" if offre < 90 else ("au-dessus de" if offre > 110 else "proche de")
            morceaux.append(f"offre {position} la référence (indice {cartes.format_nombre(offre, 0)})")
        faiblesse = ligne.get("faiblesse_coordination")
        if faiblesse is not None:
            niveau = "faible" if faiblesse >= 0.5 else ("à consolider" if faiblesse >= 0.25 else "établie")
            morceaux.append(f"coordination {niveau} ({cartes.format_nombre(faiblesse, 2)} sur 1)")
        constats.append(f"{nom} : " + " ; ".join(morceaux) + ".")
    return constats


def _rapport_a_la_france(ligne: dict[str, Any]) -> float | None:
    """Relative gap of a département indicator to France, signed so that > 0 is unfavourable."""
    valeur, france = ligne.get("valeur"), ligne.get("valeur_france")
    if ligne.get("secret") or valeur is None or france in (None, 0):
        return None
    ecart = valeur / france - 1
    sens = ligne.get("sens")
    if sens == "hausse_favorable":
        return -ecart
    if sens == "hausse_defavorable":
        return ecart
    return None


def _niveau_coordination(faiblesse: float) -> str:
    """« faible », « à consolider » or « établie », as :func:`constats_axe` says it."""
    return "faible" if faiblesse >= 0.5 else ("à consolider" if faiblesse >= 0.25 else "établie")


def constats_classes(
    indicateurs: list[dict[str, Any]],
    lignes_departement: list[dict[str, Any]],
    zones_blanches: list[dict[str, Any]],
    nb_liens_manquants: int,
    maximum: int = 6,
) -> list[str]:
    """The few findings of one axis, the most telling first, each with its figures.

    First the département's indicators furthest from France on the unfavourable side, then the
    need and supply indices of the domains that have them, then the communes with a strong need
    and no service within reach, then the missing expected links.

    Examples
    --------
    >>> print(*constats_classes([{"libelle_indicateur": "Taux de pauvreté", "valeur": 27.6,
    ...   "valeur_france": 14.4, "sens": "hausse_defavorable", "unite": "%", "annee": 2021, "secret": False}],
    ...   [], [], 0))
    Taux de pauvreté : 27,6\u202f% en 2021, contre 14,4\u202f% en France (1,9 fois la valeur nationale).
    """
    constats: list[tuple[float, str]] = []
    for ligne in indicateurs:
        rapport = _rapport_a_la_france(ligne)
        if rapport is None or rapport <= 0.05:
            continue
        unite = ligne.get("unite") or ""
        espace = "" if not unite else (" " if unite != "%" else " ")
        valeur = cartes.format_nombre(ligne["valeur"], 1) + espace + unite
        # a word unit (« pour 100 ménages ») is said once; a sign (« % ») after each figure
        france = cartes.format_nombre(ligne["valeur_france"], 1) + (espace + unite if unite == "%" else "")
        facteur = ligne["valeur"] / ligne["valeur_france"]
        comparaison = (
            f"{cartes.format_nombre(facteur, 1)} fois la valeur nationale"
            if facteur >= 1.25
            else (
                f"{cartes.format_nombre(100 * abs(facteur - 1), 0)} % de "
                + ("plus" if facteur > 1 else "moins")
                + " qu'en France"
            )
        )
        constats.append(
            (
                2 + rapport,
                f"{ligne.get('libelle_indicateur') or ligne.get('code_indicateur')} : {valeur} en "
                f"{ligne.get('annee')}, contre {france} en France ({comparaison}).",
            )
        )
    for ligne in lignes_departement:
        if not ligne.get("donnees_suffisantes"):
            continue
        besoin, offre = ligne.get("indice_besoin"), ligne.get("indice_offre")
        if besoin is None or offre is None:
            continue
        poids = max(0.0, (besoin - offre) / 100)
        constats.append(
            (
                1 + poids,
                f"{ligne['libelle_domaine']} : besoin à l'indice {cartes.format_nombre(besoin, 0)} et offre "
                f"à l'indice {cartes.format_nombre(offre, 0)} (100 = France)"
                + (
                    f", coordination {_niveau_coordination(ligne['faiblesse_coordination'])}"
                    if ligne.get("faiblesse_coordination") is not None
                    else ""
                )
                + ".",
            )
        )
    par_domaine: dict[str, int] = {}
    for z in zones_blanches:
        nom = z.get("libelle_domaine") or z.get("code_domaine")
        par_domaine[nom] = par_domaine.get(nom, 0) + 1
    for nom, n in sorted(par_domaine.items(), key=lambda x: -x[1]):
        constats.append(
            (
                1,
                f"{nom} : {n} commune{'s' if n > 1 else ''} à besoin fort sans service à portée "
                "(zone blanche).",
            )
        )
    if nb_liens_manquants:
        constats.append(
            (
                0.5,
                (
                    f"{cartes.format_nombre(nb_liens_manquants, 0)} liens attendus entre acteurs "
                    "des domaines "
                    "de l'axe ne sont pas observés"
                    if nb_liens_manquants > 1
                    else "1 lien attendu entre acteurs des domaines de l'axe n'est pas observé"
                )
                + " (détail dans la partie Coordination de l'axe).",
            )
        )
    constats.sort(key=lambda x: -x[0])
    return [texte for _, texte in constats[:maximum]]


def donnees_manquantes(lignes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The axis' domains that cannot be ranked, with what they lack (priority reasons), one entry
    per reason: ``[{"raison": ..., "domaines": [...]}]``.

    Examples
    --------
    >>> donnees_manquantes([
    ...   {"libelle_domaine": "Santé", "donnees_suffisantes": False, "raison": "offre non mesurée"},
    ...   {"libelle_domaine": "Formation", "donnees_suffisantes": False, "raison": "offre non mesurée"}])
    [{'raison': 'offre non mesurée', 'domaines': ['Formation', 'Santé']}]
    """
    par_raison: dict[str, set[str]] = {}
    for ligne in lignes:
        if ligne.get("donnees_suffisantes"):
            continue
        par_raison.setdefault(ligne.get("raison") or "raison non précisée", set()).add(
            ligne["libelle_domaine"]
        )
    return [{"raison": r, "domaines": sorted(d)} for r, d in sorted(par_raison.items())]


# COG codes of the overseas collectivities (COM): Saint-Pierre-et-Miquelon, Saint-Barthélemy,
# Saint-Martin, TAAF, Wallis-et-Futuna, Polynésie française, Nouvelle-Calédonie, Clipperton
COLLECTIVITES_OUTRE_MER = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})

TYPES_ZONES = [
    "urbain, avec QPV",
    "urbain, sans QPV",
    "rural, avec QPV",
    "rural, sans QPV",
    "densité inconnue",
]


def natures_densite(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each level of the density grid → its nature, ``urbain`` or ``rural`` (the seed
    ``grille_densite_niveaux`` as dbt loaded it into ``marts``)."""
    return dict(con.execute("select niveau, nature from marts.grille_densite_niveaux").fetchall())


def type_zone(grille_densite: str | None, est_qpv: bool | None, natures: Mapping[str, str]) -> str:
    """Typology of a commune from the INSEE density grid and its QPV; ``natures``: each level of the
    grid → ``urbain`` or ``rural`` (:func:`natures_densite`).

    Examples
    --------
    >>> natures = {"Grands centres urbains": "urbain", "Bourgs ruraux": "rural"}
    >>> type_zone("Grands centres urbains", True, natures), type_zone("Bourgs ruraux", False, natures)
    ('urbain, avec QPV', 'rural, sans QPV')
    >>> type_zone(None, True, natures), type_zone("Autre", True, natures)
    ('densité inconnue', 'densité inconnue')
    """
    nature = natures.get((grille_densite or "").strip())
    if nature not in ("urbain", "rural"):
        return "densité inconnue"
    avec = _propre(est_qpv) is not None and bool(_propre(est_qpv))
    return f"{nature}, {'avec' if avec else 'sans'} QPV"


def non_classees(lignes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The domains of which no line of ``lignes`` (one ranking level) is ranked, with the reasons.

    A domain ranked on one territory of the level is not listed, even if other territories of the
    same level lack data: the list says which domains the ranking of that level leaves out.

    Examples
    --------
    >>> non_classees([
    ...     {"code_domaine": "a", "libelle_domaine": "A", "rang_axe": 1, "raison": None},
    ...     {"code_domaine": "a", "libelle_domaine": "A", "rang_axe": None, "raison": "offre non mesurée"},
    ...     {"code_domaine": "b", "libelle_domaine": "B", "rang_axe": None, "raison": "offre non mesurée"}])
    [{'code_domaine': 'b', 'libelle_domaine': 'B', 'raisons': 'offre non mesurée'}]
    """
    classes = {x["code_domaine"] for x in lignes if x.get("rang_axe") is not None}
    sortie: dict[str, dict[str, Any]] = {}
    for x in lignes:
        if x["code_domaine"] in classes:
            continue
        ligne = sortie.setdefault(
            x["code_domaine"],
            {"code_domaine": x["code_domaine"], "libelle_domaine": x["libelle_domaine"], "raisons": []},
        )
        if x.get("raison") and x["raison"] not in ligne["raisons"]:
            ligne["raisons"].append(x["raison"])
    return [{**v, "raisons": " ; ".join(v["raisons"])} for v in sortie.values()]
