#!/usr/bin/env bash
# Installs the Debian 12 packages smartnano needs to build and test, and nothing else; extra
# package names given as arguments are installed too (bench/peers/install-peers.sh uses that).
# Idempotent: packages already installed are left alone; apt-get runs only if one is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsundials-dev          # CVODES (stiff ODEs)
  libeigen3-dev            # linear algebra
  libboost-dev             # Boost.Math (distributions, special functions)
  libyaml-cpp-dev          # model and scenario files
  libcli11-dev             # command line
  libfmt-dev               # formatting
  nlohmann-json3-dev       # JSON summaries
  libnifti2-dev            # NIfTI images and lesion masks (smartnano lesion)
  libisal-dev              # ISA-L igzip: fast gzip FASTQ (smartnano barcodes)
  libceres-dev             # Ceres least squares: 4PL dose-response fits (smartnano synergy)
  libnlopt-dev             # NLopt derivative-free optimisers: schedules (smartnano optimise)
  libopenmpi-dev openmpi-bin   # MPI: one run across processes and machines (mpirun)
  libgtest-dev libgmock-dev libbenchmark-dev   # tests and benchmarks
  clang-format             # the format check in the test suite
  python3                  # calibration scripts and their checks in the test suite
  libsbml5-dev             # SBML import (smartnano import sbml, smartnano validate sbml)
  pybind11-dev python3-dev python3-numpy python3-pytest   # the Python module and its tests
  chromium                 # HTML reports are loaded headless in the test suite
)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# npm packages of report/package-lock.json: the HTML reports' plotting library (embedded at
# build time) and Playwright core for their browser test (docs/report.md). Debian's nodejs and
# npm only when there is no npm (a NodeSource node bundles its own, which Debian's would
# conflict with). `npm ci` runs unless node_modules already matches the lock file.
if ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: installing nodejs npm"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm
fi
report_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../report" && pwd)"
if [ ! -f "$report_dir/node_modules/.package-lock.json" ] ||
   [ "$report_dir/package-lock.json" -nt "$report_dir/node_modules/.package-lock.json" ]; then
  echo "install-deps: npm ci in $report_dir"
  (cd "$report_dir" && npm ci --no-audit --no-fund)
else
  echo "install-deps: npm packages of report/ present"
fi
