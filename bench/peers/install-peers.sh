#!/usr/bin/env bash
# Installs the Debian 12 packages the peer benchmarks (bench/peers/) need: R with deSolve, and
# Python 3 with NumPy and SciPy (mrgsolve and rxode2 are not packaged for Debian 12), on top of
# the project's own build dependencies. Idempotent, like scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
# r-cran-desolve: deSolve (lsoda, vode, lsodes), pulls r-base-core;
# python3-scipy: scipy.integrate.solve_ivp (LSODA, BDF) and odeint.
bash scripts/install-deps.sh r-cran-desolve python3-numpy python3-scipy
