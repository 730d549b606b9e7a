#!/usr/bin/env bash
# Negative control for `smartnano validate sbml`: proves the check can fail, and that it runs on
# any folder in the SBML Test Suite layout, not only the shared one.
#
# Usage: sbml_negative_control.sh SMARTNANO SBML_DIR [CASE]
# Copies one case (default 00001) and its index.csv row into a fresh folder and runs the command
# twice:
#   1. unchanged: it must exit 0 and print "CASE pass";
#   2. with the last value of the second column of the results (the first variable at the end
#      time) multiplied by 1.01 and raised by 0.01, far outside |C - U| <= T_a + T_r |C|
#      (T_r = 1e-4, T_a at most 1e-3): it must exit 2 and print "CASE fail" naming that variable.
set -u

smartnano="$1"
source_dir="$2"
case_id="${3:-00001}"

work="$(mktemp -d "${TMPDIR:-/tmp}/smartnano-sbml.XXXXXX")"
trap 'rm -rf "$work"' EXIT
folder="$work/sbml-copy"

row="$(grep -E "^$case_id," "$source_dir/index.csv")"
sbml_file="$(echo "$row" | cut -d, -f2)"
case_dir="$(dirname "$sbml_file")"
if [[ -z "$row" || ! -d "$source_dir/$case_dir" ]]; then
  echo "FAILED: $source_dir/index.csv has no case $case_id"
  exit 1
fi
mkdir -p "$folder/$case_dir"
cp "$source_dir/$case_dir"/* "$folder/$case_dir/"
{
  head -n 1 "$source_dir/index.csv"
  echo "$row"
} >"$folder/index.csv"

run() {
  (cd "$work" && "$smartnano" validate sbml "$folder" --threads 1) >"$work/stdout" 2>"$work/stderr"
  status=$?
}

run
if [[ "$status" -ne 0 ]] || ! grep -q "^$case_id pass$" "$work/stdout"; then
  echo "FAILED: the unchanged copy should pass (exit $status)"
  cat "$work/stdout" "$work/stderr"
  exit 1
fi

results="$folder/$case_dir/$case_id-results.csv"
variable="$(head -n 1 "$results" | tr -d '\r' | cut -d, -f2 | tr -d ' ')"
awk -F, -v OFS=, -v last="$(wc -l <"$results")" '
  NR == last { sub(/\r$/, "", $2); $2 = sprintf("%.10g", $2 * 1.01 + 0.01) } { print }
' "$source_dir/$case_dir/$case_id-results.csv" >"$results"
if cmp -s "$source_dir/$case_dir/$case_id-results.csv" "$results"; then
  echo "FAILED: the perturbation changed nothing"
  exit 1
fi

run
if [[ "$status" -ne 2 ]]; then
  echo "FAILED: exit code $status with a perturbed expected value, expected 2"
  cat "$work/stdout" "$work/stderr"
  exit 1
fi
if ! grep -q "^$case_id fail .*worst: $variable at t = " "$work/stdout"; then
  echo "FAILED: expected '$case_id fail ... worst: $variable at t = ...'"
  cat "$work/stdout"
  exit 1
fi
if ! grep -q "^total: 1 cases, 0 pass, 1 fail, 0 unsupported" "$work/stdout"; then
  echo "FAILED: the total does not count the failed case"
  cat "$work/stdout"
  exit 1
fi
echo "sbml negative control: the unchanged case passes, the perturbed one fails"
