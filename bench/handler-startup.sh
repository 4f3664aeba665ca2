#!/usr/bin/env bash
# Times the custom handler from process start to its first answer on GET / (what the Functions host waits for),
# N times (default 11), on the Release build, or on HANDLER (e.g. the packaged one: unzip dist/escalation-functions.zip
# and set HANDLER=<folder>/handler/Escalation.Functions). Prints each time and the median. Needs curl.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
if [ -n "${HANDLER:-}" ]; then
  exe=$HANDLER
else
  dotnet build src/Functions -c Release -nologo -v q > /dev/null
  exe=src/Functions/bin/Release/net10.0/Escalation.Functions
fi
times=()
for _ in $(seq 1 "$runs"); do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
  start=$(date +%s%N)
  FUNCTIONS_CUSTOMHANDLER_PORT=$port "$exe" serve > /dev/null 2>&1 &
  pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.005; done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  times+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "start -> GET / answered, ms: ${sorted[*]}"
echo "median ${sorted[$(( runs / 2 ))]} ms over $runs runs"
