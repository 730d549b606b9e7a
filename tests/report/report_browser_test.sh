#!/usr/bin/env bash
# Runs smartnano once into a fresh folder and loads the report.html it wrote in headless
# Chromium (report/check_reports.js): no console error, page error or network request, and
# every plot the report declares rendered. Driven by tests/report/CMakeLists.txt.
#
# Usage: report_browser_test.sh NODE CHECK_JS CHROMIUM [--exit N] [--problems N]
#                               [--stderr TEXT]... -- SMARTNANO ARGS...
#   --exit N       smartnano's expected exit code (default 0)
#   --problems N   plots the report must show as "not drawn" (default 0)
#   --stderr TEXT  smartnano's standard error must contain TEXT
# In ARGS, @OUT@ stands for the output folder.
set -u
node="$1" check="$2" chromium="$3"
shift 3
expected_exit=0 problems=0 stderr_wanted=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --exit) expected_exit="$2"; shift 2 ;;
    --problems) problems="$2"; shift 2 ;;
    --stderr) stderr_wanted+=("$2"); shift 2 ;;
    *) echo "report_browser_test.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
shift
work="$(mktemp -d "${TMPDIR:-/tmp}/smartnano-report.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$work/out"
command=()
for arg in "$@"; do command+=("${arg//@OUT@/$out}"); done

(cd "$work" && "${command[@]}" >"$work/.stdout" 2>"$work/.stderr")
status=$?
failures=0
if [[ "$status" != "$expected_exit" ]]; then
  echo "FAILED: smartnano exited with $status, expected $expected_exit"
  cat "$work/.stderr"
  failures=1
fi
for text in "${stderr_wanted[@]}"; do
  grep -qF -- "$text" "$work/.stderr" || { echo "FAILED: stderr lacks '$text'"; failures=1; }
done
if [[ ! -f "$out/report.html" ]]; then
  echo "FAILED: no report.html in the output folder"
  exit 1
fi
if ls "$out"/*.tmp-* >/dev/null 2>&1; then
  echo "FAILED: temporary files left in the output folder"
  failures=1
fi
"$node" "$check" --chromium "$chromium" --problems "$problems" "$out/report.html" || failures=1
exit "$failures"
