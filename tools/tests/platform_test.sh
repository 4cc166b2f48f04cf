#!/usr/bin/env bash
# The whole platform on real processes on 127.0.0.1 (platform_lib.sh: a coordinator, node-0..2
# and the dealer, SIMULATED TEEs), driven by the arca CLI as its four roles would drive it. One
# platform serves every section: the happy path at tee, dealer2pc and rep3 checked against the
# plaintext answer, then each refusal the platform promises (an unapproved or edited plan,
# another consumer, forged or stale node evidence, a share changed on a node's disk, a node
# killed mid-job, a coordinator restart, a withdrawn dataset, an edited audit row, too few rows,
# an output without noise on a dataset under a privacy budget and a run beyond that budget, a
# changed receipt), each by its one "arca:" line and by counting what the nodes and the
# coordinator keep. Sections carry the numbers of the task list; 6 and 9 run last, as they
# destroy the data. Every process started here is stopped on exit, and none may survive.
#
# Usage: platform_test.sh BIN_DIR
set -euo pipefail
# shellcheck source=platform_lib.sh
source "$(dirname "$0")/platform_lib.sh"
test_begin "$1"

# The records the coordinator keeps, one count a line (not the audit log: it grows with every
# event, and section 8 compares its head).
records() {
  local table
  for table in parties datasets dataset_locations plans approvals jobs results result_locations \
    models model_locations; do
    echo "$table $(sql "SELECT count(*) FROM $table")"
  done
}
# kept_mark; kept_unchanged WHAT: nothing the nodes or the coordinator keep changed since the mark.
kept_mark() { echo "blobs $(blobs)" >"$work/kept.txt"; records >>"$work/kept.txt"; }
kept_unchanged() {
  diff "$work/kept.txt" <(echo "blobs $(blobs)"; records) || fail "$1 changed what is kept (above)"
}
# destroyed DATASET: waits up to 10 s until no node keeps a share of any version of DATASET.
destroyed() {
  local node blob deadline=$((SECONDS + 10))
  sql "SELECT node_id, substr(location, 6) FROM dataset_locations WHERE dataset_name = '$1'" |
    tr '|' ' ' | while read -r node blob; do
    while [[ -e "$work/nodes/$node/store/$blob.meta" || -e "$work/nodes/$node/store/$blob.data" ]]; do
      (( SECONDS < deadline )) || fail "$node keeps blob:$blob of the withdrawn dataset $1"
      sleep 0.2
    done
  done
}
consumer_key() { echo "$work/keys/$1-result"; }

echo "--- a platform: coordinator, node-0..2, dealer; an owner, a code owner, two consumers"
platform_start
platform_party clinic owner
platform_party lab code
platform_party insurer consumer
platform_party bank consumer
for consumer in insurer bank; do
  as "$consumer" consumer keygen --out "$(consumer_key "$consumer").key" >/dev/null
done
# The operator attests every node live and records the verdicts.
as platform platform attest-nodes --policy "$work/policy.json"
[[ "$(as platform platform nodes --json | json 'sorted({n["status"] for n in d["nodes"]})')" == "['attested']" ]] ||
  fail "the nodes are not all recorded as attested"

# 200 rows: age (integer), income (decimal, in thousands), smoker (boolean), the same on every
# run. Thousands, so that a mean within 1e-2 is within the fixed-point bound (docs/PLANS.md,
# "Accuracy": 2^-17 relative at the default 18 fractional bits).
"$python" - "$work/people.csv" <<'PY'
import random, sys
rng = random.Random(7)
with open(sys.argv[1], "w") as f:
    f.write("age,income,smoker\n")
    for _ in range(200):
        age = rng.randint(18, 89)
        smoker = rng.random() < 0.3
        income = 20 + 0.4 * age + rng.uniform(-8, 8) - (3 if smoker else 0)
        f.write(f"{age},{income:.3f},{'true' if smoker else 'false'}\n")
PY
cat >"$work/schema.json" <<'JSON'
{"columns": [{"name": "age", "type": "integer", "min": 0, "max": 150},
             {"name": "income", "type": "decimal", "min": 0},
             {"name": "smoker", "type": "boolean"}]}
JSON
# stats_plan MIN_AGE [DATASET]: the count and mean income of the people at least MIN_AGE old.
stats_plan() {
  cat <<JSON
{"version": 1, "name": "Income of the older people",
 "inputs": {"${2:-people}": {"columns": ["age", "income"]}},
 "nodes": [{"id": "rows", "op": "column", "dataset": "${2:-people}", "columns": ["age", "income"]},
           {"id": "older", "op": "filter", "inputs": ["rows"],
            "where": {"column": "age", "cmp": ">=", "value": $1}},
           {"id": "income", "op": "stats", "inputs": ["older"], "column": "income",
            "statistics": ["count", "mean"]}],
 "outputs": [{"name": "income", "node": "income", "recipients": ["insurer"]}],
 "levels": ["tee", "dealer2pc", "rep3"]}
JSON
}
stats_plan 40 >"$work/stats.json"
# The plaintext answer the jobs must give: "count mean" of the rows with age >= $1.
expected() {
  awk -F, -v min="$1" 'NR > 1 && $1 >= min { n++; s += $2 } END { printf "%d %.6f\n", n, s / n }' \
    "$work/people.csv"
}
# check_result CSV MIN_AGE: the fetched count is exact and the mean within 1e-2.
check_result() {
  local want got
  want="$(expected "$2")"
  got="$(tr -d "\r" <"$1" | awk -F, '$2 == "count" { c = $3 } $2 == "mean" { m = $3 } END { print c, m }')"
  echo "result: count, mean = $got; plaintext: $want"
  awk -v w="$want" -v g="$got" 'BEGIN { split(w, a, " "); split(g, b, " ");
    exit !(b[1] == a[1] && (b[2] - a[2])^2 < 1e-4) }' || fail "the result $got is not $want"
}
upload() {  # upload LEVEL [DATASET]: the clinic uploads people.csv as DATASET (people) at LEVEL
  as clinic owner upload --dataset "${2:-people}" --csv "$work/people.csv" --schema "$work/schema.json" \
    --policy "$work/policy.json" --level "$1" >/dev/null
}
# run_stats HASH LEVEL NAME: the insurer runs the plan, waits, fetches into $work/NAME.* and
# verifies the receipt with the result files.
run_stats() {
  local job
  job="$(as insurer consumer run "$1" --level "$2" --result-key "$(consumer_key insurer).pub" \
    --wait --json 2>/dev/null | json 'd["id"]')"
  as insurer consumer fetch "$job" --result-key "$(consumer_key insurer).key" \
    --out "$work/$3.csv" --receipt "$work/$3.receipt.json" --results-dir "$work/$3.results" >/dev/null
  as insurer consumer verify-receipt --receipt "$work/$3.receipt.json" --policy "$work/policy.json" \
    --results "$work/$3.results" >"$work/$3.verify.txt"
  grep -q "^receipt for job $job VERIFIED$" "$work/$3.verify.txt" || fail "job $job's receipt: $(cat "$work/$3.verify.txt")"
  echo "$job"
}

echo "--- 1. the happy path at tee, dealer2pc and rep3"
stats="$(as lab code submit "$work/stats.json" --json | json 'd["hash"]')"
upload tee
as clinic owner approve "$stats" --dataset people --consumer insurer --levels tee,dealer2pc,rep3 \
  --min-rows 20 >/dev/null
for level in tee dealer2pc rep3; do
  [[ "$level" == tee ]] || upload "$level"
  job="$(run_stats "$stats" "$level" "$level")"
  echo "job $job at $level: receipt VERIFIED"
  check_result "$work/$level.csv" 40
done

echo "--- 2. a plan nobody approved is refused"
stats_plan 30 >"$work/unapproved.json"
unapproved="$(as lab code submit "$work/unapproved.json" --json | json 'd["hash"]')"
kept_mark
refused "no approval in force from 'clinic' lets 'insurer' use dataset 'people' with plan $unapproved at level rep3" \
  as insurer consumer run "$unapproved" --level rep3 --result-key "$(consumer_key insurer).pub"
kept_unchanged "a refused run"

echo "--- 3. another consumer may neither run the insurer's plan nor fetch its job"
refused "output 'income' of plan $stats is not for 'bank'" \
  as bank consumer run "$stats" --level rep3 --result-key "$(consumer_key bank).pub"
refused "job $job belongs to 'insurer'; only its consumer or the platform may do this" \
  as bank consumer fetch "$job" --result-key "$(consumer_key bank).key" --out "$work/stolen.csv"
[[ ! -e "$work/stolen.csv" ]] || fail "a refused fetch wrote a file"
kept_unchanged "another consumer's refused run and fetch"
# A plan for both consumers, approved for the insurer only: the bank's run is refused by the
# approval, not by the plan.
stats_plan 40 | sed 's/"recipients": \["insurer"\]/"recipients": ["insurer", "bank"]/' >"$work/both.json"
both="$(as lab code submit "$work/both.json" --json | json 'd["hash"]')"
as clinic owner approve "$both" --dataset people --consumer insurer --levels rep3 >/dev/null
kept_mark
refused "no approval in force from 'clinic' lets 'bank' use dataset 'people' with plan $both at level rep3" \
  as bank consumer run "$both" --level rep3 --result-key "$(consumer_key bank).pub"
kept_unchanged "the bank's refused run"

echo "--- 4. an edited plan has another hash and no approval; the approved one still runs"
stats_plan 41 >"$work/edited.json"
[[ "$(diff "$work/stats.json" "$work/edited.json" | grep -c '^[<>]')" -eq 2 ]] ||
  fail "the edited plan differs in more than one line"
edited="$(as lab code submit "$work/edited.json" --json | json 'd["hash"]')"
[[ "$edited" != "$stats" ]] || fail "the edited plan has the approved plan's hash"
kept_mark
refused "no approval in force from 'clinic' lets 'insurer' use dataset 'people' with plan $edited at level rep3" \
  as insurer consumer run "$edited" --level rep3 --result-key "$(consumer_key insurer).pub"
kept_unchanged "a refused run of the edited plan"
run_stats "$stats" rep3 approved >/dev/null
check_result "$work/approved.csv" 40

echo "--- 5. forged and stale node evidence"
# A rogue node whose SIMULATED root is not the platform's: the owner's policy refuses it.
"$bin/arca" platform init-sim --dir "$work/other" >/dev/null
cat >"$work/nodes/rogue.json" <<JSON
{"role": "compute", "index": 0, "listen": "127.0.0.1:0", "state_dir": "$work/rogue",
 "sim_root_key": "$work/other/sim-root.key"}
JSON
node_start rogue
fails_with 1 as clinic owner verify-nodes --policy "$work/policy.json" --node "$(node_endpoint rogue)"
grep -q "REFUSED" "$work/out.txt" || fail "the rogue node is not REFUSED"
node0="$(as platform platform nodes --json | json '[n["endpoint"] for n in d["nodes"] if n["id"] == "node-0"][0]')"
as clinic owner verify-nodes --policy "$work/policy.json" --node "$node0" >/dev/null ||
  fail "the owner's policy refuses the platform's own node-0"
node_kill rogue
# A policy pinning another measurement: the upload attests first and sends nothing.
policy "$(printf '0%.0s' $(seq 96))" >"$work/other-program.json"
before_blobs="$(blobs)"
before_records="$(records)"
refused "peer attestation refused: measurement" \
  as clinic owner upload --dataset people --csv "$work/people.csv" --schema "$work/schema.json" \
    --policy "$work/other-program.json" --level rep3
[[ "$(blobs)" == "$before_blobs" && "$(records)" == "$before_records" ]] ||
  fail "a refused upload left something on the nodes or the coordinator"
# The evidence node-0 recorded with the coordinator, judged two hours later: too old.
as platform platform nodes --json | json '[n["evidence"] for n in d["nodes"] if n["id"] == "node-0"][0]' |
  base64 -d >"$work/node-0.evidence"
later="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
fails_with 1 "$bin/arca" attest verify --evidence "$work/node-0.evidence" --policy "$work/policy.json" \
  --at "$later"
grep -q "^verdict *REFUSED: evidence is stale: made at .*, more than the policy's maximum age of 600 s" \
  "$work/out.txt" || fail "two-hour-old evidence is not refused as stale"
# The control: the same evidence now is accepted, so age is what refused it.
"$bin/arca" attest verify --evidence "$work/node-0.evidence" --policy "$work/policy.json" |
  grep -q "^verdict *ACCEPTED" || fail "node-0's recorded evidence is refused even now"

echo "--- 7. a node killed mid-job fails the job naming it; the others live on; a rerun succeeds"
cat >"$work/train.json" <<'JSON'
{"version": 1, "name": "Smoker risk from age and income",
 "inputs": {"people": {"columns": ["age", "income", "smoker"]}},
 "nodes": [{"id": "rows", "op": "column", "dataset": "people", "columns": ["age", "income", "smoker"]},
           {"id": "model", "op": "train_logistic", "inputs": ["rows"], "features": ["age", "income"],
            "label": "smoker", "iterations": 1500, "learning_rate": 0.5, "standardize": true,
            "store_as": "smoker-risk"}],
 "outputs": [{"name": "smoker_model", "node": "model", "recipients": ["insurer"]}],
 "levels": ["rep3"]}
JSON
train="$(as lab code submit "$work/train.json" --json | json 'd["hash"]')"
as clinic owner approve "$train" --dataset people --consumer insurer --levels rep3 >/dev/null
job="$(as insurer consumer run "$train" --level rep3 --result-key "$(consumer_key insurer).pub" --json | json 'd["id"]')"
# Killed once the program reports (progress 0.1 and on: the MPC links are up), so that the peers
# see the link drop; a party gone before the links are made is noticed only when the others
# give up waiting for it (CoordinatorAgentOptions::mesh_timeout, 60 s).
SECONDS=0
while :; do
  state="$(as insurer consumer status "$job" --json | json 'd["status"], d["progress"]')"
  [[ "$state" =~ ^running\ 0\.[1-9] ]] && break
  [[ "$state" == pending* || "$state" == running* ]] || fail "job $job is $state before node-1 was killed"
  (( SECONDS < 30 )) || fail "job $job is still $state after 30 s"
  sleep 0.1
done
echo "job $job: $state; killing node-1"
node_kill node-1
kept_mark
SECONDS=0
while state="$(as insurer consumer status "$job" --json | json 'd["status"]')"; [[ "$state" != failed ]]; do
  [[ "$state" == running || "$state" == pending ]] || fail "job $job ended $state without node-1"
  (( SECONDS < 60 )) || fail "job $job is still $state 60 s after node-1 was killed"
  sleep 0.5
done
error="$(as insurer consumer status "$job" --json | json 'd["error"]')"
echo "job $job failed after ${SECONDS}s: $error"
grep -q "node-1" <<<"$error" || fail "the failed job's line does not name node-1"
for id in node-0 node-2 dealer; do
  kill -0 "${node_pid[$id]}" 2>/dev/null || fail "$id died with node-1"
done
node_start node-1
kept_unchanged "killing node-1 and starting it again"  # its shares survive on its disk
SECONDS=0
rerun="$(as insurer consumer run "$train" --level rep3 --result-key "$(consumer_key insurer).pub" \
  --wait --json 2>/dev/null | json 'd["id"]')"
echo "job $rerun succeeded in ${SECONDS}s"

echo "--- 8. a coordinator restart keeps every record; a new job still runs"
snapshot() {  # everything a party can read back, as JSON lines
  as insurer consumer jobs --json
  call clinic GET /v1/datasets
  local plan
  for plan in "$stats" "$both" "$train"; do as clinic owner approvals --plan "$plan" --json; done
  call clinic GET /v1/audit/head
}
snapshot >"$work/before.json"
kept_mark
coordinator_stop
coordinator_start "$ARCA_COORDINATOR"
snapshot >"$work/after.json"
kept_unchanged "a coordinator restart"
cmp "$work/before.json" "$work/after.json" || fail "the records differ after the restart"
echo "jobs, datasets, approvals and audit head $(tail -1 "$work/after.json") kept"
run_stats "$stats" rep3 restarted >/dev/null
check_result "$work/restarted.csv" 40

echo "--- 11. an aggregate over fewer rows than the owner's minimum is refused"
rows="$(expected 41 | cut -d' ' -f1)"
as clinic owner approve "$edited" --dataset people --consumer insurer --levels rep3 \
  --min-rows "$((rows + 1))" >/dev/null
refused "would rest on fewer than $((rows + 1)) rows" \
  as insurer consumer run "$edited" --level rep3 --result-key "$(consumer_key insurer).pub" --wait
# The line names the minimum, never the count or the mean it kept back.
line="$(grep "^arca: " "$work/err.txt")"
mean="$(expected 41 | cut -d' ' -f2)"
for value in "$rows" "${mean:0:4}"; do
  ! grep -qF "$value" <<<"${line//$((rows + 1))/}" || fail "the refusal shows the value $value"
done

echo "--- 13. an owner's privacy budget: an output without noise is refused, then the budget is spent"
as clinic owner budget people --epsilon 0.5 >/dev/null
kept_mark
refused "output 'income' releases data of 'people' without noise; its owner set a privacy budget, so every output that reads it must have differential-privacy noise" \
  as insurer consumer run "$stats" --level rep3 --result-key "$(consumer_key insurer).pub"
kept_unchanged "a plan without noise on a budgeted dataset"
stats_plan 40 | sed 's/"recipients": \["insurer"\]}/"recipients": ["insurer"],\
  "noise": {"mechanism": "laplace", "epsilon": 0.3, "sensitivity": 2}}/' >"$work/noisy.json"
noisy="$(as lab code submit "$work/noisy.json" --json | json 'd["hash"]')"
as clinic owner approve "$noisy" --dataset people --consumer insurer --levels rep3 >/dev/null
as insurer consumer run "$noisy" --level rep3 --result-key "$(consumer_key insurer).pub" --wait \
  >/dev/null 2>&1 || fail "the noisy plan did not run within the budget"
kept_mark
refused "dataset 'people' has ε 0.2 of its privacy budget 0.5 left; this plan needs ε 0.3 (output 'income' 0.3)" \
  as insurer consumer run "$noisy" --level rep3 --result-key "$(consumer_key insurer).pub"
kept_unchanged "a run beyond the budget"
as clinic owner datasets | grep -q "^people .* ε 0.3 of 0.5 spent, 0.2 left$" ||
  fail "the owner's listing does not show what was spent: $(as clinic owner datasets)"

echo "--- 12. a receipt with one changed character fails verification"
"$python" - "$work/rep3.receipt.json" "$work/changed.receipt.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
at = re.search(r'"signature": *"', text).end() + 10  # a hex digit of party 0's signature
changed = text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1:]
json.loads(changed)  # still valid JSON
open(sys.argv[2], "w").write(changed)
PY
[[ "$(cmp -l "$work/rep3.receipt.json" "$work/changed.receipt.json" | wc -l)" -eq 1 ]] ||
  fail "the changed receipt differs in more than one byte"
fails_with 1 as insurer consumer verify-receipt --receipt "$work/changed.receipt.json" \
  --policy "$work/policy.json" --results "$work/rep3.results"
grep -q "REFUSED: receipt refused: part of party 0 (node-0): " "$work/out.txt" ||
  fail "the changed receipt is not REFUSED naming party 0"

echo "--- 10. the audit chain names an edited row (on a copy; the coordinator runs on)"
sql ".backup '$work/copy.db'"
sqlite3 "$work/copy.db" "DROP TRIGGER audit_log_no_update;
  UPDATE audit_log SET actor = 'mallory' WHERE seq = 5;"
"$bin/arca" audit verify --db "$work/copy.db" --json >/dev/null 2>&1 && fail "an edited chain verifies"
fails_with 1 "$bin/arca" audit verify --db "$work/copy.db"
grep -q "BROKEN at entry 5: audit entry 5 was altered" "$work/out.txt" || fail "the edited row is not named"
"$bin/arca" audit verify --db "$work/coordinator/coordinator.db" | grep -q "^intact: " ||
  fail "the coordinator's own chain is not intact"

echo "--- 6. a ciphertext changed on a node's disk is refused by that node; nothing is released"
# node_process_test.cc covers a changed upload (a real arca-node stores nothing). Here a share
# the node already keeps is changed at rest: one byte in the middle of node-2's blob file.
upload rep3 ledger
stats_plan 40 ledger >"$work/ledger.json"
ledger="$(as lab code submit "$work/ledger.json" --json | json 'd["hash"]')"
as clinic owner approve "$ledger" --dataset ledger --consumer insurer --levels rep3 >/dev/null
blob="$(sql "SELECT substr(location, 6) FROM dataset_locations WHERE dataset_name = 'ledger' AND node_id = 'node-2'")"
"$python" - "$work/nodes/node-2/store/$blob.data" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    data = bytearray(f.read())
    data[len(data) // 2] ^= 0x01
    f.seek(0)
    f.write(data)
PY
refused "node 'node-2'" \
  as insurer consumer run "$ledger" --level rep3 --result-key "$(consumer_key insurer).pub" --wait
grep -q "^arca: job [0-9]* failed: node 'node-2': .*loading input 'ledger'" "$work/err.txt" ||
  fail "the failed job does not name node-2 loading the changed share"
tampered="$(sed -n "s/^arca: job \([0-9]*\) failed.*/\1/p" "$work/err.txt")"
refused "job $tampered" as insurer consumer fetch "$tampered" --result-key "$(consumer_key insurer).key" \
  --out "$work/tampered.csv"
[[ ! -e "$work/tampered.csv" ]] || fail "a failed job's fetch wrote a file"
as clinic owner withdraw --dataset ledger >/dev/null
destroyed ledger  # the changed share too: its metadata still names the digest the order gives

echo "--- 9. a withdrawn dataset can no longer be used; the nodes destroy its ciphertext"
before_blobs="$(blobs)"
shares="$(sql "SELECT count(*) FROM dataset_locations WHERE dataset_name = 'people'")"
as clinic owner withdraw --dataset people
refused "dataset 'people' is withdrawn by its owner 'clinic'" \
  as insurer consumer run "$stats" --level rep3 --result-key "$(consumer_key insurer).pub"
destroyed people
[[ "$(blobs)" -eq $((before_blobs - shares)) ]] ||
  fail "the nodes keep $(blobs) blobs after the withdrawal, not $((before_blobs - shares))"
echo "the nodes destroyed the $shares shares of every version: $before_blobs blobs -> $(blobs)"

echo PASS
