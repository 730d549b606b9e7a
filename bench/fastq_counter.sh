#!/usr/bin/env bash
# Benchmark of `smartnano barcodes` (docs/barcodes.md): generates READS synthetic reads
# (bench/fastq_gen.cpp; 100 bases, 12-base barcodes after the flank CTGCAG, 96 barcodes), writes
# them plain and gzip (gzip -1), and times on each file
#   - the floor: `wc -l FILE` (plain) and `zcat FILE | wc -l` (gzip),
#   - smartnano barcodes --flank CTGCAG --mismatches 1 with THREADS threads (gzip: with each
#     gzip decoder of the build, ISA-L and zlib),
#   - an awk | sort | uniq -c pipeline counting the exact barcodes after the flank.
# Prints wall seconds, CPU seconds (user + system, all threads), reads/s and the ratio of wall
# times to the floor. On a machine shared with other work the CPU seconds are the steadier
# measure. Not part of the test suite.
# Usage: bench/fastq_counter.sh [SMARTNANO] [READS] [WORKDIR]   (THREADS=n in the environment)
set -euo pipefail

smartnano="${1:-build/apps/smartnano/smartnano}"
reads="${2:-20000000}"
work="${3:-$(mktemp -d "${TMPDIR:-/tmp}/fastq-bench.XXXXXX")}"
threads="${THREADS:-$(nproc)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$work"

seconds() {  # "wall cpu" seconds a command takes, its output discarded
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
  read -r wall user sys <<<"$t"
  echo "$wall $(echo "$user + $sys" | bc -l)"
}

if [[ ! -s "$work/reads.fastq" || ! -s "$work/reads.fastq.gz" ]]; then
  echo "generating $reads reads in $work ..."
  g++ -O2 -std=c++17 "$here/fastq_gen.cpp" -o "$work/fastq_gen"
  "$work/fastq_gen" "$reads" "$work/whitelist.csv" >"$work/reads.fastq"
  gzip -1 -c "$work/reads.fastq" >"$work/reads.fastq.gz"
fi
plain_mb=$(($(stat -c %s "$work/reads.fastq") / 1000000))
gzip_mb=$(($(stat -c %s "$work/reads.fastq.gz") / 1000000))

awk_count() {
  LC_ALL=C awk 'NR % 4 == 2 { i = index($0, "CTGCAG"); if (i) print substr($0, i + 6, 12) }' \
    | LC_ALL=C sort | LC_ALL=C uniq -c
}
floor_plain() { wc -l "$work/reads.fastq"; }
floor_gzip() { zcat "$work/reads.fastq.gz" | wc -l; }
awk_plain() { awk_count <"$work/reads.fastq"; }
awk_gzip() { zcat "$work/reads.fastq.gz" | awk_count; }
ours() {
  "$smartnano" barcodes "$1" -w "$work/whitelist.csv" --flank CTGCAG --mismatches 1 \
    --threads "$threads" --sample bench -o "$work/out" "${@:2}"
}
ours_plain() { ours "$work/reads.fastq"; }
ours_gzip() { ours "$work/reads.fastq.gz" --gzip-decoder isal; }
ours_gzip_zlib() { ours "$work/reads.fastq.gz" --gzip-decoder zlib; }

ours_plain >/dev/null  # warm the page cache
echo "reads: $reads; plain ${plain_mb} MB, gzip ${gzip_mb} MB; smartnano with $threads thread(s)"
printf '%-6s %-30s %9s %9s %14s %10s\n' file tool wall-s cpu-s reads/s vs-floor
for kind in plain gzip; do
  rows=("wc -l:floor_$kind" "smartnano barcodes:ours_$kind" "awk|sort|uniq:awk_$kind")
  if [[ $kind == gzip ]]; then
    rows=("zcat|wc -l:floor_$kind" "smartnano barcodes (isal):ours_gzip"
          "smartnano barcodes (zlib):ours_gzip_zlib" "zcat|awk|sort|uniq:awk_$kind")
  fi
  t_floor=""
  for row in "${rows[@]}"; do
    name="${row%%:*}"
    read -r wall cpu <<<"$(seconds "${row##*:}")"
    [[ -z "$t_floor" ]] && t_floor="$wall"
    [[ "$name" == smartnano* && -z "${t_ours:-}" ]] && t_ours="$wall"
    [[ "$name" == *awk* ]] && t_awk="$wall"
    printf '%-6s %-30s %9.2f %9.2f %14.0f %9.2fx\n' "$kind" "$name" "$wall" "$cpu" \
      "$(echo "$reads / $wall" | bc -l)" "$(echo "$wall / $t_floor" | bc -l)"
  done
  printf '%-6s smartnano is %.1fx faster than awk|sort|uniq\n' "$kind" \
    "$(echo "$t_awk / $t_ours" | bc -l)"
  unset t_ours
done
cat "$work/out/barcode_summary.csv"
