#!/usr/bin/env bash
# Builds the deployment package for the Function App (Flex Consumption, runtime "custom"):
#   host.json, one folder per function (src/Functions/FunctionApp), and the self-contained linux-x64 handler, compiled
#   ReadyToRun for a faster cold start, in handler/ (where host.json's customHandler points).
# Usage: ./package.sh [ZIP]        default: dist/escalation-functions.zip
#   READY_TO_RUN=false ./package.sh  without ReadyToRun (smaller; for comparing cold starts, bench/handler-startup.sh)
#   The same layout, unzipped, is left beside it in functionapp/ (what azure.yaml's `dist` names for azd).
# Deploy it with: az functionapp deployment source config-zip -g RG -n APP --src dist/escalation-functions.zip
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

zip=$(realpath -m "${1:-dist/escalation-functions.zip}")
mkdir -p "$(dirname "$zip")"
publish=$(mktemp -d)
trap 'rm -rf "$publish"' EXIT

dotnet publish src/Functions/Escalation.Functions.csproj -c Release -r linux-x64 --self-contained \
  -p:PublishReadyToRun="${READY_TO_RUN:-true}" -o "$publish" -p:FunctionAppZip="$zip" -nologo
folder="$(dirname "$zip")/functionapp"
rm -rf "$folder"
cp -a src/Functions/obj/Release/net10.0/linux-x64/functionapp "$folder"
echo "$(du -h "$zip" | cut -f1) $zip (and the same, unzipped, in $folder)"
