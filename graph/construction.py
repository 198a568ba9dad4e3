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

import re
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from graph.dispositifs import (
    Instance,
    generate_instances,
    instances_contrats_ville,
    is_historical,
    point_locator,
    split_list,
)
from graph.modele import (
    ACTOR_CODES,
    ACTOR_TYPES,
    INSTITUTIONS_DEPARTEMENTALES,
    Evidence,
    actor_group,
    actor_type_from_catalogue,
    add_edge,
    add_node,
    new_graph,
    normalise_name,
    refine_type_by_name,
    text_or_none,
    zone_communes,
)
from graph.registre import DISPOSITIFS, LIENS, Registre
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
SYNONYMES_DISPOSITIFS = {
    "comites_emploi": "comite_departemental_emploi",
    "reseau_pour_emploi": "comite_departemental_emploi",
    "frr_zrr": "frr",
}
_TEXT_LAW_CCAS = (
    "Code de l'action sociale et des familles, article L123-4 (CCAS obligatoire dès 1 500 habitants)"
)
_TEXT_FRANCE_SERVICES = (
    "Circulaire n° 6094/SG du 1er juillet 2019 (France Services : labellisation par le préfet, "
    "financement de l'État par le FNADT)"
)
_TEXT_IAE = "Code du travail, article L5132-2 (conventionnement des SIAE par l'État)"


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
    sirens_communes: dict[str, str] | None = None  # SIREN → commune code (raw.cog_communes)
    annee_reference: int = 2025


@dataclass
class BuildResult:
    graph: nx.MultiDiGraph
    territoires: TerritoiresDepartement
    rejets: list[QuarantineRow] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


class _Builder:
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
        dep = f"territoire:departement:{t.code}"
        add_node(
            g, dep, "territoire", t.nom, niveau="departement", code_territoire=t.code, sources=["territoires"]
        )
        if t.code_region:
            reg = f"territoire:region:{t.code_region}"
            add_node(
                g,
                reg,
                "territoire",
                t.nom_region or t.code_region,
                niveau="region",
                code_territoire=t.code_region,
                sources=["territoires"],
            )
            add_edge(g, dep, reg, "situe_dans", ev)
        for row in t.intercommunalites.itertuples():
            node = f"territoire:{row.niveau}:{row.code}"
            add_node(
                g,
                node,
                "territoire",
                str(row.libelle),
                niveau=row.niveau,
                code_territoire=row.code,
                sources=["territoires"],
            )
        for row in t.communes.itertuples():
            node = f"territoire:commune:{row.code_commune}"
            add_node(
                g,
                node,
                "territoire",
                str(row.libelle),
                niveau="commune",
                code_territoire=row.code_commune,
                code_epci=row.code_epci,
                code_ept=row.code_ept,
                population=_float(row.population),
                est_qpv=bool(row.est_qpv),
                sources=["territoires"],
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
            node = f"territoire:qpv:{row.code_qpv}"
            add_node(
                g,
                node,
                "territoire",
                str(row.libelle or row.code_qpv),
                niveau="qpv",
                code_territoire=row.code_qpv,
                code_commune=row.code_commune,
                sources=["territoires"],
            )
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

    # -- 5. offer catalogue -------------------------------------------------------------------------
    def _registry_index(self) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
        """SIRET/SIREN → registry actor, (normalised name, commune) → registry actor."""
        by_siret: dict[str, str] = {}
        by_name: dict[tuple[str, str], str] = {}
        for node, data in sorted(self.graph.nodes(data=True)):
            if data.get("type_noeud") != "acteur" or "registre" not in data.get("sources", []):
                continue
            if data.get("siret"):
                by_siret.setdefault(data["siret"], node)
            if data.get("code_commune"):
                by_name.setdefault((normalise_name(data.get("libelle")), data["code_commune"]), node)
        return by_siret, by_name

    def _match_registry(
        self,
        index: tuple[dict[str, str], dict[tuple[str, str], str]],
        siret: str | None,
        name: str,
        commune: str | None,
    ) -> str | None:
        by_siret, by_name = index
        if siret and (siret in by_siret or siret[:9] in by_siret):
            return by_siret.get(siret) or by_siret[siret[:9]]
        if commune:
            return by_name.get((normalise_name(name), commune))
        return None

    def add_catalogue(self) -> None:
        structures = self.inputs.structures
        if structures is None:
            self.messages.append("catalogue de l'offre absent (marts.structures) : pas d'opérateurs")
            return
        g = self.graph
        frame = structures
        if "code_departement" in frame.columns:
            frame = frame[frame["code_departement"].astype(str) == self.code]
        ev_cat = "marts.structures"
        counts = {"structures": 0, "fusion_registre": 0, "fusion_collectivite": 0, "fusion_siret": 0}
        index = self._registry_index()
        seen_siret: dict[str, str] = {}  # a SIRET is one establishment: sites sharing it are one actor
        rows = sorted(frame.to_dict("records"), key=lambda r: str(r.get("id_structure")))
        for row in rows:
            sid = text_or_none(row.get("id_structure"))
            if not sid:
                continue
            name = text_or_none(row.get("nom")) or sid
            commune = text_or_none(row.get("code_commune"))
            siret = text_or_none(row.get("siret"))
            if siret:
                siret = re.sub(r"\D", "", siret) or None
            type_acteur = refine_type_by_name(
                actor_type_from_catalogue(row.get("typologie"), row.get("reseaux_porteurs")), name
            )
            key = f"structure:{sid}"
            target = self.aliases.get(key) or self._match_registry(index, siret, name, commune)
            if target:
                counts["fusion_registre"] += 1
            else:
                target = self._collectivity_of(siret, name, commune, type_acteur)
                if target:
                    counts["fusion_collectivite"] += 1
                elif siret and len(siret) == 14 and siret in seen_siret:
                    target = seen_siret[siret]
                    counts["fusion_siret"] += 1
                else:
                    target = key
            if siret and len(siret) == 14:
                seen_siret.setdefault(siret, target)
            self.aliases[key] = target
            attrs = dict(
                type_acteur=type_acteur,
                groupe_acteur=actor_group(type_acteur),
                siret=siret,
                code_commune=commune,
                id_structure=sid,
                typologie=text_or_none(row.get("typologie")),
                longitude=_float(row.get("longitude")),
                latitude=_float(row.get("latitude")),
            )
            # the name people read (marts.structures.nom_affiche: casing, commune of a site); the
            # source's name stays the one matched against the registry and the documents
            label = text_or_none(row.get("nom_affiche")) or name
            add_node(g, target, "acteur", label, sources=["catalogue"], **attrs)
            ids = g.nodes[target].setdefault("ids_structures", [])
            if sid not in ids:
                ids.append(sid)
            counts["structures"] += 1
            place = self._commune_node(commune)
            if place and target == key:
                add_edge(
                    g, target, place, "situe_dans", Evidence("catalogue", "donnee", f"{ev_cat} {sid}", 1.0)
                )
            self._institutional_tie(target, type_acteur, sid)
        self.stats.update({f"catalogue_{k}": v for k, v in counts.items()})

    def _commune_sirens(self) -> dict[str, str]:
        """SIREN (from the COG) or SIREN prefix (rule) → commune code of the département."""
        if self._sirens is None:
            self._sirens = {}
            for code in self.communes:
                prefix = commune_siren_prefix(code)
                if prefix:
                    self._sirens[prefix] = code
            for siren, code in (self.inputs.sirens_communes or {}).items():
                if code in self.communes:
                    self._sirens[siren] = code
        return self._sirens

    def _collectivity_of(
        self, siret: str | None, name: str, commune: str | None, type_acteur: str
    ) -> str | None:
        """The generated collectivity a catalogue structure is, if it is one.

        By SIREN: an EPT or EPCI of the département, or a commune (a commune's SIREN is ``21``, its
        INSEE code and a check digit); by type or name: the CCAS of its commune; a town hall whose
        name holds its commune's name.
        """
        g = self.graph
        if siret and len(siret) >= 9:
            siren = siret[:9]
            for niveau in ("ept", "epci"):
                if f"{niveau}:{siren}" in g:
                    return f"{niveau}:{siren}"
            code = self._commune_sirens().get(siren) or self._commune_sirens().get(siren[:8])
            if code:
                return f"commune:{code}"
        if commune not in self.communes:
            return None
        if type_acteur == "ccas":
            node = f"ccas:{commune}"
            if node not in g:
                self._add_ccas(commune, self.terr.libelle("commune", commune), ["catalogue"])
            return node
        if type_acteur == "commune" and normalise_name(
            self.terr.libelle("commune", commune)
        ) in normalise_name(name):
            return f"commune:{commune}"
        return None

    def _institutional_tie(self, node: str, type_acteur: str, sid: str) -> None:
        """Structural ties of catalogue sites: agencies of institutions, SIAE and France Services funding."""
        if not node.startswith("structure:"):
            return
        if type_acteur in ("france_travail", "conseil_departemental", "caf", "cpam"):
            parent = self.institution(type_acteur)
            if parent:
                add_edge(
                    self.graph,
                    node,
                    parent,
                    "membre_de",
                    Evidence("catalogue", "donnee", f"marts.structures {sid} (réseau {type_acteur})", 0.95),
                )
        elif type_acteur == "siae":
            ddets = self.institution("ddets")
            if ddets:
                add_edge(
                    self.graph,
                    ddets,
                    node,
                    "finance",
                    Evidence("regle_reglementaire", "texte_officiel", _TEXT_IAE, 0.8),
                )
        elif type_acteur == "france_services":
            prefecture = self.institution("prefecture")
            if prefecture:
                add_edge(
                    self.graph,
                    prefecture,
                    node,
                    "finance",
                    Evidence("regle_reglementaire", "texte_officiel", _TEXT_FRANCE_SERVICES, 0.8),
                )

    def add_services(self) -> None:
        services = self.inputs.services
        if services is None:
            return
        g = self.graph
        frame = services
        if "code_departement" in frame.columns:
            frame = frame[frame["code_departement"].astype(str) == self.code]
        count = 0
        for row in frame.to_dict("records"):
            sid = text_or_none(row.get("id_service"))
            if not sid:
                continue
            node = f"service:{sid}"
            domaine = text_or_none(row.get("code_domaine"))
            commune = text_or_none(row.get("code_commune"))
            add_node(
                g,
                node,
                "service",
                # the name people read (marts.services.nom_affiche), else the source's
                text_or_none(row.get("nom_affiche")) or text_or_none(row.get("nom")) or sid,
                code_axe=text_or_none(row.get("code_axe")),
                code_domaine=domaine,
                code_commune=commune,
                thematique=text_or_none(row.get("thematique")),
                source_catalogue=text_or_none(row.get("source")),
                sources=["catalogue"],
            )
            count += 1
            ev = Evidence("catalogue", "donnee", f"marts.services {sid}", 1.0)
            owner = self.resolve(f"structure:{text_or_none(row.get('id_structure'))}")
            if owner:
                add_edge(g, owner, node, "offre", ev)
                data = g.nodes[owner]
                for attr, value in (("axes", text_or_none(row.get("code_axe"))), ("domaines", domaine)):
                    if value:
                        values = data.setdefault(attr, [])
                        if value not in values:
                            values.append(value)
            if domaine and f"domaine:{domaine}" in g:
                add_edge(g, node, f"domaine:{domaine}", "releve_de", ev)
            place = self._commune_node(commune)
            if place:
                add_edge(g, node, place, "situe_dans", ev)
        self.stats["services"] = count

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
                "liste des CLPE absente (raw.ft_clpe_communes) : pas de comités locaux pour l'emploi"
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
            for pilot in inst.pilotes:
                node = self.resolve(pilot)
                if node:
                    add_edge(
                        self.graph,
                        node,
                        inst.id,
                        "pilote",
                        Evidence(
                            "territoires" if inst.origine == "donnee" else inst.origine,
                            "donnee",
                            inst.reference,
                            inst.confiance_pilote or 0.9,
                            commentaire=inst.commentaire_pilote,
                        ),
                    )
            return
        if row["pilote_de_droit"] != "oui":
            return
        for type_acteur in split_list(row["pilotes"]):
            node = self._pilot_node(type_acteur, inst)
            if node:
                add_edge(
                    self.graph,
                    node,
                    inst.id,
                    "pilote",
                    Evidence("modele", "texte_officiel", str(row["reference"]), 0.9),
                )

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


def commune_siren_prefix(code: str) -> str | None:
    """First 8 digits of the SIREN of a metropolitan commune that has kept its historical SIREN: ``21``,
    the département (``20`` in Corsica), ``0`` and the commune number; the 9th digit is a check digit.
    Overseas SIREN follow no such rule and communes nouvelles get another SIREN: the COG list
    (``sirens_communes``) is used first.

    Examples
    --------
    >>> commune_siren_prefix("93001"), commune_siren_prefix("2A004"), commune_siren_prefix("97411")
    ('21930001', '21200004', None)
    """
    if code.startswith("97"):
        return None
    dep, number = ("20" if code[:2] in ("2A", "2B") else code[:2]), code[2:]
    prefix = f"21{dep}0{number}"
    return prefix if prefix.isdigit() and len(prefix) == 8 else None


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
