#!/usr/bin/env bash
# End to end with real processes on 127.0.0.1: arca-coordinator and three compute arca-node
# processes (SIMULATED TEE). A data owner uploads a dataset at dealer2pc and at rep3 and a code
# owner uploads a model, each attesting the nodes with its own policy; the coordinator's
# records name the ciphertext digests the nodes computed and nothing else. A CSV with a bad row
# and a policy for another program are refused before anything is sent or registered, and the
# owner withdraws. Every process started here is stopped on exit.
#
# Usage: upload_test.sh BIN_DIR
set -euo pipefail
# shellcheck source=platform_lib.sh
source "$(dirname "$0")/platform_lib.sh"
test_begin "$1"

echo "--- the platform: a coordinator, node-0..2 and the dealer, an owner, a code owner, a consumer"
platform_start
platform_party hospital-a owner
platform_party lab code
platform_party insurer consumer
as platform platform nodes
policy "$(printf '0%.0s' $(seq 96))" >"$work/other-program.json"
# Share files are written under TMPDIR: it must be empty again after every upload.
mkdir "$work/tmp"
export TMPDIR="$work/tmp"

cat >"$work/schema.json" <<'JSON'
{"columns": [{"name": "age", "type": "integer", "min": 0, "max": 150},
             {"name": "income", "type": "decimal"}]}
JSON
printf 'age,income\n42,52000.5\n37,48000.25\n90,31000\n' >"$work/data.csv"
printf 'age,income\n42,52000.5\nabc,48000.25\n90,31000\n' >"$work/bad.csv"

datasets() { sql "SELECT count(*) FROM datasets"; }
# digest FILE.json N: the sha256 of the N-th location of a record.
digest() { json "d['locations'][$2]['sha256']" <"$1"; }

echo "--- a dataset at dealer2pc"
as hospital-a owner upload --dataset clinic --csv "$work/data.csv" --schema "$work/schema.json" \
  --policy "$work/policy.json" | tee "$work/out.txt"
grep -q "uploaded dataset clinic version 1: 3 rows at level dealer2pc" "$work/out.txt"
[[ "$(grep -c "blob:" "$work/out.txt")" -eq 2 ]] || fail "dealer2pc needs two locations"
grep -q "^  node-0 " "$work/out.txt" && grep -q "^  node-1 " "$work/out.txt"
[[ "$(blobs)" -eq 2 ]] || fail "the nodes keep $(blobs) blobs after one dealer2pc upload, not 2"

echo "--- the same dataset at rep3, as JSON"
as hospital-a owner upload --dataset clinic --csv "$work/data.csv" --schema "$work/schema.json" \
  --policy "$work/policy.json" --level rep3 --json >"$work/rep3.json"
"$python" - "$work/rep3.json" <<'PY'
import json, sys
record = json.load(open(sys.argv[1]))
assert record["name"] == "clinic" and record["version"] == 2 and record["level"] == "rep3", record
assert record["row_count"] == 3 and record["owner"] == "hospital-a", record
assert [l["node"] for l in record["locations"]] == ["node-0", "node-1", "node-2"], record
assert all(len(l["sha256"]) == 64 and l["location"].startswith("blob:") for l in record["locations"])
assert len({l["sha256"] for l in record["locations"]}) == 3, "each node has its own ciphertext"
PY
# The coordinator keeps exactly the digests the nodes computed of the ciphertext they took.
for i in 0 1 2; do
  sha="$(digest "$work/rep3.json" "$i")"
  kept="$(sql \
    "SELECT sha256 FROM dataset_locations WHERE dataset_version = 2 AND node_id = 'node-$i'")"
  [[ "$kept" == "$sha" ]] || fail "the coordinator keeps $kept for node-$i, the node said $sha"
done
# Nothing but ciphertext reaches the coordinator: no cell of the table is in its store or log.
for cell in 52000.5 48000.25 31000; do
  if grep -a -q -F "$cell" "$work/coordinator/coordinator.db" "$work/coordinator.log"; then
    fail "the cell $cell reached the coordinator"
  fi
done
[[ -z "$(ls -A "$TMPDIR")" ]] || fail "share files were left in TMPDIR: $(ls "$TMPDIR")"

echo "--- a CSV with a bad row is refused naming line and column; nothing is sent"
before_blobs="$(blobs)"
before_datasets="$(datasets)"
refused "bad.csv: the CSV file has 1 error:" \
  as hospital-a owner upload --dataset bad --csv "$work/bad.csv" --schema "$work/schema.json" \
  --policy "$work/policy.json"
grep -q "^arca: .*bad.csv: the CSV file has 1 error:" "$work/err.txt"
grep -q "line 3, column 'age': 'abc' is not an integer" "$work/err.txt"
[[ "$(blobs)" == "$before_blobs" && "$(datasets)" == "$before_datasets" ]] ||
  fail "a refused CSV left something on the nodes or the coordinator"

echo "--- a policy for another program refuses the nodes before anything is sent"
# One "arca:" line (the attested-TLS library also logs its refusal as a warning).
refused "peer attestation refused: measurement" \
  as hospital-a owner upload --dataset clinic --csv "$work/data.csv" \
  --schema "$work/schema.json" --policy "$work/other-program.json"
grep -q "^arca: node 'node-0' (127.0.0.1:[0-9]*): peer attestation refused: measurement" "$work/err.txt"
[[ "$(blobs)" == "$before_blobs" && "$(datasets)" == "$before_datasets" ]] ||
  fail "a refused node received something, or a dataset was registered"
[[ -z "$(ls -A "$TMPDIR")" ]] || fail "share files were left in TMPDIR: $(ls "$TMPDIR")"

echo "--- a code owner uploads a model"
printf 'feature,weight\nage,0.05\nincome,-0.0001\nintercept,-1.5\n' >"$work/weights.csv"
as lab code upload-model --name risk-v1 --kind logistic --weights "$work/weights.csv" \
  --level dealer2pc --policy "$work/policy.json" --consumer insurer | tee "$work/out.txt"
grep -q "uploaded model risk-v1 (logistic, 2 features and an intercept) at level dealer2pc" \
  "$work/out.txt"
as lab code upload-model --name risk-rep3 --kind linear --weights "$work/weights.csv" \
  --level rep3 --policy "$work/policy.json" --consumer insurer --json >"$work/model.json"
"$python" - "$work/model.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["name"] == "risk-rep3" and m["owner"] == "lab" and m["kind"] == "linear", m
assert m["features"] == ["age", "income"] and m["intercept"] is True, m
assert m["consumers"] == ["insurer"] and len(m["locations"]) == 3, m
assert all(len(l["sha256"]) == 64 for l in m["locations"]), m
PY
sha="$(digest "$work/model.json" 2)"
kept="$(sql \
  "SELECT sha256 FROM model_locations WHERE model_name = 'risk-rep3' AND node_id = 'node-2'")"
[[ "$kept" == "$sha" ]] || fail "the coordinator keeps $kept for the model on node-2, not $sha"
refused "model 'risk-v1' exists already" \
  as lab code upload-model --name risk-v1 --kind logistic --weights "$work/weights.csv" \
  --level dealer2pc --policy "$work/policy.json" --consumer insurer
grep -q "^arca: model 'risk-v1' exists already" "$work/err.txt"
# A model the coordinator refuses after the upload (an unknown consumer): the nodes are told
# to destroy what they took, so nothing is left behind anywhere.
before_blobs="$(blobs)"
refused "(the nodes destroyed the ciphertext they were sent)" \
  as lab code upload-model --name orphan --kind linear --weights "$work/weights.csv" \
  --level rep3 --policy "$work/policy.json" --consumer nobody
grep -q "^arca: .*'nobody'.*(the nodes destroyed the ciphertext they were sent)$" "$work/err.txt"
[[ "$(blobs)" == "$before_blobs" ]] || fail "a refused model left ciphertext on the nodes"
[[ -z "$(ls -A "$TMPDIR")" ]] || fail "share files were left in TMPDIR: $(ls "$TMPDIR")"
printf 'feature,weight\nage,0.05\nage,1\n' >"$work/twice.csv"
refused "twice.csv: line 3: feature 'age' appears twice (first on line 2)" \
  as lab code upload-model --name twice --kind linear --weights "$work/twice.csv" \
  --level tee --policy "$work/policy.json" --consumer insurer

echo "--- the owner withdraws the dataset"
refused "'lab' (code) may not call POST /v1/datasets/" as lab owner withdraw --dataset clinic
grep -q "^arca: 'lab' (code) may not call POST /v1/datasets/.*/withdraw" "$work/err.txt"
as hospital-a owner withdraw --dataset clinic | tee "$work/out.txt"
grep -q "withdrew dataset clinic (version 2); the nodes destroy its ciphertext when they next read the work feed" "$work/out.txt"
[[ "$(sql "SELECT withdrawn FROM datasets WHERE name = 'clinic' AND version = 2")" == 1 ]] ||
  fail "the coordinator does not record the withdrawal"
echo "--- a dataset at tee, withdrawn with --json"
as hospital-a owner upload --dataset clinic-tee --csv "$work/data.csv" --schema "$work/schema.json" \
  --policy "$work/policy.json" --level tee --json >"$work/tee.json"
[[ "$(json '[l["node"] for l in d["locations"]]' <"$work/tee.json")" == "['node-0']" ]] ||
  fail "a tee dataset is not on node-0 alone"
as hospital-a owner withdraw --dataset clinic-tee --json | tee "$work/out.json"
grep -q '"withdrawn": true' "$work/out.json"
[[ -z "$(ls -A "$TMPDIR")" ]] || fail "share files were left in TMPDIR: $(ls "$TMPDIR")"
echo PASS
