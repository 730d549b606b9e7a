"""Scenarios, models, the parameter database and simulation against `smartnano simulate`."""

import json

import numpy as np
import pytest

import smartnano as sn
from conftest import CASES, assert_close, read_csv


def test_load_from_path_and_text_give_the_same_scenario():
    path = CASES / "good.yaml"
    from_path = sn.load_scenario(path)
    from_text = sn.load_scenario(path.read_text(), file=str(path))
    assert from_path.name == from_text.name == "good"
    assert from_path.fingerprint == from_text.fingerprint
    assert from_path.subject_count == 1 and not from_path.is_population
    assert from_path.parameters["CL"] == pytest.approx(1.1)  # 1100 mL/h in L/h
    assert from_path.model.name == "one_cmt_oral"
    assert [o["name"] for o in from_path.model.outputs] == ["CP"]


def test_models_and_parameter_database_match_the_cli(cli):
    assert "one_cmt_oral" in sn.models()
    model = sn.load_model("one_cmt_oral")
    assert [p["name"] for p in model.parameters] == ["CL", "V", "KA"]
    table = sn.params(["one_cmt_oral", "liposomal_doxorubicin_human"])
    out = cli("params", "one_cmt_oral", "liposomal_doxorubicin_human", "--format", "json",
              out="params.json")
    rows = json.loads(out.read_text())
    assert list(table["name"]) == [r["name"] for r in rows]
    assert list(table["source"]) == [r["source"] for r in rows]
    np.testing.assert_array_equal(table["value"], [r["value"] for r in rows])
    assert len(set(len(c) for c in table.values())) == 1  # every column has one row per parameter


def test_one_subject_matches_the_cli(cli):
    path = CASES / "good.yaml"
    result = sn.simulate(path)
    expected = read_csv(cli("simulate", path) / "results.csv")
    assert list(result["columns"]) == list(expected)
    for name, column in expected.items():
        assert_close(result["columns"][name], column)
    assert result["units"]["CP"] == "ug/L" and result["units"]["TIME"] == "h"
    assert result["failed"] == 0 and list(result["subjects"]["status"]) == ["success"]
    assert result["summaries"] is None


def test_population_matches_the_cli(cli):
    path = CASES / "population.yaml"
    s = sn.load_scenario(path)
    assert s.is_population and s.subject_count == 12 and s.seed == 20261127
    result = sn.simulate(s, threads=2)
    out = cli("simulate", path, extra=["--threads", "1"])
    expected = read_csv(out / "results.csv")
    for name, column in expected.items():
        assert_close(result["columns"][name], column)
    subjects = s.describe_subjects()
    expected_subjects = read_csv(out / "subjects.csv")
    assert list(subjects) == list(expected_subjects)
    for name, column in expected_subjects.items():
        assert_close(subjects[name], column)
    assert list(result["subjects"]["ID"]) == list(range(1, 13))


def test_first_subjects_and_states():
    s = sn.load_scenario(CASES / "population.yaml")
    three = sn.simulate(s, subjects=3, states=True)
    assert set(three["columns"]["ID"]) == {1.0, 2.0, 3.0}
    assert {"CENT", "DEPOT"} <= set(three["columns"]) or len(three["columns"]) == 4 + len(
        s.model.states)
    for state in s.model.states:
        assert three["units"][state["name"]] == state["unit"]
    all_rows = sn.simulate(s)
    n = len(three["columns"]["ID"])
    np.testing.assert_array_equal(three["columns"]["CP"], all_rows["columns"]["CP"][:n])


def test_run_scenario_writes_the_cli_files(tmp_path, cli):
    path = CASES / "population.yaml"
    outcome = sn.run_scenario(sn.load_scenario(path), tmp_path / "run", threads=2)
    assert outcome["subjects"] == 12 and outcome["failed_subjects"] == 0
    assert "results.csv" in " ".join(outcome["files"])
    ours = (tmp_path / "run" / "results.csv").read_bytes()
    theirs = (cli("simulate", path) / "results.csv").read_bytes()
    assert ours == theirs


def test_default_scenario_loads():
    s = sn.load_default_scenario()
    assert s.model.name and s.subject_count >= 1
