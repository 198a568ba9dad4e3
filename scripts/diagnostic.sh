#!/usr/bin/env bash
# Set up, then build the diagnostic of one département (default 93) on the snapshot data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec uv run --frozen --no-sync pacte build --departement "${1:-93}"
