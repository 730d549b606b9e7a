#!/usr/bin/python3
"""Final-time (2688 h) values and max relative errors for bench/peers/run_peers.sh.

usage: compare.py finals SMARTNANO_RESULTS.csv OUT.csv   (ID,Fc,W_total,AUCc at the last time)
       compare.py error TEST.csv REFERENCE.csv LABEL       (max relative error over common IDs)
"""
import csv
import sys


def smartnano_finals(path, out):
    last = {}
    with open(path) as f:
        r = csv.DictReader(f)
        cols = r.fieldnames
        idc = next(c for c in cols if c.lower() in ("id", "patient", "subject"))
        tc = next(c for c in cols if c.lower().startswith("time"))
        for row in r:
            i = int(float(row[idc]))
            t = float(row[tc])
            if i not in last or t >= last[i][0]:
                last[i] = (t, row)
    with open(out, "w") as f:
        f.write("ID,Fc,W_total,AUCc\n")
        for i in sorted(last):
            t, row = last[i]
            f.write("%d,%s,%s,%s\n" % (i, row["Fc_amount"], row["W_total"], row["AUC_c"]))


def read(path):
    with open(path) as f:
        return {int(float(r["ID"])): {k: float(r[k]) for k in ("Fc", "W_total", "AUCc")}
                for r in csv.DictReader(f)}


def error(test, ref, label):
    a, b = read(test), read(ref)
    ids = sorted(set(a) & set(b))
    worst = {}
    for k in ("Fc", "W_total", "AUCc"):
        worst[k] = max(abs(a[i][k] - b[i][k]) / abs(b[i][k]) for i in ids)
    print("%-44s n=%3d  max rel err  Fc %.2e  W_total %.2e  AUCc %.2e"
          % (label, len(ids), worst["Fc"], worst["W_total"], worst["AUCc"]))


if __name__ == "__main__":
    if sys.argv[1] == "finals":
        smartnano_finals(sys.argv[2], sys.argv[3])
    else:
        error(sys.argv[2], sys.argv[3], sys.argv[4])
