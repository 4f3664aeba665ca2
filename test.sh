#!/usr/bin/env bash
# Builds everything and runs every test project. Needs only the .NET SDK (and, from the storage work on, Node/npm,
# which this script will use to install what the tests need into the repo). Ends with one line: N passed, N failed.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo "== build (Release, warnings are errors)"
if ! dotnet build Escalation.sln -c Release -nologo > "$results/build.log" 2>&1; then
  grep -E "error|warning" "$results/build.log" | sort -u | tail -40
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== tests"
dotnet test Escalation.sln -c Release --no-build -nologo 2>&1 | tee "$results/test.log"
status=${PIPESTATUS[0]}

# One summary line per test project: "Passed!  - Failed:     0, Passed:    41, Skipped:     0, Total: ..."
passed=0; failed=0; skipped=0; projects=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s)); projects=$((projects + 1))
done < <(sed -nE 's/.*(Passed|Failed)!.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \3 \4/p' "$results/test.log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited $status without a failing test (a test host crashed or a project did not run)"
  failed=1
fi
if [ "$projects" -eq 0 ]; then
  echo "no test project reported results"
  failed=$((failed + 1))
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
