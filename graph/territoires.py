"""The territories of one département, as the graph needs them (from ``marts.territoires``).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame([
...     {"niveau": "departement", "code_territoire": "93", "libelle": "Seine-Saint-Denis",
...      "code_departement": "93", "code_region": "11"},
...     {"niveau": "commune", "code_territoire": "93066", "libelle": "Saint-Denis", "code_epci": "200054781",
...      "code_ept": "200057867", "code_departement": "93", "code_region": "11", "population": 150000},
...     {"niveau": "ept", "code_territoire": "200057867", "libelle": "Plaine Commune",
...      "code_departement": "93"},
...     {"niveau": "epci", "code_territoire": "200054781", "libelle": "Métropole du Grand Paris"},
... ])
>>> t = territoires_departement(frame, "93")
>>> t.nom, t.reference_intercommunale("93066")
('Seine-Saint-Denis', ('ept', '200057867'))
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.modele import missing_to_none, text_or_none
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

__all__ = ["TerritoiresDepartement", "territoires_departement", "MissingSource"]


class MissingSource(RuntimeError):
    """A table the graph needs is absent or empty: the message says which and why."""


def _objects(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Text columns as Python objects with ``None`` for missing values (pandas 3 turns None into NaN,
    which is truthy)."""
    frame = frame.copy()
    for column in columns:
        frame[column] = [text_or_none(v) for v in frame[column].astype(object)]
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _truthy(value: object) -> bool:
    value = missing_to_none(value)
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "oui", "t", "vrai", "yes"}
    return bool(value)


@dataclass
class TerritoiresDepartement:
    """Communes, intercommunalities and QPV of one département."""

    code: str
    nom: str
    code_region: str | None
    nom_region: str | None
    communes: pd.DataFrame  # code_commune, libelle, code_epci, code_ept, population, est_qpv
    intercommunalites: pd.DataFrame  # niveau (epci|ept), code, libelle
    qpv: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["code_qpv", "libelle", "code_commune"])
    )

    def __post_init__(self) -> None:
        self._reference: dict[str, tuple[str, str] | None] = {}
        for row in self.communes.itertuples():
            ept, epci = text_or_none(row.code_ept), text_or_none(row.code_epci)
            self._reference[row.code_commune] = ("ept", ept) if ept else ("epci", epci) if epci else None
        self._all = sorted(self.communes["code_commune"])
        self._labels = {row.code_commune: text_or_none(row.libelle) for row in self.communes.itertuples()}
        self._members: dict[tuple[str, str], list[str]] = {}
        for row in self.communes.itertuples():
            for niveau, value in (("ept", text_or_none(row.code_ept)), ("epci", text_or_none(row.code_epci))):
                if value:
                    self._members.setdefault((niveau, value), []).append(row.code_commune)
        for members in self._members.values():
            members.sort()
        self._inter_labels = {
            (r.niveau, r.code): text_or_none(r.libelle) for r in self.intercommunalites.itertuples()
        }

    def reference_intercommunale(self, code_commune: str) -> tuple[str, str] | None:
        """The EPT of a commune where it has one (Grand Paris), else its EPCI."""
        return self._reference.get(code_commune)

    def communes_of(self, niveau: str, code: str) -> list[str]:
        """Commune codes of a territory of the département (sorted)."""
        if niveau == "departement":
            return list(self._all)
        if niveau == "commune":
            return [code] if code in self._labels else []
        if niveau in ("epci", "ept"):
            return list(self._members.get((niveau, code), []))
        if niveau == "qpv":
            return sorted(set(self.qpv.loc[self.qpv["code_qpv"] == code, "code_commune"]))
        return []

    def intercommunalites_de_reference(self) -> list[tuple[str, str]]:
        """Distinct reference intercommunalities (EPT or EPCI) of the communes, sorted."""
        return sorted({x for x in self._reference.values() if x is not None})

    def libelle(self, niveau: str, code: str) -> str:
        if niveau == "departement":
            return self.nom
        if niveau == "commune":
            return self._labels.get(code) or code
        return self._inter_labels.get((niveau, code)) or code


def territoires_departement(frame: pd.DataFrame, code: str) -> TerritoiresDepartement:
    """Select the territories of département ``code`` from ``marts.territoires``.

    Raises :class:`MissingSource` when the département or its communes are absent.
    """
    if frame is None or frame.empty:
        raise MissingSource(
            "marts.territoires est vide ou absent : le graphe a besoin des territoires "
            "(construire d'abord les marts du besoin)"
        )
    needed = {"niveau", "code_territoire", "libelle"}
    missing = needed - set(frame.columns)
    if missing:
        raise MissingSource(f"marts.territoires n'a pas les colonnes {sorted(missing)}")
    get = frame.get
    dep_rows = frame[(frame["niveau"] == "departement") & (frame["code_territoire"].astype(str) == code)]
    if dep_rows.empty:
        raise MissingSource(f"marts.territoires n'a pas de ligne niveau='departement' pour {code}")
    dep = dep_rows.iloc[0]
    code_region = text_or_none(dep.get("code_region"))
    nom_region = None
    if code_region:
        reg = frame[(frame["niveau"] == "region") & (frame["code_territoire"].astype(str) == code_region)]
        nom_region = text_or_none(reg.iloc[0]["libelle"]) if len(reg) else None
    dep_col = get("code_departement")
    in_dep = (dep_col.astype(str) == code) if dep_col is not None else pd.Series(False, index=frame.index)
    communes = frame[(frame["niveau"] == "commune") & in_dep].copy()
    if communes.empty:
        raise MissingSource(f"marts.territoires n'a aucune commune pour le département {code}")
    if "code_commune_parente" in communes.columns:
        # keep communes actuelles only (arrondissements / déléguées carry a parent code)
        parent = communes["code_commune_parente"].map(text_or_none)
        communes = communes[parent.isna() | (parent == communes["code_territoire"].astype(str))]
    out = (
        pd.DataFrame(
            {
                "code_commune": communes["code_territoire"].astype(str).values,
                "libelle": communes["libelle"].map(text_or_none).values,
                "code_epci": communes["code_epci"].map(text_or_none).values
                if "code_epci" in communes
                else None,
                "code_ept": communes["code_ept"].map(text_or_none).values if "code_ept" in communes else None,
                "population": pd.to_numeric(communes["population"], errors="coerce").values
                if "population" in communes
                else float("nan"),
                "est_qpv": communes["est_qpv"].map(_truthy).values if "est_qpv" in communes else False,
            }
        )
        .drop_duplicates("code_commune")
        .sort_values("code_commune")
        .reset_index(drop=True)
    )
    out = _objects(out, ["code_epci", "code_ept", "libelle"])
    qpv = pd.DataFrame(columns=["code_qpv", "libelle", "code_commune"])
    qpv_rows = frame[frame["niveau"] == "qpv"]
    if len(qpv_rows):
        records = []
        for row in qpv_rows.to_dict("records"):
            # a native list of codes (a numpy array when read through pandas), NULL outside QPV
            listed = missing_to_none(row.get("codes_communes"))
            members = [str(c) for c in (listed if listed is not None else []) if text_or_none(c)]
            members = members or [c for c in [text_or_none(row.get("code_commune_parente"))] if c]
            records.extend(
                {
                    "code_qpv": str(row["code_territoire"]),
                    "libelle": text_or_none(row["libelle"]),
                    "code_commune": c,
                }
                for c in members
            )
        qpv = pd.DataFrame(records, columns=["code_qpv", "libelle", "code_commune"])
        qpv = qpv[qpv["code_commune"].isin(set(out["code_commune"]))].reset_index(drop=True)
        if len(qpv):
            out.loc[out["code_commune"].isin(set(qpv["code_commune"])), "est_qpv"] = True
    codes = {("epci", c) for c in out["code_epci"].dropna()} | {("ept", c) for c in out["code_ept"].dropna()}
    inter_rows = []
    for niveau, inter in sorted(codes):
        match = frame[(frame["niveau"] == niveau) & (frame["code_territoire"].astype(str) == inter)]
        inter_rows.append(
            {
                "niveau": niveau,
                "code": inter,
                "libelle": text_or_none(match.iloc[0]["libelle"]) if len(match) else inter,
            }
        )
    intercommunalites = pd.DataFrame(inter_rows, columns=["niveau", "code", "libelle"])
    return TerritoiresDepartement(
        code, text_or_none(dep["libelle"]) or code, code_region, nom_region, out, intercommunalites, qpv
    )
