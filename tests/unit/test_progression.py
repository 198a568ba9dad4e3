"""The progress display of ``pacte build``: a bar with the steps done out of the total and the
running stage in French, fed by the run's events (a fake instance here, a terminal console)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from rich.console import Console

from orchestration.progression import Progression


class _Instance:
    """Answers ``all_logs`` with the events given, as Dagster's instance does for one run."""

    def __init__(self, events: list[tuple[str, str]]):
        self.events = events

    def all_logs(self, run_id, of_type=None):
        return [
            SimpleNamespace(dagster_event=SimpleNamespace(event_type_value=kind, step_key=step))
            for kind, step in self.events
        ]


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
