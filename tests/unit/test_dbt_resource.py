"""The dbt resource skips dagster-dbt's `dbt --version` subprocess and its unused in-process adapter."""

from __future__ import annotations

from importlib.metadata import version

from dagster_dbt import DbtCliResource


def test_dbt_resource_reads_the_installed_version_and_builds_no_adapter(monkeypatch):
    import dagster_dbt.core.resource as dbt_resource_module

    from orchestration.resources import default_resources

    resource = default_resources()["dbt"]
    assert isinstance(resource, DbtCliResource)
    # the hooks overridden must still exist in dagster-dbt, or the override silently does nothing
    assert "_cli_version" in vars(DbtCliResource) and "_initialize_dbt_core_adapter" in vars(DbtCliResource)

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"unexpected subprocess {args}")

    monkeypatch.setattr(dbt_resource_module, "check_output", no_subprocess)
    assert str(resource._cli_version) == version("dbt-core")
    assert resource._initialize_dbt_core_adapter(["build"]) is None
