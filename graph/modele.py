"""The vocabulary of the knowledge graph: node kinds, edge kinds, actor types, evidence.

Every node carries ``type_noeud`` (one of :data:`NODE_KINDS`) and every edge ``type_lien``
(one of :data:`EDGE_KINDS`). Edges are stored in a :class:`networkx.MultiDiGraph` keyed by
their kind, so that two nodes may be linked by several kinds (a département *pilots* the PTI
and *funds* it) but one kind appears once per ordered pair, with the list of its evidence.

Evidence (``preuves``) is a list of dicts ``{origine, type_preuve, reference, confiance,
date}``; the edge confidence combines them as independent clues (noisy-or, see
:func:`combine_confidences`).

Examples
--------
>>> EDGE_KINDS["pilote"]
'pilots'
>>> actor_group("siae")
'insertion_activite_economique'
>>> round(combine_confidences([0.5, 0.5]), 2)
0.75
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import networkx as nx

from graph.vocabulaire import TABLES as TABLES_VOCABULAIRE
from graph.vocabulaire import Vue, VueEnsemble
from ingest.paresseux import module_paresseux

# the name key of the whole project (twin of the dbt macro normaliser_nom), under its graph name
from ingest.vocabulaires import normaliser_nom as normalise_name

pd = module_paresseux("pandas")

__all__ = [
    "SOURCES",
    "NODE_KINDS",
    "EDGE_KINDS",
    "COORDINATION_KINDS",
    "EVIDENCE_KINDS",
    "ACTOR_TYPES",
    "ACTOR_GROUPS",
    "INSTITUTIONS_DEPARTEMENTALES",
    "INSERTION_TYPES",
    "ACTOR_CODES",
    "Evidence",
    "actor_group",
    "actor_type_from_catalogue",
    "refine_type_by_name",
    "GENERIC_TYPES",
    "combine_confidences",
    "normalise_name",
    "new_graph",
    "add_node",
    "add_edge",
    "node_id",
    "missing_to_none",
    "text_or_none",
    "commune_nodes",
    "zone_communes",
]

# the tables the graph reads (every one must exist: the graph is never built from half its sources),
# all made by dbt: marts, seeds (in marts) and staging views over the raw tables (issue 13)
SOURCES: tuple[str, ...] = (
    "marts.territoires",
    "marts.structures",
    "marts.services",
    "marts.documents",
    "marts.mentions",
    "marts.liens_candidats",
    "marts.axes_domaines",
    "marts.dispositifs_modele",
    "staging.stg_france_travail__clpe_communes",
    "staging.stg_politique_ville__contrats",
    "staging.stg_geo__communes",
    "staging.stg_cog__communes",
    "staging.stg_registre__acteurs",
    "staging.stg_registre__dispositifs",
    "staging.stg_registre__liens",
    # the comité's corrections of the network (graph.comite)
    "staging.stg_suivi__reseau_corrections",
    # the vocabulary (graph.vocabulaire): actor types, groups and codes, the parameters as dbt resolved them
    *TABLES_VOCABULAIRE,
)

# Documents are not nodes: they are the evidence of ties (passages), see construction.add_documents.
NODE_KINDS: tuple[str, ...] = ("acteur", "dispositif", "territoire", "domaine", "axe", "service")

# French kind → English synonym of the issue (kept in docs/graphe.md).
EDGE_KINDS: dict[str, str] = {
    "pilote": "pilots",
    "signe": "signs",
    "finance": "funds",
    "opere": "operates",
    "partenaire_de": "partner_of",
    "membre_de": "member_of",
    "couvre": "covers",
    "offre": "offers",
    "releve_de": "belongs_to",
    "situe_dans": "located_in",
}

# Edges that are coordination ties between actors and dispositifs (the other kinds describe
# places, domains and services). Metrics and rules work on these only.
COORDINATION_KINDS: frozenset[str] = frozenset(
    {"pilote", "signe", "finance", "opere", "partenaire_de", "membre_de"}
)

EVIDENCE_KINDS: dict[str, str] = {
    "passage": "passage d'un document (identifiant de passage)",
    "entretien": "entretien avec un acteur",
    "convention": "convention ou contrat signé",
    "donnee": "source de données (catalogue de l'offre, COG, liste publique)",
    "texte_officiel": "texte législatif ou réglementaire, instruction",
    "site_public": "page publique d'un acteur (adresse web)",
}

# The actor types, their groups and the codes that name them are dbt seeds (docs/graphe.md):
# acteurs_types (label, group, rank among networks, insertion actor, departmental institution, colour),
# acteurs_groupes, acteurs_codes (catalogue typologies v0, networks v1 and the documents' codes). The
# graph reads them from the warehouse at each step (graph.vocabulaire.charger): these names are views
# of the vocabulary loaded last, never a file read at import.

# type_acteur → (French label, group), in the seed's order
ACTOR_TYPES: Mapping[str, tuple[str, str]] = Vue(lambda v: v.types)

ACTOR_GROUPS: Mapping[str, str] = Vue(lambda v: v.groupes)

# One node per département for each of these, generated for every département
# (id ``<type>:<code_departement>``), with its French label pattern.
INSTITUTIONS_DEPARTEMENTALES: Mapping[str, str] = Vue(lambda v: v.institutions)

# Actors of these types are "insertion actors" for the rule on France Travail / PDI-PTI ties.
INSERTION_TYPES: AbstractSet[str] = VueEnsemble(lambda v: v.insertion)

# A code (typology v0, network v1, a document's actor code; lower case, ``_`` between words)
# → type_acteur.
ACTOR_CODES: Mapping[str, str] = Vue(lambda v: v.codes)

# rank of preference when a structure carries several networks (no rank: after every ranked type)
_TYPE_PRIORITY: Mapping[str, int] = Vue(lambda v: v.priorites)


def actor_group(type_acteur: str | None) -> str:
    """Group of an actor type (``associations`` for unknown types).

    Examples
    --------
    >>> actor_group("france_travail")
    'service_public_emploi'
    >>> actor_group("inconnu")
    'associations'
    """
    return ACTOR_TYPES.get(type_acteur or "", ("", "associations"))[1]


def _code(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", normalise_name(value)).strip("_")


def actor_type_from_catalogue(typologie: str | None, reseaux_porteurs: str | Iterable[str] | None) -> str:
    """Actor type of a catalogue structure, from its v0 typology and/or v1 networks.

    ``reseaux_porteurs`` may be a list or a text with ``|``, ``,`` or ``;`` separators (also a
    JSON or Postgres array literal). Unknown values give ``autre``.

    Examples
    --------
    >>> actor_type_from_catalogue("FT", None)
    'france_travail'
    >>> actor_type_from_catalogue(None, "aci|france-service")
    'france_services'
    >>> actor_type_from_catalogue("ASSO", '["mission-locale"]')
    'mission_locale'
    >>> actor_type_from_catalogue("XYZ", None)
    'autre'
    """
    candidates: list[str] = []
    values: list[str] = []
    if isinstance(reseaux_porteurs, str):
        values = [v for v in re.split(r"[|,;{}\[\]\"]+", reseaux_porteurs) if v.strip()]
    elif reseaux_porteurs is not None:
        try:
            values = [str(v) for v in reseaux_porteurs if v is not None]
        except TypeError:
            values = []
    if typologie and str(typologie).strip() and str(typologie).lower() not in {"nan", "none"}:
        values.append(str(typologie))
    for value in values:
        mapped = ACTOR_CODES.get(_code(value))
        if mapped:
            candidates.append(mapped)
    if not candidates:
        return "autre"
    return min(candidates, key=lambda t: _TYPE_PRIORITY.get(t, 99))


_NAME_TYPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bplie\b|plan local (pluriannuel )?pour l.insertion"), "plie"),
    (re.compile(r"\bmission locale\b"), "mission_locale"),
    (re.compile(r"\bcap emploi\b"), "cap_emploi"),
    (re.compile(r"\bmaison de l.emploi\b|^mde\b"), "maison_emploi"),
    (
        re.compile(
            r"\bc[ci]as\b|centre (communal|intercommunal) d.action sociale|ctre com(munal)? action sociale"
        ),
        "ccas",
    ),
    (re.compile(r"\bcentre social\b|\bcentre socio.culturel\b"), "centre_social"),
]
GENERIC_TYPES = frozenset({"autre", "association", "conseiller_numerique", "tiers_lieu"})


def refine_type_by_name(type_acteur: str, name: str | None) -> str:
    """A more precise type when a generic one (host of conseillers numériques, association...)
    belongs to an actor whose name says what it is.

    Examples
    --------
    >>> refine_type_by_name("conseiller_numerique", "LE PLIE DU BLANC MESNIL")
    'plie'
    >>> refine_type_by_name("conseiller_numerique", "CTRE COM ACTION SOCIALE DE VILLEMOMBLE")
    'ccas'
    >>> refine_type_by_name("siae", "Mission locale de Bondy")
    'siae'
    """
    if type_acteur not in GENERIC_TYPES:
        return type_acteur
    plain = normalise_name(name)
    for pattern, refined in _NAME_TYPES:
        if pattern.search(plain):
            return refined
    return type_acteur


def combine_confidences(values: Iterable[float]) -> float:
    """Combine independent clues: ``1 - prod(1 - c)`` (noisy-or), bounded to [0, 1].

    Examples
    --------
    >>> combine_confidences([0.9])
    0.9
    >>> round(combine_confidences([0.25, 0.25, 0.25]), 4)
    0.5781
    >>> combine_confidences([])
    0.0
    """
    remaining = 1.0
    seen = False
    for value in sorted(float(v) for v in values):  # one order, so one result to the last bit
        seen = True
        remaining *= 1.0 - min(max(float(value), 0.0), 1.0)
    return round(1.0 - remaining, 6) if seen else 0.0


@dataclass(frozen=True)
class Evidence:
    """One clue supporting an edge.

    origine: where the edge came from (``registre``, ``modele``, ``catalogue``, ``territoires``,
    ``documents``, ``entretiens``, ``regle_reglementaire``); type_preuve: one of
    :data:`EVIDENCE_KINDS`; reference: passage id, URL, legal reference, table and id...
    """

    origine: str
    type_preuve: str
    reference: str
    confiance: float
    date: str | None = None
    commentaire: str | None = None

    def as_dict(self) -> dict[str, object]:
        data = {
            "origine": self.origine,
            "type_preuve": self.type_preuve,
            "reference": self.reference,
            "confiance": round(float(self.confiance), 4),
        }
        if self.date:
            data["date"] = self.date
        if self.commentaire:
            data["commentaire"] = self.commentaire
        return data


@dataclass
class NodeSpec:
    """Attributes of a node before it is added (used by the builders)."""

    id: str
    type_noeud: str
    libelle: str
    attrs: dict[str, object] = field(default_factory=dict)


def node_id(prefix: str, *parts: object) -> str:
    """Identifier ``prefix:part1:part2`` (parts as text).

    Examples
    --------
    >>> node_id("dispositif", "pdi", "departement", "93")
    'dispositif:pdi:departement:93'
    """
    return ":".join([prefix, *[str(p) for p in parts]])


def new_graph(code_departement: str) -> nx.MultiDiGraph:
    """An empty graph for one département."""
    return nx.MultiDiGraph(code_departement=code_departement)


def add_node(graph: nx.MultiDiGraph, node: str, type_noeud: str, libelle: str, **attrs: object) -> None:
    """Add a node, or complete an existing one without overwriting its known values.

    ``sources`` (list) are merged; other attributes are set only when missing or empty.

    Examples
    --------
    >>> g = new_graph("93")
    >>> add_node(g, "caf:93", "acteur", "CAF", type_acteur="caf", sources=["modele"])
    >>> add_node(g, "caf:93", "acteur", "CAF de la Seine-Saint-Denis", siret="x", sources=["registre"])
    >>> g.nodes["caf:93"]["libelle"], g.nodes["caf:93"]["sources"]
    ('CAF', ['modele', 'registre'])
    """
    if type_noeud not in NODE_KINDS:
        raise ValueError(f"unknown node kind {type_noeud!r} for {node!r}")
    sources = list(attrs.pop("sources", []) or [])
    if node in graph:
        data = graph.nodes[node]
        if data.get("type_noeud") != type_noeud:
            raise ValueError(f"node {node!r} is a {data.get('type_noeud')}, not a {type_noeud}")
        for key, value in attrs.items():
            if value is not None and value != "" and data.get(key) in (None, "", [], {}):
                data[key] = value
        if not data.get("libelle"):
            data["libelle"] = libelle
        for source in sources:
            if source not in data["sources"]:
                data["sources"].append(source)
        return
    clean = {k: v for k, v in attrs.items() if v is not None and v != ""}
    graph.add_node(node, type_noeud=type_noeud, libelle=libelle, sources=sources, **clean)


def add_edge(graph: nx.MultiDiGraph, source: str, target: str, type_lien: str, evidence: Evidence) -> None:
    """Add an edge of one kind, or add evidence to the existing edge of that kind.

    The edge keeps the list of its evidence (``preuves``), the set of its origins
    (``origines``) and the combined confidence (``confiance``).

    Examples
    --------
    >>> g = new_graph("93")
    >>> for n in ("a", "b"):
    ...     add_node(g, n, "acteur", n)
    >>> add_edge(g, "a", "b", "partenaire_de", Evidence("documents", "passage", "p1", 0.5))
    >>> add_edge(g, "a", "b", "partenaire_de", Evidence("registre", "convention", "c1", 0.5))
    >>> g.edges["a", "b", "partenaire_de"]["confiance"], g.number_of_edges()
    (0.75, 1)
    """
    if type_lien not in EDGE_KINDS:
        raise ValueError(f"unknown edge kind {type_lien!r} ({source} -> {target})")
    for node in (source, target):
        if node not in graph:
            raise KeyError(f"edge {source} -[{type_lien}]-> {target}: node {node!r} is not in the graph")
    if source == target:
        return
    item = evidence.as_dict()
    if graph.has_edge(source, target, key=type_lien):
        data = graph.edges[source, target, type_lien]
        if item not in data["preuves"]:
            data["preuves"].append(item)
        if evidence.origine not in data["origines"]:
            data["origines"].append(evidence.origine)
        data["confiance"] = combine_confidences(p["confiance"] for p in data["preuves"])
        return
    graph.add_edge(
        source,
        target,
        key=type_lien,
        type_lien=type_lien,
        preuves=[item],
        origines=[evidence.origine],
        confiance=combine_confidences([evidence.confiance]),
    )


def dumps(value: object) -> str:
    """JSON text in French-friendly form (accents kept), stable key order."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def missing_to_none(value: object) -> object:
    """``None`` for a missing value (``None``, NaN, ``pd.NA``, ``NaT``), else the value itself.

    Examples
    --------
    >>> missing_to_none(float("nan")), missing_to_none(pd.NA), missing_to_none(0), missing_to_none([1])
    (None, None, 0, [1])
    """
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def text_or_none(value: object) -> str | None:
    """Stripped text of a value; ``None`` when it is missing or blank.

    Examples
    --------
    >>> text_or_none(" CAF "), text_or_none(93), text_or_none(""), text_or_none(float("nan"))
    ('CAF', '93', None, None)
    """
    value = missing_to_none(value)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def commune_nodes(graph: nx.MultiDiGraph) -> dict[str, dict]:
    """Attributes of the commune territory nodes of the graph, by commune code."""
    return {
        d["code_territoire"]: d
        for _, d in graph.nodes(data=True)
        if d.get("type_noeud") == "territoire" and d.get("niveau") == "commune"
    }


def zone_communes(graph: nx.MultiDiGraph, node: str, communes: dict[str, dict] | None = None) -> set[str]:
    """Communes where an actor or a dispositif acts (its place, its territory, or the whole département).

    ``communes`` is :func:`commune_nodes` of the graph, given when the caller asks for many nodes.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("territoire:commune:93001", type_noeud="territoire", niveau="commune",
    ...            code_territoire="93001", code_ept="200057867", code_epci="200054781")
    >>> g.add_node("a", type_noeud="acteur", code_commune="93001")
    >>> g.add_node("b", type_noeud="acteur", niveau_territoire="ept", code_territoire="200057867")
    >>> zone_communes(g, "a"), zone_communes(g, "b")
    ({'93001'}, {'93001'})
    """
    data = graph.nodes[node]
    if communes is None:
        communes = commune_nodes(graph)
    if data.get("type_noeud") == "dispositif":
        return set(data.get("communes") or [])
    if data.get("code_commune"):
        return {data["code_commune"]} if data["code_commune"] in communes else set()
    niveau, code = data.get("niveau_territoire"), data.get("code_territoire")
    if niveau == "commune":
        return {code} if code in communes else set()
    if niveau in ("epci", "ept"):
        key = "code_ept" if niveau == "ept" else "code_epci"
        return {c for c, d in communes.items() if d.get(key) == code}
    return set(communes)
