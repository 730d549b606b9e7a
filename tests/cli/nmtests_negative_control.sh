#!/usr/bin/env bash
# Negative control for `smartnano validate nmtests`: proves the check can fail, and that it runs
# on any folder in the nmtests format, not only the shared one.
#
# Usage: nmtests_negative_control.sh SMARTNANO NMTESTS_DIR [SCENARIO_FILE]
# Copies one scenario CSV (default dosing_1001_id01.csv) and its index.csv row into a fresh
# folder and runs the command twice:
#   1. unchanged: it must exit 0 and report "pass";
#   2. with one CP_NONMEM value (the first non-zero one) multiplied by 1.01, far outside the
#      pass rule 1e-4 * |ref| + 1e-6: it must exit 2 and print FAIL.
set -u

smartnano="$1"
source_dir="$2"
scenario="${3:-dosing_1001_id01.csv}"

work="$(mktemp -d "${TMPDIR:-/tmp}/smartnano-nmtests.XXXXXX")"
trap 'rm -rf "$work"' EXIT
folder="$work/nmtests-copy"
mkdir -p "$folder"

[[ -f "$source_dir/$scenario" && -f "$source_dir/index.csv" ]] || {
  echo "FAILED: $source_dir lacks index.csv or $scenario"
  exit 1
}
cp "$source_dir/$scenario" "$folder/$scenario"
{
  head -n 1 "$source_dir/index.csv"
  grep -F "\"$scenario\"" "$source_dir/index.csv"
} >"$folder/index.csv"
if [[ "$(wc -l <"$folder/index.csv")" -ne 2 ]]; then
  echo "FAILED: expected exactly one index.csv row for $scenario"
  exit 1
fi

run() {
  (cd "$work" && "$smartnano" validate nmtests "$folder") >"$work/stdout" 2>"$work/stderr"
  status=$?
}

run
if [[ "$status" -ne 0 ]] || ! grep -q " pass " "$work/stdout"; then
  echo "FAILED: the unchanged copy should pass (exit $status)"
  cat "$work/stdout" "$work/stderr"
  exit 1
fi

# Perturb the first non-zero CP_NONMEM value by 1 %.
awk -F, -v OFS=, -v linefile="$work/perturbed_line" '
  NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "CP_NONMEM") col = i; print; next }
  !done && col && $col + 0 != 0 { $col = sprintf("%.6g", $col * 1.01); done = 1; line = NR }
  { print }
  END { if (!done) exit 1; print line > linefile }
' "$source_dir/$scenario" >"$folder/$scenario" || {
  echo "FAILED: no CP_NONMEM column or no non-zero value to perturb in $scenario"
  exit 1
}
if cmp -s "$source_dir/$scenario" "$folder/$scenario"; then
  echo "FAILED: the perturbation changed nothing"
  exit 1
fi

run
if [[ "$status" -ne 2 ]]; then
  echo "FAILED: exit code $status with a perturbed reference, expected 2"
  cat "$work/stdout" "$work/stderr"
  exit 1
fi
if ! grep -q "FAIL" "$work/stdout"; then
  echo "FAILED: no FAIL in the report for a perturbed reference"
  cat "$work/stdout"
  exit 1
fi
perturbed_line="$(cat "$work/perturbed_line")"
if ! grep -Eq "^ +1 of [0-9]+ records outside the tolerance \(worst at $scenario line $perturbed_line\)" \
    "$work/stdout"; then
  echo "FAILED: expected exactly the perturbed record (line $perturbed_line) outside the tolerance"
  cat "$work/stdout"
  exit 1
fi
cat "$work/stdout"
echo "ok: the unchanged copy passes and a 1 % perturbation fails with exit 2"
exit 0
