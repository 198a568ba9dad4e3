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
# Bytecode of the installed packages, written once here: where PYTHONDONTWRITEBYTECODE is set (as on
# this project's shared machine), Python never writes it itself and every process (each build, each
# dbt step, each test subprocess) compiled the ~2 000 modules of Dagster and dbt from source again,
# several seconds each time. compileall skips the files already compiled: quick when nothing changed.
# (a package file Python cannot compile, e.g. a test sample, makes compileall exit 1: not our concern)
uv run --frozen --no-sync python -m compileall -q -j 0 .venv/lib/python*/site-packages \
  socle orchestration ingest graph rapport >/dev/null || true
# The dbt manifest is prepared here, once, not at every load of the Dagster definitions.
uv run --frozen --no-sync python -c "from orchestration.manifest import ensure_manifest; ensure_manifest()"
# Chromium prints the report to PDF: installed when we can, otherwise the user is told how.
bash scripts/chromium.sh
# Tesseract reads scanned PDFs: installed when we can, otherwise the user is told how.
bash scripts/tesseract.sh
