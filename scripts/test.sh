#!/usr/bin/env bash
# Set up, then run the whole test suite (unit, dbt, end-to-end on the snapshot).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec uv run --frozen --no-sync pytest "$@"
