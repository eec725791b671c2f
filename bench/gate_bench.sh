#!/usr/bin/env bash
# bench/gate_bench.sh — the gates of a closed residential area (封闭式管理, issue 15): guards
# checking passes and recording passings at once, on a release build.
#
# A fresh database of 溧阳市 (320481); a commander closes 社渚村 (320481116200) with the
# default rules (1 exit per household every 2 days); HOUSEHOLDS (1,000) households come from a
# sheet (POST …/households/import), each gets its resident pass in one batch; GATES (20)
# gates, each with its own gate_guard account. Then, with CONCURRENCY (40) keep-alive
# connections spread over the 20 guards' sessions, a closed loop for DURATION (10) s each:
#   1. GET /api/v1/gate/check?number=… — a random pass, in a random form (shown, lower case,
#      FKP: prefix): a read in one snapshot (the pass, its household, observation computed,
#      its kept exits of the days around the window);
#   2. POST /api/v1/gate/records — a random pass, 3 in 4 out, each a fresh uuid: the verdict
#      recomputed inside the writing transaction, a green exit added to its household's kept
#      count; a reply only after the group commit's fdatasync. With 1,000 households and the
#      quota, most exits after the first per household are red (refused and recorded).
# Prints checks/s and records/s with their p50/p99 (the client's: bench/gate_load.mjs, node),
# the green/red split, and the server's CPU per request. Then SIGTERM (exit 0), `fangkong
# check` (integrity, and the closure's kept counts equal to a recount) and every record
# answered 201 must be in the database.
#
# Exits 0 whatever the figures; non-zero only when something broke (a process, a non-2xx
# answer, a lost acknowledged record, `fangkong check`).
#
# Knobs (environment): HOUSEHOLDS (1000), GATES (20), CONCURRENCY (40), DURATION (10),
# FANGKONG_BIN (build-release/fangkong if it exists, else build/fangkong; copied into the
# temp dir), FANGKONG_SERVE_ARGS, TMPDIR, BENCH_KEEP=1 (keep the temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DEF_BIN=$ROOT/build/fangkong
[ -x "$ROOT/build-release/fangkong" ] && DEF_BIN=$ROOT/build-release/fangkong
SRC_BIN=${FANGKONG_BIN:-$DEF_BIN}
HOUSEHOLDS=${HOUSEHOLDS:-1000}
GATES=${GATES:-20}
CONCURRENCY=${CONCURRENCY:-40}
DURATION=${DURATION:-10}
COUNTY=320481
TOWNSHIP=320481116 # 社渚镇
VILLAGE=320481116200 # 社渚村
SERVE_ARGS="--max-per-address 4096 ${FANGKONG_SERVE_ARGS:-}"
PASSWORD='Bench-Gate-Pass-2026'

say() { printf '== %s\n' "$*"; }
die() { printf 'gate_bench: %s\n' "$*" >&2; exit 1; }

[ -x "$SRC_BIN" ] || die "no server binary at $SRC_BIN (meson setup build-release --buildtype=release; ninja -C build-release)"
for c in curl sqlite3 awk node; do command -v "$c" >/dev/null || die "$c is missing"; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-gate-bench.XXXXXX")
BIN=$WORK/fangkong
cp "$SRC_BIN" "$BIN"
FK_PID=

stop_server() {
  local i rc
  kill -TERM "$FK_PID"
  for ((i = 0; i < 600; i++)); do kill -0 "$FK_PID" 2>/dev/null || break; sleep 0.05; done
  if wait "$FK_PID"; then rc=0; else rc=$?; fi
  FK_PID=
  [ "$rc" = 0 ] || die "fangkong exited $rc on SIGTERM"
}
cleanup() {
  local rc=$? i
  if [ -n "$FK_PID" ] && kill -0 "$FK_PID" 2>/dev/null; then
    kill -TERM "$FK_PID" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do kill -0 "$FK_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$FK_PID" 2>/dev/null && kill -KILL "$FK_PID" 2>/dev/null
    wait "$FK_PID" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "gate_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2" | head -1; }
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
uuid() { cat /proc/sys/kernel/random/uuid; }

start_server() {
  local i
  # shellcheck disable=SC2086 # SERVE_ARGS is a list of options
  "$BIN" serve --db "$DB" --listen 127.0.0.1:0 $SERVE_ARGS >"$WORK/serve.out" 2>"$WORK/serve.log" &
  FK_PID=$!
  for ((i = 0; i < 6000; i++)); do
    grep -q 'listening on' "$WORK/serve.out" 2>/dev/null && break
    kill -0 "$FK_PID" 2>/dev/null || die "fangkong did not start: $(tail -5 "$WORK/serve.log")"
    sleep 0.05
  done
  BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve.out")
  [ -n "$BASE" ] || die "fangkong did not listen"
}
# login USER JAR: CSRF and COOKIE set
login() {
  local reply
  reply=$(curl -sf -c "$2" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || die "login of $1 failed"
  CSRF=$(json_str csrf "$reply")
  COOKIE="fk_session=$(awk '$6 == "fk_session" {print $7}' "$2")"
  [ -n "$CSRF" ] || die "no session from login: $reply"
}
# post PATH BODY (as the commander): the answer's body; 200 or 201
post() {
  local out code
  out=$(curl -s -b "$WORK/cmd.jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CMD_CSRF" \
    -w '\n%{http_code}' -d "$2" "$BASE$1") || die "POST $1: curl failed"
  code=${out##*$'\n'}
  [ "$code" = 200 ] || [ "$code" = 201 ] || die "POST $1 answered $code: ${out%$'\n'*}"
  printf '%s' "${out%$'\n'*}"
}

say "machine"
echo "   $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1); $(uname -sr)"
echo "   load $(cut -d' ' -f1-3 /proc/loadavg); database in $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
echo "   server $SRC_BIN, source $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "?")"

DB=$WORK/gate.db
say "setup: a closure of $VILLAGE, $HOUSEHOLDS households and passes, $GATES gates with a guard each"
"$BIN" init --db "$DB" --county "$COUNTY" >/dev/null 2>&1 || die "init failed"
echo "$PASSWORD" | "$BIN" user add --db "$DB" --username cmd --role commander --area "$TOWNSHIP" >/dev/null || die "user add cmd"
for ((g = 1; g <= GATES; g++)); do
  echo "$PASSWORD" | "$BIN" user add --db "$DB" --username "guard$g" --role gate_guard --area "$TOWNSHIP" >/dev/null ||
    die "user add guard$g"
done
start_server
login cmd "$WORK/cmd.jar"
CMD_CSRF=$CSRF
CL=$(json_str id "$(post /api/v1/closures "{\"uuid\":\"$(uuid)\",\"area\":\"$VILLAGE\",\"from\":\"$(TZ=Asia/Shanghai date +%F)\"}")")
[ -n "$CL" ] || die "no closure"
{
  echo '户主,地址,人数,电话'
  for ((i = 1; i <= HOUSEHOLDS; i++)); do echo "户主$i,社渚村$((i / 50 + 1))组$i号,$((i % 5 + 1)),"; done
} >"$WORK/households.csv"
IMP=$(curl -s -b "$WORK/cmd.jar" -H "X-CSRF-Token: $CMD_CSRF" -F "uuid=$(uuid)" -F "file=@$WORK/households.csv" \
  "$BASE/api/v1/closures/$CL/households/import")
echo "   import: $IMP" | cut -c1-200
BATCH=$(post "/api/v1/closures/$CL/passes/batch" "{\"uuid\":\"$(uuid)\"}")
echo "   batch: $BATCH"
: >"$WORK/numbers.txt"
for ((p = 1; p <= (HOUSEHOLDS + 99) / 100; p++)); do
  curl -sf -b "$WORK/cmd.jar" "$BASE/api/v1/closures/$CL/passes?kind=resident&page=$p" |
    grep -o '"number":"[^"]*"' | sed 's/"number":"\(.*\)"/\1/' >>"$WORK/numbers.txt"
done
[ "$(wc -l <"$WORK/numbers.txt")" -ge "$HOUSEHOLDS" ] || die "only $(wc -l <"$WORK/numbers.txt") passes"
: >"$WORK/sessions.txt"
for ((g = 1; g <= GATES; g++)); do
  GID=$(json_str id "$(post "/api/v1/closures/$CL/gates" "{\"uuid\":\"$(uuid)\",\"name\":\"${g}号门\"}")")
  UID_=$(sqlite3 "$DB" "SELECT id FROM app_user WHERE username = 'guard$g'")
  post "/api/v1/gates/$GID/guards" "{\"uuid\":\"$(uuid)\",\"user_id\":\"$UID_\"}" >/dev/null
  login "guard$g" "$WORK/guard$g.jar"
  printf '%s\t%s\n' "$COOKIE" "$CSRF" >>"$WORK/sessions.txt"
done
echo "   $(wc -l <"$WORK/numbers.txt") passes, $GATES guards signed in"

declare -A R
for kind in check record; do
  say "$kind: $CONCURRENCY connections over $GATES guards, ${DURATION} s (bench/gate_load.mjs)"
  t0=$(cpu_ticks "$FK_PID")
  node bench/gate_load.mjs "$kind" --base "$BASE" --sessions "$WORK/sessions.txt" --numbers "$WORK/numbers.txt" \
    --concurrency "$CONCURRENCY" --seconds "$DURATION" >"$WORK/$kind.txt" 2>&1 || die "gate_load failed: $(tail -3 "$WORK/$kind.txt")"
  t1=$(cpu_ticks "$FK_PID")
  sed 's/^/   /' "$WORK/$kind.txt"
  LINE=$(sed -n 's/^LOAD //p' "$WORK/$kind.txt")
  [ -n "$LINE" ] || die "no result"
  [ "$(kv other "$LINE")" = 0 ] && [ "$(kv sockerr "$LINE")" = 0 ] || die "$kind: non-2xx answers or socket errors"
  CPU=$(awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$(kv requests "$LINE")" \
    'BEGIN { if (n > 0) printf "%.0f", d / hz * 1e6 / n; else print "n/a" }')
  R[$kind]="$(kv rps "$LINE") $(kv p50 "$LINE") $(kv p99 "$LINE") $CPU $(kv green "$LINE") $(kv red "$LINE") $(kv s201 "$LINE")"
done

say "stop (SIGTERM), fangkong check, count the records"
stop_server
"$BIN" check --db "$DB" >"$WORK/check.out" 2>&1 || die "fangkong check failed: $(cat "$WORK/check.out")"
grep -E 'integrity|closure counts' "$WORK/check.out" | sed 's/^/   /'
read -r _ _ _ _ _ _ ACKED <<<"${R[record]}"
STORED=$(sqlite3 "$DB" "SELECT count(*) FROM gate_record")
EXITS=$(sqlite3 "$DB" "SELECT coalesce(sum(n), 0) FROM closure_exit")
echo "   acknowledged (201) $ACKED, records in the database $STORED, exits counted $EXITS"
[ "$STORED" -ge "$ACKED" ] || die "only $STORED records for $ACKED acknowledged"

say "results ($HOUSEHOLDS households, $GATES gates, $CONCURRENCY connections)"
printf '   %-8s %10s %9s %9s %12s %8s %8s\n' "" "req/s" "p50 ms" "p99 ms" "CPU us/req" "green" "red"
for kind in check record; do
  read -r rps p50 p99 cpu green red _ <<<"${R[$kind]}"
  printf '   %-8s %10s %9s %9s %12s %8s %8s\n' "$kind" "$rps" "$p50" "$p99" "$cpu" "$green" "$red"
done
