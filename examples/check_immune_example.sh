#!/usr/bin/env bash
# Runs an immune trial example (docs/models/tumour_immune.md) and checks its output: exit 0, the
# responder and trajectory pictures, and that the first (combination) arm responds at least as
# often as the control arm, as the example's mechanism says it should.
#   check_immune_example.sh SMARTNANO SCENARIO OUTDIR PYTHON TRAJECTORY_OUTPUT...
set -euo pipefail
smartnano=$1 scenario=$2 out=$3 python=$4
shift 4
rm -rf "$out"
"$smartnano" run "$scenario" -o "$out"
for f in trial_summary.json trial_patients.csv trial_responders.csv responders.svg \
         trial_trajectories.csv km_pfs.svg waterfall.svg; do
  test -s "$out/$f" || { echo "missing $out/$f"; exit 1; }
done
for o in "$@"; do
  test -s "$out/trajectory_$o.svg" || { echo "missing $out/trajectory_$o.svg"; exit 1; }
done
"$python" - "$out/trial_summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
arms = s["first_trial"]["arms"]
rates = {a["arm"]: a["objective_response_rate"]["estimate"] for a in arms}
for a in arms:
    print(f'{a["arm"]}: ORR {rates[a["arm"]]:.3f} ({a["patients"]} patients)')
for r in s["responders"]:
    if r["subgroup"]:
        print(f'  {r["arm"]}, {r["subgroup"]}: ORR {r["objective_response_rate"]["estimate"]:.3f}'
              f' ({r["patients"]} patients)')
first, control = arms[0]["arm"], "nivolumab"
if rates[first] < rates[control]:
    sys.exit(f"{first} responds less often than {control}")
if s["failures"]:
    sys.exit(f'{s["failures"]} patients failed')
PY
