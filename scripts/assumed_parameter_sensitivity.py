#!/usr/bin/env python3
"""What the assumed defaults of the liposomal doxorubicin PBPK family decide.

Every parameter of models/liposomal_doxorubicin_{human,mouse}.yaml whose source begins with
"assumed" is moved, one at a time, to each end of its documented range (the `range` printed by
`smartnano params`) with every other parameter at its shipped value (no refit). For each end the
script recomputes

  * the validation metrics of tests/validation/liposomal_doxorubicin_test.cpp (same metrics as
    scripts/calibrate_liposomal_doxorubicin.py) and says which leave the acceptance band that
    test applies (published range, intersected with the band around the published central
    value for calibrated metrics);
  * predictions no data here validate: the free-drug exposure (AUC) of the heart, the red marrow,
    the tumour interstitial fluid and the tumour cells after one PLD dose, and the ratio of heart
    exposure after PLD to that after the same dose of free doxorubicin.

This separates the assumptions the validated numbers rest on from those that only shape
unvalidated predictions, and says by how much. Uses only the Python standard library and the
`smartnano` command line.

  python3 scripts/assumed_parameter_sensitivity.py [--smartnano PATH]
      prints the table (Markdown) that docs/models/liposomal_doxorubicin.md carries
  python3 scripts/assumed_parameter_sensitivity.py --csv FILE
      also writes every metric at both ends
  python3 scripts/assumed_parameter_sensitivity.py --check-docs docs/models/liposomal_doxorubicin.md
      exits 1 when the table in the docs differs from a fresh run: a parameter newly labelled
      assumed, one no longer assumed, a different set of metrics out of band, or a change that
      moved by more than 3 percentage points (and 10 % of its value)

`--replace MODEL OLD NEW` (repeatable) runs on copies of the model files with OLD replaced by NEW
in MODEL (human or mouse); with `--expect-fail TEXT` (repeatable) the check passes only when it
fails with messages containing every TEXT (a negative control of --check-docs).
"""
import argparse
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import calibrate_liposomal_doxorubicin as calib  # noqa: E402  (same metrics as the calibration)

ROOT = calib.ROOT
BEGIN = "<!-- assumed-sensitivity:begin (scripts/assumed_parameter_sensitivity.py) -->"
END = "<!-- assumed-sensitivity:end -->"

# Acceptance bands of tests/validation/liposomal_doxorubicin_test.cpp: inside the published range
# and, for calibrated metrics, inside the band around the published central value.
HUMAN_BANDS = {
    "PLD50 CL": (max(0.03, 0.09 * 0.7), min(0.24, 0.09 * 1.3)),
    "PLD50 Vss": (max(2.3, 5.9 * 0.5), min(10.1, 5.9 * 1.5)),
    "PLD50 t1/2z": (max(29.3, 45 * 0.8), min(74.0, 45 * 1.2)),
    "PLD50 t1/2(1)": (1.0, 4.0),
    "PLD25 CL": (0.05, 0.21),
    "PLD25 Vss": (3.0, 6.5),
    "PLD25 t1/2z": (20.8, 59.1),
    "PLD25 t1/2(1)": (0.2, 5.4),
    "CL50/CL25": (0.6, 1.0),
    "tumour %ID/kg 72h": (18.3 - 5.7, 18.3 + 5.7),
    "free CL": (39.7, 48.6),
    "free Vss": (max(126, 254 * 0.7), min(393, 254 * 1.3)),
    "free t1/2z": (5.4, 26.8),
}
MOUSE_BANDS = {
    "t1/2(1)": (1.1 * 0.5, 1.1 * 1.5),
    "t1/2z": (10.3 * 0.8, 10.3 * 1.2),
    "liver %ID/g 24h": (19.3 - 2.8, 19.3 + 2.8),
    "spleen %ID/g 24h": (18.8 - 4.2, 18.8 + 4.2),
    "tumour %ID/g 24h": (5.5 - 3.0, 5.5 + 3.0),
}
PREDICTIONS = ["heart AUC", "marrow AUC", "tumour ISF AUC", "tumour cell AUC", "heart PLD/free"]


def auc(t, c):
    return sum(0.5 * (c[i] + c[i - 1]) * (t[i] - t[i - 1]) for i in range(1, len(t)))


def human(smartnano, params):
    """Validation metrics and predictions of the human model with `params` overridden."""
    out = {}
    exposure = {}
    for dose in (50, 25):
        r = calib.simulate(smartnano, "liposomal_doxorubicin_human", params,
                           f"{dose} mg/m2, 1 h infusion", "LP", calib.HUMAN_TIMES)
        m = calib.pk_metrics(r["TIME"], r["CP_TOTAL"], dose * calib.BSA, 1.0, (96, 336),
                             (1.0, 12.0))
        for k, name in (("CL", "CL"), ("Vss", "Vss"), ("t_half_z", "t1/2z"),
                        ("t_half_1", "t1/2(1)")):
            out[f"PLD{dose} {name}"] = m[k]
        if dose == 50:
            i72 = r["TIME"].index(72.0)
            v_tum_l = params.get("V_TUM", 114.5) / 1000
            out["tumour %ID/kg 72h"] = r["PID_TUMOUR_CAR"][i72] / v_tum_l
            for col, name in (("C_HEART_FREE", "heart AUC"), ("C_MARROW_FREE", "marrow AUC"),
                              ("C_TUMOUR_ISF_FREE", "tumour ISF AUC"),
                              ("C_TUMOUR_CELL_FREE", "tumour cell AUC")):
                exposure[name] = auc(r["TIME"], r[col])
    out["CL50/CL25"] = out["PLD50 CL"] / out["PLD25 CL"]
    r = calib.simulate(smartnano, "liposomal_doxorubicin_human", params,
                       "25 mg/m2, infusion over 15 min", "FB", calib.FREE_TIMES)
    m = calib.pk_metrics(r["TIME"], r["CP_TOTAL"], 25 * calib.BSA, 0.25, (48, 120), (0.3, 4))
    out["free CL"], out["free Vss"], out["free t1/2z"] = m["CL"], m["Vss"], m["t_half_z"]
    # Free doxorubicin is linear in this model: 50 mg/m2 gives twice the 25 mg/m2 exposure.
    exposure["heart PLD/free"] = exposure["heart AUC"] / (2 * auc(r["TIME"], r["C_HEART_FREE"]))
    return out, exposure


def mouse(smartnano, params):
    r = calib.simulate(smartnano, "liposomal_doxorubicin_mouse", params, calib.MOUSE_DOSE, "LP",
                       calib.MOUSE_TIMES, subject="weight: 25 g")
    m = calib.pk_metrics(r["TIME"], r["CP_TOTAL"], 0.005, 0.0, (12, 48), (0.1, 4))
    i = r["TIME"].index(24.0)
    out = {"t1/2(1)": m["t_half_1"], "t1/2z": m["t_half_z"],
           "liver %ID/g 24h": r["PIDG_LIVER_CAR"][i], "spleen %ID/g 24h": r["PIDG_SPLEEN_CAR"][i],
           "tumour %ID/g 24h": r["PIDG_TUMOUR_CAR"][i]}
    exposure = {}
    for col, name in (("C_HEART_FREE", "heart AUC"), ("C_MARROW_FREE", "marrow AUC"),
                      ("C_TUMOUR_ISF_FREE", "tumour ISF AUC"),
                      ("C_TUMOUR_CELL_FREE", "tumour cell AUC")):
        exposure[name] = auc(r["TIME"], r[col])
    return out, exposure


def assumed_parameters(smartnano, model):
    path = os.path.join(calib.MODELS, model + ".yaml")
    text = subprocess.run([smartnano, "params", path, "--format", "json"], check=True,
                          capture_output=True, text=True).stdout
    return [p for p in json.loads(text) if p["source"].lower().startswith("assumed")]


def pct(new, base):
    return 100.0 * (new / base - 1.0) if base != 0 else float("nan")


def analyse(smartnano):
    """Rows of the table: one per (model, assumed parameter)."""
    rows, records = [], []
    for model, run, bands, short in (("liposomal_doxorubicin_human", human, HUMAN_BANDS, "human"),
                                     ("liposomal_doxorubicin_mouse", mouse, MOUSE_BANDS, "mouse")):
        base_val, base_exp = run(smartnano, {})
        for name, (lo, hi) in bands.items():
            if not lo <= base_val[name] <= hi:
                raise SystemExit(f"{short}: shipped {name} = {base_val[name]:.4g} is outside "
                                 f"[{lo:.4g}, {hi:.4g}]; run the validation tests first")
        for p in assumed_parameters(smartnano, model):
            lo_v, hi_v = p["range"]
            ends = {}
            for label, v in (("low", lo_v), ("high", hi_v)):
                val, exp = run(smartnano, {p["name"]: v})
                ends[label] = (val, exp)
                for k in list(val) + list(exp):
                    b = base_val.get(k, base_exp.get(k))
                    x = val.get(k, exp.get(k))
                    records.append({"model": short, "parameter": p["name"], "end": label,
                                    "value": v, "metric": k, "shipped": b, "at_end": x,
                                    "change_pct": pct(x, b),
                                    "in_band": (bands[k][0] <= x <= bands[k][1])
                                    if k in bands else ""})
            out_of_band = []
            for k in bands:
                where = [e for e in ("low", "high") if not bands[k][0] <= ends[e][0][k] <= bands[k][1]]
                if where:
                    out_of_band.append(f"{k} ({'/'.join(where)})")
            largest = max(bands, key=lambda k: max(abs(pct(ends[e][0][k], base_val[k]))
                                                   for e in ("low", "high")))
            row = {"parameter": p["name"], "model": short,
                   "value": f"{p['value']:g} [{lo_v:g}, {hi_v:g}] {p['unit']}",
                   "out_of_band": ", ".join(out_of_band) or "none",
                   "largest": (largest, pct(ends["low"][0][largest], base_val[largest]),
                               pct(ends["high"][0][largest], base_val[largest]))}
            for k in PREDICTIONS:
                if k in base_exp:
                    row[k] = (pct(ends["low"][1][k], base_exp[k]),
                              pct(ends["high"][1][k], base_exp[k]))
                else:
                    row[k] = None
            rows.append(row)
    return rows, records


def fmt_pair(pair):
    return "n/a" if pair is None else f"{pair[0]:+.0f} / {pair[1]:+.0f}"


def markdown(rows):
    lines = ["| parameter | model | shipped [range] | validation metrics out of their test band "
             "(range end) | largest validation change, % (low / high) | "
             + " | ".join(f"{k}, %" if k != "heart PLD/free" else "heart PLD/free, %"
                          for k in PREDICTIONS) + " |",
             "| --- | --- | --- | --- | --- | " + " | ".join("---" for _ in PREDICTIONS) + " |"]
    for r in rows:
        name, lo, hi = r["largest"]
        lines.append(f"| {r['parameter']} | {r['model']} | {r['value']} | {r['out_of_band']} | "
                     f"{name}: {lo:+.0f} / {hi:+.0f} | "
                     + " | ".join(fmt_pair(r[k]) for k in PREDICTIONS) + " |")
    return "\n".join(lines)


NUM = re.compile(r"[+-]?\d+(?:\.\d+)?")


def compare(doc_table, fresh_table):
    """Differences between the table in the docs and a fresh one (list of messages)."""
    def parse(table):
        rows = {}
        for line in table.strip().splitlines()[2:]:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[(cells[0], cells[1])] = cells
        return rows
    doc, fresh = parse(doc_table), parse(fresh_table)
    problems = []
    for key in sorted(set(doc) | set(fresh)):
        if key not in doc:
            problems.append(f"{key[1]} {key[0]} is assumed in the model file but has no row in "
                            "the docs table")
            continue
        if key not in fresh:
            problems.append(f"{key[1]} {key[0]} has a row in the docs table but is no longer "
                            "an assumed parameter")
            continue
        d, f = doc[key], fresh[key]
        if d[2] != f[2] or d[3] != f[3]:
            problems.append(f"{key[1]} {key[0]}: docs say '{d[2]}' / '{d[3]}', a fresh run "
                            f"gives '{f[2]}' / '{f[3]}'")
            continue
        if d[4].split(":")[0] != f[4].split(":")[0]:
            problems.append(f"{key[1]} {key[0]}: largest validation change is now in "
                            f"'{f[4]}', docs say '{d[4]}'")
            continue
        for i in range(4, len(f)):
            dn, fn = [float(x) for x in NUM.findall(d[i])], [float(x) for x in NUM.findall(f[i])]
            if len(dn) != len(fn) or any(abs(a - b) > max(3.0, 0.1 * abs(b))
                                         for a, b in zip(dn, fn)):
                problems.append(f"{key[1]} {key[0]}: column {i + 1} docs '{d[i]}', fresh "
                                f"'{f[i]}'")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smartnano",
                    default=os.path.join(ROOT, "build/release/apps/smartnano/smartnano"))
    ap.add_argument("--csv", help="write every metric at both range ends to this file")
    ap.add_argument("--check-docs", help="compare with the table in this Markdown file")
    ap.add_argument("--replace", nargs=3, action="append", default=[],
                    metavar=("MODEL", "OLD", "NEW"))
    ap.add_argument("--expect-fail", action="append", default=[])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if a.replace:
            models = os.path.join(tmp, "models")
            shutil.copytree(calib.MODELS, models)
            for which, old, new in a.replace:
                path = os.path.join(models, f"liposomal_doxorubicin_{which}.yaml")
                with open(path) as f:
                    text = f.read()
                if old not in text:
                    print(f"--replace: '{old}' is not in {path}", file=sys.stderr)
                    return 2
                with open(path, "w") as f:
                    f.write(text.replace(old, new))
            calib.MODELS = models
        return run(a)


def run(a):
    rows, records = analyse(a.smartnano)
    table = markdown(rows)
    if a.csv:
        tmp = a.csv + ".tmp"
        with open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(records[0]))
            w.writeheader()
            w.writerows(records)
        os.replace(tmp, a.csv)
    if not a.check_docs:
        print(table)
        return 0
    with open(a.check_docs) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        print(f"{a.check_docs}: no table between '{BEGIN}' and '{END}'", file=sys.stderr)
        return 1
    doc_table = text.split(BEGIN, 1)[1].split(END, 1)[0]
    problems = compare(doc_table, table)
    for p in problems:
        print(f"{a.check_docs}: {p}", file=sys.stderr)
    if a.expect_fail:
        missing = [t for t in a.expect_fail if not any(t in p for p in problems)]
        if missing:
            print(f"negative control: expected a failure naming {missing}", file=sys.stderr)
            return 1
        print(f"negative control: the check failed as expected ({len(problems)} differences)")
        return 0
    if problems:
        print("regenerate with: python3 scripts/assumed_parameter_sensitivity.py", file=sys.stderr)
        return 1
    print(f"{len(rows)} assumed parameters: the table in {a.check_docs} matches a fresh run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
