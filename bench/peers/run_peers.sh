#!/usr/bin/env bash
# Peer speed benchmark on the reference workload NP-PBPK-16 (bench/reference-model.md).
# Builds nothing. usage: bench/peers/run_peers.sh SMARTNANO_BINARY [N] [M_R] [M_ODEINT] [M_LSODA] [M_BDF]
#   N: smartnano patients (default 10000); M_*: patients for each peer (defaults 100 200 100 30).
#   NP_OUTPUT=final in the environment: every engine records only the final time (2688 h)
#   instead of all states every 6 h (the issue's two output cases; the integration is the same).
# Every engine simulates the SAME patients: smartnano samples them from the population scenario;
# sample_patients.py re-implements its sampler bit for bit and gives the peers the values
# (checked below: peers at rtol 1e-10 against smartnano at rtol 1e-10, same patient IDs).
# Prints wall seconds, patients/second, the per-patient speed ratio smartnano / peer, and the
# max relative error at 2688 h of Fc, W total and AUCc against smartnano's rtol 1e-10 reference.
set -euo pipefail
SN=$(readlink -f "$1"); N=${2:-10000}; M_R=${3:-100}; M_OD=${4:-200}; M_LS=${5:-100}; M_BDF=${6:-30}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3     # Debian's python3 with python3-scipy (install-peers.sh)
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

scenario() {  # size rtol atol out
  local observe="observe: {from: 0 h, to: 2688 h, every: 6 h}"
  [ "${NP_OUTPUT:-all}" = final ] && observe="observe: [2688 h]"
  sed -e "s|^  size: .*|  size: $1|" -e "s|^observe: .*|$observe|" \
      -e "s|relative_tolerance: [^,]*|relative_tolerance: $2|" \
      -e "s|absolute_tolerance: [^,]*|absolute_tolerance: $3|" \
      "$HERE/np_pbpk_16_population.yaml" > "$4"
}
wall_of() { $PY -c "import json,sys; print(json.load(open(sys.argv[1]))['wall_seconds'])" "$1/summary.json"; }
rate() { $PY -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; smartnano $SN; output: ${NP_OUTPUT:-all}"
scenario "$N" 1e-6 1e-9 "$WORK/pop_N.yaml"
scenario 100 1e-6 1e-9 "$WORK/pop_100.yaml"
scenario 100 1e-10 1e-14 "$WORK/pop_100_ref.yaml"

declare -A WALL PATIENTS
for th in 1 2; do
  "$SN" simulate "$WORK/pop_N.yaml" -o "$WORK/sn_t$th" --threads $th > /dev/null
  WALL[smartnano_t$th]=$(wall_of "$WORK/sn_t$th"); PATIENTS[smartnano_t$th]=$N
  rm -f "$WORK/sn_t$th/results.csv"
done
"$SN" simulate "$WORK/pop_100.yaml" -o "$WORK/sn_100" --threads 1 > /dev/null
"$SN" simulate "$WORK/pop_100_ref.yaml" -o "$WORK/sn_ref" --threads 1 > /dev/null
$PY "$HERE/compare.py" finals "$WORK/sn_100/results.csv" "$WORK/sn_100.csv"
$PY "$HERE/compare.py" finals "$WORK/sn_ref/results.csv" "$WORK/ref.csv"
echo "smartnano rtol 1e-10 reference, 100 patients: wall $(wall_of "$WORK/sn_ref") s"

MMAX=$(printf '%s\n' "$M_R" "$M_OD" "$M_LS" "$M_BDF" 100 | sort -n | tail -1)
$PY "$HERE/sample_patients.py" "$MMAX" 20261127 "$WORK/params.csv"

peer() {  # key M command...
  local key=$1 m=$2; shift 2
  local line; line=$("$@" | grep '^wall_seconds')
  WALL[$key]=$(echo "$line" | awk '{print $2}'); PATIENTS[$key]=$m
}
peer desolve_lsoda "$M_R" Rscript "$HERE/desolve_np_pbpk_16.R" "$WORK/params.csv" "$M_R" 1e-6 1e-9 lsoda "$WORK/desolve_lsoda.csv"
peer scipy_odeint "$M_OD" $PY "$HERE/scipy_np_pbpk_16.py" "$WORK/params.csv" "$M_OD" 1e-6 1e-9 odeint "$WORK/scipy_odeint.csv"
peer scipy_ivp_LSODA "$M_LS" $PY "$HERE/scipy_np_pbpk_16.py" "$WORK/params.csv" "$M_LS" 1e-6 1e-9 LSODA "$WORK/scipy_ivp_LSODA.csv"
peer scipy_ivp_BDF "$M_BDF" $PY "$HERE/scipy_np_pbpk_16.py" "$WORK/params.csv" "$M_BDF" 1e-6 1e-9 BDF "$WORK/scipy_ivp_BDF.csv"
# Same patients? Peers at the reference tolerances on a few patients against smartnano's reference.
Rscript "$HERE/desolve_np_pbpk_16.R" "$WORK/params.csv" 5 1e-10 1e-14 lsoda "$WORK/desolve_tight.csv" > /dev/null
$PY "$HERE/scipy_np_pbpk_16.py" "$WORK/params.csv" 10 1e-10 1e-14 odeint "$WORK/scipy_tight.csv" > /dev/null

echo
echo "== speed (rtol 1e-6, atol 1e-9, one process; smartnano wall = simulation only, from summary.json;"
echo "   peers: simulation loop only)"
printf '%-22s %8s %12s %14s %26s\n' engine patients wall_s patients/s "ratio smartnano(1 thr)/peer"
SN1=$(rate "${PATIENTS[smartnano_t1]}" "${WALL[smartnano_t1]}")
for key in smartnano_t1 smartnano_t2 desolve_lsoda scipy_odeint scipy_ivp_LSODA scipy_ivp_BDF; do
  pps=$(rate "${PATIENTS[$key]}" "${WALL[$key]}")
  printf '%-22s %8s %12s %14s %26s\n' "$key" "${PATIENTS[$key]}" "${WALL[$key]}" "$pps" "$(rate "$SN1" "$pps")"
done

echo
echo "== accuracy at 2688 h against smartnano rtol 1e-10 / atol 1e-14 (same patient IDs)"
$PY "$HERE/compare.py" error "$WORK/sn_100.csv" "$WORK/ref.csv" "smartnano rtol 1e-6"
for key in desolve_lsoda scipy_odeint scipy_ivp_LSODA scipy_ivp_BDF; do
  $PY "$HERE/compare.py" error "$WORK/$key.csv" "$WORK/ref.csv" "$key rtol 1e-6"
done
$PY "$HERE/compare.py" error "$WORK/desolve_tight.csv" "$WORK/ref.csv" "desolve_lsoda rtol 1e-10 (same-patient check)"
$PY "$HERE/compare.py" error "$WORK/scipy_tight.csv" "$WORK/ref.csv" "scipy_odeint rtol 1e-10 (same-patient check)"
