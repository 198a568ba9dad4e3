"""HTML rendering of the report and of the committee sheets (jinja2, autoescape), PDF by Chromium.

The HTML is self-contained: styles inline, maps as inline SVG, no script and no link to any
other host, so the file opens offline and prints cleanly (print CSS, one section per page).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from rapport.cartes import format_nombre
from rapport.contexte import valeur_affichee

__all__ = [
    "TEMPLATES",
    "environnement",
    "rendre_rapport",
    "rendre_fiche_axe",
    "chromium",
    "chromium_arguments",
    "imprimer_pdf",
    "requetes_de_la_page",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOG = logging.getLogger(__name__)


def _nombre(valeur: Any, decimales: int = 1) -> str:
    if valeur is None:
        return "–"
    try:
        return format_nombre(float(valeur), decimales)
    except (TypeError, ValueError):
        return str(valeur)


def _valeur(ligne: dict[str, Any], colonne: str = "valeur", decimales: int = 1) -> str:
    secret = bool(ligne.get("secret")) if colonne == "valeur" else False
    return valeur_affichee(ligne.get(colonne), secret, decimales)


def environnement() -> Environment:
    """The jinja2 environment: autoescape on for every template (text from data is escaped)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "svg", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["nombre"] = _nombre
    env.filters["valeur"] = _valeur
    return env


def rendre_rapport(contexte: dict[str, Any]) -> str:
    """The full diagnostic report (one HTML document)."""
    return environnement().get_template("rapport.html").render(**contexte)


def rendre_fiche_axe(contexte: dict[str, Any], axe: dict[str, Any]) -> str:
    """The committee sheet of one axis (2-4 printed pages)."""
    return environnement().get_template("fiche_axe.html").render(**contexte, axe=axe)


def chromium() -> str | None:
    """Path of a Chromium executable (``PACTE_CHROMIUM`` or the usual names), or None."""
    candidats = [
        os.environ.get("PACTE_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ]
    return next((c for c in candidats if c and Path(c).exists()), None)


def chromium_arguments(profil: Path) -> list[str]:
    """Flags for an offline headless Chromium (no background networking, no first-run)."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--mute-audio",
        "--no-pdf-header-footer",
        f"--user-data-dir={profil}",
    ]


def imprimer_pdf(html: Path, pdf: Path, timeout: float = 120.0) -> bool:
    """Print ``html`` to ``pdf`` with headless Chromium; False (and a log line) when unavailable."""
    exe = chromium()
    if exe is None:
        LOG.warning(
            "PDF not produced: no Chromium found (install the Debian package 'chromium' "
            "or set PACTE_CHROMIUM); the HTML report prints to PDF from any browser"
        )
        return False
    with tempfile.TemporaryDirectory(prefix="pacte-chromium-") as profil:
        cmd = [exe, *chromium_arguments(Path(profil)), f"--print-to-pdf={pdf}", Path(html).resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not pdf.exists():
        LOG.warning("PDF not produced: chromium exited with %s: %s", proc.returncode, proc.stderr[-500:])
        return False
    return True


def _lire_netlog(path: Path) -> dict[str, Any]:
    import json

    texte = path.read_text(encoding="utf-8").strip()
    try:
        return json.loads(texte)
    except json.JSONDecodeError:  # Chromium stopped before closing the file
        return json.loads(texte.rstrip(",") + "]}")


def requetes_de_la_page(html: Path, dossier: Path, timeout: float = 120.0) -> tuple[list[str], str]:
    """Open ``html`` in headless Chromium with networking disabled; return the outside requests the
    page itself tried, and the rendered DOM.

    The network is cut (proxy to a closed local port, every host name unresolvable) and Chromium's
    net log records every request; those the browser makes for itself (initiator « not an origin »:
    updates, accounts) are set aside, the page's own (initiator of the page) are returned unless
    they are ``file:`` or ``data:`` URLs. Raises ``RuntimeError`` when Chromium is absent or fails.
    """
    exe = chromium()
    if exe is None:
        raise RuntimeError("no Chromium found (Debian package 'chromium')")
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    netlog = dossier / "netlog.json"
    cmd = [
        exe,
        *chromium_arguments(dossier / "profil"),
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={netlog}",
        "--dump-dom",
        Path(html).resolve().as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited with {proc.returncode}: {proc.stderr[-1000:]}")
    journal = _lire_netlog(netlog)
    types = {v: k for k, v in journal["constants"]["logEventTypes"].items()}
    sortantes = set()
    for event in journal.get("events", []):
        params = event.get("params") or {}
        if types.get(event.get("type")) != "URL_REQUEST_START_JOB" or not params.get("url"):
            continue
        if params.get("initiator") == "not an origin":
            continue
        if not str(params["url"]).startswith(("file:", "data:")):
            sortantes.add(str(params["url"]))
    return sorted(sortantes), proc.stdout
