"""User questionnaires: CSV exports (one row per respondent) and their column mapping.

The folder ``<inbox>/<code>/questionnaires/`` holds the CSV files and one mapping file,
``mapping.yml``::

    enquete_usagers_2025.csv:          # file name ("*" = every file of the folder)
      separateur: ";"                   # optional (detected otherwise)
      echelle_satisfaction: "1-5"       # optional, for numeric answers (default 1-5)
      colonnes:
        "Nom": nom                      # identifying: never stored
        "Prénom": prenom
        "Courriel": email
        "Téléphone": telephone
        "Commune de résidence": territoire
        "Dispositif concerné": dispositif
        "Connaissez-vous ce dispositif ?": connaissance
        "L'avez-vous utilisé ?": utilisation
        "Êtes-vous satisfait(e) ?": satisfaction
        "Pourquoi ne l'avez-vous pas utilisé ?": raisons_non_recours
        "Commentaire": texte_libre

or ``mapping.csv`` with columns ``fichier;colonne;role``. Roles: identifying
(:data:`IDENTIFYING_ROLES`), dimensions (``dispositif``, ``axe``, ``domaine``, ``territoire``),
measures (``connaissance``, ``utilisation``, ``satisfaction``, ``raisons_non_recours``),
``texte_libre`` (kept, pseudonymised) and ``ignorer``. A column the mapping does not name
is not stored (privacy by default) and noted in the quarantine.

Identifying values are used only to build the respondent's pseudonym and to clean the
free texts (the names of every respondent of the file are replaced in all rows).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ingest.core import QuarantineRow
from ingest.documents.extraction import decode_text
from ingest.documents.lexiques import Lexicon
from ingest.documents.pseudonymisation import EMAIL, PHONE, Pseudonymiser
from ingest.documents.texte import fold, fold_key

__all__ = [
    "IDENTIFYING_ROLES",
    "ROLES",
    "MappingError",
    "FileMapping",
    "read_mapping",
    "read_questionnaire",
    "parse_yes_no",
    "parse_satisfaction",
    "QUESTIONNAIRE_COLUMNS",
]

IDENTIFYING_ROLES = {
    "nom",
    "prenom",
    "nom_complet",
    "email",
    "telephone",
    "identifiant",
    "adresse",
    "date_naissance",
}
DIMENSION_ROLES = {"dispositif", "axe", "domaine", "territoire"}
MEASURE_ROLES = {"connaissance", "utilisation", "satisfaction", "raisons_non_recours"}
ROLES = IDENTIFYING_ROLES | DIMENSION_ROLES | MEASURE_ROLES | {"texte_libre", "ignorer"}
TABLE = "questionnaires_reponses"

QUESTIONNAIRE_COLUMNS = [
    "code_departement",
    "id_questionnaire",
    "fichier",
    "ligne",
    "id_repondant",
    "dispositif_reponse",
    "code_dispositif",
    "code_axe",
    "code_domaine",
    "territoire_reponse",
    "niveau_territoire",
    "code_territoire",
    "libelle_territoire",
    "connaissance",
    "utilisation",
    "satisfaction_reponse",
    "satisfait",
    "note_satisfaction",
    "raisons_non_recours",
    "texte_libre",
]

_UNKNOWN = {
    "",
    "-",
    "nsp",
    "ne sait pas",
    "je ne sais pas",
    "ne se prononce pas",
    "sans reponse",
    "nr",
    "na",
    "n/a",
    "non renseigne",
    "sans objet",
    "?",
}
_YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x", "ok"}
_NO = {"non", "n", "no", "0", "faux", "false", "jamais"}
_SATISFIED = {
    "tres satisfait",
    "satisfait",
    "plutot satisfait",
    "tres content",
    "content",
    "plutot content",
    "tres bien",
    "bien",
    "excellent",
    "bon",
    "tout a fait satisfait",
}
_UNSATISFIED = {
    "peu satisfait",
    "plutot pas satisfait",
    "pas satisfait",
    "pas du tout satisfait",
    "insatisfait",
    "tres insatisfait",
    "mecontent",
    "tres mecontent",
    "mauvais",
    "tres mauvais",
    "plutot insatisfait",
    "pas content",
}
_NEUTRAL = {"moyennement satisfait", "ni satisfait ni insatisfait", "neutre", "moyen", "passable"}


class MappingError(ValueError):
    """A mapping file that cannot be used (file, line or key in the message)."""


@dataclass
class FileMapping:
    columns: dict[str, str]
    separator: str | None = None
    encoding: str | None = None
    scale: tuple[float, float] = (1.0, 5.0)
    source: str = ""


@dataclass
class QuestionnaireResult:
    frame: pd.DataFrame
    quarantine: list[QuarantineRow] = field(default_factory=list)
    nb_lignes: int = 0
    colonnes_ignorees: list[str] = field(default_factory=list)


def _scale(value: object, where: str) -> tuple[float, float]:
    if value is None:
        return (1.0, 5.0)
    match = re.fullmatch(r"\s*(\d+)\s*[-–à]\s*(\d+)\s*", str(value))
    if not match or float(match.group(1)) >= float(match.group(2)):
        raise MappingError(f"{where}: echelle_satisfaction must look like '1-5' or '0-10', not {value!r}")
    return float(match.group(1)), float(match.group(2))


def _clean_role(role: object, where: str) -> str:
    text = fold_key(str(role or "")).replace(" ", "_").replace("-", "_")
    aliases = {
        "prenom": "prenom",
        "courriel": "email",
        "mail": "email",
        "e_mail": "email",
        "tel": "telephone",
        "telephone": "telephone",
        "raisons": "raisons_non_recours",
        "non_recours": "raisons_non_recours",
        "commentaire": "texte_libre",
        "libre": "texte_libre",
        "commune": "territoire",
    }
    text = aliases.get(text, text)
    if text not in ROLES:
        raise MappingError(f"{where}: unknown role {role!r} (expected one of {', '.join(sorted(ROLES))})")
    return text


def read_mapping(folder: Path) -> dict[str, FileMapping]:
    """Mappings of a questionnaire folder keyed by file name (``*`` for every file)."""
    folder = Path(folder)
    out: dict[str, FileMapping] = {}
    for name in ("mapping.yml", "mapping.yaml"):
        path = folder / name
        if path.is_symlink():
            raise MappingError(
                f"{path}: lien symbolique refusé (la correspondance doit être un vrai fichier)"
            )
        if not path.exists():
            continue
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise MappingError(f"{path}: invalid YAML ({str(exc).splitlines()[0]})") from exc
        if isinstance(content, dict) and "fichiers" in content:
            content = content["fichiers"] or {}
        if not isinstance(content, dict):
            raise MappingError(f"{path}: expected a mapping 'file name: {{colonnes: ...}}'")
        for file_name, spec in content.items():
            where = f"{path} [{file_name}]"
            if not isinstance(spec, dict):
                raise MappingError(f"{where}: expected keys colonnes, separateur…")
            columns = spec.get("colonnes") or spec.get("columns")
            if not isinstance(columns, dict) or not columns:
                raise MappingError(f"{where}: field colonnes must map each CSV column to a role")
            out[str(file_name)] = FileMapping(
                {str(k).strip(): _clean_role(v, f"{where} colonne {k!r}") for k, v in columns.items()},
                separator=spec.get("separateur") or spec.get("separator"),
                encoding=spec.get("encodage") or spec.get("encoding"),
                scale=_scale(spec.get("echelle_satisfaction"), where),
                source=str(path),
            )
    path = folder / "mapping.csv"
    if path.is_symlink():
        raise MappingError(f"{path}: lien symbolique refusé (la correspondance doit être un vrai fichier)")
    if path.exists():
        text = decode_text(path.read_bytes(), path)
        dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=dialect)
        needed = {"fichier", "colonne", "role"}
        if not needed <= {h.strip().lower() for h in reader.fieldnames or []}:
            raise MappingError(f"{path}: expected columns fichier, colonne, role")
        for row in reader:
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            where = f"{path}:{reader.line_num}"
            if not row.get("fichier") or not row.get("colonne"):
                raise MappingError(f"{where}: empty fichier or colonne")
            mapping = out.setdefault(row["fichier"], FileMapping({}, source=str(path)))
            mapping.columns[row["colonne"]] = _clean_role(row.get("role"), where)
    return out


def parse_yes_no(value: str) -> tuple[bool | None, bool]:
    """(answer, understood) of a yes/no answer.

    Examples
    --------
    >>> parse_yes_no("Oui, souvent"), parse_yes_no("NON"), parse_yes_no("NSP"), parse_yes_no("peut-être")
    ((True, True), (False, True), (None, True), (None, False))
    """
    key = fold_key(value)
    if key in _UNKNOWN:
        return None, True
    first = re.split(r"[\s,;.!(]+", key)[0]
    if key in _YES or first in _YES:
        return True, True
    if key in _NO or first in _NO or key.startswith("pas du tout"):
        return False, True
    return None, False


def parse_satisfaction(value: str, scale: tuple[float, float]) -> tuple[bool | None, float | None, bool]:
    """(satisfied, score 0-1, understood). A score ≥ 0.75 counts as satisfied.

    Examples
    --------
    >>> parse_satisfaction("Très satisfaite", (1, 5))
    (True, 1.0, True)
    >>> parse_satisfaction("2", (1, 5))
    (False, 0.25, True)
    >>> parse_satisfaction("8/10", (1, 5))
    (True, 0.8, True)
    """
    key = fold_key(value)
    key = re.sub(r"\(e\)|\(s\)", "", key)
    key = re.sub(r"(satisfait|content|insatisfait|mecontent)e?s?\b", r"\1", key).strip()
    if key in _UNKNOWN:
        return None, None, True
    fraction = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*/\s*(\d+)", key)
    number = re.fullmatch(r"(\d+(?:[.,]\d+)?)", key)
    if fraction or number:
        raw = float((fraction or number).group(1).replace(",", "."))
        low, high = (0.0, float(fraction.group(2))) if fraction else scale
        if not low <= raw <= high:
            return None, None, False
        score = round((raw - low) / (high - low), 4)
        return score >= 0.75, score, True
    if key in _SATISFIED:
        return True, 1.0 if key.startswith(("tres", "tout", "excellent")) else 0.75, True
    if key in _UNSATISFIED:
        return False, 0.0 if key.startswith(("pas du tout", "tres")) else 0.25, True
    if key in _NEUTRAL:
        return False, 0.5, True
    return None, None, False


def _axis(value: str) -> str | None:
    match = re.fullmatch(r"(?:axe\s*)?a?\s*([1-4])", fold_key(value))
    return f"A{match.group(1)}" if match else None


def _sniff(text: str, wanted: str | None) -> str:
    if wanted:
        return "\t" if wanted in {"\\t", "tab"} else wanted
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"


def _territory(lexicon: Lexicon, value: str) -> tuple[str | None, str | None, str | None]:
    key = fold_key(value)
    if not key:
        return None, None, None
    for entry in lexicon.territory_entries:
        if entry.get("niveau") != "hors_departement" and key in {
            fold_key(entry.alias),
            fold_key(entry.code),
            fold_key(entry.libelle),
        }:
            return entry.get("niveau"), entry.code, entry.libelle
    for match in lexicon.territories.find(fold(value)):
        entry = match.entries[0]
        if entry.get("niveau") != "hors_departement":
            return entry.get("niveau"), entry.code, entry.libelle
    return None, None, None


def read_questionnaire(
    path: Path,
    mapping: FileMapping,
    lexicon: Lexicon,
    pseudo: Pseudonymiser,
    departement: str,
    id_questionnaire: str,
    shown_path: str,
) -> QuestionnaireResult:
    """Read one export; identifying columns feed the pseudonymiser and are dropped."""
    path = Path(path)
    text = (
        decode_text(path.read_bytes(), path)
        if mapping.encoding is None
        else path.read_bytes().decode(mapping.encoding)
    )
    separator = _sniff(text, mapping.separator)
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        return QuestionnaireResult(
            pd.DataFrame(columns=QUESTIONNAIRE_COLUMNS),
            [QuarantineRow(TABLE, shown_path, 0, "", "fichier vide : pas de ligne d'en-tête")],
        )
    roles = {i: mapping.columns.get(name) for i, name in enumerate(header)}
    result = QuestionnaireResult(pd.DataFrame(columns=QUESTIONNAIRE_COLUMNS))
    for i, name in enumerate(header):
        if roles[i] is None and name:
            result.colonnes_ignorees.append(name)
            result.quarantine.append(
                QuarantineRow(
                    TABLE,
                    shown_path,
                    1,
                    pseudo.text(name) or "",
                    "colonne non décrite dans la correspondance des colonnes (mapping) : ignorée, "
                    "rien n'est stocké",
                )
            )
    for name in mapping.columns:
        if name not in header:
            result.quarantine.append(
                QuarantineRow(
                    TABLE,
                    shown_path,
                    1,
                    pseudo.text(name) or "",
                    f"colonne déclarée dans {Path(mapping.source).name} absente de l'en-tête du fichier",
                )
            )
    records: list[tuple[int, list[str]]] = []
    line_no = reader.line_num
    for record in reader:
        start = line_no + 1
        line_no = reader.line_num
        if not record or not any(cell.strip() for cell in record):
            continue
        records.append((start, record))
    result.nb_lignes = len(records)
    # every identifying value of the file is known before any free text is cleaned
    for _, record in records:
        by_role: dict[str, list[str]] = {}
        for i, cell in enumerate(record[: len(header)]):
            if roles.get(i) in IDENTIFYING_ROLES and cell.strip():
                by_role.setdefault(roles[i], []).append(cell.strip())
        for value in by_role.get("nom_complet", []) + by_role.get("identifiant", []):
            if not EMAIL.search(value) and not PHONE.search(value):
                pseudo.add_name(value)
        full = " ".join(by_role.get("prenom", []) + by_role.get("nom", []))
        if full:
            pseudo.add_name(full)
        for role in ("email", "telephone", "adresse", "date_naissance", "identifiant"):
            for value in by_role.get(role, []):
                pseudo.add_literal(value, "COORDONNEES")
    rows: list[dict[str, object]] = []
    for start, record in records:
        if len(record) != len(header):
            result.quarantine.append(
                QuarantineRow(
                    TABLE,
                    shown_path,
                    start,
                    "",
                    f"{len(header)} champs attendus, {len(record)} trouvés",
                    (pseudo.text(separator.join(record)) or "")[:300],
                )
            )
            continue
        cells = {i: record[i].strip() for i in range(len(header))}
        ident = [cells[i] for i, role in roles.items() if role in IDENTIFYING_ROLES and cells[i]]
        emails = [cells[i] for i, role in roles.items() if role == "email" and cells[i]]
        key = emails[0].lower() if emails else " ".join(sorted(fold_key(v) for v in ident))
        respondent = f"REP_{pseudo.digest('repondant', key or f'{id_questionnaire}:{start}')}"
        row: dict[str, object] = {c: None for c in QUESTIONNAIRE_COLUMNS}
        row.update(
            code_departement=departement,
            id_questionnaire=id_questionnaire,
            fichier=shown_path,
            ligne=start,
            id_repondant=respondent,
            raisons_non_recours=[],
        )

        def bad(column: int, reason: str, value: str, line: int = start) -> None:
            result.quarantine.append(
                QuarantineRow(
                    TABLE,
                    shown_path,
                    line,
                    pseudo.text(header[column]) or "",
                    reason,
                    (pseudo.text(value) or "")[:300],
                )
            )

        for i, role in roles.items():
            value = cells[i]
            if role is None or role in IDENTIFYING_ROLES or role == "ignorer" or not value:
                continue
            clean = pseudo.text(value)
            if role == "dispositif":
                row["dispositif_reponse"] = clean
                found = lexicon.dispositifs.find(fold(value))
                if found:
                    entry = found[0].entries[0]
                    row["code_dispositif"] = entry.code
                    row["code_axe"] = row["code_axe"] or entry.get("code_axe") or None
                    row["code_domaine"] = row["code_domaine"] or entry.get("code_domaine") or None
            elif role == "axe":
                axis = _axis(value)
                if axis is None:
                    bad(i, "axe non reconnu (attendu A1 à A4, « axe 2 » ou 2) : ignoré", value)
                row["code_axe"] = axis or row["code_axe"]
            elif role == "domaine":
                row["code_domaine"] = fold_key(value).replace(" ", "_")
            elif role == "territoire":
                row["territoire_reponse"] = clean
                niveau, code, libelle = _territory(lexicon, value)
                row.update(niveau_territoire=niveau, code_territoire=code, libelle_territoire=libelle)
                if code is None:
                    bad(i, "territoire non reconnu dans le département : gardé sans code", value)
            elif role in {"connaissance", "utilisation"}:
                answer, understood = parse_yes_no(value)
                if not understood:
                    bad(i, "réponse oui/non non reconnue : réponse ignorée pour cette question", value)
                row[role] = answer
            elif role == "satisfaction":
                row["satisfaction_reponse"] = clean
                satisfied, score, understood = parse_satisfaction(value, mapping.scale)
                if not understood:
                    bad(i, "niveau de satisfaction non reconnu : réponse ignorée pour cette question", value)
                row["satisfait"], row["note_satisfaction"] = satisfied, score
            elif role == "raisons_non_recours":
                reasons = [re.sub(r"\s+", " ", r).strip(" .") for r in re.split(r"[;|\n]", clean or "")]
                row["raisons_non_recours"] = [r[:1].upper() + r[1:] for r in reasons if r]
            elif role == "texte_libre":
                row["texte_libre"] = clean if not row["texte_libre"] else f"{row['texte_libre']}\n{clean}"
        rows.append(row)
    frame = pd.DataFrame(rows, columns=QUESTIONNAIRE_COLUMNS)
    for column in ("connaissance", "utilisation", "satisfait"):
        frame[column] = frame[column].astype("boolean")
    frame["note_satisfaction"] = pd.to_numeric(frame["note_satisfaction"], errors="coerce").astype("float64")
    frame["ligne"] = frame["ligne"].astype("int64")
    result.frame = frame
    return result
