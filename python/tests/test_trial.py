"""Virtual trials against `smartnano trial`."""

import json

import numpy as np

import smartnano as sn
from conftest import CASES, assert_close, assert_same_table, read_csv


def test_trial_matches_the_cli(cli):
    path = CASES / "trial_small.yaml"
    t = sn.load_trial(path)
    assert t.name == "trial-small" and [a["name"] for a in t.arms] == ["high", "low"]
    result = sn.trial(t, threads=2)
    out = cli("trial", path, extra=["--threads", "1"])
    # The CLI writes 6 significant digits.
    assert_same_table(result["patients"], out / "trial_patients.csv", rtol=1e-5)
    arms = {name: result["arms"][name] for name in read_csv(out / "trial_arms.csv")}
    assert_same_table(arms, out / "trial_arms.csv", rtol=1e-5)
    summary = json.loads((out / "trial_summary.json").read_text())
    assert len(result["comparisons"]) == 1
    ours, theirs = result["comparisons"][0], summary["first_trial"]["comparison"]
    assert ours["success"] == theirs["primary_analysis_met"]
    for key in ("estimate", "lower", "upper", "logrank_p"):
        name = "pfs_hazard_ratio" if key == "estimate" else "pfs_" + key
        assert_close(ours[name], theirs["pfs_hazard_ratio"][key], rtol=1e-12)
    assert result["failures"] == 0


def test_replicates_and_output_folder(tmp_path):
    result = sn.trial(CASES / "trial_small.yaml", replicates=2, out_dir=tmp_path / "t")
    assert set(result["patients"]["replicate"]) == {1, 2}
    assert len(result["comparisons"]) == 2
    assert result["power"] is not None and 0.0 <= result["power"]["estimate"] <= 1.0
    assert (tmp_path / "t" / "trial_patients.csv").exists()
    assert (tmp_path / "t" / "km_pfs.svg").exists()


def test_trial_from_text_equals_trial_from_file():
    path = CASES / "trial_small.yaml"
    # The text's model file is found relative to the folder of `file`.
    t = sn.load_trial(text=path.read_text(), file=str(path))
    a = sn.trial(t, threads=1)
    b = sn.trial(path, threads=1)
    np.testing.assert_array_equal(a["patients"]["pfs_days"], b["patients"]["pfs_days"])
    np.testing.assert_array_equal(a["patients"]["arm"], b["patients"]["arm"])
