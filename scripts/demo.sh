#!/usr/bin/env bash
# Run Nidation's main job on a bundled example case (embedded DuckDB; no server needed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_uv.sh"
uv run --locked nidation assess "${1:-examples/rpl-and-rif.yaml}"
