#!/usr/bin/env bash
# Runs the ThermoDox + radiofrequency ablation example (a screen over dwell time and rim
# temperature) and checks what it is for: at every rim temperature, tumour exposure rises with
# the dwell time, and a 60 min dwell at 42 C gives more than 1.4x the exposure of 5 min.
#   check_thermodox_dwell.sh SMARTNANO SCENARIO OUTDIR
set -euo pipefail
smartnano=$1 scenario=$2 out=$3
rm -rf "$out"
"$smartnano" run "$scenario" -o "$out"
awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { auc[$(col["rim_temperature"]) "," $(col["dwell"])] = $(col["tumour_total_median"]); n++ }
  END {
    if (n != 15) { print "expected 15 candidates, got " n; exit 1 }
    split("5 12 30 45 60", dwell, " ")
    split("41 42 43", temp, " ")
    for (t = 1; t <= 3; t++)
      for (d = 2; d <= 5; d++)
        if (auc[temp[t] "," dwell[d]] <= auc[temp[t] "," dwell[d - 1]]) {
          printf "tumour AUC does not rise from %s to %s min at %s C\n", dwell[d - 1], dwell[d], temp[t]
          exit 1
        }
    ratio = auc["42,60"] / auc["42,5"]
    printf "tumour AUC at 42 C: 60 min / 5 min dwell = %.2f\n", ratio
    if (ratio < 1.4) exit 1
  }' "$out/screen_candidates.csv"
