# shellcheck shell=bash
# The checks every end-to-end test shares; platform_lib.sh sources this file and starts the
# processes (the tests source platform_lib.sh and call its test_begin). `work` is the test's
# scratch directory.
#
#   fail MESSAGE...                     prints "FAIL: MESSAGE" and exits 1
#   refused EXPECTED command...         the command fails as the CLI promises (below)
#   fails_with STATUS command...        the command exits STATUS (output as for refused)
#   json EXPRESSION                     a Python expression over the JSON document `d` on stdin
#   wait_for_line FILE SED-EXPRESSION   the first match, waiting up to 10 s for it

# Every script runs this interpreter, never whichever python3 comes first on PATH.
python=/usr/bin/python3

fail() {
  echo "FAIL: $*"
  exit 1
}

# Runs a command that must fail as every arca command fails: exit status 1 and exactly one
# "arca: " line on stderr, which contains `expected`. Its stdout and stderr stay in
# $work/out.txt and $work/err.txt for further checks.
refused() {
  local expected="$1"
  shift
  local status=0
  "$@" >"${work:?}/out.txt" 2>"$work/err.txt" || status=$?
  cat "$work/err.txt"
  [[ $status -eq 1 ]] || fail "exit status $status, not 1: $*"
  [[ "$(grep -c "^arca: " "$work/err.txt")" -eq 1 ]] || fail "not one 'arca: ' line: $*"
  grep "^arca: " "$work/err.txt" | grep -qF -- "$expected" || fail "expected '$expected': $*"
}

# Runs a command that must exit with status $1 (a verdict, not only an error line), and prints
# what it wrote; its stdout and stderr stay in $work/out.txt and $work/err.txt.
fails_with() {
  local expected="$1"
  shift
  local status=0
  "$@" >"$work/out.txt" 2>"$work/err.txt" || status=$?
  cat "$work/out.txt" "$work/err.txt"
  [[ $status -eq $expected ]] || fail "exit status $status, not $expected: $*"
}

json() {
  "$python" -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

wait_for_line() {
  local found=""
  for _ in $(seq 100); do
    found="$(sed -n "$2" "$1" | head -1)"
    [[ -n "$found" ]] && break
    sleep 0.1
  done
  [[ -n "$found" ]] || { echo "no line matching $2 in $1:" >&2; cat "$1" >&2; return 1; }
  echo "$found"
}
