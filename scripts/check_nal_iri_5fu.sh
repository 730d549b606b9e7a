#!/usr/bin/env bash
# Runs the virtual NAPOLI-1 example (examples/nal_iri_5fu_lv.yaml) and checks what it writes: the
# trial tables, no failed patient, and objective response rates ordered as in NAPOLI-1
# (Wang-Gillam et al. 2016 Lancet 387:545: 16 % nal-IRI + 5-FU/LV, 6 % nal-IRI, 1 % 5-FU/LV),
# each inside a band around the published rate wide enough for 60 virtual patients per arm.
#   check_nal_iri_5fu.sh SMARTNANO SCENARIO OUTDIR
set -euo pipefail
smartnano=$1 scenario=$2 out=$3
rm -rf "$out"
"$smartnano" run "$scenario" -o "$out"
for f in trial_summary.json trial_patients.csv trial_arms.csv trial_visits.csv km_pfs.svg waterfall.svg; do
  test -s "$out/$f" || { echo "missing $f"; exit 1; }
done
# No patient may fail to solve (the failure column is the last one).
awk -F, 'NR > 1 && $NF != "" { n++ } END { if (n) { print n " patients failed"; exit 1 } }' \
  "$out/trial_patients.csv"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $1 == 1 { orr[$c["arm"]] = $c["orr"]; n[$c["arm"]] = $c["patients"] }
  END {
    combo = orr["nal-IRI+5-FU/LV"]; ctrl = orr["5-FU/LV"]; mono = orr["nal-IRI"]
    printf "ORR: nal-IRI+5-FU/LV %.3f (published 0.16), nal-IRI %.3f (0.06), 5-FU/LV %.3f (0.01)\n", combo, mono, ctrl
    bad = 0
    if (n["nal-IRI+5-FU/LV"] != 60 || n["5-FU/LV"] != 60 || n["nal-IRI"] != 60) { print "arm sizes"; bad = 1 }
    if (!(combo > ctrl && combo >= mono)) { print "response rates not ordered as in NAPOLI-1"; bad = 1 }
    if (combo < 0.05 || combo > 0.30) { print "combination ORR outside 5-30 %"; bad = 1 }
    if (mono > 0.20) { print "nal-IRI ORR above 20 %"; bad = 1 }
    if (ctrl > 0.07) { print "5-FU/LV ORR above 7 %"; bad = 1 }
    exit bad
  }' "$out/trial_arms.csv"
