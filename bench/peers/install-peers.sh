#!/usr/bin/env bash
# Installs the Debian 12 packages the peer benchmarks (bench/peers/) need: R with deSolve, and
# Python 3 with NumPy and SciPy. mrgsolve and rxode2 are not packaged for Debian 12.
# Idempotent: packages already installed are left alone; apt-get runs only if one is missing.
set -euo pipefail

packages=(
  r-cran-desolve      # R deSolve (lsoda, vode, lsodes); pulls r-base-core
  python3-numpy
  python3-scipy       # scipy.integrate.solve_ivp (LSODA, BDF)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-peers: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
