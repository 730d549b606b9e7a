#!/usr/bin/env bash
# Negative control for `smartnano validate survival`: proves the check can fail, and that it
# runs on any pair of files in the lung_expected.json format, not only the shared one.
#
# Usage: survival_negative_control.sh SMARTNANO SURVIVAL_DIR
# Copies lung.csv and lung_expected.json into a fresh folder and runs the command three times:
#   1. unchanged copies: it must exit 0 and report "All ... quantities agree";
#   2. the first Cox coefficient in the JSON multiplied by 1.001 (far outside 1e-6 relative):
#      it must exit 2, with FAIL on cox.efron.coef and on no other quantity;
#   3. the first event time in the CSV moved by one day: it must exit 2 with FAIL lines.
set -u

smartnano="$1"
source_dir="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/smartnano-survival.XXXXXX")"
trap 'rm -rf "$work"' EXIT

[[ -f "$source_dir/lung.csv" && -f "$source_dir/lung_expected.json" ]] || {
  echo "FAILED: $source_dir lacks lung.csv or lung_expected.json"
  exit 1
}
cp "$source_dir/lung.csv" "$work/data.csv"
cp "$source_dir/lung_expected.json" "$work/expected.json"

run() {
  "$smartnano" validate survival "$1" "$2" >"$work/stdout" 2>"$work/stderr"
  status=$?
}

run "$work/data.csv" "$work/expected.json"
if [[ "$status" -ne 0 ]] || ! grep -q "quantities compared agree with R" "$work/stdout"; then
  echo "FAILED: the unchanged copies should pass (exit $status)"
  cat "$work/stdout" "$work/stderr"
  exit 1
fi

# 2. Perturb the first "coef": [x] of the univariable Cox fits by 0.1 %.
sed -E '0,/"coef": \[(-?[0-9.e+-]+)\]/s//"coef": [PERTURB\1]/' "$source_dir/lung_expected.json" |
  awk '{ if (match($0, /PERTURB-?[0-9.e+-]+/)) { v = substr($0, RSTART + 7, RLENGTH - 7);
         $0 = substr($0, 1, RSTART - 1) sprintf("%.17g", v * 1.001) substr($0, RSTART + RLENGTH) }
         print }' >"$work/perturbed.json"
if cmp -s "$source_dir/lung_expected.json" "$work/perturbed.json" || grep -q PERTURB "$work/perturbed.json"; then
  echo "FAILED: the JSON perturbation did not apply"
  exit 1
fi
run "$work/data.csv" "$work/perturbed.json"
if [[ "$status" -ne 2 ]]; then
  echo "FAILED: exit code $status with a perturbed Cox coefficient, expected 2"
  cat "$work/stdout" "$work/stderr"
  exit 1
fi
if [[ "$(grep -c "FAIL" "$work/stdout")" -ne 1 ]] || ! grep -Eq "^cox\.efron\.coef .*FAIL" "$work/stdout"; then
  echo "FAILED: expected exactly one FAIL, on cox.efron.coef"
  cat "$work/stdout"
  exit 1
fi

# 3. Move the first data row's time by one day: curves, tests and fits all change.
awk -F, -v OFS=, 'NR == 2 { $2 = $2 + 1 } { print }' "$source_dir/lung.csv" >"$work/perturbed.csv"
run "$work/perturbed.csv" "$work/expected.json"
if [[ "$status" -ne 2 ]] || ! grep -q "FAIL" "$work/stdout"; then
  echo "FAILED: exit code $status with a perturbed data file, expected 2 and FAIL lines"
  cat "$work/stdout" "$work/stderr"
  exit 1
fi
echo "ok: unchanged copies pass; a 0.1 % change in a Cox coefficient and a one-day change in a"
echo "time fail with exit 2"
exit 0
