#!/usr/bin/env bash
# Installs the system programs AQ runs from the system's package manager when they are
# missing: ffmpeg/ffprobe and nats-server (the stack and the tests), Chromium (the browser
# playback test) and docker-compose (validates docker-compose.yml offline in the tests; no
# Docker engine is needed). Safe to run repeatedly.
# AQ_SKIP_BROWSER=1 skips Chromium, AQ_SKIP_COMPOSE=1 skips docker-compose (npm run demo needs neither).
set -euo pipefail

want=()
have=()
need() { # need <command> <debian package>
  if command -v "$1" >/dev/null 2>&1; then have+=("$1"); else want+=("$2"); fi
}
need ffmpeg ffmpeg
need ffprobe ffmpeg
need nats-server nats-server
if [ "${AQ_SKIP_BROWSER:-}" != "1" ]; then
  if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then have+=(chromium); else want+=(chromium); fi
fi
[ "${AQ_SKIP_COMPOSE:-}" = "1" ] || need docker-compose docker-compose

# ffmpeg provides both ffmpeg and ffprobe.
mapfile -t want < <(printf '%s\n' "${want[@]}" | awk 'NF && !seen[$0]++')
if [ ${#want[@]} -eq 0 ]; then
  echo "system dependencies present: ${have[*]}"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "AQ needs: ${want[*]}. Install them with your system's package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "AQ needs: ${want[*]} (apt-get install -y ${want[*]}), and this user cannot install them." >&2
    exit 1
  fi
fi
echo "installing: ${want[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
