#!/usr/bin/env bash
# Benchmark of `fuerza simulate` against a plain vectorised numpy implementation
# of the same workload, measured in the same run:
#   1,000 reps x 4 quarters x 10,000 trials, a 4-tier marginal commission with a
#   per-quarter cap (benches/sim_plan.toml), exact cents on both sides.
# Usage: benches/simulate.sh [REPS] [TRIALS] [THREADS]   (defaults 1000 10000 2)
# fuerza's time is the whole command (reading 32,000 history rows, fitting,
# simulating, writing every output); numpy's is its compute only.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-1000}
TRIALS=${2:-10000}
THREADS=${3:-2}
python3 -c 'import numpy' 2>/dev/null || pip install --quiet numpy
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/fuerza
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/data"
python3 benches/sim_numpy.py gen "$WORK/data" "$REPS"
echo "data: $REPS reps, $(($(wc -l < "$WORK/data/deals.csv") - 1)) history rows; $TRIALS trials; $THREADS threads; $(nproc) cores"
best_f=""
best_n=""
for i in 1 2 3; do
  s=$(date +%s.%N)
  "$BIN" simulate benches/sim_plan.toml --data "$WORK/data" --trials "$TRIALS" --threads "$THREADS" --out "$WORK/out" > "$WORK/stdout" 2> "$WORK/stderr"
  e=$(date +%s.%N)
  f=$(echo "$e - $s" | bc -l)
  # numpy reads the model fuerza fitted, so both sides draw from the same distributions
  n=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 benches/sim_numpy.py run "$WORK/out" "$TRIALS" | tee "$WORK/numpy" | sed -n 's/^NUMPY_SECONDS=//p')
  printf 'run %d: fuerza %.3f s, numpy %.3f s (load average %s)\n' "$i" "$f" "$n" "$(cut -d' ' -f1 /proc/loadavg)"
  if [ -z "$best_f" ] || (( $(echo "$f < $best_f" | bc -l) )); then best_f=$f; fi
  if [ -z "$best_n" ] || (( $(echo "$n < $best_n" | bc -l) )); then best_n=$n; fi
done
grep -v '^NUMPY_SECONDS' "$WORK/numpy"
echo "fuerza: FY row of forecast.csv: $(grep '^FY' "$WORK/out/forecast.csv")"
printf 'best of 3: fuerza %.3f s, numpy %.3f s, ratio numpy/fuerza = %.2fx\n' "$best_f" "$best_n" "$(echo "$best_n / $best_f" | bc -l)"
