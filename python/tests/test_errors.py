"""Bad input raises Python exceptions with the engine's messages (the CLI's, without its
"smartnano: error: " prefix)."""

import os
import subprocess

import pytest

import smartnano as sn
from conftest import CASES


def cli_message(*args):
    exe = os.environ.get("SMARTNANO_EXE")
    if not exe:
        pytest.skip("SMARTNANO_EXE is not set (run through ctest)")
    done = subprocess.run([exe, *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 1
    return done.stderr


def test_input_error_carries_file_line_and_field(tmp_path):
    path = CASES / "unknown_key.yaml"
    with pytest.raises(sn.InputError) as caught:
        sn.load_scenario(path)
    e = caught.value
    assert isinstance(e, ValueError)
    assert (e.file, e.line, e.column, e.field) == (str(path), 6, 1, "obsevre")
    assert "did you mean 'observe'?" in e.message
    assert str(e) == f"{path}:6:1: field 'obsevre': {e.message}"
    assert str(e) in cli_message("simulate", path, "--out", tmp_path / "o")


@pytest.mark.parametrize("case", ["wrong_unit.yaml", "yaml_syntax.yaml", "undefined_name.yaml",
                                  "negative_dose.yaml"])
def test_bad_scenarios_give_the_cli_message(case, tmp_path):
    with pytest.raises(sn.InputError) as caught:
        sn.simulate(CASES / case)
    assert str(caught.value) in cli_message("simulate", CASES / case, "--out", tmp_path / "o")


def test_bad_yaml_text_names_the_given_file():
    with pytest.raises(sn.InputError) as caught:
        sn.load_scenario(text="scenario: x\nmodel: no_such_model\n", file="mine.yaml")
    assert caught.value.file == "mine.yaml"
    assert "no_such_model" in str(caught.value)


def test_bad_trial_and_screen_files(tmp_path):
    with pytest.raises(sn.InputError, match="no output 'SLD_CM'"):
        sn.trial(CASES / "trial_wrong_output.yaml")
    with pytest.raises(sn.InputError, match="the design space is empty"):
        sn.screen(CASES / "screen_empty_design.yaml")
    with pytest.raises(sn.InputError):
        sn.load_optimisation(CASES / "good.yaml")  # no optimise: section


def test_bad_data_files():
    with pytest.raises(sn.InputError) as caught:
        sn.synergy(CASES / "synergy_no_monotherapy.csv")
    assert caught.value.file.endswith("synergy_no_monotherapy.csv")
    with pytest.raises(sn.InputError):
        sn.nca_file(CASES / "missing_column.csv")


def test_bad_arguments_are_value_errors():
    s = sn.load_scenario(CASES / "good.yaml")
    with pytest.raises(ValueError, match="threads"):
        sn.simulate(s, threads=-1)
    with pytest.raises(ValueError):
        sn.kaplan_meier([1, 2, 3], [True, False])
    with pytest.raises(ValueError, match="conf_type"):
        sn.kaplan_meier([1, 2, 3], [1, 0, 1], conf_type="logit")
    with pytest.raises(ValueError):
        sn.log_rank([1, 2, 3, 4], [1, 1, 1, 1], ["a", "a", "a", "a"])  # one group
    with pytest.raises(ValueError, match="method"):
        sn.nca([0, 1, 2, 4], [0, 5, 3, 1], dose=1, method="spline")
    with pytest.raises(ValueError):
        sn.nca([0, 2, 1], [1, 2, 3], dose=1)  # time goes back
    with pytest.raises(ValueError, match="conc1"):
        sn.dose_response_matrix([1, 2], [0, 1], [[0, 1], [2, 3]])
    matrix = sn.dose_response_matrix([0, 1], [0, 1], [[0, 10], [10, 30]])
    with pytest.raises(ValueError, match="bliss"):
        sn.analyse_synergy(matrix, methods="blis")
    with pytest.raises(sn.InputError):
        sn.load_model("no_such_model")
    with pytest.raises(TypeError):
        sn.load_scenario()
