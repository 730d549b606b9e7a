"""smartnano: nanomedicine pharmacokinetics, virtual patients and virtual trials in Python.

A thin layer over the C++ engine (docs/python.md). Scenarios are loaded from a file path or
from YAML text; results come back as dictionaries whose tables are dictionaries of column name
-> NumPy array (``pandas.DataFrame(result["columns"])`` takes them as they are). Bad input
raises ``smartnano.InputError`` (a ``ValueError``) with the engine's message and its ``file``,
``line``, ``column`` and ``field``. Long runs release the GIL and take ``threads=`` (0: every
core); results do not depend on the number of threads.
"""

import csv as _csv
import math as _math
import os as _os

from . import _smartnano as _core
from ._smartnano import (  # noqa: F401  (the public API)
    DoseResponseMatrix,
    InputError,
    Model,
    Optimisation,
    Scenario,
    Screen,
    Trial,
    __version__,
    analyse_synergy,
    clopper_pearson,
    cox,
    dose_response_matrix,
    kaplan_meier,
    load_default_scenario,
    load_default_trial,
    load_model,
    load_optimisation_file,
    load_optimisation_text,
    load_scenario_file,
    load_scenario_text,
    load_screen_file,
    load_screen_text,
    load_trial_file,
    load_trial_text,
    log_rank,
    models,
    nca,
    nca_file,
    nca_table,
    params,
    read_dose_response_csv,
    run_optimisation,
    run_scenario,
    run_screen,
    run_trial,
)

__all__ = [
    "DoseResponseMatrix", "InputError", "Model", "Optimisation", "Scenario", "Screen", "Trial",
    "analyse_synergy", "clopper_pearson", "cox", "dose_response_matrix", "kaplan_meier",
    "load_default_scenario", "load_default_trial", "load_model", "load_optimisation",
    "load_scenario", "load_screen", "load_trial", "log_rank", "models", "nca", "nca_file",
    "nca_table", "optimise", "params", "read_dose_response_csv", "run_optimisation",
    "run_scenario", "run_screen", "run_trial", "screen", "simulate", "synergy", "trial",
    "write_csv",
]


def _is_text(source):
    """YAML text has a line break; a path has none."""
    return isinstance(source, str) and "\n" in source


def _load(source, text, file, from_file, from_text, what):
    if text is not None:
        if source is not None:
            raise TypeError(f"load_{what}(): give a path or text=, not both")
        return from_text(text, file)
    if source is None:
        raise TypeError(f"load_{what}(): give a path or text=")
    if _is_text(source):
        return from_text(source, file)
    return from_file(_os.fspath(source))


def load_scenario(source=None, *, text=None, file="<text>"):
    """A scenario from a file path, or from YAML text (``text=``, or a string with a line
    break). ``file`` names the text in messages and is the folder relative paths start from."""
    return _load(source, text, file, load_scenario_file, load_scenario_text, "scenario")


def load_trial(source=None, *, text=None, file="<text>"):
    """A trial scenario (with a ``trial:`` section); with no argument, the built-in default."""
    if source is None and text is None:
        return load_default_trial()
    return _load(source, text, file, load_trial_file, load_trial_text, "trial")


def load_screen(source=None, *, text=None, file="<text>"):
    """A screen scenario (with a ``screen:`` section)."""
    return _load(source, text, file, load_screen_file, load_screen_text, "screen")


def load_optimisation(source=None, *, text=None, file="<text>"):
    """A schedule optimisation scenario (with an ``optimise:`` section)."""
    return _load(source, text, file, load_optimisation_file, load_optimisation_text,
                 "optimisation")


def _as(kind, loader, source):
    return source if isinstance(source, kind) else loader(source)


def simulate(scenario, *, threads=0, subjects=None, states=False):
    """Simulates a scenario (a Scenario, a path or YAML text): one subject or every subject of
    its population (the first ``subjects`` with a number). Returns a dict:

    ``columns`` (ID, TIME, EVID, every output - and every state with ``states=True`` - as in
    results.csv), ``units`` (per column), ``subjects`` (per subject: ID, status, message, rows,
    solver counters), ``summaries`` (the scenario's per-subject summaries, or None), ``failed``,
    ``threads``, ``wall_seconds``, ``scenario`` and ``model``."""
    return _core.simulate(_as(Scenario, load_scenario, scenario), threads, subjects, states)


def trial(source=None, *, threads=0, replicates=None, out_dir=None):
    """Runs a virtual trial (a Trial, a path or YAML text; none: the built-in default).
    ``replicates`` overrides the file's; ``out_dir`` also writes the CLI's files there.
    Returns ``patients`` (columns of trial_patients.csv), ``arms`` (trial_arms.csv),
    ``comparisons``, ``power``, ``sample_size``, ``biomarker_performance``, ``selected`` (the
    enriched trial, same layout, or None), ``failures`` and ``wall_seconds``."""
    t = source if isinstance(source, Trial) else load_trial(source)
    return run_trial(t, threads, replicates, None if out_dir is None else _os.fspath(out_dir))


def screen(source, *, threads=0, out_dir=None):
    """Runs a formulation screen (a Screen, a path or YAML text). Returns ``candidates``
    (columns of screen_candidates.csv, in order of evaluation), ``subject_scores``
    (candidates x subjects x scores), ``score_names``, ``objectives`` and counters."""
    s = _as(Screen, load_screen, source)
    return run_screen(s, threads, None if out_dir is None else _os.fspath(out_dir))


def optimise(source, *, threads=0, out_dir=None):
    """Runs a schedule optimisation (an Optimisation, a path or YAML text). Returns ``best``
    (values, scores, feasible), ``found_feasible``, ``status``, ``evaluations`` (columns of
    optimise_evaluations.csv), ``landscape`` (row indices of the landscape's evaluations)."""
    o = _as(Optimisation, load_optimisation, source)
    return run_optimisation(o, threads, None if out_dir is None else _os.fspath(out_dir))


def synergy(source, *, methods="", baseline="all", scale="inhibition", summary="median",
            uncertainty=False):
    """Synergy of dose-response matrices: a long CSV path (every block), a DoseResponseMatrix,
    or a list of them. ``methods`` is a comma-separated list of bliss, hsa, loewe, zip (empty:
    all). Returns one result dict per matrix (scores as rows x cols arrays)."""
    if isinstance(source, DoseResponseMatrix):
        matrices = [source]
    elif isinstance(source, (list, tuple)):
        matrices = list(source)
    else:
        matrices = read_dose_response_csv(_os.fspath(source), scale)
    return [analyse_synergy(m, methods, baseline, summary, uncertainty) for m in matrices]


def write_csv(table, path):
    """Writes a table (dict of column name -> equal-length array or list) as CSV; NaN as NA."""
    names = list(table)
    columns = [list(table[n]) for n in names]
    rows = len(columns[0]) if columns else 0
    for name, column in zip(names, columns):
        if len(column) != rows:
            raise ValueError(f"write_csv(): column {name!r} has {len(column)} values, not {rows}")

    def cell(value):
        if isinstance(value, float) and _math.isnan(value):
            return "NA"
        return value.item() if hasattr(value, "item") else value

    with open(path, "w", newline="") as f:
        writer = _csv.writer(f)
        writer.writerow(names)
        for i in range(rows):
            writer.writerow([cell(column[i]) for column in columns])
