#!/usr/bin/env bash
# Fuzzes every target with libFuzzer for SECONDS each (default 60), growing the corpus in
# tests/fuzz/corpus/TARGET. A crash leaves crash-* here: add it to the corpus (it then runs
# in every `make test` through test_fuzz_corpus) and fix the code.
# Then fuzzes the request line and headers through the real server (the ASan build, when
# `make asan` made it) for SECONDS with tests/fuzz/http_fuzz.mjs, growing
# tests/fuzz/corpus/http; its crash-* inputs land in that corpus and are replayed by
# tests/api/http_hardening.test.mjs.
#   tests/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=build-fuzz
mkdir -p "$out"
flags=(-std=c17 -D_GNU_SOURCE -g -O1 -Isrc -Itests/fuzz -fsanitize=fuzzer,address,undefined)
srcs=$(ls src/*/*.c src/store/sqlite/*.c | grep -v -e src/main.c -e src/cli/)
libs="$(pkg-config --libs libmicrohttpd jansson sqlite3 libsodium libzip expat freexl libcurl libqrencode) -lxlsxwriter"
for t in text route sheet plate; do
  # embedded assets are not needed by the targets
  clang "${flags[@]}" tests/fuzz/fuzz_$t.c tests/fuzz/targets.c $srcs \
    $libs -lcsv -lpthread -o "$out/fuzz_$t"
  mkdir -p tests/fuzz/corpus/$t
  "$out/fuzz_$t" -max_total_time="$secs" -max_len=4096 tests/fuzz/corpus/$t
done
if [ -x "${FANGKONG_BIN:-build-asan/fangkong}" ]; then
  FANGKONG_BIN=${FANGKONG_BIN:-build-asan/fangkong} node tests/fuzz/http_fuzz.mjs "$secs" --save
else
  echo "http_fuzz: no build-asan/fangkong (make asan), skipped"
fi
