#!/usr/bin/env bash
# Runs the smartnano executable once and checks what it did: exit code, text on stdout and
# stderr, and which output files exist afterwards. Driven by add_test() in tests/CMakeLists.txt.
#
# Usage: run_cli_case.sh [checks...] -- SMARTNANO ARGS...
#   --exit N              expected exit code (required)
#   --stderr TEXT         stderr must contain TEXT (repeatable)
#   --stdout TEXT         stdout must contain TEXT (repeatable)
#   --files A,B           these files must exist under the output folder afterwards
#   --no-output           no results.csv, summary.json or *.tmp-* file may exist anywhere under the
#                         work folder, and the output folder must not have been created
#   --watch DIR           also fail if a *.tmp-* file appears under DIR (the fixtures' folder)
# In ARGS and in TEXT, @WORK@ stands for a fresh, empty work folder (the command runs there) and
# @OUT@ for @WORK@/out, the folder to pass as --out.
set -u

expected_exit=""
stderr_wanted=()
stdout_wanted=()
files_wanted=""
no_output=0
watch_dirs=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --exit) expected_exit="$2"; shift 2 ;;
    --stderr) stderr_wanted+=("$2"); shift 2 ;;
    --stdout) stdout_wanted+=("$2"); shift 2 ;;
    --files) files_wanted="$2"; shift 2 ;;
    --no-output) no_output=1; shift ;;
    --watch) watch_dirs+=("$2"); shift 2 ;;
    *) echo "run_cli_case.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [[ "${1:-}" != "--" || $# -lt 2 || -z "$expected_exit" ]]; then
  echo "usage: run_cli_case.sh --exit N [checks...] -- SMARTNANO ARGS..." >&2
  exit 2
fi
shift

work="$(mktemp -d "${TMPDIR:-/tmp}/smartnano-cli.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$work/out"

substitute() {
  local s="$1"
  s="${s//@OUT@/$out}"
  s="${s//@WORK@/$work}"
  printf '%s' "$s"
}

command=()
for arg in "$@"; do command+=("$(substitute "$arg")"); done

# Temporary files already lying in watched folders are not this run's doing.
declare -A tmp_before
for dir in "${watch_dirs[@]}"; do
  while IFS= read -r f; do tmp_before["$f"]=1; done < <(find "$dir" -name '*.tmp-*' 2>/dev/null)
done

(cd "$work" && "${command[@]}" >"$work/.stdout" 2>"$work/.stderr")
status=$?
stdout_text="$(cat "$work/.stdout")"
stderr_text="$(cat "$work/.stderr")"

failures=0
fail() {
  echo "FAILED: $*"
  failures=$((failures + 1))
}

if [[ "$status" != "$expected_exit" ]]; then
  fail "exit code $status, expected $expected_exit"
fi
for text in "${stderr_wanted[@]}"; do
  text="$(substitute "$text")"
  [[ "$stderr_text" == *"$text"* ]] || fail "stderr does not contain '$text'"
done
for text in "${stdout_wanted[@]}"; do
  text="$(substitute "$text")"
  [[ "$stdout_text" == *"$text"* ]] || fail "stdout does not contain '$text'"
done
if [[ -n "$files_wanted" ]]; then
  IFS=',' read -r -a wanted <<<"$files_wanted"
  for f in "${wanted[@]}"; do
    [[ -s "$out/$f" ]] || fail "expected output file $out/$f is missing or empty"
  done
fi
if [[ "$no_output" == 1 ]]; then
  left="$(find "$work" \( -name results.csv -o -name summary.json -o -name '*.tmp-*' \) -print)"
  [[ -z "$left" ]] || fail "files were left behind on bad input: $left"
  [[ ! -e "$out" ]] || fail "the output folder $out was created on bad input"
  [[ ! -e "$work/smartnano-output" ]] || fail "the default output folder was created on bad input"
fi
for dir in "${watch_dirs[@]}"; do
  while IFS= read -r f; do
    [[ -n "${tmp_before[$f]:-}" ]] || fail "temporary file left in $dir: $f"
  done < <(find "$dir" -name '*.tmp-*' 2>/dev/null)
done
# Whatever happens, no temporary file may survive in the output folder.
if [[ -d "$out" ]]; then
  left="$(find "$out" -name '*.tmp-*' -print)"
  [[ -z "$left" ]] || fail "temporary files left in the output folder: $left"
fi

if [[ "$failures" -gt 0 ]]; then
  echo "command: ${command[*]}"
  echo "--- stdout ---"
  echo "$stdout_text"
  echo "--- stderr ---"
  echo "$stderr_text"
  exit 1
fi
echo "ok: ${command[*]} (exit $status)"
exit 0
