#!/usr/bin/env python3
"""Calibrates the trial parameters of models/doxorubicin_trial_human.yaml.

Uses only the Python 3 standard library and the `smartnano` command line. Each evaluation runs
`smartnano trial` on examples/trial_pld_vs_doxorubicin_mbc.yaml with a larger arm size and the
parameters being fitted set in the scenario's `parameters:` section, and reads the doxorubicin
arm of trial_summary.json. Targets (O'Brien et al. 2004 Ann Oncol 15:440, doxorubicin 60 mg/m2
every 3 weeks in metastatic breast cancer; docs/models/doxorubicin_trial.md):

  SLOPE_ANC     grade >= 3 neutropenia in 10 % of patients (Abstract: "neutropenia 10 %",
                grade not stated)
  KD_TUM        objective response rate 38 % (as tabulated by Lao et al. 2013 J Drug Deliv,
                Table 2)
  OS_INTERCEPT  median overall survival 22 months (Abstract)

They are fitted one after the other in that order (each depends on the ones before: holds and
reductions change the doses, responses change survival), by bisection on a log scale for the
rates and by shifting the intercept by log(target / median) (exact for a log-normal time).

  python3 scripts/calibrate_doxorubicin_trial.py [--smartnano PATH] [--patients N] [calibrate|check]

`check` prints the doxorubicin and PLD arms for the shipped values (copy fitted values into the
model file); with --assert it exits 1 when the doxorubicin arm misses a target by more than the
bisection's resolution allows (4 points of rate, 1.5 months) - the test suite runs that.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "trial_pld_vs_doxorubicin_mbc.yaml")
TARGETS = {"neutropenia": 0.10, "orr": 0.38, "os_months": 22.0}


def run_trial(smartnano, overrides, patients, workdir):
    with open(EXAMPLE) as f:
        text = f.read()
    extra = ", ".join(f"{k}: {v!r}" for k, v in overrides.items())
    if extra:
        text = text.replace("\nparameters: {", "\nparameters: {" + extra + ", ", 1)
    text = re.sub(r"patients_per_arm: \d+", f"patients_per_arm: {patients}", text)
    scenario = os.path.join(workdir, "trial.yaml")
    with open(scenario, "w") as f:
        f.write(text)
    out = os.path.join(workdir, "out")
    subprocess.run([smartnano, "trial", scenario, "-o", out, "-q"], check=True)
    with open(os.path.join(out, "trial_summary.json")) as f:
        summary = json.load(f)
    arms = {a["arm"]: a for a in summary["first_trial"]["arms"]}
    return arms


def metrics(arm):
    return {
        "neutropenia": arm["neutropenia_grade3_or_worse"]["estimate"],
        "orr": arm["objective_response_rate"]["estimate"],
        "os_months": arm["overall_survival"]["median_months"],
        "pfs_months": arm["progression_free_survival"]["median_months"],
    }


def bisect(evaluate, low, high, target, iterations=9):
    """Root of evaluate(x) = target for an increasing evaluate, on a log scale."""
    for _ in range(iterations):
        mid = math.sqrt(low * high)
        if evaluate(mid) < target:
            low = mid
        else:
            high = mid
    return math.sqrt(low * high)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smartnano", default=os.path.join(ROOT, "build", "release", "apps",
                                                            "smartnano", "smartnano"))
    parser.add_argument("--patients", type=int, default=200, help="patients per arm")
    parser.add_argument("--assert", dest="check_targets", action="store_true",
                        help="check mode: exit 1 when a target is missed")
    parser.add_argument("mode", nargs="?", default="check", choices=["calibrate", "check"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        if args.mode == "check":
            arms = run_trial(args.smartnano, {}, args.patients, workdir)
            for name, arm in arms.items():
                print(name, {k: round(v, 3) if v is not None else None
                             for k, v in metrics(arm).items()})
            if args.check_targets:
                m = metrics(arms["doxorubicin"])
                misses = []
                for key, tolerance in (("neutropenia", 0.04), ("orr", 0.04), ("os_months", 1.5)):
                    if m[key] is None or abs(m[key] - TARGETS[key]) > tolerance:
                        misses.append(f"{key} {m[key]} vs target {TARGETS[key]} +- {tolerance}")
                if misses:
                    print("MISSED: " + "; ".join(misses))
                    return 1
                print("all doxorubicin-arm targets reproduced")
            return 0
        fitted = {}

        def doxorubicin(overrides):
            arms = run_trial(args.smartnano, {**fitted, **overrides}, args.patients, workdir)
            return metrics(arms["doxorubicin"])

        fitted["SLOPE_ANC"] = bisect(lambda x: doxorubicin({"SLOPE_ANC": x})["neutropenia"],
                                     0.01, 20.0, TARGETS["neutropenia"])
        print("SLOPE_ANC", fitted["SLOPE_ANC"], file=sys.stderr)
        fitted["KD_TUM"] = bisect(lambda x: doxorubicin({"KD_TUM": x})["orr"], 0.1, 1000.0,
                                    TARGETS["orr"])
        print("KD_TUM", fitted["KD_TUM"], file=sys.stderr)
        intercept = 6.45
        for _ in range(3):
            median = doxorubicin({"OS_INTERCEPT": intercept})["os_months"]
            intercept += math.log(TARGETS["os_months"] / median)
        fitted["OS_INTERCEPT"] = intercept
        final = run_trial(args.smartnano, fitted, args.patients, workdir)
        print("fitted:", {k: round(v, 4) for k, v in fitted.items()})
        for name, arm in final.items():
            print(name, {k: round(v, 3) if v is not None else None
                         for k, v in metrics(arm).items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
