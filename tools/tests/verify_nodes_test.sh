#!/usr/bin/env bash
# End to end with real processes on 127.0.0.1: the operator creates a SIMULATED root and
# starts a compute node and a dealer; a data owner attests them with `arca owner verify-nodes`
# and a policy that pins the root and accepts the node program's measurements (one per role).
# A policy naming the compute role's measurement only refuses the dealer. Every process started here is stopped on exit.
#
# Usage: verify_nodes_test.sh BIN_DIR
set -euo pipefail
bin="$1"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/arca" platform init-sim --dir "$work/root" >/dev/null
fingerprint="$(openssl x509 -in "$work/root/sim-root.pem" -outform der | sha256sum | cut -d' ' -f1)"

roles=(compute dealer)
for i in 0 1; do
  cat >"$work/node$i.json" <<JSON
{"role": "${roles[$i]}", "index": 0, "listen": "127.0.0.1:0",
 "state_dir": "$work/state$i", "sim_root_key": "$work/root/sim-root.key"}
JSON
  "$bin/arca-node" --config "$work/node$i.json" >"$work/node$i.log" 2>&1 &
  pids+=($!)
done

# The nodes print their port once they listen.
endpoints=()
for i in 0 1; do
  for _ in $(seq 50); do
    port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/node$i.log")"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "node $i did not start:"; cat "$work/node$i.log"; exit 1; }
  endpoints+=(--node "127.0.0.1:$port")
done

policy() {  # policy MEASUREMENT...
  local list
  list="$(printf '"%s",' "$@")"
  cat <<JSON
{"version": 1, "platforms": {"sim": {"measurements": [${list%,}],
 "trust_anchors": [{"file": "root/sim-root.pem", "sha256": "$fingerprint"}]}}}
JSON
}
m0="$("$bin/arca" platform measure --binary "$bin/arca-node" --config "$work/node0.json")"
m1="$("$bin/arca" platform measure --binary "$bin/arca-node" --config "$work/node1.json")"
policy "$m0" "$m1" >"$work/policy.json"
policy "$m0" >"$work/policy-node0-only.json"

echo "--- a policy accepting both nodes"
"$bin/arca" owner verify-nodes --policy "$work/policy.json" "${endpoints[@]}"

echo "--- a policy accepting the compute role only"
if "$bin/arca" owner verify-nodes --policy "$work/policy-node0-only.json" "${endpoints[@]}" \
  >"$work/out.txt"; then
  echo "FAIL: the dealer was accepted by a policy that does not name its measurement"
  exit 1
fi
cat "$work/out.txt"
grep -q "ACCEPTED" <(sed -n 1p "$work/out.txt")
grep -q "REFUSED   peer attestation refused: measurement" <(sed -n 2p "$work/out.txt")
echo "PASS"
