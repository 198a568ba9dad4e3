"""Metrics of each actor and dispositif in the coordination graph: betweenness, communities, brokerage
roles, distance to France Travail (``marts.coordination_acteurs``), and the coordination ties shared
with :mod:`graph.attentes`.

Everything works on the **coordination graph** (:func:`coordination_graph`): an undirected simple
graph whose nodes are the actors and dispositifs and whose edges are the coordination ties
(``pilote``, ``signe``, ``finance``, ``opere``, ``partenaire_de``, ``membre_de``) of the full
graph, whatever their direction; the weight of a pair combines the confidences of all its ties
(noisy-or). Places, domains, services and documents are context, not coordination: two actors
in the same commune are not tied because of it.

docs/graphe.md explains each metric in plain words. Split from graph/analyse.py (issue 13).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph import vocabulaire
from graph.modele import (
    COORDINATION_KINDS,
    actor_group,
    combine_confidences,
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
    "operateurs_par_domaine",
    "lie",
    "Liaisons",
]

ROLES_COURTAGE = ("liaison", "gardien_representant", "consultant", "coordinateur")


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
    # indice_besoin (100 = France) from which a need is "high"; None: the dbt var offre_seuil_besoin_fort
    # as the build of dbt resolved it (graph.vocabulaire), the threshold of the « besoin fort » of
    # marts.ecarts (one value for the graph and dbt, --vars included)
    seuil_besoin_eleve: float | None = None
    max_ids: int = 50  # ids listed per cell (the counts are always complete)
    poids: dict[str, float] = field(
        default_factory=lambda: {
            "isolement": 1.0,
            "fragmentation": 1.0,
            "partenaires_manquants": 1.0,
            "eloignement_france_travail": 1.0,
        }
    )

    def seuil_besoin(self) -> float:
        """``seuil_besoin_eleve``, or when unset the warehouse's ``offre_seuil_besoin_fort``.

        Examples
        --------
        >>> Parametres(seuil_besoin_eleve=130).seuil_besoin()
        130.0
        """
        if self.seuil_besoin_eleve is not None:
            return float(self.seuil_besoin_eleve)
        return vocabulaire.courant().seuil_besoin_fort


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
