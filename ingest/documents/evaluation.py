"""Precision and recall of the document analysis on a set of passages labelled by hand (issue 14).

The labelled set (``tests/fixtures/documents/etiquettes/passages_etiquetes.jsonl``) holds passages
of the real public documents of ``../shared/documents``, one JSON object per line: the passage's
``texte``, its ``document`` and ``page``, and what a reader finds in it: ``code_domaine`` (and
``code_axe``; ``null`` when the passage is about no domain of the Pacte), ``acteurs`` and
``dispositifs`` (codes of the gazetteers), and ``liens`` (pairs of codes the passage shows acting
together, at least one of them an actor). The labels were written from the text, not from the
analysis' output.

Each passage is analysed alone (text only, no file read): the same :func:`analyse_page` as the
pipeline, on a page holding just that passage. Scores:

- mentions: per type (acteur, dispositif), over (passage, code) pairs;
- domains: per domain, over passages; precision counts every passage the analysis gave that domain;
- links: over (passage, unordered pair) pairs with at least one actor (a tie of two dispositifs is
  not labelled: the network takes no such tie).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ingest.documents.analyse import analyse_page
from ingest.documents.extraction import Page
from ingest.documents.lexiques import Lexicon, load_lexicon
from ingest.documents.passages import Passage

__all__ = ["LABELS", "TARGETS", "Score", "Evaluation", "load_labels", "evaluate"]

LABELS = (
    Path(__file__).resolve().parents[2]
    / "tests"
    / "fixtures"
    / "documents"
    / "etiquettes"
    / "passages_etiquetes.jsonl"
)
# issue 14's targets: (precision, recall) per measure, None where no target is set
TARGETS = {
    "acteur": (0.95, 0.85),
    "dispositif": (0.95, 0.85),
    "domaine": (0.80, None),
    "lien": (0.80, None),
}


@dataclass
class Score:
    vrais_positifs: int = 0
    faux_positifs: int = 0
    faux_negatifs: int = 0

    @property
    def precision(self) -> float | None:
        found = self.vrais_positifs + self.faux_positifs
        return self.vrais_positifs / found if found else None

    @property
    def rappel(self) -> float | None:
        expected = self.vrais_positifs + self.faux_negatifs
        return self.vrais_positifs / expected if expected else None

    def add(self, expected: set, found: set) -> None:
        self.vrais_positifs += len(expected & found)
        self.faux_positifs += len(found - expected)
        self.faux_negatifs += len(expected - found)


@dataclass
class Evaluation:
    """Scores of one run over the labelled set, and the errors (for reading, never for tuning labels)."""

    passages: int = 0
    documents: int = 0
    mesures: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    domaines: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    erreurs: list[str] = field(default_factory=list)

    def table(self) -> list[tuple[str, int, int, int, float | None, float | None]]:
        """(class, TP, FP, FN, precision, recall): the measures, then each domain."""
        rows = []
        for name in ("acteur", "dispositif", "domaine", "lien"):
            s = self.mesures[name]
            rows.append((name, s.vrais_positifs, s.faux_positifs, s.faux_negatifs, s.precision, s.rappel))
        for name in sorted(self.domaines):
            s = self.domaines[name]
            rows.append(
                (f"domaine {name}", s.vrais_positifs, s.faux_positifs, s.faux_negatifs, s.precision, s.rappel)
            )
        return rows

    def missed_targets(self) -> list[str]:
        out = []
        for name, (precision, recall) in TARGETS.items():
            s = self.mesures[name]
            if precision is not None and (s.precision is None or s.precision < precision):
                out.append(f"{name}: précision {s.precision} < {precision}")
            if recall is not None and (s.rappel is None or s.rappel < recall):
                out.append(f"{name}: rappel {s.rappel} < {recall}")
        return out


def load_labels(path: Path = LABELS) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not a JSON object ({exc})") from exc
    return rows


def analyse_text(lexicon: Lexicon, text: str) -> tuple[str | None, set[str], set[str], set[tuple[str, str]]]:
    """(domain, actors, dispositifs, links) the analysis finds in one passage's text."""
    page = Page(1, text)
    passage = Passage(1, 1, 0, len(text), text, False, None)
    facts = analyse_page(lexicon, page, [passage])
    actors = {m.code_entite for m in facts.mentions if m.type_entite == "acteur"}
    dispositifs = {m.code_entite for m in facts.mentions if m.type_entite == "dispositif"}
    links = {
        tuple(sorted((m.code_entite, m.objet_code)))
        for m in facts.mentions
        if m.type_entite == "lien" and m.objet_code and (m.code_entite in actors or m.objet_code in actors)
    }
    return facts.classements[1].code_domaine, actors, dispositifs, links


def evaluate(rows: list[dict], lexicon: Lexicon | None = None) -> Evaluation:
    lexicon = lexicon or load_lexicon([])
    result = Evaluation(passages=len(rows), documents=len({r["document"] for r in rows}))
    for row in rows:
        domain, actors, dispositifs, links = analyse_text(lexicon, row["texte"])
        expected_links = {tuple(sorted(pair)) for pair in row["liens"]}
        for name, expected, found in (
            ("acteur", set(row["acteurs"]), actors),
            ("dispositif", set(row["dispositifs"]), dispositifs),
            ("lien", expected_links, links),
        ):
            result.mesures[name].add(expected, found)
            if expected != found:
                result.erreurs.append(
                    f"{name} {row['document']} p{row['page']}: en trop {sorted(found - expected)}, "
                    f"manquants {sorted(expected - found)} — {row['texte'][:160]}"
                )
        expected_domain = row.get("code_domaine")
        result.mesures["domaine"].add(
            {expected_domain} if expected_domain else set(), {domain} if domain else set()
        )
        for code in {expected_domain, domain} - {None}:
            result.domaines[code].add(
                {1} if expected_domain == code else set(), {1} if domain == code else set()
            )
        if domain != expected_domain:
            result.erreurs.append(
                f"domaine {row['document']} p{row['page']}: trouvé {domain}, attendu {expected_domain}"
                f" — {row['texte'][:160]}"
            )
    return result
