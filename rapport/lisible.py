"""What a person reads must hold no technical identifier: find the ones that slip through.

:func:`identifiants_visibles` lists, in the text of an HTML page a person reads (the report, the
committee sheets), every table name, key, code or mode name of the pipeline: ``marts.priorites``,
``dispositif:convention_france_travail:departement:93``, a SIREN shown as a name, a passage id,
a UUID, « snapshot », « inbox »… The tests run it on the real outputs; it reads the visible text
(and the tooltips: ``title``, ``alt``, ``aria-label``), not the markup's attributes that no one reads.

The data dictionary (``dictionnaire/index.html``) is out of its scope on purpose: it is the analysts'
reference to the warehouse, and naming the tables and columns is what it is for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup

__all__ = ["MOTIFS", "MODES", "texte_visible", "identifiants_visibles"]

# the pipeline's operating modes and test doubles: words of the code, never of a report
MODES = ("snapshot", "inbox", "live", "recorded", "mock", "mocks", "fixture", "fixtures", "stale")

# name → pattern of one kind of identifier
MOTIFS: dict[str, re.Pattern[str]] = {
    "nom de table": re.compile(r"\b(?:marts|raw|staging|intermediate|quarantine|main)\.[a-z_][a-z0-9_]*"),
    # snake_case words are column, mart, code or rule names (« taux_chomage_15_64 », « pistes_preuves »)
    "nom technique": re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])"),
    # graph and evidence keys: « ddets:93 », « dispositif:convention_france_travail:departement:93 »
    "clé": re.compile(r"(?<![\w/])[a-z][a-z_]*:[a-z0-9][\w.-]*"),
    "uuid": re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
    # passage and document ids (« 93-5667ace6a41436fb-p0002-003 »), digests
    "identifiant haché": re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,}\b"),
    # SIREN (9 digits) or SIRET (14 digits) shown in place of a name
    "SIREN ou SIRET": re.compile(r"(?<![\d\u202f\u00a0,.])(?:\d{9}|\d{14})(?![\d,])"),
    "mode": re.compile(r"\b(?:" + "|".join(MODES) + r")\b", re.I),
    # French typography: a decimal comma, never a point (« 157.0 », « 0.45 »)
    "nombre à l'anglaise": re.compile(r"(?<![\w.,-])\d+\.\d+(?![\w.])"),
}

_ATTRIBUTS_LUS = ("title", "alt", "aria-label", "placeholder")


def texte_visible(html: str) -> str:
    """The text a person sees or hovers in ``html``: the body's text without styles and scripts,
    plus the tooltips and alternative texts, one piece per line."""
    soupe = BeautifulSoup(html, "html.parser")
    for balise in soupe(["style", "script", "template", "noscript"]):
        balise.decompose()
    morceaux = [soupe.get_text("\n")]
    for balise in soupe.find_all(True):
        morceaux.extend(str(balise[a]) for a in _ATTRIBUTS_LUS if balise.has_attr(a))
    return "\n".join(morceaux)


def identifiants_visibles(html: str, motifs: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """Every technical identifier in the visible text of ``html``: ``(kind, match, context)``.

    Examples
    --------
    >>> identifiants_visibles("<p>Source : marts.offre</p><p title='snapshot'>ok</p>")
    [('nom de table', 'marts.offre', 'Source : marts.offre'), ('mode', 'snapshot', 'snapshot')]
    >>> identifiants_visibles("<p>Taux : 27,6 % en 2021 ; 1\u202f234\u202f567 habitants</p>"
    ...                       "<caption>Source : INSEE, Filosofi 2021</caption>")
    []
    >>> [k for k, _, _ in identifiants_visibles("<td>ept 200057875</td><td>ddets:93</td>")]
    ['clé', 'SIREN ou SIRET']
    """
    texte = texte_visible(html)
    trouves = []
    for nom, motif in MOTIFS.items():
        if motifs is not None and nom not in motifs:
            continue
        for m in motif.finditer(texte):
            debut = texte.rfind("\n", 0, m.start()) + 1
            fin = texte.find("\n", m.end())
            contexte = texte[debut : fin if fin >= 0 else len(texte)].strip()
            trouves.append((nom, m.group(0), contexte[:200]))
    return trouves
