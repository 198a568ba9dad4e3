"""Graph merge from hand-made marts (columns of marts.territoires, marts.structures, marts.services,
marts.documents, marts.mentions, marts.liens_candidats) and fixture files in the sources' formats."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from graph import analyse
from graph.construction import GraphInputs, build_graph
from graph.dispositifs import ModeleInvalide
from graph.modele import NODE_KINDS
from graph.registre import read_registre_departement
from ingest.france_travail import read_clpe_communes
from ingest.politique_ville import read_contrats_de_ville
from tests.unit._vocabulaire_graphe import read_modele

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "dbt_project" / "seeds"
PC, PTE, MGP = "200057867", "200058097", "200054781"


#: The columns of the document mentions the graph reads.
MENTION_COLUMNS = [
    "id_mention",
    "id_passage",
    "id_document",
    "code_departement",
    "type_entite",
    "code_entite",
    "libelle_entite",
    "categorie_document",
]


def territoires() -> pd.DataFrame:
    rows = [
        {
            "niveau": "departement",
            "code_territoire": "93",
            "libelle": "Seine-Saint-Denis",
            "code_departement": "93",
            "code_region": "11",
        },
        {"niveau": "region", "code_territoire": "11", "libelle": "Île-de-France", "code_region": "11"},
        {"niveau": "ept", "code_territoire": PC, "libelle": "Plaine Commune", "code_departement": "93"},
        {
            "niveau": "ept",
            "code_territoire": PTE,
            "libelle": "Paris Terres d'Envol",
            "code_departement": "93",
        },
        {
            "niveau": "epci",
            "code_territoire": MGP,
            "libelle": "Métropole du Grand Paris",
            "code_departement": "75",
        },
        {
            "niveau": "qpv",
            "code_territoire": "QN09301M",
            "libelle": "Quartier test",
            "code_departement": "93",
            "codes_communes": ["93001", "93066"],
            "code_commune_parente": None,
        },
        {"niveau": "commune", "code_territoire": "92004", "libelle": "Asnières", "code_departement": "92"},
    ]
    for code, name, ept, pop, qpv in (
        ("93001", "Aubervilliers", PC, 90000, True),
        ("93066", "Saint-Denis", PC, 150000, True),
        ("93005", "Aulnay-sous-Bois", PTE, 1000, False),
    ):
        rows.append(
            {
                "niveau": "commune",
                "code_territoire": code,
                "libelle": name,
                "code_epci": MGP,
                "code_ept": ept,
                "code_departement": "93",
                "code_region": "11",
                "population": pop,
                "est_qpv": qpv,
                "code_commune_parente": None,
            }
        )
    return pd.DataFrame(rows)


def structures() -> pd.DataFrame:
    columns = [
        "id_structure",
        "nom",
        "siret",
        "code_commune",
        "code_departement",
        "longitude",
        "latitude",
        "typologie",
        "reseaux_porteurs",
    ]
    rows = [
        ("S-FT-1", "France Travail Aubervilliers", None, "93001", "93", 2.38, 48.91, "FT", None),
        ("S-ML-1", "Mission locale de Saint-Denis", None, "93066", "93", 2.35, 48.93, "ML", None),
        ("S-SIAE-1", "Chantier d'insertion", "99999999900011", "93066", "93", None, None, "ACI", None),
        ("S-CCAS-1", "CCAS d'Aubervilliers", None, "93001", "93", None, None, "CCAS", None),
        ("S-ASSO-1", "Réinsertion 93 (site)", "12345678900011", "93066", "93", None, None, "ASSO", None),
        ("S-ASSO-2", "Association reprise", None, "93005", "93", None, None, "ASSO", None),
        ("S-MUNI-1", "Mairie de Saint-Denis", None, "93066", "93", None, None, "MUNI", None),
        ("S-FS-1", "France services Aulnay", None, "93005", "93", None, None, None, "france-service"),
        ("S-92", "Structure des Hauts-de-Seine", None, "92004", "92", None, None, "ASSO", None),
        ("S-CN-1", "COMMUNE D'AUBERVILLIERS", "21930001900011", "93001", "93", None, None, "CNFS", None),
        ("S-CN-2", "PLAINE COMMUNE", "20005786700018", "93066", "93", None, None, "CNFS", None),
        ("S-CN-3", "LE PLIE DU BLANC MESNIL", "45035221600037", "93066", "93", None, None, "CNFS", None),
        (
            "S-CN-4",
            "CTRE COM ACTION SOCIALE DE ST DENIS",
            "26930000000000",
            "93066",
            "93",
            None,
            None,
            "CNFS",
            None,
        ),
        ("S-ESAT", "ESAT de test", "78555894100056", "93005", "93", None, None, "ESAT", None),
        ("S-ESAT-2", "ESAT de test annexe", "78555894100056", "93001", "93", None, None, "ESAT", None),
    ]
    return pd.DataFrame(rows, columns=columns)


def services() -> pd.DataFrame:
    rows = [
        ("SV1", "S-SIAE-1", "Chantier", "A2", "iae", "93066", "93"),
        ("SV2", "S-ASSO-1", "Accompagnement", "A2", "accompagnement_emploi", "93066", "93"),
        ("SV3", "S-CCAS-1", "Domiciliation", "A3", "acces_aux_droits", "93001", "93"),
        ("SV4", "S-FS-1", "Aide aux démarches", "A3", "acces_aux_droits", "93005", "93"),
        ("SV5", "S-INCONNUE", "Service orphelin", "A3", "aide_alimentaire", "93005", "93"),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "id_service",
            "id_structure",
            "nom",
            "code_axe",
            "code_domaine",
            "code_commune",
            "code_departement",
        ],
    )


def geo() -> pd.DataFrame:
    def square(x0, y0, x1, y1):
        return f"POLYGON(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"

    return pd.DataFrame(
        [
            {"code_insee": "93001", "dep": "93", "geometrie_wkt": square(2.35, 48.90, 2.40, 48.95)},
            {"code_insee": "93066", "dep": "93", "geometrie_wkt": square(2.30, 48.90, 2.35, 48.95)},
            {"code_insee": "93005", "dep": "93", "geometrie_wkt": square(2.45, 48.92, 2.55, 48.98)},
        ]
    )


def documents() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    docs = pd.DataFrame(
        [
            {
                "id_document": "D1",
                "code_departement": "93",
                "categorie": "document",
                "titre": "PDI 2024 <b>gras</b>",
                "acteur_entretien": None,
            },
            {
                "id_document": "E1",
                "code_departement": "93",
                "categorie": "entretien",
                "titre": "Entretien CCAS",
                "acteur_entretien": "CCAS d'Aubervilliers",
            },
        ]
    )
    mentions = pd.DataFrame(
        [
            ("M1", "P1", "D1", "93", "acteur", "CAF", "CAF", "document"),
            ("M2", "P1", "D1", "93", "dispositif", "PDI", "PDI", "document"),
            (
                "M3",
                "P2",
                "D1",
                "93",
                "dispositif",
                "COMITES_EMPLOI",
                "comité local pour l'emploi",
                "document",
            ),
            ("M4", "P2", "D1", "93", "territoire", "93066", "Saint-Denis", "document"),
            ("M5", "P2", "D1", "93", "acteur", "MISSION_LOCALE", "mission locale", "document"),
            ("M6", "P3", "E1", "93", "acteur", "FRANCE_TRAVAIL", "Pôle emploi", "entretien"),
            ("M7", "P4", "D1", "93", "avancement", "realise", "réalisé", "document"),
            ("M8", "P5", "D9", "92", "acteur", "CAF", "CAF", "document"),
        ],
        columns=MENTION_COLUMNS,
    )
    liens = pd.DataFrame(
        [
            {
                "code_departement": "93",
                "entite_a": "CAF",
                "type_a": "acteur",
                "entite_b": "PDI",
                "type_b": "dispositif",
                "nb_preuves": 2,
                "passages": ["P1", "P7"],
                "types_documents": ["pdi"],
                "cite_en_entretien": False,
            },
            {
                "code_departement": "93",
                "entite_a": "FRANCE_TRAVAIL",
                "type_a": "acteur",
                "entite_b": "PDI",
                "type_b": "dispositif",
                "nb_preuves": 1,
                "passages": ["P3"],
                "types_documents": ["entretien"],
                "cite_en_entretien": True,
            },
            {
                "code_departement": "93",
                "entite_a": "MISSION_LOCALE",
                "type_a": "acteur",
                "entite_b": "PDI",
                "type_b": "dispositif",
                "nb_preuves": 1,
                "passages": ["P2"],
                "types_documents": ["autre"],
                "cite_en_entretien": False,
            },
            {
                "code_departement": "93",
                "entite_a": "CAF",
                "type_a": "acteur",
                "entite_b": "FRANCE_TRAVAIL",
                "type_b": "acteur",
                "nb_preuves": 3,
                "passages": ["P8", "P9", "P10"],
                "types_documents": ["convention", "autre"],
                "cite_en_entretien": False,
            },
            {
                "code_departement": "93",
                "entite_a": "CONSEIL_DEPARTEMENTAL",
                "type_a": "acteur",
                "entite_b": "CAF",
                "type_b": "acteur",
                "nb_preuves": 4,
                "passages": ["P11"],
                "types_documents": ["texte_juridique"],
                "cite_en_entretien": False,
            },
        ]
    )
    return docs, mentions, liens


@pytest.fixture()
def inputs(fixtures_dir) -> GraphInputs:
    data = fixtures_dir / "graph" / "data"
    docs, mentions, liens = documents()
    return GraphInputs(
        code_departement="93",
        territoires=territoires(),
        axes_domaines=pd.read_csv(SEEDS / "axes_domaines.csv", dtype=str, keep_default_na=False),
        modele=read_modele(SEEDS / "dispositifs_modele.csv"),
        clpe=read_clpe_communes(data).frame,
        contrats_ville=read_contrats_de_ville(data).frame,
        geo_communes=geo(),
        structures=structures(),
        services=services(),
        documents=docs,
        mentions=mentions,
        liens_candidats=liens,
        registre=read_registre_departement(fixtures_dir / "graph" / "registre_valide" / "93", "93"),
    )


@pytest.fixture()
def built(inputs):
    return build_graph(inputs)


def test_institutions_collectivities_and_ccas(built):
    g = built.graph
    for node in (
        "conseil_departemental:93",
        "prefecture:93",
        "ddets:93",
        "caf:93",
        "cpam:93",
        "ars:93",
        "education_nationale:93",
        "france_travail:93",
        "region:11",
        f"ept:{PC}",
        f"ept:{PTE}",
        f"epci:{MGP}",
        "commune:93001",
        "commune:93066",
        "commune:93005",
        "ccas:93001",
        "ccas:93066",
    ):
        assert g.nodes[node]["type_noeud"] == "acteur", node
    assert "ccas:93005" not in g  # 1 000 inhabitants: no mandatory CCAS, none in the catalogue
    assert g.nodes["ccas:93001"]["libelle"] == "CCAS d'Aubervilliers"
    assert g.has_edge("ccas:93001", "commune:93001", "membre_de")
    assert g.has_edge("commune:93001", f"ept:{PC}", "membre_de") and g.has_edge(
        "commune:93001", f"epci:{MGP}", "membre_de"
    )
    assert g.nodes["territoire:qpv:QN09301M"]["type_noeud"] == "territoire"
    assert "territoire:commune:92004" not in g


def test_catalogue_actors_are_reused_never_duplicated(built):
    g = built.graph
    # registry actor matched by SIRET, and by id_structure
    assert g.nodes["asso:reinsertion"]["ids_structures"] == ["S-ASSO-1"]
    assert "structure:S-ASSO-1" not in g and "structure:S-ASSO-2" not in g
    assert g.nodes["asso:alias"]["id_structure"] == "S-ASSO-2"
    # a CCAS and a town hall of the catalogue are the generated CCAS and commune
    assert "structure:S-CCAS-1" not in g and g.nodes["ccas:93001"]["ids_structures"] == ["S-CCAS-1"]
    assert "structure:S-MUNI-1" not in g and g.nodes["commune:93066"]["ids_structures"] == ["S-MUNI-1"]
    # France Travail agencies stay sites of the institution
    assert g.nodes["structure:S-FT-1"]["type_acteur"] == "france_travail"
    assert g.has_edge("structure:S-FT-1", "france_travail:93", "membre_de")
    assert g.has_edge("ddets:93", "structure:S-SIAE-1", "finance")
    assert g.nodes["structure:S-FS-1"]["type_acteur"] == "france_services"
    assert g.has_edge("prefecture:93", "structure:S-FS-1", "finance")
    assert "structure:S-92" not in g
    # hosts of conseillers numériques that are collectivities (by SIREN) or a CCAS (by name)
    assert g.nodes["commune:93001"]["ids_structures"] == ["S-CN-1"] and "structure:S-CN-1" not in g
    assert g.nodes[f"ept:{PC}"]["ids_structures"] == ["S-CN-2"] and "structure:S-CN-2" not in g
    assert g.nodes["structure:S-CN-3"]["type_acteur"] == "plie"
    assert g.nodes["ccas:93066"]["ids_structures"] == ["S-CN-4"]
    assert g.nodes["structure:S-ESAT"]["type_acteur"] == "travail_adapte"
    # two sites with one SIRET are one establishment, one actor
    assert "structure:S-ESAT-2" not in g and g.nodes["structure:S-ESAT"]["ids_structures"] == [
        "S-ESAT",
        "S-ESAT-2",
    ]
    # offer: structure offers service belonging to a domain, located in a commune
    assert g.has_edge("asso:reinsertion", "service:SV2", "offre")
    assert g.has_edge("ccas:93001", "service:SV3", "offre")
    assert g.has_edge("service:SV1", "domaine:iae", "releve_de")
    assert g.has_edge("service:SV1", "territoire:commune:93066", "situe_dans")
    assert g.has_edge("structure:S-SIAE-1", "territoire:commune:93066", "situe_dans")
    assert g.nodes["asso:reinsertion"]["axes"] == ["A2"]
    assert not any(g.has_edge(u, "service:SV5", "offre") for u in g.predecessors("service:SV5"))
    names = [d["libelle"] for _, d in g.nodes(data=True) if d["type_noeud"] == "acteur"]
    assert len(names) == len(set(names))


def test_dispositif_instances_from_template_territories_clpe_and_contrats(built):
    g = built.graph
    nodes = {n for n, d in g.nodes(data=True) if d["type_noeud"] == "dispositif"}
    for node in (
        "dispositif:pdi:departement:93",
        "dispositif:pti:departement:93",
        "dispositif:contrat_local_solidarites:departement:93",
        "dispositif:convention_france_travail:departement:93",
        f"dispositif:contrat_de_ville:ept:{PC}",
        f"dispositif:ctg:ept:{PTE}",
        "dispositif:abs:commune:93001",
        "dispositif:comite_local_emploi:clpe:CLPE93004",
        "dispositif:comite_local_emploi:clpe:CLPE93003",
        "dispositif:crte:ept_local:200057867",
    ):
        assert node in nodes, node
    assert f"dispositif:contrat_de_ville:ept:{PTE}" not in nodes  # no QPV in Paris Terres d'Envol here
    assert "dispositif:abs:commune:93005" not in nodes  # no CCAS
    assert "dispositif:comite_local_emploi:clpe:CLPE92001" not in nodes
    assert not any(":territoires_industrie:" in n or ":frr:" in n for n in nodes)  # registry only
    clpe = g.nodes["dispositif:comite_local_emploi:clpe:CLPE93004"]
    assert clpe["communes"] == ["93001", "93066"]  # 93059 (merged in 2025) is not a commune any more
    assert clpe["libelle"] == "Comité local pour l'emploi (CLPE) — Plaine Commune"
    # curated label of a generated instance
    assert g.nodes["dispositif:pti:departement:93"]["libelle"] == "Pacte territorial d'insertion (test)"
    # pilots named by the law
    assert g.has_edge("conseil_departemental:93", "dispositif:pdi:departement:93", "pilote")
    assert g.has_edge("ccas:93001", "dispositif:abs:commune:93001", "pilote")
    assert g.has_edge(f"ept:{PC}", f"dispositif:contrat_de_ville:ept:{PC}", "pilote")
    assert not any(True for _ in g.predecessors(f"dispositif:ctg:ept:{PTE}"))  # CTG: pilot not set by law
    # contrats de ville 2015-2023: by name (dissolved CA → EPT), by commune code, by label point
    cv349 = g.nodes["dispositif:contrat_de_ville:cv2015:CV349"]
    assert (cv349["niveau"], cv349["code_territoire"], cv349["historique"]) == ("ept", PC, True)
    assert g.has_edge(f"ept:{PC}", "dispositif:contrat_de_ville:cv2015:CV349", "pilote")
    assert g.has_edge("commune:93005", "dispositif:contrat_de_ville:cv2015:CV907", "pilote")
    pilot = g.edges[f"ept:{PTE}", "dispositif:contrat_de_ville:cv2015:CV351", "pilote"]
    assert pilot["confiance"] == 0.7 and "200006385" in pilot["preuves"][0]["commentaire"]
    assert "dispositif:contrat_de_ville:cv2015:CV999" not in nodes
    assert any("CV999" in m for m in built.messages)


def test_registry_links_and_unknown_references(built):
    g = built.graph
    edge = g.edges["plie:ensemble", "dispositif:pti:departement:93", "signe"]
    assert edge["confiance"] == 0.9 and edge["preuves"][0]["reference"] == "PTI 2022 article 3"
    assert g.edges["asso:reinsertion", "france_travail:93", "partenaire_de"]["origines"] == ["entretiens"]
    assert g.has_edge("structure:S-ML-1", "dispositif:pti:departement:93", "partenaire_de")
    # the pilot of the PTI is the law (0.9) and nothing else
    assert g.edges["conseil_departemental:93", "dispositif:pti:departement:93", "pilote"]["confiance"] == 0.9
    assert [(Path(r.source_file).name, r.line, r.field) for r in built.rejets] == [("liens.csv", 7, "source")]
    assert "S-INCONNUE" in built.rejets[0].reason


def test_documents_mentions_co_mentions_and_interviews(built):
    g = built.graph
    # documents are evidence, never nodes: neither their id nor their title is in the graph
    assert not any(n.startswith("document:") for n in g)
    assert "PDI 2024 <b>gras</b>" not in {d.get("libelle") for _, d in g.nodes(data=True)}
    assert "document" not in NODE_KINDS
    assert {d["type_noeud"] for _, d in g.nodes(data=True)} <= set(NODE_KINDS)
    # the mentions of the département's documents are resolved and counted (CAF, PDI, comités, Saint-Denis,
    # France Travail in the interview); the generic mission locale is not; the 92 one is not read
    assert built.stats["mentions"] == 5
    co = g.edges["caf:93", "dispositif:pdi:departement:93", "partenaire_de"]
    # a PDI document: 0.3 per passage; a convention: 0.45 per passage (cap 0.9); a legal text: no tie
    assert co["confiance"] == pytest.approx(1 - 0.7**2) and co["preuves"][0]["reference"] == "P1,P7"
    assert g.edges["caf:93", "france_travail:93", "partenaire_de"]["confiance"] == pytest.approx(1 - 0.55**3)
    assert not g.has_edge("conseil_departemental:93", "caf:93", "partenaire_de")
    ft = g.edges["france_travail:93", "dispositif:pdi:departement:93", "partenaire_de"]
    assert ft["origines"] == ["entretiens"] and ft["confiance"] == pytest.approx(0.35)
    # the interviewee (CCAS d'Aubervilliers) cited France Travail
    assert (
        g.edges["ccas:93001", "france_travail:93", "partenaire_de"]["preuves"][0]["type_preuve"]
        == "entretien"
    )
    assert built.stats["entites_non_resolues"] == 2  # MISSION_LOCALE (generic) in a mention and a co-mention
    assert any("MISSION_LOCALE" in m for m in built.messages)


def test_no_registry_builds_from_template_offer_and_territories(inputs):
    inputs.registre = None
    result = build_graph(inputs)
    assert any("registre des acteurs absent pour le département 93" in m for m in result.messages)
    g = result.graph
    assert "plie:ensemble" not in g and "structure:S-ASSO-1" in g  # no registry: the catalogue actor is kept
    assert g.has_edge("conseil_departemental:93", "dispositif:pdi:departement:93", "pilote")
    frame = analyse.coordination_dispositifs(g)
    assert len(frame) and frame.groupby("id_dispositif")["present"].any().any()


def test_missing_optional_sources_are_said(inputs):
    inputs.structures = inputs.services = inputs.mentions = inputs.liens_candidats = None
    inputs.clpe = None
    result = build_graph(inputs)
    text = " ".join(result.messages)
    assert "catalogue de l'offre absent" in text and "documents absents" in text and "CLPE absente" in text


def test_territories_are_required(inputs):
    from graph.territoires import MissingSource

    inputs.territoires = territoires()[lambda f: f["niveau"] != "departement"]
    with pytest.raises(MissingSource, match="niveau='departement' pour 93"):
        build_graph(inputs)


def test_template_errors_name_line_and_field(tmp_path):
    frame = pd.read_csv(SEEDS / "dispositifs_modele.csv", dtype=str, keep_default_na=False)
    frame.loc[2, "signataires_attendus"] = "prefecture|licorne"
    path = tmp_path / "modele.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(
        ModeleInvalide, match=r"modele.csv:4 \[signataires_attendus\] type d'acteur inconnu 'licorne'"
    ):
        read_modele(path)
    frame = pd.read_csv(SEEDS / "dispositifs_modele.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "echelle"] = "canton"
    frame.to_csv(path, index=False)
    with pytest.raises(ModeleInvalide, match=r":2 \[echelle\]"):
        read_modele(path)


def test_template_covers_every_dispositif_of_the_domain_reference():
    modele = read_modele(SEEDS / "dispositifs_modele.csv")
    expected = {
        "contrat_local_solidarites",
        "convention_france_travail",
        "comite_departemental_emploi",
        "comite_local_emploi",
        "pdi",
        "pti",
        "spie",
        "contrat_de_ville",
        "crte",
        "territoires_industrie",
        "frr",
        "ctg",
        "abs",
        "sdsf",
        "pdalhpd",
        "schema_enfance",
        "sdaasp",
        "calpae",
    }
    assert set(modele["code_dispositif"]) == expected
    assert (modele["reference"].str.len() > 10).all()
    assert json.dumps(list(modele["axes"]))  # every row has axes
    assert (modele["axes"] != "").all()


def test_document_mentions_never_become_nodes(inputs):
    """Documents titled like an article number or carrying a redacted name, as the 93 corpus has (« Article
    6 », « décision de sanction à l'encontre de la structure [NOM] … »), and mentions of them, give no node:
    the network holds actors, dispositifs and their context only."""
    docs = pd.DataFrame(
        [
            {
                "id_document": "L6",
                "code_departement": "93",
                "categorie": "document",
                "titre": "Article 6",
                "type_document": "texte_juridique",
                "acteur_entretien": None,
            },
            {
                "id_document": "DS",
                "code_departement": "93",
                "categorie": "document",
                "titre": "décision de sanction à l’encontre de la structure [NOM] dans le cadre du contrôle",
                "type_document": "autre",
                "acteur_entretien": None,
            },
        ]
    )
    mentions = pd.DataFrame(
        [
            ("A1", "L6-p1", "L6", "93", "acteur", "CAF", "CAF", "document"),
            ("A2", "L6-p1", "L6", "93", "dispositif", "PDI", "PDI", "document"),
            ("A3", "DS-p1", "DS", "93", "acteur", "DDETS", "DDETS", "document"),
            ("A4", "DS-p1", "DS", "93", "acteur", "[NOM]", "[NOM]", "document"),
            ("A5", "DS-p1", "DS", "93", "acteur", "Article 6", "Article 6", "document"),
        ],
        columns=MENTION_COLUMNS,
    )
    g = build_graph(replace(inputs, documents=docs, mentions=mentions)).graph
    labels = {str(d.get("libelle")) for _, d in g.nodes(data=True)}
    assert not {label for label in labels if "Article 6" in label or "[NOM]" in label or "sanction" in label}
    assert not any(n.startswith("document:") for n in g) and "caf:93" in g
