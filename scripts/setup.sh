#!/usr/bin/env bash
# Set up everything on a fresh machine: uv, the locked virtual environment, the dbt manifest, and
# Debian's Chromium (PDF of the report, browser tests) when it can be installed (scripts/chromium.sh),
# and Debian's Tesseract with its French model (OCR of scanned PDFs, scripts/tesseract.sh).
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
# Chromium prints the report to PDF: installed when we can, otherwise the user is told how.
bash scripts/chromium.sh
# Tesseract reads scanned PDFs: installed when we can, otherwise the user is told how.
bash scripts/tesseract.sh
