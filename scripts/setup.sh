#!/usr/bin/env bash
# Set up everything on a fresh machine: uv, the locked virtual environment, the dbt manifest.
# Idempotent and quick when nothing changed. Installs only from the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
if ! command -v uv >/dev/null 2>&1 || [ "$(uv --version | awk '{print $2}')" != "$UV_VERSION" ]; then
  python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
export UV_PYTHON_DOWNLOADS=never
uv sync --frozen --quiet
# The dbt manifest is prepared here, once, not at every load of the Dagster definitions.
uv run --frozen --no-sync python -c "from orchestration.manifest import ensure_manifest; ensure_manifest()"
