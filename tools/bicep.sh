# Sourced by test.sh (and usable by hand): brings the pinned Bicep CLI from NuGet (tools/bicep/Bicep.Tool.csproj, version
# in Directory.Packages.props) and builds and lints infra/bicep offline.
#   install_bicep LOGFILE   sets BICEP to the binary's path
#   check_bicep OUTDIR      builds main.bicep and main.bicepparam into OUTDIR and lints them (and so every module); prints each
#                           diagnostic and returns non-zero on any error or warning

install_bicep() {
  dotnet restore tools/bicep/Bicep.Tool.csproj -nologo > "$1" 2>&1 || return 1
  BICEP=$(dotnet msbuild tools/bicep/Bicep.Tool.csproj -nologo -getProperty:BicepPath 2>> "$1") || return 1
  BICEP=$(realpath "$BICEP") || return 1
  # NuGet extraction does not always keep the execute bit.
  [ -x "$BICEP" ] || chmod u+x "$BICEP" || return 1
  "$BICEP" --version >> "$1" 2>&1
}

check_bicep() {
  local out=$1 log=$1/diagnostics.txt status=0 file
  mkdir -p "$out"
  : > "$log"
  "$BICEP" build infra/bicep/main.bicep --outdir "$out" >> "$log" 2>&1 || status=1
  "$BICEP" build-params infra/bicep/main.bicepparam --outfile "$out/main.parameters.json" >> "$log" 2>&1 || status=1
  # Linting main.bicep lints every module it uses (conditional ones too); a module it does not use is an error here.
  "$BICEP" lint infra/bicep/main.bicep >> "$log" 2>&1 || status=1
  "$BICEP" lint infra/bicep/main.bicepparam >> "$log" 2>&1 || status=1
  for file in infra/bicep/modules/*.bicep; do
    grep -q "'modules/$(basename "$file")'" infra/bicep/main.bicep || grep -q "from '$(basename "$file")'" infra/bicep/modules/*.bicep \
      || echo "$file(1,1) : Error unused-module: main.bicep does not use it." >> "$log"
  done
  # Build and lint report the same diagnostics: print each once.
  if grep -qE ' : (Error|Warning) ' "$log"; then
    grep -E ' : (Error|Warning) ' "$log" | sort -u
    status=1
  fi
  [ "$status" -eq 0 ] || { grep -vE ' : (Error|Warning) ' "$log" | head -20; return 1; }
  echo "bicep $("$BICEP" --version | sed -E 's/.*version ([^ ]+).*/\1/'): main.bicep, main.bicepparam and $(ls infra/bicep/modules/*.bicep | wc -l) modules build and lint with no warning"
}
