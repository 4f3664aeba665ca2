#!/usr/bin/env bash
# Builds everything and runs every test project. Needs only the .NET SDK and Node/npm: it installs what the tests need
# into the repo (Azurite, from package-lock.json), starts it on a free loopback port, and stops it at the end.
# Ends with one line: N passed, N failed.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=$(mktemp -d)
started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$results"
}
trap cleanup EXIT

fail_early() {
  echo "$1"
  echo "0 passed, 1 failed"
  exit 1
}

# A free loopback port, chosen by the kernel.
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# Waits until something answers on the port (any HTTP answer means Azurite is ready).
wait_for_port() {
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

echo "== tools (npm)"
command -v node >/dev/null || fail_early "node is not on PATH; the tests need Node.js 20+ for Azurite"
if [ ! -x node_modules/.bin/azurite-table ]; then
  npm ci --no-audit --no-fund --loglevel=error > "$results/npm.log" 2>&1 || { tail -20 "$results/npm.log"; fail_early "npm ci failed"; }
fi


echo "== build (Release, warnings are errors)"
if ! dotnet build Escalation.sln -c Release -nologo > "$results/build.log" 2>&1; then
  grep -E "error|warning" "$results/build.log" | sort -u | tail -40
  fail_early "build failed"
fi

echo "== Azurite (Table service, in memory)"
table_port=$(free_port)
node_modules/.bin/azurite-table --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --loose \
  --tableHost 127.0.0.1 --tablePort "$table_port" > "$results/azurite.log" 2>&1 &
started+=($!)
wait_for_port "$table_port" || { tail -20 "$results/azurite.log"; fail_early "Azurite did not start on port $table_port"; }
# The well-known development account of Azurite (public, documented; not a secret).
export ESCALATION_TEST_TABLES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
echo "Azurite table service on 127.0.0.1:$table_port"

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
