# Sourced by test.sh and bench/storage.sh: installs Azurite into the repo (npm ci, from package-lock.json) and starts
# its Table service in memory on a free loopback port. After start_azurite: AZURITE_PID, AZURITE_TABLES (a connection
# string). The caller stops it (kill "$AZURITE_PID"). start_azurite_blob starts the Blob service the same way (the
# evidence store's tests): AZURITE_BLOB_PID, AZURITE_BLOBS.

# A free loopback port, chosen by the kernel.
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# Waits until something answers on the port (any answer means Azurite is ready; it takes about a second).
wait_for_port() {
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# install_azurite LOGFILE: installs the npm tools of package-lock.json (Azurite, and smtp-server for tools/smtp-sink.js)
# with one npm ci when either is missing; returns non-zero (log in LOGFILE) when npm fails.
install_azurite() {
  command -v node >/dev/null || { echo "node is not on PATH; Azurite and smtp-server need Node.js 20+" > "$1"; return 1; }
  if [ -x node_modules/.bin/azurite-table ] && [ -x node_modules/.bin/azurite-blob ] && [ -f node_modules/smtp-server/package.json ]; then return 0; fi
  npm ci --no-audit --no-fund --loglevel=error > "$1" 2>&1
}

# start_azurite LOGFILE
start_azurite() {
  local port
  port=$(free_port) || return 1
  node_modules/.bin/azurite-table --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --loose \
    --tableHost 127.0.0.1 --tablePort "$port" > "$1" 2>&1 &
  AZURITE_PID=$!
  wait_for_port "$port" || return 1
  # The well-known development account of Azurite (public and documented; not a secret).
  AZURITE_TABLES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
  AZURITE_PORT=$port
}

# start_azurite_blob LOGFILE
start_azurite_blob() {
  local port
  port=$(free_port) || return 1
  node_modules/.bin/azurite-blob --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --blobPort "$port" > "$1" 2>&1 &
  AZURITE_BLOB_PID=$!
  wait_for_port "$port" || return 1
  # The same well-known development account (public and documented; not a secret).
  AZURITE_BLOBS="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
  AZURITE_BLOB_PORT=$port
}
