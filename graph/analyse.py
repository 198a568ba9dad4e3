"""Coordination analysis of the graph: metrics per actor, expected partners, missing links, weakness.

Everything works on the **coordination graph** (:func:`coordination_graph`): an undirected simple
graph whose nodes are the actors and dispositifs and whose edges are the coordination ties
(``pilote``, ``signe``, ``finance``, ``opere``, ``partenaire_de``, ``membre_de``) of the full
graph, whatever their direction; the weight of a pair combines the confidences of all its ties
(noisy-or). Places, domains, services and documents are context, not coordination: two actors
in the same commune are not tied because of it.

docs/graphe.md explains each metric and each rule in plain words.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph.modele import (
    ACTOR_TYPES,
    COORDINATION_KINDS,
    INSERTION_TYPES,
    INSTITUTIONS_DEPARTEMENTALES,
    actor_group,
    combine_confidences,
    commune_nodes,
    zone_communes,
)
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

__all__ = [
    "Parametres",
    "coordination_graph",
    "intermediarite",
    "communautes",
    "courtage",
    "ROLES_COURTAGE",
    "distance_france_travail",
    "coordination_acteurs",
    "coordination_dispositifs",
    "liens_manquants",
    "faiblesse_coordination",
    "operateurs_par_domaine",
    "lie",
    "Liaisons",
]

ROLES_COURTAGE = ("liaison", "gardien_representant", "consultant", "coordinateur")
INTERCOMMUNALITE = "intercommunalite"
_LIEN_ATTENDU = {"pilote": "pilote", "signataire": "signe", "partenaire": "partenaire_de"}
_ROLE_FR = {"pilote": "pilote", "signataire": "signataire", "partenaire": "partenaire"}


@dataclass(frozen=True)
class Parametres:
    """Settings of the analysis (documented in docs/graphe.md)."""

    seuil_intermediarite_exacte: int = 500  # nodes; above, betweenness is estimated from k pivots
    k_echantillon: int = 150
    # each pivot walks the whole coordination graph (nodes + ties): past this many visits in all, fewer
    # pivots (never under k_minimum); 150 pivots up to 60 000 nodes + ties, far above any département
    # without a massive local offer (93: 701 nodes), so their results do not change
    budget_intermediarite: int = 9_000_000
    k_minimum: int = 30
    # nodes; above, pivots are drawn among the nodes with at least one tie (an isolated node has
    # betweenness 0 and a walk from it finds no path, yet each walk costs all the nodes): 100 000
    # local services make about 90 000 nodes of which a few thousand are tied
    seuil_pivots_lies: int = 20_000
    graine: int = 42
    seuil_besoin_eleve: float = 120.0  # indice_besoin (100 = France) from which a need is "high"
    max_ids: int = 50  # ids listed per cell (the counts are always complete)
    poids: dict[str, float] = field(
        default_factory=lambda: {
            "isolement": 1.0,
            "fragmentation": 1.0,
            "partenaires_manquants": 1.0,
            "eloignement_france_travail": 1.0,
        }
    )


def _kind(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node].get("type_noeud", "")


def coordination_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected simple graph of actors and dispositifs with the coordination ties.

    Each pair carries ``poids`` (noisy-or of the confidences of its ties) and ``types`` (the
    kinds of its ties).

    Examples
    --------
    >>> from graph.modele import new_graph, add_node, add_edge, Evidence
    >>> g = new_graph("93")
    >>> for n in ("a", "b"):
    ...     add_node(g, n, "acteur", n)
    >>> add_node(g, "t", "territoire", "t")
    >>> add_edge(g, "a", "b", "partenaire_de", Evidence("registre", "convention", "x", 0.5))
    >>> add_edge(g, "b", "a", "finance", Evidence("registre", "convention", "y", 0.5))
    >>> add_edge(g, "a", "t", "situe_dans", Evidence("catalogue", "donnee", "z", 1.0))
    >>> gc = coordination_graph(g)
    >>> sorted(gc.nodes), gc.edges["a", "b"]["poids"], sorted(gc.edges["a", "b"]["types"])
    (['a', 'b'], 0.75, ['finance', 'partenaire_de'])
    """
    gc = nx.Graph()
    # nodes and edges in sorted order: the graph read back from the warehouse comes in no fixed row
    # order, and sampling, Louvain and floating sums follow the order of the nodes and edges
    kept = (n for n, d in graph.nodes(data=True) if d.get("type_noeud") in ("acteur", "dispositif"))
    gc.add_nodes_from(sorted(kept))
    confidences: dict[tuple[str, str], list[float]] = defaultdict(list)
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, v, data in graph.edges(data=True):
        if data.get("type_lien") in COORDINATION_KINDS and u in gc and v in gc and u != v:
            pair = (u, v) if u <= v else (v, u)
            confidences[pair].extend(
                p["confiance"] for p in data.get("preuves", [{"confiance": data["confiance"]}])
            )
            kinds[pair].add(data["type_lien"])
    for (u, v), values in sorted(confidences.items()):
        gc.add_edge(u, v, poids=combine_confidences(values), types=sorted(kinds[(u, v)]))
    return gc


def intermediarite(
    gc: nx.Graph, params: Parametres = Parametres()
) -> tuple[dict[str, float], str, int | None]:
    """Normalised betweenness: exact up to ``seuil_intermediarite_exacte`` nodes, else estimated.

    Estimated from ``k_echantillon`` pivots, fewer when ``k`` walks of the graph (nodes + ties each)
    would exceed ``budget_intermediarite`` (at least ``k_minimum``): the cost stays bounded however
    large the local offer (100 000 services: about 90 000 nodes). Returns the values, the method
    (``exacte`` or ``approchee``) and the number of pivots, both stored on every row.

    Examples
    --------
    >>> gc = nx.path_graph(["a", "b", "c"])
    >>> values, method, k = intermediarite(gc)
    >>> values["b"], method, k
    (1.0, 'exacte', None)
    """
    n = gc.number_of_nodes()
    if n <= params.seuil_intermediarite_exacte:
        return nx.betweenness_centrality(gc, normalized=True), "exacte", None
    graphe, methode = gc, "approchee"
    if n > params.seuil_pivots_lies:
        graphe, methode = nx.Graph(), "approchee_noeuds_lies"
        graphe.add_nodes_from(v for v in gc if gc.degree(v) > 0)  # gc's nodes are in sorted order
        graphe.add_edges_from(gc.edges())
    m = graphe.number_of_nodes()
    k = min(params.k_echantillon, m)
    visites = m + graphe.number_of_edges()
    if k * visites > params.budget_intermediarite:
        k = min(m, max(params.k_minimum, params.budget_intermediarite // visites))
    if graphe is gc:
        return nx.betweenness_centrality(gc, k=k, normalized=True, seed=params.graine), methode, k
    values = dict.fromkeys(gc, 0.0)
    if k:
        # unnormalised estimate over the tied nodes (pairs counted once, scaled by m / k), normalised
        # like networkx over the whole graph: every shortest path runs between tied nodes
        partiel = nx.betweenness_centrality(graphe, k=k, normalized=False, seed=params.graine)
        values.update({v: b * 2 / ((n - 1) * (n - 2)) for v, b in partiel.items()})
    return values, methode, k


def communautes(gc: nx.Graph, graine: int = 42) -> dict[str, int]:
    """Louvain communities (weights ``poids``, fixed seed), numbered 1.. by decreasing size.

    Ties in size are ordered by the smallest node id, so numbering is reproducible.

    Examples
    --------
    >>> gc = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> gc.add_node("z")
    >>> c = communautes(gc)
    >>> c["a"] == c["b"] == c["c"], c["x"] == c["y"], c["z"] != c["x"]
    (True, True, True)
    """
    if gc.number_of_nodes() == 0:
        return {}
    if gc.number_of_edges() == 0:
        groups = [{n} for n in gc.nodes]
    else:
        groups = nx.community.louvain_communities(gc, weight="poids", seed=graine)
    ordered = sorted(groups, key=lambda s: (-len(s), min(s)))
    return {node: index for index, group in enumerate(ordered, start=1) for node in group}


def courtage(gc: nx.Graph, groups: dict[str, str]) -> dict[str, dict[str, object]]:
    """Brokerage roles (Gould & Fernandez, undirected form) with actor groups.

    For each node ``b`` and each pair of its neighbours ``a``, ``c`` that are **not** tied to each
    other, ``b`` brokers the pair; the pair is counted as:

    - ``coordinateur``: a, b and c in the same group;
    - ``consultant``: a and c in one group, b in another;
    - ``gardien_representant``: b shares its group with exactly one of a and c (gatekeeper and
      representative cannot be told apart without direction);
    - ``liaison``: three different groups.

    The role of a node is the role with the highest count (ties: liaison, gardien_representant,
    consultant, coordinateur), ``aucun`` when it brokers no pair.

    Examples
    --------
    >>> gc = nx.Graph([("b", "a"), ("b", "c")])
    >>> courtage(gc, {"a": "x", "b": "y", "c": "z"})["b"]["role"]
    'liaison'
    >>> courtage(gc, {"a": "x", "b": "y", "c": "x"})["b"]["role"]
    'consultant'
    >>> courtage(gc, {"a": "x", "b": "x", "c": "y"})["b"]["role"]
    'gardien_representant'
    >>> same = courtage(gc, {"a": "x", "b": "x", "c": "x"})
    >>> same["b"]["role"], same["a"]["role"]
    ('coordinateur', 'aucun')
    """
    result: dict[str, dict[str, object]] = {}
    for b in gc.nodes:
        neighbours = set(gc[b])
        gb = groups.get(b)
        counts = Counter(groups.get(a) for a in neighbours)
        n_b = counts.get(gb, 0)
        others = [v for g, v in counts.items() if g != gb]
        s = sum(others)
        totals = {
            "coordinateur": n_b * (n_b - 1) // 2,
            "consultant": sum(v * (v - 1) // 2 for v in others),
            "gardien_representant": n_b * s,
            "liaison": (s * s - sum(v * v for v in others)) // 2,
        }
        for a in neighbours:  # remove the pairs that are tied (closed triangles)
            ga = groups.get(a)
            adjacent = gc[a]
            # walk the smaller side: a hub (a network head with thousands of members) next to every
            # neighbour would otherwise cost its degree squared
            common = (
                [c for c in neighbours if c in adjacent]
                if len(neighbours) < len(adjacent)
                else [c for c in adjacent if c in neighbours]
            )
            for c in common:
                if a < c:
                    gc_ = groups.get(c)
                    if ga == gc_ == gb:
                        totals["coordinateur"] -= 1
                    elif ga == gc_:
                        totals["consultant"] -= 1
                    elif gb in (ga, gc_):
                        totals["gardien_representant"] -= 1
                    else:
                        totals["liaison"] -= 1
        best = max(ROLES_COURTAGE, key=lambda r: (totals[r], -ROLES_COURTAGE.index(r)))
        result[b] = {
            "role": best if totals[best] > 0 else "aucun",
            **{f"nb_{r}": totals[r] for r in ROLES_COURTAGE},
        }
    return result


def distance_france_travail(gc: nx.Graph, graph: nx.MultiDiGraph) -> dict[str, int]:
    """Number of coordination ties between each node and the nearest France Travail actor.

    France Travail actors are at 0; nodes with no path are absent from the result.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("ft", type_noeud="acteur", type_acteur="france_travail")
    >>> gc = nx.path_graph(["ft", "pdi", "asso"]); gc.add_node("seul")
    >>> d = distance_france_travail(gc, g)
    >>> d["ft"], d["asso"], "seul" in d
    (0, 2, False)
    """
    sources = [n for n in gc.nodes if graph.nodes.get(n, {}).get("type_acteur") == "france_travail"]
    if not sources:
        return {}
    return dict(nx.multi_source_dijkstra_path_length(gc, sources, weight=lambda u, v, d: 1))


def lie(gc: nx.Graph, graph: nx.MultiDiGraph, a: str, b: str) -> bool:
    """Two actors are tied when they share an edge or take part in the same dispositif.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("a", {"type_noeud": "acteur"}), ("b", {"type_noeud": "acteur"}),
    ...                   ("d", {"type_noeud": "dispositif"})])
    >>> gc = nx.Graph([("a", "d"), ("d", "b")])
    >>> lie(gc, g, "a", "b")
    True
    """
    if gc.has_edge(a, b):
        return True
    if a not in gc or b not in gc:
        return False
    common = set(gc[a]) & set(gc[b])
    return any(graph.nodes[n].get("type_noeud") == "dispositif" for n in common)


class Liaisons:
    """Which pairs of a fixed set of actors are tied in the sense of :func:`lie`, as bit sets.

    Counting the tied pairs of a subset of ``s`` actors costs ``s`` bit-set intersections instead of
    ``s²/2`` calls to :func:`lie`: with 100 000 local offer services, a domain of the département can
    hold thousands of operators and pair by pair the analysis ran for hours. The counts are exact.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([(n, {"type_noeud": "acteur"}) for n in "abcde"])
    >>> g.add_node("d1", type_noeud="dispositif")
    >>> gc = nx.Graph([("a", "b"), ("c", "d1"), ("d", "d1")]); gc.add_node("e")
    >>> liaisons = Liaisons(gc, g, "abcde")
    >>> liaisons.paires_liees("abcde"), liaisons.paires_liees("ace")
    (2, 0)
    >>> sum(lie(gc, g, x, y) for x in "abcde" for y in "abcde" if x < y)
    2
    """

    def __init__(self, gc: nx.Graph, graph: nx.MultiDiGraph, actors: Iterable[str]):
        self.index = {a: i for i, a in enumerate(sorted(set(actors)))}
        by_dispositif: dict[str, int] = defaultdict(int)  # dispositif → its neighbours among the actors
        for a, i in self.index.items():
            if a in gc:
                for n in gc[a]:
                    if graph.nodes[n].get("type_noeud") == "dispositif":
                        by_dispositif[n] |= 1 << i
        self.tied: dict[str, int] = {}  # actor → the other actors it is tied to (only when any)
        for a, i in self.index.items():
            if a not in gc:
                continue
            mask = 0
            for n in gc[a]:
                j = self.index.get(n)
                if j is not None:
                    mask |= 1 << j
                mask |= by_dispositif.get(n, 0)
            mask &= ~(1 << i)
            if mask:
                self.tied[a] = mask

    def _mask(self, subset: Iterable[str]) -> int:
        bits = bytearray((len(self.index) + 8) // 8)
        for a in subset:
            i = self.index[a]
            bits[i >> 3] |= 1 << (i & 7)
        return int.from_bytes(bits, "little")

    def paires_liees(self, subset: Iterable[str]) -> int:
        """Number of unordered pairs of ``subset`` (actors of the set) that are tied."""
        subset = list(subset)
        members = [a for a in subset if a in self.tied]
        if not members:
            return 0
        mask = self._mask(subset)
        return sum((self.tied[a] & mask).bit_count() for a in members) // 2


def _liaisons_par_domaine(
    gc: nx.Graph, graph: nx.MultiDiGraph, operators: dict[tuple[str, str], set[str]]
) -> dict[str, Liaisons]:
    by_domain: dict[str, set[str]] = defaultdict(set)
    for (_commune, domaine), actors in operators.items():
        by_domain[domaine] |= actors
    return {domaine: Liaisons(gc, graph, actors) for domaine, actors in sorted(by_domain.items())}


def _reference(commune: dict) -> tuple[str, str] | None:
    if commune.get("code_ept"):
        return ("ept", commune["code_ept"])
    if commune.get("code_epci"):
        return ("epci", commune["code_epci"])
    return None


def coordination_acteurs(graph: nx.MultiDiGraph, params: Parametres = Parametres()) -> pd.DataFrame:
    """One row per actor and dispositif with its metrics (``marts.coordination_acteurs``)."""
    gc = coordination_graph(graph)
    code = graph.graph.get("code_departement")
    betweenness, method, k = intermediarite(gc, params)
    community = communautes(gc, params.graine)
    sizes = Counter(community.values())
    groups = {
        n: (
            "dispositif"
            if _kind(graph, n) == "dispositif"
            else actor_group(graph.nodes[n].get("type_acteur"))
        )
        for n in gc.nodes
    }
    roles = courtage(gc, groups)
    distance = distance_france_travail(gc, graph)
    rows = []
    for node in sorted(gc.nodes):
        data = graph.nodes[node]
        rows.append(
            {
                "code_departement": code,
                "id_noeud": node,
                "libelle": data.get("libelle"),
                "type_noeud": data.get("type_noeud"),
                "type_acteur": data.get("type_acteur"),
                "groupe_acteur": groups[node],
                "code_dispositif": data.get("code_dispositif"),
                "degre": gc.degree(node),
                "degre_pondere": round(math.fsum(d["poids"] for _, _, d in gc.edges(node, data=True)), 6),
                "intermediarite": round(betweenness.get(node, 0.0), 8),
                "methode_intermediarite": method,
                "k_echantillon": k,
                "communaute": community.get(node),
                "taille_communaute": sizes.get(community.get(node), 0),
                "role_courtage": roles[node]["role"],
                **{f"nb_{r}": roles[node][f"nb_{r}"] for r in ROLES_COURTAGE},
                "distance_france_travail": distance.get(node),
            }
        )
    frame = pd.DataFrame(rows)
    if len(frame):
        frame["k_echantillon"] = frame["k_echantillon"].astype("Int64")
        frame["distance_france_travail"] = frame["distance_france_travail"].astype("Int64")
    return frame


def _expected_types(data: dict) -> list[tuple[str, str]]:
    """(role, type) pairs of an instance, EPCI and EPT merged into one ``intercommunalite``."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for role, key in (
        ("pilote", "pilotes_attendus"),
        ("signataire", "signataires_attendus"),
        ("partenaire", "partenaires_attendus"),
    ):
        for type_acteur in data.get(key) or []:
            t = INTERCOMMUNALITE if type_acteur in ("epci", "ept") else type_acteur
            if t not in seen:
                seen.add(t)
                out.append((role, t))
    return out


def _matches(type_acteur: str | None, expected: str) -> bool:
    if expected == INTERCOMMUNALITE:
        return type_acteur in ("epci", "ept")
    return type_acteur == expected


def _candidates(
    graph: nx.MultiDiGraph,
    expected: str,
    instance: dict,
    actors_by_type: dict[str, list[str]],
    communes: dict[str, dict],
    zones: dict[str, dict[str, set[str]]],
) -> list[str]:
    code = graph.graph.get("code_departement")
    scope = set(instance.get("communes") or [])
    if expected in INSTITUTIONS_DEPARTEMENTALES:
        node = f"{expected}:{code}"
        return [node] if node in graph else []
    if expected == "region":
        return sorted(actors_by_type.get("region", []))[:1]
    if expected == INTERCOMMUNALITE:
        refs = {_reference(communes[c]) for c in scope if c in communes}
        return sorted(f"{niveau}:{value}" for niveau, value in refs - {None} if f"{niveau}:{value}" in graph)
    if expected in ("commune", "ccas"):
        return sorted(f"{expected}:{c}" for c in scope if f"{expected}:{c}" in graph)
    by_commune = zones.get(expected, {})  # the actors of that type acting in each commune
    return sorted(set().union(*(by_commune.get(c, set()) for c in scope)))


def coordination_dispositifs(graph: nx.MultiDiGraph, params: Parametres = Parametres()) -> pd.DataFrame:
    """Expected versus observed partners of each current dispositif (``marts.coordination_dispositifs``).

    One row per instance and expected actor type: the candidates of that type on the
    instance's territory, the actors of that type actually tied to it, and whether the
    expectation is met. Dispositifs whose period ended before the reference year
    (``historique``) are left out.
    """
    gc = coordination_graph(graph)
    code = graph.graph.get("code_departement")
    communes = commune_nodes(graph)
    actors_by_type: dict[str, list[str]] = defaultdict(list)
    # type → commune → actors of that type acting there: candidates are looked up by commune, not by
    # scanning every actor for every dispositif (100 000 local offer services)
    zones: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for node, data in graph.nodes(data=True):
        if data.get("type_noeud") == "acteur":
            type_acteur = data.get("type_acteur") or "autre"
            actors_by_type[type_acteur].append(node)
            for commune in zone_communes(graph, node, communes):
                zones[type_acteur][commune].add(node)
    rows = []
    for node, data in sorted(graph.nodes(data=True)):
        if data.get("type_noeud") != "dispositif" or data.get("historique"):
            continue
        neighbours = list(gc[node]) if node in gc else []
        expectations = _expected_types(data)
        instance_rows = []
        for role, expected in expectations:
            observed = sorted(
                n
                for n in neighbours
                if _kind(graph, n) == "acteur" and _matches(graph.nodes[n].get("type_acteur"), expected)
            )
            candidates = _candidates(graph, expected, data, actors_by_type, communes, zones)
            missing = [c for c in candidates if c not in observed] if not observed else []
            instance_rows.append(
                {
                    "code_departement": code,
                    "id_dispositif": node,
                    "code_dispositif": data.get("code_dispositif"),
                    "libelle_dispositif": data.get("libelle"),
                    "niveau": data.get("niveau"),
                    "code_territoire": data.get("code_territoire"),
                    "role_attendu": role,
                    "type_lien_attendu": _LIEN_ATTENDU[role],
                    "type_acteur": expected,
                    "libelle_type_acteur": "Intercommunalité (EPT ou EPCI)"
                    if expected == INTERCOMMUNALITE
                    else ACTOR_TYPES.get(expected, (expected, ""))[0],
                    "nb_candidats": len(candidates),
                    "candidats": json.dumps(candidates[: params.max_ids], ensure_ascii=False),
                    "nb_observes": len(observed),
                    "observes": json.dumps(observed[: params.max_ids], ensure_ascii=False),
                    "present": bool(observed),
                    "manquants": json.dumps(missing[: params.max_ids], ensure_ascii=False),
                }
            )
        covered = sum(1 for r in instance_rows if r["present"])
        for r in instance_rows:
            r["taux_couverture_dispositif"] = (
                round(covered / len(instance_rows), 6) if instance_rows else None
            )
        rows.extend(instance_rows)
    columns = [
        "code_departement",
        "id_dispositif",
        "code_dispositif",
        "libelle_dispositif",
        "niveau",
        "code_territoire",
        "role_attendu",
        "type_lien_attendu",
        "type_acteur",
        "libelle_type_acteur",
        "nb_candidats",
        "candidats",
        "nb_observes",
        "observes",
        "present",
        "manquants",
        "taux_couverture_dispositif",
    ]
    return pd.DataFrame(rows, columns=columns)


def operateurs_par_domaine(graph: nx.MultiDiGraph) -> dict[tuple[str, str], set[str]]:
    """(commune, domain) → actors offering a service of that domain located in that commune."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, v, data in graph.edges(data=True):
        if data.get("type_lien") != "offre":
            continue
        service = graph.nodes[v]
        commune, domaine = service.get("code_commune"), service.get("code_domaine")
        if commune and domaine:
            out[(commune, domaine)].add(u)
    return out


def _territory_units(communes: dict[str, dict], code: str) -> list[tuple[str, str, set[str]]]:
    """(niveau, code, communes) of the communes, reference intercommunalities and the département."""
    units: dict[tuple[str, str], set[str]] = defaultdict(set)
    for commune, data in communes.items():
        units[("commune", commune)].add(commune)
        ref = _reference(data)
        if ref:
            units[ref].add(commune)
        units[("departement", code)].add(commune)
    return [(niveau, value, members) for (niveau, value), members in sorted(units.items())]


def _labels(graph: nx.MultiDiGraph, nodes: Iterable[str], limit: int = 8) -> str:
    names = sorted(str(graph.nodes[n].get("libelle") or n) for n in nodes)
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" et {more} autre(s)" if more > 0 else "")


def _domain_axes(graph: nx.MultiDiGraph) -> dict[str, tuple[str | None, str]]:
    return {
        d["code_domaine"]: (d.get("code_axe"), d.get("libelle") or d["code_domaine"])
        for _, d in graph.nodes(data=True)
        if d.get("type_noeud") == "domaine"
    }


def _territory_label(graph: nx.MultiDiGraph, niveau: str, code: str) -> str:
    node = f"territoire:{niveau}:{code}"
    return str(graph.nodes[node].get("libelle")) if node in graph else code


def liens_manquants(
    graph: nx.MultiDiGraph,
    dispositifs: pd.DataFrame | None = None,
    besoins: pd.DataFrame | None = None,
    params: Parametres = Parametres(),
) -> pd.DataFrame:
    """Expected links absent from the observed graph (``marts.liens_manquants``), with a reason.

    Rules (``regle``):

    - ``partenaire_attendu_absent``: an expected actor type of a current dispositif has no tie
      to it (from :func:`coordination_dispositifs`);
    - ``insertion_sans_lien_ft_pdi``: an insertion actor (SIAE, mission locale, PLIE, Cap emploi,
      maison de l'emploi) with no direct tie to France Travail nor to the PDI/PTI;
    - ``operateurs_sans_lien``: in one EPT/EPCI, several actors offer services of one domain and no
      two of them are tied (directly or through a common dispositif);
    - ``besoin_eleve_offre_non_coordonnee``: a territory whose need index for a domain is at least
      ``seuil_besoin_eleve`` (100 = France) and whose offer in that domain belongs only to actors
      with no coordination tie at all.
    """
    gc = coordination_graph(graph)
    code = graph.graph.get("code_departement")
    domains = _domain_axes(graph)
    rows: list[dict[str, object]] = []

    def add(
        regle: str,
        raison: str,
        source: str | None = None,
        cible: str | None = None,
        type_lien: str | None = None,
        niveau: str | None = None,
        territoire: str | None = None,
        domaine: str | None = None,
        details: dict | None = None,
    ) -> None:
        rows.append(
            {
                "code_departement": code,
                "regle": regle,
                "id_source": source,
                "libelle_source": graph.nodes[source].get("libelle") if source in graph else None,
                "id_cible": cible,
                "libelle_cible": graph.nodes[cible].get("libelle") if cible in graph else None,
                "type_lien_attendu": type_lien,
                "niveau": niveau,
                "code_territoire": territoire,
                "code_axe": domains.get(domaine, (None, None))[0] if domaine else None,
                "code_domaine": domaine,
                "raison": raison,
                "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
            }
        )

    # rule: expected partners of dispositifs
    if dispositifs is None:
        dispositifs = coordination_dispositifs(graph, params)
    for r in dispositifs[~dispositifs["present"].astype(bool)].to_dict("records"):
        candidates = json.loads(r["manquants"])
        target = candidates[0] if len(candidates) == 1 else None
        who = (
            graph.nodes[target].get("libelle")
            if target
            else f"aucun acteur de type « {r['libelle_type_acteur']} »"
            + (
                f" (candidats : {_labels(graph, candidates, 5)})"
                if candidates
                else " connu sur le territoire"
            )
        )
        add(
            "partenaire_attendu_absent",
            f"{r['libelle_dispositif']} : {_ROLE_FR[r['role_attendu']]} attendu de type "
            f"« {r['libelle_type_acteur']} » sans lien observé ({who}).",
            source=r["id_dispositif"],
            cible=target,
            type_lien=r["type_lien_attendu"],
            niveau=r["niveau"],
            territoire=r["code_territoire"],
            details={"type_acteur": r["type_acteur"], "role": r["role_attendu"], "candidats": candidates},
        )

    # rule: insertion actors without France Travail nor PDI/PTI
    france_travail = {n for n, d in graph.nodes(data=True) if d.get("type_acteur") == "france_travail"}
    pdi_pti = {
        n
        for n, d in graph.nodes(data=True)
        if d.get("type_noeud") == "dispositif"
        and d.get("code_dispositif") in ("pdi", "pti")
        and not d.get("historique")
    }
    direction = f"france_travail:{code}" if f"france_travail:{code}" in graph else None
    for node, data in sorted(graph.nodes(data=True)):
        if data.get("type_noeud") != "acteur" or data.get("type_acteur") not in INSERTION_TYPES:
            continue
        neighbours = set(gc[node]) if node in gc else set()
        if neighbours & (france_travail | pdi_pti):
            continue
        add(
            "insertion_sans_lien_ft_pdi",
            f"{data.get('libelle')} ({ACTOR_TYPES[data['type_acteur']][0]}) n'a de lien observé ni avec "
            "France Travail ni avec le PDI ou le PTI du département.",
            source=node,
            cible=direction,
            type_lien="partenaire_de",
            niveau="commune" if data.get("code_commune") else None,
            territoire=data.get("code_commune"),
            details={"dispositifs_pdi_pti": sorted(pdi_pti), "liens_existants": sorted(neighbours)},
        )

    operators = operateurs_par_domaine(graph)
    communes = commune_nodes(graph)
    # rule: several operators of one domain in one EPT/EPCI, none tied
    by_unit: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for (commune, domaine), actors in operators.items():
        ref = _reference(communes.get(commune, {}))
        if ref:
            by_unit[(ref[0], ref[1], domaine)] |= actors
    liaisons = _liaisons_par_domaine(gc, graph, operators)
    for (niveau, territoire, domaine), actors in sorted(by_unit.items()):
        if len(actors) < 2:
            continue
        ordered = sorted(actors)
        if liaisons[domaine].paires_liees(ordered):
            continue
        add(
            "operateurs_sans_lien",
            f"{len(ordered)} acteurs offrent des services « {domains.get(domaine, (None, domaine))[1]} » sur "
            f"{_territory_label(graph, niveau, territoire)} sans aucun lien observé entre eux "
            f"({_labels(graph, ordered)}).",
            type_lien="partenaire_de",
            niveau=niveau,
            territoire=territoire,
            domaine=domaine,
            details={"operateurs": ordered[: params.max_ids], "nb_operateurs": len(ordered)},
        )

    # rule: high need, offer held only by uncoordinated actors
    if besoins is not None and len(besoins):
        units = {(n, c): members for n, c, members in _territory_units(communes, code)}
        frame = besoins[besoins["niveau"].isin(["commune", "ept", "epci"])]
        for r in frame.to_dict("records"):
            key = (r["niveau"], str(r["code_territoire"]))
            value = r.get("indice_besoin")
            if (
                key not in units
                or value is None
                or pd.isna(value)
                or float(value) < params.seuil_besoin_eleve
            ):
                continue
            domaine = r["code_domaine"]
            actors = set().union(*[operators.get((c, domaine), set()) for c in units[key]])
            if not actors:
                continue
            coordinated = [a for a in actors if a in gc and gc.degree(a) > 0]
            if coordinated:
                continue
            add(
                "besoin_eleve_offre_non_coordonnee",
                f"Besoin élevé en « {domains.get(domaine, (None, domaine))[1]} » sur "
                f"{_territory_label(graph, key[0], key[1])} (indice {float(value):.0f}, 100 = France) : "
                f"l'offre ({len(actors)} acteur(s) : {_labels(graph, actors, 5)}) n'est portée par aucun "
                "acteur coordonné (aucun lien avec un autre acteur ou un dispositif).",
                niveau=key[0],
                territoire=key[1],
                domaine=domaine,
                details={"indice_besoin": float(value), "operateurs": sorted(actors)[: params.max_ids]},
            )
    columns = [
        "code_departement",
        "regle",
        "id_source",
        "libelle_source",
        "id_cible",
        "libelle_cible",
        "type_lien_attendu",
        "niveau",
        "code_territoire",
        "code_axe",
        "code_domaine",
        "raison",
        "details",
    ]
    return pd.DataFrame(rows, columns=columns)


def _mean(values: Iterable[float]) -> float | None:
    """Mean with an exactly rounded sum (:func:`math.fsum`): the same whatever the order of the values.

    >>> _mean([0.1, 0.2, 0.3]) == _mean([0.3, 0.1, 0.2]), _mean([])
    (True, None)
    """
    values = list(values)
    return math.fsum(values) / len(values) if values else None


def faiblesse_coordination(
    graph: nx.MultiDiGraph, dispositifs: pd.DataFrame | None = None, params: Parametres = Parametres()
) -> pd.DataFrame:
    """Coordination weakness (0 = well coordinated, 1 = not at all) per territory and domain.

    Components, each in [0, 1] and left empty when it cannot be measured:

    - ``isolement``: share of the domain's operators on the territory with no coordination tie;
    - ``fragmentation``: share of pairs of those operators that are not tied (directly or through
      a common dispositif), when there are at least two;
    - ``partenaires_manquants``: share of expected partner types missing, averaged over the current
      dispositifs that cover the territory and include the domain's axis;
    - ``eloignement_france_travail`` (axis A2 only): share of the operators more than two ties
      away from France Travail (or not connected to it).

    ``score`` is the weighted mean of the measured components (weights ``params.poids``).
    Territories: communes, their EPT/EPCI and the département.
    """
    gc = coordination_graph(graph)
    code = graph.graph.get("code_departement")
    communes = commune_nodes(graph)
    operators = operateurs_par_domaine(graph)
    distance = distance_france_travail(gc, graph)
    if dispositifs is None:
        dispositifs = coordination_dispositifs(graph, params)
    coverage = dispositifs.groupby("id_dispositif")["taux_couverture_dispositif"].first().to_dict()
    by_commune: dict[str, set[str]] = defaultdict(set)  # commune → current instances covering it
    instance_axes: dict[str, set[str]] = {}
    for n, d in graph.nodes(data=True):
        if d.get("type_noeud") == "dispositif" and not d.get("historique") and n in coverage:
            instance_axes[n] = set(d.get("axes") or [])
            for commune in d.get("communes") or []:
                by_commune[commune].add(n)
    domains = _domain_axes(graph)
    has_ft = any(graph.nodes[n].get("type_acteur") == "france_travail" for n in gc.nodes)
    liaisons = _liaisons_par_domaine(gc, graph, operators)
    rows = []
    for niveau, territoire, members in _territory_units(communes, code):
        covering = set().union(*[by_commune.get(c, set()) for c in members])
        relevant_by_axis = {
            axe: [coverage[n] for n in sorted(covering) if axe in instance_axes[n]]
            for axe in {a for a, _ in domains.values()}
        }
        for domaine, (axe, _label) in sorted(domains.items()):
            actors = set().union(*[operators.get((c, domaine), set()) for c in members])
            components: dict[str, float | None] = {}
            ordered = sorted(actors)
            components["isolement"] = (
                sum(1 for a in ordered if a not in gc or gc.degree(a) == 0) / len(ordered)
                if ordered
                else None
            )
            if len(ordered) >= 2:
                pairs = len(ordered) * (len(ordered) - 1) // 2
                components["fragmentation"] = (pairs - liaisons[domaine].paires_liees(ordered)) / pairs
            else:
                components["fragmentation"] = None
            relevant = relevant_by_axis[axe]
            mean_cov = _mean(v for v in relevant if v is not None)
            components["partenaires_manquants"] = None if mean_cov is None else 1.0 - mean_cov
            if axe == "A2" and ordered and has_ft:
                components["eloignement_france_travail"] = sum(
                    1 for a in ordered if distance.get(a) is None or distance[a] > 2
                ) / len(ordered)
            else:
                components["eloignement_france_travail"] = None
            measured = {k: v for k, v in components.items() if v is not None}
            if not measured:
                continue
            weights = {k: params.poids.get(k, 1.0) for k in measured}
            total = math.fsum(weights.values())
            score = math.fsum(measured[k] * weights[k] for k in measured) / total if total else None
            rows.append(
                {
                    "niveau": niveau,
                    "code_territoire": territoire,
                    "code_departement": code,
                    "code_axe": axe,
                    "code_domaine": domaine,
                    "score": None if score is None else round(min(max(score, 0.0), 1.0), 6),
                    "nb_composantes": len(measured),
                    "composantes": json.dumps({k: round(v, 6) for k, v in measured.items()}, sort_keys=True),
                    **{k: (None if v is None else round(v, 6)) for k, v in components.items()},
                    "nb_operateurs": len(ordered),
                    "nb_dispositifs": len(relevant),
                }
            )
    columns = [
        "niveau",
        "code_territoire",
        "code_departement",
        "code_axe",
        "code_domaine",
        "score",
        "nb_composantes",
        "composantes",
        "isolement",
        "fragmentation",
        "partenaires_manquants",
        "eloignement_france_travail",
        "nb_operateurs",
        "nb_dispositifs",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in (
        "isolement",
        "fragmentation",
        "partenaires_manquants",
        "eloignement_france_travail",
        "score",
    ):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame
