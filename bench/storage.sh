#!/usr/bin/env bash
# Import rows/s and the daily read time on Azurite: starts Azurite (installed into the repo like ./test.sh does),
# runs the storage harness against it, and stops it. Options go to the harness: --tasks N (default 10000), --units N,
# --reports N (progress reports per task), --parallel N, --runs N.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/azurite.sh
log=$(mktemp)
trap 'kill "${AZURITE_PID:-0}" 2>/dev/null || true; rm -f "$log"' EXIT
install_azurite "$log" || { cat "$log"; exit 1; }
start_azurite "$log" || { cat "$log"; exit 1; }
dotnet run -c Release --project bench/Escalation.Benchmarks -- --tables --connection "$AZURITE_TABLES" "$@"
