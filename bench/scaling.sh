#!/usr/bin/env bash
# Thread and process scaling on the reference workload (NP-PBPK-16, final-time output): the same
# N patients with 1 thread, with every core as threads, and (when mpirun is there) with one MPI
# process per core. Prints simulation wall time (summary.json) and the speed-up over one thread,
# and checks that every run wrote the same subject_summaries.csv. Run it on an idle machine.
# usage: bench/scaling.sh SMARTNANO_BINARY [N]
set -euo pipefail
SN=$(readlink -f "$1"); N=${2:-4000}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
CORES=$(nproc)
sed -e "s|^  size: .*|  size: $N|" "$HERE/np_pbpk_16_million.yaml" > "$WORK/pop.yaml"
wall_of() { sed -n 's/^ *"wall_seconds": \([0-9.e+-]*\),*$/\1/p' "$1/summary.json"; }

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $CORES cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); N=$N"
"$SN" simulate "$WORK/pop.yaml" --out "$WORK/t1" --threads 1 --quiet
one=$(wall_of "$WORK/t1")
printf '%-22s %10s %12s %10s\n' run wall_s patients/s speedup
report() { awk -v n="$N" -v w="$2" -v o="$one" -v r="$1" 'BEGIN { printf "%-22s %10.2f %12.1f %10.2f\n", r, w, n / w, o / w }'; }
report "1 thread" "$one"
"$SN" simulate "$WORK/pop.yaml" --out "$WORK/tn" --threads "$CORES" --quiet
report "$CORES threads" "$(wall_of "$WORK/tn")"
cmp "$WORK/t1/subject_summaries.csv" "$WORK/tn/subject_summaries.csv"
if command -v mpirun > /dev/null && [ "$CORES" -gt 1 ]; then
  flags=(-np "$CORES")
  [ "$(id -u)" -eq 0 ] && flags+=(--allow-run-as-root)
  OMPI_MCA_btl=self,vader mpirun "${flags[@]}" "$SN" simulate "$WORK/pop.yaml" --out "$WORK/mpi" \
    --threads 1 --quiet
  report "$CORES MPI processes" "$(wall_of "$WORK/mpi")"
  cmp "$WORK/t1/subject_summaries.csv" "$WORK/mpi/subject_summaries.csv"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); identical subject_summaries.csv in every run"
