"""Lead counts per axis of 93, expected from the priorities and found in the leads (shared by the e2e
tests of the priorities and of the report)."""

from __future__ import annotations


def pistes_par_axe(build, condition: str, par_axe: int) -> tuple[list, list]:
    """(expected, found) per axis: one lead per domain of marts.priorites meeting ``condition``, at
    most ``par_axe`` per axis, against the rows of marts.pistes."""
    attendues = build.query(
        "select code_axe, least(count(distinct code_domaine), ?) from marts.priorites "
        f"where code_departement = '93' and {condition} group by all order by 1",
        [par_axe],
    )
    obtenues = build.query(
        "select code_axe, count(*) from marts.pistes where code_departement = '93' group by all order by 1"
    )
    return attendues, obtenues
