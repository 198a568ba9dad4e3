"""Build the knowledge graph of one département by merging its sources.

Sources, in the order they are merged (an earlier source names a node; later ones complete it):

1. axes and domains (seed ``axes_domaines``);
2. territories (``marts.territoires``): département, région, EPT/EPCI, communes, QPV;
3. the curated registry (``registre/<code>/``), when there is one;
4. the institutions every département has (conseil départemental, préfecture, DDETS, CAF, CPAM,
   ARS, DASEN, France Travail, région), the collectivities of the COG (communes, EPT, EPCI) and
   the CCAS of the communes of 1 500 inhabitants or more (mandatory, CASF L123-4);
5. the offer catalogue (``marts.structures``, ``marts.services``): structure *offers* service
   *belonging to* a domain, *located in* a commune. A structure is merged with a registry actor
   (same ``id_structure``, same SIRET, or same name in the same commune) or with the generated
   CCAS / commune it is; France Travail agencies and département sites become *members of*
   their institution, SIAE are *funded* by the DDETS (conventionnement IAE);
6. dispositif instances (template + territories + CLPE list + contrats de ville 2015-2023 +
   registry), with their pilot when the law names it;
7. registry links, then documents: mentions and co-mentions (``marts.mentions``,
   ``marts.liens_candidats``) become ties between actors and dispositifs, never nodes.

Every edge keeps its evidence and a confidence; rejected registry references are returned with
their file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph.construction_documents import CO_MENTION_WEIGHTS, DocumentsMixin, co_mention_weight  # noqa: F401
from graph.construction_offre import OffreMixin, _float, commune_siren_prefix
from graph.dispositifs import (
    Instance,
    generate_instances,
    instances_contrats_ville,
    is_historical,
    point_locator,
    split_list,
)
from graph.modele import (
    INSTITUTIONS_DEPARTEMENTALES,
    Evidence,
    actor_group,
    add_edge,
    add_node,
    new_graph,
    normalise_name,
    text_or_none,
    zone_communes,
)
from graph.registre import DISPOSITIFS, Registre
from graph.territoires import TerritoiresDepartement, territoires_departement
from ingest.core import QuarantineRow
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

__all__ = [
    "GraphInputs",
    "BuildResult",
    "build_graph",
    "SEUIL_CCAS_OBLIGATOIRE",
    "zone_communes",
    "de",
    "commune_siren_prefix",
    "co_mention_weight",
]

SEUIL_CCAS_OBLIGATOIRE = 1500
_TEXT_LAW_CCAS = (
    "Code de l'action sociale et des familles, article L123-4 (CCAS obligatoire dès 1 500 habitants)"
)


@dataclass
class GraphInputs:
    """Everything the graph of one département is built from (pandas DataFrames)."""

    code_departement: str
    territoires: pd.DataFrame
    axes_domaines: pd.DataFrame
    modele: pd.DataFrame
    clpe: pd.DataFrame | None = None
    contrats_ville: pd.DataFrame | None = None
    geo_communes: pd.DataFrame | None = None
    structures: pd.DataFrame | None = None
    services: pd.DataFrame | None = None
    documents: pd.DataFrame | None = None
    mentions: pd.DataFrame | None = None
    liens_candidats: pd.DataFrame | None = None
    registre: Registre | None = None
    sirens_communes: dict[str, str] | None = None  # SIREN → commune code (staging.stg_cog__communes)
    annee_reference: int = 2025


@dataclass
class BuildResult:
    graph: nx.MultiDiGraph
    territoires: TerritoiresDepartement
    rejets: list[QuarantineRow] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


class _Builder(OffreMixin, DocumentsMixin):
    """The graph of one département, merged phase by phase (5 in construction_offre, 7 in
    construction_documents)."""

    def __init__(self, inputs: GraphInputs):
        self.inputs = inputs
        self.code = inputs.code_departement
        self.graph = new_graph(self.code)
        self.terr = territoires_departement(inputs.territoires, self.code)
        self.aliases: dict[str, str] = {}
        self.rejets: list[QuarantineRow] = []
        self.messages: list[str] = []
        self.stats: dict[str, int] = {}
        self.communes = set(self.terr.communes["code_commune"])
        self._names: dict[str, str] | None = None
        self._sirens: dict[str, str] | None = None

    # -- helpers ---------------------------------------------------------------------------
    def resolve(self, identifier: str | None) -> str | None:
        if not identifier:
            return None
        if identifier in self.graph:
            return identifier
        return self.aliases.get(identifier)

    def institution(self, type_acteur: str) -> str | None:
        if type_acteur == "region":
            node = f"region:{self.terr.code_region}" if self.terr.code_region else None
        else:
            node = f"{type_acteur}:{self.code}"
        return node if node and node in self.graph else None

    def _commune_node(self, code: str | None) -> str | None:
        node = f"territoire:commune:{code}" if code else None
        return node if node in self.graph else None

    # -- 1. axes and domains --------------------------------------------------------------
    def add_domains(self) -> None:
        frame = self.inputs.axes_domaines
        for row in frame.itertuples():
            axe = f"axe:{row.code_axe}"
            add_node(self.graph, axe, "axe", str(row.libelle_axe), code_axe=row.code_axe, sources=["modele"])
            dom = f"domaine:{row.code_domaine}"
            add_node(
                self.graph,
                dom,
                "domaine",
                str(row.libelle_domaine),
                code_axe=row.code_axe,
                code_domaine=row.code_domaine,
                sources=["modele"],
            )
            add_edge(
                self.graph,
                dom,
                axe,
                "releve_de",
                Evidence("modele", "texte_officiel", "axes et domaines du Pacte des solidarités", 1.0),
            )

    # -- 2. territories ---------------------------------------------------------------------
    def add_territories(self) -> None:
        g, t = self.graph, self.terr
        ev = Evidence("territoires", "donnee", "marts.territoires (COG 2026)", 1.0)
        def territoire(niveau: str, code: str, libelle: str, **attrs: object) -> str:
            node = f"territoire:{niveau}:{code}"
            add_node(g, node, "territoire", libelle, niveau=niveau, code_territoire=code, **attrs,
                     sources=["territoires"])
            return node

        dep = territoire("departement", t.code, t.nom)
        if t.code_region:
            reg = territoire("region", t.code_region, t.nom_region or t.code_region)
            add_edge(g, dep, reg, "situe_dans", ev)
        for row in t.intercommunalites.itertuples():
            territoire(row.niveau, row.code, str(row.libelle))
        for row in t.communes.itertuples():
            node = territoire(
                "commune",
                row.code_commune,
                str(row.libelle),
                code_epci=row.code_epci,
                code_ept=row.code_ept,
                population=_float(row.population),
                est_qpv=bool(row.est_qpv),
            )
            parents = [
                f"territoire:ept:{row.code_ept}" if row.code_ept else None,
                f"territoire:epci:{row.code_epci}" if row.code_epci else None,
            ]
            parents = [p for p in parents if p and p in g]
            for parent in parents[:1] or [dep]:
                add_edge(g, node, parent, "situe_dans", ev)
        for row in t.intercommunalites.itertuples():
            node = f"territoire:{row.niveau}:{row.code}"
            members = t.communes[t.communes["code_ept" if row.niveau == "ept" else "code_epci"] == row.code]
            parent = dep
            if row.niveau == "ept" and members["code_epci"].nunique() == 1 and members["code_epci"].iloc[0]:
                candidate = f"territoire:epci:{members['code_epci'].iloc[0]}"
                parent = candidate if candidate in g else dep
            add_edge(g, node, parent, "situe_dans", ev)
        for row in t.qpv.itertuples():
            libelle = str(row.libelle or row.code_qpv)
            node = territoire("qpv", row.code_qpv, libelle, code_commune=row.code_commune)
            commune = self._commune_node(row.code_commune)
            if commune:
                add_edge(g, node, commune, "situe_dans", ev)

    # -- 3. registry actors ----------------------------------------------------------------------
    def add_registry_actors(self, registre: Registre) -> None:
        for row in registre.acteurs.itertuples():
            type_acteur = row.type_acteur
            attrs = dict(
                type_acteur=type_acteur,
                groupe_acteur=actor_group(type_acteur),
                siret=text_or_none(row.siret),
                code_commune=text_or_none(row.code_commune),
                niveau_territoire=text_or_none(row.niveau_territoire),
                code_territoire=text_or_none(row.code_territoire),
                source_publique=text_or_none(row.source),
                commentaire=text_or_none(row.commentaire),
                id_structure=text_or_none(row.id_structure),
            )
            if attrs["niveau_territoire"] is None and type_acteur in INSTITUTIONS_DEPARTEMENTALES:
                attrs.update(niveau_territoire="departement", code_territoire=self.code)
            # an actor the comité added (graph.comite) says so in its sources
            origine = getattr(row, "origine", None)
            sources = ["comite"] if origine == "comite" else ["registre"]
            add_node(self.graph, row.id_acteur, "acteur", str(row.nom), sources=sources, **attrs)
            if attrs["id_structure"]:
                self.aliases[f"structure:{attrs['id_structure']}"] = row.id_acteur
            for external in split_list(row.ids_externes):
                self.aliases[external] = row.id_acteur
        self.stats["acteurs_registre"] = len(registre.acteurs)

    # -- 4. institutions and collectivities -----------------------------------------------------
    def _add_territorial_actor(
        self,
        node: str,
        libelle: str,
        type_acteur: str,
        territoire: tuple[str, str],
        source: str,
        evidence: Evidence,
        **attrs: object,
    ) -> None:
        """An actor acting on a territory (``(niveau, code)``), which it ``couvre``."""
        niveau, code = territoire
        add_node(
            self.graph,
            node,
            "acteur",
            libelle,
            type_acteur=type_acteur,
            groupe_acteur=actor_group(type_acteur),
            niveau_territoire=niveau,
            code_territoire=code,
            **attrs,
            sources=[source],
        )
        add_edge(self.graph, node, f"territoire:{niveau}:{code}", "couvre", evidence)

    def add_institutions(self) -> None:
        g, t = self.graph, self.terr
        ev_cog = Evidence("territoires", "donnee", "COG 2026 (communes, EPCI, EPT)", 1.0)
        ev_modele = Evidence("modele", "donnee", "institution départementale", 1.0)
        for type_acteur, pattern in INSTITUTIONS_DEPARTEMENTALES.items():
            self._add_territorial_actor(
                f"{type_acteur}:{t.code}",
                pattern.format(nom=t.nom),
                type_acteur,
                ("departement", t.code),
                "modele",
                ev_modele,
            )
        if t.code_region:
            self._add_territorial_actor(
                f"region:{t.code_region}",
                f"Région {t.nom_region or t.code_region}",
                "region",
                ("region", t.code_region),
                "modele",
                ev_cog,
            )
        for row in t.intercommunalites.itertuples():
            self._add_territorial_actor(
                f"{row.niveau}:{row.code}",
                str(row.libelle),
                row.niveau,
                (row.niveau, row.code),
                "territoires",
                ev_cog,
            )
        for row in t.communes.itertuples():
            node = f"commune:{row.code_commune}"
            self._add_territorial_actor(
                node,
                f"Commune {de(str(row.libelle))}",
                "commune",
                ("commune", row.code_commune),
                "territoires",
                ev_cog,
                code_commune=row.code_commune,
            )
            for niveau, code in (("ept", row.code_ept), ("epci", row.code_epci)):
                if code and f"{niveau}:{code}" in g:
                    add_edge(g, node, f"{niveau}:{code}", "membre_de", ev_cog)
            population = _float(row.population)
            if population is None or population >= SEUIL_CCAS_OBLIGATOIRE:
                self._add_ccas(row.code_commune, str(row.libelle), ["modele"])

    def _add_ccas(self, commune: str, libelle: str, sources: list[str]) -> str:
        node = f"ccas:{commune}"
        add_node(
            self.graph,
            node,
            "acteur",
            f"CCAS {de(libelle)}",
            type_acteur="ccas",
            groupe_acteur="action_sociale_locale",
            niveau_territoire="commune",
            code_territoire=commune,
            code_commune=commune,
            sources=sources,
        )
        add_edge(
            self.graph,
            node,
            f"commune:{commune}",
            "membre_de",
            Evidence("regle_reglementaire", "texte_officiel", _TEXT_LAW_CCAS, 1.0),
        )
        return node

    # -- 6. dispositifs ----------------------------------------------------------------------------
    def _registry_instances(self, registre: Registre, modele: pd.DataFrame) -> list[Instance]:
        out: list[Instance] = []
        codes = set(modele["code_dispositif"])
        for row in registre.dispositifs.to_dict("records"):
            path, line = str(row.get("_source_file") or "dispositifs.csv"), int(row.get("_line") or 0)
            if row["code_dispositif"] not in codes:
                self.rejets.append(
                    QuarantineRow(
                        DISPOSITIFS.table,
                        path,
                        line,
                        "code_dispositif",
                        f"code {row['code_dispositif']!r} absent du modèle national",
                    )
                )
                continue
            niveau, code = row["niveau"], str(row["code_territoire"])
            communes = self._clpe_communes(code) if niveau == "clpe" else self.terr.communes_of(niveau, code)
            if not communes:
                self.rejets.append(
                    QuarantineRow(
                        DISPOSITIFS.table,
                        path,
                        line,
                        "code_territoire",
                        f"territoire {niveau} {code} sans commune dans le département {self.code}",
                    )
                )
                continue
            out.append(
                Instance(
                    row["id_dispositif"],
                    row["code_dispositif"],
                    str(row["libelle"]),
                    niveau,
                    code,
                    communes,
                    text_or_none(row.get("periode")),
                    "registre",
                    str(row["source"]),
                )
            )
        return out

    def _clpe_communes(self, territoire_id: str) -> list[str]:
        clpe = self.inputs.clpe
        if clpe is None or clpe.empty:
            return []
        rows = clpe[clpe["territoire_id"].astype(str) == territoire_id]
        return sorted(set(rows["commune_id"].astype(str)) & self.communes)

    def add_dispositifs(self, registre: Registre | None) -> None:
        modele = self.inputs.modele
        template = modele.set_index("code_dispositif")
        ccas = {c for c in self.communes if f"ccas:{c}" in self.graph}
        if self.inputs.clpe is None or self.inputs.clpe.empty:
            self.messages.append(
                "liste des CLPE absente (staging.stg_france_travail__clpe_communes) : "
                "pas de comités locaux pour l'emploi"
            )
        instances = generate_instances(modele, self.terr, self.inputs.clpe, ccas)
        historical, messages = instances_contrats_ville(
            self.inputs.contrats_ville, self.terr, point_locator(self.inputs.geo_communes, self.code)
        )
        self.messages.extend(messages)
        instances.extend(historical)
        by_id = {i.id: i for i in instances}
        if registre is not None:
            for inst in self._registry_instances(registre, modele):
                if inst.id in by_id:  # curated label / period / source for a generated instance
                    base = by_id[inst.id]
                    base.libelle, base.periode = inst.libelle, inst.periode or base.periode
                    base.reference, base.origine = f"{inst.reference} ; {base.reference}", "registre"
                else:
                    by_id[inst.id] = inst
        for inst in by_id.values():
            row = template.loc[inst.code_dispositif]
            historique = is_historical(inst.periode, self.inputs.annee_reference)
            add_node(
                self.graph,
                inst.id,
                "dispositif",
                inst.libelle,
                code_dispositif=inst.code_dispositif,
                niveau=inst.niveau,
                code_territoire=inst.code_territoire,
                communes=list(inst.communes),
                axes=split_list(row["axes"]),
                pilotes_attendus=split_list(row["pilotes"]),
                signataires_attendus=split_list(row["signataires_attendus"]),
                partenaires_attendus=split_list(row["partenaires_attendus"]),
                echelle=row["echelle"],
                periode=inst.periode,
                historique=historique,
                reference=inst.reference,
                sources=[inst.origine],
            )
            ev = Evidence(
                inst.origine if inst.origine != "modele" else "modele", "donnee", inst.reference, 1.0
            )
            territory = inst.territory_node()
            if territory and territory in self.graph:
                add_edge(self.graph, inst.id, territory, "couvre", ev)
            else:
                for commune in inst.communes:
                    node = self._commune_node(commune)
                    if node:
                        add_edge(self.graph, inst.id, node, "couvre", ev)
            self._pilots(inst, row)
        self.stats["dispositifs"] = len(by_id)

    def _pilots(self, inst: Instance, row: pd.Series) -> None:
        if inst.pilotes:  # pilots known from the data (contrats de ville 2015-2023)
            origine = "territoires" if inst.origine == "donnee" else inst.origine
            confiance, commentaire = inst.confiance_pilote or 0.9, inst.commentaire_pilote
            preuve = Evidence(origine, "donnee", inst.reference, confiance, commentaire=commentaire)
            nodes = (self.resolve(pilot) for pilot in inst.pilotes)
        elif row["pilote_de_droit"] == "oui":
            preuve = Evidence("modele", "texte_officiel", str(row["reference"]), 0.9)
            nodes = (self._pilot_node(type_acteur, inst) for type_acteur in split_list(row["pilotes"]))
        else:
            return
        for node in nodes:  # resolved one by one, each edge added before the next is resolved
            if node:
                add_edge(self.graph, node, inst.id, "pilote", preuve)

    def _pilot_node(self, type_acteur: str, inst: Instance) -> str | None:
        if type_acteur in INSTITUTIONS_DEPARTEMENTALES or type_acteur == "region":
            return self.institution(type_acteur)
        if type_acteur in ("epci", "ept") and inst.niveau in ("epci", "ept"):
            node = f"{inst.niveau}:{inst.code_territoire}"
            return node if node in self.graph else None
        if type_acteur in ("ccas", "commune") and inst.niveau == "commune":
            node = f"{type_acteur}:{inst.code_territoire}"
            return node if node in self.graph else None
        return None

def de(name: str) -> str:
    """French "de" before a place name, with elision and contraction.

    Examples
    --------
    >>> de("Aubervilliers"), de("Le Blanc-Mesnil"), de("Les Lilas"), de("La Courneuve"), de("Saint-Denis")
    ("d'Aubervilliers", 'du Blanc-Mesnil', 'des Lilas', 'de La Courneuve', 'de Saint-Denis')
    """
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    plain = normalise_name(name[:1])
    return ("d'" if plain in set("aeiouyh") else "de ") + name


def build_graph(inputs: GraphInputs) -> BuildResult:
    """Merge every source into the graph of ``inputs.code_departement`` (see module docstring)."""
    builder = _Builder(inputs)
    registre = inputs.registre if inputs.registre is not None and not inputs.registre.empty else None
    builder.add_domains()
    builder.add_territories()
    if registre is not None:
        builder.add_registry_actors(registre)
    else:
        builder.messages.append(
            f"registre des acteurs absent pour le département {inputs.code_departement} "
            f"(registre/{inputs.code_departement}/) : graphe construit à partir du modèle national, "
            "des territoires et de l'offre seulement"
        )
    builder.add_institutions()
    builder.add_catalogue()
    builder.add_services()
    builder.add_dispositifs(registre)
    if registre is not None:
        builder.add_registry_links(registre)
    builder.add_documents()
    g = builder.graph
    builder.stats.update({"noeuds": g.number_of_nodes(), "aretes": g.number_of_edges()})
    for kind in ("acteur", "dispositif", "territoire", "service"):
        builder.stats[f"noeuds_{kind}"] = sum(1 for _, d in g.nodes(data=True) if d["type_noeud"] == kind)
    return BuildResult(g, builder.terr, builder.rejets, builder.messages, builder.stats)
