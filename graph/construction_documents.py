"""Phase 7 of the graph's construction: registry links, then documents.

Mentions and co-mentions of the documents (``marts.mentions``, ``marts.liens_candidats``) become
ties between actors and dispositifs, never nodes; a co-mention weighs by the kind of its documents
(:func:`co_mention_weight`). Mixed into :class:`graph.construction._Builder`.
"""

from __future__ import annotations

import re
from collections import Counter

import networkx as nx

from graph.construction_offre import _float
from graph.modele import (
    ACTOR_CODES,
    ACTOR_TYPES,
    Evidence,
    add_edge,
    normalise_name,
    text_or_none,
)
from graph.registre import LIENS, Registre
from ingest.core import QuarantineRow
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

SYNONYMES_DISPOSITIFS = {
    "comites_emploi": "comite_departemental_emploi",
    "reseau_pour_emploi": "comite_departemental_emploi",
    "frr_zrr": "frr",
}


class DocumentsMixin:
    """Phase 7 of :class:`graph.construction._Builder` (uses its graph, inputs and resolvers)."""

    # -- 7. registry links and documents ---------------------------------------------------------------
    def add_registry_links(self, registre: Registre) -> None:
        count = 0
        for row in registre.liens.to_dict("records"):
            path = str(row.get("_source_file") or "liens.csv")
            ends = []
            for column in ("source", "cible"):
                node = self.resolve(row[column])
                if node is None:
                    self.rejets.append(
                        QuarantineRow(
                            LIENS.table,
                            path,
                            int(row["_line"]),
                            column,
                            f"identifiant {row[column]!r} introuvable dans le graphe du département "
                            f"{self.code} (ni acteur du registre, ni acteur généré, ni structure du "
                            "catalogue, ni dispositif)",
                        )
                    )
                ends.append(node)
            if None in ends:
                continue
            origin = {"entretien": "entretiens", "comite": "comite"}.get(row["preuve_type"], "registre")
            add_edge(
                self.graph,
                ends[0],
                ends[1],
                row["type_lien"],
                Evidence(
                    origin,
                    row["preuve_type"],
                    str(row["preuve_reference"]),
                    float(row["confiance"]),
                    text_or_none(row.get("date_preuve")),
                    text_or_none(row.get("commentaire")),
                ),
            )
            count += 1
        self.stats["liens_registre"] = count

    def resolve_entity(self, type_entite: str, code: str | None, libelle: str | None) -> str | None:
        """Node of a gazetteer entity (documents): by id, alias, actor type, code, then name."""
        code = text_or_none(code)
        node = self.resolve(code)
        if node:
            return node
        if code and ":" in code:
            node = (
                self.resolve(code.split(":", 1)[1])
                if code.split(":", 1)[0] in ("acteur", "dispositif", "territoire")
                else None
            )
            if node:
                return node
            code = code.split(":", 1)[1]
        key = re.sub(r"[^a-z0-9]+", "_", normalise_name(code or "")).strip("_")
        if type_entite == "acteur":
            key = ACTOR_CODES.get(key, key)  # a document's code (« pole_emploi », « dasen »…)
            if key in ACTOR_TYPES:
                node = self.institution(key)
                if node:
                    return node
        elif type_entite == "dispositif":
            node = f"dispositif:{SYNONYMES_DISPOSITIFS.get(key, key)}:departement:{self.code}"
            if node in self.graph:
                return node
        elif type_entite == "territoire" and code:
            for niveau in ("commune", "ept", "epci", "departement", "qpv", "region"):
                node = f"territoire:{niveau}:{code}"
                if node in self.graph:
                    return node
        name = normalise_name(libelle)
        if name and type_entite == "acteur":
            if self._names is None:  # built once, when every actor is in the graph (documents come last)
                self._names = {}
                for node, data in sorted(self.graph.nodes(data=True)):
                    if data.get("type_noeud") == "acteur":
                        self._names.setdefault(normalise_name(data.get("libelle")), node)
            return self._names.get(name)
        return None

    def _document_index(self) -> dict[str, dict[str, str | None]]:
        """id_document → category (``entretien`` for interviews) and interviewee node."""
        docs = self.inputs.documents
        index: dict[str, dict[str, str | None]] = {}
        if docs is None or not len(docs) or "id_document" not in docs.columns:
            return index
        for row in docs.to_dict("records"):
            category = normalise_name(
                text_or_none(row.get("categorie")) or text_or_none(row.get("type_document")) or ""
            )
            interviewee = text_or_none(row.get("acteur_entretien"))
            index[str(row["id_document"])] = {
                "categorie": category,
                "interroge": self.resolve_entity("acteur", None, interviewee) if interviewee else None,
            }
        return index

    def add_documents(self) -> None:
        """Mentions, co-mentions and interviews: ties between actors and dispositifs, never nodes.

        A document is the evidence of a tie, not a member of the network: a mention (an entity of the
        gazetteers found in a passage) is resolved to its node and counted, a co-mention becomes a
        ``partenaire_de`` tie whose evidence is the passages, and an actor cited in an interview is
        tied to the interviewee. No document node is created, so a document's title (« Article 6 »,
        « décision de sanction … [NOM] ») never appears among the actors; the passages, their page and
        their document stay in ``marts.passages`` / ``marts.documents`` for whoever shows the evidence.
        """
        mentions, candidats = self.inputs.mentions, self.inputs.liens_candidats
        if mentions is None and candidats is None:
            self.messages.append(
                "documents absents (marts.mentions, marts.liens_candidats) : pas de preuves documentaires"
            )
            return
        g = self.graph
        index = self._document_index()
        unresolved, count, interviews = Counter(), 0, 0
        for row in _rows_of(mentions, self.code):
            type_entite = text_or_none(row.get("type_entite"))
            if type_entite not in ("acteur", "dispositif", "territoire"):
                continue
            target = self.resolve_entity(type_entite, row.get("code_entite"), row.get("libelle_entite"))
            if target is None:
                unresolved[f"{type_entite}:{text_or_none(row.get('code_entite'))}"] += 1
                continue
            doc_id = str(row.get("id_document"))
            info = index.get(doc_id, {})
            interview = "entretien" in (
                info.get("categorie") or normalise_name(text_or_none(row.get("categorie_document")) or "")
            )
            passage = str(row.get("id_passage"))
            count += 1
            who = info.get("interroge")
            if interview and who and who != target and _kind(g, target) in ("acteur", "dispositif"):
                add_edge(
                    g,
                    who,
                    target,
                    "partenaire_de",
                    Evidence(
                        "entretiens",
                        "entretien",
                        passage,
                        0.4,
                        commentaire=f"cité lors de l'entretien avec {g.nodes[who]['libelle']}",
                    ),
                )
                interviews += 1
        links = 0
        for row in _rows_of(candidats, self.code):
            ends = []
            for column, type_column in (("entite_a", "type_a"), ("entite_b", "type_b")):
                value = text_or_none(row.get(column))
                types = (
                    [text_or_none(row.get(type_column))]
                    if text_or_none(row.get(type_column))
                    else ["acteur", "dispositif"]
                )
                node = next((n for n in (self.resolve_entity(t, value, None) for t in types) if n), None)
                ends.append(node)
                if node is None:
                    unresolved[f"lien:{value}"] += 1
            if None in ends or ends[0] == ends[1]:
                continue
            kinds_ = [_kind(g, n) for n in ends]
            if not set(kinds_) <= {"acteur", "dispositif"} or kinds_ == ["dispositif", "dispositif"]:
                continue
            if kinds_[0] == "dispositif":
                ends.reverse()
            proofs = max(int(_float(row.get("nb_preuves")) or 1), 1)
            interview = bool(row.get("cite_en_entretien")) and not pd.isna(row.get("cite_en_entretien"))
            types = _as_list(row.get("types_documents")) + (["entretien"] if interview else [])
            step, cap = co_mention_weight(types)
            if step == 0:  # legal texts describe expected partners, not observed ties
                continue
            passages = row.get("passages")
            reference = passages if isinstance(passages, str) else ",".join(map(str, _as_list(passages)))
            add_edge(
                g,
                ends[0],
                ends[1],
                "partenaire_de",
                Evidence(
                    "entretiens" if interview else "documents",
                    "entretien" if interview else "passage",
                    reference,
                    round(min(cap, 1 - (1 - step) ** proofs), 6),
                    commentaire=f"cités ensemble dans {proofs} passage(s) ({'|'.join(types) or 'document'})",
                ),
            )
            links += 1
        self.stats.update(
            {
                "mentions": count,
                "liens_documents": links,
                "liens_entretiens": interviews,
                "entites_non_resolues": sum(unresolved.values()),
            }
        )
        if unresolved:
            top = ", ".join(f"{k} ({v})" for k, v in unresolved.most_common(8))
            self.messages.append(
                f"{sum(unresolved.values())} mention(s) des documents sans nœud correspondant "
                f"(entités génériques ou inconnues du graphe) : {top}"
            )


# weight of one passage citing two entities together, and its cap, by kind of document
CO_MENTION_WEIGHTS: dict[str, tuple[float, float]] = {
    "convention": (0.45, 0.9),
    "entretien": (0.35, 0.75),
    "pti": (0.3, 0.75),
    "pdi": (0.3, 0.75),
    "contrat_de_ville": (0.3, 0.75),
    "rapport_calpae_spie": (0.3, 0.75),
    "schema": (0.3, 0.75),
    "abs": (0.3, 0.75),
    "diagnostic": (0.3, 0.75),
    "texte_juridique": (0.0, 0.0),
}
CO_MENTION_DEFAULT = (0.15, 0.45)


def co_mention_weight(types: list[str]) -> tuple[float, float]:
    """(weight per passage, cap) of a co-mention, the strongest over the kinds of its documents.

    Examples
    --------
    >>> co_mention_weight(["autre"]), co_mention_weight(["autre", "convention"]), co_mention_weight([])
    ((0.15, 0.45), (0.45, 0.9), (0.15, 0.45))
    >>> co_mention_weight(["texte_juridique"])
    (0.0, 0.0)
    """
    weights = [CO_MENTION_WEIGHTS.get(t, CO_MENTION_DEFAULT) for t in types] or [CO_MENTION_DEFAULT]
    return max(weights)


def _as_list(value: object) -> list[str]:
    if value is None or isinstance(value, float) and value != value:
        return []
    if isinstance(value, str):
        return [v for v in value.strip("[]{}").replace('"', "").split(",") if v.strip()]
    try:
        return [str(v) for v in value]
    except TypeError:
        return [str(value)]


def _kind(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node].get("type_noeud", "")


def _rows_of(frame: pd.DataFrame | None, code: str) -> list[dict]:
    """Rows of the département (or with no département) as dicts."""
    if frame is None or not len(frame):
        return []
    if "code_departement" in frame.columns:
        dep = frame["code_departement"].map(text_or_none)
        frame = frame[(dep == code) | dep.isna()]
    return frame.to_dict("records")
