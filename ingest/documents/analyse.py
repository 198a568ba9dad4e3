"""Facts of a document: its kind, the axis/domain of each passage, mentions and progress.

Classification
    Each vocabulary term found in a passage adds its weight (``poids``) to its domain.
    The passage goes to the axis with the highest total, and to that axis' best domain,
    when the total reaches :data:`MIN_SCORE`; otherwise it stays unclassified. A form's blank field
    (« Conditions de logement : », « N° service référent : ») or a template's placeholder
    (« [Nom et adresse de la SIAE] ») states nothing and stays unclassified too.
Mentions
    Actors, dispositifs and territories from the gazetteers, each with its page and
    offsets in the page text. An EPCI/EPT name yields a territory mention and an actor
    mention (``EPCI_<siren>``), since the intercommunality is also an institution.
Progress
    In each sentence, an expression of ``documents_expressions_avancement.csv`` gives a
    status (``prevu``, ``en_cours``, ``realise``, ``abandonne``); the year is the nearest
    one in the sentence; the statement is attached to the nearest dispositif of the
    sentence, or else to the action it describes (the words before the expression). A
    statement with neither a dispositif nor a year is not kept, nor one whose clause states a
    condition before it (« avoir un CER … et/ou un PPAE en cours », « si vous… »: the ``condition``
    expressions of ``documents_expressions_lien.csv``).
Links
    Two entities (actors or dispositifs) of one sentence are tied (a ``lien`` row: the actor, or the
    first dispositif by code when there is none, in ``code_entite``; the other in ``objet_*``; the
    expression that ties them in ``texte_trouve``) only when the sentence holds a ``lien`` expression
    (partnership, convention, signs, pilots, takes part…). Entities of one plain enumeration (three or
    more joined by commas, « et », « ou », « / ») are not tied to each other, only to the entities
    outside it (« le pacte peut associer au département l'État, la région… » ties the département to
    each); an institution and its own service (``rattachement`` in ``gazetteer_acteurs.csv``: « l'État
    (DDETS) ») or two services of one institution are never partners.
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
    # the domain with the highest score (its axis' total, then the first seen, break ties): a passage
    # on digital skills that names SIAE and training is about digital inclusion, not about the IAE
    domain = max(
        sorted(domain_scores),
        key=lambda d: (domain_scores[d], axis_scores[axis_of[d]], -first_seen[d]),
    )
    axis = axis_of[domain]
    return Classement(axis, domain, round(axis_scores[axis], 3), tuple(dict.fromkeys(terms)), scores)


_FORM_FIELD = re.compile(r"^\s*[^.!?:;]{1,60}:[\s\-_.…]*$")
_PLACEHOLDER = re.compile(r"^\s*(?:\[[^\]]*\]\W*)+$")


def is_blank_field(text: str) -> bool:
    """A form's field label waiting for its value, or a template's placeholder: no statement.

    Examples
    --------
    >>> is_blank_field("Conditions de logement :"), is_blank_field("[Nom et adresse de la SIAE]")
    (True, True)
    >>> is_blank_field("A l'attention de [Nom du représentant légal de la SIAE]")
    True
    >>> is_blank_field("Le Département pilote le PDI : il réunit la CAF et France Travail.")
    False
    """
    if _FORM_FIELD.match(text) and len(text.split()) <= 6:
        return True
    outside = re.sub(r"\[[^\]]*\]", " ", text)
    return bool(_PLACEHOLDER.match(text)) or ("[" in text and len(re.findall(r"\w{2,}", outside)) <= 3)


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
        conditions = [
            hit.start() for rule in lexicon.conditions for hit in rule.expression.finditer(folded.lower)
        ]
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
            clause_start = folded.lower.rfind(";", 0, match_start) + 1
            if any(clause_start <= c < match_start for c in conditions):
                continue  # a condition to meet (« avoir un CER en cours »), not a statement of progress
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


# a gap between two entities that makes them items of one enumeration: a separator, and none of
# the words that introduce a head or a relation (« notamment », « avec », « par », a parenthesis…)
_LIST_JOIN = re.compile(r"[,;/]|\b(?:et|ou)\b")
_LIST_BREAK = re.compile(r"\b(?:notamment|dont|tels? que|comme|avec|par|pour|entre|sauf)\b|[(:]")


def _not_partners(lexicon: Lexicon, x: str, y: str) -> bool:
    """An institution and its own service, or two services of one institution."""
    px, py = lexicon.parents.get(x), lexicon.parents.get(y)
    return px == y or py == x or (px is not None and px == py)


def _designates_public(lexicon: Lexicon, text: str, mention: Mention) -> bool:
    """A dispositif named as a public (« bénéficiaires du RSA ») is no party to a tie."""
    if mention.type_entite != "dispositif":
        return False
    before = fold(text[max(0, mention.debut - 60) : mention.debut]).lower
    return any(rule.expression.search(before) for rule in lexicon.publics)


def _links(lexicon: Lexicon, text: str, passage: Passage, entities: list[Mention]) -> list[Mention]:
    """The ``lien`` rows of a passage (see the module's docstring)."""
    found: list[Mention] = []
    seen: set[tuple[str, str, str]] = set()
    for a, b in split_sentences(text, passage.debut, passage.fin):
        inside = sorted(
            (m for m in entities if a <= m.debut and m.fin <= b and not _designates_public(lexicon, text, m)),
            key=lambda m: (m.debut, m.fin),
        )
        if len({(m.type_entite, m.code_entite) for m in inside}) < 2:
            continue
        sentence = text[a:b]
        folded = fold(sentence)
        cues = sorted(
            folded.span(hit.start(), hit.end())
            for rule in lexicon.links
            for hit in rule.expression.finditer(folded.lower)
            if hit.end() > hit.start()
        )
        if not cues:
            continue
        groups: list[list[Mention]] = []
        for mention in inside:
            if groups:
                last = max(groups[-1], key=lambda m: m.fin)
                start, end = last.fin - a, mention.debut - a
                gap = fold(sentence[start:end]).lower if end > start else ""
                joined = end <= start or (
                    len(gap) <= 200 and _LIST_JOIN.search(gap) and not _LIST_BREAK.search(gap)
                )
                if joined:
                    groups[-1].append(mention)
                    continue
            groups.append([mention])
        group_of = {id(m): i for i, group in enumerate(groups) for m in group}
        sizes = [len({m.code_entite for m in group}) for group in groups]
        for i, first in enumerate(inside):
            for second in inside[i + 1 :]:
                if first.code_entite == second.code_entite or (first.debut, first.fin) == (
                    second.debut,
                    second.fin,
                ):
                    continue  # one entity, or one expression standing for two (« centres communaux et
                    # intercommunaux d'action sociale »)
                kinds = {first.type_entite, second.type_entite}
                same = group_of[id(first)] == group_of[id(second)]
                if same and sizes[group_of[id(first)]] >= 3:
                    continue  # items of one enumeration
                if kinds == {"acteur"} and _not_partners(lexicon, first.code_entite, second.code_entite):
                    continue
                actor, other = sorted(
                    (first, second), key=lambda m: (m.type_entite != "acteur", m.code_entite)
                )
                key = (actor.code_entite, other.type_entite, other.code_entite)
                if key in seen:
                    continue
                seen.add(key)
                middle = (min(first.debut, second.debut) + max(first.fin, second.fin)) / 2 - a
                cue_start, cue_end = min(cues, key=lambda c: abs((c[0] + c[1]) / 2 - middle))
                found.append(
                    Mention(
                        passage.page,
                        passage.numero,
                        "lien",
                        actor.code_entite,
                        actor.libelle_entite,
                        sentence[cue_start:cue_end],
                        a + cue_start,
                        a + cue_end,
                        categorie=actor.categorie,
                        objet_type=other.type_entite,
                        objet_code=other.code_entite,
                        objet_libelle=other.libelle_entite,
                    )
                )
    return found


def analyse_page(lexicon: Lexicon, page: Page, passages: list[Passage]) -> PageFacts:
    """Classification and mentions of the passages of one page (passages sorted by offset)."""
    facts = PageFacts()
    if not passages:
        return facts
    folded = fold(page.texte, acronyms=True)  # « R.S.A. », « C.E.R » found as RSA, CER
    vocabulary = _assign(passages, lexicon.vocabulary.find(folded))
    actors = _assign(passages, lexicon.actors.find(folded))
    dispositifs = _assign(passages, lexicon.dispositifs.find(folded))
    territories = _assign(passages, lexicon.territories.find(folded))
    for i, passage in enumerate(passages):
        classement = _classify(vocabulary.get(i, []))
        if classement.code_domaine and is_blank_field(passage.texte):
            classement = Classement(None, None, 0.0, classement.termes, classement.scores)
        facts.classements[passage.numero] = classement
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
        entities = [
            m
            for m in facts.mentions
            if m.passage == passage.numero
            and m.page == passage.page
            and m.type_entite in ("acteur", "dispositif")
        ]
        facts.mentions.extend(_links(lexicon, page.texte, passage, entities))
        facts.mentions.extend(_progress(lexicon, page.texte, passage, local_dispositifs))
    return facts


def terms_json(classement: Classement) -> str:
    return json.dumps({"termes": list(classement.termes), "scores": classement.scores}, ensure_ascii=False)
