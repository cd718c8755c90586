#!/usr/bin/env bash
# The main job on bundled sample data; prints a short summary and where the results are.
set -euo pipefail
ics=${1:-build/ics}
out=out/demo
mkdir -p "$out"
echo "demo: not yet wired (see issue 2)"
