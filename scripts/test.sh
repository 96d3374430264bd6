#!/usr/bin/env bash
# The one test command: installs what the tests need on a fresh Debian/Ubuntu machine with
# Node 20, then runs every test (typecheck, builds, jest: domain, functions on the embedded
# database, compiled weapp pages in miniprogram-simulate, the H5 build in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'wqy'; }; then need_apt+=(fonts-wqy-zenhei); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]} (Debian packages, for the browser tests)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

echo "== npm ci"
npm ci --no-audit --no-fund

echo "== typecheck"
npm run typecheck

echo "== build: weapp, h5, back office, function bundles"
npm run build:weapp --silent
npm run build:h5 --silent
npm run build:admin --silent
npm run build:functions --silent

echo "== jest"
npx jest --ci
