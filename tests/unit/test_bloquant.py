"""A failing blocking check fails its step with the check's reason (orchestration/assets/_bloquant.py)."""

from __future__ import annotations

import pytest
from dagster import AssetCheckKey, AssetCheckResult, AssetCheckSeverity, AssetKey, Failure

from orchestration.assets._bloquant import avec_motifs

KEY = AssetCheckKey(AssetKey(["marts", "territoires"]), "communes_par_departement_comme_le_cog")
DESCRIPTION = "Chaque département compte autant de communes que le COG 2026."


def _dbt_like(passed: bool, severity=AssetCheckSeverity.ERROR, name=KEY.name):
    """Events as dagster-dbt yields them: a result without description, the failed rows counted,
    then dbt's non-zero exit status as an error."""
    yield AssetCheckResult(asset_key=KEY.asset_key, check_name=name, passed=passed, severity=severity,
                           metadata={"dagster_dbt/failed_row_count": 2})
    if not passed:
        raise RuntimeError("The dbt CLI process failed with exit code 1")


def test_a_failing_blocking_dbt_test_fails_the_step_with_what_it_verifies():
    events = []
    with pytest.raises(Failure) as raised:
        for event in avec_motifs(_dbt_like(False), {KEY: DESCRIPTION}):
            events.append(event)
    assert len(events) == 1 and not events[0].passed  # the check's result is recorded first
    assert raised.value.description == (
        "Contrôle bloquant en échec : les étapes qui en dépendent ne sont pas lancées.\n"
        f"- {DESCRIPTION} (2 lignes en échec)"
    )
    assert isinstance(raised.value.__cause__, RuntimeError)


def test_a_warning_or_a_non_blocking_check_does_not_fail_the_step_by_itself():
    warned = list(avec_motifs(_dbt_like(True, AssetCheckSeverity.WARN), {KEY: DESCRIPTION}))
    assert len(warned) == 1
    with pytest.raises(RuntimeError):  # dbt's own error stays when no blocking check explains it
        list(avec_motifs(_dbt_like(False, name="autre_test"), {KEY: DESCRIPTION}))
