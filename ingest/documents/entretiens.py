"""Interview notes: one Markdown file per interview with a small YAML front matter.

Example (``<inbox>/<code>/entretiens/2025-03-12_ccas.md``)::

    ---
    acteur: CCAS de Montreuil          # the organisation interviewed (kept)
    role: directrice                   # role of the person (kept)
    date: 2025-03-12
    territoire: Montreuil              # commune, EPCI/EPT or département (resolved to a code)
    nom: Jeanne Exemple                # the person: pseudonymised, never stored as is
    email: jeanne@exemple.fr
    telephone: 01 23 45 67 89
    ---
    ## Accès aux droits
    Notes of the interviewer…

    > « A quote said by the person, flagged for the report. »

Front-matter keys holding people (``nom``, ``prenom``, ``personne(s)``, ``interlocuteur(s)``,
``participants``, ``enqueteur``, ``redacteur``, ``contact``, ``email``/``courriel``/``mail``,
``telephone``/``tel``) are read only to pseudonymise the text: their values are never
written. Unknown keys are dropped (only their names are kept). ``acteur`` and ``role``
are kept after pseudonymisation (a person named there is replaced too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from ingest.documents.extraction import DocumentRejete, Extraction, decode_text, iso_date
from ingest.documents.extraction_texte import extract_markdown_text
from ingest.documents.pseudonymisation import Pseudonymiser

__all__ = ["PERSON_KEYS", "CONTACT_KEYS", "KEPT_KEYS", "Entretien", "read_interview"]

PERSON_KEYS = {
    "nom",
    "prenom",
    "prénom",
    "personne",
    "personnes",
    "interlocuteur",
    "interlocuteurs",
    "interlocutrice",
    "interlocutrices",
    "interviewe",
    "interviewé",
    "interviewee",
    "participants",
    "participant",
    "enqueteur",
    "enquêteur",
    "enqueteurs",
    "intervieweur",
    "redacteur",
    "rédacteur",
    "auteur",
    "contact",
    "contacts",
    "nom_complet",
    "name",
}
CONTACT_KEYS = {
    "email",
    "courriel",
    "mail",
    "e-mail",
    "telephone",
    "téléphone",
    "tel",
    "tél",
    "portable",
    "mobile",
    "adresse",
}
KEPT_KEYS = {
    "acteur",
    "structure",
    "organisme",
    "role",
    "rôle",
    "fonction",
    "date",
    "territoire",
    "commune",
    "theme",
    "thème",
    "themes",
    "thèmes",
    "axe",
    "dispositif",
}


@dataclass
class Entretien:
    """A pseudonymised interview: its text as an extraction and its front-matter fields."""

    extraction: Extraction
    acteur: str | None
    role: str | None
    date: str | None
    territoire: str | None
    personnes: list[str] = field(default_factory=list)
    cles_ignorees: list[str] = field(default_factory=list)


def _values(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [str(v) for v in value.values() if v is not None]
    if isinstance(value, list | tuple):
        return [v for item in value for v in _values(item)]
    return [str(value)]


def _people(value: object) -> list[str]:
    """Names in a front-matter value (a name, a list, or dicts with ``nom``/``prenom``)."""
    if isinstance(value, dict):
        first = value.get("prenom") or value.get("prénom") or ""
        last = value.get("nom") or value.get("name") or ""
        full = f"{first} {last}".strip()
        return [full] if full else []
    if isinstance(value, list | tuple):
        return [n for item in value for n in _people(item)]
    return [str(value)] if value is not None and str(value).strip() else []


def read_interview(path: Path, pseudo: Pseudonymiser) -> Entretien:
    """Read, then pseudonymise, one interview file (nothing personal leaves this function)."""
    text = decode_text(Path(path).read_bytes(), Path(path))
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise DocumentRejete(f"en-tête YAML (front matter) invalide : {str(exc).splitlines()[0]}") from exc
    metadata = {str(k).strip().lower(): v for k, v in post.metadata.items()}
    first_names = metadata.get("prenom") or metadata.get("prénom")
    last_names = metadata.get("nom")
    if isinstance(first_names, str) and isinstance(last_names, str):
        pseudo.add_name(f"{first_names} {last_names}")
    people: list[str] = []
    for key in PERSON_KEYS:
        for name in _people(metadata.get(key)):
            pseudo.add_name(name)
            people.append(pseudo.person(name))
    for key in CONTACT_KEYS:
        for value in _values(metadata.get(key)):
            pseudo.add_literal(value, "COORDONNEES")
    body = pseudo.text(post.content) or ""
    kept = {k: pseudo.text(", ".join(_values(v))) for k, v in metadata.items() if k in KEPT_KEYS}
    extraction = extract_markdown_text(body, {})
    extraction.format = "md"
    acteur = kept.get("acteur") or kept.get("structure") or kept.get("organisme")
    role = kept.get("role") or kept.get("rôle") or kept.get("fonction")
    date = iso_date(metadata.get("date"))
    territoire = kept.get("territoire") or kept.get("commune")
    extraction.titre = (
        "Entretien"
        + (f" — {acteur}" if acteur else "")
        + (f" ({role})" if role else "")
        + (f", {date}" if date else "")
    )
    extraction.date, extraction.date_source = (date, "entete") if date else (None, None)
    extraction.auteur, extraction.auteur_source = None, None
    if not any(p.texte.strip() for p in extraction.pages):
        raise DocumentRejete("entretien vide : aucun texte après l'en-tête")
    ignored = sorted(k for k in metadata if k not in KEPT_KEYS | PERSON_KEYS | CONTACT_KEYS)
    return Entretien(extraction, acteur, role, date, territoire, sorted(set(people)), ignored)
