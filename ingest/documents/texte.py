"""Text helpers: accent/case folding that keeps offsets, alias patterns, sentence splitting.

Matching is done on a *folded* copy of the text (accents and ligatures removed,
typographic quotes and dashes unified) whose every character remembers its
position in the original, so that a match found in the folded text is reported
with offsets in the original text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "FoldedText",
    "fold",
    "fold_key",
    "alias_pattern",
    "word_pattern",
    "split_sentences",
    "split_long",
    "clean_passage",
    "URL_PATTERN",
]

_SPECIAL = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2011": "-",
    "\u2010": "-",
    "\u2212": "-",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u00e6": "ae",
    "\u00c6": "AE",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200b": "",
    "\ufeff": "",
    "\u00ad": "",
}

URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s)\]>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class FoldedText:
    """A text folded for matching, with the map back to the original offsets.

    ``folded`` keeps the case, ``lower`` is its lower-case twin (same length);
    ``index[i]`` is the offset in ``original`` of folded character ``i`` and
    ``index[len(folded)] == len(original)``.
    """

    original: str
    folded: str
    lower: str
    index: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded span ``[start, end)``."""
        begin = self.index[start]
        if end <= start:
            return begin, begin
        return begin, self.index[end - 1] + 1

    def folded_offset(self, original_offset: int) -> int:
        """First folded position at or after an original offset."""
        return bisect.bisect_left(self.index, original_offset, 0, len(self.folded))


def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


# acronyms written with dots (« R.S.A. », « C.E.R », « P. P. A. E. ») or spaced capitals (« R S A »)
_DOTTED_ACRONYM = re.compile(r"(?<![\w.])[A-Z](?:\. ?[A-Z]){1,}\.?(?![\w])")
_SPACED_ACRONYM = re.compile(r"(?<![\w.'])[A-Z](?: [A-Z]){2,}(?![\w.])")


def _join_acronyms(pieces: list[str], index: list[int]) -> tuple[list[str], list[int]]:
    """Drop the dots and spaces inside written-out acronyms of a folded text (offsets kept)."""
    folded = "".join(pieces)
    drop: set[int] = set()
    for regex in (_DOTTED_ACRONYM, _SPACED_ACRONYM):
        for match in regex.finditer(folded):
            drop.update(i for i in range(match.start(), match.end()) if not folded[i].isalpha())
    if not drop:
        return pieces, index
    return (
        [c for i, c in enumerate(pieces) if i not in drop],
        [x for i, x in enumerate(index[:-1]) if i not in drop] + index[-1:],
    )


def fold(text: str, acronyms: bool = False) -> FoldedText:
    """Fold a text (accents, ligatures, quotes, dashes) keeping the offset map.

    With ``acronyms``, acronyms written with dots or spaces are joined (« R.S.A. » → « RSA »),
    so that the gazetteers' aliases find them; offsets still point into the original text.

    Examples
    --------
    >>> f = fold("Pôle emploi – Cœur")
    >>> f.folded
    'Pole emploi - Coeur'
    >>> f.span(14, 19)
    (14, 18)
    >>> g = fold("le R.S.A. et le C.E.R, un P. P. A. E ou R S A", acronyms=True)
    >>> g.folded
    'le RSA et le CER, un PPAE ou RSA'
    >>> g.original[slice(*g.span(3, 6))], g.original[slice(*g.span(13, 16))]
    ('R.S.A', 'C.E.R')
    """
    pieces: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        out = _fold_char(char)
        for folded_char in out:
            lowered = folded_char.lower()
            if len(lowered) != 1:
                lowered = folded_char
            pieces.append(folded_char)
            index.append(position)
    if acronyms:
        index.append(len(text))
        pieces, index = _join_acronyms(pieces, index)
        index.pop()
    folded = "".join(pieces)
    lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in pieces)
    index.append(len(text))
    return FoldedText(text, folded, lower, tuple(index))


def fold_key(text: str) -> str:
    """A comparison key: folded, lower case, single spaces, no outer punctuation.

    Examples
    --------
    >>> fold_key("  Très  Satisfait(e) ")
    'tres satisfait(e)'
    """
    lowered = fold(text or "").lower
    return re.sub(r"\s+", " ", lowered).strip(" .;:,")


_ABBREVIATIONS = {
    "m",
    "mm",
    "mme",
    "mmes",
    "mlle",
    "mlles",
    "dr",
    "pr",
    "me",
    "st",
    "ste",
    "art",
    "arts",
    "cf",
    "p",
    "pp",
    "n",
    "no",
    "vol",
    "al",
    "av",
    "bd",
    "chap",
    "fig",
    "ex",
    "env",
    "min",
    "max",
    "tel",
    "ref",
    "resp",
    "dir",
    "coll",
    "ed",
    "eds",
    "op",
    "cit",
    "vs",
    "c",
    "nd",
    "ibid",
    "id",
}
_SENTENCE_END = re.compile(
    r"[.!?\u2026](?:[\"\u00bb)\]\u201d]*)\s+(?=[\"\u00ab(\[\u201c]?\s*[A-Z\u00c0-\u00de0-9\u2022\u00b7\-])"
)


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    start = dot
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    token = fold(text[start:dot]).lower
    if not token:
        return False
    if start > 0 and text[start - 1] == ".":
        return True  # an acronym written with dots (C.A.F.)
    return len(token) == 1 or token in _ABBREVIATIONS


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (offsets in ``text``, outer spaces trimmed).

    Abbreviations (``M.``, ``art.``, ``L.`` …) and initials do not end a sentence.

    Examples
    --------
    >>> t = "Mme Durand est venue. Voir l'art. L. 263-2 du code. Fin"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Mme Durand est venue.', "Voir l'art. L. 263-2 du code.", 'Fin']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if _is_abbreviation(text, match.start()):
            continue
        stop = match.start() + len(match.group(0).rstrip())
        spans.append((cursor, stop))
        cursor = match.end()
    spans.append((cursor, end))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def split_long(text: str, start: int, end: int, limit: int = 1200) -> list[tuple[int, int]]:
    """Cut a span longer than ``limit`` at ``;``/``:`` then at spaces (offsets kept).

    Examples
    --------
    >>> t = "a; " * 5
    >>> [t[a:b] for a, b in split_long(t, 0, len(t), limit=4)]
    ['a;', 'a;', 'a;', 'a;', 'a;']
    """
    if end - start <= limit:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    cursor = start
    while end - cursor > limit:
        window = text[cursor : cursor + limit]
        cut = max(window.rfind("; "), window.rfind(": "))
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        stop = cursor + cut + 1
        pieces.append((cursor, stop))
        cursor = stop
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        pieces.append((cursor, end))
    return [(a, b) for a, b in ((a, len(text[:b].rstrip())) for a, b in pieces) if b > a]


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_PREFIX = re.compile(r"(?m)^\s{0,3}(?:>\s?)*(?:#{1,6}\s+|[*+-]\s+|\d+[.)]\s+)?")
_HYPHENATED = re.compile(r"(\w)-\s*\n\s*([a-z\u00e0-\u00ff])")


def clean_passage(raw: str) -> str:
    """Readable text of a passage: markdown marks, URLs and line-end hyphens removed.

    Examples
    --------
    >>> clean_passage("> **Le pacte** peut associer\\n> la [région](https://x.fr) et l'inser-\\ntion")
    "Le pacte peut associer la région et l'insertion"
    """
    text = _HYPHENATED.sub(r"\1\2", raw)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _MARKDOWN_PREFIX.sub("", text)
    text = re.sub(r"https?://\S+", "", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def word_pattern(word: str, case_sensitive: bool) -> str:
    """Regex of one folded word that also accepts its plural (or singular).

    Examples
    --------
    >>> word_pattern("locale", False)
    'locales?'
    >>> word_pattern("departemental", False)
    'departement(?:al|aux)'
    >>> word_pattern("CCAS", True)
    'CCASs?'
    """
    if not word:
        return ""
    letters = word.isalpha()
    if case_sensitive and word.isupper() and len(word) >= 2:
        return re.escape(word) + "s?"
    if not letters or len(word) < 3:
        return re.escape(word)
    lowered = word.lower()
    if lowered.endswith("aux") and len(word) > 4:
        return re.escape(word[:-3]) + "(?:al|aux)"
    if lowered.endswith("al"):
        return re.escape(word[:-2]) + "(?:al|aux)"
    if lowered.endswith(("eau", "eu", "au")):
        return re.escape(word) + "x?"
    if lowered.endswith(("eaux", "eux")):
        return re.escape(word[:-1]) + "x?"
    if lowered.endswith("s"):
        return re.escape(word[:-1]) + "s?"
    if lowered.endswith(("x", "z")):
        return re.escape(word)
    return re.escape(word) + "s?"


_TOKEN_SPLIT = re.compile(r"(\s+|-|')")


def alias_pattern(alias: str, case_sensitive: bool, hyphen_boundary: bool = False) -> str:
    """Regex (for the folded text) of an alias: accent-, plural- and spacing-tolerant.

    An alias starting with ``re:`` is taken as a regular expression over the folded
    text (lower case unless ``case_sensitive``). Case-insensitive patterns are wrapped
    in ``(?i:...)`` so that one compiled regex can mix both kinds.

    Examples
    --------
    >>> bool(re.search(alias_pattern("mission locale", False), "les Missions Locales de l'Est"))
    True
    >>> bool(re.search(alias_pattern("Saint-Denis", True, hyphen_boundary=True), "Seine-Saint-Denis"))
    False
    >>> bool(re.search(alias_pattern("CAF", True), "la caf"))
    False
    """
    alias = alias.strip()
    if alias.startswith("re:"):
        core = alias[3:]
        if not case_sensitive:
            core = f"(?i:{core})"
        return f"(?:{core})"
    folded = fold(alias).folded
    if not case_sensitive:
        folded = folded.lower()
    parts = [p for p in _TOKEN_SPLIT.split(folded) if p != ""]
    out: list[str] = []
    for part in parts:
        if part.isspace() or part == "-":
            if out and out[-1] not in (r"[\s\-]+", r"'\s*"):
                out.append(r"[\s\-]+")
        elif part == "'":
            if out and out[-1] == r"[\s\-]+":
                out.pop()
            out.append(r"'\s*")
        else:
            out.append(word_pattern(part, case_sensitive))
    core = "".join(out)
    left, right = (r"(?<![\w-])", r"(?![\w-])") if hyphen_boundary else (r"(?<!\w)", r"(?!\w)")
    if not case_sensitive:
        core = f"(?i:{core})"
    return f"{left}{core}{right}"
