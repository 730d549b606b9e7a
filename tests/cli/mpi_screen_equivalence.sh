#!/usr/bin/env bash
# A screen under `mpirun -np 2` and in one process ranks the same candidates with the same
# scores: every table is byte-identical.
# Usage: mpi_screen_equivalence.sh MPIRUN SMARTNANO SCENARIO
set -euo pipefail
mpirun=$1
bin=$2
scenario=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

flags=(--oversubscribe -np 2)
if [ "$(id -u)" -eq 0 ]; then flags+=(--allow-run-as-root); fi
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
"$mpirun" "${flags[@]}" "$bin" screen "$scenario" --out "$work/mpi" --threads 1 > "$work/mpi.out"
grep -q "x 2 processes" "$work/mpi.out" || { cat "$work/mpi.out"; fail "the screen did not use 2 processes"; }
"$bin" screen "$scenario" --out "$work/serial" --threads 2 --quiet
for f in screen_candidates.csv screen_front.csv screen_subjects.csv pool_delivery.csv \
         pool_recovery.csv; do
  cmp "$work/serial/$f" "$work/mpi/$f" || fail "$f differs between 2 MPI processes and 1 process"
done
echo "2 MPI processes and 1 process wrote identical screen tables"
