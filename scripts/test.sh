#!/usr/bin/env bash
# Run the whole test suite (unit, property, golden-case and Spark-parity tests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_uv.sh"
set +e
# Unbuffered, so a log cut short still shows how far the run got; the slowest tests are listed.
PYTHONUNBUFFERED=1 uv run --locked python -m pytest -q -p no:cacheprovider --durations=15 "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"
