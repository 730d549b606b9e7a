#!/usr/bin/env python3
"""Validation check: ratiometric co-delivery by CPX-351 (models/cpx351_human.yaml).

Runs two scenarios with `smartnano run`:
  tests/validation/cpx351_ratio.yaml          one CPX-351 dose, 100 units/m2 over 90 min
  tests/validation/cpx351_free_cocktail.yaml  the same doses of cytarabine and daunorubicin, free
and checks, from results.csv and subject_summaries.csv, that

  (a) CPX-351 holds the plasma molar ratio cytarabine:daunorubicin inside RATIO_BAND from the end
      of the infusion to 24 h after it. The target ratio 5:1 held in plasma for 24 h is from the
      phase 1 study (Feldman et al. 2011 J Clin Oncol 29:979, Abstract) and in mice (Tardi et al.
      2009 Leuk Res 33:129, Abstract). The band is 5:1 +/- 30 %: the published median half-lives
      (below) alone imply a drift of exp(ln2 (1/21.9 - 1/31.1) 24 h) = 1.25 over 24 h, so a
      narrower band would contradict them;
  (b) the terminal half-lives of total plasma cytarabine and daunorubicin (log-linear regression
      over TERMINAL_WINDOW_H) lie within +/- 25 % of the medians 31.1 h and 21.9 h of Feldman et
      al. 2011 (a range that also holds the mono-exponential ~24 h of Feldman et al. 2012 Leuk Res
      36:1283, Abstract), with cytarabine the longer;
  (c) the free cocktail leaves the band within hours: its ratio is outside RATIO_BAND at every
      observation from 1 h after the end of infusion to 24 h, and below 1 (daunorubicin in
      molar excess) by 4 h after the end of infusion, because free cytarabine is deaminated
      within minutes;
  (d) the hours inside the synergy window (model outputs HOURS_IN_WINDOW_*, an integrated smooth
      indicator) agree with the same hours counted from the profiles to within one observation
      step, and CPX-351 spends more of them in the window than the free cocktail, in plasma and
      in the marrow.

Standard library only. Exit status 0 when every check passes, 1 otherwise. `--override NAME=VALUE`
(repeatable) sets model parameters in copies of both scenarios. `--expect-fail TEXT` (repeatable)
inverts the verdict for a negative control: exit 0 only when both scenarios ran and every check
whose name contains one of the TEXTs failed. The negative control runs the check with daunorubicin
leaking three times faster and expects the ratio and daunorubicin half-life checks to fail.

  check_cpx351_ratio.py --smartnano build/apps/smartnano/smartnano
"""
import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

from check_common import observation_columns, report

HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATION = os.path.join(HERE, "..", "tests", "validation")
CPX_SCENARIO = os.path.join(VALIDATION, "cpx351_ratio.yaml")
FREE_SCENARIO = os.path.join(VALIDATION, "cpx351_free_cocktail.yaml")

INFUSION_END_H = 1.5            # 90-min infusion (Feldman et al. 2011, Abstract)
HOLD_H = 24.0                   # ratio held for 24 h after the infusion
RATIO_BAND = (3.5, 6.5)         # 5:1 +/- 30 % (see the module docstring)
PUBLISHED_T12_H = {"CP_CYT": 31.1, "CP_DAU": 21.9}   # Feldman et al. 2011, Abstract, medians
T12_TOLERANCE = 0.25
TERMINAL_WINDOW_H = (24.0, 120.0)
FREE_DEPART_AFTER_H = 1.0       # free cocktail: outside the band from EOI + 1 h
FREE_BELOW_ONE_BY_H = 4.0       # and daunorubicin in molar excess by EOI + 4 h
REPORT_TIMES_H = (1.5, 3.0, 6.0, 12.0, 24.0, 25.5, 48.0, 72.0, 120.0)


def scenario_copy(path, overrides, folder):
    """The scenario at `path`, or a copy in `folder` with `overrides` added to its parameters."""
    if not overrides:
        return path
    text = open(path).read()
    extra = ", ".join(f"{k}: {v}" for k, v in overrides)
    text, n = re.subn(r"^parameters: \{(.*)\}$", lambda m: f"parameters: {{{m.group(1)}, {extra}}}",
                      text, count=1, flags=re.M)
    if n != 1:
        raise SystemExit(f"{path}: no one-line 'parameters: {{...}}' to add overrides to")
    out = os.path.join(folder, os.path.basename(path))
    with open(out, "w") as f:
        f.write(text)
    return out


def run(smartnano, scenario, out):
    """Runs the scenario and returns (observation columns as lists, summary row)."""
    cols = observation_columns(smartnano, scenario, out)
    with open(os.path.join(out, "subject_summaries.csv")) as f:
        summary = next(csv.DictReader(f))
    return cols, summary


def value_at(cols, name, t):
    for ti, v in zip(cols["TIME"], cols[name]):
        if abs(ti - t) < 1e-9:
            return v
    raise SystemExit(f"no observation at {t} h")


def terminal_half_life(cols, name):
    """Half-life from the least-squares slope of ln(C) against t over TERMINAL_WINDOW_H."""
    pts = [(t, math.log(c)) for t, c in zip(cols["TIME"], cols[name])
           if TERMINAL_WINDOW_H[0] <= t <= TERMINAL_WINDOW_H[1] and c > 0]
    n = len(pts)
    mt = sum(p[0] for p in pts) / n
    my = sum(p[1] for p in pts) / n
    slope = sum((t - mt) * (y - my) for t, y in pts) / sum((t - mt) ** 2 for t, _ in pts)
    return math.log(2) / -slope


def hours_in_window(times, ratios, low, high):
    """Hours with low <= ratio <= high, the ratio interpolated linearly between observations."""
    total = 0.0
    for (t0, r0), (t1, r1) in zip(zip(times, ratios), zip(times[1:], ratios[1:])):
        # split the interval at the crossings of low and high and count the inside pieces
        cuts = [0.0, 1.0]
        for edge in (low, high):
            if (r0 - edge) * (r1 - edge) < 0:
                cuts.append((edge - r0) / (r1 - r0))
        cuts.sort()
        for a, b in zip(cuts, cuts[1:]):
            mid = r0 + 0.5 * (a + b) * (r1 - r0)
            if low <= mid <= high:
                total += (b - a) * (t1 - t0)
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smartnano", required=True)
    ap.add_argument("--override", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--expect-fail", action="append", default=[], metavar="TEXT")
    ap.add_argument("--window", nargs=2, type=float, default=(4.0, 6.0), metavar=("LOW", "HIGH"),
                    help="the model's RATIO_LOW and RATIO_HIGH (defaults 4 and 6)")
    args = ap.parse_args()
    overrides = [tuple(o.split("=", 1)) for o in args.override]
    work = tempfile.mkdtemp(prefix="cpx351_")
    checks = []

    def check(name, ok, detail):
        checks.append((name, ok, detail))

    try:
        cpx, cpx_sum = run(args.smartnano, scenario_copy(CPX_SCENARIO, overrides, work),
                           os.path.join(work, "cpx"))
        free, free_sum = run(args.smartnano, scenario_copy(FREE_SCENARIO, overrides, work),
                             os.path.join(work, "free"))
    except subprocess.CalledProcessError as e:
        print(f"smartnano failed: {e}")
        return 1

    print("time_h  CPX-351 plasma  CPX-351 marrow  free plasma  free marrow   (molar ratio cyt:dau)")
    for t in REPORT_TIMES_H:
        print(f"{t:6.1f}  {value_at(cpx, 'RATIO_PLASMA', t):14.3f}  "
              f"{value_at(cpx, 'RATIO_MARROW', t):14.3f}  {value_at(free, 'RATIO_PLASMA', t):11.3f}  "
              f"{value_at(free, 'RATIO_MARROW', t):11.3f}")

    # (a) CPX-351 holds the ratio
    held = [(t, r) for t, r in zip(cpx["TIME"], cpx["RATIO_PLASMA"])
            if INFUSION_END_H <= t <= INFUSION_END_H + HOLD_H]
    lo = min(held, key=lambda p: p[1])
    hi = max(held, key=lambda p: p[1])
    check("CPX-351 plasma ratio inside [%.1f, %.1f] from end of infusion to +24 h" % RATIO_BAND,
          RATIO_BAND[0] <= lo[1] and hi[1] <= RATIO_BAND[1],
          f"min {lo[1]:.3f} at {lo[0]} h, max {hi[1]:.3f} at {hi[0]} h")

    # (b) half-lives
    t12 = {}
    for name, label in (("CP_CYT", "cytarabine"), ("CP_DAU", "daunorubicin")):
        t12[name] = terminal_half_life(cpx, name)
        ref = PUBLISHED_T12_H[name]
        check(f"CPX-351 {label} terminal half-life within {ref} h +/- {T12_TOLERANCE:.0%}",
              abs(t12[name] - ref) <= T12_TOLERANCE * ref,
              f"{t12[name]:.2f} h (published median {ref} h)")
    check("cytarabine half-life longer than daunorubicin's", t12["CP_CYT"] > t12["CP_DAU"],
          f"{t12['CP_CYT']:.2f} h vs {t12['CP_DAU']:.2f} h")

    # (c) the free cocktail leaves the band
    after = [(t, r) for t, r in zip(free["TIME"], free["RATIO_PLASMA"])
             if INFUSION_END_H + FREE_DEPART_AFTER_H <= t <= INFUSION_END_H + HOLD_H]
    inside = [p for p in after if RATIO_BAND[0] <= p[1] <= RATIO_BAND[1]]
    check("free cocktail plasma ratio outside the band from end of infusion + 1 h to +24 h",
          not inside, f"{len(inside)} of {len(after)} observations inside"
          + (f", first at {inside[0][0]} h" if inside else ""))
    r4 = value_at(free, "RATIO_PLASMA", INFUSION_END_H + FREE_BELOW_ONE_BY_H)
    check("free cocktail plasma ratio below 1 by end of infusion + 4 h", r4 < 1.0,
          f"{r4:.4f} at {INFUSION_END_H + FREE_BELOW_ONE_BY_H} h")

    # (d) time inside the synergy window
    low, high = args.window
    for label, cols, summ in (("CPX-351", cpx, cpx_sum), ("free cocktail", free, free_sum)):
        for site in ("PLASMA", "MARROW"):
            ode = float(summ[f"HOURS_IN_WINDOW_{site}_final"])
            counted = hours_in_window(cols["TIME"], cols[f"RATIO_{site}"], low, high)
            check(f"{label} {site.lower()} hours in [{low:g}, {high:g}]: model output = profile count",
                  abs(ode - counted) <= 0.5, f"{ode:.2f} h vs {counted:.2f} h")
    for site in ("PLASMA", "MARROW"):
        a = float(cpx_sum[f"HOURS_IN_WINDOW_{site}_final"])
        b = float(free_sum[f"HOURS_IN_WINDOW_{site}_final"])
        check(f"CPX-351 spends longer in the window than the free cocktail ({site.lower()})", a > b,
              f"{a:.2f} h vs {b:.2f} h over 7 days")

    shutil.rmtree(work, ignore_errors=True)
    return report(checks, args.expect_fail)


if __name__ == "__main__":
    sys.exit(main())
