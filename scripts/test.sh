#!/usr/bin/env bash
# Set up, then run the whole test suite (unit, dbt, end-to-end on the snapshot).
set -euo pipefail
cd "$(dirname "$0")/.."
# (setup.sh also installs Debian's Chromium when it can: the browser tests and the PDF need it)
bash scripts/setup.sh
exec uv run --frozen --no-sync pytest "$@"
