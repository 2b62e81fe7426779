#!/usr/bin/env python3
"""The numpy side of benches/simulate.sh.

  sim_numpy.py gen DIR REPS       write DIR/reps.csv and DIR/deals.csv (8 quarters of history)
  sim_numpy.py run OUT TRIALS     the same Monte Carlo as `fuerza simulate benches/sim_plan.toml`,
                                  vectorised numpy, exact integer cents; prints its time

`run` reads fuerza's OUT/model.csv (each rep's fitted mu, sigma, p_zero and the
per-quarter scale) so both sides draw from the same model, then does what
fuerza does per trial: lognormal bookings per rep and quarter, rounded to
cents; the 4-tier marginal commission (each tier's line rounded half up to
the cent) with the per-quarter cap; totals per quarter and year; each rep's
year pay and whether it reached quota; then mean/P10/P50/P90 per quarter and
year, and per rep P(attain), mean and P90 of pay.
"""
import csv
import sys
import time

import numpy as np

QUARTER_QUOTA = 40_000_000  # cents: 1,600,000 / 4
BOUNDS = [0, 20_000_000, 40_000_000, 60_000_000]  # cents: 0%, 50%, 100%, 150% of the quarter's quota
RATES_BP = [200, 600, 900, 1200]  # basis points: 2%, 6%, 9%, 12%
CAP = 4_500_000  # cents per quarter
BASE_Q = 2_000_000  # cents: 80,000 / 4


def gen(out, reps):
    rng = np.random.default_rng(7)
    with open(f"{out}/reps.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rep_id", "name", "scheme"])
        for r in range(reps):
            w.writerow([f"R{r:05d}", f"Rep {r}", "ae"])
    quarters = [(2024, 1), (2024, 4), (2024, 7), (2024, 10),
                (2025, 1), (2025, 4), (2025, 7), (2025, 10)]
    level = rng.lognormal(np.log(380_000), 0.25, reps)
    with open(f"{out}/deals.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["deal_id", "rep_id", "close_date", "amount"])
        d = 0
        for r in range(reps):
            for year, month in quarters:
                total = level[r] * rng.lognormal(0, 0.3)
                parts = rng.dirichlet([2, 2, 2, 2]) * total
                for k, a in enumerate(parts):
                    d += 1
                    m = month + (k * 5 + r) % 3  # spread over the quarter's three months
                    day = 1 + (7 * k + r) % 28
                    w.writerow([f"D{d:07d}", f"R{r:05d}", f"{year}-{m:02d}-{day:02d}", f"{a:.2f}"])


def run(out, trials):
    mu, sigma, pz, scale = [], [], [], []
    with open(f"{out}/model.csv") as f:
        for row in csv.DictReader(f):
            mu.append(float(row["mu"]))
            sigma.append(float(row["sigma"]))
            pz.append(float(row["p_zero"]))
            scale.append([float(x) for x in row["scale"].split()])
    t0 = time.perf_counter()
    mu, sigma, pz, scale = np.array(mu), np.array(sigma), np.array(pz), np.array(scale)
    reps, periods = scale.shape
    rng = np.random.default_rng(2026)
    full = [0]  # cents of each full tier below tier k
    for k in range(1, len(BOUNDS)):
        full.append(full[-1] + ((BOUNDS[k] - BOUNDS[k - 1]) * RATES_BP[k - 1] + 5000) // 10000)
    totals = np.empty((trials, periods + 1), dtype=np.int64)
    pay = np.empty((trials, reps), dtype=np.int64)
    attained = np.zeros(reps, dtype=np.int64)
    batch = 500
    for t in range(0, trials, batch):
        b = min(batch, trials - t)
        z = rng.standard_normal((b, reps, periods))
        x = np.exp(mu[None, :, None] + sigma[None, :, None] * z) * scale[None, :, :]
        if pz.any():
            x[rng.random((b, reps, periods)) < pz[None, :, None]] = 0.0
        c = np.rint(x).astype(np.int64)  # bookings in cents
        inc = np.zeros_like(c)
        for k, lo in enumerate(BOUNDS):
            hi = BOUNDS[k + 1] if k + 1 < len(BOUNDS) else None
            sl = (np.minimum(c, hi) if hi is not None else c) - lo
            np.maximum(sl, 0, out=sl)
            inc += (sl * RATES_BP[k] + 5000) // 10000  # each tier's line rounded half up
        np.minimum(inc, CAP, out=inc)
        totals[t:t + b, :periods] = inc.sum(axis=1)
        totals[t:t + b, periods] = totals[t:t + b, :periods].sum(axis=1)
        pay[t:t + b] = inc.sum(axis=2) + BASE_Q * periods
        attained += (c.sum(axis=2) >= QUARTER_QUOTA * periods).sum(axis=0)
    mean = totals.mean(axis=0) / 100
    p10, p50, p90 = np.percentile(totals, [10, 50, 90], axis=0) / 100
    rep_mean = pay.mean(axis=0) / 100
    rep_p90 = np.percentile(pay, 90, axis=0) / 100
    p_attain = attained / trials
    secs = time.perf_counter() - t0
    print(f"numpy: {trials} trials x {reps} reps x {periods} periods in {secs:.3f} s")
    print(f"numpy: FY incentive mean {mean[-1]:.2f}  P10 {p10[-1]:.2f}  P50 {p50[-1]:.2f}  P90 {p90[-1]:.2f}")
    print(f"numpy: mean P(attain) {p_attain.mean():.4f}; mean expected pay {rep_mean.mean():.2f}; mean P90 pay {rep_p90.mean():.2f}")
    print(f"NUMPY_SECONDS={secs:.4f}")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    else:
        run(sys.argv[2], int(sys.argv[3]))
