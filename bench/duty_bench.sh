#!/usr/bin/env bash
# bench/duty_bench.sh — 24-hour duty (值班值守, issue 15): who is on duty now for a whole
# county. GET /api/v1/duty/board must answer in < 5 ms for a county of about 20 townships and
# 400 villages (printed, never enforced).
#
# A fresh database of 溧阳市 (320481: 14 townships, 244 villages) grown to TOWNSHIPS (20)
# townships and at least VILLAGES (400) villages with made-up areas, CHECKPOINTS (30) open
# checkpoints, and a roster for every post (county, townships, villages, checkpoints) over
# DAYS (90) days around today — a leader and two officers a shift, 1 shift in 20 left empty
# (a gap) — written straight into it by sqlite3 (the server stopped), the slots' instants
# computed as the server computes them (local midnight + the shift's hour, Asia/Shanghai).
# Then a release build serves it and, as the county's admin, REQUESTS (300) requests each,
# one after another on one keep-alive connection:
#   GET /api/v1/duty/board                     every post of the county with its shift now
#   GET /api/v1/duty/now?area=VILLAGE          a village's chain up to the county
# the server's own time of each (its access log, 0.1 ms) and the client's (curl), p50, p95,
# p99 and max. The board must list every post, and its gaps must equal the empty slots now.
#
# Exits 0 whatever the figures; non-zero only when something broke (a process, a non-2xx
# answer, a wrong count).
#
# Knobs (environment): TOWNSHIPS (20), VILLAGES (400), CHECKPOINTS (30), DAYS (90), REQUESTS
# (300), FANGKONG_BIN (build-release/fangkong, built with --buildtype=release when missing;
# copied into the temp dir), TMPDIR (where the database lives), BENCH_KEEP=1 (keep the temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC_BIN=${FANGKONG_BIN:-$ROOT/build-release/fangkong}
TOWNSHIPS=${TOWNSHIPS:-20}
VILLAGES=${VILLAGES:-400}
CHECKPOINTS=${CHECKPOINTS:-30}
DAYS=${DAYS:-90}
REQUESTS=${REQUESTS:-300}
COUNTY=320481
VILLAGE=320481116200 # 社渚村村委会
PASSWORD='Bench-Duty-Pass-2026'

say() { printf '== %s\n' "$*"; }
die() { printf 'duty_bench: %s\n' "$*" >&2; exit 1; }

for c in curl sqlite3 awk sort python3; do command -v "$c" >/dev/null || die "$c is missing"; done
if [ ! -x "$SRC_BIN" ] && [ -z "${FANGKONG_BIN:-}" ]; then
  say "building a release server in build-release"
  [ -f build/gen/assets.c ] || die "no build/gen/assets.c: run make build first"
  [ -f build-release/build.ninja ] ||
    meson setup build-release --buildtype=release -Dassets_c="$ROOT/build/gen/assets.c" >/dev/null
  nice ninja -C build-release fangkong >/dev/null
fi
[ -x "$SRC_BIN" ] || die "no server binary at $SRC_BIN"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-duty-bench.XXXXXX")
BIN=$WORK/fangkong
cp "$SRC_BIN" "$BIN"
DB=$WORK/fk.db
FK_PID=

cleanup() {
  local rc=$? i
  if [ -n "$FK_PID" ] && kill -0 "$FK_PID" 2>/dev/null; then
    kill -TERM "$FK_PID" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do kill -0 "$FK_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$FK_PID" 2>/dev/null && kill -KILL "$FK_PID" 2>/dev/null
    wait "$FK_PID" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "duty_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pct() { # FILE: "p50 p95 p99 max" of the numbers in FILE (nearest rank), in ms
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a n/a n/a n/a"; exit }
    a = int(NR * 0.5 + 0.999999); b = int(NR * 0.95 + 0.999999); c = int(NR * 0.99 + 0.999999)
    printf "%.2f %.2f %.2f %.2f\n", v[a], v[b], v[c], v[NR] }'
}

say "machine"
echo "   $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1); $(uname -sr)"
echo "   load $(cut -d' ' -f1-3 /proc/loadavg); database in $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
echo "   server $SRC_BIN, source $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"

say "a county of $TOWNSHIPS townships, $VILLAGES villages, $CHECKPOINTS checkpoints; rosters over $DAYS days"
"$BIN" init --db "$DB" --county "$COUNTY" >/dev/null 2>"$WORK/init.log" || die "init failed: $(tail -3 "$WORK/init.log")"
printf '%s\n' "$PASSWORD" | "$BIN" user add --db "$DB" --username admin --role admin --area "$COUNTY" >/dev/null 2>&1 ||
  die "user add failed"
python3 - "$DB" "$TOWNSHIPS" "$VILLAGES" "$CHECKPOINTS" "$DAYS" >"$WORK/gen.out" <<'PY'
import datetime, json, sqlite3, sys, uuid
db, townships, villages, checkpoints, days = sys.argv[1], *map(int, sys.argv[2:])
c = sqlite3.connect(db)
now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
out = ["BEGIN;"]
q = lambda s: "'" + s.replace("'", "''") + "'"
towns = [r[0] for r in c.execute("SELECT code FROM area WHERE level = 2 ORDER BY code")]
nvill = c.execute("SELECT count(*) FROM area WHERE level = 3").fetchone()[0]
k = 900
while len(towns) < townships:  # made-up townships 320481900, 901, …
    code = f"320481{k}"; k += 1
    out.append(f"INSERT INTO area(code, parent, level, name, official, created_at, updated_at) VALUES ({q(code)}, '320481', 2, {q('测试镇' + code[-3:])}, 0, {now}, {now});")
    towns.append(code)
i = 0
while nvill < villages:  # made-up villages 9xx under every township in turn
    t = towns[i % len(towns)]; n = 900 + i // len(towns); i += 1
    code = f"{t}{n}"
    out.append(f"INSERT INTO area(code, parent, level, name, official, created_at, updated_at) VALUES ({q(code)}, {q(t)}, 3, {q('测试村' + code[-6:])}, 0, {now}, {now});")
    nvill += 1
cps = []
for j in range(checkpoints):
    cid = str(uuid.uuid4()); cps.append(cid)
    out.append(f"INSERT INTO checkpoint(id, name, kind, area_code, opened_on, shift_starts, created_at, updated_at) VALUES ({q(cid)}, {q(f'测试卡口{j}')}, 'road', {q(towns[j % len(towns)])}, 20200101, '8,20', {now}, {now});")
out.append("COMMIT;")
sql_areas = "\n".join(out)
c.executescript(sql_areas)
posts = [r[0] for r in c.execute("SELECT code FROM area WHERE level <= 3")] + cps
tz = datetime.timezone(datetime.timedelta(hours=8))
today = datetime.datetime.now(tz).date()
leader = lambda p, d: json.dumps({"name": "带班" + p[-3:], "phone": "0519-87654321", "user_id": None}, ensure_ascii=False, separators=(",", ":"))
officers = json.dumps([{"name": "值班甲", "phone": "13800000001", "user_id": None}, {"name": "值班乙", "phone": "13800000002", "user_id": None}], ensure_ascii=False, separators=(",", ":"))
rows = 0; gaps_now = 0
nowdt = datetime.datetime.now(tz)
c.execute("BEGIN")
for di in range(-days // 2, days - days // 2):
    d = today + datetime.timedelta(days=di)
    midnight = int(datetime.datetime(d.year, d.month, d.day, tzinfo=tz).timestamp())
    for pi, p in enumerate(posts):
        for idx, (h1, h2) in enumerate(((8, 20), (20, 32))):
            start, end = midnight + h1 * 3600, midnight + h2 * 3600
            empty = (pi * 7 + di * 3 + idx) % 20 == 0
            if start <= now < end and empty:
                gaps_now += 1
            c.execute("INSERT INTO duty_slot(post_id, day, idx, start_at, end_at, leader, officers, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                      (p, int(d.strftime("%Y%m%d")), idx, start, end, None if empty else leader(p, d), "[]" if empty else officers, now))
            rows += 1
c.execute("COMMIT")
print(f"-- posts={len(posts)} slots={rows} gaps_now={gaps_now} townships={len(towns)} villages={nvill}")
PY
GEN=$(head -1 "$WORK/gen.out")
POSTS=$(sed -n 's/.*posts=\([0-9]*\).*/\1/p' <<<"$GEN")
GAPS=$(sed -n 's/.*gaps_now=\([0-9]*\).*/\1/p' <<<"$GEN")
echo "   ${GEN#-- }"
"$BIN" check --db "$DB" >/dev/null 2>&1 || die "fangkong check failed on the generated database"

say "serving (release build)"
"$BIN" serve --db "$DB" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
FK_PID=$!
for ((i = 0; i < 6000; i++)); do
  grep -q 'listening on' "$WORK/serve.out" 2>/dev/null && break
  kill -0 "$FK_PID" 2>/dev/null || die "fangkong did not start: $(tail -5 "$WORK/serve.log")"
  sleep 0.05
done
BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve.out")
[ -n "$BASE" ] || die "fangkong did not listen"
JAR=$WORK/jar
reply=$(curl -sf -c "$JAR" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || die "login failed"
[ -n "$(json_str csrf "$reply")" ] || die "no session: $reply"

# the board's answer checked once
board=$(curl -sf -b "$JAR" "$BASE/api/v1/duty/board") || die "GET /duty/board failed"
read -r n g < <(python3 -c 'import json,sys; b=json.load(sys.stdin); print(len(b["items"]), b["gaps"])' <<<"$board")
[ "$n" = "$POSTS" ] || die "the board lists $n posts, not $POSTS"
[ "$g" = "$GAPS" ] || die "the board counts $g gaps, not $GAPS"
echo "   the board: $n posts, $g gaps now, $(printf '%s' "$board" | wc -c) bytes"

run() { # NAME PATH: REQUESTS sequential requests on one connection; server and client times
  local name=$1 path=$2 cfg=$WORK/$1.curl
  : >"$cfg"
  for ((i = 0; i < REQUESTS; i++)); do printf 'url = "%s%s"\noutput = "/dev/null"\n' "$BASE" "$path" >>"$cfg"; done
  local before t0 t1
  before=$(wc -l <"$WORK/serve.log")
  t0=$(cpu_ticks "$FK_PID")
  curl -s -b "$JAR" -K "$cfg" -w '%{http_code} %{time_total}\n' >"$WORK/$name.client" || die "curl $path failed"
  t1=$(cpu_ticks "$FK_PID")
  awk '$1 != 200 { bad++ } END { exit bad > 0 }' "$WORK/$name.client" || die "GET $path: a non-200 answer"
  awk '{ printf "%.3f\n", $2 * 1000 }' "$WORK/$name.client" >"$WORK/$name.c"
  tail -n +"$((before + 1))" "$WORK/serve.log" | grep -F " GET ${path%%\?*} 200 " |
    sed -n 's/.* 200 \([0-9.]*\)ms .*/\1/p' >"$WORK/$name.s"
  read -r s50 s95 s99 smax < <(pct "$WORK/$name.s")
  read -r c50 c95 c99 cmax < <(pct "$WORK/$name.c")
  printf '   %-32s server p50 %6s  p95 %6s  p99 %6s  max %6s ms | client p50 %6s  p95 %6s  p99 %6s ms | server CPU %s ms/req\n' \
    "GET ${path%%\?*}" "$s50" "$s95" "$s99" "$smax" "$c50" "$c95" "$c99" \
    "$(awk -v t=$((t1 - t0)) -v n="$REQUESTS" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t * 1000 / hz / n }')"
}

say "$REQUESTS requests each, one after another (server: its access log; client: curl)"
run board /api/v1/duty/board
run now "/api/v1/duty/now?area=$VILLAGE"
# the ceiling: the board's two statements (as sq_duty.c runs them: the posts, then the slots
# going on) by SQLite alone on the same file, their CPU summed
NOW=$(date +%s)
TODAY=$(TZ=Asia/Shanghai date +%Y%m%d)
YESTERDAY=$(TZ=Asia/Shanghai date -d yesterday +%Y%m%d)
POSTS_SQL="SELECT p.id, p.kind, p.area, p.name, p.area_name, p.level, p.phone, p.shifts FROM (SELECT
 a.code AS id, 'area' AS kind, a.code AS area, a.name AS name, a.name AS area_name, a.level AS level,
 a.duty_phone AS phone, coalesce(d.shifts, '8,20') AS shifts, 0 AS ord FROM area a LEFT JOIN
 duty_post d ON d.id = a.code WHERE a.level <= 3 AND a.code >= '$COUNTY' AND a.code < '$((COUNTY + 1))'
 UNION ALL SELECT c.id, 'checkpoint', c.area_code, c.name, coalesce(ca.name, ''), 0,
 coalesce(d.phone, ''), coalesce(d.shifts, c.shift_starts), 1 FROM checkpoint c LEFT JOIN area ca
 ON ca.code = c.area_code LEFT JOIN duty_post d ON d.id = c.id WHERE c.closed_on IS NULL
 AND c.area_code >= '$COUNTY' AND c.area_code < '$((COUNTY + 1))') p ORDER BY p.area, p.ord, p.name, p.id;"
SLOTS_SQL="SELECT post_id, day, idx, coalesce(leader, ''), officers FROM duty_slot
 WHERE day BETWEEN $YESTERDAY AND $TODAY AND start_at <= $NOW AND end_at > $NOW;"
{ echo 'PRAGMA cache_size=-16000;'; echo '.timer on'; echo '.output /dev/null'
  for ((i = 0; i < REQUESTS; i++)); do echo "$POSTS_SQL"; echo "$SLOTS_SQL"; done; } |
  sqlite3 "file:$DB?mode=ro" >"$WORK/sql.timer" 2>&1 || die "sqlite3 failed"
# two timer lines a board: summed pairwise
sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' "$WORK/sql.timer" |
  awk 'NR % 2 { r = $1; next } { printf "%.3f\n", (r + $1) * 1000 }' >"$WORK/sql.s"
sed -n 's/^Run Time: real [0-9.]* user \([0-9.]*\) sys \([0-9.]*\).*/\1 \2/p' "$WORK/sql.timer" |
  awk 'NR % 2 { c = $1 + $2; next } { printf "%.3f\n", (c + $1 + $2) * 1000 }' >"$WORK/sql.cpu"
read -r q50 q95 q99 qmax < <(pct "$WORK/sql.s")
read -r u50 _ _ _ < <(pct "$WORK/sql.cpu")
printf '   %-32s sqlite3 p50 %6s  p95 %6s  p99 %6s  max %6s ms | CPU p50 %s ms (the ceiling)\n' "the board's statements alone" "$q50" "$q95" "$q99" "$qmax" "$u50"
echo "   target: /duty/board < 5 ms for the county (printed, not enforced)"
