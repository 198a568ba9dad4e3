"""The network page: escaping of hostile labels, no outside reference, aggregation, and a headless
Chromium check (networking disabled) that the nodes are drawn and that no outside request is made."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from graph import analyse, page
from graph.modele import Evidence, add_edge, add_node, new_graph

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
    assert edge["preuves"][0]["reference"].startswith("P1")


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
    proc = subprocess.run(command, capture_output=True, text=True, timeout=180)
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
        timeout=180,
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
