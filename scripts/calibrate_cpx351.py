#!/usr/bin/env python3
"""Calibration of the CPX-351 carrier (models/cpx351_human.yaml): KCAR and KREL_DAU.

Targets: the median plasma half-lives after CPX-351, cytarabine 31.1 h and daunorubicin 21.9 h
(Feldman et al. 2011 J Clin Oncol 29:979, Abstract), measured on total drug (liposomal + free).
The carrier-bound drug decays at KCAR + KREL_<drug>, and nearly all plasma drug is carrier-bound,
so the start values are closed-form:

    KCAR     = ln2 / 31.1 h - KREL_CYT          (KREL_CYT assumed, see the model file)
    KREL_DAU = ln2 / 21.9 h - KCAR

They are then refined by fixed-point steps on the half-lives that `smartnano run` gives for the
validation scenario (tests/validation/cpx351_ratio.yaml; log-linear regression over 24-120 h,
exactly as scripts/check_cpx351_ratio.py measures them), which include the small free-drug part.
Prints the values to copy into the model file. `check` prints the half-lives of the shipped values.

  calibrate_cpx351.py --smartnano build/apps/smartnano/smartnano [fit|check]
"""
import argparse
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_cpx351_ratio as chk  # noqa: E402  (same folder)

TARGET_T12_H = dict(chk.PUBLISHED_T12_H)     # CP_CYT 31.1 h, CP_DAU 21.9 h
KREL_CYT = 0.002                            # 1/h, the model's assumed value


def half_lives(smartnano, overrides):
    with tempfile.TemporaryDirectory(prefix="cpx351_cal_") as work:
        scenario = chk.scenario_copy(chk.CPX_SCENARIO, overrides, work)
        cols, _ = chk.run(smartnano, scenario, os.path.join(work, "out"))
        return {k: chk.terminal_half_life(cols, k) for k in TARGET_T12_H}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smartnano", required=True)
    ap.add_argument("mode", nargs="?", choices=("fit", "check"), default="fit")
    args = ap.parse_args()
    if args.mode == "check":
        t = half_lives(args.smartnano, [])
        for k, v in t.items():
            print(f"{k}: t1/2 {v:.3f} h (target {TARGET_T12_H[k]} h)")
        return 0
    ln2 = math.log(2)
    kcar = ln2 / TARGET_T12_H["CP_CYT"] - KREL_CYT
    krel_dau = ln2 / TARGET_T12_H["CP_DAU"] - kcar
    for step in range(4):
        over = [("KCAR", f"{kcar:.6g}"), ("KREL_CYT", f"{KREL_CYT:.6g}"),
                ("KREL_DAU", f"{krel_dau:.6g}")]
        t = half_lives(args.smartnano, over)
        print(f"step {step}: KCAR {kcar:.6f} /h, KREL_DAU {krel_dau:.6f} /h -> "
              f"t1/2 cytarabine {t['CP_CYT']:.3f} h, daunorubicin {t['CP_DAU']:.3f} h")
        d_cyt = ln2 / TARGET_T12_H["CP_CYT"] - ln2 / t["CP_CYT"]
        d_dau = ln2 / TARGET_T12_H["CP_DAU"] - ln2 / t["CP_DAU"]
        kcar += d_cyt
        krel_dau += d_dau - d_cyt
    print(f"KCAR: {kcar:.4g}  KREL_DAU: {krel_dau:.4g}  (KREL_CYT {KREL_CYT} fixed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
