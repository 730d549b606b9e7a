#!/usr/bin/env bash
# The same scenario under `mpirun -np 2` and in one process writes byte-identical files.
# Usage: mpi_equivalence.sh MPIRUN SMARTNANO SCENARIO
set -euo pipefail
mpirun=$1
bin=$2
scenario=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

flags=(--oversubscribe -np 2)
if [ "$(id -u)" -eq 0 ]; then flags+=(--allow-run-as-root); fi
# Shared memory and loopback only: test machines may have no usable network interface.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
"$mpirun" "${flags[@]}" "$bin" simulate "$scenario" --out "$work/mpi" --threads 1 --chunk 7 \
  > "$work/mpi.out"
grep -q "x 2 processes" "$work/mpi.out" || { cat "$work/mpi.out"; fail "the run did not use 2 processes"; }
"$bin" simulate "$scenario" --out "$work/serial" --threads 2 --quiet
for f in results.csv subjects.csv subject_summaries.csv; do
  cmp "$work/serial/$f" "$work/mpi/$f" || fail "$f differs between 2 MPI processes and 1 process"
done
volatile='"(wall_seconds|command|threads|processes|chunk_subjects|peak_resident_MiB)"'
diff <(grep -Ev "$volatile" "$work/serial/summary.json") \
     <(grep -Ev "$volatile" "$work/mpi/summary.json") || fail "summary.json differs"
echo "2 MPI processes and 1 process wrote identical files"
