"""What the graph should hold and does not: expected partners of each dispositif
(``marts.coordination_dispositifs``), expected links absent (``marts.liens_manquants``) and the
coordination weakness per territory and domain (``marts.faiblesse_coordination``).

docs/graphe.md explains each rule in plain words. Split from graph/analyse.py (issue 13); the
coordination graph and its ties come from :mod:`graph.metriques`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from graph.metriques import (
    Parametres,
    _kind,
    _liaisons_par_domaine,
    _reference,
    coordination_graph,
    distance_france_travail,
    operateurs_par_domaine,
)
from graph.modele import (
    ACTOR_TYPES,
    INSERTION_TYPES,
    INSTITUTIONS_DEPARTEMENTALES,
    commune_nodes,
    zone_communes,
)
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

__all__ = ["coordination_dispositifs", "liens_manquants", "faiblesse_coordination", "INTERCOMMUNALITE"]

INTERCOMMUNALITE = "intercommunalite"
_LIEN_ATTENDU = {"pilote": "pilote", "signataire": "signe", "partenaire": "partenaire_de"}
_ROLE_FR = {"pilote": "pilote", "signataire": "signataire", "partenaire": "partenaire"}


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
        seuil = params.seuil_besoin()
        units = {(n, c): members for n, c, members in _territory_units(communes, code)}
        frame = besoins[besoins["niveau"].isin(["commune", "ept", "epci"])]
        for r in frame.to_dict("records"):
            key = (r["niveau"], str(r["code_territoire"]))
            value = r.get("indice_besoin")
            if key not in units or value is None or pd.isna(value) or float(value) < seuil:
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
