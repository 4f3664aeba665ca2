#!/usr/bin/env bash
# Builds everything and runs every test project. Needs only the .NET SDK and Node/npm: it installs what the tests need
# into the repo (Azurite and smtp-server, from package-lock.json; the Bicep CLI from NuGet), builds and lints the Bicep
# (any warning fails), builds the deployment zip (./package.sh), starts Azurite and the SMTP sink on free loopback
# ports, and stops them at the end. The browser tests (tests/Web.Tests) drive Debian's chromium, which it installs with
# apt when /usr/bin/chromium is missing (tools/chromium.sh); without it they are skipped, unless CI=true.
# Ends with one line: N passed, N failed (and ", N skipped" when tests were skipped).
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

source tools/azurite.sh
source tools/smtp.sh
source tools/bicep.sh
source tools/chromium.sh

# Steps outside dotnet test that failed; each counts as one failure in the last line.
step_failures=0

echo "== tools (npm)"
install_azurite "$results/npm.log" || { tail -20 "$results/npm.log"; fail_early "installing Azurite and smtp-server failed"; }

echo "== chromium (Debian's, for the browser tests; installed with apt when missing)"
if install_chromium "$results/chromium.log"; then
  echo "chromium: $ESCALATION_TEST_CHROMIUM ($("$ESCALATION_TEST_CHROMIUM" --version 2>/dev/null | head -1))"
elif [ "${CI:-}" = "true" ]; then
  tail -20 "$results/chromium.log"; echo "installing chromium failed, and CI=true needs the browser tests"; step_failures=$((step_failures + 1))
else
  tail -5 "$results/chromium.log"; echo "no chromium: the browser tests (tests/Web.Tests) are skipped"
fi

echo "== build (Release, warnings are errors)"
if ! dotnet build Escalation.sln -c Release -nologo > "$results/build.log" 2>&1; then
  grep -E "error|warning" "$results/build.log" | sort -u | tail -40
  fail_early "build failed"
fi

echo "== Bicep (pinned CLI from NuGet; build and lint, no warning allowed)"
if install_bicep "$results/bicep-install.log"; then
  export ESCALATION_TEST_BICEP="$BICEP"
  check_bicep "$results/bicep" || { echo "the Bicep templates do not build or lint cleanly"; step_failures=$((step_failures + 1)); }
else
  tail -20 "$results/bicep-install.log"; echo "restoring the Bicep CLI failed"; step_failures=$((step_failures + 1))
fi

echo "== package (./package.sh: self-contained linux-x64 handler, ReadyToRun)"
if ./package.sh "$results/package/escalation-functions.zip" > "$results/package.log" 2>&1; then
  export ESCALATION_TEST_PACKAGE="$results/package/escalation-functions.zip"
  tail -1 "$results/package.log"
else
  grep -E "error|warning" "$results/package.log" | sort -u | tail -20; echo "building the deployment zip failed"; step_failures=$((step_failures + 1))
fi

echo "== Azurite (Table and Blob services, in memory)"
start_azurite "$results/azurite.log"; azurite_status=$?
[ -n "${AZURITE_PID:-}" ] && started+=("$AZURITE_PID")
[ "$azurite_status" -eq 0 ] || { tail -20 "$results/azurite.log"; fail_early "Azurite did not start"; }
export ESCALATION_TEST_TABLES="$AZURITE_TABLES"
echo "Azurite table service on 127.0.0.1:$AZURITE_PORT"
start_azurite_blob "$results/azurite-blob.log"; azurite_blob_status=$?
[ -n "${AZURITE_BLOB_PID:-}" ] && started+=("$AZURITE_BLOB_PID")
[ "$azurite_blob_status" -eq 0 ] || { tail -20 "$results/azurite-blob.log"; fail_early "Azurite's blob service did not start"; }
export ESCALATION_TEST_BLOBS="$AZURITE_BLOBS"
echo "Azurite blob service on 127.0.0.1:$AZURITE_BLOB_PORT"

echo "== SMTP sink (tools/smtp-sink.js)"
start_smtp_sink "$results/smtp" "$results/smtp.log"; smtp_status=$?
[ -n "${SMTP_SINK_PID:-}" ] && started+=("$SMTP_SINK_PID")
[ "$smtp_status" -eq 0 ] || { tail -20 "$results/smtp.log"; fail_early "the SMTP sink did not start"; }
export ESCALATION_TEST_SMTP="127.0.0.1:$SMTP_SINK_PORT" ESCALATION_TEST_SMTP_DIR="$SMTP_SINK_DIR"
echo "SMTP sink on $ESCALATION_TEST_SMTP, messages in $ESCALATION_TEST_SMTP_DIR"

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
failed=$((failed + step_failures))
if [ "$projects" -eq 0 ]; then
  echo "no test project reported results"
  failed=$((failed + 1))
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
