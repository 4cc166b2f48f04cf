#!/usr/bin/env bash
# End to end with real processes on 127.0.0.1: the platform operator starts arca-coordinator,
# registers parties and nodes with the arca CLI over TLS (a wrong certificate and a stranger's
# key are refused), restarts the coordinator and finds every record, then edits an audit row
# in the database and `arca audit verify` names it. The coordinator is stopped on exit.
#
# Usage: coordinator_test.sh BIN_DIR
set -euo pipefail
bin="$1"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=""
start() {  # starts the coordinator on a free port and waits for its "listening on" line
  "$bin/arca-coordinator" --listen 127.0.0.1:0 --state-dir "$work/state" \
    --admin-key "$work/platform.key.pub" >"$work/coordinator.log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 100); do
    port="$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/coordinator.log")"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "the coordinator did not start:"; cat "$work/coordinator.log"; exit 1; }
}
stop() {
  kill -TERM "$pid"
  wait "$pid" || { echo "the coordinator did not stop cleanly"; exit 1; }
  pid=""
}
as_platform() {  # runs `arca platform ...` signed by the platform operator
  local command="$1"
  shift
  "$bin/arca" platform "$command" --coordinator "127.0.0.1:$port" \
    --coordinator-cert "$work/state/coordinator.crt" --as platform --key "$work/platform.key" "$@"
}

"$bin/arca" keygen --out "$work/platform.key" >/dev/null
for name in lab node0 node1 dealer stranger; do "$bin/arca" keygen --out "$work/$name.key" >/dev/null; done
start

echo "--- register a party and three nodes"
as_platform add-party --id lab --role code --key-file "$work/lab.key.pub"
for i in 0 1; do
  as_platform add-node --id "node-$i" --role compute --index "$i" --endpoint "127.0.0.1:700$i" \
    --mesh-endpoint "127.0.0.1:710$i" --signing-key "$work/node$i.key.pub"
done
as_platform add-node --id dealer --role dealer --index 0 --endpoint 127.0.0.1:7002 \
  --mesh-endpoint 127.0.0.1:7102 --signing-key "$work/dealer.key.pub"
as_platform nodes | tee "$work/nodes.txt"
grep -q "^node-1 *compute *1 *127.0.0.1:7001 *registered" "$work/nodes.txt"
as_platform nodes --json | grep -q '"mesh_endpoint": "127.0.0.1:7102"'

echo "--- refusals"
if out="$(as_platform add-node --id node-9 --role compute --index 1 --endpoint 127.0.0.1:1 \
  --mesh-endpoint 127.0.0.1:2 --signing-key "$work/stranger.key.pub" 2>&1)"; then
  echo "a second compute node 1 was accepted"; exit 1
fi
echo "$out"; grep -q "compute node 1 is already registered as 'node-1'" <<<"$out"
if out="$("$bin/arca" platform nodes --coordinator "127.0.0.1:$port" \
  --coordinator-cert "$work/state/coordinator.crt" --as platform --key "$work/stranger.key" 2>&1)"; then
  echo "a stranger's signature was accepted"; exit 1
fi
echo "$out"; grep -q "signature does not verify with the key registered for 'platform'" <<<"$out"
if out="$("$bin/arca" platform add-party --coordinator "127.0.0.1:$port" --id x --role owner \
  --key-file "$work/stranger.key.pub" --coordinator-cert "$work/state/coordinator.crt" \
  --as lab --key "$work/lab.key" 2>&1)"; then
  echo "a code owner registered a party"; exit 1
fi
echo "$out"; grep -q "'lab' (code) may not call POST /v1/parties: only the platform may" <<<"$out"
openssl req -x509 -newkey ed25519 -keyout "$work/other.pem" -out "$work/other.crt" -days 1 \
  -nodes -subj /CN=other 2>/dev/null
if out="$("$bin/arca" platform nodes --coordinator "127.0.0.1:$port" \
  --coordinator-cert "$work/other.crt" --as platform --key "$work/platform.key" 2>&1)"; then
  echo "a coordinator with another certificate was trusted"; exit 1
fi
echo "$out"; grep -q "cannot reach the coordinator" <<<"$out"

echo "--- a restart keeps every record"
as_platform nodes --json >"$work/before.json"
"$bin/arca" audit verify --db "$work/state/coordinator.db" --json >"$work/audit-before.json"
head="$(/usr/bin/python3 -c 'import json, sys; h = json.load(open(sys.argv[1]))["head"]; print("%d:%s" % (h["seq"], h["entry_hash"]))' "$work/audit-before.json")"
stop
start
as_platform nodes --json >"$work/after.json"
cmp "$work/before.json" "$work/after.json"
"$bin/arca" audit verify --db "$work/state/coordinator.db" --head "$head"
stop

echo "--- an edited audit row is named"
sqlite3 "$work/state/coordinator.db" "DROP TRIGGER audit_log_no_update;
  UPDATE audit_log SET actor = 'mallory' WHERE seq = 3;"
set +e
out="$("$bin/arca" audit verify --db "$work/state/coordinator.db" --head "$head")"
status=$?
set -e
echo "$out"
[[ $status -eq 1 ]] || { echo "audit verify exited $status on a broken chain"; exit 1; }
grep -q "BROKEN at entry 3: audit entry 3 was altered" <<<"$out"
set +e
"$bin/arca" audit verify --db "$work/missing.db" 2>/dev/null
status=$?
set -e
[[ $status -eq 2 ]] || { echo "audit verify exited $status on a missing file"; exit 1; }
echo PASS
