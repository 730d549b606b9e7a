#!/usr/bin/env bash
# Memory does not grow with the number of subjects: a population 20 times larger peaks at
# (almost) the same resident memory (summary.json: extra.peak_resident_MiB). Ratios only, no
# absolute limits: they depend on the machine.
# Usage: memory_is_bounded.sh SMARTNANO SCENARIO_WITH_SIZE_PLACEHOLDER
set -euo pipefail
bin=$1
template=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
peak() {
  sed "s/SIZE/$1/" "$template" > "$work/s$1.yaml"
  "$bin" simulate "$work/s$1.yaml" --out "$work/out$1" --threads 2 --chunk 256 --quiet
  rows=$(($(wc -l < "$work/out$1/subject_summaries.csv") - 1))
  [ "$rows" -eq "$1" ] || { echo "FAIL: $rows summary rows for $1 subjects" >&2; exit 1; }
  sed -n 's/^ *"peak_resident_MiB": \([0-9.e+]*\),*$/\1/p' "$work/out$1/summary.json"
}
small=$(peak 1000)
large=$(peak 20000)
echo "peak resident memory: 1000 subjects $small MiB, 20000 subjects $large MiB"
awk -v s="$small" -v l="$large" 'BEGIN { exit !(l <= 1.15 * s + 4) }' ||
  { echo "FAIL: memory grew with the number of subjects" >&2; exit 1; }
