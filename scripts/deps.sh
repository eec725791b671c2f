#!/usr/bin/env bash
# Installs what fangkong needs and is missing: Debian packages (apt) and the web
# console's npm packages (pinned by web/package-lock.json). Safe to run again: it only
# acts on what is missing. Used by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# build and run: compiler, build system, libraries (libfreexl reads legacy .xls lists);
# tests: cmocka, chromium, and LibreOffice Calc without a GUI, whose
# `soffice --headless --convert-to xls|xlsx` writes the spreadsheets the import tests
# upload (tests/api/import_xls.test.mjs), so they test files of a real spreadsheet program;
# benchmarks (bench/run.sh) also want wrk and nginx-light, installed there. PostgreSQL 15:
# the server binaries for the tests' throwaway clusters (tests/pg/cluster.mjs) and libpq;
# the package is told not to make and start a system cluster, which nothing uses.
# systemd: systemd-analyze checks the service units in deploy/ (tests/ops), and
# systemd-sysusers makes the fangkong user at `make install` (a container may lack it).
pkgs=(build-essential pkg-config meson ninja-build
      libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev libcsv-dev
      libzip-dev libexpat1-dev libxlsxwriter-dev libqrencode-dev libcurl4-openssl-dev
      libfreexl-dev
      libcmocka-dev nodejs chromium fonts-wqy-microhei curl
      libreoffice-calc-nogui
      postgresql-15 libpq-dev
      systemd)
[ "${1:-}" = "--bench" ] && pkgs+=(wrk nginx-light)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# npm comes with nodesource's nodejs; Debian's nodejs needs the npm package beside it.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  if printf '%s\n' "${missing[@]}" | grep -qx 'postgresql-15'; then
    "${sudo_cmd[@]}" mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' | "${sudo_cmd[@]}" tee /etc/postgresql-common/createcluster.d/fangkong.conf >/dev/null
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "deps: npm ci (web/)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
