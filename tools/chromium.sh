# Sourced by test.sh (and usable by hand): makes Debian's chromium available to the browser tests (tests/Web.Tests),
# which drive it with Microsoft.Playwright through ExecutablePath; Playwright never downloads a browser here.
#   install_chromium LOGFILE   installs the `chromium` package with apt when /usr/bin/chromium is missing (sudo when not
#                              root; apt-get update first when the package lists lack it), non-interactively; exports
#                              ESCALATION_TEST_CHROMIUM. Returns non-zero (log in LOGFILE) when it cannot.

install_chromium() {
  local log=$1 sudo=""
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ -x /usr/bin/chromium ]; then
    export ESCALATION_TEST_CHROMIUM=/usr/bin/chromium
    return 0
  fi
  command -v apt-get > /dev/null || { echo "apt-get is not available: install Chromium and set ESCALATION_TEST_CHROMIUM to its binary" > "$log"; return 1; }
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null || { echo "not root and no sudo: cannot install chromium with apt" > "$log"; return 1; }
    sudo="sudo -n"
  fi
  : > "$log"
  if ! apt-cache show chromium > /dev/null 2>&1; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >> "$log" 2>&1 || return 1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >> "$log" 2>&1 || return 1
  [ -x /usr/bin/chromium ] || { echo "apt installed chromium but /usr/bin/chromium is missing" >> "$log"; return 1; }
  export ESCALATION_TEST_CHROMIUM=/usr/bin/chromium
}
