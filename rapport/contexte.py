"""Gather, from the marts, everything the report and the committee sheets of one département show.

:func:`contexte_departement` returns plain Python structures (lists of dicts, numbers, SVG
markup) that the jinja2 templates render; no value is computed here that a mart does not hold,
except presentation (sorting, French formatting, plain-French findings from stored figures).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingest.vocabulaires import seed_rows
from rapport import cartes
from rapport.comparaison import completer as completer_comparaison
from rapport.donnees import colonnes, exige_marts, lire, liste_marts
from rapport.suivi import suivi_departement

__all__ = [
    "MARTS_REQUIS",
    "contexte_departement",
    "enregistrements",
    "valeur_affichee",
    "constats_axe",
]

MARTS_REQUIS = [
    "territoires",
    "indicateurs",
    "besoins",
    "axes_domaines",
    "indicateurs_catalogue",
    "offre",
    "accessibilite",
    "ecarts",
    "passages",
    "parole",
    "acteurs",
    "liens_manquants",
    "faiblesse_coordination",
    "priorites",
    "pistes",
    "pistes_acteurs",
    "pistes_preuves",
    "priorites_couverture",
    "revue_documents",
    "revue_actions",
]


def _propre(valeur: Any) -> Any:
    if valeur is None:
        return None
    if isinstance(valeur, float) and math.isnan(valeur):
        return None
    if valeur is pd.NA or valeur is pd.NaT:
        return None
    if hasattr(valeur, "item") and not isinstance(valeur, str | bytes):
        try:
            return valeur.item()
        except (ValueError, AttributeError):
            return valeur
    return valeur


def enregistrements(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts with NaN/NA turned into ``None``.

    Examples
    --------
    >>> enregistrements(pd.DataFrame({"a": [1.0, float("nan")]}))
    [{'a': 1.0}, {'a': None}]
    """
    return [{k: _propre(v) for k, v in row.items()} for row in frame.to_dict("records")]


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


def _chargements(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    tables = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    if "_chargements" not in tables:
        return []
    frame = lire(
        con,
        """
        select table_name, source_file, vintage, mode, stale, rows_loaded, rows_quarantined, loaded_at,
               coalesce(starts_with(message, 'livraison refusée'), false) as livraison_refusee
        from raw._chargements
        qualify row_number() over (partition by table_name order by loaded_at desc) = 1
        order by table_name""",
    )
    frame["loaded_at"] = frame["loaded_at"].map(lambda d: d.strftime("%d/%m/%Y %H:%M") if pd.notna(d) else "")
    frame["fichier"] = frame["source_file"].map(
        lambda s: "; ".join(Path(p).name for p in str(s).split(";")) if s else ""
    )
    return enregistrements(frame)


def _sources(con: duckdb.DuckDBPyConnection, chargements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sources of the diagnostic as people name them (seed ``sources_donnees``: publisher and
    dataset), one row per dataset, grouped by part of the diagnostic, with the rows loaded.

    A loaded table the seed does not name is listed under « Autres sources » with the reader's own
    description of its vintage, never under its table name."""
    noms: dict[str, dict[str, Any]] = {}
    if "sources_donnees" in liste_marts(con):
        noms = {
            r["table_brute"]: r for r in enregistrements(lire(con, "select * from marts.sources_donnees"))
        }
    groupes: dict[tuple[str, str, str], dict[str, Any]] = {}
    for c in chargements:
        nom = noms.get(c["table_name"])
        cle = (
            (nom["theme"], nom["producteur"], nom["jeu_de_donnees"])
            if nom
            else ("Autres sources", "–", str(c.get("vintage") or "source non décrite"))
        )
        g = groupes.setdefault(
            cle,
            {
                "theme": cle[0],
                "producteur": cle[1],
                "jeu_de_donnees": cle[2],
                "lignes": 0,
                "rejets": 0,
                "charge_le": "",
                "ancienne_copie": False,
                "livraison_refusee": False,
            },
        )
        g["lignes"] += int(c.get("rows_loaded") or 0)
        g["rejets"] += int(c.get("rows_quarantined") or 0)
        g["ancienne_copie"] = g["ancienne_copie"] or bool(c.get("stale"))
        # stale because its last delivery was refused (ingest.livraison.REFUSED_MARK), not a live fallback
        g["livraison_refusee"] = g["livraison_refusee"] or bool(c.get("livraison_refusee"))
        date = str(c.get("loaded_at") or "")[:10]
        g["charge_le"] = max(g["charge_le"], date, key=lambda d: d[6:10] + d[3:5] + d[0:2])
    ordre = ["Besoins", "Offre", "Acteurs et dispositifs", "Documents et entretiens", "Territoires"]
    return sorted(
        groupes.values(),
        key=lambda g: (
            ordre.index(g["theme"]) if g["theme"] in ordre else len(ordre),
            g["producteur"],
            g["jeu_de_donnees"],
        ),
    )


def _niveaux(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Territorial level code → its names (seed ``vocabulaire_niveaux``); empty when absent."""
    if "vocabulaire_niveaux" not in liste_marts(con):
        return {}
    return {r["niveau"]: r for r in enregistrements(lire(con, "select * from marts.vocabulaire_niveaux"))}


def _sources_offre(con: duckdb.DuckDBPyConnection, code: str) -> str:
    """The offer lists the département's structures come from, by their names (seed
    ``offre_sources``), e.g. « Agences France Travail, Missions locales, Structures de l'IAE »."""
    if "offre_sources" not in liste_marts(con) or "tables_sources" not in colonnes(con, "structures"):
        return "catalogue de l'offre"
    rows = con.execute(
        """
        with t as (select distinct unnest(tables_sources) as table_source from marts.structures
                   where code_departement = ?)
        select s.libelle from t inner join marts.offre_sources as s using (table_source)
        order by s.priorite""",
        [code],
    ).fetchall()
    return ", ".join(r[0] for r in rows) or "catalogue de l'offre"


def _sources_besoins(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, str]:
    """Per domain, the sources (catalogue ``source`` column) of the indicators in its communes' need index."""
    if "besoins_composantes" not in liste_marts(con):
        return {}
    rows = con.execute(
        """
        select distinct b.code_domaine, c.source
        from marts.besoins_composantes as b
        inner join marts.indicateurs_catalogue as c using (code_indicateur)
        where b.code_departement = ? and b.niveau = 'commune' and c.source is not null
        order by 1, 2""",
        [code],
    ).fetchall()
    # a catalogue source may list several (« France Travail 2025 ; population légale 2023 »): each once
    par_domaine: dict[str, list[str]] = {}
    for domaine, source in rows:
        morceaux = par_domaine.setdefault(domaine, [])
        for morceau in str(source).split(" ; "):
            if morceau.strip() and morceau.strip() not in morceaux:
                morceaux.append(morceau.strip())
    return {d: " ; ".join(m) for d, m in par_domaine.items()}


TYPOLOGIES = {
    "grille_densite": ("Grille communale de densité", "anct_grille_densite"),
    "grille_ruralite": ("Typologie des campagnes et des ruralités", "anct_grille_ruralite"),
    "grille_centralite": ("Niveaux de centralité", "anct_grille_centralite"),
}


def _avec_niveaux(lignes: list[dict[str, Any]], niveaux: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Rows with ``libelle_niveau`` (« EPT », « département ») beside their ``niveau`` code."""
    for ligne in lignes:
        n = ligne.get("niveau")
        ligne["libelle_niveau"] = niveaux[n]["libelle_court"] if n in niveaux else (n or "")
        ligne["nom_niveau"] = niveaux[n]["libelle"] if n in niveaux else (n or "")
    return lignes


STATUTS_AVANCEMENT = {
    "prevu": "prévu",
    "en_cours": "en cours",
    "realise": "réalisé",
    "abandonne": "abandonné",
}

TYPES_PREUVES = {
    "indicateur": "Indicateur",
    "ecart": "Écart entre besoin et offre",
    "lien_manquant": "Lien attendu absent",
    "passage": "Extrait de document",
    "parole": "Parole recueillie",
}

ROLES_ACTEURS = {
    "pilote_dispositif": "pilote d'un dispositif lié",
    "operateur": "opérateur présent",
    "partenaire_manquant": "partenaire attendu absent",
}


def _preuves(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The leads' evidence with, instead of the mart keys, where a person finds it: the indicator's
    source and year, the document's title and page, the kind of testimony."""
    documents = "documents" in liste_marts(con)
    genre_parole = [f"pa.{c}" for c in ("modalite", "type_parole") if c in colonnes(con, "parole")]
    titre = "coalesce(d.titre, d.nom_fichier)" if documents else "null"
    jointure_doc = "left join marts.documents as d on d.id_document = ps.id_document" if documents else ""
    return lire(
        con,
        f"""
        select p.*,
            case p.type_preuve
                when 'indicateur' then c.source || coalesce(', ' || p.annee, '')
                when 'ecart' then 'indice de besoin et offre recensée du domaine'
                when 'lien_manquant' then 'graphe de coordination des acteurs'
                when 'passage' then {titre} || coalesce(', p. ' || ps.page, '')
                when 'parole' then coalesce({", ".join([*genre_parole, "'entretien ou questionnaire'"])})
            end as origine
        from marts.pistes_preuves as p
        left join marts.indicateurs_catalogue as c on p.type_preuve = 'indicateur'
            and c.code_indicateur = p.code_indicateur
        left join marts.passages as ps on p.type_preuve = 'passage' and ps.id_passage = p.id_passage
        {jointure_doc}
        left join marts.parole as pa on p.type_preuve = 'parole' and pa.id_parole = p.id_parole
        where p.code_departement = ?
        order by p.id_piste,
            list_position(['indicateur', 'ecart', 'lien_manquant', 'passage', 'parole'], p.type_preuve),
            p.ordre""",
        [code],
    )


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


def _indicateurs(con, code: str) -> pd.DataFrame:
    return lire(
        con,
        """
        with derniers as (
            select i.*, row_number() over (
                partition by i.niveau, i.code_territoire, i.code_indicateur order by i.annee desc) as r
            from marts.indicateurs as i
            where (i.niveau = 'departement' and i.code_territoire = ?)
               or (i.niveau = 'commune' and i.code_departement = ?)
               or (i.niveau, i.code_territoire) in (
                    select (niveau, code_territoire) from marts.priorites
                    where code_departement = ? and echelle = 'infra')
        )
        select d.*, c.libelle as libelle_indicateur, c.code_domaine, c.code_axe, c.source, c.unite, c.sens,
            c.millesime
        from derniers as d
        left join marts.indicateurs_catalogue as c using (code_indicateur)
        where d.r = 1
        order by c.code_axe nulls first, c.code_domaine nulls first, d.code_indicateur""",
        [code, code, code],
    )


# COG codes of the overseas collectivities (COM): Saint-Pierre-et-Miquelon, Saint-Barthélemy,
# Saint-Martin, TAAF, Wallis-et-Futuna, Polynésie française, Nouvelle-Calédonie, Clipperton
COLLECTIVITES_OUTRE_MER = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})

# the density grid's levels by nature (seed grille_densite_niveaux)
URBAIN = {r["niveau"] for r in seed_rows("grille_densite_niveaux") if r["nature"] == "urbain"}
RURAL = {r["niveau"] for r in seed_rows("grille_densite_niveaux") if r["nature"] == "rural"}
TYPES_ZONES = [
    "urbain, avec QPV",
    "urbain, sans QPV",
    "rural, avec QPV",
    "rural, sans QPV",
    "densité inconnue",
]


def type_zone(grille_densite: str | None, est_qpv: bool | None) -> str:
    """Typology of a commune from the INSEE density grid and its QPV.

    Examples
    --------
    >>> type_zone("Grands centres urbains", True), type_zone("Bourgs ruraux", False), type_zone(None, True)
    ('urbain, avec QPV', 'rural, sans QPV', 'densité inconnue')
    """
    grille = (grille_densite or "").strip()
    if grille in URBAIN:
        nature = "urbain"
    elif grille in RURAL:
        nature = "rural"
    else:
        return "densité inconnue"
    avec = _propre(est_qpv) is not None and bool(_propre(est_qpv))
    return f"{nature}, {'avec' if avec else 'sans'} QPV"


def _gouvernance(con: duckdb.DuckDBPyConnection, code: str) -> list[dict[str, Any]]:
    """The département's dispositifs (graph nodes) with their pilots and partner coverage."""
    cols = set(colonnes(con, "acteurs"))
    periode = "d.periode" if "periode" in cols else "null"
    historique = "coalesce(d.historique, false)" if "historique" in cols else "false"
    taux = (
        "(select avg(c.taux_couverture_dispositif) from marts.coordination_dispositifs as c "
        "where c.id_dispositif = d.id_noeud and c.code_departement = d.code_departement)"
        if "coordination_dispositifs" in liste_marts(con)
        and "taux_couverture_dispositif" in set(colonnes(con, "coordination_dispositifs"))
        else "null"
    )
    return enregistrements(
        lire(
            con,
            f"""
        with locales as (
            select code_dispositif, count(*) as nb_instances_locales from marts.acteurs
            where code_departement = ? and type_noeud = 'dispositif' and niveau <> 'departement'
            group by 1
        )
        select d.libelle, d.code_dispositif, {periode} as periode, {historique} as historique,
            string_agg(distinct a.libelle, ', ' order by a.libelle) as pilotes,
            {taux} as taux_couverture, any_value(lo.nb_instances_locales) as nb_instances_locales
        from marts.acteurs as d
        left join marts.liens as l
            on l.cible = d.id_noeud and l.type_lien = 'pilote' and l.code_departement = d.code_departement
        left join marts.acteurs as a on a.id_noeud = l.source and a.code_departement = d.code_departement
        left join locales as lo on lo.code_dispositif = d.code_dispositif
        where d.code_departement = ? and d.type_noeud = 'dispositif' and d.niveau = 'departement'
        group by d.id_noeud, d.code_departement, d.libelle, d.code_dispositif, {periode}, {historique}
        order by historique, d.libelle""",
            [code, code],
        )
    )


DISPOSITIFS_REVUE = ("CALPAE", "SPIE", "STRATEGIE_PAUVRETE")


def _revue_actions(
    con: duckdb.DuckDBPyConnection, code: str, passages: pd.DataFrame
) -> dict[str, list[dict[str, Any]]]:
    """What the documents the review reads say about the CALPAE/SPIE actions.

    Only the documents marts.revue_documents keeps (relevant kinds, local documents): their
    passages; their statements of progress with the status in words (marts.revue_actions), those
    about the CALPAE, the SPIE or the poverty strategy first; their passages citing those
    dispositifs. The documents set aside are listed with the reason.
    """
    documents = lire(
        con,
        "select * from marts.revue_documents where code_departement = ? "
        "order by revu desc, titre, id_document",
        [code],
    )
    rapports, ecartes = [], []
    for doc in enregistrements(documents):
        if doc["revu"]:
            extraits = passages[passages["id_document"] == doc["id_document"]].head(8)
            rapports.append({**doc, "passages": enregistrements(extraits)})
        else:
            ecartes.append(doc)
    codes = ", ".join(f"'{c}'" for c in DISPOSITIFS_REVUE)
    avancements = enregistrements(
        lire(
            con,
            f"""
        select objet_libelle, objet_code, statut_avancement, libelle_statut, annee, texte_trouve, page,
            titre_document, nom_fichier, id_passage
        from marts.revue_actions
        where code_departement = ?
        order by (upper(coalesce(objet_code, '')) in ({codes})) desc, annee nulls last, ordre_statut,
            id_mention
        limit 40""",
            [code],
        )
    )
    citations = enregistrements(
        lire(
            con,
            f"""
        select distinct p.id_passage, p.texte, p.page, d.titre as titre_document, d.nom_fichier,
            m.code_entite as code_dispositif
        from marts.mentions as m
        inner join marts.passages as p using (id_passage)
        inner join marts.revue_documents as d on d.id_document = p.id_document and d.revu
        where m.code_departement = ? and m.type_entite = 'dispositif' and upper(m.code_entite) in ({codes})
        order by code_dispositif, p.id_passage
        limit 20""",
            [code],
        )
    )
    return {"documents": rapports, "ecartes": ecartes, "avancements": avancements, "passages": citations}


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


def _entre_parentheses(annees: str | None) -> str:
    """« , 2020-2025 » → « (2020-2025) »; nothing when absent."""
    return f" ({annees.lstrip(', ')})" if annees else ""


def _annees_composantes(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, str]:
    """Per domain, the years of the indicators behind the communes' need index (« , 2020-2025 »)."""
    if "besoins_composantes" not in liste_marts(con):
        return {}
    rows = con.execute(
        "select code_domaine, min(annee), max(annee) from marts.besoins_composantes "
        "where code_departement = ? and niveau = 'commune' group by 1",
        [code],
    ).fetchall()
    return {d: (f", {a}" if a == b else f", {a}-{b}") for d, a, b in rows if a is not None}


def _domaine_le_mieux_mesure(besoins_communes: pd.DataFrame, codes_domaines: list[str]) -> str:
    """The domain of ``codes_domaines`` with the most communes having a need index (first on ties)."""
    comptes = (
        besoins_communes[besoins_communes["indice_besoin"].notna()].groupby("code_domaine").size().to_dict()
    )
    return max(codes_domaines, key=lambda d: (comptes.get(d, 0), -codes_domaines.index(d)))


def tableau_croise(
    lignes: pd.DataFrame, territoires: list[dict[str, Any]], libelles_domaines: dict[str, str], colonne: str
) -> list[dict[str, Any]]:
    """One row per domain, one value of ``colonne`` per territory of ``territoires`` (in that order).

    Examples
    --------
    >>> t = [{"niveau": "ept", "code_territoire": "1"}]
    >>> tableau_croise(pd.DataFrame({"niveau": ["ept"], "code_territoire": ["1"], "code_domaine": ["d"],
    ...                              "score": [0.5]}), t, {"d": "D"}, "score")
    [{'code_domaine': 'd', 'libelle_domaine': 'D', 'valeurs': [0.5]}]
    """
    index = {
        (r["niveau"], r["code_territoire"], r["code_domaine"]): _propre(r[colonne])
        for r in lignes.to_dict("records")
    }
    lignes_sortie = []
    for code, libelle in libelles_domaines.items():
        valeurs = [index.get((t["niveau"], t["code_territoire"], code)) for t in territoires]
        if any(v is not None for v in valeurs):
            lignes_sortie.append({"code_domaine": code, "libelle_domaine": libelle, "valeurs": valeurs})
    return lignes_sortie


def _carte(
    communes,
    frame: pd.DataFrame,
    colonne: str,
    titre: str,
    source: str,
    unite: str,
    secret_col: str | None = None,
    inverser: bool = False,
    decimales: int = 1,
    **style: Any,
):
    """The choropleth map of ``colonne`` by commune, or None when there is nothing to draw: no
    geometry, or not one commune with a value or under secrecy (a map of blank communes says
    nothing; the report names it as not drawn instead)."""
    if not communes or frame.empty:
        return None
    valeurs = {r["code_territoire"]: _propre(r[colonne]) for r in frame.to_dict("records")}
    secrets = set()
    if secret_col and secret_col in frame:
        secrets = {r["code_territoire"] for r in frame.to_dict("records") if r.get(secret_col) is True}
    if not secrets and all(v is None for v in valeurs.values()):
        return None
    return cartes.carte_choroplethe(
        communes,
        valeurs,
        titre=titre,
        source=source,
        unite=unite,
        secrets=secrets,
        inverser=inverser,
        decimales=decimales,
        **style,
    )


def _ranger(carte, titre: str, tracees: list, non_tracees: list[str], communes_geo) -> None:
    """Keep a drawn map, or the title of a map left out for want of any commune value."""
    if carte is not None:
        tracees.append(carte)
    elif communes_geo:
        non_tracees.append(titre)


def contexte_departement(
    con: duckdb.DuckDBPyConnection,
    code: str,
    geo_dir: Path,
    ponderations: dict[str, Any] | None = None,
    aujourd_hui: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the report of département ``code`` shows, read from the marts.

    ``aujourd_hui``: the date against which the comité's deadlines are overdue (default: today).

    Raises :class:`rapport.donnees.MartManquant` when a required mart is absent, and
    ``ValueError`` when the département has no priority line (its graph was not built).
    """
    exige_marts(con, MARTS_REQUIS)
    presents = set(liste_marts(con))
    dep = enregistrements(
        lire(
            con,
            """
        select d.code_territoire as code, d.libelle, d.population, d.annee_population, d.code_region,
            r.libelle as libelle_region
        from marts.territoires as d
        left join marts.territoires as r on r.niveau = 'region' and r.code_territoire = d.code_region
        where d.niveau = 'departement' and d.code_territoire = ?""",
            [code],
        )
    )
    if not dep:
        raise ValueError(f"département {code} is not in marts.territoires")
    dep = dep[0]
    # overseas collectivities (COM) are no région: marts.territoires files each under a région
    # of its own code so that the references resolve, but the report does not call it a région
    dep["collectivite_outre_mer"] = code in COLLECTIVITES_OUTRE_MER
    priorites = lire(
        con,
        "select * from marts.priorites where code_departement = ? "
        "order by code_axe, echelle desc, rang_axe nulls last, code_domaine",
        [code],
    )
    if priorites.empty:
        raise ValueError(f"marts.priorites has no line for département {code}: was its graph built?")

    axes_frame = lire(con, "select * from marts.axes_domaines order by code_axe, code_domaine")
    couverture = lire(
        con,
        "select * from marts.priorites_couverture where code_departement = ? order by code_axe, code_domaine",
        [code],
    )
    communes_frame = lire(
        con,
        "select * from marts.territoires where niveau = 'commune' "
        "and code_departement = ? order by code_territoire",
        [code],
    )
    infra = lire(
        con,
        """
        select distinct niveau, code_territoire, libelle_territoire as libelle, population
        from marts.priorites where code_departement = ? and echelle = 'infra'
        order by libelle""",
        [code],
    )
    indicateurs = _indicateurs(con, code)
    ind_dep = indicateurs[(indicateurs["niveau"] == "departement")]
    ind_infra = indicateurs[indicateurs["niveau"].isin(["epci", "ept"])]
    ind_communes = indicateurs[indicateurs["niveau"] == "commune"]

    try:
        communes_geo = cartes.communes_departement(geo_dir, code)
        geo_erreur = None
    except FileNotFoundError as exc:
        communes_geo, geo_erreur = [], str(exc)
    # the maps name the most populated communes
    communes_geo = cartes.avec_populations(
        communes_geo,
        {r["code_territoire"]: _propre(r.get("population")) for r in communes_frame.to_dict("records")},
    )
    if not communes_geo and geo_erreur is None:
        geo_erreur = f"le fond de carte ({geo_dir}) ne contient aucune commune du territoire {code}"

    besoins_communes = lire(
        con, "select * from marts.besoins where niveau = 'commune' and code_departement = ?", [code]
    )
    ecarts_all = lire(con, "select * from marts.ecarts where code_departement = ?", [code])
    acces = lire(con, "select * from marts.accessibilite where code_departement = ?", [code])
    offre = lire(
        con,
        "select * from marts.offre where (niveau, code_territoire) in (select (niveau, code_territoire) "
        "from marts.priorites where code_departement = ?)",
        [code],
    )
    pistes = lire(
        con, "select * from marts.pistes where code_departement = ? order by code_axe, rang_axe", [code]
    )
    pistes_acteurs = lire(
        con,
        "select * from marts.pistes_acteurs where code_departement = ? order by id_piste, "
        "list_position(['pilote_dispositif', 'operateur', 'partenaire_manquant'], role), ordre",
        [code],
    )
    pistes_preuves = _preuves(con, code)
    liens_manquants = lire(con, "select * from marts.liens_manquants where code_departement = ?", [code])
    parole = lire(con, "select * from marts.parole where code_departement = ?", [code])
    passages = lire(con, "select * from marts.passages where code_departement = ?", [code])
    documents = (
        lire(con, "select * from marts.documents where code_departement = ?", [code])
        if "documents" in presents
        else pd.DataFrame()
    )
    acteurs = lire(con, "select * from marts.acteurs where code_departement = ?", [code])
    faiblesse = lire(con, "select * from marts.faiblesse_coordination where code_departement = ?", [code])

    colonnes_territoires = [
        {"niveau": "departement", "code_territoire": code, "libelle": dep["libelle"]},
        *(
            {"niveau": t["niveau"], "code_territoire": t["code_territoire"], "libelle": t["libelle"]}
            for t in enregistrements(infra)
        ),
    ]
    gouvernance = _gouvernance(con, code)
    millesimes = _chargements(con)
    chargement_offre = max(
        (c["loaded_at"] for c in millesimes if c["table_name"].startswith("offre_") and c.get("loaded_at")),
        default=None,
        key=lambda d: d[6:10] + d[3:5] + d[0:2] + d[11:],
    )
    catalogue_offre = (
        f"catalogue de l'offre chargé le {chargement_offre[:10]}"
        if chargement_offre
        else ("catalogue de l'offre")
    )
    annees_besoins = _annees_composantes(con, code)
    sources_besoins = _sources_besoins(con, code)
    sources_offre = _sources_offre(con, code)
    niveaux = _niveaux(con)

    axes: list[dict[str, Any]] = []
    for code_axe, groupe in axes_frame.groupby("code_axe", sort=True):
        domaines = enregistrements(groupe)
        codes_domaines = [d["code_domaine"] for d in domaines]
        lignes_dep = enregistrements(
            priorites[(priorites["code_axe"] == code_axe) & (priorites["echelle"] == "departement")]
        )
        lignes_infra = enregistrements(
            priorites[(priorites["code_axe"] == code_axe) & (priorites["echelle"] == "infra")]
        )
        classees = sorted(
            (x for x in lignes_infra + lignes_dep if x["rang_axe"] is not None and x["echelle"] == "infra"),
            key=lambda x: x["rang_axe"],
        )
        classees_dep = sorted(
            (x for x in lignes_dep if x["rang_axe"] is not None), key=lambda x: x["rang_axe"]
        )
        if classees or classees_dep:
            domaine_carte = (classees or classees_dep)[0]["code_domaine"]
            motif_carte = "première priorité de l'axe"
        else:
            domaine_carte = _domaine_le_mieux_mesure(besoins_communes, codes_domaines)
            mesure = besoins_communes[
                (besoins_communes["code_domaine"] == domaine_carte)
                & besoins_communes["indice_besoin"].notna()
            ]
            motif_carte = (
                "aucune priorité classée sur l'axe : domaine dont l'indice de besoin est connu "
                "dans le plus de communes"
                if not mesure.empty
                else "aucune priorité classée ni indice de besoin communal sur l'axe : "
                "premier domaine de l'axe"
            )
        libelle_domaine_carte = next(
            d["libelle_domaine"] for d in domaines if d["code_domaine"] == domaine_carte
        )
        cartes_axe, cartes_non_tracees = [], []
        bc = besoins_communes[besoins_communes["code_domaine"] == domaine_carte]
        titre = f"Indice de besoin – {libelle_domaine_carte} (100 = France)"
        carte = _carte(
            communes_geo,
            bc,
            "indice_besoin",
            titre,
            "Source : indice de besoin calculé à partir de "
            + (sources_besoins.get(domaine_carte) or "indicateurs du catalogue")
            + f"{annees_besoins.get(domaine_carte, '')} ; fond de carte IGN, ADMIN EXPRESS, COG 2026",
            "",
            decimales=0,
            centre=100,
            libelle_centre="100 = valeur de la France",
        )
        _ranger(carte, titre, cartes_axe, cartes_non_tracees, communes_geo)
        ec = ecarts_all[(ecarts_all["niveau"] == "commune") & (ecarts_all["code_domaine"] == domaine_carte)]
        titre = f"Écart besoin / offre – {libelle_domaine_carte}"
        carte = _carte(
            communes_geo,
            ec,
            "ecart",
            titre,
            "Source : indice de besoin"
            f"{_entre_parentheses(annees_besoins.get(domaine_carte))} moins "
            f"indice d'offre ({catalogue_offre} : {sources_offre}) ; "
            "fond de carte IGN, ADMIN EXPRESS, COG 2026",
            "",
            centre=0,
            libelle_centre="0 = besoin et offre au même niveau",
        )
        _ranger(carte, titre, cartes_axe, cartes_non_tracees, communes_geo)
        ac = acces[acces["code_domaine"] == domaine_carte].rename(columns={"code_commune": "code_territoire"})
        titre = f"Distance au service le plus proche – {libelle_domaine_carte}"
        carte = _carte(
            communes_geo,
            ac,
            "distance_km",
            titre,
            "Source : distances à vol d'oiseau au service le plus proche "
            f"({catalogue_offre} : {sources_offre}) ; "
            "fond de carte IGN, ADMIN EXPRESS, COG 2026",
            "km",
        )
        _ranger(carte, titre, cartes_axe, cartes_non_tracees, communes_geo)

        ind_axe = ind_dep[ind_dep["code_axe"] == code_axe]
        offre_axe = offre[offre["code_domaine"].isin(codes_domaines)]
        zones = ecarts_all[
            (ecarts_all["niveau"] == "commune")
            & ecarts_all["code_domaine"].isin(codes_domaines)
            & ecarts_all["zone_blanche"].fillna(False).astype(bool)
        ]
        if "libelle" not in zones:
            zones = zones.merge(
                communes_frame[["code_territoire", "libelle"]], on="code_territoire", how="left"
            )
        lm_axe = (
            liens_manquants[liens_manquants["code_domaine"].isin(codes_domaines)]
            if "code_domaine" in liens_manquants
            else liens_manquants.iloc[0:0]
        )
        parole_axe = (
            parole[parole["code_domaine"].isin(codes_domaines) | (parole.get("code_axe") == code_axe)]
            if "code_domaine" in parole
            else parole.iloc[0:0]
        )
        faib_axe = faiblesse[faiblesse["code_domaine"].isin(codes_domaines)]
        axes.append(
            {
                "code": code_axe,
                "libelle": domaines[0]["libelle_axe"],
                "domaines": domaines,
                "lignes_departement": lignes_dep,
                "lignes_infra": lignes_infra,
                # the EPT/EPCI ranking and the département's own ranking: two lists, never merged
                "classees": classees,
                "classees_departement": classees_dep,
                "non_classees_infra": non_classees(lignes_infra),
                "non_classees_departement": non_classees(lignes_dep),
                "couverture": enregistrements(couverture[couverture["code_axe"] == code_axe]),
                "constats": constats_axe(lignes_dep),
                "constats_classes": constats_classes(
                    enregistrements(ind_axe),
                    lignes_dep,
                    enregistrements(zones),
                    len(lm_axe),
                ),
                "donnees_manquantes": donnees_manquantes(lignes_infra + lignes_dep),
                "classees_infra": classees,
                "domaine_carte": libelle_domaine_carte,
                "motif_carte": motif_carte,
                "cartes": cartes_axe,
                "cartes_non_tracees": cartes_non_tracees,
                "indicateurs": enregistrements(ind_axe),
                "indicateurs_infra": enregistrements(ind_infra[ind_infra["code_axe"] == code_axe]),
                "offre": _avec_niveaux(
                    enregistrements(offre_axe.sort_values(["code_domaine", "niveau", "code_territoire"])),
                    niveaux,
                ),
                "zones_blanches": enregistrements(zones.sort_values(["code_domaine", "code_territoire"])),
                "liens_manquants": enregistrements(lm_axe.head(30)),
                "nb_liens_manquants": len(lm_axe),
                "parole": enregistrements(parole_axe.head(12)),
                "faiblesse": tableau_croise(
                    faib_axe,
                    colonnes_territoires,
                    {d["code_domaine"]: d["libelle_domaine"] for d in domaines},
                    "score",
                ),
                "pistes": enregistrements(pistes[pistes["code_axe"] == code_axe]),
            }
        )

    fiches = []
    for piste in enregistrements(pistes):
        pid = piste["id_piste"]
        fiches.append(
            {
                **piste,
                "acteurs": enregistrements(pistes_acteurs[pistes_acteurs["id_piste"] == pid]),
                "preuves": [
                    {**p, "libelle_type": TYPES_PREUVES.get(p["type_preuve"], p["type_preuve"])}
                    for p in enregistrements(pistes_preuves[pistes_preuves["id_piste"] == pid])
                ],
            }
        )
    fiches = _avec_niveaux(fiches, niveaux)
    for f in fiches:
        for a in f["acteurs"]:
            a["libelle_role"] = ROLES_ACTEURS.get(a.get("role"), (a.get("role") or "").replace("_", " "))

    communes_frame = communes_frame.assign(
        type_zone=[
            type_zone(d, q)
            for d, q in zip(
                communes_frame.get("grille_densite", pd.Series([None] * len(communes_frame))),
                communes_frame.get("est_qpv", pd.Series([None] * len(communes_frame))),
                strict=True,
            )
        ]
    )
    typologie = [
        {
            "grille": "Zones : urbain ou rural, avec ou sans quartier prioritaire",
            "source": "INSEE et ANCT, grille communale de densité ; ANCT, quartiers prioritaires 2024",
            "classes": enregistrements(
                communes_frame.groupby("type_zone")
                .agg(nb_communes=("code_territoire", "count"), population=("population", "sum"))
                .reindex([t for t in TYPES_ZONES if t in set(communes_frame["type_zone"])])
                .reset_index()
                .rename(columns={"type_zone": "classe"})
            ),
        }
    ]
    for colonne in ("grille_densite", "grille_ruralite", "grille_centralite"):
        if colonne in communes_frame:
            groupe = (
                communes_frame.assign(_c=communes_frame[colonne].fillna("non renseigné"))
                .groupby("_c", dropna=False)
                .agg(nb_communes=("code_territoire", "count"), population=("population", "sum"))
                .reset_index()
                .rename(columns={"_c": "classe"})
            )
            titre, table = TYPOLOGIES[colonne]
            source = next(
                (
                    f"{s['producteur']}, {s['jeu_de_donnees']}"
                    for s in _sources(con, [c for c in millesimes if c["table_name"] == table])
                ),
                None,
            )
            typologie.append({"grille": titre, "source": source, "classes": enregistrements(groupe)})
    qpv_col = "est_qpv" if "est_qpv" in communes_frame else None
    communes_qpv = int(communes_frame[qpv_col].fillna(False).astype(bool).sum()) if qpv_col else None

    revue = _revue_actions(con, code, passages)

    annexes = []
    for terr in enregistrements(infra):
        lignes = ind_infra[ind_infra["code_territoire"] == terr["code_territoire"]]
        annexes.append({**terr, "indicateurs": enregistrements(lignes)})
    annexes = _avec_niveaux(annexes, niveaux)

    repertoire = acteurs
    if "type_noeud" in acteurs:
        repertoire = acteurs[acteurs["type_noeud"] == "acteur"]
    noms_communes = dict(zip(communes_frame["code_territoire"], communes_frame["libelle"], strict=True))
    repertoire = [
        {
            **a,
            "libelle_commune": noms_communes.get(a.get("code_commune")),
            "libelle_type": a.get("libelle_type_acteur") or (a.get("type_acteur") or "").replace("_", " "),
        }
        for a in enregistrements(repertoire)
    ]
    repertoire.sort(key=lambda a: (str(a.get("libelle_type") or ""), str(a.get("libelle") or "")))

    carte_typologie = None
    if communes_geo:
        carte_typologie = cartes.carte_categories(
            communes_geo,
            {r["code_territoire"]: r["type_zone"] for r in enregistrements(communes_frame)},
            "Typologie des communes : urbain ou rural, avec ou sans quartier prioritaire",
            "Source : INSEE, grille de densité (ANCT 2025) ; ANCT, QPV 2024 ; géométrie IGN ADMIN EXPRESS, "
            "COG 2026",
            ordre=TYPES_ZONES,
        )

    contexte = {
        "departement": dep,
        "genere_le": dt.datetime.now().strftime("%d/%m/%Y à %H:%M"),
        "axes": axes,
        "priorites": enregistrements(priorites),
        "nb_insuffisantes": int((~priorites["donnees_suffisantes"].astype(bool)).sum()),
        "fiches": fiches,
        "chargements": millesimes,
        "gouvernance": gouvernance,
        "ponderations": ponderations,
        "ponderations_json": json.dumps(ponderations, ensure_ascii=False, indent=1) if ponderations else None,
        "communes": enregistrements(communes_frame),
        "nb_communes": len(communes_frame),
        "communes_qpv": communes_qpv,
        "territoires_infra": _avec_niveaux(enregistrements(infra), niveaux),
        "colonnes_territoires": colonnes_territoires,
        "typologie": typologie,
        "carte_typologie": carte_typologie,
        "indicateurs_departement": enregistrements(ind_dep),
        "indicateurs_communes": enregistrements(ind_communes),
        "revue": revue["documents"],
        "avancements": revue["avancements"],
        "passages_calpae_spie": revue["passages"],
        "documents_ecartes_revue": revue["ecartes"],
        "nb_documents": len(documents),
        "annexes": annexes,
        "repertoire": repertoire,
        "sources_offre": sources_offre,
        "statuts_avancement": STATUTS_AVANCEMENT,
        "sources": _sources(con, millesimes),
        "niveaux": niveaux,
        "geo_erreur": geo_erreur,
        # the comité's decisions and their progress (issue 17, rapport/suivi.py)
        "suivi": suivi_departement(con, code, aujourd_hui or dt.date.today()),
    }
    # the « Comparaison » part (peers, région, France, trends): its own module
    return completer_comparaison(con, code, contexte)
