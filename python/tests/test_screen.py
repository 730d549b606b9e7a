"""Formulation screens and schedule optimisation against `smartnano screen` / `optimise`."""

import numpy as np

import smartnano as sn
from conftest import CASES, assert_close, read_csv

# A one-variable optimisation small enough to run in a second: the infusion dose that maximises
# the AUC of CP under a Cmax limit (the optimum is on the limit).
OPTIMISE = """
scenario: optimise-small
model: one_cmt_oral
parameters: {CL: 1100 mL/h}
dosing:
  - dose: 100 mg, 1 h infusion
    into: CENT
observe: {from: 0 h, to: 24 h, every: 1 h}
optimise:
  variables:
    dose: {set: dosing.0.dose, format: "{} mg, 1 h infusion", low: 10, high: 200, start: 50}
  objective: {output: CP, statistic: auc, goal: max}
  limits:
    - {output: CP, statistic: cmax, at_most: 3000 ug/L}
  max_evaluations: 20
  landscape: {points: 5}
"""


def test_screen_matches_the_cli(cli):
    path = CASES / "screen_small.yaml"
    s = sn.load_screen(path)
    assert s.factors == ["diameter", "release_half_life", "surface"]
    assert s.scores == ["tumour_released", "heart"]
    result = sn.screen(s, threads=2)
    expected = read_csv(cli("screen", path, extra=["--threads", "2"]) / "screen_candidates.csv")
    order = np.argsort(result["candidates"]["rank"], kind="stable")
    assert set(expected) == set(result["candidates"])
    for name, column in expected.items():
        ours = np.asarray(result["candidates"][name])[order]
        if isinstance(column, list):
            assert [str(x) for x in ours] == column, name
        else:
            assert_close(ours, column, rtol=1e-5)  # the CSV has 6 digits
    n = len(result["candidates"]["id"])
    assert result["subject_scores"].shape == (n, result["subjects"], 2)
    assert result["stage2_generated"] > 0


def test_optimisation_matches_the_cli(tmp_path, cli):
    path = tmp_path / "optimise_small.yaml"
    path.write_text(OPTIMISE)
    o = sn.load_optimisation(OPTIMISE)
    assert o.variables == ["dose"] and o.algorithm == "cobyla"
    result = sn.optimise(o, threads=1)
    expected = read_csv(cli("optimise", path) / "optimise_evaluations.csv")
    for name, column in expected.items():
        ours = result["evaluations"][name]
        if isinstance(column, list):
            assert [str(x) for x in ours] == column, name
        else:
            assert_close(ours, column, rtol=1e-5)  # the CSV has 6 digits
    assert result["found_feasible"] and result["best"]["feasible"]
    objective, limit = o.scores
    assert result["best"]["scores"][limit] <= 3000 * (1 + 1e-9)
    searched = (np.asarray(expected["phase"]) == "optimiser") & (expected["feasible"] == 1)
    assert result["best"]["scores"][objective] >= expected[objective][searched].max() * (1 - 1e-5)
    assert len(result["landscape"]) == 5
