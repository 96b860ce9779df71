#!/usr/bin/env bash
# Fails when a C++ file differs from clang-format-14's output. `scripts/format.sh` fixes it.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -co --exclude-standard '*.h' '*.cc' | xargs -r clang-format-14 --dry-run -Werror
