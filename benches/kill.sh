#!/usr/bin/env bash
# All or nothing under kill -9: run `fuerza evaluate` on a large generated year,
# kill it with SIGKILL at spread-out points of its run, KILLS times, and check
# after each kill that the output folder is wholly the old run's or wholly the
# new run's (every file is the one its manifest.json stamps, no file is missing
# or extra); then that the next run starts clean (nothing left beside it).
#
#   bash benches/kill.sh              # 1,000,000 deal rows, 50 kills
#   KILLS=20 bash benches/kill.sh 200000
#
# Environment: KILLS (50), SEED (2026), CARGO_TARGET_DIR (target).
# Data and outputs go to bench-data/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-${ROWS:-1000000}}
KILLS=${KILLS:-50}
SEED=${SEED:-2026}
TARGET=${CARGO_TARGET_DIR:-target}
WORK=bench-data/kill-$ROWS

cargo build --release --locked --bin fuerza >&2
FUERZA="$TARGET/release/fuerza"
rm -rf "$WORK"
mkdir -p "$WORK/data"
cp plans/acme.toml "$WORK/plan.toml"
"$FUERZA" generate --plan "$WORK/plan.toml" --out "$WORK/data" --deals "$ROWS" --seed "$SEED" >/dev/null

# Every file in folder $1 is the one its manifest stamps, and only those.
check() {
  python3 - "$1" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
stamped = {o["file"]: o["sha256"] for o in m["outputs"]}
present = set()
for root, _, files in os.walk(d):
    for f in files:
        rel = os.path.relpath(os.path.join(root, f), d)
        if rel == "manifest.json":
            continue
        present.add(rel)
        if stamped.get(rel) != hashlib.sha256(open(os.path.join(root, f), "rb").read()).hexdigest():
            sys.exit(f"{rel} is not the file the manifest stamps")
if present != set(stamped):
    sys.exit(f"files {sorted(present ^ set(stamped))} missing or extra")
print(m["inputs"][2]["sha256"])
PY
}

args=(evaluate "$WORK/plan.toml" --data "$WORK/data" --out "$WORK/out/run")
"$FUERZA" "${args[@]}" >/dev/null 2>&1
old=$(check "$WORK/out/run")
start=$(date +%s.%N)
"$FUERZA" "${args[@]}" >/dev/null 2>&1
span=$(echo "$(date +%s.%N) - $start" | bc)
# The runs under test read other deals, so the old and the new folder differ.
sed -i '2,5000s/,new,/,renewal,/' "$WORK/data/deals.csv"
n_old=0 n_new=0
for i in $(seq 1 "$KILLS"); do
  "$FUERZA" "${args[@]}" >/dev/null 2>&1 &
  pid=$!
  # Spread the kills over the whole run, a little past its end.
  sleep "$(echo "$span * $i / ($KILLS - 2)" | bc -l)"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  got=$(check "$WORK/out/run") || { echo "kill $i: the folder is a mix of runs" >&2; exit 1; }
  if [ "$got" = "$old" ]; then n_old=$((n_old + 1)); else n_new=$((n_new + 1)); fi
done
left_before=$(find "$WORK/out" -maxdepth 1 -name '.*fuerza-*' | wc -l)
"$FUERZA" "${args[@]}" >/dev/null 2>&1
check "$WORK/out/run" >/dev/null
left=$(find "$WORK/out" -maxdepth 1 -name '.*fuerza-*' | wc -l)
printf 'rows %s, run %.2f s, %s kills: %s left the old folder, %s the new one; %s staging folder(s) left by kills, %s after the next run\n' \
  "$ROWS" "$span" "$KILLS" "$n_old" "$n_new" "$left_before" "$left"
[ "$left" -eq 0 ]
