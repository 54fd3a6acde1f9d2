#!/usr/bin/env bash
# Run the whole test suite (unit, property, golden-case and Spark-parity tests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_uv.sh"
set +e
uv run --locked python -m pytest -q -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"
