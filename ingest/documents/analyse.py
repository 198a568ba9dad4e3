"""Facts of a document: its kind, the axis/domain of each passage, mentions and progress.

Classification
    Each vocabulary term found in a passage adds its weight (``poids``) to its domain.
    The passage goes to the axis with the highest total, and to that axis' best domain,
    when the total reaches :data:`MIN_SCORE`; otherwise it stays unclassified.
Mentions
    Actors, dispositifs and territories from the gazetteers, each with its page and
    offsets in the page text. An EPCI/EPT name yields a territory mention and an actor
    mention (``EPCI_<siren>``), since the intercommunality is also an institution.
Progress
    In each sentence, an expression of ``documents_expressions_avancement.csv`` gives a
    status (``prevu``, ``en_cours``, ``realise``, ``abandonne``); the year is the nearest
    one in the sentence; the statement is attached to the nearest dispositif of the
    sentence, or else to the action it describes (the words before the expression). A
    statement with neither a dispositif nor a year is not kept.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ingest.documents.extraction import Page
from ingest.documents.lexiques import Lexicon, Match
from ingest.documents.passages import Passage
from ingest.documents.territoires import HORS_DEPARTEMENT
from ingest.documents.texte import clean_passage, fold, split_sentences

__all__ = [
    "MIN_SCORE",
    "Classement",
    "Mention",
    "PageFacts",
    "classify_kind",
    "analyse_page",
    "find_years",
]

MIN_SCORE = 1.0
_YEAR = re.compile(r"(?<![\d/])(?:19[5-9]\d|20\d{2})(?![\d/])")
_LAW_NUMBER = re.compile(r"(?:n\s?°|n[o.]|numero)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Classement:
    code_axe: str | None
    code_domaine: str | None
    score: float
    termes: tuple[str, ...]
    scores: dict[str, float]


@dataclass
class Mention:
    page: int
    passage: int
    type_entite: str
    code_entite: str
    libelle_entite: str
    texte_trouve: str
    debut: int
    fin: int
    niveau: str | None = None
    categorie: str | None = None
    annee: int | None = None
    objet_type: str | None = None
    objet_code: str | None = None
    objet_libelle: str | None = None


@dataclass
class PageFacts:
    classements: dict[int, Classement] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)


def classify_kind(lexicon: Lexicon, titre: str, nom_fichier: str, pages: list[Page]) -> tuple[str, str]:
    """Kind of a document and the rule that decided it (``defaut`` when none matched).

    The ``titre`` zone is the title plus the file name; the ``debut`` zone the first
    3,000 characters of text; both folded to lower case without accents.
    """
    title_zone = fold(f"{titre or ''}\n{nom_fichier}").lower
    start_zone = fold("\n".join(p.texte for p in pages[:3])[:3000]).lower
    for rule in lexicon.type_rules:
        zone = title_zone if rule.zone == "titre" else start_zone
        if rule.motif.search(zone):
            return rule.type_document, rule.code_regle
    return "autre", "defaut"


def find_years(text: str) -> list[tuple[int, int]]:
    """Years (1950-2099) with their offset, law and decree numbers left out.

    Examples
    --------
    >>> find_years("loi n° 2014-173 du 21 février 2014, plan 2024-2027, circulaire 2022/83")
    [(2014, 30), (2024, 41), (2027, 46)]
    """
    out: list[tuple[int, int]] = []
    for match in _YEAR.finditer(text):
        before = text[max(0, match.start() - 6) : match.start()]
        after = text[match.end() : match.end() + 5]
        if _LAW_NUMBER.search(before):
            continue
        follow = re.match(r"-(\d+)", after)
        if follow and len(follow.group(1)) != 4:
            continue
        out.append((int(match.group(0)), match.start()))
    return out


def _classify(matches: list[Match]) -> Classement:
    domain_scores: dict[str, float] = defaultdict(float)
    axis_of: dict[str, str] = {}
    terms: list[str] = []
    first_seen: dict[str, int] = {}
    for match in matches:
        for entry in match.entries:
            weight = float(entry.get("poids", "1"))
            if weight == 0:
                continue  # a neutralised expression: its words count for nothing
            domain_scores[entry.code] += weight
            axis_of[entry.code] = entry.get("code_axe")
            first_seen.setdefault(entry.code, match.start)
            terms.append(entry.libelle)
    axis_scores: dict[str, float] = defaultdict(float)
    for domain, score in domain_scores.items():
        axis_scores[axis_of[domain]] += score
    scores = {k: round(v, 3) for k, v in sorted(domain_scores.items())}
    if not axis_scores or max(axis_scores.values()) < MIN_SCORE:
        return Classement(None, None, round(max(axis_scores.values(), default=0.0), 3), tuple(terms), scores)
    axis = max(
        sorted(axis_scores),
        key=lambda a: (axis_scores[a], -min(first_seen[d] for d in domain_scores if axis_of[d] == a)),
    )
    domains = [d for d in domain_scores if axis_of[d] == axis]
    domain = max(sorted(domains), key=lambda d: (domain_scores[d], -first_seen[d]))
    return Classement(axis, domain, round(axis_scores[axis], 3), tuple(dict.fromkeys(terms)), scores)


def _assign(passages: list[Passage], matches: list[Match]) -> dict[int, list[Match]]:
    starts = [p.debut for p in passages]
    out: dict[int, list[Match]] = defaultdict(list)
    for match in matches:
        i = bisect.bisect_right(starts, match.start) - 1
        if i >= 0 and match.end <= passages[i].fin:
            out[i].append(match)
    return out


def _action_label(sentence: str, start: int, limit: int = 120) -> str:
    """The words before a progress expression (the action it is about), readable and short."""
    clause = clean_passage(sentence[:start]).strip(" ,;:")
    clause = re.sub(
        r"^(?:enfin|ainsi|de plus|en outre|par ailleurs|puis)\s*,?\s*", "", clause, flags=re.IGNORECASE
    )
    if len(re.findall(r"[A-Za-zÀ-ÿ]", clause)) < 3:
        clause = clean_passage(sentence)
        return clause if len(clause) <= limit else clause[:limit].rsplit(" ", 1)[0] + " …"
    if len(clause) > limit:
        clause = "… " + clause[-limit:].split(" ", 1)[-1]
    return clause


def _progress(lexicon: Lexicon, text: str, passage: Passage, dispositifs: list[Mention]) -> list[Mention]:
    found: list[Mention] = []
    for a, b in split_sentences(text, passage.debut, passage.fin):
        sentence = text[a:b]
        folded = fold(sentence)
        years = find_years(sentence)
        in_sentence = [m for m in dispositifs if a <= m.debut and m.fin <= b]
        candidates = sorted(
            (
                (match.start(), match.end(), expression)
                for expression in lexicon.progress
                for match in expression.expression.finditer(folded.lower)
                if match.end() > match.start()
            ),
            key=lambda item: (item[0], -(item[1] - item[0])),
        )
        cursor = -1
        for match_start, match_end, expression in candidates:
            if match_start < cursor:
                continue
            cursor = match_end
            start, end = folded.span(match_start, match_end)
            # the clause (between semicolons) holding the expression: its year and dispositif
            left = sentence.rfind(";", 0, start) + 1
            right = sentence.find(";", end)
            right = len(sentence) if right < 0 else right
            local_years = [(y, pos) for y, pos in years if left <= pos < right] or years
            year = None
            if local_years:
                after = [(y, pos) for y, pos in local_years if pos >= start]
                year = min(after or local_years, key=lambda item: abs(item[1] - start))[0]
            clause_targets = [m for m in in_sentence if a + left <= m.debut and m.fin <= a + right]
            target = min(clause_targets, key=lambda m: abs(m.debut - (a + start)), default=None)
            if target is None and year is None:
                continue
            if target is not None:
                objet = ("dispositif", target.code_entite, target.libelle_entite)
            else:
                objet = ("action", None, _action_label(sentence[left:], start - left))
            found.append(
                Mention(
                    passage.page,
                    passage.numero,
                    "avancement",
                    expression.statut,
                    {
                        "prevu": "prévu",
                        "en_cours": "en cours",
                        "realise": "réalisé",
                        "abandonne": "abandonné",
                    }[expression.statut],
                    sentence[start:end],
                    a + start,
                    a + end,
                    annee=year,
                    objet_type=objet[0],
                    objet_code=objet[1],
                    objet_libelle=objet[2],
                )
            )
    return found


def analyse_page(lexicon: Lexicon, page: Page, passages: list[Passage]) -> PageFacts:
    """Classification and mentions of the passages of one page (passages sorted by offset)."""
    facts = PageFacts()
    if not passages:
        return facts
    folded = fold(page.texte)
    vocabulary = _assign(passages, lexicon.vocabulary.find(folded))
    actors = _assign(passages, lexicon.actors.find(folded))
    dispositifs = _assign(passages, lexicon.dispositifs.find(folded))
    territories = _assign(passages, lexicon.territories.find(folded))
    for i, passage in enumerate(passages):
        facts.classements[passage.numero] = _classify(vocabulary.get(i, []))
        local_dispositifs: list[Mention] = []
        for match in actors.get(i, []):
            for entry in match.entries:
                facts.mentions.append(
                    Mention(
                        passage.page,
                        passage.numero,
                        "acteur",
                        entry.code,
                        entry.libelle,
                        match.text,
                        match.start,
                        match.end,
                        categorie=entry.get("categorie") or None,
                    )
                )
        for match in dispositifs.get(i, []):
            for entry in match.entries:
                mention = Mention(
                    passage.page,
                    passage.numero,
                    "dispositif",
                    entry.code,
                    entry.libelle,
                    match.text,
                    match.start,
                    match.end,
                )
                facts.mentions.append(mention)
                local_dispositifs.append(mention)
        for match in territories.get(i, []):
            for entry in match.entries:
                level = entry.get("niveau")
                if level == HORS_DEPARTEMENT:
                    continue
                facts.mentions.append(
                    Mention(
                        passage.page,
                        passage.numero,
                        "territoire",
                        entry.code,
                        entry.libelle,
                        match.text,
                        match.start,
                        match.end,
                        niveau=level,
                    )
                )
                if level in {"epci", "ept"}:
                    facts.mentions.append(
                        Mention(
                            passage.page,
                            passage.numero,
                            "acteur",
                            f"EPCI_{entry.code}",
                            entry.libelle,
                            match.text,
                            match.start,
                            match.end,
                            categorie="collectivite",
                        )
                    )
        facts.mentions.extend(_progress(lexicon, page.texte, passage, local_dispositifs))
    return facts


def terms_json(classement: Classement) -> str:
    return json.dumps({"termes": list(classement.termes), "scores": classement.scores}, ensure_ascii=False)
