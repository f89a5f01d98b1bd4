#!/usr/bin/env bash
# Installs the system programs AQ runs (ffmpeg/ffprobe, nats-server, Chromium for the browser
# test) from the system's package manager when they are missing. Safe to run repeatedly.
set -euo pipefail

want=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || want+=(ffmpeg)
command -v nats-server >/dev/null 2>&1 || want+=(nats-server)
if [ "${AQ_SKIP_BROWSER:-}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then want+=(chromium); fi

if [ ${#want[@]} -eq 0 ]; then
  echo "system dependencies present: ffmpeg, ffprobe, nats-server${AQ_SKIP_BROWSER:+}, chromium"
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
