"""The one mechanism of the inbox sensors (documents, comité workbooks): fingerprints against a cursor.

A sensor lists the départements it watches and the fingerprint of each one's files; a département
whose fingerprint differs from the one in the cursor gets a run request (its key carries the
fingerprint, so a file put back as it was is not run twice) and the cursor keeps the new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

__all__ = ["capteur", "demandes_si_changement"]


def capteur(nom: str, job, description: str):
    """The decorator of an inbox sensor of ``job`` (a job definition, resolved or not): every minute,
    stopped until an operator starts it."""
    return sensor(
        name=nom,
        job=job,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.STOPPED,
        description=description,
    )


def demandes_si_changement(
    context: SensorEvaluationContext,
    codes: Iterable[str],
    empreinte: Callable[[str], str],
    prefixe: str,
    tags: dict[str, str],
    rien: str,
) -> SensorResult:
    """One run request per département of ``codes`` whose ``empreinte(code)`` differs from the cursor.

    ``prefixe`` starts the run keys (``<prefixe>-<code>-<16 hex>``), ``tags`` go on every request,
    ``rien`` is the skip reason shown when nothing changed.
    """
    curseur: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    demandes: list[RunRequest] = []
    for code in codes:
        valeur = empreinte(code)
        if curseur.get(code) != valeur:
            curseur[code] = valeur
            cle = f"{prefixe}-{code}-{valeur[:16]}"
            demandes.append(RunRequest(run_key=cle, partition_key=code, tags=tags))
    nouveau = json.dumps(curseur, sort_keys=True)
    if not demandes:
        return SensorResult(skip_reason=SkipReason(rien), cursor=nouveau)
    return SensorResult(run_requests=demandes, cursor=nouveau)
