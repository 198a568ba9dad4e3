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


def load_salt(inbox_dir: Path) -> bytes:
    """The secret salt: ``PACTE_PSEUDO_SALT`` or the salt file of the inbox (created if absent)."""
    value = os.environ.get(SALT_ENV, "").strip()
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
        return text

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
