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
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
