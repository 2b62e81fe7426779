#!/usr/bin/env bash
# Fuzz the plan reader and every CSV reader with cargo-fuzz (libFuzzer) on
# stable Rust: without a sanitizer (`-s none`) cargo-fuzz passes no nightly
# flag. Each target must never panic, and every error it returns must name
# the file and a line in it (fuzz/src/lib.rs; the rule of tests/properties.rs).
#
#   bash benches/fuzz.sh              # 600 s per target
#   bash benches/fuzz.sh 30           # quick smoke run (CI)
#   JOBS=2 bash benches/fuzz.sh 600 plan deals   # some targets, two at a time
#
# Targets: plan, reps, deals, opportunities, quotas, adjustments, assignments (against plans/acme.toml),
# reps_mapped, deals_mapped, opportunities_mapped (through plans/maven.toml's
# [data] mapping).
# Environment: JOBS (1: how many targets run side by side), KEEP_GOING (1: go
# on after a crash; 0: stop at the first), MAX_LEN (65536), TIMEOUT (10 s per
# input), FUZZ_TARGET_DIR (fuzz/target).
# The corpus fuzz/corpus/<target>/ (git-ignored) is seeded on every run from
# tests/golden/ (the plan and data files of every case), plans/, benches/*.toml,
# data/ (the first 200 lines of each CSV), fuzz/seeds/<target>/ and the
# committed reproducers fuzz/artifacts/<target>/repro-*, and keeps what earlier
# runs found. Logs and summary.md go to fuzz/logs/ (git-ignored). A crash is
# saved as fuzz/artifacts/<target>/crash-* (replay: the target binary on the
# file); the summary groups them by kind. Exit status 1 when a target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-600}
shift || true
ALL=(plan reps deals opportunities quotas adjustments assignments reps_mapped deals_mapped opportunities_mapped)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
JOBS=${JOBS:-1}
MAX_LEN=${MAX_LEN:-65536}
TIMEOUT=${TIMEOUT:-10}
TARGET_DIR=${FUZZ_TARGET_DIR:-$PWD/fuzz/target}
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
LOGS=fuzz/logs

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked >&2
fi

# Build every target once (then run the binaries: `cargo fuzz run` would rebuild
# whenever src/ changes under it). Release, debug assertions and overflow checks
# on (cargo-fuzz's default), no sanitizer: stable Rust.
echo "== building the fuzz targets ($(cargo fuzz --version), $(rustc --version))" >&2
(cd fuzz && cargo fuzz build -s none --target-dir "$TARGET_DIR" >&2)
BIN="$TARGET_DIR/$TRIPLE/release"

# --- the corpus -------------------------------------------------------------
seed() { # seed TARGET FILE...: copy each file (a CSV's first 200 lines) into the corpus
  local t=$1 f name
  shift
  mkdir -p "fuzz/corpus/$t"
  for f in "$@"; do
    [ -f "$f" ] || continue
    name=$(echo "$f" | tr '/' '_')
    case $f in
      *.csv) head -n 200 "$f" >"fuzz/corpus/$t/seed-$name" ;;
      *) cp "$f" "fuzz/corpus/$t/seed-$name" ;;
    esac
  done
  # Hand-written seeds, and the reproducers of bugs found (and fixed) before.
  for f in "fuzz/seeds/$t"/* "fuzz/artifacts/$t"/repro-*; do
    [ -f "$f" ] && cp "$f" "fuzz/corpus/$t/seed-$(basename "$f")"
  done
}
shopt -s nullglob
seed plan tests/golden/*/plan.toml plans/*.toml benches/*.toml
seed reps tests/golden/*/data/reps.csv data/acme/reps.csv
seed deals tests/golden/*/data/deals.csv data/acme/deals.csv
seed opportunities tests/golden/*/data/opportunities.csv data/acme/opportunities.csv
seed quotas tests/golden/*/data/quotas.csv
seed adjustments tests/golden/*/data/adjustments.csv
seed assignments tests/golden/*/data/assignments.csv
seed reps_mapped data/maven/sales_teams.csv
seed deals_mapped data/maven/sales_pipeline.csv
seed opportunities_mapped data/maven/sales_pipeline.csv

# A dictionary per target: the words of its seeds (keys, column names, values).
mkdir -p "$LOGS"
for t in "${TARGETS[@]}"; do
  cat fuzz/corpus/"$t"/seed-* | grep -aoE '[A-Za-z_][A-Za-z0-9_.-]{1,40}' | sort -u | head -n 2000 |
    sed 's/.*/"&"/' >"$LOGS/$t.dict"
done

# --- the runs ---------------------------------------------------------------
# libFuzzer's fork mode (-fork=1: one worker process, restarted after a crash)
# goes on after a crash, so that a run finds more than its first bug and its
# coverage is not cut short; KEEP_GOING=0 stops at the first crash instead.
KEEP_GOING=${KEEP_GOING:-1}

kind() { # kind TARGET FILE: what replaying a reproducer gives, on one line
  local t=$1 f=$2 out loc msg
  case $(basename "$f") in timeout-*) echo "timeout (> $TIMEOUT s)"; return ;; oom-*) echo "out of memory"; return ;; esac
  out=$(RUST_BACKTRACE=0 timeout 60 "$BIN/$t" "$f" 2>&1 || true)
  loc=$(echo "$out" | grep -a -m1 "panicked at" | sed -E 's/.*panicked at //; s/:$//')
  msg=$(echo "$out" | grep -a -m1 -A1 "panicked at" | tail -n 1)
  if [ -z "$loc" ]; then
    echo "no panic on replay"
  elif [[ $msg =~ ^(an\ error\ without|a\ column\ 0|a\ reject|a\ plan\ rejected) ]]; then
    # The targets' own check (fuzz/src/lib.rs): its rule, and the error's code.
    echo "$msg" | sed -E 's/^([^:]*):.*error\[([^]]*)\].*/\1 [\2]/; s/^([^:]*):.*/\1/; s/1\.\.=[0-9]+/1..=LINES+1/' | cut -c1-160
  else
    echo "panic at $loc: $msg" | cut -c1-200
  fi
}

run() { # run TARGET: fuzz for SECONDS_PER_TARGET; a summary row in $LOGS/TARGET.row, crash kinds in $LOGS/TARGET.kinds
  local t=$1 log="$LOGS/$1.log" stamp="$LOGS/$1.start" rc=0 mode=()
  mkdir -p "fuzz/artifacts/$t"
  touch "$stamp"
  [ "$KEEP_GOING" = 1 ] && mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  RUST_BACKTRACE=1 "$BIN/$t" "fuzz/corpus/$t" "${mode[@]}" \
    -artifact_prefix="fuzz/artifacts/$t/" -dict="$LOGS/$t.dict" \
    -max_len="$MAX_LEN" -timeout="$TIMEOUT" -max_total_time="$SECONDS_PER_TARGET" \
    -print_final_stats=1 >"$log" 2>&1 || rc=$?
  # The last status line: fork mode `#RUNS: cov: C ft: F corp: N exec/s: .. oom/timeout/crash: a/b/c time: Ts ..`,
  # else `#RUNS DONE cov: C ft: F corp: N/SIZE ...` and `Done RUNS runs in T second(s)`.
  local last runs cov ft corp secs
  last=$(grep -aE '^#[0-9]+:? +(DONE +|pulse +|NEW +|REDUCE +)?cov: ' "$log" | tail -n 1 || true)
  runs=$(echo "$last" | sed -nE 's/^#([0-9]+).*/\1/p')
  cov=$(echo "$last" | sed -nE 's/.* cov: ([0-9]+).*/\1/p')
  ft=$(echo "$last" | sed -nE 's/.* ft: ([0-9]+).*/\1/p')
  corp=$(echo "$last" | sed -nE 's/.* corp: ([0-9]+).*/\1/p')
  secs=$(echo "$last" | sed -nE 's/.* time: ([0-9]+)s.*/\1/p')
  [ -n "$secs" ] || secs=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log" | tail -n 1)
  [ -n "$secs" ] || secs=$SECONDS_PER_TARGET
  # Every reproducer this run wrote, by what it is.
  find "fuzz/artifacts/$t" -maxdepth 1 -type f -newer "$stamp" \
    \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort >"$LOGS/$t.new"
  : >"$LOGS/$t.kinds.raw"
  while read -r f; do
    printf '%s\t%s\n' "$(kind "$t" "$f")" "$f" >>"$LOGS/$t.kinds.raw"
  done <"$LOGS/$t.new"
  sort "$LOGS/$t.kinds.raw" | awk -F'\t' '{ n[$1]++; if (!($1 in ex)) ex[$1] = $2 } END { for (k in n) printf "%d\t%s\t%s\n", n[k], k, ex[k] }' |
    sort -rn >"$LOGS/$t.kinds"
  # The committed reproducers (fuzz/artifacts/TARGET/repro-*) that still crash.
  local known=0 failing=0 f
  for f in "fuzz/artifacts/$t"/repro-*; do
    known=$((known + 1))
    timeout 60 "$BIN/$t" "$f" >/dev/null 2>&1 || failing=$((failing + 1))
  done
  local crashes
  crashes=$(wc -l <"$LOGS/$t.new")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$secs" "${runs:-?}" \
    "$([ -n "$runs" ] && [ "$secs" -gt 0 ] && echo $((runs / secs)) || echo '?')" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
    "$crashes$([ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && echo " (exit $rc)")" "$(wc -l <"$LOGS/$t.kinds")" \
    "$failing/$known" >"$LOGS/$t.row"
  if [ "$crashes" -gt 0 ]; then
    echo "!! $t: $crashes crash(es) of $(wc -l <"$LOGS/$t.kinds") kind(s); replay: $BIN/$t FILE" >&2
  fi
}

echo "== fuzzing ${TARGETS[*]}: ${SECONDS_PER_TARGET} s each, $JOBS at a time, -max_len=$MAX_LEN" >&2
running=0
for t in "${TARGETS[@]}"; do
  [ -x "$BIN/$t" ] || { echo "no fuzz target $t" >&2; exit 2; }
  echo "   $t" >&2
  run "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

{
  echo "| target | seconds | runs | exec/s | cov | ft | corpus | crashes | kinds | repro still failing |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for t in "${TARGETS[@]}"; do cat "$LOGS/$t.row"; done
  for t in "${TARGETS[@]}"; do
    [ -s "$LOGS/$t.kinds" ] || continue
    echo
    echo "$t crashes (count, kind, first reproducer):"
    sed 's/^/    /' "$LOGS/$t.kinds"
  done
} | tee "$LOGS/summary.md"
# Fail when a target crashed (the crashes column is not 0) or libFuzzer failed.
awk -F'|' 'NR > 2 && NF > 10 && ($9 + 0 > 0 || $9 ~ /exit/) { bad = 1 } END { exit bad }' "$LOGS/summary.md"
