"""Great Expectations suites on the raw tables, as blocking Dagster asset checks."""

from __future__ import annotations

CHECKS: list = []
