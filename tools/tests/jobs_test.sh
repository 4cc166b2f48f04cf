#!/usr/bin/env bash
# End to end with the real arca-coordinator on 127.0.0.1 and the arca CLI, no nodes: a code
# owner submits a plan (its hash is the one docs/PLANS.md prints) and makes mock rows from a
# dataset's schema; the owners approve it (a code owner may not); a consumer makes a result
# key, is refused a run before the approvals with the coordinator's line, runs, lists, watches
# (a job no node starts times out naming what it waits for) and cancels jobs; a revocation
# cancels a pending job; another consumer is refused the job. Datasets are registered by a
# signed request (coordinator_call.py): without nodes there is nothing to upload. The
# coordinator is stopped on exit.
#
# Usage: jobs_test.sh BIN_DIR
set -euo pipefail
# shellcheck source=platform_lib.sh
source "$(dirname "$0")/platform_lib.sh"
plans="$tests_dir/../../testdata/plans"
test_begin "$1"

echo "--- parties, nodes and two datasets"
coordinator_only_start
platform_party lab code
for owner in hospital-a hospital-b; do platform_party "$owner" owner; done
for consumer in insurer bank; do platform_party "$consumer" consumer; done
register_absent_nodes
schema='{"columns": [{"name": "malignant", "type": "boolean"},
  {"name": "mean_radius", "type": "decimal", "min": 5, "max": 30},
  {"name": "mean_smoothness", "type": "decimal", "min": 0, "max": 1},
  {"name": "mean_texture", "type": "decimal", "min": 5, "max": 40}]}'
sha="$(printf x | sha256sum | cut -d' ' -f1)"
for letter in a b; do
  call "hospital-$letter" POST /v1/datasets "{\"name\": \"hospital_$letter\", \"level\": \"dealer2pc\",
    \"schema\": $schema, \"row_count\": 100, \"locations\": [
    {\"node\": \"node-0\", \"location\": \"$letter/0\", \"sha256\": \"$sha\"},
    {\"node\": \"node-1\", \"location\": \"$letter/1\", \"sha256\": \"$sha\"}]}" >/dev/null
done

echo "--- the code owner submits a plan and makes mock rows"
documented=5e80506c86fbc8363c5aec4563a7a073936bd60dbe7964073ca310e9b442bdb1
as lab code submit "$plans/insurer_model.json" | tee "$work/submit.txt"
grep -q "^submitted plan $documented$" "$work/submit.txt" || fail "not the documented hash"
grep -q "name    Malignancy risk model for an insurer" "$work/submit.txt"
plan="$documented"
refused "plan $plan is already submitted" as lab code submit "$plans/insurer_model.json"
stats="$(as lab code submit "$plans/hospital_stats.json" --json | json 'd["hash"]')"
[[ "$stats" == 7e9f6ca1a1bff458c9dd18906cfd7a5cd48589d6e77de2c181988e1170ff67f4 ]] ||
  fail "--json gave hash $stats, not the documented one"
as lab code plans | tee "$work/plans.txt"
grep -q "^${documented:0:12} *tee,dealer2pc,rep3 *lab *Malignancy risk model" "$work/plans.txt"
cat >"$work/bad.json" <<'JSON'
{"version": 1, "name": "two mistakes", "inputs": {"d": {"columns": ["c"]}},
 "nodes": [{"id": "n", "op": "column", "dataset": "d", "columns": ["c"]},
           {"id": "m", "op": "stats", "inputs": ["nowhere"], "column": "c", "statistics": ["mean"]}],
 "outputs": [{"name": "o", "node": "missing", "recipients": ["insurer"]}], "levels": ["dealer2pc"]}
JSON
refused "" as lab code submit "$work/bad.json"
[[ "$(wc -l <"$work/err.txt")" -ge 2 ]] || fail "one problem per line was expected"
as lab code mock --dataset hospital_a --rows 5 --seed 7 --out "$work/mock.csv"
[[ "$(wc -l <"$work/mock.csv")" -eq 6 ]] || fail "mock.csv has not 5 rows and a header"
head -1 "$work/mock.csv" | grep -q "^malignant,mean_radius,mean_smoothness,mean_texture"
as lab code mock --dataset hospital_a --rows 5 --seed 7 --out "$work/mock2.csv" --json >/dev/null
cmp "$work/mock.csv" "$work/mock2.csv"

echo "--- the consumer's result key"
as insurer consumer keygen --out "$work/insurer-result.key"
[[ "$(stat -c %a "$work/insurer-result.key")" == 600 ]] || fail "the private key is not 0600"
grep -qE '^[0-9a-f]{64}$' "$work/insurer-result.pub" || fail "the public key is not 64 hex digits"
refused "exists already; keygen never overwrites a key" \
  as insurer consumer keygen --out "$work/insurer-result.key"
run() {  # run PARTY args...: `arca consumer run` of the plan at dealer2pc
  local party="$1"
  shift
  as "$party" consumer run "$plan" --level dealer2pc --result-key "$work/insurer-result.pub" "$@"
}

echo "--- approvals"
refused "no approval in force from 'hospital-a' lets 'insurer' use dataset 'hospital_a' with plan $plan at level dealer2pc" \
  run insurer
refused "'lab' (code) may not call POST /v1/approvals" \
  as lab owner approve "$plan" --dataset hospital_a --consumer insurer --levels dealer2pc
as hospital-a owner approve "$plan" --dataset hospital_a --consumer insurer,bank \
  --levels dealer2pc,rep3 --aggregate-only mean_radius --min-rows 10 | tee "$work/approve.txt"
grep -q "^granted approval 1: plan ${plan:0:12}, dataset hospital_a, for bank,insurer at dealer2pc,rep3 (aggregate-only mean_radius; min-rows 10)$" "$work/approve.txt"
second="$(as hospital-b owner approve "$plan" --dataset hospital_b --consumer insurer \
  --levels dealer2pc --json | json 'd["id"]')"
[[ "$second" == 2 ]] || fail "the second approval has id $second"
as insurer owner approvals --plan "$plan" | tee "$work/approvals.txt"
grep -q "^1 *${plan:0:12} *hospital_a *hospital-a *bank,insurer *dealer2pc,rep3 *in force" "$work/approvals.txt"
grep -q "^2 *${plan:0:12} *hospital_b *hospital-b *insurer *dealer2pc *in force" "$work/approvals.txt"

echo "--- jobs"
run insurer | tee "$work/run.txt"
grep -q "^job 1 created: plan ${plan:0:12} at dealer2pc$" "$work/run.txt"
refused "job 2 is still pending after 1s: no node has started it (are node-0, node-1, dealer running?)" \
  run insurer --wait --timeout 1
refused "output 'risk_model' of plan $plan is not for 'bank'" run bank
as insurer consumer jobs | tee "$work/jobs.txt"
grep -q "^1 *${plan:0:12} *dealer2pc *pending *0% " "$work/jobs.txt"
grep -q "^2 *${plan:0:12} *dealer2pc *pending *0% " "$work/jobs.txt"
as insurer consumer status 1 | tee "$work/status.txt"
grep -q "^job 1  pending  0%$" "$work/status.txt"
grep -q "party 2 *dealer *assigned" "$work/status.txt"

echo "--- cancel, revoke"
as insurer consumer cancel 1 | tee "$work/cancel.txt"
grep -q "^job 1 cancelled$" "$work/cancel.txt"
refused "job 1 was cancelled" as insurer consumer status 1 --wait
as hospital-b owner revoke 2 | tee "$work/revoke.txt"
grep -q "^revoked approval 2: plan ${plan:0:12}, dataset hospital_b" "$work/revoke.txt"
grep -q "unfinished jobs no longer approved are cancelled" "$work/revoke.txt"
as insurer consumer jobs --status cancelled --plan "$plan" | tee "$work/cancelled.txt"
[[ "$(grep -c "cancelled" "$work/cancelled.txt")" -eq 2 ]] || fail "jobs 1 and 2 are not both cancelled"
[[ "$(as insurer consumer jobs --status pending --json | json 'd["jobs"]')" == "[]" ]] ||
  fail "jobs are still pending"
as insurer owner approvals --plan "$plan" | grep -q "^2 .* revoked"
refused "no approval in force from 'hospital-b'" run insurer

echo "--- another consumer's job"
"$bin/arca" consumer keygen --out "$work/bank-result.key" >/dev/null
refused "job 1 belongs to 'insurer'; only its consumer or the platform may do this" \
  as bank consumer fetch 1 --result-key "$work/bank-result.key" --out "$work/stolen.csv"
[[ ! -e "$work/stolen.csv" ]] || fail "a refused fetch wrote a file"
refused "job 1 belongs to 'insurer'" as bank consumer status 1
refused "job 1 belongs to 'insurer'" as bank consumer cancel 1
echo PASS
