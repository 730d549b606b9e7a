#!/usr/bin/env bash
# Runs the formulation-screen example and checks it end to end: the ranked table and front,
# then the simulated FASTQ of the barcoded pool read back through `smartnano barcodes` at each
# depth, whose counts must match the simulated ones (reads with two substitutions in the
# barcode, about 66 per million at a 0.1 % error rate, may be lost or moved).
#   check_screen_example.sh SMARTNANO SCENARIO OUTDIR CANDIDATES
set -euo pipefail
smartnano=$1 scenario=$2 out=$3 candidates=$4
rm -rf "$out"
"$smartnano" run "$scenario" -o "$out"
for f in screen_candidates.csv screen_front.csv screen_summary.json pareto.svg \
         pool_delivery.csv pool_recovery_summary.csv pool_summary.json pool_fastq/whitelist.csv; do
  test -s "$out/$f" || { echo "missing $f"; exit 1; }
done
got=$(($(wc -l < "$out/screen_candidates.csv") - 1))
[ "$got" -eq "$candidates" ] || { echo "expected $candidates candidates, got $got"; exit 1; }
front=$(($(wc -l < "$out/screen_front.csv") - 1))
[ "$front" -ge 1 ] || { echo "empty Pareto front"; exit 1; }
offset=$(sed -n 's/.*"barcode_offset": \([0-9]*\).*/\1/p' "$out/pool_summary.json")
for folder in "$out"/pool_fastq/depth_*; do
  "$smartnano" barcodes "$folder"/*.fastq -w "$out/pool_fastq/whitelist.csv" --offset "$offset" \
    --mismatches 1 --threads 2 --input input -o "$folder/counted" > /dev/null
  test -s "$folder/counted/delivery.csv" || { echo "no delivery.csv"; exit 1; }
  # sample,barcode,formulation,count in both; compare count by sample and barcode.
  awk -F, '
    FNR == 1 { next }
    NR == FNR { want[$1 "," $2] = $4; total += $4; next }
    { got[$1 "," $2] = $4 }
    END {
      for (k in want) { d = want[k] - got[k]; if (d < 0) d = -d; diff += d }
      printf "%s: %d simulated reads, %d counted differently\n", FILENAME, total, diff
      if (diff > 0.0005 * total + 2) exit 1
    }' "$folder/simulated_counts.csv" "$folder/counted/barcode_counts.csv"
done
