"""One writer at a time: the instance config that ``pacte`` installs queues the runs that write.

The instance is built from the very ``dagster.yaml`` that ``pacte`` copies into ``DAGSTER_HOME``
(``config/dagster.yaml``), with a recording run launcher in place of the subprocess one, and the
queue is worked by Dagster's own daemon iteration (the one ``dagster dev`` runs): what launches
is decided by the runs' states, never by a clock. No process is started.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from orchestration import cli
from socle.settings import DAGSTER_CONFIG


class _Workspace:
    """The two things the queue daemon asks of a workspace process context."""

    def __init__(self, instance):
        self.instance = instance

    def create_request_context(self):
        return None  # the recording launcher does not look at the workspace


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance on the config ``pacte`` writes into a fresh DAGSTER_HOME."""
    from dagster._core.test_utils import instance_for_test

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = cli._dagster_home()
    config = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    config["run_launcher"] = {"module": "dagster._core.test_utils", "class": "MockedRunLauncher"}
    (tmp_path / "instance").mkdir()
    with instance_for_test(overrides=config, temp_dir=str(tmp_path / "instance")) as inst:
        yield inst


def _work_the_queue(instance) -> None:
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

    with QueuedRunCoordinatorDaemon(interval_seconds=1) as daemon:
        list(daemon.run_iteration(_Workspace(instance)))


def _submit(instance, tags: dict[str, str]):
    from dagster._core.remote_origin import (
        RegisteredCodeLocationOrigin,
        RemoteJobOrigin,
        RemoteRepositoryOrigin,
    )
    from dagster._core.run_coordinator import SubmitRunContext
    from dagster._core.test_utils import create_run_for_test

    origin = RemoteJobOrigin(
        RemoteRepositoryOrigin(RegisteredCodeLocationOrigin("orchestration.definitions"), "__repository__"),
        "diagnostic",
    )
    run = create_run_for_test(instance, job_name="diagnostic", tags=tags, remote_job_origin=origin)
    return instance.run_coordinator.submit_run(SubmitRunContext(run, workspace=None))


def _statuses(instance, runs) -> list[str]:
    return [instance.get_run_by_id(run.run_id).status.value for run in runs]


def test_pacte_installs_the_queue_and_replaces_its_old_config(tmp_path, monkeypatch):
    from dagster import DagsterInstance
    from dagster._core.run_coordinator import QueuedRunCoordinator

    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(cli._OLD_GENERATED_CONFIG, encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    cli._dagster_home()
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == DAGSTER_CONFIG.read_text(encoding="utf-8")
    with DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 1
        limits = {(lim["key"], lim.get("value")): lim["limit"] for lim in queue.tag_concurrency_limits}
    from orchestration.assets.registry import ECRITURE

    assert {limits[(key, value)] for key, value in ECRITURE.items()} == {1}
    # an operator's own config is kept
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: true\n", encoding="utf-8")
    cli._dagster_home()
    assert "QueuedRunCoordinator" not in (home / "dagster.yaml").read_text(encoding="utf-8")
    assert os.environ["DAGSTER_HOME"] == str(home)


def test_two_launches_that_write_the_warehouse_queue_instead_of_racing(instance):
    from orchestration.assets.registry import ECRITURE, diagnostic_job

    assert ECRITURE.items() <= diagnostic_job.tags.items()  # every run of the job carries the writer tag
    first = _submit(instance, {**diagnostic_job.tags, "dagster/partition": "93"})
    second = _submit(instance, {**diagnostic_job.tags, "dagster/partition": "974"})
    assert _statuses(instance, [first, second]) == ["QUEUED", "QUEUED"]  # submitting launches nothing

    _work_the_queue(instance)
    assert _statuses(instance, [first, second]) == ["STARTING", "QUEUED"]
    assert [run.run_id for run in instance.run_launcher.queue()] == [first.run_id]

    _work_the_queue(instance)  # the first one still writes: the second keeps waiting
    assert _statuses(instance, [first, second]) == ["STARTING", "QUEUED"]

    instance.report_run_failed(instance.get_run_by_id(first.run_id))  # the first one ends
    _work_the_queue(instance)
    assert _statuses(instance, [first, second]) == ["FAILURE", "STARTING"]
    assert [run.run_id for run in instance.run_launcher.queue()] == [first.run_id, second.run_id]


def test_the_schedule_over_several_departements_queues_its_runs(instance, data_dir, monkeypatch):
    from dagster import build_schedule_context

    from orchestration.assets.registry import diagnostic_job, monthly_refresh

    monkeypatch.setenv("PACTE_DEPARTEMENTS", "93,2A,974")
    requests = list(monthly_refresh(build_schedule_context(scheduled_execution_time=_first_of_month())))
    assert [r.partition_key for r in requests] == ["93", "2A", "974"]
    runs = [_submit(instance, {**diagnostic_job.tags, **r.tags}) for r in requests]
    _work_the_queue(instance)
    assert _statuses(instance, runs) == ["STARTING", "QUEUED", "QUEUED"]
    for position in range(1, 3):
        instance.report_run_failed(instance.get_run_by_id(runs[position - 1].run_id))
        _work_the_queue(instance)
        assert _statuses(instance, runs)[position] == "STARTING"
        assert _statuses(instance, runs)[position + 1 :] == ["QUEUED"] * (2 - position)


def _first_of_month():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(2026, 12, 1, 4, tzinfo=ZoneInfo("Europe/Paris"))


def test_no_dagster_yaml_in_the_repository_but_the_projects(tmp_path):
    """One place declares the instance: config/dagster.yaml (a second copy would drift)."""
    root = Path(__file__).resolve().parents[2]
    found = [
        p.relative_to(root).as_posix()
        for p in root.rglob("dagster.yaml")
        if not ({".venv", ".dagster", "data", "output"} & set(p.relative_to(root).parts))
    ]
    assert found == ["config/dagster.yaml"]


def test_pacte_build_waits_for_no_writer_and_closes_the_run_of_a_killed_build(instance):
    import subprocess
    import sys

    from dagster import DagsterRunStatus
    from dagster._core.test_utils import create_run_for_test

    from orchestration.assets.registry import ECRITURE

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        ended.wait()
    finally:
        if ended.poll() is None:
            ended.kill()
    killed = create_run_for_test(
        instance, job_name="diagnostic", status=DagsterRunStatus.STARTED,
        tags={**ECRITURE, cli.PID_TAG: str(ended.pid), "dagster/partition": "93"},
    )
    assert cli.autre_ecriture_en_cours(instance) == ""
    assert instance.get_run_by_id(killed.run_id).status == DagsterRunStatus.FAILURE

    create_run_for_test(
        instance, job_name="diagnostic", status=DagsterRunStatus.STARTED,
        tags={**ECRITURE, "dagster/partition": "974"},  # launched from the interface: no pid
    )
    message = cli.autre_ecriture_en_cours(instance)
    assert "une autre exécution écrit déjà l'entrepôt (construction du département 974)" in message


def test_a_run_of_a_departement_carries_its_name(data_dir):
    from dagster import Definitions, asset

    from orchestration.assets.registry import DEPARTEMENT_TAG, diagnostic_job
    from orchestration.partitions import departement_partitions

    @asset(partitions_def=departement_partitions)
    def etape():
        return None

    job = Definitions(assets=[etape], jobs=[diagnostic_job]).resolve_job_def("diagnostic")
    assert job.get_tags_for_partition_key("93", None)[DEPARTEMENT_TAG] == "Seine-Saint-Denis (93)"
    assert job.get_tags_for_partition_key("2A", None)[DEPARTEMENT_TAG] == "Corse-du-Sud (2A)"
    # as pacte build runs it: its own logger config and its pid tag beside the job's tags
    result = job.execute_in_process(
        partition_key="974",
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        tags={cli.PID_TAG: "1"},
    )
    tags = result.dagster_run.tags
    assert tags[DEPARTEMENT_TAG] == "La Réunion (974)" and tags[cli.PID_TAG] == "1"
    assert tags["pacte/entrepot"] == "ecriture"


def test_pacte_ui_closes_the_runs_its_previous_stop_interrupted(instance):
    """A run launched from the interface runs in its process group: once the UI is stopped, a run
    left « started » is dead and would hold the queue; a live pacte build is left alone."""
    from dagster import DagsterRunStatus
    from dagster._core.test_utils import create_run_for_test

    from orchestration.assets.registry import ECRITURE

    left = create_run_for_test(instance, job_name="diagnostic", status=DagsterRunStatus.STARTED,
                               tags={**ECRITURE, "dagster/partition": "93"})
    alive = create_run_for_test(instance, job_name="diagnostic", status=DagsterRunStatus.STARTED,
                                tags={**ECRITURE, cli.PID_TAG: str(os.getpid())})
    assert cli.clore_executions_interrompues(instance) == [left.run_id]
    assert instance.get_run_by_id(left.run_id).status == DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(alive.run_id).status == DagsterRunStatus.STARTED
