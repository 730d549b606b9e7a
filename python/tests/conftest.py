"""Shared fixtures of the Python module's tests: where the sources, the shared validation data
and the smartnano command are, and a runner of the command (its numbers are the reference)."""

import csv
import os
import pathlib
import subprocess

import numpy as np
import pytest

SOURCE_DIR = pathlib.Path(
    os.environ.get("SMARTNANO_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SHARED_DIR = pathlib.Path(os.environ.get("SMARTNANO_SHARED_DIR", SOURCE_DIR.parent / "shared"))
CASES = SOURCE_DIR / "tests" / "cli" / "cases"
EXAMPLES = SOURCE_DIR / "examples"


@pytest.fixture
def cli(tmp_path):
    """Runs `smartnano ARGS... --out DIR` and returns DIR (fails the test on a non-zero exit)."""
    exe = os.environ.get("SMARTNANO_EXE")
    if not exe:
        pytest.skip("SMARTNANO_EXE is not set (run through ctest)")

    def run(*args, out="cli-out", extra=()):
        out_dir = tmp_path / out
        cmd = [exe, *map(str, args), "--out", str(out_dir), *extra]
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return out_dir

    return run


def read_csv(path, text=False):
    """A CSV file as columns: numbers as float arrays (NA / empty as NaN), text as lists (every
    column with text=True)."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    table = {}
    for k, name in enumerate(header):
        cells = [r[k] for r in body]
        try:
            if text:
                raise ValueError
            table[name] = np.array([float("nan") if c in ("", "NA") else float(c) for c in cells])
        except ValueError:
            table[name] = cells
    return table


def assert_same_table(ours, path, rtol):
    """Every column of the CSV file at `path` equals ours: text exactly, numbers within rtol."""
    numbers, text = read_csv(path), read_csv(path, text=True)
    assert list(ours) == list(numbers)
    for name, column in numbers.items():
        mine = np.asarray(ours[name])
        if mine.dtype.kind == "U":
            assert list(mine) == text[name], name
        else:
            assert_close(mine, column, rtol=rtol)


def assert_close(actual, expected, rtol=1e-9, atol=0.0):
    """Numbers written with 10 significant digits by the CLI against full doubles."""
    np.testing.assert_allclose(np.asarray(actual, dtype=float), expected, rtol=rtol, atol=atol,
                               equal_nan=True)
