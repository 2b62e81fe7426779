//! Funnel counts: per rep and per transition, how many opportunities reached,
//! converted and were resolved (SPEC 5).

use crate::data::{Opp, OppStatus};
use crate::plan::Process;
use rust_decimal::Decimal;

/// Counts of one transition s → t.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Opportunities that reached s (any status).
    pub reached: u64,
    /// Opportunities whose furthest stage is t or later (won only after `won_at`).
    pub converted: u64,
    /// converted + those lost at s (won at s, after `won_at`); open ones at s count in neither.
    pub resolved: u64,
}

impl Counts {
    /// converted ÷ resolved, when anything was resolved.
    pub fn rate(&self) -> Option<Decimal> {
        (self.resolved > 0).then(|| Decimal::from(self.converted) / Decimal::from(self.resolved))
    }

    fn add(&mut self, o: &Counts) {
        self.reached += o.reached;
        self.converted += o.converted;
        self.resolved += o.resolved;
    }
}

/// A rep's (or the team's) funnel.
#[derive(Debug, Clone, Default)]
pub struct Funnel {
    /// One entry per transition k: stage k → stage k + 1.
    pub transitions: Vec<Counts>,
    /// Opportunities.
    pub opportunities: u64,
    /// Won.
    pub won: u64,
    /// Lost.
    pub lost: u64,
    /// Sum of amounts of won opportunities that have one, and how many.
    pub won_amount: (Decimal, u64),
    /// Sum of days from created to closed over closed opportunities, and how many.
    pub days_to_close: (i64, u64),
}

impl Funnel {
    /// An empty funnel for the process.
    pub fn new(process: &Process) -> Self {
        Self {
            transitions: vec![Counts::default(); process.stages.len() - 1],
            ..Self::default()
        }
    }

    /// Counts one opportunity.
    pub fn add(&mut self, o: &Opp, process: &Process) {
        self.opportunities += 1;
        match o.status {
            OppStatus::Won => self.won += 1,
            OppStatus::Lost => self.lost += 1,
            OppStatus::Open => {}
        }
        if o.status == OppStatus::Won {
            if let Some(a) = o.amount {
                self.won_amount.0 += a;
                self.won_amount.1 += 1;
            }
        }
        if let (Some(c), Some(created)) = (o.closed, o.created) {
            self.days_to_close.0 += (c - created).num_days();
            self.days_to_close.1 += 1;
        }
        for (k, t) in self.transitions.iter_mut().enumerate() {
            let after_won = k >= process.won_at;
            if after_won && o.status != OppStatus::Won {
                continue;
            }
            if o.stage >= k {
                t.reached += 1;
            }
            if o.stage > k {
                t.converted += 1;
                t.resolved += 1;
            } else if o.stage == k && (o.status == OppStatus::Lost || (after_won && o.status == OppStatus::Won)) {
                t.resolved += 1;
            }
        }
    }

    /// Adds another funnel's counts.
    pub fn merge(&mut self, other: &Funnel) {
        for (a, b) in self.transitions.iter_mut().zip(&other.transitions) {
            a.add(b);
        }
        self.opportunities += other.opportunities;
        self.won += other.won;
        self.lost += other.lost;
        self.won_amount.0 += other.won_amount.0;
        self.won_amount.1 += other.won_amount.1;
        self.days_to_close.0 += other.days_to_close.0;
        self.days_to_close.1 += other.days_to_close.1;
    }

    /// Won ÷ (won + lost).
    pub fn win_rate(&self) -> Option<Decimal> {
        let closed = self.won + self.lost;
        (closed > 0).then(|| Decimal::from(self.won) / Decimal::from(closed))
    }

    /// Mean amount of won opportunities that have an amount.
    pub fn avg_won_amount(&self) -> Option<Decimal> {
        (self.won_amount.1 > 0).then(|| self.won_amount.0 / Decimal::from(self.won_amount.1))
    }

    /// Mean days from created to closed.
    pub fn avg_days_to_close(&self) -> Option<Decimal> {
        (self.days_to_close.1 > 0).then(|| Decimal::from(self.days_to_close.0) / Decimal::from(self.days_to_close.1))
    }
}

/// Every rep's funnel, in roster order.
pub fn by_rep(opps: &[Opp], reps: usize, process: &Process) -> Vec<Funnel> {
    let mut out = vec![Funnel::new(process); reps];
    for o in opps {
        out[o.rep].add(o, process);
    }
    out
}

/// The team's win rate from stage t onward: won ÷ (won + lost) among the
/// opportunities of all reps that reached t.
pub fn win_rate_from(opps: &[Opp], t: usize) -> Option<Decimal> {
    let (mut won, mut lost) = (0u64, 0u64);
    for o in opps.iter().filter(|o| o.stage >= t) {
        match o.status {
            OppStatus::Won => won += 1,
            OppStatus::Lost => lost += 1,
            OppStatus::Open => {}
        }
    }
    (won + lost > 0).then(|| Decimal::from(won) / Decimal::from(won + lost))
}
