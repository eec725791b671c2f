#!/usr/bin/env bash
# Runs every test of fangkong and ends with one line "N passed, N failed".
#   unit     cmocka tests, on the normal build and again under ASan + UBSan
#   api      HTTP tests against the real server built with ASan + UBSan
#            (then api-logs: no server log of the suite holds an ID number or phone it sent)
#   security the outside probe (tests/security): every route × role × another township's
#            objects, hostile request targets, slow clients, hostile files; on build-asan
#   crash    SIGKILL during concurrent writes, then check nothing acknowledged was lost
#   api-pg   the API suite again on PostgreSQL (build-asan): a throwaway cluster is started
#            first (tests/pg/with-cluster.mjs: initdb in a temp dir, a free port, its socket
#            in the dir), each test server gets a fresh database in it, and the cluster is
#            stopped by its PID when the suite ends
#   crash-pg the crash tests on PostgreSQL the same way (build): SIGKILL of fangkong, two
#            servers on one database with one killed, an immediate stop of PostgreSQL
#   e2e      the web console in headless Chromium
#   pg       the throwaway PostgreSQL cluster the PostgreSQL suites run on (tests/pg)
#   tsan     the unit tests and the API suite again, built with ThreadSanitizer ($TSAN_BUILD,
#            default build-tsan; `make tsan` builds it first). TSan and ASan cannot share a
#            build. Reports inside third-party libraries are listed in tests/tsan.supp.
#   ops      the service units (systemd-analyze verify and security, the hardening directives)
#            and `make install DESTDIR=…` of build/fangkong: files, modes, the kept env file;
#            the nginx example in front of a server (skipped without nginx)
# Called by `make test` (which builds the three builds first). Suites can be chosen:
#   tests/run.sh unit api
set -uo pipefail
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$PWD/tests/tsan.supp:second_deadlock_stack=1}
tsan_build=${TSAN_BUILD:-build-tsan}
wrap=() # a command the test binaries run under (setarch for TSan, see tsan_wrap)
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit api security crash api-pg crash-pg e2e pg tsan ops)
logdir=$(mktemp -d /tmp/fangkong-tests.XXXXXX)
passed=0
failed=0
failures=()

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:"
run_cmocka() {
  local build=$1 t out p f
  for t in "$build"/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    out="$logdir/$(basename "$build")-$(basename "$t").log"
    "${wrap[@]}" "$t" >"$out" 2>&1
    local rc=$?
    p=$(grep -oE '^\[  PASSED  \] [0-9]+' "$out" | grep -oE '[0-9]+$' || true)
    f=$(grep -oE '^\[  FAILED  \] [0-9]+ test' "$out" | grep -oE '[0-9]+' || true)
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed or sanitizer stop
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -gt 0 ]; then
      failures+=("$build/$(basename "$t")")
      cat "$out"
    fi
    printf '%-32s %3d passed, %d failed\n' "$(basename "$build")/$(basename "$t")" "$p" "$f"
  done
}

# node --test with the TAP reporter ends with "# pass N" and "# fail N". Arguments after the
# binary: a command node --test runs under (tests/pg/with-cluster.mjs for the PostgreSQL suites).
run_node() {
  local name=$1 dir=$2 bin=$3 out="$logdir/$1.log" p f
  shift 3
  local under=("$@")
  [ -d "$dir" ] && ls "$dir"/*.test.mjs >/dev/null 2>&1 || { echo "$name: no tests"; return; }
  FANGKONG_BIN=$bin "${wrap[@]}" "${under[@]}" node --test --test-reporter=tap --test-concurrency=1 "$dir"/*.test.mjs >"$out" 2>&1
  local rc=$?
  p=$(grep -E '^# pass [0-9]+' "$out" | tail -1 | grep -oE '[0-9]+$' || true)
  f=$(grep -E '^# fail [0-9]+' "$out" | tail -1 | grep -oE '[0-9]+$' || true)
  p=${p:-0}
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -gt 0 ]; then
    failures+=("$name")
    grep -vE '^ *(duration_ms|\.\.\.|---|type:)' "$out" | tail -150
  fi
  printf '%-32s %3d passed, %d failed\n' "$name" "$p" "$f"
}

# Runs a suite (the command after the name) with FANGKONG_LOG_DIR set, so tests/api/lib.mjs
# keeps every server's log and the ID numbers and phones sent; then tests/logs (suite NAME)
# looks for those numbers in those logs: nothing personal may be logged (issue 16).
logged() {
  local name=$1
  shift
  export FANGKONG_LOG_DIR="$logdir/$name"
  mkdir -p "$FANGKONG_LOG_DIR"
  "$@"
  run_node "$name" tests/logs build/fangkong
  unset FANGKONG_LOG_DIR
}

# TSan of gcc 12 stops at start ("unexpected memory mapping") on kernels that randomise
# mmap with more than 28 bits (vm.mmap_rnd_bits); without address randomisation it runs.
tsan_wrap() {
  if "$tsan_build/fangkong" --version 2>&1 | grep -q 'unexpected memory mapping'; then
    wrap=(setarch "$(uname -m)" -R)
  fi
}

for s in "${suites[@]}"; do
  case $s in
    unit)  run_cmocka build; run_cmocka build-asan ;;
    api)   logged api-logs run_node api tests/api build-asan/fangkong ;;
    security) run_node security tests/security build-asan/fangkong ;;
    crash) run_node crash tests/crash build/fangkong ;;
    api-pg)   logged api-pg-logs run_node api-pg tests/api build-asan/fangkong node tests/pg/with-cluster.mjs ;;
    crash-pg) run_node crash-pg tests/crash build/fangkong node tests/pg/with-cluster.mjs ;;
    e2e)   run_node e2e tests/e2e build/fangkong ;;
    pg)    run_node pg tests/pg build/fangkong ;;
    tsan)  tsan_wrap; run_cmocka "$tsan_build"; run_node api-tsan tests/api "$tsan_build/fangkong"; wrap=() ;;
    ops)   run_node ops tests/ops build/fangkong ;;
    *) echo "unknown suite $s"; failed=$((failed + 1)) ;;
  esac
done

[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]} (logs in $logdir)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
