# Sourced by test.sh after tools/azurite.sh (it uses free_port and wait_for_port): starts the SMTP sink of the tests
# (tools/smtp-sink.js, npm smtp-server) on a free loopback port. After start_smtp_sink: SMTP_SINK_PID, SMTP_SINK_PORT,
# SMTP_SINK_DIR (where each received message lands as <sequence>.eml). The caller stops it (kill "$SMTP_SINK_PID").

# start_smtp_sink DIR LOGFILE
start_smtp_sink() {
  local port
  port=$(free_port) || return 1
  mkdir -p "$1" || return 1
  node tools/smtp-sink.js "$port" "$1" > "$2" 2>&1 &
  SMTP_SINK_PID=$!
  wait_for_port "$port" || return 1
  SMTP_SINK_PORT=$port
  SMTP_SINK_DIR=$1
}
