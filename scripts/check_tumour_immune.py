#!/usr/bin/env python3
"""Validation check: the tumour-immune model (models/tumour_immune_human.yaml) reproduces its
published base, Kuznetsov et al. 1994 (models/kuznetsov_1994.yaml), and its interventions act as
their sources say.

(a) Reproduction. With its scale at 1 (KUZNETSOV_SCALE = 1, a baseline tumour of T0 cells),
    the carrying capacity fixed (KG_CAPACITY = 0), no drug and E(0) set through E_INIT_FOLD,
    the tumour and effector cells of tumour_immune_human must follow kuznetsov_1994 from the
    same start: the two Kuznetsov scenarios of tests/validation (a small tumour that settles to
    the dormant state in damped oscillations, a large one that escapes) are run with both models
    and compared point by point over 3000 days (relative difference <= REPRO_TOL, with an absolute
    floor of 1 cell). The microenvironment factors must be exactly 1 without treatment.
(b) Scale invariance. A human-sized tumour (70 mm, 1.8e10 cells) without treatment and with a
    fixed capacity must follow the Kuznetsov escape trajectory scaled by the patient's SCALE
    (the model's defining assumption, docs/models/tumour_immune.md).
(c) Interventions, each against its source:
    - nivolumab 240 mg every 2 weeks keeps PD-1 occupancy above 80 % at every trough after the
      first dose (Brahmer et al. 2010: plateau occupancy about 72 % even 2 months after one
      0.3 mg/kg dose; mean peak 85 %);
    - epacadostat 100 mg twice daily keeps tumour kynurenine (IDO1 activity) below 20 % of
      baseline throughout the dosing interval at steady state (Beatty et al. 2017, Abstract:
      > 80-90 % inhibition throughout dosing, from plasma kynurenine);
    - the R848 nanoparticle raises the M1 share of a cold tumour's macrophages (Rodell et al.
      2018), the STING nanoparticle raises interferon and with it PD-L1 and kynurenine
      (adaptive resistance), the mRNA vaccine and the trained-immunity nanobiologic raise
      priming and M1 share, and liposomal doxorubicin activates dendritic cells through
      immunogenic cell death - each in a scenario of tests/validation with that dose alone.

Standard library only. Exit status 0 when every check passes. `--replace OLD NEW` (repeatable)
runs every scenario on a copy of tumour_immune_human.yaml with OLD replaced by NEW; with
`--expect-fail TEXT` the verdict is inverted for a negative control.

  check_tumour_immune.py --smartnano build/apps/smartnano/smartnano
"""
import argparse
import math
import os
import shutil
import sys
import tempfile

from check_common import observation_columns, report, with_changed_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
MODEL = os.path.join(ROOT, "models", "tumour_immune_human.yaml")
KUZNETSOV = os.path.join(ROOT, "models", "kuznetsov_1994.yaml")
VALIDATION = os.path.join(ROOT, "tests", "validation")
REPRO_TOL = 1e-5
CELL_DENSITY = 1.0e8      # cells/mL, the model default (a scenario could set it)
B_GROW = 2.0e-9
S, P, G, M, D = 1.3e4, 0.1245, 2.019e7, 3.422e-10, 0.0412


def nullcline(t_cells):
    """Effectors on the Kuznetsov E nullcline at tumour size t_cells (scale 1)."""
    return S / (D + M * t_cells - P * t_cells / (G + t_cells))


def reproduction_scenario(folder, name, t0, e0, scale=1.0, days=3000):
    """A tumour_immune_human scenario starting from (E0, T0) at the given scale."""
    sld_mm = 10.0 * (6.0 / math.pi * t0 * scale / CELL_DENSITY) ** (1.0 / 3.0)
    path = os.path.join(folder, f"immune_{name}.yaml")
    with open(path, "w") as f:
        f.write(f"scenario: immune_{name}\nmodel: {MODEL}\n"
                f"parameters: {{SLD0: {sld_mm!r} mm, KUZNETSOV_SCALE: {scale!r}, "
                f"KG_CAPACITY: 0, E_INIT_FOLD: 0, E_INIT_EXTRA: {e0!r} cells}}\n"
                f"observe: {{from: 0 day, to: {days} day, every: 1 day}}\n"
                "solver: {relative_tolerance: 1e-9, absolute_tolerance: 1e-3, max_steps: 500000}\n")
    return path


def kuznetsov_start(scenario):
    """(E0, T0) of a tests/validation Kuznetsov scenario."""
    text = open(scenario).read()
    e0 = float(text.split("E_INIT:")[1].split(",")[0].split("}")[0])
    t0 = float(text.split("T_INIT:")[1].split(",")[0].split("}")[0])
    return e0, t0


def max_rel(a, b, floor=1.0):
    return max(abs(x - y) / max(abs(y), floor) for x, y in zip(a, b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smartnano", required=True)
    ap.add_argument("--replace", nargs=2, action="append", default=[], metavar=("OLD", "NEW"))
    ap.add_argument("--expect-fail", action="append", default=[])
    args = ap.parse_args()
    exe = os.path.abspath(args.smartnano)
    work = tempfile.mkdtemp(prefix="check_tumour_immune_")
    checks = []
    try:
        scen = {}
        starts = {}
        for case in ("dormant", "escape"):
            kz = os.path.join(VALIDATION, f"kuznetsov_{case}.yaml")
            e0, t0 = kuznetsov_start(kz)
            starts[case] = (e0, t0)
            scen[case] = reproduction_scenario(work, case, t0, e0)
        # (b) a 70 mm tumour at the escape-trajectory start, scaled.
        sld = 70.0
        t_human = CELL_DENSITY * math.pi / 6 * (sld / 10.0) ** 3
        e0, t0 = starts["escape"]
        scale = t_human / t0
        scen["scaled"] = reproduction_scenario(work, "scaled", t0, e0, scale=scale)
        for name in ("nivolumab", "epacadostat", "r848_np", "sting_np", "mrna_vaccine",
                     "trained_immunity", "pld_icd", "untreated"):
            scen[name] = os.path.join(VALIDATION, f"immune_{name}.yaml")
        models = os.path.join(work, "model")
        os.makedirs(models)
        paths = with_changed_model(MODEL, scen, args.replace, models)
        res = {k: observation_columns(exe, p, os.path.join(work, "out_" + k))
               for k, p in paths.items()}
        ref = {case: observation_columns(exe, os.path.join(VALIDATION, f"kuznetsov_{case}.yaml"),
                                         os.path.join(work, "kz_" + case)) for case in starts}

        # (a) reproduction of Kuznetsov et al. 1994.
        for case in ("dormant", "escape"):
            d_t = max_rel(res[case]["TUMOUR_CELLS"], ref[case]["T_CELLS"])
            d_e = max_rel(res[case]["EFFECTOR_CELLS"], ref[case]["E_CELLS"])
            checks.append((f"reproduction_{case}_tumour", d_t <= REPRO_TOL,
                           f"max relative difference in T over 3000 days {d_t:.2e} "
                           f"(tolerance {REPRO_TOL:g})"))
            checks.append((f"reproduction_{case}_effectors", d_e <= REPRO_TOL,
                           f"max relative difference in E {d_e:.2e}"))
            f_dev = max(max(abs(v - 1) for v in res[case]["EFFECTOR_FUNCTION"]),
                        max(abs(v - 1) for v in res[case]["PRIMING"]))
            checks.append((f"reproduction_{case}_factors_one", f_dev <= 1e-12,
                           f"largest deviation of the microenvironment factors from 1: {f_dev:.1e}"))
        t_end = ref["dormant"]["T_CELLS"][-1]
        checks.append(("reproduction_dormant_end_state", abs(t_end - 8.186e6) / 8.186e6 < 0.01,
                       f"Kuznetsov end state {t_end:.4g} cells (dormant equilibrium 8.186e6)"))
        # (b) scale invariance.
        d_s = max_rel([x / scale for x in res["scaled"]["TUMOUR_CELLS"]], ref["escape"]["T_CELLS"])
        checks.append(("scale_invariance", d_s <= REPRO_TOL,
                       f"70 mm tumour / SCALE {scale:.4g} vs Kuznetsov escape: max relative "
                       f"difference {d_s:.2e}"))

        # (c) interventions.
        nivo = res["nivolumab"]
        ro_trough = min(v for t, v in zip(nivo["TIME"], nivo["PD1_OCCUPANCY"]) if t >= 14 * 24)
        checks.append(("nivolumab_occupancy", ro_trough > 0.80,
                       f"lowest PD-1 occupancy from day 14 on {ro_trough:.3f} (> 0.80)"))
        epa = res["epacadostat"]
        kyn = max(v for t, v in zip(epa["TIME"], epa["KYNURENINE"]) if t >= 4 * 24)
        checks.append(("epacadostat_inhibition", kyn < 0.20,
                       f"highest kynurenine at steady state {kyn:.3f} of baseline (IDO1 activity "
                       f"down > 80 % throughout dosing, Beatty 2017)"))
        base = res["untreated"]

        def peak(case, col):
            return max(res[case][col])

        checks.append(("r848_repolarises", peak("r848_np", "M1_SHARE") > base["M1_SHARE"][0] + 0.3,
                       f"M1 share {base['M1_SHARE'][0]:.2f} -> peak {peak('r848_np', 'M1_SHARE'):.2f}"))
        checks.append(("sting_interferon_pdl1",
                       peak("sting_np", "IFN_SIGNAL") > 0.5 and peak("sting_np", "KYNURENINE") > 1.2,
                       f"interferon peak {peak('sting_np', 'IFN_SIGNAL'):.2f}, kynurenine peak "
                       f"{peak('sting_np', 'KYNURENINE'):.2f}"))
        checks.append(("vaccine_priming", peak("mrna_vaccine", "PRIMING") > 1.2,
                       f"priming peak {peak('mrna_vaccine', 'PRIMING'):.2f}"))
        checks.append(("trained_immunity", peak("trained_immunity", "M1_SHARE") > base["M1_SHARE"][0] + 0.05,
                       f"M1 share peak {peak('trained_immunity', 'M1_SHARE'):.2f}"))
        checks.append(("pld_icd", peak("pld_icd", "DC_ACTIVATION") > 0.05,
                       f"dendritic-cell activation peak {peak('pld_icd', 'DC_ACTIVATION'):.3f}"))
        grow = base["TUMOUR_SLD_MM"][-1] / base["TUMOUR_SLD_MM"][0]
        checks.append(("untreated_progresses", grow > 1.2,
                       f"untreated SLD x{grow:.2f} over the observation (RECIST progression >= 1.2)"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(checks, args.expect_fail)


if __name__ == "__main__":
    sys.exit(main())
