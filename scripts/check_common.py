"""Shared parts of the validation check scripts: running a scenario and reading its observation
rows, running scenarios on a deliberately changed copy of a model (negative controls), and the
report of checks with the verdict of a negative control."""
import csv
import math
import os
import re
import subprocess


def observation_columns(smartnano, scenario, out):
    """Runs `smartnano run SCENARIO -o OUT` on one thread and returns the observation rows
    (EVID 0) of results.csv as columns: name -> list of floats (NA -> nan)."""
    subprocess.run([smartnano, "run", scenario, "-o", out, "--threads", "1"], check=True,
                   stdout=subprocess.DEVNULL)
    cols = {}
    with open(os.path.join(out, "results.csv")) as f:
        for row in csv.DictReader(f):
            if row["EVID"] != "0":
                continue
            for k, v in row.items():
                cols.setdefault(k, []).append(float(v) if v != "NA" else math.nan)
    return cols


def with_changed_model(model, scenarios, replacements, folder):
    """`scenarios` (name -> path) as they are without replacements; otherwise copies in `folder`
    that use a copy of `model` with each (old, new) text replaced (old must be there)."""
    if not replacements:
        return dict(scenarios)
    text = open(model).read()
    for old, new in replacements:
        if old not in text:
            raise SystemExit(f"{model}: text to replace not found: {old!r}")
        text = text.replace(old, new)
    model_copy = os.path.join(folder, os.path.basename(model))
    with open(model_copy, "w") as f:
        f.write(text)
    paths = {}
    for k, path in scenarios.items():
        body = re.sub(r"^model: .*$", f"model: {model_copy}", open(path).read(), count=1,
                      flags=re.M)
        paths[k] = os.path.join(folder, os.path.basename(path))
        with open(paths[k], "w") as f:
            f.write(body)
    return paths


def report(checks, expect_fail=None):
    """Prints (name, ok, detail) checks and returns the exit status: 0 when every check passed,
    or - with expect_fail, a list of name fragments - when every targeted check failed."""
    width = max(len(c[0]) for c in checks)
    for name, ok, detail in checks:
        print(f"{'pass' if ok else 'FAIL'}  {name:<{width}}  {detail}")
    failed = [c for c in checks if not c[1]]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed")
    if expect_fail:
        targeted = [c for c in checks if any(t in c[0] for t in expect_fail)]
        ok = bool(targeted) and all(not c[1] for c in targeted)
        print(f"negative control: {len(targeted)} targeted check(s), "
              f"{'all failed as expected' if ok else 'NOT all failed'}")
        return 0 if ok else 1
    return 1 if failed else 0
