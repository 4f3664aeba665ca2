#!/usr/bin/env bash
# Times the custom handler as the Functions host meets it, N times (default 11):
#   ready  process start -> first answer to GET / (what the host waits for before it sends invocations)
#   first  the first invocation after that (POST /EvaluateUnit with a malformed message: the engine is composed, the
#          message parsed and parked on the poison output; no network)
# on the Release build, or on HANDLER (a packaged one: unzip dist/escalation-functions.zip into DIR and set
# HANDLER=DIR/handler/Escalation.Functions). Prints each time and the medians. Needs curl.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
if [ -n "${HANDLER:-}" ]; then
  exe=$HANDLER
else
  dotnet build src/Functions -c Release -nologo -v q > /dev/null
  exe=src/Functions/bin/Release/net10.0/Escalation.Functions
fi
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
body='{"Data":{"message":"bm90IGpzb24="},"Metadata":{"MessageId":"\"bench\"","DeliveryCount":"1"}}'
ready=(); first=()
for _ in $(seq 1 "$runs"); do
  port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  start=$(date +%s%N)
  FUNCTIONS_CUSTOMHANDLER_PORT=$port Escalation__LocalStore=$store ServiceBusConnection__fullyQualifiedNamespace=bench.servicebus.windows.net \
    "$exe" serve > /dev/null 2>&1 &
  pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.005; done
  up=$(date +%s%N)
  curl -s -o /dev/null -X POST "http://127.0.0.1:$port/EvaluateUnit" -H 'Content-Type: application/json' -d "$body"
  done_at=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  ready+=($(( (up - start) / 1000000 ))); first+=($(( (done_at - up) / 1000000 )))
done
report() {
  local name=$1; shift
  local sorted=($(printf '%s\n' "$@" | sort -n))
  echo "$name ms: ${sorted[*]}"
  echo "$name median ${sorted[$(( runs / 2 ))]} ms over $runs runs"
}
report "start -> GET / answered" "${ready[@]}"
report "first invocation" "${first[@]}"
