#!/usr/bin/env python3
"""The numpy side of benches/simulate.sh.

  sim_numpy.py run PLAN OUT PAYOUTS TRIALS
  sim_numpy.py check PLAN OUT PAYOUTS DATA

`run`: the same Monte Carlo as `fuerza simulate PLAN`, as plain vectorised
numpy in exact integer cents, on the model fuerza fitted; prints its time,
its numbers, and fuerza's beside them.

  PLAN     benches/sim_plan.toml: per scheme one marginal commission on
           attainment with a per-component cap, own credit, nothing else
           (checked: anything else makes this script stop)
  OUT      fuerza's simulate output folder: model.csv (each rep's fitted
           p_zero, mu, sigma or point amount, and its per-quarter scale,
           capacity x seasonality) and, for the comparison only,
           forecast.csv and reps_forecast.csv
  PAYOUTS  payouts.csv of `fuerza evaluate PLAN` on the same data: each
           rep's quota and base pay per quarter, exactly as fuerza prorates
           them for reps hired or leaving in the year
  TRIALS   simulated years

Per trial it does what fuerza does: each rep's bookings per quarter, zero
with probability p_zero, else exp(mu + sigma Z) (or the point amount) times
the quarter's scale, rounded to cents (floor(x + 1/2)); credit is the
bookings (own credit, no weights or multipliers); the marginal tiers with
bounds at from x quarter quota, each tier's line rounded half up to the cent
in integers, capped per quarter; totals per quarter and year; each rep's year
pay (base + incentive) and whether its year credit reached its year quota.
Then mean/P10/P50/P90 per quarter and year (linear percentiles, as fuerza),
and per rep P(attain), mean and P90 of the year's pay. Only that computation
is timed: reading the files is not.

`check`: prices each rep's exact credit per quarter in the data (Σ amount x
split of DATA/deals.csv, to the sub-cent; it must round to PAYOUTS' credit
column) with the same tier code as `run`, and compares the cents with
evaluate's incentive_paid: the pricing is then fuerza's to the cent on the
generated rows, prorated quotas included; exits 1 on any difference.

Not modelled (the plan has none of it, or the benchmark turns it off):
pipeline wins (the benchmark's opportunities.csv is header-only),
cancellations and clawbacks, SPIFFs, bonuses, overrides, team credit, draws,
scheme caps, deal-type weights and product multipliers.
"""
import csv
import sys
import time
import tomllib
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

MAX_DRAW_CENTS = 1e15  # fuerza's ceiling on one rep's bookings in a period
BATCH = 500  # trials per vectorised step


def dec_scale(d):
    """Digits after the point that `d` needs."""
    return max(0, -d.normalize().as_tuple().exponent)


def parse_rate(v):
    """A tier rate: "2%" or a plain fraction (not a multiple of BCR)."""
    s = str(v).strip()
    if s.endswith("%"):
        return Decimal(s[:-1]) / 100
    if s.endswith("x"):
        raise SystemExit(f"sim_numpy.py: rate {s!r} (a multiple of BCR) is not supported")
    return Decimal(s)


def read_plan(path):
    """Per scheme id: (tier froms, tier rates, cap) as Decimals."""
    with open(path, "rb") as f:
        plan = tomllib.load(f)
    if plan["plan"].get("rounding", "half_up") != "half_up":
        raise SystemExit("sim_numpy.py: only rounding = \"half_up\" is modelled")
    if plan["plan"].get("period", "quarter") != "quarter":
        raise SystemExit("sim_numpy.py: only period = \"quarter\" is modelled")
    schemes = {}
    extra = {"weights", "products", "ramp", "cap", "draw", "clawback"}
    for s in plan["schemes"]:
        found = extra & s.keys()
        if found or s.get("credit", "own") != "own":
            raise SystemExit(f"sim_numpy.py: scheme {s['id']}: {sorted(found) or 'team credit'} is not modelled")
        comps = s.get("components", [])
        ok = (len(comps) == 1 and comps[0]["kind"] == "commission"
              and comps[0].get("basis") == "attainment" and comps[0].get("method") == "marginal"
              and not {"deal_types", "products", "above"} & comps[0].keys())
        if not ok:
            raise SystemExit(f"sim_numpy.py: scheme {s['id']}: only one marginal commission on attainment is modelled")
        c = comps[0]
        froms = [Decimal(str(t["from"])) for t in c["tiers"]]
        rates = [parse_rate(t["rate"]) for t in c["tiers"]]
        cap = Decimal(str(c["cap"])) if "cap" in c else None
        schemes[s["id"]] = (froms, rates, cap)
    return schemes


def read_model(out):
    """Per rep (model.csv order): id, p_zero, mu, sigma, point (cents or NaN), scale per period."""
    ids, pz, mu, sigma, point, scale = [], [], [], [], [], []
    with open(f"{out}/model.csv", newline="") as f:
        for row in csv.DictReader(f):
            ids.append(row["rep_id"])
            pz.append(float(row["p_zero"]))
            if row["point"]:
                mu.append(0.0)
                sigma.append(0.0)
                point.append(float(Decimal(row["point"]) * 100))
            else:
                mu.append(float(row["mu"]))
                sigma.append(float(row["sigma"]))
                point.append(np.nan)
            scale.append([float(x) for x in row["scale"].split()])
    return ids, np.array(pz), np.array(mu), np.array(sigma), np.array(point), np.array(scale)


def read_payouts(path, ids, periods):
    """Per rep (in `ids` order): scheme, and quota and base pay per period (Decimal)."""
    rows = {}
    labels = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["period"] not in labels:
                labels.append(row["period"])
            r = rows.setdefault(row["rep_id"], [row["scheme"], {}, {}])
            r[1][row["period"]] = Decimal(row["quota"])
            r[2][row["period"]] = Decimal(row["base_pay"])
    if len(labels) != periods or set(rows) != set(ids):
        raise SystemExit("sim_numpy.py: payouts.csv and model.csv do not have the same reps and periods")
    scheme = [rows[i][0] for i in ids]
    quota = [[rows[i][1][p] for p in labels] for i in ids]
    base = [[rows[i][2][p] for p in labels] for i in ids]
    return scheme, quota, base


def tables(plan, scheme, quota, digits=2):
    """Integer tables: credit units per cent, tier bounds and rates, the rounding divisor, caps.

    Credit is counted in units of 10^-S of the currency, S the fewest digits
    that hold every tier bound (from x quota) exactly, as fuerza does (S = 3
    when a prorated quota has an odd cent and a tier starts at 50%), and at
    least `digits` (the credit's own digits, for `check`); rates in
    units of 10^-R. A tier line slice x rate is then in 10^-(S+R), and rounds
    half up to cents as (v + D/2) // D with D = 10^(S+R-2).
    """
    ks = {len(plan[s][0]) for s in scheme}
    if len(ks) != 1:
        raise SystemExit("sim_numpy.py: every scheme must have the same number of tiers")
    bounds = [[[f * q for f in plan[s][0]] for q in qs] for s, qs in zip(scheme, quota)]
    big_s = max([2, digits] + [dec_scale(b) for rep in bounds for per in rep for b in per])
    big_r = max(dec_scale(r) for s in plan for r in plan[s][1])
    unit, runit = 10 ** big_s, 10 ** big_r
    lo = np.array([[[int(b * unit) for b in per] for per in rep] for rep in bounds], dtype=np.int64)
    rates = np.array([[int(r * runit) for r in plan[s][1]] for s in scheme], dtype=np.int64)
    cap_big = np.iinfo(np.int64).max
    caps = np.array([cap_big if plan[s][2] is None else int(plan[s][2] * 100) for s in scheme], dtype=np.int64)
    return 10 ** (big_s - 2), lo, rates, 10 ** (big_s + big_r - 2), caps


def upper(lo):
    """Each tier's upper bound (the next tier's lower; none for the last)."""
    top = np.full(lo.shape[:-1] + (1,), np.iinfo(np.int64).max)
    return np.concatenate([lo[..., 1:], top], axis=-1)


def price(credit, lo, hi, rates, div, caps):
    """Incentive in cents of credit units shaped (..., reps, periods): the
    marginal tiers, each tier's line rounded half up, then the cap."""
    inc = np.zeros_like(credit)
    for k in range(lo.shape[2]):
        sl = np.minimum(credit, hi[:, :, k]) - lo[:, :, k]
        np.maximum(sl, 0, out=sl)
        inc += (sl * rates[:, k, None] + div // 2) // div
    np.minimum(inc, caps[:, None], out=inc)
    return inc


def check(plan_path, out, payouts, data):
    """Prices the exact own credit of each rep and quarter (Σ amount x split
    of DATA/deals.csv in the plan year) with `price`, and compares the cents
    with evaluate's incentive_paid in payouts.csv."""
    plan = read_plan(plan_path)
    with open(plan_path, "rb") as f:
        year = tomllib.load(f)["plan"]["year_start"]
    ids, *_, scale = read_model(out)
    periods = scale.shape[1]
    scheme, quota, _ = read_payouts(payouts, ids, periods)
    row_of = {r: i for i, r in enumerate(ids)}
    exact = [[Decimal(0)] * periods for _ in ids]
    with open(f"{data}/deals.csv", newline="") as f:
        for d in csv.DictReader(f):
            y, m = int(d["close_date"][:4]), int(d["close_date"][5:7])
            p = (12 * (y - year.year) + m - year.month) // (12 // periods)
            if 0 <= p < periods:
                exact[row_of[d["rep_id"]]][p] += Decimal(d["amount"]) * Decimal(d["split"] or 1)
    digits = max(dec_scale(c) for rep in exact for c in rep)
    per_cent, lo, rates, div, caps = tables(plan, scheme, quota, digits)
    unit = 100 * per_cent
    credit = np.array([[int(c * unit) for c in rep] for rep in exact], dtype=np.int64)
    shown, paid = {}, {}
    with open(payouts, newline="") as f:
        for row in csv.DictReader(f):
            shown.setdefault(row["rep_id"], []).append(Decimal(row["credit"]))
            paid.setdefault(row["rep_id"], []).append(int(Decimal(row["incentive_paid"]) * 100))
    for r, i in row_of.items():
        if [c.quantize(Decimal("0.01"), ROUND_HALF_UP) for c in exact[i]] != shown[r]:
            raise SystemExit(f"sim_numpy.py check: rep {r}: credit {exact[i]} is not payouts.csv's {shown[r]}")
    want = np.array([paid[i] for i in ids], dtype=np.int64)
    got = price(credit, lo, upper(lo), rates, div, caps)
    bad = np.argwhere(got != want)
    print(f"numpy pricing check: {want.size - len(bad)} of {want.size} rep-quarters of `fuerza evaluate` "
          f"paid to the cent (credit in units of 10^-{len(str(unit)) - 1})")
    for r, p in bad[:5]:
        print(f"  {ids[r]} period {p + 1}: numpy {got[r, p] / 100:.2f}, evaluate {want[r, p] / 100:.2f}")
    if len(bad):
        sys.exit(1)


def run(plan_path, out, payouts, trials):
    plan = read_plan(plan_path)
    ids, pz, mu, sigma, point, scale = read_model(out)
    reps, periods = scale.shape
    scheme, quota, base = read_payouts(payouts, ids, periods)
    per_cent, lo, rates, div, caps = tables(plan, scheme, quota)
    quota_year = np.array([int(sum(q) * 100) for q in quota], dtype=np.int64) * per_cent
    base_year = np.array([int(sum(b) * 100) for b in base], dtype=np.int64)
    has_quota = quota_year > 0

    t0 = time.perf_counter()
    rng = np.random.default_rng(2026)
    hurdle = np.flatnonzero((pz > 0) & (pz < 1))  # reps whose draw needs a uniform
    zero = (pz >= 1) | (point == 0)  # reps that book nothing
    pt = np.flatnonzero(~np.isnan(point) & ~zero)  # point bodies
    hi = upper(lo)
    totals = np.empty((trials, periods + 1), dtype=np.int64)
    pay = np.empty((trials, reps), dtype=np.int64)
    attained = np.zeros(reps, dtype=np.int64)
    for t in range(0, trials, BATCH):
        b = min(BATCH, trials - t)
        z = rng.standard_normal((b, reps, periods))
        x = np.exp(mu[None, :, None] + sigma[None, :, None] * z)
        x[:, pt, :] = point[pt][None, :, None]
        x *= scale[None, :, :]
        x[:, zero, :] = 0.0
        if hurdle.size:
            u = rng.random((b, hurdle.size, periods))
            xh = x[:, hurdle, :]
            xh[u < pz[hurdle][None, :, None]] = 0.0
            x[:, hurdle, :] = xh
        np.minimum(x, MAX_DRAW_CENTS, out=x)
        cents = np.floor(x + 0.5).astype(np.int64)  # bookings = own credit, in cents
        credit = cents * per_cent  # in credit units
        inc = price(credit, lo, hi, rates, div, caps)
        totals[t:t + b, :periods] = inc.sum(axis=1)
        totals[t:t + b, periods] = totals[t:t + b, :periods].sum(axis=1)
        pay[t:t + b] = inc.sum(axis=2) + base_year[None, :]
        attained += (credit.sum(axis=2) >= quota_year[None, :]).sum(axis=0)
    mean = totals.mean(axis=0) / 100
    p10, p50, p90 = np.percentile(totals, [10, 50, 90], axis=0) / 100
    rep_mean = pay.mean(axis=0) / 100
    rep_p90 = np.percentile(pay, 90, axis=0) / 100
    p_attain = attained / trials
    secs = time.perf_counter() - t0

    print(f"numpy: {trials} trials x {reps} reps x {periods} periods in {secs:.3f} s")
    report(out, (mean[-1], p10[-1], p50[-1], p90[-1]),
           (p_attain[has_quota].mean(), rep_mean.mean(), rep_p90.mean()),
           {i for i, q in zip(ids, has_quota) if q})
    print(f"NUMPY_SECONDS={secs:.4f}")


def report(out, fy, reps, with_quota):
    """numpy's FY and per-rep figures beside fuerza's, with the relative difference
    (P(attain) averaged over the reps with a year quota, pay over every rep)."""
    with open(f"{out}/forecast.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["period"] == "FY")
    ffy = [float(row[k]) for k in ("mean", "p10", "p50", "p90")]
    with open(f"{out}/reps_forecast.csv", newline="") as f:
        rf = list(csv.DictReader(f))
    freps = [np.mean([float(r["p_attain"]) for r in rf if r["rep_id"] in with_quota])]
    freps += [np.mean([float(r[k]) for r in rf]) for k in ("expected_pay", "p90_pay")]
    print(f"{'':32} {'numpy':>16} {'fuerza':>16} {'numpy/fuerza-1':>15}")
    names = ["FY incentive mean", "FY incentive P10", "FY incentive P50", "FY incentive P90",
             "mean P(attain) over reps", "mean expected pay over reps", "mean P90 pay over reps"]
    for name, a, b in zip(names, [*fy, *reps], [*ffy, *freps]):
        fmt = ".4f" if name.startswith("mean P(") else ".2f"
        print(f"{name:32} {a:16{fmt}} {b:16{fmt}} {100 * (a / b - 1) if b else 0.0:+14.3f}%")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif len(sys.argv) == 6 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.exit(__doc__)
