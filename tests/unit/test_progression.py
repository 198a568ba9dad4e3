"""The progress display of ``pacte build``: a bar with the steps done out of the total and the
running stage in French, fed by the run's events (a fake instance here, a terminal console)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from rich.console import Console

from orchestration.progression import Progression


class _Instance:
    """Answers ``get_records_for_run`` with the events given, as Dagster's instance does for one run:
    those after the cursor, at most ``limit`` of them, with the cursor of the last one."""

    def __init__(self, events: list[tuple[str, str]], limit: int = 1000):
        self.events = events
        self.limit = limit
        self.read = 0  # events handed out, to show that none is read twice

    def get_records_for_run(self, run_id, cursor=None, of_type=None):
        start = int(cursor or 0)
        lot = self.events[start : start + self.limit]
        self.read += len(lot)
        records = [
            SimpleNamespace(
                event_log_entry=SimpleNamespace(
                    dagster_event=SimpleNamespace(event_type_value=kind, step_key=step)
                )
            )
            for kind, step in lot
        ]
        end = start + len(lot)
        return SimpleNamespace(records=records, cursor=str(end), has_more=end < len(self.events))


def test_the_bar_shows_steps_done_out_of_the_total_and_the_running_stage_in_french():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    instance = _Instance(
        [
            ("STEP_START", "raw__cog_communes"),
            ("STEP_SUCCESS", "raw__cog_communes"),
            ("STEP_START", "pacte_dbt_models"),
        ]
    )
    with Progression(instance, "run", total=40, console=console, interval=3600) as progression:
        progression._refresh()  # what the reading thread does twice a second
        progression._progress.refresh()
    shown = screen.getvalue()
    assert "1/40" in shown and "étapes" in shown
    assert "Calcul des indicateurs, de l'offre et des écarts" in shown
    assert "pacte_dbt_models" not in shown  # a step key is an identifier, not for people


def test_the_bar_says_finished_when_every_started_step_ended():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    instance = _Instance(
        [("STEP_START", "a"), ("STEP_SUCCESS", "a"), ("STEP_START", "b"), ("STEP_FAILURE", "b")]
    )
    with Progression(instance, "run", total=2, console=console, interval=3600) as progression:
        progression._refresh()
        progression._progress.refresh()
    assert "Terminé" in screen.getvalue() and "2/2" in screen.getvalue()


def test_each_refresh_reads_only_the_events_stored_since_the_last_one():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    instance = _Instance([("STEP_START", "a"), ("STEP_SUCCESS", "a"), ("STEP_START", "b")], limit=2)
    with Progression(instance, "run", total=3, console=console, interval=3600) as progression:
        progression._refresh()  # two reads of at most 2 events
        assert instance.read == 3
        instance.events += [("STEP_SUCCESS", "b"), ("STEP_START", "c")]
        progression._refresh()
        assert instance.read == 5  # only the two new ones
        progression._progress.refresh()
        assert "2/3" in screen.getvalue()
