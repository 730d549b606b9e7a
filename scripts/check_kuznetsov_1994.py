#!/usr/bin/env python3
"""Validation check: the tumour-immune model of Kuznetsov et al. 1994 (models/kuznetsov_1994.yaml).

Kuznetsov VA, Makalkin IA, Taylor MA, Perelson AS. Nonlinear dynamics of immunogenic tumors:
parameter estimation and global bifurcation analysis. Bull Math Biol 1994;56:295-321.

    dE/dt = s + p E T / (g + T) - m E T - d E
    dT/dt = a T (1 - b T) - n E T

The script computes the equilibria of these equations for the published BCL1 estimates itself
(bisection on the tumour-present equilibrium condition, below), runs four scenarios of
tests/validation with `smartnano run` and checks that

  (a) the model file carries the published values, and they reproduce the paper's dimensionless
      set (E0 = T0 = 1e6 cells, time in units of 1 / (n T0));
  (b) the equations have, for these values, the tumour-free saddle, a dormant stable focus, a
      saddle and an escape stable node (the paper's phase portrait);
  (c) a small tumour (kuznetsov_dormant.yaml: T0 = 1e6, E0 = 3.2e5) settles to the dormant
      equilibrium within TOL of the analytic one, in damped oscillations whose late period is
      within PERIOD_TOL of 2 pi / Im(lambda) of the linearisation there;
  (d) a large tumour (kuznetsov_escape.yaml: T0 = 1e8, above the separatrix) reaches the escape
      equilibrium within TOL;
  (e) without a tumour (kuznetsov_tumour_free.yaml) the effectors settle at s / d within TOL;
  (f) with the kill rate n halved (kuznetsov_weak_killing.yaml) the dormant equilibrium still
      exists but the small tumour's start lies outside its basin: it escapes to the high
      equilibrium of the weaker model within TOL;
  (g) the output LOG10_T is log10 of T_CELLS.

Standard library only. Exit status 0 when every check passes, 1 otherwise. `--replace OLD NEW`
(repeatable) runs every scenario on a copy of the model file with the text OLD replaced by NEW
(a deliberate error); `--expect-fail TEXT` (repeatable) inverts the verdict for a negative
control: exit 0 only when all scenarios ran and every check whose name contains one of the
TEXTs failed.

  check_kuznetsov_1994.py --smartnano build/apps/smartnano/smartnano
"""
import argparse
import cmath
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

from check_common import observation_columns, report, with_changed_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
MODEL = os.path.join(ROOT, "models", "kuznetsov_1994.yaml")
VALIDATION = os.path.join(ROOT, "tests", "validation")
SCENARIOS = ("dormant", "escape", "tumour_free", "weak_killing")

# Published BCL1 estimates (Kuznetsov et al. 1994; values as encoded in BioModels
# BIOMD0000000762; the model file gives each value's source). Model parameter name: value.
PUBLISHED = {"S_EFF": 1.3e4, "P_EFF": 0.1245, "G_EFF": 2.019e7, "M_EFF": 3.422e-10,
             "D_EFF": 0.0412, "A_TUM": 0.18, "B_TUM": 2.0e-9, "N_KILL": 1.101e-7}
# The paper's dimensionless set (x = E / E0, y = T / T0, tau = n T0 t), as printed to four
# significant figures (public course code samubernard/popdyn, immunogeneic_tumor_growth).
SCALE_CELLS = 1e6
DIMENSIONLESS = {"sigma": 0.1181, "rho": 1.131, "eta": 20.19, "mu": 0.00311, "delta": 0.3743,
                 "alpha": 1.636, "beta": 2.0e-3}
DIMENSIONLESS_TOL = 1e-3        # relative: the printed values have four significant figures

TOL = 0.01                      # equilibria reached within 1 %
SETTLE_DAYS = 200               # ... over the last 200 days of the run
PERIOD_TOL = 0.05               # late oscillation period within 5 % of the linear one
PERIOD_WINDOW = (1000.0, 2800.0)


def equations(q):
    s, p, g, m, d = q["S_EFF"], q["P_EFF"], q["G_EFF"], q["M_EFF"], q["D_EFF"]
    a, b, n = q["A_TUM"], q["B_TUM"], q["N_KILL"]

    def rhs(e, t):
        return (s + p * e * t / (g + t) - m * e * t - d * e, a * t * (1 - b * t) - n * e * t)

    def jacobian(e, t):
        return ((p * t / (g + t) - m * t - d, p * e * g / (g + t) ** 2 - m * e),
                (-n * t, a - 2 * a * b * t - n * e))
    return rhs, jacobian


def equilibria(q):
    """All equilibria (E, T), tumour-free first, then tumour-present by increasing T.

    With T > 0 the tumour equation gives E = a (1 - b T) / n, so 0 < T < 1/b; putting it in the
    effector equation leaves h(T) = s + E(T) (p T / (g + T) - m T - d) = 0, a cubic after
    multiplying by n (g + T). Its roots in (0, 1/b) are bracketed on a fine logarithmic grid and
    refined by bisection."""
    s, p, g, m, d = q["S_EFF"], q["P_EFF"], q["G_EFF"], q["M_EFF"], q["D_EFF"]
    a, b, n = q["A_TUM"], q["B_TUM"], q["N_KILL"]

    def e_of(t):
        return a * (1 - b * t) / n

    def h(t):
        return s + e_of(t) * (p * t / (g + t) - m * t - d)

    top = 1 / b
    grid = [top * 10 ** (-k / 400) for k in range(12 * 400, -1, -1)]   # 1e-12 / b .. 1 / b
    roots = []
    for lo, hi in zip(grid, grid[1:]):
        if h(lo) == 0:
            roots.append(lo)
        elif h(lo) * h(hi) < 0:
            for _ in range(200):
                mid = 0.5 * (lo + hi)
                if h(lo) * h(mid) <= 0:
                    hi = mid
                else:
                    lo = mid
            roots.append(0.5 * (lo + hi))
    return [(s / d, 0.0)] + [(e_of(t), t) for t in roots]


def classify(jac):
    (a11, a12), (a21, a22) = jac
    tr, det = a11 + a22, a11 * a22 - a12 * a21
    lam = [(tr + sgn * cmath.sqrt(tr * tr - 4 * det)) / 2 for sgn in (1, -1)]
    if det < 0:
        kind = "saddle"
    elif tr < 0:
        kind = "stable focus" if tr * tr < 4 * det else "stable node"
    else:
        kind = "unstable"
    return kind, lam


def model_values(path):
    """name -> value of the model file's parameters (one-line `NAME: {value: X, ...}` entries)."""
    out = {}
    for line in open(path):
        mt = re.match(r"\s+([A-Z_0-9]+):\s*\{value:\s*([-+0-9.eE]+)", line)
        if mt:
            out[mt.group(1)] = float(mt.group(2))
    return out


def scenario_overrides(path):
    mt = re.search(r"^parameters: \{(.*)\}$", open(path).read(), flags=re.M)
    out = {}
    if mt:
        for item in mt.group(1).split(","):
            k, v = item.split(":")
            out[k.strip()] = float(v)
    return out


def prepare(replacements, folder):
    """Paths of the four scenarios, or of copies in `folder` that use a changed model copy."""
    return with_changed_model(
        MODEL, {k: os.path.join(VALIDATION, f"kuznetsov_{k}.yaml") for k in SCENARIOS},
        replacements, folder)


def run(smartnano, scenario, out):
    return observation_columns(smartnano, scenario, out)


def rel(x, ref):
    return abs(x - ref) / abs(ref)


def settled_dev(cols, e_ref, t_ref):
    """Largest relative deviation of E and T from (e_ref, t_ref) over the last SETTLE_DAYS."""
    end = cols["TIME"][-1]
    dev = 0.0
    for t, e, tt in zip(cols["TIME"], cols["E_CELLS"], cols["T_CELLS"]):
        if t >= end - SETTLE_DAYS:
            dev = max(dev, rel(e, e_ref), rel(tt, t_ref) if t_ref > 0 else abs(tt))
    return dev


def maxima_times(times, values, window):
    """Times of the local maxima of `values` inside `window`, refined by a parabola."""
    out = []
    for i in range(1, len(values) - 1):
        if window[0] <= times[i] <= window[1] and values[i - 1] < values[i] >= values[i + 1]:
            y0, y1, y2 = values[i - 1], values[i], values[i + 1]
            den = y0 - 2 * y1 + y2
            shift = 0.5 * (y0 - y2) / den if den != 0 else 0.0
            out.append(times[i] + shift * (times[i + 1] - times[i]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smartnano", required=True)
    ap.add_argument("--replace", nargs=2, action="append", default=[], metavar=("OLD", "NEW"))
    ap.add_argument("--expect-fail", action="append", default=[], metavar="TEXT")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="kuznetsov_")
    checks = []

    def check(name, ok, detail):
        checks.append((name, bool(ok), detail))

    # (a) published values in the model file and the paper's dimensionless set
    values = model_values(MODEL)
    for name, ref in PUBLISHED.items():
        v = values.get(name, math.nan)
        check(f"model file {name} = published {ref:g}", v == ref, f"{v:g}")
    q = PUBLISHED
    nt0 = q["N_KILL"] * SCALE_CELLS
    derived = {"sigma": q["S_EFF"] / (nt0 * SCALE_CELLS), "rho": q["P_EFF"] / nt0,
               "eta": q["G_EFF"] / SCALE_CELLS, "mu": q["M_EFF"] / q["N_KILL"],
               "delta": q["D_EFF"] / nt0, "alpha": q["A_TUM"] / nt0,
               "beta": q["B_TUM"] * SCALE_CELLS}
    for name, ref in DIMENSIONLESS.items():
        check(f"dimensionless {name} = {ref:g} (from the dimensional values)",
              rel(derived[name], ref) <= DIMENSIONLESS_TOL, f"{derived[name]:.5g}")

    # (b) the analytic phase portrait
    eq = equilibria(q)
    _, jac = equations(q)
    kinds = [classify(jac(e, t)) for e, t in eq]
    print("equilibria of the published model (E, T in cells; x, y in units of 1e6 cells):")
    for (e, t), (kind, lam) in zip(eq, kinds):
        print(f"  E = {e:.6e}  T = {t:.6e}  (x = {e / SCALE_CELLS:.4f}, y = {t / SCALE_CELLS:.4f})"
              f"  {kind}, eigenvalues {lam[0]:.4g}, {lam[1]:.4g} per day")
    expected = ["saddle", "stable focus", "saddle", "stable node"]
    check("published model: tumour-free saddle, dormant stable focus, saddle, escape stable node",
          [k for k, _ in kinds] == expected, ", ".join(k for k, _ in kinds))
    if len(eq) != 4:
        for name, ok, detail in checks:
            print(f"{'pass' if ok else 'FAIL'}  {name}  {detail}")
        return 1
    (e_free, _), (e_dorm, t_dorm), (e_sad, t_sad), (e_esc, t_esc) = eq
    dorm_lam = kinds[1][1][0]

    try:
        paths = prepare(args.replace, work)
        runs = {k: run(args.smartnano, p, os.path.join(work, k)) for k, p in paths.items()}
    except subprocess.CalledProcessError as e:
        print(f"smartnano failed: {e}")
        return 1

    def final(cols):
        return cols["E_CELLS"][-1], cols["T_CELLS"][-1]

    # (c) dormant
    dorm = runs["dormant"]
    e_end, t_end = final(dorm)
    check(f"dormant: small tumour ends at the dormant T* = {t_dorm:.5g} within {TOL:.0%}",
          rel(t_end, t_dorm) <= TOL, f"T = {t_end:.5g} at day {dorm['TIME'][-1]:g}")
    check(f"dormant: effectors end at E* = {e_dorm:.5g} within {TOL:.0%}",
          rel(e_end, e_dorm) <= TOL, f"E = {e_end:.5g}")
    dev = settled_dev(dorm, e_dorm, t_dorm)
    check(f"dormant: E and T within {TOL:.0%} of the equilibrium over the last {SETTLE_DAYS} days",
          dev <= TOL, f"largest deviation {dev:.2e}")
    crossings = sum(1 for u, v in zip(dorm["T_CELLS"], dorm["T_CELLS"][1:])
                    if (u - t_dorm) * (v - t_dorm) < 0)
    check("dormant: damped oscillations (T crosses T* at least 6 times)", crossings >= 6,
          f"{crossings} crossings")
    peaks = maxima_times(dorm["TIME"], dorm["T_CELLS"], PERIOD_WINDOW)
    period_lin = 2 * math.pi / abs(dorm_lam.imag)
    if len(peaks) >= 3:
        period = (peaks[-1] - peaks[0]) / (len(peaks) - 1)
        check(f"dormant: late oscillation period = 2 pi / Im(lambda) = {period_lin:.2f} days "
              f"within {PERIOD_TOL:.0%}", rel(period, period_lin) <= PERIOD_TOL,
              f"{period:.2f} days over {len(peaks) - 1} cycles")
    else:
        check("dormant: late oscillation period (at least 3 maxima after day 1000)", False,
              f"{len(peaks)} maxima")

    # (d) escape
    esc = runs["escape"]
    e_end, t_end = final(esc)
    t0 = scenario_overrides(paths["escape"])["T_INIT"]
    check(f"escape: large tumour (T0 = {t0:g}) ends at the escape T* = {t_esc:.5g} within {TOL:.0%}",
          rel(t_end, t_esc) <= TOL, f"T = {t_end:.5g}")
    check(f"escape: effectors end at E* = {e_esc:.5g} within {TOL:.0%}",
          rel(e_end, e_esc) <= TOL, f"E = {e_end:.5g}")
    dev = settled_dev(esc, e_esc, t_esc)
    check(f"escape: E and T within {TOL:.0%} of the equilibrium over the last {SETTLE_DAYS} days",
          dev <= TOL, f"largest deviation {dev:.2e}")

    # (e) tumour-free
    free = runs["tumour_free"]
    e_end, t_end = final(free)
    check(f"tumour-free: effectors end at s / d = {e_free:.5g} within {TOL:.0%}, T stays 0",
          rel(e_end, e_free) <= TOL and max(abs(x) for x in free["T_CELLS"]) == 0,
          f"E = {e_end:.5g}, largest T {max(abs(x) for x in free['T_CELLS']):g}")

    # (f) weaker killing: the small tumour escapes
    weak_q = dict(q)
    weak_q.update({k: v for k, v in scenario_overrides(paths["weak_killing"]).items()
                   if k in PUBLISHED})
    weak_eq = equilibria(weak_q)
    _, weak_jac = equations(weak_q)
    weak_kinds = [classify(weak_jac(e, t))[0] for e, t in weak_eq]
    print(f"equilibria with n = {weak_q['N_KILL']:g}: " + "; ".join(
        f"E = {e:.4g}, T = {t:.4g} ({kind})" for (e, t), kind in zip(weak_eq, weak_kinds)))
    check(f"weak killing (n = {weak_q['N_KILL']:g}): the same four equilibria as published",
          weak_kinds == expected, ", ".join(weak_kinds))
    weak = runs["weak_killing"]
    e_end, t_end = final(weak)
    (e_wesc, t_wesc), t_wdorm = weak_eq[-1], weak_eq[1][1]
    check(f"weak killing: the small tumour escapes to T* = {t_wesc:.5g} within {TOL:.0%} "
          f"(not to its dormant T* = {t_wdorm:.3g})",
          rel(t_end, t_wesc) <= TOL and rel(e_end, e_wesc) <= TOL, f"T = {t_end:.5g}, E = {e_end:.5g}")

    # (g) LOG10_T
    worst = max(abs(lg - math.log10(max(t, 1.0)))
                for cols in runs.values() for t, lg in zip(cols["T_CELLS"], cols["LOG10_T"]))
    check("LOG10_T = log10(max(T_CELLS, 1))", worst <= 1e-6, f"largest difference {worst:.1e}")

    shutil.rmtree(work, ignore_errors=True)
    print(f"saddle between them: E = {e_sad:.5g}, T = {t_sad:.5g}")
    return report(checks, args.expect_fail)


if __name__ == "__main__":
    sys.exit(main())
