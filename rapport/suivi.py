"""Progress of the comité's decisions, for the « Suivi » section of the report and the fiches (issue 17).

Reads ``marts.suivi_decisions`` (history of the decisions workbooks, one row per decision and
version) and, for the latest decision of each priority, says in plain French what was decided, by
whom it is piloted, whether its deadline is past, and how the indicator the platform measures
moved between the decision (its value when the workbook was produced) and now (the present
diagnostic). The date of today is a parameter: no wall clock decides « en retard » in a test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from rapport.cartes import format_nombre

__all__ = ["evolution", "en_retard", "suivi_departement"]

_ARRETEES = {"ecartee"}  # a discarded priority has no deadline to keep


def _valeur(v: float | None, unite: str | None) -> str:
    texte = format_nombre(v, 1)
    return f"{texte} {unite}" if unite and unite not in ("nombre", "rapport") else texte


def evolution(
    avant: float | None,
    annee_avant: int | None,
    apres: float | None,
    annee_apres: int | None,
    unite: str | None = None,
    sens: str | None = None,
) -> str:
    """The change of the measured indicator, in plain French.

    >>> evolution(13.5, 2020, 12.25, 2022, "%", "hausse_defavorable")
    '13,5 % en 2020, 12,2 % en 2022 : en baisse de 1,2 point, une amélioration'
    >>> evolution(13.5, 2020, 13.5, 2020, "%")
    '13,5 % en 2020 ; pas de nouvelle valeur depuis la décision (sources non actualisées)'
    >>> evolution(None, None, 7.0, 2021)
    "valeur à la décision inconnue ; 7,0 en 2021 aujourd'hui"
    """
    if avant is None or pd.isna(avant):
        if apres is None or pd.isna(apres):
            return "indicateur non mesuré"
        return f"valeur à la décision inconnue ; {_valeur(apres, unite)} en {int(annee_apres)} aujourd'hui"
    debut = f"{_valeur(avant, unite)} en {int(annee_avant)}" if annee_avant else _valeur(avant, unite)
    if apres is None or pd.isna(apres):
        return f"{debut} ; plus de valeur mesurée aujourd'hui"
    if annee_apres is not None and annee_avant is not None and int(annee_apres) == int(annee_avant):
        if abs(apres - avant) < 1e-9:
            return f"{debut} ; pas de nouvelle valeur depuis la décision (sources non actualisées)"
    ecart = apres - avant
    fin = f"{_valeur(apres, unite)} en {int(annee_apres)}" if annee_apres else _valeur(apres, unite)
    if abs(ecart) < 0.05:
        return f"{debut}, {fin} : stable"
    mot = "point" if unite == "%" else ""
    quantite = format_nombre(abs(ecart), 1) + (f" {mot}" if mot else "")
    if unite == "%" and abs(ecart) >= 2:
        quantite += "s"
    texte = f"{debut}, {fin} : en {'hausse' if ecart > 0 else 'baisse'} de {quantite}"
    if sens in ("hausse_defavorable", "baisse_defavorable"):
        defavorable = (ecart > 0) == (sens == "hausse_defavorable")
        texte += ", une dégradation" if defavorable else ", une amélioration"
    return texte


def en_retard(echeance: dt.date | None, decision: str | None, aujourd_hui: dt.date) -> bool:
    """A deadline is overdue when it is past and the priority was not discarded.

    >>> jour = dt.date(2026, 3, 1)
    >>> en_retard(dt.date(2026, 1, 31), "retenue", jour), en_retard(None, "retenue", jour)
    (True, False)
    """
    if echeance is None or pd.isna(echeance) or decision in _ARRETEES:
        return False
    return pd.Timestamp(echeance).date() < aujourd_hui


def _date(v: Any) -> str | None:
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).strftime("%d/%m/%Y")


def suivi_departement(con: duckdb.DuckDBPyConnection, code: str, aujourd_hui: dt.date) -> dict[str, Any]:
    """The latest decision of each priority with its progress, and the versions deposited."""
    present = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' "
        "and table_name = 'suivi_decisions'"
    ).fetchone()[0]
    vide = {
        "decisions": [],
        "nb_versions": 0,
        "nb_en_retard": 0,
        "date": aujourd_hui.strftime("%d/%m/%Y"),
        "versions": [],
    }
    if not present:
        return vide
    frame = con.execute(
        "select * from marts.suivi_decisions where code_departement = ? "
        "order by code_axe, libelle_domaine, libelle_territoire, numero_version",
        [code],
    ).df()
    if not len(frame):
        return vide
    frame = frame.astype(object).where(frame.notna(), None)
    versions = (
        frame.groupby("numero_version")
        .agg(
            date_comite=("date_comite", "first"),
            auteur_role=("auteur_role", "first"),
            nb=("id_priorite", "count"),
        )
        .reset_index()
        .sort_values("numero_version")
    )
    decisions = []
    for ligne in frame[frame["derniere_version"].astype(bool)].to_dict("records"):
        anciennes = frame[
            (frame["id_priorite"] == ligne["id_priorite"])
            & (frame["numero_version"] != ligne["numero_version"])
        ]
        retard = en_retard(ligne["echeance"], ligne["decision"], aujourd_hui)
        decisions.append(
            {
                **ligne,
                "echeance_texte": _date(ligne["echeance"]),
                "date_comite_texte": _date(ligne["date_comite"]),
                "en_retard": retard,
                "evolution": evolution(
                    ligne["valeur_reference"],
                    ligne["annee_reference"],
                    ligne["valeur_actuelle"],
                    ligne["annee_actuelle"],
                    ligne["unite_indicateur"],
                    ligne["sens_indicateur"],
                ),
                "depart": (
                    f"{format_nombre(ligne['valeur_depart'], 1)}"
                    + (f" au {_date(ligne['date_depart'])}" if ligne.get("date_depart") else "")
                )
                if ligne.get("valeur_depart") is not None
                else None,
                "versions_precedentes": [
                    f"{r['libelle_decision']} le {_date(r['date_comite'])}"
                    for r in anciennes.to_dict("records")
                ],
            }
        )
    return {
        "decisions": decisions,
        "nb_versions": int(frame["numero_version"].max()),
        "nb_en_retard": sum(d["en_retard"] for d in decisions),
        "date": aujourd_hui.strftime("%d/%m/%Y"),
        "versions": [
            {
                "numero": int(v["numero_version"]),
                "date": _date(v["date_comite"]),
                "auteur": v["auteur_role"],
                "nb": int(v["nb"]),
            }
            for v in versions.to_dict("records")
        ],
    }
