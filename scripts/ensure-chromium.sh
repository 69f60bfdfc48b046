#!/usr/bin/env bash
# The browser tests drive Debian's chromium headless (playwright-core, no browser download). Installs it when missing;
# CI runs as root on a fresh Debian machine. CHROMIUM_PATH names another binary.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium not found and apt-get is not available: install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
sudo_cmd=""
if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
echo "Installing chromium with apt-get (once) for the browser tests…" >&2
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium
