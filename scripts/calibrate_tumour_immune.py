#!/usr/bin/env python3
"""Calibration of the tumour-immune model (models/tumour_immune_human.yaml) to the TONIC trial.

Voorwerk L et al. Immune induction strategies in metastatic triple-negative breast cancer to
enhance the sensitivity to PD-1 blockade: the TONIC trial. Nat Med 2019;25:920-928 (Abstract and
cohort results): objective response rate 17 % on nivolumab without induction. O'Brien MER et al.
Ann Oncol 2004;15:440-449: 33 % on pegylated liposomal doxorubicin 50 mg/m2 every 4 weeks in
metastatic breast cancer (all subtypes: applying it to TNBC is an assumption).

Two parameters, fitted in turn by bisection on the objective response rate (RECIST 1.1) of one arm
of tests/validation/immune_tonic_tnbc.yaml run with `smartnano trial`:

  1. W_PD1 (weight of PD-1/PD-L1 suppression) to 17 % in the nivolumab arm; ICD_MAX does not
     act there (no doxorubicin). `--w-pd1 VALUE` skips this step.
  2. ICD_MAX (largest dendritic-cell activation by immunogenic cell death) to 33 % in the PLD
     arm, with W_PD1 from step 1 (without it PLD alone gives no responses: the cytotoxic kill
     alone cannot hold down a tumour at its carrying capacity).

TONIC's doxorubicin-induction arm (35 %) is left out of the fit: it is the model's prediction,
which scripts/check_tumour_immune_trial.py compares with the trial.

The same patients (the scenario's seed) are used at every step (common random numbers), so the
response rate is a monotone step function of each parameter and the bisection is well defined;
it stops when the bracket is within 1 % of the value. Prints the two values to put into the model
file, and the response rates they give.

  calibrate_tumour_immune.py --smartnano build/release/apps/smartnano/smartnano [--patients 400]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "tests", "validation", "immune_tonic_tnbc.yaml")
NIVO_ARM = "nivolumab"
PLD_ARM = "PLD"
TARGET = {NIVO_ARM: 0.17, PLD_ARM: 0.33}


def arm_scenario(text, arm, patients, overrides):
    """The scenario with one arm, `patients` patients and parameter overrides."""
    head, trial = text.split("\ntrial:\n", 1)
    params = re.search(r"^parameters: \{(.*)\}$", head, flags=re.M)
    extra = ", ".join(f"{k}: {v!r}" for k, v in overrides.items())
    head = head.replace(params.group(0), f"parameters: {{{params.group(1)}, {extra}}}")
    head = head.replace("model: ../../models/",
                        "model: " + os.path.join(os.path.dirname(os.path.abspath(SCENARIO)),
                                                 "..", "..", "models") + "/")
    arms = trial.split("\n    - name: ")
    keep = [a for a in arms[1:] if a.startswith(arm + "\n")]
    if not keep:
        raise SystemExit(f"{SCENARIO}: no arm '{arm}'")
    rest = keep[0].split("\n  visits:", 1)
    body = arms[0] + "\n    - name: " + rest[0] + "\n  visits:" + trial.split("\n  visits:", 1)[1]
    body = re.sub(r"^  patients_per_arm: \d+$", f"  patients_per_arm: {patients}", body, flags=re.M)
    body = re.sub(r"^  analysis: .*$\n?", "", body, flags=re.M)
    return head + "\ntrial:\n" + body


def response_rate(exe, text, arm, patients, overrides, work):
    path = os.path.join(work, "calibration.yaml")
    with open(path, "w") as f:
        f.write(arm_scenario(text, arm, patients, overrides))
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([exe, "trial", path, "-o", out], check=True, stdout=subprocess.DEVNULL)
    summary = json.load(open(os.path.join(out, "trial_summary.json")))
    return summary["first_trial"]["arms"][0]["objective_response_rate"]["estimate"]


def bisect(f, lo, hi, target, rel=0.01):
    """Smallest x in [lo, hi] (to a relative `rel`) with f(x) >= target, f increasing."""
    f_lo, f_hi = f(lo), f(hi)
    if not (f_lo < target <= f_hi):
        raise SystemExit(f"target {target} not bracketed: f({lo}) = {f_lo}, f({hi}) = {f_hi}")
    while hi - lo > rel * hi:
        mid = 0.5 * (lo + hi)
        if f(mid) >= target:
            hi = mid
        else:
            lo = mid
    return hi


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smartnano", required=True)
    ap.add_argument("--patients", type=int, default=400)
    ap.add_argument("--w-pd1", type=float, help="use this W_PD1 and fit ICD_MAX only")
    args = ap.parse_args()
    exe = os.path.abspath(args.smartnano)
    text = open(SCENARIO).read()
    work = tempfile.mkdtemp(prefix="calibrate_tumour_immune_")
    try:
        def nivo(w):
            r = response_rate(exe, text, NIVO_ARM, args.patients, {"W_PD1": w}, work)
            print(f"  W_PD1 = {w:.5g}: ORR {r:.3f}", flush=True)
            return r

        w_pd1 = args.w_pd1 if args.w_pd1 else bisect(nivo, 0.01, 5.0, TARGET[NIVO_ARM])

        def pld(y):
            r = response_rate(exe, text, PLD_ARM, args.patients,
                              {"W_PD1": w_pd1, "ICD_MAX": y}, work)
            print(f"  ICD_MAX = {y:.5g}: ORR {r:.3f}", flush=True)
            return r

        icd = bisect(pld, 0.0, 20.0, TARGET[PLD_ARM])
        print(f"W_PD1: {w_pd1:.4g}")
        print(f"ICD_MAX: {icd:.4g}")
        print(f"nivolumab ORR {nivo(w_pd1):.3f} (target {TARGET[NIVO_ARM]}), "
              f"PLD ORR {pld(icd):.3f} (target {TARGET[PLD_ARM]})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
