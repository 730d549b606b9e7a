#!/usr/bin/env python3
"""Evidence check: ferumoxytol (FMX) MRI before nanoliposomal irinotecan (nal-IRI).

Runs the virtual cohort tests/validation/nal_iri_ferumoxytol_evidence.yaml with
`smartnano trial` and checks, from trial_summary.json and trial_patients.csv, that

  (a) higher pre-treatment FMX uptake predicts lesion response: ROC AUC of the FMX R2* for
      objective response above 0.5 with the DeLong 95 % lower limit above 0.5, and a negative
      Spearman correlation of FMX R2* with the best change in lesion size (p < 0.05);
  (b) the accuracy of the biomarker at its Youden threshold, (TP + TN) / N, lies inside the
      Clopper-Pearson 95 % interval of the clinical accuracy: 74 % of 49 thoracoabdominal
      lesions (read as 36 / 49 = 73.5 %), Radiol Imaging Cancer 2023;5(2):e220022, Abstract;
  (c) the cohort's objective response rate lies inside the Clopper-Pearson 95 % interval of
      the expansion cohort's 10 / 29 (34.5 %), the target KD_IRI was calibrated to.

Each virtual patient has one lesion, so lesion-level and patient-level accuracy are the same.
Standard library only. Exit status 0 when every check passes, 1 otherwise.

  check_ferumoxytol_evidence.py --smartnano build/apps/smartnano/smartnano
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCENARIO = os.path.join(HERE, "..", "tests", "validation",
                                "nal_iri_ferumoxytol_evidence.yaml")
BIOMARKER = "FMX_R2STAR"
CLINICAL_ACCURACY = (36, 49)   # 74 % of 49 lesions (Radiol Imaging Cancer 2023, Abstract)
CLINICAL_ORR = (10, 29)        # 34.5 % (Sachdev et al., expansion phase, Abstract)


def binomial_cdf(k, n, p):
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return sum(math.comb(n, i) * p ** i * (1.0 - p) ** (n - i) for i in range(k + 1))


def clopper_pearson(x, n, level=0.95):
    """Exact (Clopper-Pearson) interval of a binomial proportion x / n, by bisection on the
    binomial tails: lower L solves P(X >= x | L) = alpha/2, upper U solves P(X <= x | U) = alpha/2."""
    alpha = 1.0 - level

    def solve(f):
        lo, hi = 0.0, 1.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if f(mid):
                hi = mid
            else:
                lo = mid
        return 0.5 * (lo + hi)

    lower = 0.0 if x == 0 else solve(lambda p: 1.0 - binomial_cdf(x - 1, n, p) >= alpha / 2)
    upper = 1.0 if x == n else solve(lambda p: binomial_cdf(x, n, p) <= alpha / 2)
    return lower, upper


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smartnano", required=True, help="the smartnano executable")
    ap.add_argument("--scenario", default=DEFAULT_SCENARIO)
    ap.add_argument("--out", help="output folder (default: a temporary one)")
    args = ap.parse_args()

    out = args.out or tempfile.mkdtemp(prefix="fmx_evidence_")
    run = subprocess.run([args.smartnano, "trial", args.scenario, "-o", out],
                         capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        print(f"FAIL: smartnano trial exited with {run.returncode}")
        return 1

    with open(os.path.join(out, "trial_summary.json")) as f:
        summary = json.load(f)
    marker = next(b for b in summary["biomarkers"] if b["biomarker"] == BIOMARKER)
    with open(os.path.join(out, "trial_patients.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["replicate"] == "1" and not r["failure"]]

    threshold = marker["youden_threshold"]
    tp = tn = fp = fn = 0
    for r in rows:
        positive = float(r[BIOMARKER]) >= threshold
        responder = r["objective_response"] == "1"
        tp += positive and responder
        tn += (not positive) and (not responder)
        fp += positive and not responder
        fn += (not positive) and responder
    n = tp + tn + fp + fn
    accuracy = (tp + tn) / n
    responders = tp + fn
    orr = responders / n

    checks = []

    def check(ok, text):
        checks.append(ok)
        print(("PASS " if ok else "FAIL ") + text)

    print(f"{n} patients (one lesion each), {responders} responders; Youden threshold "
          f"{threshold:.3g} 1/s: TP {tp}, FN {fn}, TN {tn}, FP {fp}")
    # The table must agree with the summary's own sensitivity and specificity.
    check(abs(tp / max(responders, 1) - marker["sensitivity"]) < 1e-9
          and abs(tn / max(n - responders, 1) - marker["specificity"]) < 1e-9,
          f"sensitivity {marker['sensitivity']:.3f} and specificity {marker['specificity']:.3f} "
          "recomputed from trial_patients.csv")
    check(marker["auc"] > 0.5 and marker["auc_lower"] > 0.5,
          f"(a) AUC {marker['auc']:.3f} (DeLong 95 % CI {marker['auc_lower']:.3f}-"
          f"{marker['auc_upper']:.3f}): lower limit above 0.5")
    check(marker["spearman_best_change"] < 0 and marker["spearman_best_change_p"] < 0.05,
          f"(a) Spearman of FMX R2* with best change {marker['spearman_best_change']:.3f} "
          f"(p = {marker['spearman_best_change_p']:.2g}): negative and significant")
    lo, hi = clopper_pearson(*CLINICAL_ACCURACY)
    check(lo <= accuracy <= hi,
          f"(b) accuracy at the Youden threshold {100 * accuracy:.1f} % in the Clopper-Pearson "
          f"95 % interval {100 * lo:.1f}-{100 * hi:.1f} % of the clinical "
          f"{CLINICAL_ACCURACY[0]}/{CLINICAL_ACCURACY[1]} (74 %)")
    lo, hi = clopper_pearson(*CLINICAL_ORR)
    check(lo <= orr <= hi,
          f"(c) objective response rate {100 * orr:.1f} % in the Clopper-Pearson 95 % interval "
          f"{100 * lo:.1f}-{100 * hi:.1f} % of the clinical {CLINICAL_ORR[0]}/{CLINICAL_ORR[1]}")
    print(f"Spearman of FMX R2* with tumour exposure (AUC_TUMOUR_ISF): "
          f"{marker['spearman_tumour_exposure']:.3f}")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
