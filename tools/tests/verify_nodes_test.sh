#!/usr/bin/env bash
# End to end with real processes on 127.0.0.1: the operator creates a SIMULATED root and
# starts a compute node and a dealer, no coordinator; a data owner attests them with `arca owner
# verify-nodes` and a policy that pins the root and accepts the node program's measurements (one
# per role). A policy naming the compute role's measurement only refuses the dealer. Every
# process started here is stopped on exit.
#
# Usage: verify_nodes_test.sh BIN_DIR
set -euo pipefail
# shellcheck source=platform_lib.sh
source "$(dirname "$0")/platform_lib.sh"
test_begin "$1"

sim_root_start
endpoints=()
for id in node-0 dealer; do
  node_config "$id" 0 0
  node_start "$id"
  endpoints+=(--node "$(node_endpoint "$id")")
done
policy "$(node_measurement node-0)" "$(node_measurement dealer)" >"$work/policy.json"
policy "$(node_measurement node-0)" >"$work/policy-node0-only.json"

echo "--- a policy accepting both nodes"
"$bin/arca" owner verify-nodes --policy "$work/policy.json" "${endpoints[@]}"

echo "--- a policy accepting the compute role only"
fails_with 1 "$bin/arca" owner verify-nodes --policy "$work/policy-node0-only.json" "${endpoints[@]}"
grep -q "ACCEPTED" <(sed -n 1p "$work/out.txt")
grep -q "REFUSED   peer attestation refused: measurement" <(sed -n 2p "$work/out.txt")
echo "PASS"
