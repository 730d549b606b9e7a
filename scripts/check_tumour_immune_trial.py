#!/usr/bin/env python3
"""Validation check: virtual TONIC trial with the tumour-immune model (docs/models/tumour_immune.md).

Runs tests/validation/immune_tonic_tnbc.yaml (metastatic triple-negative breast cancer, hot and
cold tumours, nivolumab with or without two weeks of low-dose doxorubicin) with `smartnano trial`
and checks, from trial_summary.json:

  - the nivolumab-alone objective response rate lies in the range published for anti-PD-1
    monotherapy in metastatic TNBC, 5.3 % (KEYNOTE-086 cohort A, pretreated, Adams et al. 2019
    Ann Oncol 30:397) to 21.4 % (cohort B, first line PD-L1 positive, Adams et al. 2019 Ann Oncol
    30:405), and within 2.58 binomial standard errors of the 17 % it was calibrated to (TONIC,
    Voorwerk et al. 2019 Nat Med 25:920);
  - the PLD arm is within 2.58 standard errors of the 33 % it was calibrated to (O'Brien et al.
    2004 Ann Oncol 15:440);
  - responses come from hot tumours: the response rate of hot tumours on nivolumab is at least
    three times that of cold ones (subgroups by HOT_TUMOUR).

It also prints, without judging it, the doxorubicin-induction arm, which was not fitted, against
the exact 95 % confidence interval of TONIC's doxorubicin cohort (35 %: 6 of 17 patients, the
count the rate and the cohort sizes imply; Clopper-Pearson 14.2-61.7 %). The model does not
reproduce that benefit (about 13 %, docs/models/tumour_immune.md, "What the model does not
reproduce"), so it is reported, not tested.

The binomial standard error is that of the virtual arm's size, so the test says the calibration
holds for these patients; TONIC's own cohorts (13-17 patients) are far less precise.

  check_tumour_immune_trial.py --smartnano build/apps/smartnano/smartnano
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

from check_common import report

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "tests", "validation", "immune_tonic_tnbc.yaml")
NIVO, INDUCTION, PLD = "nivolumab", "doxorubicin induction + nivolumab", "PLD"
TARGET = {NIVO: 0.17, PLD: 0.33}
TONIC_INDUCTION = (6, 17)
PUBLISHED_RANGE = (0.053, 0.214)


def binomial_cdf(k, n, p):
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1))


def clopper_pearson(k, n, alpha=0.05):
    """Exact two-sided interval for k successes of n (by bisection on the binomial tails)."""
    def solve(f):
        lo, hi = 0.0, 1.0
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
        return 0.5 * (lo + hi)
    lower = 0.0 if k == 0 else solve(lambda p: alpha / 2 - (1 - binomial_cdf(k - 1, n, p)))
    upper = 1.0 if k == n else solve(lambda p: binomial_cdf(k, n, p) - alpha / 2)
    return lower, upper


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smartnano", required=True)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="check_tumour_immune_trial_")
    checks = []
    try:
        out = os.path.join(work, "out")
        subprocess.run([os.path.abspath(args.smartnano), "trial", SCENARIO, "-o", out,
                        "--no-report"], check=True, stdout=subprocess.DEVNULL)
        summary = json.load(open(os.path.join(out, "trial_summary.json")))
        arms = {a["arm"]: a for a in summary["first_trial"]["arms"]}
        orr = {k: arms[k]["objective_response_rate"]["estimate"] for k in arms}
        n = {k: arms[k]["patients"] for k in arms}
        lo, hi = PUBLISHED_RANGE
        checks.append(("anti-PD-1 monotherapy in the published range", lo <= orr[NIVO] <= hi,
                       f"nivolumab ORR {orr[NIVO]:.3f} (published 5.3-21.4 % in mTNBC)"))
        for arm, target in TARGET.items():
            se = math.sqrt(target * (1 - target) / n[arm])
            checks.append((f"{arm}: calibration target", abs(orr[arm] - target) <= 2.58 * se,
                           f"ORR {orr[arm]:.3f} vs {target} (tolerance 2.58 x SE = "
                           f"{2.58 * se:.3f}, n {n[arm]})"))
        lo_ci, hi_ci = clopper_pearson(*TONIC_INDUCTION)
        print(f"not fitted, not judged: doxorubicin induction + nivolumab ORR {orr[INDUCTION]:.3f}"
              f" (TONIC 6/17, 95 % CI {lo_ci:.3f}-{hi_ci:.3f})")
        groups = {(r["arm"], r["subgroup"]): r for r in summary["responders"]}
        hot = groups.get((NIVO, "hot"))
        cold = groups.get((NIVO, "cold"))
        ok = bool(hot and cold)
        detail = "no hot/cold subgroups in the summary"
        if ok:
            h = hot["objective_response_rate"]["estimate"]
            c = cold["objective_response_rate"]["estimate"]
            ok = h >= 3 * c and h > 0
            detail = (f"nivolumab ORR hot {h:.3f} (n {hot['patients']}), cold {c:.3f} "
                      f"(n {cold['patients']})")
        checks.append(("responses come from hot tumours", ok, detail))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(checks)


if __name__ == "__main__":
    sys.exit(main())
