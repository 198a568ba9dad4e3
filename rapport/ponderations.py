"""The weights of the priority score: one documented YAML file, validated, passed to dbt as vars.

The user edits ``config/priorites.yml`` (or the file named by ``PACTE_PRIORITES``); the Dagster
asset that builds ``marts.priorites`` reads it with :func:`load_ponderations` and passes
:func:`dbt_vars` to ``dbt build --vars``. An invalid value stops the build with a message naming
the file and the key.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import yaml

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


class PonderationsError(ValueError):
    """An invalid weights file; the message names the file and the key."""


def config_path() -> Path:
    """The weights file: ``PACTE_PRIORITES`` when set, else ``config/priorites.yml``."""
    value = os.environ.get("PACTE_PRIORITES")
    return Path(value).resolve() if value else DEFAULT_PATH


def _number(
    config: dict, section: str, key: str, where: str, low: float | None = None, high: float | None = None
) -> float:
    block = config.get(section)
    if not isinstance(block, dict) or key not in block:
        raise PonderationsError(f"{where}: missing key {section}.{key}")
    value = block[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PonderationsError(f"{where}: {section}.{key} must be a number, not {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise PonderationsError(f"{where}: {section}.{key} = {value} is outside [{low}, {high}]")
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
    rapport.ponderations.PonderationsError: priorites.yml: besoin.exposant must be a number, not 'x'
    """
    if not isinstance(config, dict):
        raise PonderationsError(f"{where}: the file must be a YAML mapping")
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
        raise PonderationsError(f"{where}: ecart_offre.minimum is greater than ecart_offre.maximum")
    si_absente = config["coordination"].get("si_absente", "neutre")
    if si_absente not in {"neutre", "insuffisant"}:
        raise PonderationsError(
            f"{where}: coordination.si_absente must be 'neutre' or 'insuffisant', not {si_absente!r}"
        )
    out["coordination"]["si_absente"] = si_absente
    si_absente = config["ecart_offre"].get("si_absente", "neutre")
    if si_absente not in {"neutre", "insuffisant"}:
        raise PonderationsError(
            f"{where}: ecart_offre.si_absente must be 'neutre' or 'insuffisant', not {si_absente!r}"
        )
    out["ecart_offre"]["si_absente"] = si_absente
    publics = config.get("publics_prioritaires", [])
    if not isinstance(publics, list):
        raise PonderationsError(f"{where}: publics_prioritaires must be a list")
    seen: set[str] = set()
    out["publics_prioritaires"] = []
    for index, item in enumerate(publics):
        label = f"publics_prioritaires[{index}]"
        if not isinstance(item, dict):
            raise PonderationsError(f"{where}: {label} must be a mapping")
        for key in ("code", "libelle", "indicateur", "poids"):
            if key not in item:
                raise PonderationsError(f"{where}: {label}.{key} is missing")
        code, indicateur = str(item["code"]), str(item["indicateur"])
        if not _CODE.match(code) or not _CODE.match(indicateur):
            raise PonderationsError(
                f"{where}: {label}: code and indicateur must be lower-case codes ([a-z0-9_]), "
                f"not {code!r} / {indicateur!r}"
            )
        if code in seen:
            raise PonderationsError(f"{where}: {label}: code {code!r} appears twice")
        seen.add(code)
        weight = item["poids"]
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 10:
            raise PonderationsError(f"{where}: {label}.poids must be a number in [0, 10], not {weight!r}")
        out["publics_prioritaires"].append(
            {"code": code, "libelle": str(item["libelle"]), "indicateur": indicateur, "poids": float(weight)}
        )
    return out


def load_ponderations(path: Path | None = None) -> dict[str, Any]:
    """Read and validate the weights file (default :func:`config_path`)."""
    path = Path(path) if path else config_path()
    if not path.exists():
        raise PonderationsError(f"weights file not found: {path}")
    try:
        parsed = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PonderationsError(f"{path}: not valid YAML: {exc}") from exc
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
