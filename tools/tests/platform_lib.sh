# shellcheck shell=bash
# A whole Arca platform on 127.0.0.1, for the end-to-end tests and scripts/demo: a SIMULATED
# root of trust, arca-coordinator, compute nodes node-0..2 and the dealer, registered with the
# coordinator, and a policy (policy.json) that accepts them. Source it with `bin` (the
# directory of arca, arca-node, arca-coordinator) and `work` (a scratch directory) set; call
# platform_stop on exit (it stops every process started here).
#
#   platform_start            everything above; exports ARCA_COORDINATOR, ARCA_COORDINATOR_CERT
#   platform_party ID ROLE    a key pair ($work/keys/ID.key) and the party's registration
#   as ID arca-args...        runs arca signed by ID
#   node_kill ID / node_start ID   SIGKILL a node / start it again on the same ports
#   platform_stop             stops every node and the coordinator

PLATFORM_NODES=(node-0 node-1 node-2 dealer)
declare -A node_pid=()
coordinator_pid=""

# Prints the first match of sed expression $2 in file $1, waiting up to 10 s for it.
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

as() {
  local party="$1"
  shift
  ARCA_AS="$party" ARCA_KEY="$work/keys/$party.key" "$bin/arca" "$@"
}

platform_party() {
  "$bin/arca" keygen --out "$work/keys/$1.key" >/dev/null
  as platform platform add-party --id "$1" --role "$2" --key-file "$work/keys/$1.key.pub" >/dev/null
}

coordinator_start() {
  "$bin/arca-coordinator" --listen "${1:-127.0.0.1:0}" --state-dir "$work/coordinator" \
    --admin-key "$work/keys/platform.key.pub" >>"$work/coordinator.log" 2>&1 &
  coordinator_pid=$!
  ARCA_COORDINATOR="127.0.0.1:$(wait_for_line "$work/coordinator.log" \
    's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' | tail -1)"
  export ARCA_COORDINATOR ARCA_COORDINATOR_CERT="$work/coordinator/coordinator.crt"
}

coordinator_stop() {
  kill -TERM "$coordinator_pid" 2>/dev/null || true
  wait "$coordinator_pid" 2>/dev/null || true
  coordinator_pid=""
}

# The configuration of node $1 listening on $2 with its MPC links on $3 (ports; 0: any).
node_config() {
  local id="$1" role=compute index="${1#node-}"
  [[ "$id" == dealer ]] && role=dealer index=0
  cat >"$work/nodes/$id.json" <<JSON
{"role": "$role", "index": $index, "listen": "127.0.0.1:$2", "state_dir": "$work/nodes/$id",
 "sim_root_key": "$work/root/sim-root.key", "node_id": "$id", "mesh_listen": "127.0.0.1:$3",
 "coordinator": {"address": "$ARCA_COORDINATOR", "certificate": "$ARCA_COORDINATOR_CERT"}}
JSON
}

node_start() {
  local id="$1"
  : >"$work/nodes/$id.log"
  "$bin/arca-node" --config "$work/nodes/$id.json" >>"$work/nodes/$id.log" 2>&1 &
  node_pid[$id]=$!
  wait_for_line "$work/nodes/$id.log" 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' >/dev/null
}

node_kill() {
  kill -KILL "${node_pid[$1]}" 2>/dev/null || true
  wait "${node_pid[$1]}" 2>/dev/null || true
  unset "node_pid[$1]"
}

platform_start() {
  mkdir -p "$work/keys" "$work/nodes"
  "$bin/arca" platform init-sim --dir "$work/root" >/dev/null
  "$bin/arca" keygen --out "$work/keys/platform.key" >/dev/null
  coordinator_start
  local id role endpoint mesh
  for id in "${PLATFORM_NODES[@]}"; do
    node_config "$id" 0 0
    node_start "$id"
    endpoint="$(wait_for_line "$work/nodes/$id.log" 's/.*listening on \(127\.0\.0\.1:[0-9]*\).*/\1/p')"
    mesh="$(wait_for_line "$work/nodes/$id.log" 's/.*MPC links on \(127\.0\.0\.1:[0-9]*\).*/\1/p')"
    # From now on the node keeps these ports, so that a restart finds its peers' records true.
    node_config "$id" "${endpoint##*:}" "${mesh##*:}"
    role=compute
    [[ "$id" == dealer ]] && role=dealer
    as platform platform add-node --id "$id" --role "$role" \
      --index "$([[ $id == dealer ]] && echo 0 || echo "${id#node-}")" --endpoint "$endpoint" \
      --mesh-endpoint "$mesh" --signing-key "$work/nodes/$id/identity.pub" >/dev/null
  done
  local fingerprint compute dealer
  fingerprint="$(openssl x509 -in "$work/root/sim-root.pem" -outform der | sha256sum | cut -d' ' -f1)"
  compute="$("$bin/arca" platform measure --binary "$bin/arca-node" --config "$work/nodes/node-0.json")"
  dealer="$("$bin/arca" platform measure --binary "$bin/arca-node" --config "$work/nodes/dealer.json")"
  cat >"$work/policy.json" <<JSON
{"version": 1, "platforms": {"sim": {"measurements": ["$compute", "$dealer"],
 "trust_anchors": [{"file": "root/sim-root.pem", "sha256": "$fingerprint"}]}}}
JSON
}

platform_stop() {
  local id
  for id in "${!node_pid[@]}"; do kill -TERM "${node_pid[$id]}" 2>/dev/null || true; done
  for id in "${!node_pid[@]}"; do wait "${node_pid[$id]}" 2>/dev/null || true; done
  node_pid=()
  [[ -n "$coordinator_pid" ]] && coordinator_stop
  return 0
}
