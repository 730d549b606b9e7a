#!/usr/bin/env python3
"""Validation check: nivolumab PK and PD-1 receptor occupancy (models/anti_pd1_human.yaml).

Runs the four scenarios tests/validation/anti_pd1_*.yaml with `smartnano run` and checks, against
published numbers (docs/models/anti_pd1.md gives each source):

  (a) terminal half-life after the last of 20 doses of 3 mg/kg q2w (log-linear slope of the serum
      concentration from day 322 to day 364) within HALF_LIFE_DAYS: Opdivo label section 12.3,
      geometric mean 25 days (CV 55.4 %);
  (b) clearance at steady state (day 266) within CLSS_TOL of the label's geometric mean CLss,
      7.91 mL/h (CV 46 %);
  (c) accumulation: the trough before dose 20 over the trough before dose 2 within ACC_TOL of the
      label's 3.7-fold systemic accumulation at 3 mg/kg q2w;
  (d) not checked: the label's "steady state by 12 weeks" (with time-varying clearance the trough
      at day 84 is 79 % of the day-266 trough; docs/models/anti_pd1.md);
  (e) 240 mg q2w gives the trough of 3 mg/kg q2w at 80 kg (the flat dose equals 3 mg/kg at the
      median weight of 80 kg; Zhao et al. 2017) within 1 %;
  (f) PD-1 occupancy on circulating T cells after single doses of 0.3 and 10 mg/kg (Brahmer et al.
      2010): peak within RO_PEAK, occupancy at day 57 above 0.70 for both doses (Abstract: > 70 %
      at >= 2 months regardless of dose), and at 0.3 mg/kg within RO_PLATEAU of the mean plateau
      72 % (the value KD_APP was derived from: a consistency check of that derivation);
  (g) occupancy at the steady-state trough of 3 mg/kg q2w above 0.70.

Standard library only. Exit status 0 when every check passes, 1 otherwise. `--replace OLD NEW`
(repeatable) runs every scenario on a copy of the model file with the text OLD replaced by NEW
(a deliberate error); `--expect-fail TEXT` (repeatable) inverts the verdict for a negative
control: exit 0 only when all scenarios ran and every check whose name contains one of the
TEXTs failed.

  check_anti_pd1.py --smartnano build/apps/smartnano/smartnano
"""
import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile

from check_common import observation_columns, report, with_changed_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
MODEL = os.path.join(ROOT, "models", "anti_pd1_human.yaml")
VALIDATION = os.path.join(ROOT, "tests", "validation")
SCENARIOS = ("3mgkg_q2w", "240mg_q2w", "single_0p3mgkg", "single_10mgkg")

DAY = 24.0                      # h
HALF_LIFE_DAYS = (20.0, 30.0)   # label geometric mean 25 days, +/- 20 %
CLSS_LABEL = 7.91               # mL/h, label geometric mean CLss
CLSS_TOL = 0.20
ACC_LABEL = 3.7                 # label: systemic accumulation 3.7-fold at 3 mg/kg q2w
ACC_TOL = 0.25
RO_PEAK = (0.80, 0.90)          # Brahmer et al. 2010: mean peak about 85 %
RO_FLOOR = 0.70                 # Brahmer et al. 2010 Abstract: > 70 % at >= 2 months
RO_PLATEAU = (0.69, 0.75)       # mean plateau about 72 % (KD_APP derived from it)
LAST_DOSE_DAY = 266.0
WASHOUT_DAYS = (322.0, 364.0)


def prepare(replacements, folder):
    return with_changed_model(
        MODEL, {k: os.path.join(VALIDATION, f"anti_pd1_{k}.yaml") for k in SCENARIOS},
        replacements, folder)


def run(smartnano, scenario, out):
    """The observation rows, each a dict of column -> value."""
    cols = observation_columns(smartnano, scenario, out)
    return [dict(zip(cols, values)) for values in zip(*cols.values())]


def at(rows, time_h, name):
    """Value of output `name` at the first observation at time_h (h)."""
    for r in rows:
        if abs(r["TIME"] - time_h) < 1e-6:
            return r[name]
    raise KeyError(f"no observation at {time_h} h")


def trough(rows, dose_day):
    """Serum concentration just before a dose: the observation 2 h before it (q2w: 0.6 % of the
    interval; the concentration falls by less than 0.3 % over those 2 h)."""
    return at(rows, dose_day * DAY - 2.0, "CONC")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smartnano", required=True)
    ap.add_argument("--replace", nargs=2, action="append", default=[], metavar=("OLD", "NEW"))
    ap.add_argument("--expect-fail", action="append", default=[], metavar="TEXT")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="anti_pd1_")
    checks = []

    def check(name, ok, detail):
        checks.append((name, bool(ok), detail))

    try:
        paths = prepare(args.replace, work)
        runs = {k: run(args.smartnano, p, os.path.join(work, k)) for k, p in paths.items()}
    except subprocess.CalledProcessError as e:
        print(f"smartnano failed: {e}")
        return 1

    q2w = runs["3mgkg_q2w"]
    # (a) terminal half-life after the last dose
    pts = [(r["TIME"], math.log(r["CONC"])) for r in q2w
           if WASHOUT_DAYS[0] * DAY <= r["TIME"] <= WASHOUT_DAYS[1] * DAY and r["CONC"] > 0]
    n = len(pts)
    mx = sum(p[0] for p in pts) / n
    my = sum(p[1] for p in pts) / n
    slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
    t_half = math.log(2) / -slope / DAY if slope < 0 else math.inf
    check(f"terminal half-life within {HALF_LIFE_DAYS[0]:g}-{HALF_LIFE_DAYS[1]:g} days "
          f"(label 25 days)", HALF_LIFE_DAYS[0] <= t_half <= HALF_LIFE_DAYS[1],
          f"{t_half:.1f} days (days {WASHOUT_DAYS[0]:g}-{WASHOUT_DAYS[1]:g})")

    # (b) steady-state clearance
    clss = at(q2w, LAST_DOSE_DAY * DAY, "CL_T")
    check(f"steady-state clearance within {CLSS_TOL:.0%} of the label's {CLSS_LABEL} mL/h",
          abs(clss - CLSS_LABEL) <= CLSS_TOL * CLSS_LABEL, f"{clss:.2f} mL/h at day 266")

    # (c) accumulation
    c_first = trough(q2w, 14)
    c_ss = trough(q2w, LAST_DOSE_DAY)
    c84 = trough(q2w, 84)
    acc = c_ss / c_first
    check(f"trough accumulation within {ACC_TOL:.0%} of the label's {ACC_LABEL}-fold",
          abs(acc - ACC_LABEL) <= ACC_TOL * ACC_LABEL,
          f"{acc:.2f}-fold (trough {c_first:.1f} ug/mL before dose 2, {c_ss:.1f} before dose 20)")

    # (e) flat dose
    c_flat = trough(runs["240mg_q2w"], LAST_DOSE_DAY)
    check("240 mg q2w trough = 3 mg/kg q2w trough at 80 kg within 1 %",
          abs(c_flat - c_ss) <= 0.01 * c_ss, f"{c_flat:.2f} vs {c_ss:.2f} ug/mL")

    # (f) occupancy after single doses
    for key, label in (("single_0p3mgkg", "0.3 mg/kg"), ("single_10mgkg", "10 mg/kg")):
        rows = runs[key]
        peak = max(r["RO"] for r in rows)
        check(f"RO {label}: peak within {RO_PEAK[0]:.0%}-{RO_PEAK[1]:.0%} (Brahmer 2010 mean 85 %)",
              RO_PEAK[0] <= peak <= RO_PEAK[1], f"{peak:.3f}")
        ro57 = at(rows, 57 * DAY, "RO")
        check(f"RO {label}: day 57 above {RO_FLOOR:.0%} (Brahmer 2010: > 70 % at >= 2 months)",
              ro57 > RO_FLOOR, f"{ro57:.3f} (serum {at(rows, 57 * DAY, 'CONC'):.3g} ug/mL)")
        if key == "single_0p3mgkg":
            check(f"RO {label}: day-57 plateau within {RO_PLATEAU[0]:.0%}-{RO_PLATEAU[1]:.0%} "
                  "(mean 72 %; KD_APP derivation)", RO_PLATEAU[0] <= ro57 <= RO_PLATEAU[1],
                  f"{ro57:.3f}")

    # (g) occupancy at the steady-state trough
    ro_ss = at(q2w, LAST_DOSE_DAY * DAY - 2.0, "RO")
    check(f"RO at the 3 mg/kg q2w steady-state trough above {RO_FLOOR:.0%}", ro_ss > RO_FLOOR,
          f"{ro_ss:.3f}")

    cmax_ss = max(r["CONC"] for r in q2w
                  if (LAST_DOSE_DAY - 14) * DAY <= r["TIME"] <= LAST_DOSE_DAY * DAY)
    print(f"3 mg/kg q2w, 80 kg: Cmin after dose 1 {c_first:.1f} ug/mL, Cmin,ss {c_ss:.1f} ug/mL, "
          f"Cmax,ss {cmax_ss:.1f} ug/mL, trough at day 84 {c84 / c_ss:.1%} of Cmin,ss, CLss {clss:.2f} mL/h, terminal half-life {t_half:.1f} days")
    shutil.rmtree(work, ignore_errors=True)
    return report(checks, args.expect_fail)


if __name__ == "__main__":
    sys.exit(main())
