#!/usr/bin/env bash
# Runs the radiotherapy + PLD schedule optimisation and checks its answer against what the
# models imply: the optimum lead time lies in the days-long priming window (radiotherapy 6-72 h
# before PLD), the dose sits on the cardiac limit (heart exposure within 1 % of it), and the
# landscape has every grid point.
#   check_optimise_example.sh SMARTNANO SCENARIO OUTDIR
set -euo pipefail
smartnano=$1 scenario=$2 out=$3
rm -rf "$out"
"$smartnano" run "$scenario" -o "$out"
python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
s = json.load(open(f"{out}/optimise_summary.json"))
lead = s["variables"]["lead"]["optimum"]
heart = s["limits"][0]["value"]
limit = s["limits"][0]["at_most"]
rows = list(csv.DictReader(open(f"{out}/optimise_landscape.csv")))
print(f"lead {lead:.1f} h, dose {s['variables']['dose']['optimum']:.1f} mg/m2, heart {heart:.3f} (limit {limit})")
assert s["feasible"], "no feasible schedule"
assert -72 <= lead <= -6, f"lead {lead} h outside the priming window"
assert limit * 0.99 <= heart <= limit, f"heart exposure {heart} not on the limit {limit}"
assert len(rows) == 81, f"{len(rows)} landscape points, expected 81"
svg = open(f"{out}/optimise_landscape.svg").read()
feasible_doses = {r["dose"] for r in rows if r["feasible"] == "1"}
assert svg.count('class="profile-line"') == len(feasible_doses), "one landscape line per feasible dose"
PY
