# shellcheck shell=bash
# Short libFuzzer runs for scripts/test. Source it after lib.sh; do not run it.
#
# Fuzz targets (*_fuzz.cc) need clang, so they build in their own directory, build-fuzz/, with
# -DARCA_FUZZ=ON. Each target keeps its corpus in build-fuzz/corpus/<target>/, so every run
# starts from what earlier runs found; crashing inputs land in build-fuzz/artifacts/. Seeds in
# testdata/fuzz-seeds/<target>/ (real evidence, for the parsers of untrusted bytes) are read
# too, so that even a short run starts from valid inputs. docs/FUZZING.md has longer runs.

# Seconds of fuzzing per scripts/test run, shared by all targets (at least 5 s each).
ARCA_FUZZ_SECONDS="${ARCA_FUZZ_SECONDS:-24}"
ARCA_FUZZ_DIR=build-fuzz

# arca_fuzz_one BINARY SECONDS: fuzzes one target and prints one line about it. On a crash,
# prints the end of libFuzzer's log (which names the saved input) and returns nonzero.
arca_fuzz_one() {
  local binary="$1" seconds="$2"
  local name corpus artifacts log
  name="$(basename "$binary")"
  corpus="$ARCA_FUZZ_DIR/corpus/$name"
  artifacts="$ARCA_FUZZ_DIR/artifacts/"
  log="$ARCA_FUZZ_DIR/logs/$name.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  local seeds=()
  [[ -d "testdata/fuzz-seeds/$name" ]] && seeds=("testdata/fuzz-seeds/$name")
  if ! "$binary" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -timeout=10 \
    -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz $name: FAILED after at most ${seconds}s; end of $log:"
    tail -n 30 "$log"
    return 1
  fi
  # libFuzzer ends with "Done <N> runs in <S> second(s)".
  local runs inputs
  runs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")"
  inputs="$(find "$corpus" -type f | wc -l)"
  echo "fuzz $name: ok, ${runs:-?} inputs in ${seconds}s, corpus of $inputs"
}

# Builds every fuzz target and runs each for its share of ARCA_FUZZ_SECONDS.
arca_fuzz_all() {
  arca_configure "$ARCA_FUZZ_DIR" -DCMAKE_CXX_COMPILER=clang++ -DARCA_FUZZ=ON
  arca_build "$ARCA_FUZZ_DIR" arca_fuzzers
  local binaries=("$ARCA_FUZZ_DIR"/bin/*_fuzz)
  if [[ ! -x "${binaries[0]}" ]]; then
    arca_die "no fuzz targets were built in $ARCA_FUZZ_DIR/bin"
  fi
  local seconds=$((ARCA_FUZZ_SECONDS / ${#binaries[@]}))
  ((seconds >= 5)) || seconds=5
  arca_step "fuzzing ${#binaries[@]} target(s) for ${seconds}s each"
  local binary failed=0
  for binary in "${binaries[@]}"; do
    arca_try arca_fuzz_one "$binary" "$seconds"
    ((ARCA_TRY_STATUS == 0)) || failed=1
  done
  return "$failed"
}
