#!/usr/bin/env bash
# Runs one example scenario and checks its output: exit 0, both files, the expected number of
# data rows, and (optionally) one value against a closed-form reference.
#   check_example.sh SMARTNANO SCENARIO OUTDIR ROWS [TIME COLUMN EXPECTED RELTOL]
set -euo pipefail
smartnano=$1 scenario=$2 out=$3 rows=$4
rm -rf "$out"
"$smartnano" simulate "$scenario" -o "$out"
test -s "$out/results.csv" && test -s "$out/summary.json"
got=$(($(wc -l < "$out/results.csv") - 1))
[ "$got" -eq "$rows" ] || { echo "expected $rows rows, got $got"; exit 1; }
if [ $# -ge 8 ]; then
  time=$5 column=$6 expected=$7 reltol=$8
  awk -F, -v t="$time" -v c="$column" -v e="$expected" -v r="$reltol" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) col = i; next }
    $2 == t && $3 == 0 { v = $col; found = 1 }
    END {
      if (!found) { print "no observation at time " t; exit 1 }
      d = v - e; if (d < 0) d = -d; a = e < 0 ? -e : e
      if (d > r * a) { printf "%s at %s: %.10g, expected %.10g\n", c, t, v, e; exit 1 }
      printf "%s at %s: %.10g (expected %.10g)\n", c, t, v, e
    }' "$out/results.csv"
fi
