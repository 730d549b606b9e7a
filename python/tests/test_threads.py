"""Threads and the GIL: results do not depend on `threads=`, long runs let other Python threads
run, and two simulations may run at once in one interpreter."""

import threading
import time

import numpy as np

import smartnano as sn
from conftest import CASES

# 200 patients of a two-compartment-free model with hourly observations for a week: long enough
# (about a second on one core) for the main thread to be seen running meanwhile.
POPULATION = (CASES / "population.yaml").read_text().replace("size: 12", "size: 200").replace(
    "to: 24 h, every: 4 h", "to: 168 h, every: 0.25 h")


def population():
    return sn.load_scenario(POPULATION, file=str(CASES / "population.yaml"))


def test_results_do_not_depend_on_threads():
    s = population()
    one = sn.simulate(s, threads=1, subjects=40)
    two = sn.simulate(s, threads=2, subjects=40)
    assert two["threads"] == 2
    for name, column in one["columns"].items():
        np.testing.assert_array_equal(column, two["columns"][name])
    t1 = sn.trial(CASES / "trial_small.yaml", threads=1)
    t2 = sn.trial(CASES / "trial_small.yaml", threads=2)
    np.testing.assert_array_equal(t1["patients"]["pfs_days"], t2["patients"]["pfs_days"])


def test_the_gil_is_released_during_a_run():
    s = population()
    done = threading.Event()
    result = {}

    def run():
        result["r"] = sn.simulate(s, threads=1)
        done.set()

    worker = threading.Thread(target=run)
    ticks = 0
    worker.start()
    time.sleep(0.05)  # the worker is inside the engine by now
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    # Holding the GIL would freeze this loop for the whole run.
    assert ticks > 10, ticks
    assert result["r"]["failed"] == 0


def test_two_simulations_at_once_equal_one_after_the_other():
    s = population()
    alone = sn.simulate(s, threads=1, subjects=30)
    results = [None, None]

    def run(k):
        results[k] = sn.simulate(s, threads=1, subjects=30)

    workers = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for r in results:
        np.testing.assert_array_equal(r["columns"]["CP"], alone["columns"]["CP"])
