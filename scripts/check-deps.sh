#!/usr/bin/env bash
# Enforces that each third-party library stays in its own folder (docs/ARCHITECTURE.md) and that
# time is only read through common/clock.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
check() {  # pattern, allowed path regex, what
  local hits
  # Matches inside comments (a "//" before the match) do not count.
  hits=$(git grep -nE "$1" -- daemon | grep -vE "$2" | grep -vE "^[^:]+:[0-9]+:.*//.*($1)" || true)
  if [ -n "$hits" ]; then
    echo "check-deps: $3 outside its place:" >&2
    echo "$hits" >&2
    status=1
  fi
}
check '#include <microhttpd\.h>' '^daemon/http/server\.cc:' "libmicrohttpd"
check '#include <yaml-cpp/' '^daemon/config/loader\.cc:' "yaml-cpp"
check '#include <openssl/' '^daemon/crypto/' "OpenSSL"
check '#include <nlohmann/' '^daemon/(policy|crypto|stsapi|app)/' "nlohmann/json"
check '(system_clock|steady_clock)::now\(' '^daemon/common/clock\.cc:' "reading the clock"
check '(=|\(|,|return)[[:space:]]*new[[:space:]]+[A-Za-z_:]' 'NOLINT\(cppcoreguidelines-owning-memory\)' "raw new"
exit $status
