"""Synergy, survival and NCA: against the CLI and the stored R / PKNCA reference outputs."""

import csv
import json

import numpy as np
import pytest

import smartnano as sn
from conftest import CASES, SHARED_DIR, assert_close, read_csv

SYNERGY = SHARED_DIR / "validation" / "synergyfinder" / "ReplExample.csv"
LUNG = SHARED_DIR / "validation" / "survival"
NCA = SHARED_DIR / "validation" / "nca"


def shared(path):
    if not path.exists():
        pytest.skip(f"{path} not found (SMARTNANO_SHARED_DIR)")
    return path


def test_synergy_matches_the_cli(cli):
    # The CLI writes 6 significant digits.
    results = sn.synergy(shared(SYNERGY), methods="bliss,hsa,loewe,zip")
    cells = read_csv(cli("synergy", SYNERGY) / "synergy_cells.csv")
    assert len(results) == len(set(cells["block"]))
    k = 0
    for r in results:
        rows, cols = r["response"].shape
        n = rows * cols
        assert_close(r["response"].ravel(), cells["response"][k:k + n], rtol=1e-5, atol=1e-9)
        assert_close(r["corrected"].ravel(), cells["corrected"][k:k + n], rtol=1e-5, atol=1e-9)
        for method, column in (("bliss", "Bliss"), ("hsa", "HSA"), ("loewe", "Loewe"),
                               ("zip", "ZIP")):
            assert_close(r["methods"][method]["scores"].ravel(), cells[column][k:k + n],
                         rtol=1e-5, atol=1e-9)
        k += n
    assert k == len(cells["block"])


def test_synergy_of_arrays_equals_synergy_of_the_file():
    m = sn.read_dose_response_csv(shared(SYNERGY))[0]
    response = m.summary("median")
    from_arrays = sn.dose_response_matrix(m.conc1, m.conc2, response, drug1=m.drug1,
                                          drug2=m.drug2)
    a = sn.analyse_synergy(from_arrays, "bliss,hsa", baseline="none")
    b = sn.analyse_synergy(m, "bliss,hsa", baseline="none")
    np.testing.assert_allclose(a["methods"]["bliss"]["scores"], b["methods"]["bliss"]["scores"])
    assert set(a["methods"]) == {"bliss", "hsa"}
    # Viability is turned into inhibition.
    c = sn.analyse_synergy(
        sn.dose_response_matrix(m.conc1, m.conc2, 100 - response, scale="viability"), "bliss",
        baseline="none")
    np.testing.assert_allclose(c["methods"]["bliss"]["scores"], a["methods"]["bliss"]["scores"])


def lung():
    with open(shared(LUNG / "lung.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    time = np.array([float(r["time"]) for r in rows])
    event = np.array([r["status"] == "2" for r in rows])
    sex = np.array([float(r["sex"]) for r in rows])
    return time, event, sex, json.loads((LUNG / "lung_expected.json").read_text())


def test_survival_matches_r():
    time, event, sex, expected = lung()
    km = sn.kaplan_meier(time, event, conf_type="log")
    curve = expected["km_overall"]["curves"]
    assert_close(km["time"], curve["time"])
    np.testing.assert_array_equal(km["n_risk"], curve["n_risk"])
    assert_close(km["surv"], curve["surv"], rtol=1e-9)
    assert_close(km["lower"], [np.nan if x is None else x for x in curve["lower_95_log"]],
                 rtol=1e-7)
    summary = expected["km_overall"]["median_ci_log"][0]
    assert km["summary"]["median"] == summary["median"]
    assert (km["summary"]["median_lower"], km["summary"]["median_upper"]) == (
        summary["lower"], summary["upper"])
    assert km["summary"]["rmean"] == pytest.approx(summary["rmean"], rel=1e-9)

    groups = np.where(sex == 1, "sex=1", "sex=2")
    lr = sn.log_rank(time, event, groups)
    assert lr["groups"] == expected["logrank"]["groups"]
    assert lr["chisq"] == pytest.approx(expected["logrank"]["chisq"], rel=1e-9)
    assert lr["p"] == pytest.approx(expected["logrank"]["p"], rel=1e-9)

    cox = sn.cox(time, event, {"sex": sex})
    ref = expected["cox"][0]
    assert cox["terms"] == ["sex"]
    assert cox["coef"][0] == pytest.approx(ref["coef"][0], rel=1e-7)
    assert cox["hazard_ratio"][0] == pytest.approx(ref["hr"][0], rel=1e-7)
    assert cox["se"][0] == pytest.approx(ref["se"][0], rel=1e-7)
    same = sn.cox(time, event, sex.reshape(-1, 1), names=["sex"])
    assert same["coef"][0] == cox["coef"][0]
    ci = sn.clopper_pearson(3, 10)
    assert ci["lower"] < 0.3 < ci["upper"]


def test_nca_matches_pknca():
    table = sn.nca_file(shared(NCA / "theoph_input.csv"))
    expected = read_csv(NCA / "theoph_expected_linuplogdown.csv")
    assert list(table["subject"]) == [f"{x:g}" for x in expected["subject"]]
    for name in ("cmax", "tmax", "auclast", "lambda.z", "half.life", "aucinf.obs", "cl.obs"):
        assert_close(table[name], expected[name], rtol=1e-9)
    # One profile from arrays gives the same as the file's first subject.
    with open(NCA / "theoph_input.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["subject"] == "1"]
    one = sn.nca([float(r["time"]) for r in rows], [float(r["conc"]) for r in rows],
                 dose=float(rows[0]["dose"]))
    assert one["status"] == "success"
    assert one["aucinf.obs"] == pytest.approx(table["aucinf.obs"][0], rel=1e-12)


def test_nca_of_a_simulation_table(tmp_path):
    result = sn.simulate(CASES / "good.yaml")
    path = tmp_path / "results.csv"
    sn.write_csv(result["columns"], path)
    table = sn.nca_table(path, conc="CP", dose=100, route="infusion", infusion_duration=1)
    assert table["cmax"][0] == pytest.approx(result["columns"]["CP"].max(), rel=1e-12)
