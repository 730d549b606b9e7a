#!/usr/bin/env bash
# A population run stopped by Ctrl-C (SIGINT), then killed with SIGKILL while resuming, then
# resumed to the end gives byte-identical files to an uninterrupted run.
# Usage: resume_after_interrupt.sh SMARTNANO SCENARIO
set -euo pipefail
bin=$1
scenario=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checkpoint="$work/parts/.smartnano-run/checkpoint.json"

fail() { echo "FAIL: $*" >&2; exit 1; }

# Waits until the checkpoint counts more than $1 subjects (the run is between chunks).
wait_for_checkpoint_after() {
  for _ in $(seq 1 1200); do
    if [ -f "$checkpoint" ]; then
      done=$(sed -n 's/^ *"done": \([0-9]*\),*$/\1/p' "$checkpoint")
      if [ -n "$done" ] && [ "$done" -gt "$1" ]; then echo "$done"; return 0; fi
    fi
    sleep 0.02
  done
  fail "no checkpoint beyond $1 subjects appeared"
}

"$bin" simulate "$scenario" --out "$work/whole" --threads 2 --quiet

# 1. Ctrl-C: the run stops after its current chunk, saves it, and exits 130.
"$bin" simulate "$scenario" --out "$work/parts" --threads 1 --chunk 4 --quiet &
pid=$!
first=$(wait_for_checkpoint_after 0)
kill -INT "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 130 ] || fail "after SIGINT the exit status was $status, not 130"
[ ! -e "$work/parts/results.csv" ] || fail "an interrupted run put results.csv in place"
echo "interrupted by SIGINT after >= $first subjects"

# 2. kill -9 while resuming: no handler runs; the last checkpoint stays valid.
"$bin" simulate "$scenario" --out "$work/parts" --threads 2 --chunk 3 --resume --quiet &
pid=$!
second=$(wait_for_checkpoint_after "$first")
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
[ ! -e "$work/parts/results.csv" ] || fail "the run finished before it could be killed; enlarge the population"
echo "killed with SIGKILL after >= $second subjects"

# 3. Resume to the end, with yet another thread count and chunk size.
"$bin" simulate "$scenario" --out "$work/parts" --threads 2 --resume --quiet
[ ! -e "$work/parts/.smartnano-run" ] || fail "the work folder was left behind"
for f in results.csv subjects.csv subject_summaries.csv; do
  cmp "$work/whole/$f" "$work/parts/$f" || fail "$f differs from the uninterrupted run's"
done
# summary.json: identical but for what describes this particular process (time, command, threads).
volatile='"(wall_seconds|command|threads|chunk_subjects|resumed_from_subject|peak_resident_MiB)"'
diff <(grep -Ev "$volatile" "$work/whole/summary.json") \
     <(grep -Ev "$volatile" "$work/parts/summary.json") || fail "summary.json differs"
echo "resumed run is byte-identical to the uninterrupted one"
