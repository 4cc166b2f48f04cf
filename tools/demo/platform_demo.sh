#!/usr/bin/env bash
# The story of README.md on real processes on 127.0.0.1 (scripts/demo runs it): two hospitals
# pool the Wisconsin breast-cancer table (python3-sklearn) without showing it to anyone, a
# research lab's logistic-regression plan trains on it under MPC, an insurer receives the model
# and scores new applicants with the copy kept secret-shared on the nodes. Every node is a
# SIMULATED TEE: the protocol is real, the hardware protection is not.
#
# Usage: platform_demo.sh BIN_DIR [LEVEL]   (LEVEL: dealer2pc (default), rep3 or tee)
set -euo pipefail
bin="$(cd "$1" && pwd)"
level="${2:-dealer2pc}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d -t arca-demo.XXXXXX)"
python=/usr/bin/python3
# shellcheck source=../tests/platform_lib.sh
source "$here/../tests/platform_lib.sh"
cleanup() {
  platform_stop
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
show() {  # show as PARTY ARGS...: prints who runs which arca command, then runs it
  echo "[$2] \$ arca ${*:3}"
  "$@"
}

say "0. The data: the Wisconsin diagnostic breast-cancer table from python3-sklearn"
"$python" "$here/breast_cancer.py" prepare "$work/data"

say "1. Platform operator: a coordinator and four nodes (SIMULATED TEEs) on 127.0.0.1"
platform_start
platform_party hospital-a owner
platform_party hospital-b owner
platform_party lab code
platform_party insurer consumer
show as platform platform attest-nodes --policy "$work/policy.json"
show as platform platform nodes

say "2. Data owners: attest the nodes themselves, then upload (only ciphertext leaves them)"
show as hospital-a owner verify-nodes --policy "$work/policy.json" \
  --node "$(as platform platform nodes --json | "$python" -c \
    'import json,sys; print([n["endpoint"] for n in json.load(sys.stdin)["nodes"] if n["id"]=="node-0"][0])')"
for h in a b; do
  show as "hospital-$h" owner upload --dataset "hospital_$h" --csv "$work/data/hospital_$h.csv" \
    --schema "$work/data/hospital_schema.json" --policy "$work/policy.json" --level "$level"
done

say "3. Code owner: mock rows to develop with, then the plans (their hashes are what owners approve)"
show as lab code mock --dataset hospital_a --rows 3 --out "$work/mock.csv"
head -c 300 "$work/mock.csv"; echo " ..."
train="$(as lab code submit "$work/data/train_plan.json" --json | "$python" -c 'import json,sys; print(json.load(sys.stdin)["hash"])')"
infer="$(as lab code submit "$work/data/infer_plan.json" --json | "$python" -c 'import json,sys; print(json.load(sys.stdin)["hash"])')"
echo "training plan  $train"
echo "inference plan $infer"

say "4. Both hospitals approve the training plan for the insurer"
for h in a b; do
  show as "hospital-$h" owner approve "$train" --dataset "hospital_$h" --consumer insurer \
    --levels "$level" --min-rows 50
done

say "5. Consumer: run the training, fetch the model, check the receipt offline"
as insurer consumer keygen --out "$work/keys/insurer-result.key" >/dev/null
job="$(as insurer consumer run "$train" --level "$level" --result-key "$work/keys/insurer-result.pub" --json | "$python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
echo "job $job submitted"
show as insurer consumer status "$job" --wait
show as insurer consumer fetch "$job" --result-key "$work/keys/insurer-result.key" --out "$work/model.csv" \
  --receipt "$work/receipt.json" --results-dir "$work/results"
show as insurer consumer verify-receipt --receipt "$work/receipt.json" --policy "$work/policy.json" \
  --results "$work/results"

say "6. Consumer: score new applicants with the model kept secret-shared on the nodes"
show as insurer consumer infer malignancy-risk-v1 --plan "$infer" --csv "$work/data/applicants.csv" \
  --policy "$work/policy.json" --level "$level" --result-key "$work/keys/insurer-result.key" \
  --out "$work/predictions.csv"

say "7. What it gave, next to the same training in the clear"
"$python" "$here/breast_cancer.py" plaintext "$work/data"
"$python" "$here/breast_cancer.py" model "$work/data" "$work/model.csv"
"$python" "$here/breast_cancer.py" score "$work/data" "$work/predictions.csv"
echo "traffic per party (from the nodes' logs):"
grep -h "done in" "$work"/nodes/*.log | sed 's/^.*\] /  /' | sort
show as platform audit verify --db "$work/coordinator/coordinator.db"

say "Done: every process is stopped. (SIMULATED TEEs: no hardware protection was claimed.)"
