# Sourced by test.sh (and usable by hand): makes Debian's chromium available to the browser tests (tests/Web.Tests),
# which drive it with Microsoft.Playwright through ExecutablePath; Playwright never downloads a browser here.
#   install_chromium LOGFILE   installs the `chromium` package (and `fonts-noto-cjk` when no font covers Chinese) with
#                              apt when missing (sudo when not root; apt-get update first when the package lists lack
#                              them), non-interactively; exports
#                              ESCALATION_TEST_CHROMIUM. Returns non-zero (log in LOGFILE) when it cannot.

install_chromium() {
  local log=$1 sudo="" packages=""
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  [ -x /usr/bin/chromium ] || packages="chromium"
  # Chinese glyphs: without a CJK font Chromium draws the pages' Chinese text as boxes (the screenshots show it, and
  # the screenshot test checks the width of Chinese text).
  if ! { command -v fc-list > /dev/null && [ -n "$(fc-list :lang=zh 2> /dev/null)" ]; }; then
    packages="$packages fonts-noto-cjk"
  fi
  if [ -z "$packages" ]; then
    export ESCALATION_TEST_CHROMIUM=/usr/bin/chromium
    return 0
  fi
  command -v apt-get > /dev/null || { echo "apt-get is not available: install Chromium and a CJK font ($packages) and set ESCALATION_TEST_CHROMIUM to its binary" > "$log"; return 1; }
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null || { echo "not root and no sudo: cannot install $packages with apt" > "$log"; return 1; }
    sudo="sudo -n"
  fi
  : > "$log"
  # shellcheck disable=SC2086 # the package list is meant to split
  if ! apt-cache show $packages > /dev/null 2>&1; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >> "$log" 2>&1 || return 1
  fi
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages >> "$log" 2>&1 || return 1
  [ -x /usr/bin/chromium ] || { echo "apt installed chromium but /usr/bin/chromium is missing" >> "$log"; return 1; }
  export ESCALATION_TEST_CHROMIUM=/usr/bin/chromium
}
