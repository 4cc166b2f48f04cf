#!/usr/bin/env bash
# End to end with real processes on 127.0.0.1: the platform operator starts arca-coordinator,
# registers parties and nodes with the arca CLI over TLS (a wrong certificate and a stranger's
# key are refused), restarts the coordinator and finds every record, then edits an audit row
# in the database and `arca audit verify` names it. The coordinator is stopped on exit.
#
# Usage: coordinator_test.sh BIN_DIR
set -euo pipefail
# shellcheck source=platform_lib.sh
source "$(dirname "$0")/platform_lib.sh"
test_begin "$1"

coordinator_only_start
"$bin/arca" keygen --out "$work/keys/stranger.key" >/dev/null
# An arca command with every coordinator flag given on the command line, not in the environment.
with_flags() {  # with_flags CERT SIGNER KEY arca-args...
  local cert="$1" signer="$2" key="$3"
  shift 3
  env -u ARCA_COORDINATOR -u ARCA_COORDINATOR_CERT "$bin/arca" "$@" \
    --coordinator "$ARCA_COORDINATOR" --coordinator-cert "$cert" --as "$signer" --key "$key"
}

echo "--- register a party and three nodes"
platform_party lab code
register_absent_nodes
as platform platform nodes | tee "$work/nodes.txt"
grep -q "^node-1 *compute *1 *127.0.0.1:7001 *registered" "$work/nodes.txt"
with_flags "$ARCA_COORDINATOR_CERT" platform "$work/keys/platform.key" platform nodes --json |
  grep -q '"mesh_endpoint": "127.0.0.1:7102"'

echo "--- refusals"
refused "compute node 1 is already registered as 'node-1'" \
  as platform platform add-node --id node-9 --role compute --index 1 --endpoint 127.0.0.1:1 \
  --mesh-endpoint 127.0.0.1:2 --signing-key "$work/keys/stranger.key.pub"
refused "signature does not verify with the key registered for 'platform'" \
  with_flags "$ARCA_COORDINATOR_CERT" platform "$work/keys/stranger.key" platform nodes
refused "'lab' (code) may not call POST /v1/parties: only the platform may" \
  as lab platform add-party --id x --role owner --key-file "$work/keys/stranger.key.pub"
openssl req -x509 -newkey ed25519 -keyout "$work/other.pem" -out "$work/other.crt" -days 1 \
  -nodes -subj /CN=other 2>/dev/null
refused "cannot reach the coordinator" \
  with_flags "$work/other.crt" platform "$work/keys/platform.key" platform nodes

echo "--- a restart keeps every record"
db="$work/coordinator/coordinator.db"
as platform platform nodes --json >"$work/before.json"
head="$("$bin/arca" audit verify --db "$db" --json | json '"%d:%s" % (d["head"]["seq"], d["head"]["entry_hash"])')"
coordinator_stop
coordinator_start 127.0.0.1:0
as platform platform nodes --json >"$work/after.json"
cmp "$work/before.json" "$work/after.json"
"$bin/arca" audit verify --db "$db" --head "$head"
coordinator_stop

echo "--- an edited audit row is named"
sqlite3 "$db" "DROP TRIGGER audit_log_no_update;
  UPDATE audit_log SET actor = 'mallory' WHERE seq = 3;"
fails_with 1 "$bin/arca" audit verify --db "$db" --head "$head"
grep -q "BROKEN at entry 3: audit entry 3 was altered" "$work/out.txt"
fails_with 2 "$bin/arca" audit verify --db "$work/missing.db"
echo PASS
