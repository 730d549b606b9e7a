#!/usr/bin/env bash
# Runs the gemcitabine + ultrasound examples (examples/gemcitabine_ultrasound*.yaml) and compares
# the tumour exposure, the dFdCTP AUC of the tumour cells at the last observation
# (AUC_TUMOUR_DFDCTP, docs/models/gemcitabine_tumour.md), with the control without ultrasound:
#   - sonication during the infusion must raise it by at least MIN_GAIN (relative);
#   - sonication after the infusion (the Dimcevski et al. 2016 protocol) must change it by less
#     than MAX_CHANGE either way: plasma gemcitabine is mostly gone by then, and the opened
#     vessels let drug out of the tumour as well as in;
#   - the plasma AUC must be the same in all three (the tumour is a negligible sink).
#   check_gemcitabine_ultrasound.sh SMARTNANO EXAMPLES_DIR OUTDIR MIN_GAIN MAX_CHANGE
set -euo pipefail
smartnano=$1 dir=$2 out=$3 min_gain=$4 max_change=$5
rm -rf "$out"
mkdir -p "$out"
last() {  # the value of column $2 in the last observation row of results.csv $1
  awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) col = i; next }
                     $3 == 0 { v = $col } END { print v }' "$1"
}
for name in gemcitabine_ultrasound_control gemcitabine_ultrasound gemcitabine_ultrasound_during_infusion; do
  "$smartnano" run "$dir/$name.yaml" -o "$out/$name" > /dev/null
  test -s "$out/$name/results.csv" || { echo "no results for $name"; exit 1; }
done
control=$(last "$out/gemcitabine_ultrasound_control/results.csv" AUC_TUMOUR_DFDCTP)
after=$(last "$out/gemcitabine_ultrasound/results.csv" AUC_TUMOUR_DFDCTP)
during=$(last "$out/gemcitabine_ultrasound_during_infusion/results.csv" AUC_TUMOUR_DFDCTP)
p_control=$(last "$out/gemcitabine_ultrasound_control/results.csv" AUC_PLASMA)
p_after=$(last "$out/gemcitabine_ultrasound/results.csv" AUC_PLASMA)
p_during=$(last "$out/gemcitabine_ultrasound_during_infusion/results.csv" AUC_PLASMA)
awk -v c="$control" -v a="$after" -v d="$during" -v pc="$p_control" -v pa="$p_after" \
    -v pd="$p_during" -v g="$min_gain" -v m="$max_change" 'BEGIN {
  printf "tumour dFdCTP AUC (uM h): no ultrasound %.6g, after the infusion %.6g (%+.2f %%), during the infusion %.6g (%+.2f %%)\n",
         c, a, 100 * (a / c - 1), d, 100 * (d / c - 1)
  printf "plasma gemcitabine AUC (uM h): %.6g, %.6g, %.6g\n", pc, pa, pd
  bad = 0
  if (!(c > 0)) { print "no tumour exposure without ultrasound"; bad = 1 }
  if (!(d > c * (1 + g))) { print "sonication during the infusion does not raise tumour exposure enough"; bad = 1 }
  r = a / c - 1; if (r < 0) r = -r
  if (!(r < m)) { print "sonication after the infusion changes tumour exposure more than expected"; bad = 1 }
  e1 = pa / pc - 1; e2 = pd / pc - 1; if (e1 < 0) e1 = -e1; if (e2 < 0) e2 = -e2
  if (e1 > 1e-3 || e2 > 1e-3) { print "the plasma AUC changed with ultrasound"; bad = 1 }
  exit bad
}'
