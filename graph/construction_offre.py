"""Phase 5 of the graph's construction: the offer catalogue (structures and their services).

A structure is merged with a registry actor (same ``id_structure``, same SIRET, or same name in
the same commune) or with the generated CCAS / commune it is; France Travail agencies and
département sites become *members of* their institution, SIAE are *funded* by the DDETS
(conventionnement IAE). Mixed into :class:`graph.construction._Builder`.
"""

from __future__ import annotations

import re

from graph.modele import (
    Evidence,
    actor_group,
    actor_type_from_catalogue,
    add_edge,
    add_node,
    normalise_name,
    refine_type_by_name,
    text_or_none,
)
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

_TEXT_FRANCE_SERVICES = (
    "Circulaire n° 6094/SG du 1er juillet 2019 (France Services : labellisation par le préfet, "
    "financement de l'État par le FNADT)"
)
_TEXT_IAE = "Code du travail, article L5132-2 (conventionnement des SIAE par l'État)"
# catalogue actor type -> (institution that funds each of its sites, the text saying so)
_FINANCEURS = {"siae": ("ddets", _TEXT_IAE), "france_services": ("prefecture", _TEXT_FRANCE_SERVICES)}


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


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


class OffreMixin:
    """Phase 5 of :class:`graph.construction._Builder` (uses its graph, inputs and resolvers)."""

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
        elif type_acteur in _FINANCEURS:
            institution, texte = _FINANCEURS[type_acteur]
            financeur = self.institution(institution)
            if financeur:
                add_edge(
                    self.graph,
                    financeur,
                    node,
                    "finance",
                    Evidence("regle_reglementaire", "texte_officiel", texte, 0.8),
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
