//! Synthetic example data: a seeded, deterministic generator of `reps.csv`,
//! `deals.csv` and `opportunities.csv` in the formats of SPEC §3.2.
//!
//! It sits beside the engine, not in the pay flow: `cli::generate` builds a
//! [`Setup`] (from a plan, or the built-in one matching `plans/acme.toml`),
//! opens the files and calls [`generate`], which only writes to the writers it
//! is given. The same seed and options give byte-identical files: every draw
//! comes from ChaCha8 streams derived from the seed (one per file, so asking
//! for more deals does not change the roster), and floats go through plain
//! arithmetic only. Deals are streamed row by row, so a million rows take
//! little memory.
//!
//! What the data looks like: a VP over regional managers (about one per nine
//! people) with six to eight AEs and one or two SDRs each; most AEs tenured,
//! some hired late last year (still ramping), a few hired during the year and
//! one or two leavers; deal sizes lognormal, scaled per rep so that yearly
//! attainment spreads from about 40% to 160% with about two thirds at quota;
//! new, expansion and renewal deals over three products, repeat customers,
//! split deals (two or three rows whose splits sum to exactly 1), cancelled
//! deals (most within 90 days of closing) and a thin tail of deals closed
//! before the plan year. Opportunities walk the sales process; two AEs lose
//! far more deals at one early stage, so the fracture analysis has something
//! to find.

pub mod deals;
pub mod names;
pub mod num;
pub mod opps;
pub mod roster;
pub mod setup;

#[cfg(test)]
mod tests;

pub use deals::DealStats;
pub use opps::OppStats;
pub use roster::{GenRep, Layout, Role};
pub use setup::{RegionSpec, Roles, SchemeSpec, Setup};

use std::io::{self, Write};

/// How much to generate, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// People in reps.csv (VP, managers, AEs and SDRs together).
    pub reps: usize,
    /// Rows in deals.csv (split deals take two or three rows).
    pub deals: u64,
    /// Rows in opportunities.csv.
    pub opportunities: u64,
    /// The seed of every random draw.
    pub seed: u64,
}

/// The most people `generate --reps` writes: as many as a run reads
/// ([`crate::data::reps::MAX_REPS`]).
pub const MAX_REPS: usize = crate::data::reps::MAX_REPS;

/// The most rows `generate --deals` or `--opportunities` writes (about 6 GB of deals.csv).
pub const MAX_ROWS: u64 = 100_000_000;

impl Options {
    /// Checks the counts against [`MAX_REPS`] and [`MAX_ROWS`]: the error names
    /// the option, the value asked for and the maximum.
    pub fn check(&self) -> Result<(), crate::diag::Diagnostic> {
        use crate::diag::Diagnostic;
        let too_many = |option: &str, value: String, max: String, what: &str| {
            Err(
                Diagnostic::error(format!("{option} {value} is above the maximum of {max}"))
                    .with_code("args.generate-count")
                    .with_value(value)
                    .with_help(format!("generate writes at most {max} {what}")),
            )
        };
        if self.reps > MAX_REPS {
            return too_many(
                "--reps",
                self.reps.to_string(),
                MAX_REPS.to_string(),
                "people, as many as one run of fuerza reads",
            );
        }
        for (option, n) in [("--deals", self.deals), ("--opportunities", self.opportunities)] {
            if n > MAX_ROWS {
                return too_many(option, n.to_string(), MAX_ROWS.to_string(), "rows per file");
            }
        }
        Ok(())
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            reps: 40,
            deals: 4_000,
            opportunities: 1_600,
            seed: 2026,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Head counts by role.
    pub layout: Layout,
    /// Hired during the plan year.
    pub hired_in_year: usize,
    /// With an end date.
    pub leavers: usize,
    /// deals.csv counts.
    pub deals: DealStats,
    /// opportunities.csv counts.
    pub opportunities: OppStats,
}

/// Random stream ids, one per file.
const ROSTER_STREAM: u64 = 1;
const DEALS_STREAM: u64 = 2;
const OPPS_STREAM: u64 = 3;

/// Generates the three files into the given writers.
pub fn generate(
    setup: &Setup,
    opts: &Options,
    reps_out: impl Write,
    deals_out: impl Write,
    opps_out: impl Write,
) -> io::Result<Summary> {
    let mut rng = num::stream(opts.seed, ROSTER_STREAM);
    let reps = roster::build(setup, opts.reps, &mut rng);
    write_reps(setup, &reps, reps_out)?;
    let mut rng = num::stream(opts.seed, DEALS_STREAM);
    let deals = deals::write(setup, &reps, opts.deals, &mut rng, deals_out)?;
    let mut rng = num::stream(opts.seed, OPPS_STREAM);
    let opportunities = opps::write(setup, &reps, opts.opportunities, &mut rng, opps_out)?;
    let year_end = setup.year_end();
    Ok(Summary {
        layout: Layout::of(opts.reps),
        hired_in_year: reps
            .iter()
            .filter(|r| r.hire.is_some_and(|h| h >= setup.year_start && h <= year_end))
            .count(),
        leavers: reps.iter().filter(|r| r.end.is_some()).count(),
        deals,
        opportunities,
    })
}

/// Writes reps.csv.
fn write_reps(setup: &Setup, reps: &[GenRep], out: impl Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(crate::plan::load::FILE_COLUMNS[0].1)?;
    let (mut hire, mut end) = (String::new(), String::new());
    for r in reps {
        match r.hire {
            Some(d) => deals::date_text(d, &mut hire),
            None => hire.clear(),
        }
        match r.end {
            Some(d) => deals::date_text(d, &mut end),
            None => end.clear(),
        }
        w.write_record([
            r.id.as_str(),
            r.name.as_str(),
            r.scheme(setup).id.as_str(),
            r.territory.as_deref().unwrap_or(""),
            r.manager.map_or("", |m| reps[m].id.as_str()),
            hire.as_str(),
            end.as_str(),
        ])?;
    }
    w.flush()
}
