# Shared by the set-up scripts: make sure uv (pinned) is present and the locked environment synced.
set -euo pipefail
export UV_PYTHON_DOWNLOADS=never
export UV_PYTHON="${UV_PYTHON:-python3.11}"
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet "uv==0.13.9"
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Bytecode compiled at install: with PYTHONDONTWRITEBYTECODE set (as on these machines) every
# process would otherwise recompile every module it imports (≈ 3 s of a CLI start).
uv sync --locked --all-extras --group dev --quiet --compile-bytecode
uv run --locked python -m compileall -q src >/dev/null
