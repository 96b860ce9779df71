#!/usr/bin/env bash
# The full test suite: what the README tells you to run and what CI runs.
#   1. format and dependency-direction checks
#   2. release-like build (warnings as errors), unit + integration tests with real clients
#   3. AddressSanitizer + UndefinedBehaviorSanitizer build, unit tests
#   4. ThreadSanitizer build of the components with threads of their own or shared state
#      (per-thread caches, credential rotation with concurrent readers, the audit writer,
#      MFA replay refusal under concurrent requests)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

scripts/check-format.sh
scripts/check-deps.sh

cmake -S . -B build -DIMDSD_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DIMDSD_WERROR=ON \
  -DIMDSD_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -L unit --output-on-failure -j"$jobs"

tsan_tests=(crypto_test imds_test sts_test iam_test stsapi_test stsservice_test)
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DIMDSD_WERROR=ON -DIMDSD_SANITIZE=thread >/dev/null
cmake --build build-tsan -j"$jobs" --target "${tsan_tests[@]}"
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan -L unit --output-on-failure -j"$jobs" \
  -R "^($(IFS='|'; echo "${tsan_tests[*]}"))\\."

echo "test.sh: all tests passed"
