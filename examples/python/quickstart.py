#!/usr/bin/env python3
"""smartnano from Python, step by step: one patient, a virtual population, a virtual trial and a
synergy analysis, with results as NumPy arrays and dictionaries (docs/python.md).

Run it from a build tree (the package is built into <build>/python):

    PYTHONPATH=build/release/python python3 examples/python/quickstart.py --out quickstart-out

Every table is a dict of column name -> NumPy array; with pandas installed,
pandas.DataFrame(table) turns one into a data frame. Tables are written here as CSV with
smartnano.write_csv, so the example needs nothing but NumPy.
"""

import argparse
import pathlib

import numpy as np

import smartnano as sn

EXAMPLES = pathlib.Path(__file__).resolve().parents[1]

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--out", default="quickstart-out", help="folder for the CSV files")
parser.add_argument("--threads", type=int, default=0, help="threads (0: every core)")
args = parser.parse_args()
out = pathlib.Path(args.out)
out.mkdir(parents=True, exist_ok=True)

# %% 1. One patient: pegylated liposomal doxorubicin 50 mg/m2 every 4 weeks.
scenario = sn.load_scenario(EXAMPLES / "pld_patient_q4w.yaml")
print(scenario, "-", scenario.model)
result = sn.simulate(scenario)
cols, units = result["columns"], result["units"]
observed = cols["EVID"] == 0
output = scenario.model.outputs[0]["name"]
k = int(np.argmax(np.where(observed, cols[output], -np.inf)))
print(f"  {output}: Cmax {cols[output][k]:.4g} {units[output]} at {cols['TIME'][k]:g} "
      f"{units['TIME']} ({observed.sum()} observations)")
sn.write_csv(cols, out / "patient.csv")

# %% 2. A virtual population: eight patients with their own tumour phenotypes.
population = sn.load_scenario(EXAMPLES / "population_phenotypes.yaml")
pop = sn.simulate(population, threads=args.threads)
subjects = population.describe_subjects()
print(f"{population}: {len(pop['columns']['ID'])} rows, {pop['failed']} failed, "
      f"{pop['threads']} thread(s)")
cp = pop["columns"][output]
for pid in np.unique(pop["columns"]["ID"]):
    rows = (pop["columns"]["ID"] == pid) & (pop["columns"]["EVID"] == 0)
    weight = subjects["WEIGHT"][subjects["ID"] == pid][0]
    print(f"  patient {pid:g} ({weight:.0f} kg): Cmax {cp[rows].max():.4g} {pop['units'][output]}")
sn.write_csv(pop["columns"], out / "population.csv")
sn.write_csv(subjects, out / "population_subjects.csv")

# %% 3. A virtual trial: PLD against doxorubicin, here with 20 patients per arm (the scenario
# text is edited before loading; `file` keeps relative paths working).
trial_file = EXAMPLES / "trial_pld_vs_doxorubicin_mbc.yaml"
text = trial_file.read_text().replace("patients_per_arm: 60", "patients_per_arm: 20")
trial = sn.load_trial(text=text, file=str(trial_file))
t = sn.trial(trial, threads=args.threads)
arms = t["arms"]
print(f"{trial}: {len(t['patients']['ID'])} patients, {t['failures']} failed")
for i, arm in enumerate(arms["arm"]):
    print(f"  {arm:<12} ORR {100 * arms['orr'][i]:.0f} % "
          f"({100 * arms['orr_lower'][i]:.0f}-{100 * arms['orr_upper'][i]:.0f} %), "
          f"median PFS {arms['pfs_median_months'][i]:.1f} months")
c = t["comparisons"][0]
print(f"  PFS hazard ratio {c['pfs_hazard_ratio']:.2f} "
      f"({c['pfs_lower']:.2f}-{c['pfs_upper']:.2f}), log-rank p {c['pfs_logrank_p']:.3g}")
# The same Kaplan-Meier curve from the per-patient arrays.
pld = t["patients"]["arm"] == "PLD"
km = sn.kaplan_meier(t["patients"]["pfs_days"][pld], t["patients"]["pfs_event"][pld])
print(f"  PLD median PFS from the patients: {km['summary']['median'] / 30.4375:.1f} months")
sn.write_csv(t["patients"], out / "trial_patients.csv")

# %% 4. Synergy of a drug combination from arrays: % inhibition on a 4 x 4 grid (drug A on
# rows, drug B on columns, concentration 0 first).
conc_a = [0.0, 0.1, 1.0, 10.0]
conc_b = [0.0, 0.3, 3.0, 30.0]
inhibition = np.array([[0, 12, 35, 60],
                       [15, 30, 55, 78],
                       [40, 62, 80, 92],
                       [70, 82, 93, 98]], dtype=float)
matrix = sn.dose_response_matrix(conc_a, conc_b, inhibition, drug1="A", drug2="B",
                                 conc_unit="uM")
(syn,) = sn.synergy(matrix, methods="bliss,hsa,zip", baseline="none")
for method, r in syn["methods"].items():
    print(f"  {method:<5} mean synergy {r['mean']:+.2f} % points")
sn.write_csv({"conc_a": np.repeat(conc_a, 4), "conc_b": np.tile(conc_b, 4),
              "inhibition": inhibition.ravel(),
              "bliss": syn["methods"]["bliss"]["scores"].ravel()}, out / "synergy_bliss.csv")
print(f"Wrote patient.csv, population.csv, population_subjects.csv, trial_patients.csv and "
      f"synergy_bliss.csv to {out}")
