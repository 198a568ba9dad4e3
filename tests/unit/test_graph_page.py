"""The network page: escaping of hostile labels, no outside reference, aggregation, and a headless
Chromium check (networking disabled) that the nodes are drawn and that no outside request is made."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from graph import analyse, page
from graph.modele import Evidence, add_edge, add_node, new_graph

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _reseau_chromium as rc  # noqa: E402

HOSTILE_SCRIPT = "<script>document.body.setAttribute('data-xss', 'script')</script>"
HOSTILE_IMG = "\"><img src=x onerror=\"document.body.setAttribute('data-xss', 'img')\">"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def hostile_graph():
    g = new_graph("93")
    add_node(
        g,
        "territoire:departement:93",
        "territoire",
        "Seine-Saint-Denis",
        niveau="departement",
        code_territoire="93",
    )
    add_node(
        g,
        "territoire:commune:93001",
        "territoire",
        "Aubervilliers",
        niveau="commune",
        code_territoire="93001",
        code_ept="200057867",
    )
    add_node(g, "france_travail:93", "acteur", "France Travail", type_acteur="france_travail")
    add_node(g, "conseil_departemental:93", "acteur", "Département", type_acteur="conseil_departemental")
    add_node(g, "x1", "acteur", HOSTILE_SCRIPT, type_acteur="association", code_commune="93001", axes=["A3"])
    add_node(g, "x2", "acteur", HOSTILE_IMG, type_acteur="siae", code_commune="93001")
    add_node(
        g, "pdi", "dispositif", "PDI </script><b>", code_dispositif="pdi", axes=["A2"], communes=["93001"]
    )
    add_edge(
        g,
        "conseil_departemental:93",
        "pdi",
        "pilote",
        Evidence("modele", "texte_officiel", "CASF L263-1", 0.9),
    )
    add_edge(
        g,
        "france_travail:93",
        "pdi",
        "partenaire_de",
        Evidence("documents", "passage", "P1 </script><script>alert(1)</script>", 0.5),
    )
    add_edge(g, "x1", "pdi", "signe", Evidence("registre", "convention", HOSTILE_IMG, 0.7))
    add_edge(g, "x2", "x1", "partenaire_de", Evidence("entretiens", "entretien", "E1", 0.4))
    return g


def big_graph(n_isolated: int = 400, n_services: int = 300):
    g = hostile_graph()
    for i in range(n_isolated):
        commune = "93001"
        add_node(
            g,
            f"s{i}",
            "acteur",
            f"SIAE {i}",
            type_acteur="siae" if i % 2 else "association",
            code_commune=commune,
        )
    for i in range(n_services):
        add_node(
            g, f"sv{i}", "service", f"Service {i}", code_commune="93001", code_domaine="iae", code_axe="A2"
        )
        add_edge(g, f"s{i % n_isolated}", f"sv{i}", "offre", Evidence("catalogue", "donnee", f"sv{i}", 1.0))
    return g


def render(g, seuil=page.SEUIL_AGREGATION):
    return page.render_page(g, analyse.coordination_acteurs(g), seuil=seuil)


def test_hostile_labels_never_reach_the_html_as_markup():
    html, _ = render(hostile_graph())
    assert HOSTILE_SCRIPT not in html and "<img src=x" not in html
    assert "</script><b>" not in html and "alert(1)</script>" not in html
    # the fallback table shows the names as escaped text, the data block as JSON escapes
    assert "&lt;script&gt;document.body.setAttribute" in html
    data = re.search(r'<script id="donnees" type="application/json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data and ">" not in data
    model = json.loads(data)
    assert {n["libelle"] for n in model["noeuds"]} >= {HOSTILE_SCRIPT, HOSTILE_IMG, "PDI </script><b>"}
    # tooltips are built with textContent, never innerHTML
    template = (Path(page.__file__).parent / "templates" / "reseau_acteurs.html").read_text(encoding="utf-8")
    assert "innerHTML" not in template and "textContent" in template


def test_page_is_self_contained_and_french():
    html, info = render(hostile_graph())
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html, re.I)
    assert "@import" not in html and "cdnjs" not in html and "jsdelivr" not in html
    assert "default-src 'none'" in html
    assert 'lang="fr"' in html and "Vue France Travail / PDI-PTI" in html and "Filtrer par axe" in html
    assert "vis.Network" in html and len(html) > 400_000  # vis-network inlined
    assert info["noeuds_affiches"] == 5 and not info["agregation"]


def test_display_model_legend_styles_and_ft_view():
    model = page.display_model(hostile_graph(), analyse.coordination_acteurs(hostile_graph()))
    by_id = {n["id"]: n for n in model["noeuds"]}
    assert by_id["france_travail:93"]["vue_ft"] and by_id["pdi"]["vue_ft"] and not by_id["x1"]["vue_ft"]
    assert by_id["pdi"]["forme"] == "diamond" and by_id["x1"]["couleur"] == page.TYPE_COLOURS["association"]
    # the dispositif brokers everything: biggest node
    assert by_id["pdi"]["taille"] > by_id["x2"]["taille"]
    kinds = {e["type"] for e in model["liens"]}
    assert kinds == {"pilote", "partenaire_de", "signe"}
    assert {t["type"] for t in model["legende_liens"]} == kinds
    assert {t["type"] for t in model["legende_types"]} == {
        "france_travail",
        "conseil_departemental",
        "association",
        "siae",
    }
    # actors with no service take the axes of their dispositifs (for the axis filter)
    assert by_id["conseil_departemental:93"]["axes"] == ["A2"] and by_id["x1"]["axes"] == ["A2", "A3"]
    edge = next(e for e in model["liens"] if e["type"] == "partenaire_de" and e["de"] == "france_travail:93")
    # a passage missing from the warehouse is said so, never shown by its id
    assert edge["preuves"][0]["document"] == "passage introuvable dans l'entrepôt"
    assert "P1 </script>" not in json.dumps(model, ensure_ascii=False)


def test_large_graphs_are_aggregated():
    g = big_graph()
    model = page.display_model(g, analyse.coordination_acteurs(g))
    assert len(model["noeuds"]) < 20  # 400 isolated actors and 300 services → a few groups
    groups = [n for n in model["noeuds"] if n["genre"] == "groupe"]
    assert sorted(n["membres"] for n in groups) == [200, 200]  # x1 and x2 are tied: kept apart
    offer = [n for n in model["noeuds"] if n["genre"] == "offre"]
    assert len(offer) == 1 and offer[0]["membres"] == 300 and offer[0]["axes"] == ["A2"]
    assert any("regroupés" in note for note in model["notes"])
    # edges between aggregated nodes are merged and counted
    merged = [e for e in model["liens"] if e["type"] == "offre"]
    assert sum(e["nb"] for e in merged) == 300 and len(merged) == 2


def _netlog_page_requests(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # the log is closed without its last bracket when chromium is killed
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "file://" in str(
            params.get("network_isolation_key", "")
        ):
            urls.append(params["url"])
    return urls


def _chromium(url: str, tmp_path: Path, budget_ms: int = 30_000) -> tuple[str, list[str]]:
    netlog = tmp_path / "netlog.json"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-default-apps",
        f"--user-data-dir={tmp_path / 'profil'}",
        # networking disabled: every host resolves to nothing, every request goes to a closed port
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={netlog}",
        f"--virtual-time-budget={budget_ms}",
        "--window-size=1400,900",
        "--dump-dom",
        url,
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, _netlog_page_requests(netlog)


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium absent (/usr/bin/chromium) : installer avec "
    "`apt-get update && apt-get install -y chromium`",
)


@needs_chromium
def test_netlog_check_detects_an_outside_request(tmp_path):
    leak = tmp_path / "fuite.html"
    leak.write_text('<html><body><img src="https://example.org/x.png"></body></html>', encoding="utf-8")
    _, requests = _chromium(leak.as_uri(), tmp_path, 3_000)
    assert requests == ["https://example.org/x.png"]  # the check can fail


@needs_chromium
@pytest.mark.parametrize("graph_of", [hostile_graph, big_graph], ids=["petit_hostile", "agrege"])
def test_page_draws_offline_in_headless_chromium(tmp_path, graph_of):
    g = graph_of()
    path = tmp_path / "reseau_acteurs.html"
    info = page.write_page(g, analyse.coordination_acteurs(g), path)
    dom, requests = _chromium(path.as_uri(), tmp_path)
    assert requests == []  # no request to any host from the page
    container = re.search(r'<div id="reseau"([^>]*)>', dom).group(1)
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', container))
    assert attrs.get("etat") == "stabilise", container
    assert int(attrs["noeuds"]) == info["noeuds_affiches"] > 0
    assert int(attrs["positions"]) == int(attrs["noeuds"])  # every node has a position
    assert int(attrs["pixels"]) > 200  # the canvas is drawn
    assert "violations" not in attrs  # the Content-Security-Policy blocked nothing: nothing was tried
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert "data-xss" not in body  # the hostile names never ran
    if graph_of is hostile_graph:
        assert "&lt;script&gt;document.body.setAttribute" in dom


@needs_chromium
def test_screenshot_shows_the_network(tmp_path):
    g = hostile_graph()
    path = tmp_path / "reseau_acteurs.html"
    page.write_page(g, analyse.coordination_acteurs(g), path)
    shot = tmp_path / "capture.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profil'}",
            "--proxy-server=127.0.0.1:9",
            "--virtual-time-budget=20000",
            f"--screenshot={shot}",
            "--window-size=1200,800",
            path.as_uri(),
        ],
        capture_output=True,
        timeout=600,
        check=True,
    )
    assert shot.exists() and shot.stat().st_size > 20_000


def test_metrics_frame_is_optional():
    html, info = page.render_page(hostile_graph(), pd.DataFrame())
    assert info["noeuds_affiches"] == 5 and "Liste des acteurs" in html


@needs_chromium
def test_france_travail_view_highlights_ft_pdi_pti_and_neighbours(tmp_path):
    g = hostile_graph()
    path = tmp_path / "reseau_acteurs.html"
    page.write_page(g, analyse.coordination_acteurs(g), path)
    dom, requests = _chromium(path.as_uri() + "#vue-france-travail", tmp_path)
    assert requests == []
    attrs = dict(
        re.findall(r'data-([a-z-]+)="([^"]*)"', re.search(r'<div id="reseau"([^>]*)>', dom).group(1))
    )
    # France Travail and the PDI, plus their neighbours (the département, the hostile association); the
    # SIAE tied only to the association stays dimmed
    assert attrs["vue"] == "france_travail" and attrs["noeuds-vue"] == "4"


# -- evidence, labels, search, focus, filters and counter --------------------------------------------------

PASSAGE = "93-abc-p0003-002"
PASSAGES = pd.DataFrame(
    [
        {
            "id_passage": PASSAGE,
            "texte": "La CAF et France Travail animent ensemble les rendez-vous d'orientation "
            "des allocataires.",
            "page": 3,
            "unite_page": "page",
            "titre": "Pacte territorial d'insertion 2022-2026",
        },
        {
            "id_passage": "P1 </script><script>alert(1)</script>",
            "texte": HOSTILE_SCRIPT,
            "page": 1,
            "unite_page": "section",
            "titre": HOSTILE_IMG,
        },
    ]
)
URL = "https://www.seine-saint-denis.gouv.fr/pti"


def medium_graph():
    """The shape that broke the old filters: a central DDETS and a dozen partners with no axis (« Sans
    axe »), dispositifs with axes, a tie evidenced by a passage and one by the registry."""
    g = hostile_graph()
    add_node(g, "ddets:93", "acteur", "DDETS de la Seine-Saint-Denis", type_acteur="ddets")
    add_node(g, "caf:93", "acteur", "Caisse d'allocations familiales", type_acteur="caf")
    add_node(
        g, "ml:1", "acteur", "Mission locale de Bondy", type_acteur="mission_locale", code_commune="93001"
    )
    add_node(g, "ft:drancy", "acteur", "Drancy", type_acteur="france_travail", code_commune="93001")
    add_node(g, "sdsf", "dispositif", "Schéma des services aux familles", code_dispositif="sdsf", axes=["A1"])
    for i in range(12):
        add_node(g, f"asso:{i}", "acteur", f"Association d'insertion numéro {i}", type_acteur="association")
        add_edge(g, f"asso:{i}", "ddets:93", "partenaire_de", Evidence("registre", "convention", URL, 0.6))
    add_edge(
        g,
        "ddets:93",
        "conseil_departemental:93",
        "partenaire_de",
        Evidence("modele", "donnee", "réseau", 0.7),
    )
    add_edge(
        g,
        "caf:93",
        "sdsf",
        "pilote",
        Evidence("modele", "texte_officiel", "Circulaire du 22 janvier 2015", 0.9),
    )
    add_edge(
        g, "caf:93", "france_travail:93", "partenaire_de", Evidence("documents", "passage", PASSAGE, 0.3)
    )
    add_edge(
        g,
        "ml:1",
        "ddets:93",
        "signe",
        Evidence("registre", "site_public", URL, 0.8, "2024-03", "« convention signée avec l'État »"),
    )
    add_edge(g, "ft:drancy", "france_travail:93", "membre_de", Evidence("modele", "donnee", "réseau", 1.0))
    return g


def test_evidence_is_quoted_with_its_document_and_page_never_an_id():
    g = medium_graph()
    model = page.display_model(g, analyse.coordination_acteurs(g), passages=PASSAGES)
    liens = {(e["de"], e["vers"], e["type"]): e for e in model["liens"]}
    quote = liens[("caf:93", "france_travail:93", "partenaire_de")]["preuves"][0]
    assert quote["citation"].startswith("La CAF et France Travail animent")
    assert quote["document"] == "Pacte territorial d'insertion 2022-2026" and quote["page"] == "p. 3"
    registry = liens[("ml:1", "ddets:93", "signe")]["preuves"][0]
    assert registry["adresse"] == URL and registry["note"] == "« convention signée avec l'État »"
    assert registry["origine"] == "registre local des acteurs" and registry["date"] == "2024-03"
    law = liens[("caf:93", "sdsf", "pilote")]["preuves"][0]
    assert law["source"] == "Circulaire du 22 janvier 2015" and law["nature"] == "texte officiel"
    text = json.dumps(model, ensure_ascii=False)
    assert PASSAGE not in text  # no passage id anywhere in the page's data
    assert not any("reference" in p for e in model["liens"] for p in e["preuves"])  # no raw reference
    # a site named by its town only is named with its network; the most central nodes carry a label
    by_id = {n["id"]: n for n in model["noeuds"]}
    assert by_id["ft:drancy"]["libelle"] == "France Travail — Drancy"
    assert by_id["ml:1"]["libelle"] == "Mission locale de Bondy"
    assert by_id["ddets:93"]["rang"] == 1 and by_id["ddets:93"]["etiquette_permanente"]
    assert sum(n.get("etiquette_permanente", False) for n in model["noeuds"]) == page.ETIQUETTES_PERMANENTES


def test_documents_are_not_drawn_as_nodes():
    g = medium_graph()
    model = page.display_model(g, analyse.coordination_acteurs(g))
    assert "document" not in {n["genre"] for n in model["noeuds"]} and "document" not in model["genres"]
    assert {n["genre"] for n in model["noeuds"]} <= {"acteur", "dispositif", "offre", "groupe"}


needs_chromium_driver = pytest.mark.skipif(
    rc.CHROMIUM is None, reason="Chromium absent (/usr/bin/chromium) : apt-get install -y chromium"
)

SCENARIO = [
    "R.defaut = etat();",
    "cocher('Sans axe', false);",
    "R.sans_axe = etat();",
    "cocher('Sans axe', true);",
    "R.sans_axe_retour = etat();",
    "cocher('Dispositifs', false); cocher('A2 Emploi', false);",
    "R.deux_filtres = etat();",
    "cocher('Dispositifs', true); cocher('A2 Emploi', true);",
    "R.deux_filtres_retour = etat();",
    # the check below must catch a moved node: move one, then « Tout afficher » must put it back
    "var p = window.reseauActeurs.reseau.getPositions(['ddets:93'])['ddets:93'];"
    " window.reseauActeurs.reseau.moveNode('ddets:93', p.x + 120, p.y + 40);",
    "R.deplace = etat();",
    "cocher('Sans axe', false); cliquer('vue-tout');",
    "R.repare = etat();",
    "taper('mission');",
    "R.recherche = etat();",
    "taper('zzzz');",
    "R.recherche_vide = etat();",
    "taper('allocations'); document.querySelector('#resultats button').click();",
    "R.focus = etat();",
    "cliquer('quitter-focus');",
    "R.apres_focus = etat();",
    "window.reseauActeurs.focaliser('x1');",
    "R.focus_hostile = etat(); R.xss = document.body.getAttribute('data-xss');",
    "cliquer('vue-tout'); window.reseauActeurs.reseau.moveTo({scale: 0.4, animation: false});",
    "R.loin = etat();",
    # hovering a node that has no permanent name shows its name
    "var r = window.reseauActeurs.reseau, c = r.canvasToDOM(r.getPositions(['asso:7'])['asso:7']);"
    " var b = document.querySelector('#reseau canvas').getBoundingClientRect();"
    " document.querySelector('#reseau canvas').dispatchEvent(new MouseEvent('mousemove',"
    " {clientX: b.left + c.x, clientY: b.top + c.y, bubbles: true}));",
    "R.survol = etat();",
    "window.reseauActeurs.reseau.moveTo({scale: 1.2, animation: false});",
    "R.zoom = etat();",
    # every text a person can read: the page, every tooltip, the focus panel of every node
    "R.textes = [document.body.innerText].concat(window.reseauActeurs.infobulles());"
    " Object.keys(window.reseauActeurs.reseau.getPositions()).forEach(function (id) {"
    " window.reseauActeurs.focaliser(id); R.textes.push(document.getElementById('fiche').innerText); });",
]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    if rc.CHROMIUM is None:
        pytest.skip("Chromium absent")
    work = tmp_path_factory.mktemp("reseau")
    g = medium_graph()
    path = work / "reseau_acteurs.html"
    page.write_page(g, analyse.coordination_acteurs(g), path, passages=PASSAGES)
    result = rc.run(path, SCENARIO, work)
    assert "erreur" not in result, result.get("erreur")
    return result


@needs_chromium_driver
def test_filter_round_trip_puts_every_node_back_in_place(scenario):
    defaut = scenario["defaut"]
    # unticking « Sans axe » hides the DDETS and its partners (the filter does something)...
    assert "ddets:93" not in scenario["sans_axe"]["noeuds_dessines_ids"]
    assert scenario["sans_axe"]["noeuds_dessines"] <= defaut["noeuds_dessines"] - 13
    # ...and reticking it puts every node back exactly where it was
    for state in ("sans_axe_retour", "deux_filtres_retour"):
        assert sorted(scenario[state]["noeuds_dessines_ids"]) == sorted(defaut["noeuds_dessines_ids"])
        assert rc.moved(defaut["positions"], scenario[state]["positions"]) == [], state
    assert scenario["deux_filtres"]["noeuds_dessines"] < defaut["noeuds_dessines"]


@needs_chromium_driver
def test_tout_afficher_repairs_a_moved_node(scenario):
    defaut = scenario["defaut"]
    assert rc.moved(defaut["positions"], scenario["deplace"]["positions"]) == [
        "ddets:93"
    ]  # the check sees it
    assert rc.moved(defaut["positions"], scenario["repare"]["positions"]) == []
    assert scenario["repare"]["noeuds_dessines"] == defaut["noeuds_dessines"]


@needs_chromium_driver
def test_counter_says_what_is_drawn_in_every_state(scenario):
    assert scenario["defaut"]["noeuds_dessines"] == 22 and scenario["defaut"]["liens_dessines"] > 20
    for name, state in scenario.items():
        if isinstance(state, dict):
            assert rc.counter_matches(state), (name, state["compteur"], state["noeuds_dessines"])
    # the counter changes with the filters, and a counter that did not would be caught
    assert scenario["sans_axe"]["compteur"] != scenario["defaut"]["compteur"]
    stale = {**scenario["sans_axe"], "compteur": scenario["defaut"]["compteur"]}
    assert not rc.counter_matches(stale)


@needs_chromium_driver
def test_most_central_names_always_drawn_without_overlap(scenario):
    defaut = scenario["defaut"]
    assert {"ddets:93", "pdi", "conseil_departemental:93"} <= set(defaut["etiquettes"])
    boxes = defaut["boites"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = a["x"] < b["x"] + b["l"] and b["x"] < a["x"] + a["l"] and a["y"] < b["y"] + b["h"]
            assert not (overlap and b["y"] < a["y"] + a["h"]), (a["id"], b["id"])


@needs_chromium_driver
def test_search_finds_names_and_says_when_nothing_matches(scenario):
    found = scenario["recherche"]
    assert found["resultats"] == ["Mission locale de Bondy"] and found["recherche_etat"] == "1 résultat"
    assert "ml:1" in found["etiquettes"]  # the match is named on the canvas
    assert scenario["recherche_vide"]["recherche_etat"] == "Aucun résultat"


@needs_chromium_driver
def test_focus_shows_neighbours_and_quoted_evidence(scenario):
    focus = scenario["focus"]
    assert sorted(focus["noeuds_dessines_ids"]) == ["caf:93", "france_travail:93", "sdsf"]
    fiche = focus["fiche"]
    assert fiche.startswith("Focus : Caisse d'allocations familiales")
    assert "« La CAF et France Travail animent ensemble" in fiche
    assert "Pacte territorial d'insertion 2022-2026, p. 3" in fiche
    assert "Circulaire du 22 janvier 2015" in fiche and PASSAGE not in fiche
    # leaving the focus shows every node again, in place
    after = scenario["apres_focus"]
    assert after["fiche"] is None and after["noeuds_dessines"] == scenario["defaut"]["noeuds_dessines"]
    assert rc.moved(scenario["defaut"]["positions"], after["positions"]) == []
    # a hostile name in the focus panel is text
    assert (
        scenario["focus_hostile"]["fiche"].startswith("Focus : " + HOSTILE_SCRIPT) and scenario["xss"] is None
    )


@needs_chromium_driver
def test_hovering_a_node_names_it(scenario):
    assert "asso:7" not in scenario["loin"]["etiquettes"] and "asso:7" in scenario["survol"]["etiquettes"]


@needs_chromium_driver
def test_zooming_in_names_more_nodes_without_overlap(scenario):
    zoom = scenario["zoom"]
    loin = scenario["loin"]
    # zoomed out: the 15 most central names only; zoomed in: more names
    assert loin["echelle"] == pytest.approx(0.4) and len(loin["etiquettes"]) == page.ETIQUETTES_PERMANENTES
    assert zoom["echelle"] == pytest.approx(1.2) and len(zoom["etiquettes"]) > len(loin["etiquettes"])
    boxes = zoom["boites"]
    assert not [
        (a["id"], b["id"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x"] < b["x"] + b["l"]
        and b["x"] < a["x"] + a["l"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    ]


# what a node id, a passage id or a table name looks like
IDENTIFIANT = re.compile(r"\b[a-z_]+:[A-Za-z0-9]|\bmarts\.|\b93-[0-9a-f]{3,}-p\d+|\bcode_[a-z]+")


@needs_chromium_driver
def test_no_identifier_in_anything_a_person_reads(scenario):
    textes = scenario["textes"]
    assert len(textes) > 2 * 22  # the page, the tooltips of nodes and links, one focus panel per node
    for text in textes:
        assert not IDENTIFIANT.search(text), IDENTIFIANT.search(text).group(0) + " in " + text[:300]
    assert IDENTIFIANT.search("caf:93") and IDENTIFIANT.search("93-abc-p0003-002")  # the check can fail
