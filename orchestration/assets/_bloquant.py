"""A blocking check that fails says why in the run's failure, not only on the check's page.

Dagster stops the assets downstream of a failing blocking check by failing its step with
« N blocking asset checks failed with ERROR severity: <asset>: <check name> » and a stack
trace: the readable reason stays on the check's page. Here the step fails instead with a
:class:`dagster.Failure` whose description is the checks' own French reasons, once their
results are recorded, so the run's page and ``pacte build`` say what went wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from dagster import AssetCheckKey, AssetCheckResult, AssetCheckSeverity, AssetKey, Failure

__all__ = ["avec_motifs", "motif"]

#: Reasons quoted in one failure message; the others are counted.
MOTIFS_MAX = 8


def motif(result: AssetCheckResult, description: str = "") -> str:
    """One failing check in words: its result's reason, else what the check verifies."""
    reason = (result.description or "").strip() or (description or "").strip()
    count = (result.metadata or {}).get("dagster_dbt/failed_row_count")
    if count is not None:
        value = getattr(count, "value", count)
        reason += f" ({value} ligne{'s' if value != 1 else ''} en échec)"
    return reason or (result.check_name or "contrôle")


def avec_motifs(events: Iterable, bloquants: Mapping[AssetCheckKey, str]) -> Iterator:
    """Pass ``events`` through; if a blocking check among them failed, fail the step with the reasons.

    ``bloquants`` maps the key of each blocking check of the step to its description. An error
    raised by ``events`` after a blocking check failed (dbt's exit status) is replaced by the
    reasons, the error kept as the cause.
    """
    failed: list[str] = []
    try:
        for event in events:
            yield event
            if (
                isinstance(event, AssetCheckResult)
                and not event.passed
                and event.severity == AssetCheckSeverity.ERROR
            ):
                key = AssetCheckKey(AssetKey(event.asset_key.path) if event.asset_key else AssetKey([]),
                                    event.check_name or "")
                if key in bloquants or (event.asset_key is None and len(bloquants) == 1):
                    failed.append(motif(event, bloquants.get(key, "")))
    except Exception as exc:
        if failed:
            raise Failure(description=_message(failed), allow_retries=False) from exc
        raise
    if failed:
        raise Failure(description=_message(failed), allow_retries=False)


def _message(failed: list[str]) -> str:
    head = "Contrôle bloquant en échec" if len(failed) == 1 else f"{len(failed)} contrôles bloquants en échec"
    lines = [f"{head} : les étapes qui en dépendent ne sont pas lancées."]
    lines += [f"- {reason}" for reason in failed[:MOTIFS_MAX]]
    if len(failed) > MOTIFS_MAX:
        lines.append(f"- … et {len(failed) - MOTIFS_MAX} autres (voir les contrôles de la page de l'exécution)")
    return "\n".join(lines)
