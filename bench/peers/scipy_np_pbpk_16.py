#!/usr/bin/python3
"""Peer benchmark: NP-PBPK-16 (bench/reference-model.md) in SciPy.

usage: scipy_np_pbpk_16.py PARAMS.csv M RTOL ATOL METHOD OUT.csv
  PARAMS.csv: per-patient parameters from sample_patients.py (the smartnano patients);
  M: simulate patients 1..M; METHOD: odeint (LSODA, Fortran loop) | LSODA | BDF (solve_ivp).
Integration is segmented at every infusion start and end (0, 1, 672, 673, ...), the infusion
being a constant 90 mg/h input into Ep inside its segment; all 16 states are recorded every 6 h
from 0 to 2688 h (449 rows). The Jacobian is the integrator's own finite-difference one.
Prints "wall_seconds <s>" (simulation only, not reading parameters or writing OUT.csv) and writes
ID,Fc,W_total,AUCc at 2688 h.
"""
import csv
import os
import sys
import time

import numpy as np
from scipy.integrate import odeint, solve_ivp

TYP = dict(Vmax_l=0.6, Km_l=20.0, CLs=0.01, PSo=0.01, kob=0.005, PSt=0.002, ktb=0.01, krp=0.001,
           krl=0.05, krs=0.05, kro=0.01, krt=0.02, CLf=30.0, Qr=60.0, Kpr=1.0, Qh=15.0, Kph=20.0,
           Ql=90.0, Kpl=30.0, Qt=0.1, Kpt=10.0, kin=0.5, kout=0.05, kkill=0.0004, lam0=0.004,
           lam1=0.02, ktr=0.02, psi=20.0, V_p=3.0, V_fp=15.0, V_r=1000.0, V_h=0.3, V_l=1.8,
           V_t=0.05)
DOSE, TINF, II, NDOSE, TEND = 90.0, 1.0, 672.0, 4, 2688.0
# NP_OUTPUT=final: record only t = 0 and the final time (the integration is the same).
TOBS = (np.array([0.0, TEND]) if os.environ.get("NP_OUTPUT") == "final"
        else np.arange(0.0, TEND + 1e-9, 6.0))


def make_rhs(p):
    Vmax_l, Km_l, CLs, PSo, kob, PSt, ktb, krp = (p[k] for k in
                                                  ("Vmax_l", "Km_l", "CLs", "PSo", "kob", "PSt", "ktb", "krp"))
    krl, krs, kro, krt, CLf = p["krl"], p["krs"], p["kro"], p["krt"], p["CLf"]
    Qr, Qh, Ql, Qt = p["Qr"], p["Qh"], p["Ql"], p["Qt"]
    dr, dh, dl, dt = p["V_r"] * p["Kpr"], p["V_h"] * p["Kph"], p["V_l"] * p["Kpl"], p["V_t"] * p["Kpt"]
    kin, kout, kkill, lam0, lam1, ktr, psi = (p[k] for k in
                                              ("kin", "kout", "kkill", "lam0", "lam1", "ktr", "psi"))
    V_p, V_fp, V_t = p["V_p"], p["V_fp"], p["V_t"]
    lr, ipsi = lam0 / lam1, 1.0 / psi

    def rhs(y, rate):
        Ep, El, Es, Eo, Et, Fp, Fr, Fh, Fl, Ft, Fc, W0, W1, W2, W3, _ = y
        Cp = Ep / V_p
        Cfp = Fp / V_fp
        up = Vmax_l * Cp / (Km_l + Cp)
        Jr = Qr * (Cfp - Fr / dr)
        Jh = Qh * (Cfp - Fh / dh)
        Jl = Ql * (Cfp - Fl / dl)
        Jt = Qt * (Cfp - Ft / dt)
        E = kkill * Fc / V_t
        Wt = W0 + W1 + W2 + W3
        return [-up - CLs * Cp - PSo * Cp + kob * Eo - PSt * Cp + ktb * Et - krp * Ep + rate,
                up - krl * El,
                CLs * Cp - krs * Es,
                PSo * Cp - kob * Eo - kro * Eo,
                PSt * Cp - ktb * Et - krt * Et,
                krp * Ep + kro * Eo + krs * Es - CLf * Cfp - Jr - Jh - Jl - Jt,
                Jr, Jh, Jl + krl * El,
                Jt + krt * Et - kin * Ft + kout * Fc,
                kin * Ft - kout * Fc,
                lam0 * W0 / (1.0 + (lr * Wt) ** psi) ** ipsi - E * W0,
                E * W0 - ktr * W1,
                ktr * (W1 - W2),
                ktr * (W2 - W3),
                Fc / V_t]
    return rhs


def segments():
    """(start, end, rate) pieces of [0, TEND] with a constant infusion rate."""
    cuts = sorted({0.0, TEND} | {II * k for k in range(NDOSE)} | {II * k + TINF for k in range(NDOSE)})
    out = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        on = any(II * k <= a < II * k + TINF for k in range(NDOSE))
        out.append((a, b, DOSE / TINF if on else 0.0))
    return out


SEGS = segments()


def simulate(p, rtol, atol, method):
    rhs = make_rhs(p)
    y = np.zeros(16)
    y[11] = 50.0
    rows = [y.copy()]  # t = 0
    for a, b, rate in SEGS:
        inner = TOBS[(TOBS > a) & (TOBS <= b)]
        ts = inner if (len(inner) and inner[-1] == b) else np.append(inner, b)
        if method == "odeint":
            sol = odeint(lambda yy, t: rhs(yy, rate), y, np.concatenate(([a], ts)), rtol=rtol,
                         atol=atol, mxstep=100000)[1:]
        else:
            r = solve_ivp(lambda t, yy: rhs(yy, rate), (a, b), y, method=method, rtol=rtol,
                          atol=atol, t_eval=ts)
            if not r.success:
                raise RuntimeError(r.message)
            sol = r.y.T
        rows.extend(sol[:len(inner)])
        y = sol[-1].copy()
    out = np.array(rows)
    assert out.shape == (len(TOBS), 16), out.shape
    return out


def main():
    pfile, m, rtol, atol, method, outfile = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), \
        float(sys.argv[4]), sys.argv[5], sys.argv[6]
    patients = []
    with open(pfile) as f:
        for r in csv.DictReader(f):
            p = dict(TYP)
            p.update({k: float(v) for k, v in r.items() if k != "ID"})
            patients.append((int(r["ID"]), p))
    patients = patients[:m]
    finals = []
    t0 = time.perf_counter()
    for pid, p in patients:
        out = simulate(p, rtol, atol, method)
        last = out[-1]
        finals.append((pid, last[10], last[11] + last[12] + last[13] + last[14], last[15]))
    wall = time.perf_counter() - t0
    with open(outfile, "w") as f:
        f.write("ID,Fc,W_total,AUCc\n")
        for r in finals:
            f.write("%d,%.17g,%.17g,%.17g\n" % r)
    print("wall_seconds %.6f patients %d method %s rtol %g atol %g" % (wall, len(patients), method, rtol, atol))


if __name__ == "__main__":
    main()
