#!/usr/bin/env bash
# arca.connect through a whole platform of real processes on 127.0.0.1 (tools/tests/
# platform_lib.sh: a coordinator, node-0..2 and the dealer, SIMULATED TEEs). The clinic uploads
# a table and approves plans with the arca CLI, as platform_test.sh does; everything else is
# Python (connect_e2e.py, with Debian's /usr/bin/python3 and the built package): the lab builds
# a plan with the pandas-like front end on the uploaded schema and submits it, the insurer runs
# it and gets pandas frames equal to pandas on the same rows within the fixed point's
# tolerance; refusals, a failed certificate pin, a timeout and Ctrl-C end with their errors.
# Every process started here is stopped on exit, and none may survive.
#
# Usage: connect_test.sh BIN_DIR PYTHON_DIR (build/bin, build/python)
set -euo pipefail
e2e_dir="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../../tools/tests/platform_lib.sh
source "$e2e_dir/../../tools/tests/platform_lib.sh"
test_begin "$1"
PYTHONPATH="$(cd "$2" && pwd)"
export PYTHONPATH PYTHONDONTWRITEBYTECODE=1
step() { "$python" "$e2e_dir/connect_e2e.py" "$1" "$work"; }

echo "--- a platform: coordinator, node-0..2, dealer (SIMULATED TEEs); clinic, lab, insurer"
platform_start
platform_party clinic owner
platform_party lab code
platform_party insurer consumer
as insurer consumer keygen --out "$work/keys/insurer-result.key" >/dev/null
as platform platform attest-nodes --policy "$work/policy.json" >/dev/null

echo "--- the clinic uploads its rows at dealer2pc"
step data
as clinic owner upload --dataset people --csv "$work/people.csv" --schema "$work/schema.json" \
  --policy "$work/policy.json" --level dealer2pc >/dev/null

echo "--- the lab submits plans from Python; the clinic approves two of them for the insurer"
step submit
for plan in analysis stats; do
  as clinic owner approve "$(json "d['$plan']" <"$work/hashes.json")" --dataset people \
    --consumer insurer --levels dealer2pc >/dev/null
done

echo "--- the insurer runs them from Python"
step consume

echo "--- with the dealer gone a job cannot finish: a timeout, then Ctrl-C, then a cancel"
node_kill dealer
step interrupt

echo PASS
