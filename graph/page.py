"""The network page: one self-contained HTML file per département, readable offline.

The page draws the coordination network with vis-network 9.1.2, the library pyvis ships
(``pyvis/lib/vis-9.1.2``), **inlined** in the file: pyvis's own template always links CDN
scripts (vis-network, Bootstrap, tom-select), so the page uses its own template and no outside
request is possible (a Content-Security-Policy forbids any fetch besides inline scripts, inline
styles and ``data:`` images).

What the page shows (in French): actors coloured by type and sized by betweenness centrality,
dispositifs as diamonds, the offer aggregated per domain, edge style by link kind, a legend,
the names of the :data:`ETIQUETTES_PERMANENTES` most central actors and dispositifs always drawn
(the others when hovered, found, focused or zoomed in; never truncated, never overlapping), a search
box, a focus mode (one actor, its neighbours and the evidence of each link: the quoted passage with
its document and page, or the registry source with its web address), filters by axis and by kind of
node that hide nodes without moving any (« Tout afficher » puts every node back where the layout left
it), a live counter of the nodes and links drawn, tooltips built as DOM text (a hostile name such as
``<script>`` is shown as text, never run) and a "France Travail / PDI-PTI" view that highlights
those nodes and their neighbours. Documents are not nodes (they are the evidence of ties).
Past :data:`SEUIL_AGREGATION` nodes, actors with no
coordination tie are grouped per type and intercommunality, and services per domain and
intercommunality. The layout is computed (stabilisation iterations) before display, then the
physics is switched off.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import networkx as nx
from jinja2 import Environment

from graph.analyse import coordination_graph
from graph.modele import ACTOR_GROUPS, ACTOR_TYPES, EDGE_KINDS
from graph.vocabulaire import Vue
from ingest.paresseux import module_paresseux
from socle.ecriture import ecrire_texte

pd = module_paresseux("pandas")

__all__ = ["SEUIL_AGREGATION", "display_model", "render_page", "write_page", "json_for_script", "vis_assets"]

SEUIL_AGREGATION = 300  # nodes above which the page aggregates
MAX_SERVICES_DETAIL = 120  # services drawn one by one below this number
ETIQUETTES_PERMANENTES = 15  # actors and dispositifs whose name is always drawn (most central first)
MAX_PREUVES = 6  # pieces of evidence kept per link
MAX_CITATION = 420  # characters of a quoted passage

# the colour of each actor type: the column ``couleur`` of the seed acteurs_types, read from the
# warehouse with the rest of the vocabulary (graph.vocabulaire); an unknown type takes « autre »'s
TYPE_COLOURS: Mapping[str, str] = Vue(lambda v: v.couleurs)
DISPOSITIF_COLOUR = "#2e2e2e"
OFFRE_COLOUR = "#d5dbdb"
EDGE_STYLES: dict[str, dict[str, object]] = {
    "pilote": {"color": "#922b21", "dashes": False, "width": 3, "libelle": "pilote"},
    "signe": {"color": "#1f618d", "dashes": False, "width": 2, "libelle": "signe"},
    "finance": {"color": "#1e8449", "dashes": False, "width": 2, "libelle": "finance"},
    "opere": {"color": "#ca6f1e", "dashes": False, "width": 2, "libelle": "opère"},
    "partenaire_de": {"color": "#5d6d7e", "dashes": [8, 5], "width": 2, "libelle": "partenaire de"},
    "membre_de": {"color": "#95a5a6", "dashes": [2, 4], "width": 1, "libelle": "membre de"},
    "offre": {"color": "#bfc9ca", "dashes": [1, 3], "width": 1, "libelle": "offre (services)"},
}
NODE_KINDS_FR = {
    "acteur": "Acteurs",
    "dispositif": "Dispositifs",
    "offre": "Offre (services)",
    "groupe": "Groupes d'acteurs sans lien",
}
AXES_FR = {
    "A1": "A1 Enfance",
    "A2": "A2 Emploi",
    "A3": "A3 Accès aux droits",
    "A4": "A4 Transition",
    "": "Sans axe",
}
ROLES_FR = {
    "liaison": "liaison (relie des groupes différents)",
    "gardien_representant": "gardien / représentant",
    "consultant": "consultant",
    "coordinateur": "coordinateur (au sein de son groupe)",
    "aucun": "aucun",
}
# where a node or a piece of evidence comes from, as a person reads it
ORIGINES_FR = {
    "registre": "registre local des acteurs",
    "modele": "modèle national des dispositifs",
    "territoires": "géographie administrative (INSEE, COG)",
    "catalogue": "catalogue de l'offre d'insertion",
    "documents": "documents du territoire",
    "entretiens": "entretiens",
    "regle_reglementaire": "texte réglementaire",
    "donnee": "données publiques",
    "comite": "comité de suivi",
}
TYPES_PREUVE_FR = {
    "site_public": "site public",
    "convention": "convention",
    "texte_officiel": "texte officiel",
    "donnee": "donnée publique",
    "passage": "passage de document",
    "entretien": "entretien",
    "comite": "correction du comité",
}
_FICHIER = re.compile(r"\s*\([^()]*\.(?:csv|json|xlsx?|parquet|ods|txt)\)", re.I)


def vis_assets() -> tuple[str, str]:
    """The vis-network 9.1.2 script and style shipped inside the pyvis package."""
    base = resources.files("pyvis") / "lib" / "vis-9.1.2"
    script = (base / "vis-network.min.js").read_text(encoding="utf-8")
    style = (base / "vis-network.css").read_text(encoding="utf-8")
    return script.replace("</script", "<\\/script"), style.replace("</style", "<\\/style")


def _clean(value: object) -> object:
    """Plain JSON values: numpy scalars to Python, NaN / NA to ``None``, sets to sorted lists."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, set):
        return sorted(_clean(v) for v in value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def json_for_script(value: object) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and line separators escaped.

    Examples
    --------
    >>> json_for_script({"x": "</script><b>"})
    '{"x": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(_clean(value), ensure_ascii=False, sort_keys=True, allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


# networks whose sites are often named by their town only in the sources (« Drancy » for an agency)
TYPES_RESEAU = ("france_travail", "mission_locale", "cap_emploi", "france_services", "plie")


def _fold(text: str) -> str:
    return re.sub(
        r"[^a-z0-9]+", " ", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    )


def _with_type(libelle: str, type_acteur: str | None) -> str:
    """The name of a site of a network, prefixed by its network when the name is only a town.

    >>> _with_type("Drancy", "france_travail"), _with_type("Mission locale de Bondy", "mission_locale")
    ('France Travail — Drancy', 'Mission locale de Bondy')
    """
    if type_acteur not in TYPES_RESEAU:
        return libelle
    label = ACTOR_TYPES.get(type_acteur, ("", ""))[0]
    short = re.sub(r"\s*\(.*\)$", "", label)  # « Mission locale » out of « Mission locale (…) »
    words = set(_fold(short).split()) - {"de", "d", "la", "le", "des", "et", "l"}
    if not short or words & set(_fold(libelle).split()) or ("pole emploi" in _fold(libelle)):
        return libelle
    return f"{short} — {libelle}"


def _reference(graph: nx.MultiDiGraph, commune: str | None) -> tuple[str, str] | None:
    node = f"territoire:commune:{commune}" if commune else None
    if not node or node not in graph:
        return None
    data = graph.nodes[node]
    if data.get("code_ept"):
        return ("ept", data["code_ept"])
    if data.get("code_epci"):
        return ("epci", data["code_epci"])
    return None


def _territory_label(graph: nx.MultiDiGraph, ref: tuple[str, str] | None) -> str:
    if ref is None:
        return "hors intercommunalité"
    node = f"territoire:{ref[0]}:{ref[1]}"
    return str(graph.nodes[node].get("libelle")) if node in graph else ref[1]


def _passages_index(passages: pd.DataFrame | None) -> dict[str, dict[str, object]]:
    """id_passage → quoted text, document title and page (from ``marts.passages`` / ``marts.documents``)."""
    if passages is None or not len(passages):
        return {}
    index = {}
    for row in passages.to_dict("records"):
        texte = " ".join(str(row.get("texte") or "").split())
        if len(texte) > MAX_CITATION:
            texte = texte[: MAX_CITATION - 1].rstrip() + "…"
        page = row.get("page")
        unite = str(row.get("unite_page") or "page")
        index[str(row["id_passage"])] = {
            "citation": texte,
            "document": str(row.get("titre") or "") or None,
            "page": (f"p. {int(page)}" if unite == "page" else f"section {int(page)}")
            if page is not None and not pd.isna(page)
            else None,
        }
    return index


def _evidence(data: dict, passages: dict[str, dict[str, object]], limit: int = MAX_PREUVES) -> list[dict]:
    """The evidence of one edge as a person reads it: a quoted passage with its document and page, or a
    source (registry web address, official text, public data); never an identifier."""
    proofs = sorted(data.get("preuves", []), key=lambda p: -float(p.get("confiance", 0)))
    shown: list[dict[str, object]] = []
    for p in proofs:
        origine, kind = p.get("origine"), p.get("type_preuve")
        base = {
            "origine": ORIGINES_FR.get(origine, "autre source"),
            "nature": TYPES_PREUVE_FR.get(kind, "donnée"),
            "confiance": p.get("confiance"),
            "date": p.get("date"),
            "note": p.get("commentaire"),
        }
        reference = str(p.get("reference") or "")
        if kind in ("passage", "entretien"):
            found = [passages[r] for r in reference.split(",") if r in passages]
            if not found:  # the passage is not in the warehouse any more: say so, without its id
                shown.append({**base, "citation": None, "document": "passage introuvable dans l'entrepôt"})
            for item in found:
                shown.append({**base, **item})
        elif re.match(r"https?://", reference):
            shown.append({**base, "adresse": reference})
        elif origine == "catalogue":
            shown.append(base)  # the reference is a row id of the catalogue
        else:
            shown.append({**base, "source": _FICHIER.sub("", reference) or None})
        if len(shown) >= limit:
            break
    return [{k: v for k, v in e.items() if v is not None} for e in shown[:limit]]


def display_model(
    graph: nx.MultiDiGraph,
    metrics: pd.DataFrame | None = None,
    seuil: int = SEUIL_AGREGATION,
    passages: pd.DataFrame | None = None,
) -> dict[str, object]:
    """Nodes, edges, legend and aggregation notes of the page (plain data, no HTML).

    ``passages`` (``id_passage``, ``texte``, ``page``, ``unite_page``, ``titre``) turns the passage
    references of the evidence into quotations."""
    metrics = metrics if metrics is not None else pd.DataFrame()
    citations = _passages_index(passages)
    by_id = metrics.set_index("id_noeud").to_dict("index") if len(metrics) else {}
    gc = coordination_graph(graph)
    actors = [n for n, d in graph.nodes(data=True) if d["type_noeud"] == "acteur"]
    dispositifs = [n for n, d in graph.nodes(data=True) if d["type_noeud"] == "dispositif"]
    services = [n for n, d in graph.nodes(data=True) if d["type_noeud"] == "service"]
    notes: list[str] = []
    total = len(actors) + len(dispositifs) + len(services)
    aggregate = total > seuil
    group_of: dict[str, str] = {}
    if aggregate:
        isolated = [n for n in actors if n not in gc or gc.degree(n) == 0]
        buckets: dict[tuple[str, str], list[str]] = defaultdict(list)
        for node in isolated:
            data = graph.nodes[node]
            ref = _reference(graph, data.get("code_commune"))
            buckets[(data.get("type_acteur") or "autre", f"{ref[0]}:{ref[1]}" if ref else "-")].append(node)
        for (type_acteur, ref), members in buckets.items():
            if len(members) >= 2:
                for member in members:
                    group_of[member] = f"groupe:{type_acteur}:{ref}"
        if group_of:
            notes.append(
                f"{len(group_of)} acteurs sans lien de coordination regroupés par type et intercommunalité"
            )
    service_unit: dict[str, str] = {}
    if services:
        detail = len(services) <= MAX_SERVICES_DETAIL and not aggregate
        for node in services:
            data = graph.nodes[node]
            if detail:
                service_unit[node] = node
            else:
                ref = _reference(graph, data.get("code_commune"))
                key = f"{ref[0]}:{ref[1]}" if ref else "-"
                service_unit[node] = f"offre:{data.get('code_domaine') or 'sans_domaine'}:{key}"
        if not detail:
            notes.append(f"{len(services)} services regroupés par domaine et intercommunalité")

    def unit(node: str) -> str | None:
        kind = graph.nodes[node]["type_noeud"]
        if kind == "acteur":
            return group_of.get(node, node)
        if kind == "dispositif":
            return node
        if kind == "service":
            return service_unit.get(node)
        return None

    max_bt = max((float(m.get("intermediarite") or 0) for m in by_id.values()), default=0.0) or 1.0
    nodes: dict[str, dict[str, object]] = {}
    for node, data in graph.nodes(data=True):
        u = unit(node)
        if u is None:
            continue
        kind = data["type_noeud"]
        m = by_id.get(node, {})
        if u != node:  # aggregated
            entry = nodes.setdefault(u, {"id": u, "membres": 0, "exemples": [], "axes": set()})
            entry["membres"] += 1
            if len(entry["exemples"]) < 8:
                entry["exemples"].append(str(data.get("libelle")))
            entry["axes"].update(
                [data["code_axe"]] if kind == "service" and data.get("code_axe") else data.get("axes") or []
            )
            if kind == "service":
                ref = _reference(graph, data.get("code_commune"))
                entry.update(
                    genre="offre", domaine=data.get("code_domaine"), territoire=_territory_label(graph, ref)
                )
            else:
                ref = _reference(graph, data.get("code_commune"))
                entry.update(
                    genre="groupe",
                    type_acteur=data.get("type_acteur") or "autre",
                    territoire=_territory_label(graph, ref),
                )
            continue
        axes = set(data.get("axes") or [])
        if kind == "acteur" and node in gc:  # an actor also belongs to the axes of its dispositifs
            for other in gc[node]:
                if graph.nodes[other]["type_noeud"] == "dispositif":
                    axes.update(graph.nodes[other].get("axes") or [])
        if kind == "service" and data.get("code_axe"):
            axes = {data["code_axe"]}
        entry = {
            "id": node,
            "genre": kind if kind != "service" else "offre",
            "libelle": str(data.get("libelle")),
            "type_acteur": data.get("type_acteur"),
            "code_dispositif": data.get("code_dispositif"),
            "periode": data.get("periode"),
            "historique": bool(data.get("historique")),
            "sources": sorted({ORIGINES_FR.get(x, "autre source") for x in data.get("sources") or []}),
            "axes": axes,
            "degre": m.get("degre"),
            "intermediarite": m.get("intermediarite"),
            "communaute": m.get("communaute"),
            "role": m.get("role_courtage"),
            "distance_ft": m.get("distance_france_travail"),
            "reference": _FICHIER.sub("", str(data["reference"])) if data.get("reference") else None,
            "source_publique": data.get("source_publique"),
        }
        nodes[node] = entry
    domains = {
        d.get("code_domaine"): d.get("libelle")
        for _, d in graph.nodes(data=True)
        if d.get("type_noeud") == "domaine"
    }
    for entry in nodes.values():
        genre = entry["genre"]
        if genre == "groupe":
            label = ACTOR_TYPES.get(entry["type_acteur"], ("Acteurs", ""))[0]
            entry["libelle"] = f"{entry['membres']} × {label} sans lien — {entry['territoire']}"
            entry["couleur"] = TYPE_COLOURS.get(entry["type_acteur"], TYPE_COLOURS["autre"])
            entry["forme"], entry["taille"] = "square", 8 + 3 * math.sqrt(entry["membres"])
        elif genre == "offre" and "membres" in entry:
            entry["libelle"] = (
                f"Offre « {domains.get(entry.get('domaine')) or entry.get('domaine')} » — "
                f"{entry['territoire']} ({entry['membres']} services)"
            )
            entry["couleur"], entry["forme"], entry["taille"] = (
                OFFRE_COLOUR,
                "dot",
                5 + 2 * math.sqrt(entry["membres"]),
            )
        elif genre == "offre":
            entry["couleur"], entry["forme"], entry["taille"] = OFFRE_COLOUR, "dot", 5
        elif genre == "dispositif":
            entry["couleur"], entry["forme"] = DISPOSITIF_COLOUR, "diamond"
            entry["taille"] = 10 + 25 * math.sqrt(float(entry.get("intermediarite") or 0) / max_bt)
        else:
            entry["libelle"] = _with_type(entry["libelle"], entry.get("type_acteur"))
            entry["couleur"] = TYPE_COLOURS.get(entry.get("type_acteur") or "autre", TYPE_COLOURS["autre"])
            entry["forme"] = "dot"
            entry["taille"] = 8 + 32 * math.sqrt(float(entry.get("intermediarite") or 0) / max_bt)
        entry["axes"] = sorted(entry["axes"])
        entry["vue_ft"] = entry.get("type_acteur") == "france_travail" or entry.get("code_dispositif") in (
            "pdi",
            "pti",
        )
    edges: dict[tuple[str, str, str], dict[str, object]] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        if key not in EDGE_STYLES:
            continue
        a, b = unit(u), unit(v)
        if a is None or b is None or a == b or a not in nodes or b not in nodes:
            continue
        entry = edges.setdefault(
            (a, b, key), {"de": a, "vers": b, "type": key, "nb": 0, "confiance": 0.0, "preuves": []}
        )
        entry["nb"] += 1
        entry["confiance"] = max(entry["confiance"], float(data.get("confiance", 0)))
        if len(entry["preuves"]) < MAX_PREUVES:
            entry["preuves"].extend(_evidence(data, citations, MAX_PREUVES - len(entry["preuves"])))
    present_types = Counter(
        n.get("type_acteur") for n in nodes.values() if n["genre"] in ("acteur", "groupe")
    )
    legend_types = [
        {
            "type": t,
            "libelle": ACTOR_TYPES.get(t, (t, ""))[0],
            "couleur": TYPE_COLOURS.get(t, TYPE_COLOURS["autre"]),
            "groupe": ACTOR_GROUPS.get(ACTOR_TYPES.get(t, ("", "associations"))[1], ""),
            "nb": c,
        }
        for t, c in sorted(present_types.items(), key=lambda x: (-x[1], str(x[0])))
        if t
    ]
    present_edges = Counter(e["type"] for e in edges.values())
    legend_edges = [
        {
            "type": k,
            "libelle": s["libelle"],
            "anglais": EDGE_KINDS[k],
            "couleur": s["color"],
            "tirets": s["dashes"],
            "nb": present_edges[k],
        }
        for k, s in EDGE_STYLES.items()
        if present_edges[k]
    ]
    # labels drawn at every zoom: the most central actors and dispositifs (betweenness, then degree)
    central = sorted(
        (n for n in nodes.values() if n["genre"] in ("acteur", "dispositif")),
        key=lambda n: (-float(n.get("intermediarite") or 0), -float(n.get("degre") or 0), n["libelle"]),
    )
    for rank, entry in enumerate(central, start=1):
        entry["rang"] = rank
        entry["etiquette_permanente"] = rank <= ETIQUETTES_PERMANENTES
    return {
        "noeuds": sorted(nodes.values(), key=lambda n: n["id"]),
        "liens": [{**e, "style": EDGE_STYLES[e["type"]]} for e in edges.values()],
        "legende_types": legend_types,
        "legende_liens": legend_edges,
        "notes": notes,
        "agrege": aggregate or bool(service_unit and any(k != v for k, v in service_unit.items())),
        "total_noeuds_graphe": graph.number_of_nodes(),
        "genres": {g: NODE_KINDS_FR[g] for g in sorted({n["genre"] for n in nodes.values()})},
        "axes": {a: AXES_FR[a] for a in ("A1", "A2", "A3", "A4", "")},
        "etiquettes_permanentes": ETIQUETTES_PERMANENTES,
    }


_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
TEMPLATE = _ENV.from_string(
    (resources.files("graph") / "templates" / "reseau_acteurs.html").read_text(encoding="utf-8")
)


def render_page(
    graph: nx.MultiDiGraph,
    metrics: pd.DataFrame | None = None,
    titre: str | None = None,
    seuil: int = SEUIL_AGREGATION,
    passages: pd.DataFrame | None = None,
) -> tuple[str, dict[str, object]]:
    """The HTML text of the page and a summary (counts, aggregation)."""
    model = display_model(graph, metrics, seuil, passages)
    code = graph.graph.get("code_departement") or ""
    dep = f"territoire:departement:{code}"
    nom = graph.nodes[dep].get("libelle") if dep in graph else code
    titre = titre or f"Réseau des acteurs et des dispositifs — {nom} ({code})"
    n_nodes, n_edges = len(model["noeuds"]), len(model["liens"])
    model["iterations"] = 400 if n_nodes <= 150 else 250 if n_nodes <= 400 else 150
    model["types"] = {t: v[0] for t, v in ACTOR_TYPES.items()}
    principaux = []
    if metrics is not None and len(metrics):
        top = metrics[metrics["type_noeud"] == "acteur"].sort_values(
            ["intermediarite", "degre"], ascending=False
        )
        for row in top.head(25).to_dict("records"):
            principaux.append(
                {
                    "libelle": _with_type(str(row["libelle"]), row.get("type_acteur")),
                    "type": ACTOR_TYPES.get(row.get("type_acteur") or "", (row.get("type_acteur"), ""))[0],
                    "degre": row["degre"],
                    "intermediarite": f"{float(row['intermediarite']):.4f}".replace(".", ","),
                    "role": ROLES_FR.get(row["role_courtage"], row["role_courtage"]),
                }
            )
    script, style = vis_assets()
    resume = (
        f"Réseau de la page : {n_nodes} nœuds et {n_edges} liens au total, le compteur en haut à gauche dit "
        f"ce qui est affiché (graphe complet, territoires et domaines compris : {graph.number_of_nodes()} "
        f"nœuds, {graph.number_of_edges()} liens)"
    )
    html = TEMPLATE.render(
        titre=titre,
        resume=resume,
        notes=model["notes"],
        principaux=principaux,
        donnees=json_for_script(model),
        vis_js=script,
        vis_css=style,
    )
    info = {
        "noeuds_affiches": n_nodes,
        "aretes_affichees": n_edges,
        "agregation": bool(model["agrege"]),
        "notes": model["notes"],
        "iterations": model["iterations"],
    }
    return html, info


def write_page(
    graph: nx.MultiDiGraph,
    metrics: pd.DataFrame | None,
    path: Path,
    seuil: int = SEUIL_AGREGATION,
    passages: pd.DataFrame | None = None,
) -> dict[str, object]:
    """Write the page to ``path``; returns the summary of :func:`render_page` plus the size."""
    html, info = render_page(graph, metrics, seuil=seuil, passages=passages)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ecrire_texte(path, html)
    info["taille_octets"] = path.stat().st_size
    return info
