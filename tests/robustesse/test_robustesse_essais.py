"""docs/fiabilite.md keeps every trial of issue 15 with the test that keeps it: at least 25 kinds, each row
with an expected and an observed outcome, and every test it names exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "fiabilite.md"


def _rows() -> list[list[str]]:
    rows = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].isdigit():
            rows.append(cells)
    return rows


def test_at_least_25_kinds_of_trials_each_with_expected_observed_and_a_test():
    rows = _rows()
    assert len(rows) >= 25
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    for number, trial, expected, observed, test in rows:
        assert trial and expected and observed, number
        assert "tests/" in test or "benchmark" in test or test.startswith("pending:"), number


def test_every_test_named_exists():
    named = [ref for row in _rows() for ref in re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", row[4])]
    assert len(named) >= 20
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not (REPO / path).exists()
        or not re.search(rf"^def {name}\(", (REPO / path).read_text(encoding="utf-8"), re.M)
    ]
    assert missing == []


def test_the_list_of_the_issue_is_covered():
    text = " ".join(" ".join(r[1:2]) for r in _rows()).lower()
    for kind in (
        "html",
        "truncated",
        "utf-16",
        "windows-1252",
        "phone",
        "symlink",
        "formula",
        "kill -9",
        "concurrent",
        "holding the live warehouse",
        "read-only",
        "full disk",
        "priorites.yml",
        "100 000",
        "identical rebuilds",
        "93999",
        "respondent",
        "busy machine",
        "corrupt",
        "encrypted",
        "empty",
        "oversized",
        "unknown département code",
        "need source",
        "hostile",
    ):
        assert kind in text, kind
