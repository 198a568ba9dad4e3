"""The weights of the priority score: one documented YAML file, validated, passed to dbt as vars.

The user edits ``config/priorites.yml`` (or the file named by ``PACTE_PRIORITES``); the Dagster
asset that builds ``marts.priorites`` reads it with :func:`load_ponderations` and passes
:func:`dbt_vars` to ``dbt build --vars``. An invalid value stops the build with a message naming
the file and the key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from socle.settings import priorites_path

__all__ = [
    "DEFAULT_PATH",
    "PonderationsError",
    "config_path",
    "load_ponderations",
    "validate_ponderations",
    "dbt_vars",
    "dbt_vars_argument",
]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "config" / "priorites.yml"
_CODE = re.compile(r"^[a-z0-9_]+$")


_ABSENTE = object()


class PonderationsError(ValueError):
    """An invalid weights file; the message names the file and the key.

    ``fichier``, ``cle``, ``valeur`` and ``attendu`` (French) say the same for people:
    :meth:`en_francais` is what ``pacte build`` prints before anything runs.

    >>> print(PonderationsError("x", fichier="config/priorites.yml", cle="besoin.exposant",
    ...                         valeur="beaucoup", attendu="un nombre").en_francais())
    fichier config/priorites.yml, clé « besoin.exposant » : valeur « beaucoup » refusée, attendu : un nombre
    """

    def __init__(self, message: str, fichier: str = "", cle: str = "", valeur: Any = _ABSENTE,
                 attendu: str = ""):
        super().__init__(message)
        self.fichier, self.cle, self.valeur, self.attendu = fichier, cle, valeur, attendu

    def en_francais(self) -> str:
        """The error for people: file, key, value and what is expected."""
        if not self.cle:
            return f"fichier {self.fichier} : {self.attendu or self}"
        if self.valeur is _ABSENTE:
            return f"fichier {self.fichier}, clé « {self.cle} » absente, attendu : {self.attendu}"
        return (f"fichier {self.fichier}, clé « {self.cle} » : valeur « {self.valeur} » refusée, "
                f"attendu : {self.attendu}")


def _bornes(low: float | None, high: float | None) -> str:
    def nombre(x: float) -> str:
        return f"{x:g}".replace(".", ",")

    if low is not None and high is not None:
        return f"un nombre entre {nombre(low)} et {nombre(high)}"
    if low is not None:
        return f"un nombre supérieur ou égal à {nombre(low)}"
    return "un nombre"


def config_path() -> Path:
    """The weights file: ``PACTE_PRIORITES`` when set, else ``config/priorites.yml``."""
    return priorites_path(DEFAULT_PATH)


def _number(
    config: dict, section: str, key: str, where: str, low: float | None = None, high: float | None = None
) -> float:
    block = config.get(section)
    cle, attendu = f"{section}.{key}", _bornes(low, high)
    if not isinstance(block, dict) or key not in block:
        raise PonderationsError(f"{where}: missing key {section}.{key}", where, cle, attendu=attendu)
    value = block[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PonderationsError(f"{where}: {section}.{key} must be a number, not {value!r}", where, cle,
                                value, attendu)
    if (low is not None and value < low) or (high is not None and value > high):
        raise PonderationsError(f"{where}: {section}.{key} = {value} is outside [{low}, {high}]", where, cle,
                                value, attendu)
    return float(value)


def validate_ponderations(config: Any, where: str = "priorites.yml") -> dict[str, Any]:
    """Check a parsed weights file and return it normalised (numbers as floats).

    Parameters
    ----------
    config : Any
        The parsed YAML document.
    where : str
        Name of the file, for error messages.

    Returns
    -------
    dict
        Keys ``besoin``, ``ecart_offre``, ``coordination``, ``publics_prioritaires``, ``pistes``.

    Raises
    ------
    PonderationsError
        On any missing or invalid value.

    Examples
    --------
    >>> cfg = validate_ponderations(yaml.safe_load(DEFAULT_PATH.read_text()))
    >>> cfg["coordination"]["si_absente"] in {"neutre", "insuffisant"}
    True
    >>> validate_ponderations({"besoin": {"exposant": "x"}})
    Traceback (most recent call last):
    ...
    socle.ponderations.PonderationsError: priorites.yml: besoin.exposant must be a number, not 'x'
    """
    if not isinstance(config, dict):
        raise PonderationsError(f"{where}: the file must be a YAML mapping", where,
                                attendu="le fichier doit être un dictionnaire YAML (clé: valeur)")
    out: dict[str, Any] = {
        "besoin": {
            "exposant": _number(config, "besoin", "exposant", where, 0, 5),
            "composantes_minimum": int(_number(config, "besoin", "composantes_minimum", where, 0, 100)),
        },
        "ecart_offre": {
            "exposant": _number(config, "ecart_offre", "exposant", where, 0, 5),
            "plancher_indice_offre": _number(config, "ecart_offre", "plancher_indice_offre", where, 0.001),
            "minimum": _number(config, "ecart_offre", "minimum", where, 0),
            "maximum": _number(config, "ecart_offre", "maximum", where, 0),
        },
        "coordination": {"poids": _number(config, "coordination", "poids", where, 0, 10)},
        "pistes": {
            "par_axe": int(_number(config, "pistes", "par_axe", where, 1, 50)),
            "territoires_max": int(_number(config, "pistes", "territoires_max", where, 1, 50)),
            "acteurs_max": int(_number(config, "pistes", "acteurs_max", where, 1, 20)),
            "preuves_max": int(_number(config, "pistes", "preuves_max", where, 1, 100)),
        },
    }
    if out["ecart_offre"]["minimum"] > out["ecart_offre"]["maximum"]:
        raise PonderationsError(f"{where}: ecart_offre.minimum is greater than ecart_offre.maximum", where,
                                "ecart_offre.minimum", config["ecart_offre"]["minimum"],
                                "une valeur inférieure ou égale à ecart_offre.maximum")
    for section in ("coordination", "ecart_offre"):
        si_absente = config[section].get("si_absente", "neutre")
        if si_absente not in {"neutre", "insuffisant"}:
            raise PonderationsError(
                f"{where}: {section}.si_absente must be 'neutre' or 'insuffisant', not {si_absente!r}",
                where, f"{section}.si_absente", si_absente, "« neutre » ou « insuffisant »"
            )
        out[section]["si_absente"] = si_absente
    publics = config.get("publics_prioritaires", [])
    if not isinstance(publics, list):
        raise PonderationsError(f"{where}: publics_prioritaires must be a list", where,
                                "publics_prioritaires", publics, "une liste")
    seen: set[str] = set()
    out["publics_prioritaires"] = []
    for index, item in enumerate(publics):
        label = f"publics_prioritaires[{index}]"
        if not isinstance(item, dict):
            raise PonderationsError(f"{where}: {label} must be a mapping", where, label, item,
                                    "un dictionnaire (code, libelle, indicateur, poids)")
        for key in ("code", "libelle", "indicateur", "poids"):
            if key not in item:
                raise PonderationsError(f"{where}: {label}.{key} is missing", where, f"{label}.{key}",
                                        attendu="une valeur")
        code, indicateur = str(item["code"]), str(item["indicateur"])
        if not _CODE.match(code) or not _CODE.match(indicateur):
            raise PonderationsError(
                f"{where}: {label}: code and indicateur must be lower-case codes ([a-z0-9_]), "
                f"not {code!r} / {indicateur!r}",
                where, f"{label}.code / indicateur", f"{code} / {indicateur}",
                "des codes en minuscules (lettres, chiffres, _)"
            )
        if code in seen:
            raise PonderationsError(f"{where}: {label}: code {code!r} appears twice", where, f"{label}.code",
                                    code, "un code qui n'apparaît qu'une fois")
        seen.add(code)
        weight = item["poids"]
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 10:
            raise PonderationsError(f"{where}: {label}.poids must be a number in [0, 10], not {weight!r}",
                                    where, f"{label}.poids", weight, _bornes(0, 10))
        out["publics_prioritaires"].append(
            {"code": code, "libelle": str(item["libelle"]), "indicateur": indicateur, "poids": float(weight)}
        )
    return out


def load_ponderations(path: Path | None = None) -> dict[str, Any]:
    """Read and validate the weights file (default :func:`config_path`)."""
    path = Path(path) if path else config_path()
    if not path.exists():
        raise PonderationsError(f"weights file not found: {path}", str(path), attendu="fichier introuvable")
    try:
        parsed = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PonderationsError(f"{path}: not valid YAML: {exc}", str(path),
                                attendu=f"YAML illisible : {exc}") from exc
    return validate_ponderations(parsed, where=str(path))


def dbt_vars(config: dict[str, Any]) -> dict[str, Any]:
    """The dbt vars carrying the weights (``var('priorites')`` in the models).

    Examples
    --------
    >>> v = dbt_vars(load_ponderations(DEFAULT_PATH))
    >>> sorted(v)
    ['priorites']
    """
    return {"priorites": config}


def dbt_vars_argument(config: dict[str, Any]) -> list[str]:
    """``["--vars", "<json>"]`` for the dbt command line."""
    return ["--vars", json.dumps(dbt_vars(config), ensure_ascii=False)]
