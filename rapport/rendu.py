"""HTML rendering of the report and of the committee sheets (jinja2, autoescape), PDF by Chromium.

The HTML is self-contained: styles inline, maps as inline SVG, no script and no link to any
other host, so the file opens offline and prints cleanly (print CSS, one section per page).

The PDF (:func:`imprimer_pdf`) has « page N / M » at the foot of every page but the cover (CSS page
margin boxes, ``_impression.css``), an outline (bookmarks) made by Chromium from the headings
(``--generate-pdf-document-outline``) and a sommaire with page numbers: the sommaire lists the
``h2`` headings (:func:`avec_sommaire`), a first printing tells on which page each one falls (the
named destinations of the sommaire's links, read with pypdf), a second one writes the numbers.
The first printing is cheap (:func:`_pages_sans_contenu`: the same layout with only the headings
painted), or skipped when the département's last PDF gives the pages (:func:`_pages_precedentes`).
:func:`controle_pdf` checks a printed PDF for all of this, for empty pages and for text printed
too small (the tests run it on the hand-made report and on the 93 build).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from rapport.cartes import format_nombre
from rapport.contexte import valeur_affichee
from socle.ecriture import ecriture_atomique

__all__ = [
    "TEMPLATES",
    "environnement",
    "rendre_rapport",
    "rendre_fiche_axe",
    "avec_sommaire",
    "numeroter_sommaire",
    "controle_pdf",
    "pourquoi_pas_de_pdf",
    "chromium",
    "chromium_arguments",
    "imprimer_pdf",
    "pages_des_titres",
    "TAILLE_MIN_TEXTE_PT",
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


def _chaine_css(valeur: Any) -> Markup:
    """A CSS string literal of ``valeur`` (for ``content:`` in a style block, where HTML entities
    are not decoded): HTML-escaped text is unescaped first, then quotes, backslashes and angle
    brackets are written as CSS escapes.

    Examples
    --------
    >>> print(_chaine_css(Markup("Val-d&#39;Oise")))
    "Val-d\\27 Oise"
    """
    texte = Markup(valeur).unescape() if isinstance(valeur, Markup) else str(valeur)
    texte = " ".join(texte.split())
    sur = "".join(f"\\{ord(c):x} " if c in "\"'\\<>&" else c for c in texte)
    return Markup(f'"{sur}"')


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
    env.filters["chaine_css"] = _chaine_css
    return env


def rendre_rapport(contexte: dict[str, Any]) -> str:
    """The full diagnostic report (one HTML document), its sommaire filled by :func:`avec_sommaire`."""
    return avec_sommaire(environnement().get_template("rapport.html").render(**contexte))


_SOMMAIRE = re.compile(r'(<nav class="sommaire"[^>]*>)(.*?)(</nav>)', re.S)
_H2 = re.compile(r"<h2(\s[^>]*)?>(.*?)</h2>", re.S)
_ID = re.compile(r'\sid="([^"]*)"')
_BALISE = re.compile(r"<[^>]+>")
_NUM_PAGE = re.compile(r'<span class="num-page" data-cible="([^"]*)">[^<]*</span>')


def _ancre(texte: str, prises: set[str]) -> str:
    """An ASCII id from a heading's text, unique among ``prises``."""
    import unicodedata

    base = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().lower()
    base = "-".join(re.findall(r"[a-z0-9]+", base))[:60] or "section"
    ancre, n = f"s-{base}", 2
    while ancre in prises:
        ancre, n = f"s-{base}-{n}", n + 1
    prises.add(ancre)
    return ancre


def avec_sommaire(html: str) -> str:
    """``html`` whose ``<nav class="sommaire">`` lists every ``h2`` heading of the document, each a
    link to its heading (ids are given to headings without one) followed by a page-number slot
    that :func:`numeroter_sommaire` fills when the PDF is printed. What the nav holds before its
    list (its own heading) is kept; a document without such a nav is returned unchanged.

    Examples
    --------
    >>> html = '<nav class="sommaire"><h3>Sommaire</h3><ol><li>x</li></ol></nav><h2>Axe A1 – Emploi</h2>'
    >>> print(avec_sommaire(html))  # doctest: +NORMALIZE_WHITESPACE
    <nav class="sommaire"><h3>Sommaire</h3><ol><li><a href="#s-axe-a1-emploi">Axe A1 – Emploi</a><span
    class="points"></span><span class="num-page" data-cible="s-axe-a1-emploi"></span></li></ol></nav><h2
    id="s-axe-a1-emploi">Axe A1 – Emploi</h2>
    """
    nav = _SOMMAIRE.search(html)
    if nav is None:
        return html
    prises = set(_ID.findall(html))
    entrees: list[tuple[str, str]] = []

    def titre(m: re.Match) -> str:
        if nav.start() <= m.start() < nav.end():  # a heading of the sommaire itself
            return m.group(0)
        attributs = m.group(1) or ""
        texte = " ".join(_BALISE.sub("", m.group(2)).split())
        existant = _ID.search(attributs)
        if existant:
            ancre = existant.group(1)
        else:
            import html as html_module

            ancre = _ancre(html_module.unescape(texte), prises)
            attributs = f' id="{ancre}"' + attributs
        entrees.append((ancre, texte))
        return f"<h2{attributs}>{m.group(2)}</h2>"

    html = _H2.sub(titre, html)
    nav = _SOMMAIRE.search(html)
    liste = "".join(
        f'<li><a href="#{a}">{t}</a><span class="points"></span>'
        f'<span class="num-page" data-cible="{a}"></span></li>'
        for a, t in entrees
    )
    interieur = re.sub(r"<ol[^>]*>.*?</ol>", "", nav.group(2), flags=re.S)
    nouveau = f"{nav.group(1)}{interieur}<ol>{liste}</ol>{nav.group(3)}"
    return html[: nav.start()] + nouveau + html[nav.end() :]


def cibles_du_sommaire(html: str) -> list[str]:
    """Ids of the headings the sommaire lists, in order."""
    return _NUM_PAGE.findall(html)


def numeroter_sommaire(html: str, pages: dict[str, int | str]) -> str:
    """``html`` with the page number of each sommaire entry (``pages``: id → number) written in
    its slot; entries absent from ``pages`` are left empty."""
    return _NUM_PAGE.sub(
        lambda m: f'<span class="num-page" data-cible="{m.group(1)}">{pages.get(m.group(1), "")}</span>',
        html,
    )


def rendre_fiche_axe(contexte: dict[str, Any], axe: dict[str, Any]) -> str:
    """The committee sheet of one axis (2-4 printed pages)."""
    return environnement().get_template("fiche_axe.html").render(**contexte, axe=axe)


def chromium() -> str | None:
    """Path of a Chromium executable (``PACTE_CHROMIUM`` of the settings or the usual names), or None."""
    from socle.settings import load_settings  # the only reader of the environment

    choisi = load_settings().chromium
    candidats = [
        str(choisi) if choisi else None,
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


def pourquoi_pas_de_pdf(code: str = "93") -> str:
    """Why there is no PDF of the report and how to get one, in French, for the person who ran
    the build (the README's first command, ``pacte build``, ``python -m rapport``)."""
    exe = chromium()
    refaire = f"uv run python -m rapport --departement {code}"
    if exe is None:
        return (
            "PDF du rapport non produit : Chromium est absent de cette machine. Installez-le "
            "(Debian ou Ubuntu : « sudo apt-get install chromium », ce que fait « bash scripts/setup.sh » "
            "lancé en root) ou donnez son chemin dans la variable PACTE_CHROMIUM, puis imprimez le "
            f"rapport sans tout reconstruire : « {refaire} ». En attendant, le rapport HTML est complet "
            "et s'imprime en PDF depuis un navigateur."
        )
    return (
        f"PDF du rapport non produit : Chromium ({exe}) n'a pas pu l'imprimer (voir le message "
        f"ci-dessus). Relancez l'impression seule : « {refaire} »."
    )


def _imprimer_une_fois(exe: str, html: Path, pdf: Path, timeout: float, plan: bool = True) -> bool:
    with tempfile.TemporaryDirectory(prefix="pacte-chromium-") as profil:
        cmd = [
            exe,
            *chromium_arguments(Path(profil)),
            *(["--generate-pdf-document-outline"] if plan else []),
            f"--print-to-pdf={pdf}",
            Path(html).resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not pdf.exists():
        LOG.warning(
            "PDF non produit : Chromium s'est arrêté avec le code %s : %s",
            proc.returncode,
            proc.stderr[-500:],
        )
        return False
    return True


def _destinations(lecteur) -> dict[str, int]:
    """Named destination (without its leading slash) → page number (from 1)."""
    pages = {}
    for nom, destination in lecteur.named_destinations.items():
        try:
            pages[str(nom).lstrip("/")] = lecteur.get_destination_page_number(destination) + 1
        except Exception:  # a destination to no page: left out, the check reports it
            continue
    return pages


def pages_des_titres(pdf: Path, ancres: list[str]) -> dict[str, int]:
    """Page number (from 1) of each of ``ancres`` (ids linked from the document) in ``pdf``."""
    from pypdf import PdfReader

    pages = _destinations(PdfReader(str(pdf)))
    return {a: pages[a] for a in ancres if a in pages}


# Paints only the headings: ``visibility`` never changes the layout, so the headings fall on the
# same pages as in the full print, whose text, maps and fonts Chromium then need not write.
_SEULS_TITRES = (
    "<style>html * { visibility: hidden !important; } h2, h2 * { visibility: visible !important; }</style>"
)


def _pages_sans_contenu(
    exe: str, source: str, cibles: list[str], dossier: Path, timeout: float
) -> dict[str, int] | None:
    """Page of each of ``cibles`` in ``source`` printed with an empty sommaire, from a printing that
    paints only the headings (about a quarter less CPU than a full one); None when Chromium fails."""
    vide = numeroter_sommaire(source, {})
    fin_entete = vide.find("</head>")
    if fin_entete < 0:
        fin_entete = 0
    invisible = vide[:fin_entete] + _SEULS_TITRES + vide[fin_entete:]
    provisoire, page = dossier / "titres.html", dossier / "titres.pdf"
    provisoire.write_text(invisible, encoding="utf-8")
    if not _imprimer_une_fois(exe, provisoire, page, timeout, plan=False):
        return None
    return pages_des_titres(page, cibles)


def _pages_precedentes(pdf: Path, cibles: list[str]) -> dict[str, int]:
    """The pages of ``cibles`` in the PDF printed last time (a build of the same département again
    usually prints the same pages): a guess, checked on the new printing; {} when there is none."""
    if not pdf.exists():
        return {}
    try:
        pages = pages_des_titres(pdf, cibles)
    except Exception:  # an unreadable earlier PDF is only a missing guess
        return {}
    return pages if set(pages) == set(cibles) else {}


# A hang guard, never a verdict: Chromium printing the report took over 120 s with several builds on the
# 2 cores of the shared machine, which failed a correct build; a hung Chromium is still stopped.
CHROMIUM_GARDE = 900.0


def imprimer_pdf(html: Path, pdf: Path, timeout: float = CHROMIUM_GARDE) -> bool:
    """Print ``html`` to ``pdf`` with headless Chromium; False (and a log line saying why, in
    French) when Chromium is absent or fails.

    With a sommaire (:func:`avec_sommaire`), the page of each heading is known first: from the
    PDF ``pdf`` printed last time when it has every heading, else from a printing that paints only
    the headings (:func:`_pages_sans_contenu`). The document is then printed with those numbers,
    and again with the pages it gives until the numbers printed are the pages read (at most 3 full
    printings). The PDF is written under another name then moved, so ``pdf`` is never a
    half-written file.
    """
    exe = chromium()
    if exe is None:
        LOG.warning(pourquoi_pas_de_pdf())
        return False
    html, pdf = Path(html), Path(pdf)
    source = html.read_text(encoding="utf-8")
    cibles = cibles_du_sommaire(source)
    with tempfile.TemporaryDirectory(prefix="pacte-impression-") as dossier:
        provisoire, page = Path(dossier) / "rapport.html", Path(dossier) / "rapport.pdf"
        pages: dict[str, int] = {}
        if cibles:
            connues = _pages_precedentes(pdf, cibles) or _pages_sans_contenu(
                exe, source, cibles, Path(dossier), timeout
            )
            if connues is None:
                return False
            pages = connues
        for _ in range(3):
            provisoire.write_text(numeroter_sommaire(source, pages), encoding="utf-8")
            page.unlink(missing_ok=True)
            if not _imprimer_une_fois(exe, provisoire, page, timeout):
                return False
            lues = pages_des_titres(page, cibles) if cibles else {}
            if lues == pages:
                break
            pages = lues
        else:
            LOG.warning("sommaire du PDF : numéros de page encore changeants après 3 impressions")
        with ecriture_atomique(pdf) as partiel:
            shutil.move(str(page), partiel)
    # controle_pdf is left to the tests: reading back every page's text costs more than printing
    return True


# no print style is under 8 pt: a text printed smaller means Chromium shrank the pages to fit
# something wider than the page (the 93 report once printed its 9,5 pt body at 6,6 pt)
TAILLE_MIN_TEXTE_PT = 7.9


def _releve_tailles(tailles: list[tuple[float, int, str, float]], page: int):
    """A pypdf text visitor appending (printed size in pt, page, text, height above the bottom
    edge in pt) of every text run."""
    import math

    def visiter(texte, cm, tm, _police, taille) -> None:
        if not texte.strip() or not taille:
            return
        # the size as printed: font size × the vertical scale of text matrix × current matrix
        a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
        c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        echelle = math.sqrt(abs(a * d - b * c))
        hauteur = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        tailles.append((round(float(taille) * echelle, 2), page, texte, float(hauteur)))

    return visiter


# the running foot (page number, title) is printed in the bottom margin, under this height
PIED_PT = 40.0


_PAGE_N_SUR_M = re.compile(r"page (\d+) / (\d+)")


def controle_pdf(pdf: Path, sommaire: bool = True) -> list[str]:
    """What a printed report lacks, in French (empty when nothing): « page N / M » at the foot of
    every page but the first, an outline (bookmarks), no page without content, and, with
    ``sommaire``, a sommaire page whose links each show the page they lead to."""
    from pypdf import PdfReader

    lecteur = PdfReader(str(pdf))
    n = len(lecteur.pages)
    tailles: list[tuple[float, int, str, float]] = []
    textes = [
        page.extract_text(visitor_text=_releve_tailles(tailles, i + 1)) or ""
        for i, page in enumerate(lecteur.pages)
    ]
    problemes = []
    petits = [t for t in tailles if t[0] < TAILLE_MIN_TEXTE_PT]
    if petits:
        taille, page, texte, _ = min(petits)
        problemes.append(
            f"{len(petits)} texte(s) imprimé(s) sous {format_nombre(TAILLE_MIN_TEXTE_PT)} pt, "
            f"le plus petit en {format_nombre(taille)} pt page {page} (« {texte.strip()[:40]} ») : "
            "un élément plus large que la page fait réduire toutes les pages par Chromium, "
            "ou un style est trop petit"
        )
    if not lecteur.outline:
        problemes.append("aucun signet (plan du document) : les titres ne sont pas navigables")
    sans_numero = [i + 1 for i in range(1, n) if f"page {i + 1} / {n}" not in textes[i]]
    if sans_numero:
        problemes.append(
            f"{len(sans_numero)} page(s) sans numéro « page N / {n} » en pied : "
            + ", ".join(map(str, sans_numero[:10]))
        )
    # content: any text above the running foot
    avec_contenu = {page for _, page, _, hauteur in tailles if hauteur > PIED_PT}
    vides = [i for i in range(1, n + 1) if i not in avec_contenu]
    if vides:
        problemes.append(f"{len(vides)} page(s) vide(s) : " + ", ".join(map(str, vides[:10])))
    if sommaire:
        problemes += _controle_sommaire(lecteur, textes)
    return problemes


def _liens_internes(lecteur, page) -> list[int]:
    """Pages (from 1) the internal links of ``page`` lead to, in the order of the page."""
    destinations = _destinations(lecteur)
    cibles = []
    for annotation in page.get("/Annots") or []:
        objet = annotation.get_object()
        if objet.get("/Subtype") != "/Link":
            continue
        dest = objet.get("/Dest")
        if dest is None and objet.get("/A") is not None:
            dest = objet["/A"].get("/D")
        if dest is None:
            continue
        if isinstance(dest, str) or hasattr(dest, "encode"):
            nom = str(dest).lstrip("/")
            if nom in destinations:
                cibles.append(destinations[nom])
        else:
            try:
                cibles.append(lecteur.get_page_number(dest[0].get_object()) + 1)
            except Exception:
                continue
    return cibles


def _controle_sommaire(lecteur, textes: list[str]) -> list[str]:
    """The sommaire: the page titled « Sommaire » with the most internal links; each link's target
    page must be printed at the end of a line of that page."""
    candidates = [
        (len(_liens_internes(lecteur, p)), i) for i, p in enumerate(lecteur.pages) if "Sommaire" in textes[i]
    ]
    candidates = [c for c in candidates if c[0] > 0]
    if not candidates:
        return ["pas de sommaire avec des liens vers les parties"]
    _, i = max(candidates)
    cibles = _liens_internes(lecteur, lecteur.pages[i])
    numeros = [
        int(m.group(1))
        for ligne in textes[i].splitlines()
        if (m := re.search(r"(?<![\d/])(\d{1,4})\s*$", ligne.strip())) and not _PAGE_N_SUR_M.search(ligne)
    ]
    manquants = sorted(set(cibles) - set(numeros))
    if manquants or len(numeros) < len(cibles):
        return [
            f"sommaire sans numéros de page justes : {len(numeros)} numéro(s) pour {len(cibles)} "
            f"entrée(s), pages non indiquées : {', '.join(map(str, manquants[:10])) or 'aucune'}"
        ]
    return []


def _lire_netlog(path: Path) -> dict[str, Any]:
    import json

    texte = path.read_text(encoding="utf-8").strip()
    try:
        return json.loads(texte)
    except json.JSONDecodeError:  # Chromium stopped before closing the file
        return json.loads(texte.rstrip(",") + "]}")


def requetes_de_la_page(html: Path, dossier: Path, timeout: float = CHROMIUM_GARDE) -> tuple[list[str], str]:
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
