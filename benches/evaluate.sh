#!/usr/bin/env bash
# Benchmark `fuerza evaluate` on a large generated deals.csv against a
# read-only floor: the csv crate reading the same file with ByteRecord and
# touching every field (benches/csv_floor.rs), nothing else.
#
#   bash benches/evaluate.sh            # 1,000,000 deal rows, best of 3 runs
#   RUNS=5 bash benches/evaluate.sh 200000
#
# Environment: RUNS (3), SEED (2026), REPS (40), CARGO_TARGET_DIR (target).
# Data and outputs go to bench-data/ (git-ignored). Needs GNU time
# (/usr/bin/time; `apt-get install -y time`) for peak memory.
# Targets: evaluate within 2x of the floor, peak RSS under 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-${ROWS:-1000000}}
RUNS=${RUNS:-3}
SEED=${SEED:-2026}
REPS=${REPS:-40}
TARGET=${CARGO_TARGET_DIR:-target}
DATA=bench-data/deals-$ROWS
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
  echo "benches/evaluate.sh needs GNU time for peak memory: apt-get install -y time" >&2
  exit 1
fi

echo "== building (release)" >&2
cargo build --release --locked --bin fuerza >&2
FUERZA="$TARGET/release/fuerza"
FLOOR=$(cargo bench --locked --no-run --bench csv_floor --message-format=json 2>/dev/null |
  grep -o '"executable":"[^"]*csv_floor[^"]*"' | tail -1 | cut -d'"' -f4)
if [ -z "$FLOOR" ] || [ ! -x "$FLOOR" ]; then
  echo "could not build the csv_floor bench" >&2
  exit 1
fi

echo "== generating $ROWS deal rows into $DATA" >&2
mkdir -p "$DATA"
"$TIME" -f '%e %U %S %M' -o bench-data/gen.time \
  "$FUERZA" generate --plan plans/acme.toml --out "$DATA" --reps "$REPS" --deals "$ROWS" --seed "$SEED" >&2
cat "$DATA"/*.csv >/dev/null # warm the page cache for both contestants

# measure LABEL CMD...: runs CMD $RUNS times; prints "best_wall best_cpu max_rss_kb".
measure() {
  local label=$1
  shift
  local out=bench-data/$label.times
  : >"$out"
  for _ in $(seq "$RUNS"); do
    "$TIME" -f '%e %U %S %M' -o bench-data/one.time "$@" >/dev/null 2>bench-data/$label.stderr
    cat bench-data/one.time >>"$out"
  done
  awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 } $4 > m { m = $4 }
       END { printf "%.2f %.2f %d\n", w, c, m }' "$out"
}

echo "== timing (best of $RUNS)" >&2
read -r FW FC FM < <(measure floor "$FLOOR" "$DATA/deals.csv")
read -r EW EC EM < <(measure evaluate "$FUERZA" evaluate plans/acme.toml --data "$DATA" --out "bench-data/out-$ROWS")
# The same run without credits.csv (a row per deal row and credited rep: here 3 per deal row).
read -r NW NC NM < <(measure nocredits "$FUERZA" evaluate plans/acme.toml --data "$DATA" --out "bench-data/out-$ROWS-nc" --no-credits)
read -r GW _ _ GM < bench-data/gen.time

bytes=$(wc -c <"$DATA/deals.csv")
awk -v rows="$ROWS" -v bytes="$bytes" -v cores="$(nproc)" -v cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v runs="$RUNS" \
  -v fw="$FW" -v fc="$FC" -v fm="$FM" -v ew="$EW" -v ec="$EC" -v em="$EM" -v gw="$GW" -v gm="$GM" \
  -v nw="$NW" -v nc="$NC" -v nm="$NM" '
BEGIN {
  printf "machine: %d cores (%s), load average %s\n", cores, cpu, load
  printf "input:   %d deal rows, %.1f MB (generated in %.2f s wall, peak RSS %.1f MiB)\n\n", rows, bytes / 1e6, gw, gm / 1024
  printf "%-22s %16s %20s %12s\n", "", "wall (best of " runs ")", "cpu user+sys (best)", "peak RSS"
  printf "%-22s %14.2f s %18.2f s %8.1f MiB\n", "csv floor (ByteRecord)", fw, fc, fm / 1024
  printf "%-22s %14.2f s %18.2f s %8.1f MiB\n", "fuerza evaluate", ew, ec, em / 1024
  printf "%-22s %14.2f s %18.2f s %8.1f MiB\n", "  ... --no-credits", nw, nc, nm / 1024
  rw = fw > 0 ? ew / fw : 0; rc = fc > 0 ? ec / fc : 0
  printf "%-22s %15.1fx %19.1fx\n\n", "evaluate / floor", rw, rc
  printf "target: evaluate within 2x of the floor (wall): %s\n", rw <= 2 ? "met" : "missed"
  printf "target: evaluate peak RSS under 64 MiB:         %s\n", em < 64 * 1024 ? "met" : "missed"
}'
