"""Configuration checked before ``pacte build`` runs its first asset (issue 15 point 6).

A wrong value in a configuration file used to surface minutes into a build, after some files
for people had been rewritten. :func:`verifier_configuration` reads, in about a second and
without touching the warehouse or the output folder:

- the priority weights (``config/priorites.yml`` or ``PACTE_PRIORITES``), with their validation
  in :mod:`socle.ponderations`;
- the templates of the report, the committee sheets, the dictionary and the network page
  (Jinja syntax);
- the curated registry (``registre/<département>/*.csv``): folder names are département codes,
  each file has its required columns;
- the thresholds of ``dbt_project.yml`` the Python steps read (delivery gate, located share).

It returns the problems as French lines, each naming the file, the key and the value.
"""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["verifier_configuration"]


def _ponderations() -> list[str]:
    from socle.ponderations import PonderationsError, load_ponderations

    try:
        load_ponderations()
    except PonderationsError as exc:
        return [f"pondérations des priorités : {exc.en_francais()}"]
    return []


def _gabarits(racine: Path) -> list[str]:
    from jinja2 import Environment, TemplateSyntaxError

    env = Environment()
    problemes = []
    for dossier in (racine / "rapport" / "templates", racine / "graph" / "templates"):
        for chemin in sorted(dossier.glob("*.html")):
            try:
                env.parse(chemin.read_text(encoding="utf-8"))
            except (TemplateSyntaxError, UnicodeDecodeError, OSError) as exc:
                ligne = getattr(exc, "lineno", None)
                ou = f", ligne {ligne}" if ligne else ""
                detail = getattr(exc, "message", None) or str(exc)
                problemes.append(f"gabarit {chemin.relative_to(racine)}{ou} : syntaxe invalide ({detail})")
    return problemes


def _registre(racine: Path) -> list[str]:
    from graph.registre import FILES
    from ingest.core import FieldError, normalise_departement_code

    problemes = []
    if not racine.exists():
        return problemes
    for dossier in sorted(p for p in racine.iterdir() if p.is_dir()):
        try:
            if normalise_departement_code(dossier.name) != dossier.name:
                raise FieldError(dossier.name)
        except FieldError:
            problemes.append(f"registre : dossier {dossier} : « {dossier.name} » n'est pas un code de "
                             "département (ex. 93, 2A, 974)")
            continue
        for nom, spec in FILES.items():
            chemin = dossier / nom
            if not chemin.is_file():
                continue
            try:
                with open(chemin, encoding=spec.encoding, newline="") as handle:
                    entete = [h.strip() for h in next(csv.reader(handle, delimiter=spec.sep), [])]
            except (UnicodeDecodeError, OSError, csv.Error) as exc:
                problemes.append(f"registre : fichier {chemin} illisible ({exc})")
                continue
            manquantes = [c.source for c in spec.columns if c.required and c.source not in entete]
            if manquantes:
                problemes.append(f"registre : fichier {chemin}, ligne 1 : colonne(s) obligatoire(s) "
                                 "absente(s) : " + ", ".join(manquantes))
    return problemes


def _seuils() -> list[str]:
    import yaml

    from socle.settings import DBT_PROJECT_DIR

    fichier = DBT_PROJECT_DIR / "dbt_project.yml"
    try:
        variables = (yaml.safe_load(fichier.read_text(encoding="utf-8")) or {}).get("vars") or {}
    except (OSError, yaml.YAMLError) as exc:
        return [f"fichier {fichier} illisible ({exc})"]
    problemes = []
    for cle in ("chargement_perte_maximale", "offre_part_localisee_minimum"):
        if cle not in variables:
            problemes.append(f"fichier {fichier}, clé « vars.{cle} » absente, "
                             "attendu : un nombre entre 0 et 1")
            continue
        valeur = variables[cle]
        if isinstance(valeur, bool) or not isinstance(valeur, int | float) or not 0 <= valeur <= 1:
            problemes.append(f"fichier {fichier}, clé « vars.{cle} » : valeur « {valeur} » refusée, "
                             "attendu : un nombre entre 0 et 1")
    return problemes


def verifier_configuration(racine: Path | None = None) -> list[str]:
    """Every configuration problem found (French, one line each); empty when all is valid.

    ``racine``: the checkout whose templates and registry are read (default: this one; the registry
    is the folder :data:`orchestration.assets.raw_graph.REGISTRE_ROOT` reads, without importing Dagster).
    """
    from socle.settings import REPO_ROOT

    racine = Path(racine or REPO_ROOT)
    return [*_ponderations(), *_seuils(), *_gabarits(racine), *_registre(racine / "registre")]
