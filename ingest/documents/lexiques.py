"""The lists analysts extend (dbt seeds) and the matchers built from them.

Seeds read here (``dbt_project/seeds/``), also loaded by dbt into ``marts``:

- ``vocabulaire_axes.csv``: ``terme, code_axe, code_domaine, poids, sensible_casse``
- ``gazetteer_acteurs.csv``: ``code_acteur, libelle_acteur, categorie, alias, sensible_casse,
  rattachement`` (the institution an actor is a service of: DDETS → ETAT; never partners)
- ``gazetteer_dispositifs.csv``: ``code_dispositif, libelle_dispositif, code_axe, code_domaine,
  alias, sensible_casse``
- ``documents_regles_type.csv``: ordered rules deciding a document's kind
- ``documents_expressions_avancement.csv``: expressions of progress (planned, under way…)
- ``documents_expressions_lien.csv``: expressions that tie two entities of a sentence (``lien``:
  partnership, convention, pilots, takes part…) and conditions (``condition``: « avoir un CER »,
  « si vous… ») that make a sentence no statement of progress, and the words that make a dispositif
  a public (``public``: « bénéficiaires du RSA »), no party to a tie

An alias is matched accent-, plural- and spacing-insensitively on the folded text;
``sensible_casse = true`` keeps the case (acronyms such as ``CAF``). An alias starting
with ``re:`` is a regular expression over the folded text.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.documents.texte import URL_PATTERN, FoldedText, alias_pattern, fold

__all__ = [
    "SEEDS_DIR",
    "Entry",
    "Match",
    "Matcher",
    "TypeRule",
    "ProgressExpression",
    "ContextExpression",
    "Lexicon",
    "LexiconError",
    "load_lexicon",
    "read_seed",
]

SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"

AXES = ("A1", "A2", "A3", "A4")


class LexiconError(ValueError):
    """A seed row that cannot be used (file, line and field in the message)."""


@dataclass(frozen=True)
class Entry:
    """One alias of an entity (actor, dispositif, territory) or one vocabulary term."""

    code: str
    libelle: str
    alias: str
    case_sensitive: bool
    attributes: tuple[tuple[str, str], ...] = ()

    def get(self, name: str, default: str = "") -> str:
        return dict(self.attributes).get(name, default)


@dataclass(frozen=True)
class Match:
    """An alias found in a text: original offsets, matched text and the entries it stands for."""

    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]


_TOKEN = re.compile(r"\w+")
_DOTTED_NAME = re.compile(r"(?<![\w.])[a-z]{2,}(?:\.[a-z]{2,})+(?![\w.])")


def _token_key(token: str) -> str:
    return token[:3].lower()


@dataclass
class Matcher:
    """All the aliases of one list, indexed by the first three letters of their first word.

    Each word of the text looks up the aliases starting with the same three letters and
    tries them at that position; ``re:`` aliases are searched over the whole text.
    Overlapping matches are resolved leftmost-longest, so that ``insertion
    professionnelle`` wins over ``insertion``. URLs and e-mail addresses are masked.

    Examples
    --------
    >>> from ingest.documents.texte import fold
    >>> caf = "caisse d'allocations familiales"
    >>> m = Matcher([Entry("CAF", "CAF", "CAF", True), Entry("CAF", "CAF", caf, False)])
    >>> [x.text for x in m.find(fold("La Caisse d’allocations familiales et la CAF, pas la caf."))]
    ['Caisse d’allocations familiales', 'CAF']
    """

    entries: Sequence[Entry]
    hyphen_boundary: bool = False
    _index: dict[str, list[tuple[re.Pattern, tuple[Entry, ...]]]] = field(
        default_factory=dict, init=False, repr=False
    )
    _free: list[tuple[re.Pattern, tuple[Entry, ...]]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        by_pattern: dict[str, list[Entry]] = {}
        keys: dict[str, str | None] = {}
        for entry in self.entries:
            try:
                pattern = alias_pattern(entry.alias, entry.case_sensitive, self.hyphen_boundary)
                re.compile(pattern)
            except re.error as exc:
                raise LexiconError(f"alias {entry.alias!r} of {entry.code}: invalid pattern ({exc})") from exc
            if pattern not in by_pattern:
                by_pattern[pattern] = []
                first = _TOKEN.search(fold(entry.alias).lower) if not entry.alias.startswith("re:") else None
                keys[pattern] = _token_key(first.group(0)) if first else None
            if all(e.code != entry.code for e in by_pattern[pattern]):
                by_pattern[pattern].append(entry)
        for pattern, entries in by_pattern.items():
            item = (re.compile(pattern), tuple(entries))
            if keys[pattern] is None:
                self._free.append(item)
            else:
                self._index.setdefault(keys[pattern], []).append(item)

    def find(self, folded: FoldedText) -> list[Match]:
        """Non-overlapping matches in a folded text (leftmost, then longest), original offsets."""
        masked = URL_PATTERN.sub(lambda m: " " * len(m.group(0)), folded.folded)
        # a product or site named like a domain (« data.insertion », « beta.gouv »): a name, not words
        masked = _DOTTED_NAME.sub(lambda m: " " * len(m.group(0)), masked)
        lower = masked.lower() if len(masked.lower()) == len(masked) else folded.lower
        found: list[tuple[int, int, tuple[Entry, ...]]] = []
        if self._index:
            for token in _TOKEN.finditer(lower):
                for regex, entries in self._index.get(_token_key(token.group(0)), ()):
                    hit = regex.match(masked, token.start())
                    if hit and hit.end() > hit.start():
                        found.append((hit.start(), hit.end(), entries))
        for regex, entries in self._free:
            for hit in regex.finditer(masked):
                if hit.end() > hit.start():
                    found.append((hit.start(), hit.end(), entries))
        found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
        out: list[Match] = []
        cursor = -1
        for start, end, entries in found:
            if start < cursor:
                continue
            cursor = end
            a, b = folded.span(start, end)
            out.append(Match(a, b, folded.original[a:b], entries))
        return out


@dataclass(frozen=True)
class TypeRule:
    """One ordered rule of the document-kind classifier."""

    ordre: int
    code_regle: str
    type_document: str
    zone: str
    motif: re.Pattern


@dataclass(frozen=True)
class ProgressExpression:
    statut: str
    expression: re.Pattern
    description: str


@dataclass(frozen=True)
class ContextExpression:
    """An expression of ``documents_expressions_lien.csv``: a tie (``lien``) or a condition."""

    role: str
    expression: re.Pattern
    description: str


@dataclass
class Lexicon:
    """Everything the analysis needs for one département."""

    vocabulary: Matcher
    actors: Matcher
    dispositifs: Matcher
    territories: Matcher
    type_rules: list[TypeRule]
    progress: list[ProgressExpression]
    fingerprint: str
    actor_labels: dict[str, str] = field(default_factory=dict)
    links: list[ContextExpression] = field(default_factory=list)
    conditions: list[ContextExpression] = field(default_factory=list)
    publics: list[ContextExpression] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)  # actor → the institution it is a service of
    dispositif_entries: dict[str, Entry] = field(default_factory=dict)
    territory_entries: list[Entry] = field(default_factory=list)


def read_seed(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a seed with their physical line number; raises :class:`LexiconError`."""
    if not path.exists():
        raise LexiconError(f"{path}: seed file not found")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise LexiconError(f"{path}: missing column(s) {', '.join(missing)}")
        rows: list[tuple[int, dict[str, str]]] = []
        line = 1
        for row in reader:
            line = reader.line_num
            if None in row:
                raise LexiconError(f"{path}:{line}: too many fields (quote values containing commas)")
            clean = {k.strip(): (v or "").strip() for k, v in row.items()}
            if not any(clean.values()):
                continue
            rows.append((line, clean))
        return rows


def _bool(value: str, path: Path, line: int, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"true", "1", "oui", "vrai", "t"}:
        return True
    if lowered in {"false", "0", "non", "faux", "f", ""}:
        return False
    raise LexiconError(f"{path}:{line}: field {name}: not a boolean: {value!r}")


def _entries(path: Path, code: str, label: str, extra: Sequence[str]) -> list[Entry]:
    rows = read_seed(path, [code, label, "alias", "sensible_casse", *extra])
    out: list[Entry] = []
    for line, row in rows:
        if not row[code] or not row["alias"]:
            raise LexiconError(f"{path}:{line}: field {code if not row[code] else 'alias'}: empty value")
        out.append(
            Entry(
                row[code],
                row[label] or row[code],
                row["alias"],
                _bool(row["sensible_casse"], path, line, "sensible_casse"),
                tuple((name, row.get(name, "")) for name in extra),
            )
        )
    return out


def _vocabulary(path: Path) -> list[Entry]:
    rows = read_seed(path, ["terme", "code_axe", "code_domaine", "poids", "sensible_casse"])
    out: list[Entry] = []
    for line, row in rows:
        if row["code_axe"] not in AXES:
            raise LexiconError(f"{path}:{line}: field code_axe: {row['code_axe']!r} is not one of {AXES}")
        if not row["code_domaine"] or not row["terme"]:
            raise LexiconError(f"{path}:{line}: field terme/code_domaine: empty value")
        try:
            weight = float(row["poids"] or "1")
        except ValueError as exc:
            raise LexiconError(f"{path}:{line}: field poids: not a number: {row['poids']!r}") from exc
        out.append(
            Entry(
                row["code_domaine"],
                row["terme"],
                row["terme"],
                _bool(row["sensible_casse"], path, line, "sensible_casse"),
                (("code_axe", row["code_axe"]), ("poids", str(weight))),
            )
        )
    return out


def _type_rules(path: Path) -> list[TypeRule]:
    rows = read_seed(path, ["ordre", "code_regle", "type_document", "zone", "motif"])
    rules: list[TypeRule] = []
    for line, row in rows:
        if row["zone"] not in {"titre", "debut"}:
            raise LexiconError(f"{path}:{line}: field zone: expected titre or debut, not {row['zone']!r}")
        try:
            rules.append(
                TypeRule(
                    int(row["ordre"]),
                    row["code_regle"],
                    row["type_document"],
                    row["zone"],
                    re.compile(row["motif"]),
                )
            )
        except (ValueError, re.error) as exc:
            raise LexiconError(f"{path}:{line}: field ordre/motif: {exc}") from exc
    return sorted(rules, key=lambda r: r.ordre)


def _expressions(path: Path, champ: str, valeurs: set[str], refus: str, classe: type) -> list:
    """The rows of a seed of regular expressions, each with its ``champ`` among ``valeurs``.

    ``refus`` is the reason given for another value (``{!r}`` stands for it)."""
    out = []
    for line, row in read_seed(path, [champ, "expression"]):
        if row[champ] not in valeurs:
            raise LexiconError(f"{path}:{line}: field {champ}: {refus.format(row[champ])}")
        try:
            out.append(classe(row[champ], re.compile(row["expression"]), row.get("description", "")))
        except re.error as exc:
            raise LexiconError(f"{path}:{line}: field expression: {exc}") from exc
    return out


def _progress(path: Path) -> list[ProgressExpression]:
    statuts = {"prevu", "en_cours", "realise", "abandonne"}
    return _expressions(path, "statut", statuts, "unknown status {!r}", ProgressExpression)


def _context(path: Path) -> list[ContextExpression]:
    refus = "expected lien, condition or public, not {!r}"
    return _expressions(path, "role", {"lien", "condition", "public"}, refus, ContextExpression)


def _parents(path: Path) -> dict[str, str]:
    """``code_acteur → rattachement`` (one value per actor, the same on each of its alias lines)."""
    parents: dict[str, str] = {}
    for line, row in read_seed(path, ["code_acteur"]):
        parent = row.get("rattachement", "")
        if not parent:
            continue
        if parents.get(row["code_acteur"], parent) != parent:
            raise LexiconError(
                f"{path}:{line}: field rattachement: {parent!r} differs from an earlier line of "
                f"{row['code_acteur']} ({parents[row['code_acteur']]!r})"
            )
        parents[row["code_acteur"]] = parent
    return parents


def _digest(paths: Iterable[Path], territories: Iterable[Entry]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for entry in territories:
        digest.update(f"{entry.code}|{entry.alias}|{entry.attributes}".encode())
    return digest.hexdigest()[:16]


def load_lexicon(territories: Sequence[Entry], seeds_dir: Path = SEEDS_DIR) -> Lexicon:
    """Read the seeds and compile the matchers (territories come from :mod:`territoires`)."""
    seeds_dir = Path(seeds_dir)
    files = {
        "vocabulary": seeds_dir / "vocabulaire_axes.csv",
        "actors": seeds_dir / "gazetteer_acteurs.csv",
        "dispositifs": seeds_dir / "gazetteer_dispositifs.csv",
        "rules": seeds_dir / "documents_regles_type.csv",
        "progress": seeds_dir / "documents_expressions_avancement.csv",
        "context": seeds_dir / "documents_expressions_lien.csv",
    }
    actors = _entries(files["actors"], "code_acteur", "libelle_acteur", ["categorie"])
    dispositifs = _entries(
        files["dispositifs"], "code_dispositif", "libelle_dispositif", ["code_axe", "code_domaine"]
    )
    parents = _parents(files["actors"])
    unknown = sorted(set(parents.values()) - {e.code for e in actors})
    if unknown:
        raise LexiconError(f"{files['actors']}: field rattachement: unknown actor(s) {', '.join(unknown)}")
    context = _context(files["context"])
    clash = {e.code for e in actors} & {e.code for e in dispositifs}
    if clash:
        raise LexiconError(f"codes used both as actor and dispositif: {', '.join(sorted(clash))}")
    return Lexicon(
        vocabulary=Matcher(_vocabulary(files["vocabulary"])),
        actors=Matcher(actors),
        dispositifs=Matcher(dispositifs),
        territories=Matcher(list(territories), hyphen_boundary=True),
        type_rules=_type_rules(files["rules"]),
        progress=_progress(files["progress"]),
        fingerprint=_digest(files.values(), territories),
        actor_labels={e.code: e.libelle for e in actors},
        links=[c for c in context if c.role == "lien"],
        conditions=[c for c in context if c.role == "condition"],
        publics=[c for c in context if c.role == "public"],
        parents=parents,
        dispositif_entries={e.code: e for e in dispositifs},
        territory_entries=list(territories),
    )


def iter_codes(matches: Iterable[Match]) -> Iterator[tuple[Match, Entry]]:
    """Each (match, entry) pair, an alias standing for several entities giving several pairs."""
    for match in matches:
        for entry in match.entries:
            yield match, entry
