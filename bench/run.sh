#!/usr/bin/env bash
# bench/run.sh — fangkong's throughput and latency, next to this machine's ceilings.
#
# Builds a fresh database in a temp dir, starts `fangkong serve` on 127.0.0.1 (random port),
# logs in, and runs wrk against
#   a. GET /healthz
#   b. GET /api/v1/areas/320481116 (社渚镇 with its 25 villages; session cookie)
#   c. POST /api/v1/areas: durable idempotent creates, a fresh uuid each (bench/create.lua)
#   d. nginx serving a static file of the same bytes as b (the HTTP ceiling)
# and measures fdatasync/s on the database's filesystem (bench/fsync_probe.c, the commit
# ceiling). Prints a table and the ratios against the targets, and checks that the created
# grids are in the database. Exits 0 whatever the figures; non-zero only when something broke
# (a process failed, a non-2xx answer, an acknowledged create missing from the database).
#
# Knobs (environment): WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s),
# FANGKONG_BIN (build/fangkong), FANGKONG_SERVE_ARGS (extra `serve` options, e.g.
# "--threads 32 --readers 8"), TMPDIR (where the database lives), BENCH_KEEP=1 (keep the temp
# dir with the logs and raw wrk outputs).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${FANGKONG_BIN:-$ROOT/build/fangkong}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
WRK_DURATION=${WRK_DURATION:-10s}
# every load client comes from 127.0.0.1: lift the per-address cap (issue 8)
SERVE_ARGS="--max-per-address 4096 ${FANGKONG_SERVE_ARGS:-}"
COUNTY=320481
READ_AREA=320481116
PASSWORD='Bench-Test-Pass-2026'

say() { printf '== %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

scripts/deps.sh --bench
[ -x "$BIN" ] || die "no server binary at $BIN (run make build first, or set FANGKONG_BIN)"
for c in wrk nginx curl sqlite3 cc node; do
  command -v "$c" >/dev/null || die "$c is missing (scripts/deps.sh --bench installs it)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-bench.XXXXXX")
chmod 755 "$WORK" # nginx's workers (user nobody when started as root) must reach www/
DB=$WORK/bench.db
FK_PID=
NG_PID=
broke=()

stop_pid() { # PID SIGNAL: signal one process we started, SIGKILL it after 15 s, reap it
  local pid=$1 sig=$2 i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then kill "-$sig" "$pid" 2>/dev/null || true; fi
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "bench: pid $pid still running 15 s after SIG$sig: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_pid "$NG_PID" TERM
  stop_pid "$FK_PID" TERM
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# wait_for DESCRIPTION PID COMMAND…: polls COMMAND until it succeeds, for at most 30 s,
# failing early when PID has exited.
wait_for() {
  local what=$1 pid=$2 i
  shift 2
  for ((i = 0; i < 600; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  echo "bench: timed out waiting for $what" >&2
  return 1
}

# kv NAME LINE: the value of NAME=… in a BENCH line
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

# cpu_ticks PID: CPU time (utime + stime, clock ticks) of the process PID and its children
# (nginx's workers), all threads included
cpu_ticks() {
  local p t=0
  for p in "$1" $(pgrep -P "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

# run_wrk NAME SERVER_PID SCRIPT URL [wrk options…]: runs wrk, shows its output, keeps the
# BENCH line plus the server's CPU time per request (cpu_us=…)
declare -A RES
run_wrk() {
  local name=$1 pid=$2 script=$3 url=$4 line t0 t1
  shift 4
  say "$name: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency $url"
  t0=$(cpu_ticks "$pid")
  BENCH_DIR=$ROOT/bench wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency \
    -s "$ROOT/bench/$script" "$@" "$url" | tee "$WORK/wrk-$name.txt" | sed 's/^/   /'
  t1=$(cpu_ticks "$pid")
  line=$(sed -n 's/^BENCH //p' "$WORK/wrk-$name.txt")
  [ -n "$line" ] || { broke+=("$name: wrk gave no result"); return 0; }
  line="$line cpu_us=$(awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$(kv requests "$line")" \
    'BEGIN { if (n > 0) printf "%.0f", d / hz * 1e6 / n; else print "n/a" }')"
  echo "   server CPU per request: $(kv cpu_us "$line") µs"
  RES[$name]=$line
  if [ "$(kv non2xx "$line")" != 0 ]; then broke+=("$name: $(kv non2xx "$line") non-2xx answers"); fi
}

# ---------------------------------------------------------------------------------------
say "machine"
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
FS=$(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1 " (" $7 ")"}')
echo "   date     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   cpu      $(nproc) × $CPU"
echo "   kernel   $(uname -sr)"
echo "   db fs    $FS — $WORK"
GIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "no git")
echo "   server   $("$BIN" version) (source $GIT) $BIN ${SERVE_ARGS:+($SERVE_ARGS)}"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "   load     $LOAD_START (1, 5, 15 min)"
if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  echo "   warning: the machine is busy already; the figures will be low and noisy"
fi

say "fresh database"
"$BIN" init --db "$DB" --county "$COUNTY" 2>&1 | sed 's/^/   /'
echo "$PASSWORD" | "$BIN" user add --db "$DB" --username admin --role admin --area "$COUNTY" 2>&1 | sed 's/^/   /'
sqlite3 "$DB" "SELECT code FROM area WHERE level = 3 ORDER BY code" >"$WORK/villages.txt"
echo "   $(wc -l <"$WORK/villages.txt") villages"

say "start fangkong"
# shellcheck disable=SC2086 # SERVE_ARGS is a list of options
"$BIN" serve --db "$DB" --listen 127.0.0.1:0 $SERVE_ARGS >"$WORK/serve.out" 2>"$WORK/serve.log" &
FK_PID=$!
wait_for "fangkong to listen" "$FK_PID" grep -q 'listening on' "$WORK/serve.out" ||
  die "fangkong did not start: $(cat "$WORK/serve.out" "$WORK/serve.log")"
BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve.out")
echo "   $BASE (pid $FK_PID, log $WORK/serve.log)"

LOGIN=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || die "login failed"
CSRF=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' <<<"$LOGIN")
COOKIE="fk_session=$(awk '$6 == "fk_session" {print $7}' "$WORK/cookies")"
if [ -z "$CSRF" ] || [ "$COOKIE" = "fk_session=" ]; then die "no session from login: $LOGIN"; fi

curl -sf -H "Cookie: $COOKIE" -o "$WORK/area.json" "$BASE/api/v1/areas/$READ_AREA" || die "GET /api/v1/areas/$READ_AREA failed"
READ_BYTES=$(stat -c %s "$WORK/area.json")
CHILDREN=$(grep -o '"level":"village"' "$WORK/area.json" | wc -l)
echo "   GET /api/v1/areas/$READ_AREA: $READ_BYTES bytes, $CHILDREN children"

# ---------------------------------------------------------------------------------------
run_wrk a "$FK_PID" get.lua "$BASE/healthz"
run_wrk b "$FK_PID" get.lua "$BASE/api/v1/areas/$READ_AREA" -H "Cookie: $COOKIE"
ROWS_BEFORE=$(sqlite3 "$DB" "SELECT count(*) FROM area WHERE official = 0")
BENCH_VILLAGES=$WORK/villages.txt BENCH_COOKIE=$COOKIE BENCH_CSRF=$CSRF \
  run_wrk c "$FK_PID" create.lua "$BASE/api/v1/areas"

say "stop fangkong (SIGTERM), check the database, count the grids"
kill -TERM "$FK_PID"
for ((i = 0; i < 300; i++)); do kill -0 "$FK_PID" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$FK_PID" 2>/dev/null; then
  broke+=("fangkong still running 15 s after SIGTERM")
  kill -KILL "$FK_PID"
fi
if wait "$FK_PID"; then FK_RC=0; else FK_RC=$?; fi
FK_PID=
[ "$FK_RC" = 0 ] || broke+=("fangkong exited $FK_RC on SIGTERM")
"$BIN" check --db "$DB" | sed 's/^/   /' || broke+=("fangkong check failed")
ROWS=$(( $(sqlite3 "$DB" "SELECT count(*) FROM area WHERE official = 0") - ROWS_BEFORE ))
IDEM=$(sqlite3 "$DB" "SELECT count(*) FROM idempotency WHERE kind = 'area'")
CREATED=$(kv created "${RES[c]:-}")
CREATED=${CREATED:-0}
echo "   acknowledged creates (201) $CREATED, grids in the database $ROWS, idempotency keys $IDEM"
if [ "$ROWS" -lt "$CREATED" ]; then broke+=("only $ROWS grids in the database for $CREATED acknowledged creates"); fi
if [ "$ROWS" -gt $((CREATED + WRK_CONNECTIONS)) ]; then broke+=("$ROWS grids for $CREATED acknowledged creates: more than the $WRK_CONNECTIONS in flight at the end"); fi
if [ "$(kv replayed "${RES[c]:-}")" != 0 ] || [ "$(kv other "${RES[c]:-}")" != 0 ]; then
  broke+=("creates: $(kv replayed "${RES[c]:-}") answered 200 (uuid collision?), $(kv other "${RES[c]:-}") other")
fi

# ---------------------------------------------------------------------------------------
say "nginx: the same $READ_BYTES bytes as a static file"
mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
cp "$WORK/area.json" "$WORK/nginx/www/area.json"
chmod 755 "$WORK/nginx" "$WORK/nginx/www"
chmod 644 "$WORK/nginx/www/area.json"
for attempt in 1 2 3; do
  NG_PORT=$(free_port)
  sed -e "s|@WORK@|$WORK/nginx|g" -e "s|@PORT@|$NG_PORT|g" bench/nginx.conf.in >"$WORK/nginx/nginx.conf"
  nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" &
  NG_PID=$!
  if wait_for nginx "$NG_PID" curl -sf -o /dev/null "http://127.0.0.1:$NG_PORT/area.json"; then break; fi
  stop_pid "$NG_PID" TERM
  NG_PID=
  [ "$attempt" = 3 ] && die "nginx did not start: $(cat "$WORK/nginx/error.log")"
done
echo "   http://127.0.0.1:$NG_PORT/area.json (pid $NG_PID)"
run_wrk d "$NG_PID" get.lua "http://127.0.0.1:$NG_PORT/area.json"
stop_pid "$NG_PID" TERM
NG_PID=

say "fdatasync probe on the database's filesystem"
cc -O2 -o "$WORK/fsync_probe" bench/fsync_probe.c
FSYNC_LINE=$("$WORK/fsync_probe" "$WORK/fsync_probe.dat" 3) || die "fsync probe failed"
echo "   $FSYNC_LINE"
FSYNC=$(sed -n 's/.* = \([0-9.]*\) ops\/s.*/\1/p' <<<"$FSYNC_LINE")
FSYNC_P50=$(sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p' <<<"$FSYNC_LINE")
FSYNC_P99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' <<<"$FSYNC_LINE")

# ---------------------------------------------------------------------------------------
row() { # NAME LABEL
  local l=${RES[$1]:-}
  printf '  %-44s %10s %9s %9s %12s\n' "$2" "$(kv rps "$l")" "$(kv p50 "$l")" "$(kv p99 "$l")" "$(kv cpu_us "$l")"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
  if (v == "n/a" || v == "") { print "n/a"; exit }
  ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 < t + 0); print ok ? "met" : "MISSED" }'; }

R_READ=$(kv rps "${RES[b]:-}")
R_NGINX=$(kv rps "${RES[d]:-}")
R_CREATE=$(kv rps "${RES[c]:-}")
P99_READ=$(kv p99 "${RES[b]:-}")
P99_CREATE=$(kv p99 "${RES[c]:-}")
READ_NGINX=$(ratio "$R_READ" "$R_NGINX")
CREATE_FSYNC=$(ratio "$R_CREATE" "$FSYNC")

echo
say "results: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION, $(nproc) CPUs, db on $FS"
echo "   load average before $LOAD_START, after $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-44s %10s %9s %9s %12s\n' "" "req/s" "p50 ms" "p99 ms" "CPU us/req"
row a "a  GET /healthz"
row b "b  GET /api/v1/areas/$READ_AREA ($READ_BYTES B)"
row c "c  POST /api/v1/areas (durable create)"
row d "d  nginx static file ($READ_BYTES B)"
printf '  %-44s %10s %9s %9s\n' "   fdatasync 4 KiB overwrite" "$FSYNC" "$FSYNC_P50" "$FSYNC_P99"
echo
printf '  %-44s %10s   target %-8s %s\n' "read / nginx" "$READ_NGINX" "≥ 0.5" "$(verdict "$READ_NGINX" ">=" 0.5)"
printf '  %-44s %10s   target %-8s %s\n' "creates / fdatasync" "$CREATE_FSYNC" "≥ 1.5" "$(verdict "$CREATE_FSYNC" ">=" 1.5)"
printf '  %-44s %10s   target %-8s %s\n' "p99 read (ms)" "$P99_READ" "< 20" "$(verdict "$P99_READ" "<" 20)"
printf '  %-44s %10s   target %-8s %s\n' "p99 create (ms)" "$P99_CREATE" "< 20" "$(verdict "$P99_CREATE" "<" 20)"
printf '  %-44s %10s   (%s in the database, %s idempotency keys)\n' "acknowledged creates" "$CREATED" "$ROWS" "$IDEM"

if [ ${#broke[@]} -gt 0 ]; then
  echo
  printf 'bench: BROKEN: %s\n' "${broke[@]}" >&2
  exit 1
fi
