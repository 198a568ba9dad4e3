"""The national dispositif template (seed ``dispositifs_modele.csv``) and its instances.

Each template row says who pilots a dispositif, which actor types are expected to sign it or
to take part, its axes and its scale (``departement``, ``intercommunalite`` = the EPT in the
Grand Paris else the EPCI, ``commune``, ``clpe`` = the France Travail local areas,
``inter_epci``). :func:`generate_instances` turns it into the dispositifs of one département;
rows with ``generation = registre`` are only created from the curated registry.

Examples
--------
>>> import pandas as pd
>>> from graph.territoires import TerritoiresDepartement
>>> t = TerritoiresDepartement("93", "Seine-Saint-Denis", "11", "Île-de-France",
...     pd.DataFrame({"code_commune": ["93001", "93066"], "libelle": ["Aubervilliers", "Saint-Denis"],
...                   "code_epci": ["200054781"] * 2, "code_ept": ["200057867"] * 2,
...                   "population": [90000, 150000], "est_qpv": [True, True]}),
...     pd.DataFrame({"niveau": ["ept", "epci"], "code": ["200057867", "200054781"],
...                   "libelle": ["Plaine Commune", "Métropole du Grand Paris"]}))
>>> ligne = dict.fromkeys(COLUMNS, "") | {"pilote_de_droit": "oui", "generation": "automatique"}
>>> modele = check_modele(pd.DataFrame([
...     ligne | {"code_dispositif": "pdi", "pilotes": "conseil_departemental", "axes": "A2",
...              "echelle": "departement"},
...     ligne | {"code_dispositif": "contrat_de_ville", "pilotes": "epci|ept", "axes": "A1|A2|A3|A4",
...              "echelle": "intercommunalite", "condition": "qpv", "periode": "2024-2030"},
...     ligne | {"code_dispositif": "abs", "pilotes": "ccas", "axes": "A1", "echelle": "commune",
...              "condition": "ccas"}]))
>>> ids = [i.id for i in generate_instances(modele, t, communes_ccas={"93066"})]
>>> "dispositif:pdi:departement:93" in ids, "dispositif:contrat_de_ville:ept:200057867" in ids
(True, True)
>>> "dispositif:abs:commune:93066" in ids, "dispositif:abs:commune:93001" in ids
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.modele import ACTOR_TYPES, normalise_name
from graph.territoires import TerritoiresDepartement
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

__all__ = [
    "ECHELLES",
    "Instance",
    "ModeleInvalide",
    "check_modele",
    "generate_instances",
    "instances_contrats_ville",
    "point_locator",
    "split_list",
    "is_historical",
]

# the template is the seed dispositifs_modele: the graph reads its table (graph.pipeline.load_inputs)
MODELE = "seed dispositifs_modele"
ECHELLES = ("departement", "intercommunalite", "commune", "clpe", "inter_epci")
AXES = ("A1", "A2", "A3", "A4")
COLUMNS = [
    "code_dispositif",
    "libelle",
    "pilotes",
    "pilote_de_droit",
    "signataires_attendus",
    "partenaires_attendus",
    "axes",
    "echelle",
    "condition",
    "generation",
    "periode",
    "reference",
    "description",
]


class ModeleInvalide(ValueError):
    """The template seed has an error (the message names the line and the field)."""


def split_list(value: object) -> list[str]:
    """``a|b|c`` → ``["a", "b", "c"]`` (empty and NaN give ``[]``).

    Examples
    --------
    >>> split_list("A1|A3"), split_list(None), split_list("")
    (['A1', 'A3'], [], [])
    """
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [v.strip() for v in str(value).split("|") if v.strip()]


def check_modele(frame: pd.DataFrame, path: Path | str = MODELE) -> pd.DataFrame:
    """Check the template read as text (empty cells as ``""``, rows in the file's order); raises
    :class:`ModeleInvalide` naming ``path``, line and field. Returns ``frame``."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ModeleInvalide(f"{path}:1 colonnes absentes {missing}")
    seen: set[str] = set()
    for idx, row in frame.iterrows():
        line = idx + 2

        def fail(column: str, reason: str, line: int = line) -> None:
            raise ModeleInvalide(f"{path}:{line} [{column}] {reason}")

        code = row["code_dispositif"]
        if not re.fullmatch(r"[a-z_]+", code):
            fail("code_dispositif", f"code {code!r} invalide (minuscules et _ seulement)")
        if code in seen:
            fail("code_dispositif", f"code {code!r} en double")
        seen.add(code)
        for column in ("pilotes", "signataires_attendus", "partenaires_attendus"):
            for value in split_list(row[column]):
                if value not in ACTOR_TYPES:
                    fail(column, f"type d'acteur inconnu {value!r}")
        if not split_list(row["pilotes"]):
            fail("pilotes", "au moins un pilote")
        for value in split_list(row["axes"]):
            if value not in AXES:
                fail("axes", f"axe inconnu {value!r}")
        if row["echelle"] not in ECHELLES:
            fail("echelle", f"échelle {row['echelle']!r} inconnue (attendu : {', '.join(ECHELLES)})")
        if row["generation"] not in ("automatique", "registre"):
            fail("generation", "attendu : automatique ou registre")
        if row["pilote_de_droit"] not in ("oui", "non"):
            fail("pilote_de_droit", "attendu : oui ou non")
        if row["condition"] not in ("", "qpv", "ccas"):
            fail("condition", f"condition {row['condition']!r} inconnue (attendu : vide, qpv ou ccas)")
    return frame


def is_historical(periode: str | None, annee_reference: int) -> bool:
    """A period that ended before the reference year (``2019-2023`` in 2025).

    Examples
    --------
    >>> is_historical("2019-2023", 2025), is_historical("2024-2027", 2025), is_historical("2024-", 2025)
    (True, False, False)
    """
    match = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", periode or "")
    return bool(match) and int(match.group(2)) < annee_reference


@dataclass
class Instance:
    """One dispositif of one département (a node of kind ``dispositif``)."""

    id: str
    code_dispositif: str
    libelle: str
    niveau: str
    code_territoire: str
    communes: list[str]
    periode: str | None
    origine: str
    reference: str
    pilotes: list[str] = field(default_factory=list)  # actor ids resolved later (construction)
    commentaire_pilote: str | None = None
    confiance_pilote: float | None = None

    def territory_node(self) -> str | None:
        if self.niveau in ("departement", "epci", "ept", "commune", "qpv", "region"):
            return f"territoire:{self.niveau}:{self.code_territoire}"
        return None


def _instance_id(code: str, niveau: str, territoire: str) -> str:
    return f"dispositif:{code}:{niveau}:{territoire}"


def generate_instances(
    modele: pd.DataFrame,
    territoires: TerritoiresDepartement,
    clpe: pd.DataFrame | None = None,
    communes_ccas: set[str] | None = None,
) -> list[Instance]:
    """The instances of every ``automatique`` template row for one département.

    ``clpe`` is the CLPE list of ``staging.stg_france_travail__clpe_communes`` (commune_id,
    territoire_id, territoire_libelle, departement_id); ``communes_ccas`` the communes that have a CCAS
    (for the ABS).
    """
    instances: list[Instance] = []
    communes = territoires.communes
    all_communes = sorted(communes["code_commune"])
    for _, row in modele.iterrows():
        if row["generation"] != "automatique":
            continue
        code, echelle, libelle = row["code_dispositif"], row["echelle"], row["libelle"]
        periode = row["periode"] or None
        if echelle == "departement":
            instances.append(
                Instance(
                    _instance_id(code, "departement", territoires.code),
                    code,
                    f"{libelle} — {territoires.nom}",
                    "departement",
                    territoires.code,
                    all_communes,
                    periode,
                    "modele",
                    row["reference"],
                )
            )
        elif echelle == "intercommunalite":
            for niveau, inter in territoires.intercommunalites_de_reference():
                members = territoires.communes_of(niveau, inter)
                if row["condition"] == "qpv":
                    with_qpv = set(communes.loc[communes["est_qpv"].astype(bool), "code_commune"])
                    if not with_qpv & set(members):
                        continue
                instances.append(
                    Instance(
                        _instance_id(code, niveau, inter),
                        code,
                        f"{libelle} — {territoires.libelle(niveau, inter)}",
                        niveau,
                        inter,
                        members,
                        periode,
                        "modele",
                        row["reference"],
                    )
                )
        elif echelle == "commune":
            for commune in all_communes:
                if row["condition"] == "ccas" and commune not in (communes_ccas or set()):
                    continue
                instances.append(
                    Instance(
                        _instance_id(code, "commune", commune),
                        code,
                        f"{libelle} — {territoires.libelle('commune', commune)}",
                        "commune",
                        commune,
                        [commune],
                        periode,
                        "modele",
                        row["reference"],
                    )
                )
        elif echelle == "clpe" and clpe is not None and len(clpe):
            frame = clpe[clpe["departement_id"].astype(str) == territoires.code]
            known = set(all_communes)
            for territoire_id, group in frame.groupby("territoire_id", sort=True):
                members = sorted(set(group["commune_id"].astype(str)) & known)
                if not members:
                    continue
                name = str(group["territoire_libelle"].iloc[0]).strip()
                instances.append(
                    Instance(
                        _instance_id(code, "clpe", territoire_id),
                        code,
                        f"{libelle} — {name}",
                        "clpe",
                        str(territoire_id),
                        members,
                        periode,
                        "modele",
                        f"{row['reference']} ; périmètre {territoire_id}",
                    )
                )
    return instances


def point_locator(
    geo_communes: pd.DataFrame | None, code_departement: str
) -> Callable[[float, float], str | None]:
    """A function ``(longitude, latitude) → commune code`` over the département's outlines.

    Uses ``staging.stg_geo__communes`` (``code_insee``, ``dep``, ``geometrie_wkt``); a point outside
    every outline goes to the nearest commune within 2 km. Without outlines, returns ``None``.
    """
    if geo_communes is None or geo_communes.empty or "geometrie_wkt" not in geo_communes.columns:
        return lambda lon, lat: None
    from shapely import wkt
    from shapely.geometry import Point

    rows = geo_communes[geo_communes["dep"].astype(str) == code_departement]
    shapes = [(str(r.code_insee), wkt.loads(r.geometrie_wkt)) for r in rows.itertuples() if r.geometrie_wkt]

    def locate(longitude: float, latitude: float) -> str | None:
        if longitude is None or latitude is None or pd.isna(longitude) or pd.isna(latitude):
            return None
        point = Point(float(longitude), float(latitude))
        for code, shape in shapes:
            if shape.contains(point):
                return code
        best = min(((shape.distance(point), code) for code, shape in shapes), default=None)
        return best[1] if best and best[0] < 0.03 else None  # about 2 km in degrees at 48°N

    return locate


def instances_contrats_ville(
    contrats: pd.DataFrame | None,
    territoires: TerritoiresDepartement,
    locate: Callable[[float, float], str | None] | None = None,
    reference: str = "ANCT, contrats de ville 2015-2023 (politique-ville/contrats_de_ville_2015_2023.csv)",
) -> tuple[list[Instance], list[str]]:
    """The 2015-2023 contrats de ville of the département, with their signatory resolved.

    The signatory code (``codgeo``) is a commune code or an EPCI SIREN of its time; an EPCI that
    no longer exists (dissolved into an EPT in 2016) is matched by name, then by the commune
    holding the contract's label point. Returns the instances and the messages of the
    contracts that could not be attached.
    """
    messages: list[str] = []
    if contrats is None or contrats.empty:
        return [], messages
    dep = contrats["insee_dep"].map(
        lambda v: None if v is None or pd.isna(v) or not str(v).strip() else str(v).strip().zfill(2)
    )
    rows = contrats[dep == territoires.code]
    if locate is not None and dep.isna().any():  # contracts without département: placed by their point
        placed = contrats[dep.isna()]
        inside = [locate(r.longitude, r.latitude) is not None for r in placed.itertuples()]
        rows = pd.concat([rows, placed[inside]])
    communes = set(territoires.communes["code_commune"])
    inter = territoires.intercommunalites
    names = {normalise_name(r.libelle): (r.niveau, r.code) for r in inter.itertuples()}
    out: list[Instance] = []
    for row in rows.itertuples():
        codgeo = str(row.codgeo).strip()
        label = str(row.lib_cv)
        pilot: tuple[str, str] | None = None
        note, confidence = None, 0.95
        if codgeo in communes:
            pilot = ("commune", codgeo)
        elif (inter["code"] == codgeo).any():
            match = inter[inter["code"] == codgeo].iloc[0]
            pilot = (match["niveau"], codgeo)
        else:
            plain = normalise_name(label)
            for name, key in names.items():
                if len(name) > 4 and name in plain and key[0] == "ept":
                    pilot, confidence = key, 0.85
                    note = f"signataire d'origine {codgeo} ({label}) rapproché par le nom de l'EPT"
                    break
            if pilot is None and locate is not None:
                where = locate(getattr(row, "longitude", None), getattr(row, "latitude", None))
                if where:
                    pilot = territoires.reference_intercommunale(where)
                    confidence = 0.7
                    note = (
                        f"signataire d'origine {codgeo} ({label}) disparu : contrat rattaché à "
                        f"l'intercommunalité actuelle de la commune {where} (point du contrat)"
                    )
        if pilot is None:
            messages.append(
                f"contrat de ville {row.code_cv} ({label}) : signataire {codgeo} introuvable "
                "dans les territoires actuels du département"
            )
            continue
        niveau, code = pilot
        out.append(
            Instance(
                f"dispositif:contrat_de_ville:cv2015:{row.code_cv}",
                "contrat_de_ville",
                f"Contrat de ville 2015-2023 — {label.split(' - ', 1)[-1]}",
                niveau,
                code,
                territoires.communes_of(niveau, code),
                "2015-2023",
                "donnee",
                f"{reference}, {row.code_cv}",
                pilotes=[f"{'commune' if niveau == 'commune' else niveau}:{code}"],
                commentaire_pilote=note,
                confiance_pilote=confidence,
            )
        )
    return out, messages
