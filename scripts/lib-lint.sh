# shellcheck shell=bash
# clang-format and clang-tidy checks for `scripts/test --lint`. Source it after lib.sh.
#
# The tools are pinned to LLVM 14 (Debian 12's): formatting and the set of checks change
# between versions, and everyone must get the same verdict.
ARCA_CLANG_FORMAT=clang-format-14
ARCA_CLANG_TIDY=clang-tidy-14
ARCA_RUN_CLANG_TIDY=run-clang-tidy-14

# Every C++ file git knows about or would add (tracked, plus untracked files not ignored), so a
# new file is checked before its first commit. Build directories are ignored by .gitignore.
arca_cxx_files() {
  local file
  git ls-files -z --cached --others --exclude-standard -- '*.cc' '*.h' |
    while IFS= read -r -d '' file; do
      # A tracked file deleted in the work tree is still listed.
      if [[ -f "$file" ]]; then
        echo "$file"
      fi
    done
}

# Fails if clang-format (with .clang-format) would change any file; prints the offending lines.
arca_format_check() {
  local files=()
  mapfile -t files < <(arca_cxx_files)
  arca_step "clang-format: checking ${#files[@]} files"
  "$ARCA_CLANG_FORMAT" --dry-run --Werror "${files[@]}"
  echo "clang-format: no changes needed"
}

# Number of checks .clang-tidy enables. Zero means the config is broken (clang-tidy then
# silently checks nothing), which must fail the lint instead of passing it.
arca_tidy_check_count() {
  # clang-tidy fails when the config is invalid or enables nothing; that counts as zero (its
  # own error message goes to stderr).
  local listing
  listing="$("$ARCA_CLANG_TIDY" --list-checks --config-file=.clang-tidy)" || true
  # The listing: an "Enabled checks:" line, one indented check per line, a blank line.
  awk 'NR > 1 && NF' <<<"$listing" | wc -l
}

# Drops run-clang-tidy's per-file command lines and clang's "N warnings generated" chatter,
# leaving the findings; strips colours unless writing to a terminal.
arca_tidy_filter() {
  local strip_colour='s/\x1b\[[0-9;]*m//g'
  if [[ -t 1 ]]; then
    strip_colour=''
  fi
  sed -e "/^$ARCA_CLANG_TIDY /d" -e '/warnings\{0,1\} generated\.$/d' -e "$strip_colour"
}

# arca_tidy_check BUILD_DIR: clang-tidy over every file in BUILD_DIR/compile_commands.json
# under src/, tools/ and bench/. Any finding is an error (WarningsAsErrors in .clang-tidy).
#
# Tests (*_test.cc) get the same profile as the code they test: gtest's macros expand from a
# system header, so they add no findings of their own, and what clang-tidy flags in a test
# (uninitialised variables, implicit widening, needless copies) is as much a bug there as
# anywhere. Only the fuzz targets are not covered, as they are built in build-fuzz only.
arca_tidy_check() {
  local build_dir="$1"
  local count
  count="$(arca_tidy_check_count)"
  echo "clang-tidy: $count checks enabled by .clang-tidy"
  if ((count == 0)); then
    echo "clang-tidy: .clang-tidy is invalid or enables no checks"
    return 1
  fi
  # The files, as a regex over the absolute paths in the compile database.
  local root_regex
  root_regex="$(printf '%s' "$ARCA_ROOT" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
  local file_regex="^$root_regex/(src|tools|bench)/"
  arca_step "clang-tidy: $(grep -cE "\"file\": \"$root_regex/(src|tools|bench)/" \
    "$build_dir/compile_commands.json") files, $ARCA_JOBS at a time (takes minutes)"
  if command -v "$ARCA_RUN_CLANG_TIDY" >/dev/null; then
    "$ARCA_RUN_CLANG_TIDY" -p "$build_dir" -j "$ARCA_JOBS" -quiet "$file_regex" 2>&1 |
      arca_tidy_filter
  else
    # The same, without the runner script: one clang-tidy per file, ARCA_JOBS at a time.
    sed -n 's/^ *"file": "\(.*\)",\{0,1\}$/\1/p' "$build_dir/compile_commands.json" |
      grep -E "$file_regex" |
      xargs -P "$ARCA_JOBS" -n 1 "$ARCA_CLANG_TIDY" -p "$build_dir" -quiet 2>&1 |
      arca_tidy_filter
  fi
  echo "clang-tidy: no findings"
}
