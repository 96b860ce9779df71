#!/usr/bin/env bash
# Formats every C++ file in place with clang-format-14.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -co --exclude-standard '*.h' '*.cc' | xargs -r clang-format-14 -i
