"""Metadata without personal data for documents: title, author, and pseudonymised text.

- **Title**: a salutation (« Madame, », « Monsieur le Directeur, ») or a person (« Jean
  DUPONT », « Mme Martin », a login) is never a title (:func:`not_a_title`, used by
  :mod:`extraction` for every candidate: file properties, front matter, first heading, first
  lines); a letter (a salutation near the top) is titled by its « Objet : » line, else by its
  file name.
- **Author**: the publishing organisation, never a person nor a login from the file
  properties (the template's creator, « jdupont »): the stated author is kept only when it names
  an organisation (an actor of the gazetteer, or an organisation word: conseil, direction,
  ministère…); else the publisher of the folder's ``manifest.csv``; else the actor named in
  the letterhead (the short lines at the top of the first page); else empty.
- **Text**: every page of a document goes through the same :class:`Pseudonymiser` as the
  interviews (phones, e-mails, NIR, IBAN, addresses, names after a civility), and a line
  holding only a person-shaped name (« Claire LEBLANC » signing a letter) is replaced by its
  pseudonym; this happens before passages are cut, so offsets stay valid; titles and authors too.
"""

from __future__ import annotations

import re

from ingest.documents.pseudonymisation import CIVILITY, EMAIL, Pseudonymiser
from ingest.documents.texte import fold

__all__ = [
    "SALUTATION",
    "not_a_title",
    "looks_like_person",
    "letter_subject",
    "is_letter",
    "is_organisation",
    "organisation_of",
    "protect_document",
    "pseudonymise_person_lines",
]

SALUTATION = re.compile(
    r"(?i)^\s*(?:(?:madame|monsieur|mademoiselle|mesdames|messieurs|cher|ch[èe]re|chers|ch[èe]res|"
    r"bonjour|bonsoir)\b[^.!?\n]{0,60}?[,!:]?|à\s+l['’]attention\s+de\b.{0,60})\s*$"
)
_SUBJECT = re.compile(r"(?im)^\s*(?:objet|obj\.|concerne)\s*:\s*(.{3,200}?)\s*$")
_UPPER_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]+"
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+)*"
_PERSON_SHAPES = [
    re.compile(rf"^{_CAPITAL_WORD}(?:\s+{_CAPITAL_WORD})?\s+{_UPPER_WORD}$"),  # Jean-Pierre DURAND
    re.compile(rf"^{_UPPER_WORD}\s+{_CAPITAL_WORD}(?:\s+{_CAPITAL_WORD})?$"),  # DURAND Jean-Pierre
    re.compile(rf"^{_UPPER_WORD},\s*{_CAPITAL_WORD}(?:\s+{_CAPITAL_WORD})?$"),  # DURAND, Jean
    re.compile(rf"^[A-ZÀ-Ý]\.\s?(?:[A-ZÀ-Ý]\.\s?)?(?:{_CAPITAL_WORD}|{_UPPER_WORD})$"),  # J. Durand
]
# words of headings that have a person's shape (« Chapitre III », « Article PREMIER »)
_HEADING_WORDS = {
    "article", "chapitre", "titre", "section", "annexe", "partie", "livre", "axe", "fiche", "action",
    "objectif", "mesure", "tome", "volume", "programme", "page", "étape", "etape", "phase", "niveau",
    "premier", "première", "premiere", "unique", "bis", "ter", "sommaire", "préambule", "preambule",
    "bilan", "guide", "rapport", "note", "plan", "charte", "schéma", "schema", "pacte", "projet",
    "dossier", "courrier", "lettre", "modèle", "modele", "formulaire", "compte", "budget", "dispositif",
    "contrat", "convention", "carnet",
}  # fmt: skip
# words of titles with a person's shape but a common noun's ending (« Convocation RSA »)
_TITLE_NOUN = re.compile(r"(?i)(?:tion|sion|ement|age|ité|eur|ure|isme|gramme)$")  # not Clément, Claire
_ROMAN = re.compile(r"^[IVXLCDM]+$")


def _person_shaped(text: str) -> bool:
    """« Jean-Pierre DURAND », « DURAND Jean », « DURAND, Jean », « J. Durand », not a heading."""
    if not any(shape.match(text) for shape in _PERSON_SHAPES) or _ORGANISATION_WORDS.search(text):
        return False
    words = re.findall(r"[\w'’\-]+", text)
    if 2 <= len(words[0]) <= 5 and words[0].isupper() and fold(words[1]).folded[:1].upper() == words[0][0]:
        return False  # an acronym and its expansion in a glossary (« EA Entreprise Adaptée »)
    return not any(w.lower() in _HEADING_WORDS or _ROMAN.match(w) or _TITLE_NOUN.search(w) for w in words)


def pseudonymise_person_lines(text: str, pseudo: Pseudonymiser) -> str:
    """A line holding only a person's name (a signatory, a recipient) becomes its pseudonym."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if 3 <= len(stripped) <= 60 and _person_shaped(stripped):
            lines[index] = line.replace(stripped, pseudo.person(stripped))
    return "\n".join(lines)


# a login or a machine account: one token, lower case or with digits, dots, underscores
_LOGIN = re.compile(r"^(?=.*[a-z])[a-z0-9._\-]{3,30}$|^[A-Za-z]+[._][A-Za-z]+\d*$|^[A-Za-z]{2,}\d+$")
_ACCOUNTS = {
    "admin",
    "administrateur",
    "utilisateur",
    "user",
    "owner",
    "auteur",
    "author",
    "windows",
    "poste",
}
_ORGANISATION_WORDS = re.compile(
    r"(?i)\b(?:conseil|d[ée]partement|d[ée]partemental|direction|directions|minist[èe]re|pr[ée]fecture|"
    r"caisse|agence|association|mission|service|services|commune|ville|mairie|r[ée]gion|[ée]tat|"
    r"r[ée]publique|observatoire|institut|f[ée]d[ée]ration|union|centre|[ée]tablissement|groupement|"
    r"office|syndicat|gouvernement|assembl[ée]e|s[ée]nat|d[ée]l[ée]gation|secr[ée]tariat|haut-commissariat|"
    r"commission|comit[ée]|cour|tribunal|universit[ée]|fondation|r[ée]seau|collectif|p[ôo]le|maison|"
    r"m[ée]tropole|agglom[ée]ration|territoire|territorial|gip|epci|ccas|cias|caf|cpam|msa|urssaf|"
    r"insee|dares|drees|dgefp|dgcs|ddets|dreets|anct|france|inclusion|gouv|sgmap|dinum|beta\.gouv)\b"
)


def looks_like_person(value: str | None, logins: bool = True) -> bool:
    """A salutation, a civility with a name, a « Prénom NOM », an e-mail address or (``logins``)
    a login such as « jdupont »."""
    text = re.sub(r"\s+", " ", str(value or "")).strip(" ,;:")
    if not text:
        return False
    if SALUTATION.match(text) or EMAIL.search(text):
        return True
    if CIVILITY.search(text) and len(text.split()) <= 6:
        return True
    if _person_shaped(text):
        return True
    if not logins:
        return False
    return (" " not in text and (_LOGIN.match(text) is not None)) or text.lower() in _ACCOUNTS


def not_a_title(value: str | None) -> bool:
    """Whether a title candidate must be refused (salutation, person, login)."""
    return looks_like_person(value, logins=False)


def letter_subject(text: str) -> str | None:
    """The « Objet : … » line of a letter or a form, if any."""
    match = _SUBJECT.search(text)
    return match.group(1).strip() if match else None


def is_letter(text: str, lines: int = 40) -> bool:
    """A salutation line among the first lines of the text."""
    return any(SALUTATION.match(line) for line in text.splitlines()[:lines] if line.strip())


def is_organisation(value: str | None, lexicon=None) -> bool:
    """Whether a stated author names an organisation (never a person nor a login)."""
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    if len(text) < 2 or looks_like_person(text):
        return False
    if lexicon is not None and lexicon.actors.find(fold(text)):
        return True
    if _ORGANISATION_WORDS.search(text):
        return True
    return bool(re.fullmatch(r"[A-Z]{2,6}(?:\s*/\s*[A-Z]{2,6})*", text))  # « DGEFP », « DGEFP / DDETS »


def organisation_of(value: str | None, lexicon=None) -> str | None:
    """The organisation a stated author names: itself, or the organisation in brackets after a
    person (« DURAND, Jean (DGEFP) » → « DGEFP »); ``None`` for a person or a login."""
    text = re.sub(r"\s+", " ", str(value or "")).strip(" ,;")
    if not text:
        return None
    outside = re.sub(r"\([^()]*\)", " ", text)
    outside = re.sub(r"\s+", " ", outside).strip(" ,;")
    if outside != text and (
        not outside or looks_like_person(outside) or not is_organisation(outside, lexicon)
    ):
        inside = [b.strip() for b in re.findall(r"\(([^()]{2,80})\)", text)]
        return next((b for b in inside if is_organisation(b, lexicon)), None)
    return text if is_organisation(text, lexicon) else None


def _letterhead_actor(text: str, lexicon) -> str | None:
    """The first gazetteer actor named in the short lines at the top of the first page."""
    head: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if len(line.strip()) > 100 or SALUTATION.match(line) or len(head) >= 6:
            break
        head.append(line)
    if not head or lexicon is None:
        return None
    found = lexicon.actors.find(fold("\n".join(head)))
    if not found:
        return None
    entry = found[0].entries[0]
    return lexicon.actor_labels.get(entry.code, entry.libelle)


def protect_document(extraction, pseudo: Pseudonymiser, lexicon=None, publisher: str | None = None) -> bool:
    """Pseudonymise a document's pages, title and author in place; settle the author.

    Returns whether the page texts changed (then the stored text must be rewritten)."""
    changed = False
    for page in extraction.pages:
        clean = pseudonymise_person_lines(pseudo.text(page.texte) or "", pseudo)
        if clean != page.texte:
            page.texte, changed = clean, True
        if page.intitule:
            page.intitule = pseudo.text(page.intitule)
    if extraction.titre and not_a_title(extraction.titre):
        extraction.titre = None
    if extraction.titre:
        extraction.titre = pseudo.text(extraction.titre)
    author, source = organisation_of(extraction.auteur, lexicon), extraction.auteur_source
    if not author:
        author, source = None, None
        if publisher and is_organisation(publisher, lexicon):
            author, source = publisher.strip(), "manifeste"
        elif extraction.pages:
            found = _letterhead_actor(extraction.pages[0].texte, lexicon)
            if found:
                author, source = found, "texte"
    extraction.auteur = pseudo.text(author) if author else None
    extraction.auteur_source = source if author else None
    return changed
