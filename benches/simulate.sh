#!/usr/bin/env bash
# Benchmark of `fuerza simulate` on data shaped like a real export, measured in
# one run against two references:
#
#  1. numpy: `fuerza simulate benches/sim_plan.toml` (the generated roster's
#     four schemes ae, sdr, mgr, vp, each paid a 4-tier marginal commission on
#     attainment with a per-quarter cap, own credit) against a plain vectorised
#     numpy implementation of the same Monte Carlo (benches/sim_numpy.py run),
#     exact cents on both sides, on the model fuerza fitted (OUT/model.csv) and
#     each rep's quarterly quota and base pay exactly as fuerza prorates them
#     (payouts.csv of `fuerza evaluate benches/sim_plan.toml`).
#  2. Acme: `fuerza simulate plans/acme.toml` (team credit, overrides, SPIFFs,
#     clawbacks, draws, ramps, caps) on the same data, trials and threads;
#     the target is at most 2x the 4-tier time.
#
# Usage: benches/simulate.sh [REPS] [TRIALS] [THREADS]   (defaults 1000 10000 2)
# Environment: DEALS (deal rows; default 32 per person, 32,000 for 1,000),
#   SEED (generate's seed, 2026), CARGO_TARGET_DIR (target), VENV (where numpy
#   is installed when python3 cannot import it: bench-data/venv, git-ignored).
#
# Data: `fuerza generate --plan plans/acme.toml --reps REPS --deals DEALS
# --seed SEED --opportunities 0`: a VP, managers, AEs and SDRs (some hired or
# leaving in the year, so prorated quotas), several products, three deal
# types, split and cancelled deals. Opportunities are turned off: simulate
# turns open opportunities into pipeline wins, drawn from a stream numpy
# cannot reproduce and fitted from opportunities.csv in a way model.csv does
# not record, so `--opportunities 0` writes a header-only opportunities.csv
# (which check, evaluate and simulate accept: no pipeline; reps.csv and
# deals.csv are byte for byte those of the default count) and both sides run
# the same workload.
# Managers and the VP close no deals of their own: under the 4-tier plan they
# earn base pay only (under Acme's, team credit and overrides).
#
# Each of the three timings is best of 3, interleaved (4-tier, numpy, Acme)
# so that a busy machine slows them alike; the load average is printed after
# each run. fuerza's time is the whole command (reading the data, fitting,
# simulating, writing every output); numpy's is its compute only (not reading
# the files), on one thread. Then `benches/sim_numpy.py check` prices the
# exact credit of each rep and quarter in the data with numpy's tier code and
# must give evaluate's cents in payouts.csv; and numpy's FY mean/P10/P50/P90
# and per-rep figures are printed beside fuerza's (different random streams,
# so they agree within Monte Carlo error, not to the cent). Outputs go to a
# temporary folder, outside the data folder (fuerza refuses --out inside
# --data), removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-1000}
TRIALS=${2:-10000}
THREADS=${3:-2}
DEALS=${DEALS:-$((REPS * 32))}
SEED=${SEED:-2026}
VENV=${VENV:-bench-data/venv}

PY=python3
if ! "$PY" -c 'import numpy' 2>/dev/null; then
  PY=$VENV/bin/python
  if ! [ -x "$PY" ] || ! "$PY" -c 'import numpy' 2>/dev/null; then
    echo "== installing numpy into $VENV" >&2
    python3 -m venv "$VENV"
    "$PY" -m pip install --quiet numpy
  fi
fi
cargo build --release --locked --quiet --bin fuerza
BIN=${CARGO_TARGET_DIR:-target}/release/fuerza

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DATA=$WORK/data

# quiet CMD...: runs CMD, its output to $WORK/stdout and $WORK/stderr, shown only if it fails.
quiet() {
  "$@" > "$WORK/stdout" 2> "$WORK/stderr" || {
    local rc=$?
    echo "benches/simulate.sh: failed ($rc): $*" >&2
    cat "$WORK/stdout" "$WORK/stderr" >&2
    return "$rc"
  }
}
# seconds CMD...: quiet CMD, then prints its wall time in seconds.
seconds() {
  local s e
  s=$(date +%s.%N)
  quiet "$@" || return
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
# min A B: the smaller (A when B is empty).
min() { if [ -z "$2" ] || (($(echo "$1 < $2" | bc -l))); then echo "$1"; else echo "$2"; fi; }

quiet "$BIN" generate --plan plans/acme.toml --reps "$REPS" --deals "$DEALS" --seed "$SEED" \
  --opportunities 0 --out "$DATA"
sed -n 's/^  \(reps\|deals\|opportunities\)\.csv  */data: \1.csv /p' "$WORK/stdout" "$WORK/stderr"
# Both plans must accept the data; evaluate writes the prorated quotas numpy reads.
quiet "$BIN" check benches/sim_plan.toml --data "$DATA"
quiet "$BIN" check plans/acme.toml --data "$DATA"
quiet "$BIN" evaluate benches/sim_plan.toml --data "$DATA" --out "$WORK/evaluate"
echo "$TRIALS trials; $THREADS threads; $(nproc) cores"
best_f="" best_n="" best_a=""
for i in 1 2 3; do
  f=$(seconds "$BIN" simulate benches/sim_plan.toml --data "$DATA" --trials "$TRIALS" \
    --threads "$THREADS" --out "$WORK/out-4tier")
  # numpy reads the model fuerza fitted, so both sides draw from the same distributions.
  quiet env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" benches/sim_numpy.py run benches/sim_plan.toml \
    "$WORK/out-4tier" "$WORK/evaluate/payouts.csv" "$TRIALS"
  cp "$WORK/stdout" "$WORK/numpy"
  n=$(sed -n 's/^NUMPY_SECONDS=//p' "$WORK/numpy")
  a=$(seconds "$BIN" simulate plans/acme.toml --data "$DATA" --trials "$TRIALS" \
    --threads "$THREADS" --out "$WORK/out-acme")
  printf 'run %d: fuerza 4-tier %.3f s, numpy %.3f s, fuerza acme %.3f s (load average %s)\n' \
    "$i" "$f" "$n" "$a" "$(cut -d' ' -f1 /proc/loadavg)"
  best_f=$(min "$f" "$best_f")
  best_n=$(min "$n" "$best_n")
  best_a=$(min "$a" "$best_a")
done
# The same tier code as `run`, on evaluate's exact credits: the cents of payouts.csv.
"$PY" benches/sim_numpy.py check benches/sim_plan.toml "$WORK/out-4tier" "$WORK/evaluate/payouts.csv" "$DATA"
grep -v '^NUMPY_SECONDS' "$WORK/numpy"
echo "fuerza 4-tier: FY row of forecast.csv: $(grep '^FY' "$WORK/out-4tier/forecast.csv")"
echo "fuerza acme:   FY row of forecast.csv: $(grep '^FY' "$WORK/out-acme/forecast.csv")"
printf 'best of 3: fuerza 4-tier %.3f s, numpy %.3f s, ratio numpy/fuerza = %.2fx\n' \
  "$best_f" "$best_n" "$(echo "$best_n / $best_f" | bc -l)"
ratio=$(echo "$best_a / $best_f" | bc -l)
printf 'best of 3: fuerza acme %.3f s, ratio acme/4-tier = %.2fx (target <= 2x: %s)\n' \
  "$best_a" "$ratio" "$( (($(echo "$ratio <= 2" | bc -l))) && echo met || echo missed)"
