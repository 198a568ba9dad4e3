"""Drive the network page in headless Chromium with networking off: a scenario (JavaScript steps run one
after the other once the layout is done) is appended to a copy of the page, Chromium runs it in virtual
time, and the results come back in the dumped DOM (or a screenshot is taken at the end).

The steps act as a person would (tick a box, type in the search box, click a button) through the DOM, and
read what vis-network actually draws (``network.body.nodeIndices`` / ``edgeIndices``: the nodes and edges
drawn), the positions of the nodes and the counter shown on the page. Used by tests/unit/test_graph_page.py
and by scripts/captures_reseau.py (the captures of docs/kit_comite.md); Chromium is started offline by
:func:`rapport.navigateur.une_fois`."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from rapport.navigateur import une_fois
from rapport.rendu import chromium

CHROMIUM = chromium()

# helpers available to the steps: etat() is a snapshot of what is drawn; cocher(label, value) sets the
# filter box whose label starts with ``label``; taper(text) types in the search box; cliquer(id) clicks
_DRIVER = (
    "<script>\n" + (Path(__file__).parent / "_reseau_scenario.js").read_text(encoding="utf-8") + "</script>\n"
)


def with_scenario(page: Path, steps: list[str], target: Path) -> Path:
    """A copy of ``page`` with the scenario appended (each step is the body of ``function (R) {…}``)."""
    body = ",\n".join(f"    function (R) {{ {step} }}" for step in steps)
    text = Path(page).read_text(encoding="utf-8")
    index = text.rindex("</body>")
    target.write_text(text[:index] + _DRIVER.replace("__STEPS__", body) + text[index:], encoding="utf-8")
    return target


def run(
    page: Path,
    steps: list[str],
    workdir: Path,
    screenshot: Path | None = None,
    size: tuple[int, int] = (1400, 900),
    budget_ms: int = 60_000,
) -> dict:
    """Run the scenario; returns the object ``R`` the steps filled (``screenshot``: PNG taken at the end)."""
    assert CHROMIUM, "Chromium absent"
    workdir.mkdir(parents=True, exist_ok=True)
    copy = with_scenario(page, steps, workdir / "page_scenario.html")
    arguments = [f"--virtual-time-budget={budget_ms}", f"--window-size={size[0]},{size[1]}"]
    if screenshot is not None:
        arguments.append(f"--screenshot={screenshot}")
    dom = une_fois([*arguments, "--dump-dom", copy.as_uri()], workdir / "profil")
    found = re.search(r'<pre id="resultat-scenario"[^>]*>(.*?)</pre>', dom, re.S)
    if not found:
        raise RuntimeError("le scénario n'a pas abouti (page non stabilisée dans le budget de temps)")
    return json.loads(html.unescape(found.group(1)))


def moved(before: dict, after: dict, tolerance: float = 0.5) -> list[str]:
    """Ids of the nodes present in both snapshots whose position differs by more than ``tolerance``."""
    return sorted(
        k
        for k in before
        if k in after
        and (abs(before[k][0] - after[k][0]) > tolerance or abs(before[k][1] - after[k][1]) > tolerance)
    )


def counter_matches(snapshot: dict) -> bool:
    """The counter « N nœuds, M liens » says what vis-network draws."""
    found = re.fullmatch(r"(\d+) nœuds?, (\d+) liens?", snapshot["compteur"].strip())
    return bool(found) and (int(found.group(1)), int(found.group(2))) == (
        snapshot["noeuds_dessines"],
        snapshot["liens_dessines"],
    )
