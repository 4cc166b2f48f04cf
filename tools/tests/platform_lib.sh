# shellcheck shell=bash
# A whole Arca platform on 127.0.0.1, for the end-to-end tests and scripts/demo: a SIMULATED
# root of trust, arca-coordinator, compute nodes node-0..2 and the dealer, registered with the
# coordinator, and a policy (policy.json) that accepts them. Source it with `bin` (the
# directory of arca, arca-node, arca-coordinator) and `work` (a scratch directory) set, or call
# test_begin to set them; call platform_stop on exit (test_begin's trap does).
#
#   test_begin BIN_DIR        bin, a fresh $work, and a trap that stops everything on exit
#   platform_start            everything above; exports ARCA_COORDINATOR, ARCA_COORDINATOR_CERT
#   coordinator_only_start    the operator's key and the coordinator, no root and no nodes
#   sim_root_start            the SIMULATED root in $work/root (sets root_fingerprint)
#   node_config ID PORT MESH / node_start ID / node_endpoint ID    one node (standalone when no
#                             coordinator runs)
#   node_kill ID              SIGKILL a node (node_start starts it again on the same ports)
#   node_measurement ID       the measurement of node ID's program and configuration
#   policy MEASUREMENT...     a policy pinning the root and accepting these measurements
#   platform_party ID ROLE    a key pair ($work/keys/ID.key) and the party's registration
#   register_absent_nodes     node-0, node-1 and the dealer registered at ports nobody listens on
#   as ID arca-args...        runs arca signed by ID
#   call ID METHOD TARGET [BODY]   one signed request (coordinator_call.py) for a route the CLI
#                             does not offer
#   blobs / sql QUERY         the blobs the nodes keep / a query of the coordinator's database
#   coordinator_start ADDRESS / coordinator_stop   (re)start the coordinator / stop it cleanly
#   platform_stop             stops every node and the coordinator

tests_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test_lib.sh
source "$tests_dir/test_lib.sh"

PLATFORM_NODES=(node-0 node-1 node-2 dealer)
declare -A node_pid=()
coordinator_pid=""

test_begin() {
  bin="$(cd "$1" && pwd)"
  work="$(mktemp -d -t arca-test.XXXXXX)"
  trap test_end EXIT
}

# The EXIT trap of test_begin: the test's status, or 1 if a process outlived the test.
test_end() {
  local status=$?
  platform_stop
  if pgrep -f "$work" >/dev/null; then
    echo "FAIL: processes outlived the test:"
    pgrep -af "$work"
    status=1
  fi
  rm -rf "$work"
  exit "$status"
}

as() {
  local party="$1"
  shift
  ARCA_AS="$party" ARCA_KEY="$work/keys/$party.key" "$bin/arca" "$@"
}

call() {
  local party="$1"
  shift
  "$python" "$tests_dir/coordinator_call.py" "$ARCA_COORDINATOR" "$ARCA_COORDINATOR_CERT" \
    "$party" "$work/keys/$party.key" "$@"
}

platform_party() {
  "$bin/arca" keygen --out "$work/keys/$1.key" >/dev/null
  as platform platform add-party --id "$1" --role "$2" --key-file "$work/keys/$1.key.pub" >/dev/null
}

# For tests without nodes: their keys are $work/keys/ID.key; no process listens on 7000..7002.
register_absent_nodes() {
  local spec id role index port=7000
  for spec in node-0:compute:0 node-1:compute:1 dealer:dealer:0; do
    IFS=: read -r id role index <<<"$spec"
    "$bin/arca" keygen --out "$work/keys/$id.key" >/dev/null
    as platform platform add-node --id "$id" --role "$role" --index "$index" \
      --endpoint "127.0.0.1:$port" --mesh-endpoint "127.0.0.1:$((port + 100))" \
      --signing-key "$work/keys/$id.key.pub"
    port=$((port + 1))
  done
}

blobs() { find "$work"/nodes/*/store -name '*.meta' 2>/dev/null | wc -l; }
sql() { sqlite3 "$work/coordinator/coordinator.db" "$1"; }

# Starts the coordinator listening on $1 (127.0.0.1:0: any port) and waits for its "listening
# on" line; a restart appends to the same log and waits for a line after those already there.
coordinator_start() {
  local log="$work/coordinator.log" from=1
  [[ -f "$log" ]] && from=$(($(wc -l <"$log") + 1))
  "$bin/arca-coordinator" --listen "$1" --state-dir "$work/coordinator" \
    --admin-key "$work/keys/platform.key.pub" >>"$log" 2>&1 &
  coordinator_pid=$!
  ARCA_COORDINATOR="127.0.0.1:$(wait_for_line "$log" \
    "$from,\$ s/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p")"
  export ARCA_COORDINATOR ARCA_COORDINATOR_CERT="$work/coordinator/coordinator.crt"
}

# Stops the coordinator; fails unless it exits cleanly.
coordinator_stop() {
  kill -TERM "$coordinator_pid" 2>/dev/null || true
  local status=0
  wait "$coordinator_pid" 2>/dev/null || status=$?
  coordinator_pid=""
  [[ $status -eq 0 ]] || { echo "the coordinator exited $status on SIGTERM" >&2; return 1; }
}

coordinator_only_start() {
  mkdir -p "$work/keys"
  "$bin/arca" keygen --out "$work/keys/platform.key" >/dev/null
  coordinator_start 127.0.0.1:0
}

sim_root_start() {
  "$bin/arca" platform init-sim --dir "$work/root" >/dev/null
  root_fingerprint="$(openssl x509 -in "$work/root/sim-root.pem" -outform der | sha256sum | cut -d' ' -f1)"
}

policy() {
  local list
  list="$(printf '"%s",' "$@")"
  cat <<JSON
{"version": 1, "platforms": {"sim": {"measurements": [${list%,}],
 "trust_anchors": [{"file": "root/sim-root.pem", "sha256": "$root_fingerprint"}]}}}
JSON
}

# The configuration of node $1 listening on $2 with its MPC links on $3 (ports; 0: any). With no
# coordinator running the node is standalone: it serves attestation and uploads, takes no jobs.
node_config() {
  local id="$1" role=compute index="${1#node-}" jobs=""
  [[ "$id" == dealer ]] && role=dealer index=0
  [[ -n "$coordinator_pid" ]] && jobs=",
 \"node_id\": \"$id\", \"mesh_listen\": \"127.0.0.1:$3\",
 \"coordinator\": {\"address\": \"$ARCA_COORDINATOR\", \"certificate\": \"$ARCA_COORDINATOR_CERT\"}"
  mkdir -p "$work/nodes"
  cat >"$work/nodes/$id.json" <<JSON
{"role": "$role", "index": $index, "listen": "127.0.0.1:$2", "state_dir": "$work/nodes/$id",
 "sim_root_key": "$work/root/sim-root.key"$jobs}
JSON
}

node_start() {
  local id="$1"
  : >"$work/nodes/$id.log"
  "$bin/arca-node" --config "$work/nodes/$id.json" >>"$work/nodes/$id.log" 2>&1 &
  node_pid[$id]=$!
  node_endpoint "$id" >/dev/null
}

node_endpoint() {
  wait_for_line "$work/nodes/$1.log" 's/.*listening on \(127\.0\.0\.1:[0-9]*\).*/\1/p'
}

node_measurement() {
  "$bin/arca" platform measure --binary "$bin/arca-node" --config "$work/nodes/$1.json"
}

node_kill() {
  kill -KILL "${node_pid[$1]}" 2>/dev/null || true
  wait "${node_pid[$1]}" 2>/dev/null || true
  unset "node_pid[$1]"
}

platform_start() {
  sim_root_start
  coordinator_only_start
  local id role endpoint mesh
  for id in "${PLATFORM_NODES[@]}"; do
    node_config "$id" 0 0
    node_start "$id"
    endpoint="$(node_endpoint "$id")"
    mesh="$(wait_for_line "$work/nodes/$id.log" 's/.*MPC links on \(127\.0\.0\.1:[0-9]*\).*/\1/p')"
    # From now on the node keeps these ports, so that a restart finds its peers' records true.
    node_config "$id" "${endpoint##*:}" "${mesh##*:}"
    role=compute
    [[ "$id" == dealer ]] && role=dealer
    as platform platform add-node --id "$id" --role "$role" \
      --index "$([[ $id == dealer ]] && echo 0 || echo "${id#node-}")" --endpoint "$endpoint" \
      --mesh-endpoint "$mesh" --signing-key "$work/nodes/$id/identity.pub" >/dev/null
  done
  policy "$(node_measurement node-0)" "$(node_measurement dealer)" >"$work/policy.json"
}

platform_stop() {
  local id
  for id in "${!node_pid[@]}"; do kill -TERM "${node_pid[$id]}" 2>/dev/null || true; done
  for id in "${!node_pid[@]}"; do wait "${node_pid[$id]}" 2>/dev/null || true; done
  node_pid=()
  [[ -z "$coordinator_pid" ]] || coordinator_stop || true
}
