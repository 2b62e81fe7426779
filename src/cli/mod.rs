//! The command line: clap definitions and one module per subcommand.
//!
//! This is the only layer that reads files, the environment or the clock, and
//! prints. Every subcommand returns `Result<(), Failure>`; `main` renders it.
// The doc comments of the arguments are clap's `--help` text, written for the
// terminal (`out/<plan file stem>`, `[capacity]`), not for rustdoc.
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

pub mod chart;
pub mod check;
pub mod compare;
pub mod diff;
pub mod evaluate;
pub mod explain;
pub mod fractures;
pub mod generate;
pub mod init;
pub mod inputs;
pub mod planning;
pub mod quirks;
pub mod shell;
pub mod sim_charts;
pub mod simulate;
pub mod visuals;

use crate::diag::Diagnostic;
use crate::output::folder::{self, Guard};
use crate::output::manifest::{InputStamp, Manifest};
use crate::output::OutFile;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// A failed run: the diagnostics to show (exit status 1).
#[derive(Debug)]
pub struct Failure(pub Vec<Diagnostic>);

impl From<Vec<Diagnostic>> for Failure {
    fn from(d: Vec<Diagnostic>) -> Self {
        Self(d)
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

/// How results go to stdout.
#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum Format {
    /// An aligned table for people.
    #[default]
    Table,
    /// JSON.
    Json,
    /// CSV.
    Csv,
}

/// fuerza: plan, pay and diagnose a sales force from plain-text files.
#[derive(Debug, Parser)]
#[command(name = "fuerza", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a plan and its data; print a summary or every error found.
    #[command(after_help = "Example:\n  fuerza check plans/acme.toml --data data/acme")]
    Check {
        /// The plan (TOML).
        plan: PathBuf,
        /// The data folder (default: the plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Pay every rep for the plan year: payouts, statements and a run manifest.
    #[command(
        after_help = "Example:\n  fuerza evaluate plans/acme.toml --out out/acme\n\nWrites payouts.csv, statements.csv, scorecard.csv, fractures.csv, funnel.csv, charts/*.svg,\nreport.html and manifest.json (and rejects.csv with --lenient, charts/*.png with --png,\nstatements/<rep>.html with --statements)."
    )]
    Evaluate {
        /// The plan (TOML).
        plan: PathBuf,
        /// The data folder (default: the plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output folder (default: out/<plan file stem>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip bad rows (listed in rejects.csv) instead of failing.
        #[arg(long)]
        lenient: bool,
        /// Summary format on stdout.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Also write every chart as PNG (SVG is always written).
        #[arg(long)]
        png: bool,
        /// Do not write credits.csv (one row per deal row and credited rep: as large as the deals, or larger).
        #[arg(long)]
        no_credits: bool,
        /// Also write one statement per rep under OUT/statements/, for distribution.
        #[arg(long)]
        statements: bool,
    },
    /// Render one kind of chart into OUT/charts/ (SVG, and PNG with --png).
    #[command(
        after_help = "Example:\n  fuerza chart payout-curve plans/acme.toml --scheme ae --png\n\nKinds: payout-curve (per scheme; needs only the plan), payouts, attainment, credit, funnel."
    )]
    Chart {
        /// What to draw.
        #[arg(value_enum)]
        kind: crate::chart::Kind,
        /// The plan (TOML).
        plan: PathBuf,
        /// The data folder (default: the plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output folder (default: out/<plan file stem>-charts); charts go to its charts/.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write PNG.
        #[arg(long)]
        png: bool,
        /// Only this scheme's payout curve.
        #[arg(long)]
        scheme: Option<String>,
    },
    /// Print one rep's statement: every line of how each amount was reached.
    #[command(after_help = "Example:\n  fuerza explain plans/acme.toml --rep AE01 --period Q2")]
    Explain {
        /// The plan (TOML).
        plan: PathBuf,
        /// The rep's id.
        #[arg(long)]
        rep: String,
        /// Only this period (e.g. Q2, M05, H1, FY).
        #[arg(long)]
        period: Option<String>,
        /// The data folder (default: the plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Also list, per period, the deal rows behind the credit (own and team).
        #[arg(long)]
        deals: bool,
    },
    /// Pipeline-fracture diagnostics only: where each rep's funnel breaks.
    #[command(after_help = "Example:\n  fuerza fractures plans/acme.toml --out out/acme-fractures")]
    Fractures {
        /// The plan (TOML).
        plan: PathBuf,
        /// The data folder (default: the plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output folder (default: out/<plan file stem>-fractures).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Allocate the annual goal to territories, reps and periods; write quotas.csv.
    #[command(
        after_help = "Example:\n  fuerza quota plans/acme.toml --out /tmp/acme-data/quotas.csv\n\nfuerza evaluate --data /tmp/acme-data then reads that quotas.csv.\n--out FILE.csv writes that one file; --out DIR a run folder with the territory-balance chart."
    )]
    Quota {
        /// The plan (TOML).
        plan: PathBuf,
        /// The data folder (default: the plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
        /// A folder for quotas.csv and the balance chart, or a FILE.csv (default: out/<plan file stem>-quota).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Headcount and hiring plan needed to make the goal, given ramp and attrition.
    #[command(after_help = "Example:\n  fuerza capacity plans/acme.toml\n\nWrites OUT/charts/capacity.svg.")]
    Capacity {
        /// The plan (TOML), with a [capacity] section.
        plan: PathBuf,
        /// The data folder (default: the plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output folder for the chart (default: out/<plan file stem>-capacity).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rank candidates against the plan's trait profile.
    #[command(after_help = "Example:\n  fuerza recruit plans/acme.toml --candidates data/acme/candidates.csv")]
    Recruit {
        /// The plan (TOML), with a [recruiting] section.
        plan: PathBuf,
        /// The candidates: candidate_id,name,<trait>... scored 1–5.
        #[arg(long)]
        candidates: PathBuf,
    },
    /// Write synthetic reps.csv, deals.csv and opportunities.csv from a seed.
    #[command(
        after_help = "Example:\n  fuerza generate --plan plans/acme.toml --out data/acme --seed 2026\n\nThe same seed and counts give byte-identical files. Deals are streamed, so --deals 1000000 is quick."
    )]
    Generate {
        /// Output folder (created if missing; the three files are replaced).
        #[arg(long)]
        out: PathBuf,
        /// People in reps.csv: a VP, regional managers, AEs and SDRs.
        #[arg(long, default_value_t = 40)]
        reps: usize,
        /// Rows in deals.csv.
        #[arg(long, default_value_t = 4_000)]
        deals: u64,
        /// Rows in opportunities.csv.
        #[arg(long, default_value_t = 1_600)]
        opportunities: u64,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Follow this plan's year, territories, schemes (ae, sdr, mgr, vp) and stages.
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// Monte Carlo forecast of the plan year: cost P10/P50/P90, each rep's chance of quota.
    #[command(
        after_help = "Example:\n  fuerza simulate plans/acme.toml --trials 10000 --seed 7\n\nWrites forecast.csv, reps_forecast.csv, model.csv, charts/*.svg and manifest.json.\nThe same seed gives the same bytes whatever --threads is."
    )]
    Simulate {
        /// The plan (TOML).
        plan: PathBuf,
        /// The data folder (default: the plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Simulated years.
        #[arg(long, default_value_t = 10_000)]
        trials: u64,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Worker threads (default: one per core); the output does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Output folder (default: out/<plan file stem>-forecast).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Pay every trial through the traced pay program, as evaluate pays (slower; the same cents).
        #[arg(long, hide = true)]
        generic: bool,
    },
    /// What changed between two evaluate runs: credit, incentive and total pay per rep and period, the statement lines behind each change, and the inputs that changed.
    #[command(
        after_help = "Example:\n  fuerza evaluate plans/acme.toml --out out/acme-nov\n  fuerza evaluate plans/acme.toml --out out/acme-dec\n  fuerza diff out/acme-nov out/acme-dec --out out/acme-diff\n\nReads each folder's manifest.json, payouts.csv and statements.csv; lists only what changed; with --out writes diff.csv and manifest.json."
    )]
    Diff {
        /// The earlier run's output folder.
        before: PathBuf,
        /// The later run's output folder.
        after: PathBuf,
        /// Also write diff.csv (and manifest.json) into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Format on stdout.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Several plans on the same data and the same simulated years, side by side.
    #[command(
        after_help = "Example:\n  fuerza compare plans/acme.toml plans/acme-accelerated.toml --trials 5000\n\nWrites compare.csv, compare_reps.csv, charts/*.svg and manifest.json; the first plan is the baseline."
    )]
    Compare {
        /// Two or more plans (TOML); the first is the baseline.
        #[arg(required = true, num_args = 2..)]
        plans: Vec<PathBuf>,
        /// The data folder (default: the first plan's `data`, else data/).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Simulated years.
        #[arg(long, default_value_t = 2_000)]
        trials: u64,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Output folder (default: out/compare-<plan>-vs-<plan>, with --actual out/compare-<plan>-vs-<plan>-actual).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replay the actual year's deals under each plan (an evaluate of each on the same data) instead of simulating.
        #[arg(long)]
        actual: bool,
    },
    /// Start a plan year in a folder: a commented starter plan, header-only data files and a README that `fuerza check` accepts.
    #[command(
        after_help = "Example:\n  fuerza init my-plan\n  fuerza check my-plan/plan.toml\n\nWrites DIR/plan.toml, DIR/README.md and DIR/data/{reps,deals,opportunities}.csv; writes nothing when any of them exists."
    )]
    Init {
        /// The folder (created when missing; default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print a shell completion script to stdout.
    #[command(
        after_help = "Example:\n  fuerza completions bash > ~/.local/share/bash-completion/completions/fuerza\n  fuerza completions zsh > ~/.zfunc/_fuerza\n  fuerza completions fish > ~/.config/fish/completions/fuerza.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of fuerza, or of one subcommand, to stdout.
    #[command(
        after_help = "Example:\n  fuerza man > ~/.local/share/man/man1/fuerza.1\n  fuerza man evaluate > ~/.local/share/man/man1/fuerza-evaluate.1"
    )]
    Man {
        /// A subcommand (default: the page of fuerza itself).
        subcommand: Option<String>,
    },
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    let argv: Vec<String> = std::env::args().collect();
    match cli.command {
        Command::Init { dir } => init::run(&dir),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man { subcommand } => shell::man(subcommand.as_deref()),
        Command::Check { plan, data } => check::run(&plan, data.as_deref()),
        Command::Evaluate {
            plan,
            data,
            out,
            lenient,
            format,
            png,
            statements,
            no_credits,
        } => evaluate::run(&evaluate::Args {
            plan,
            data,
            out,
            lenient,
            format,
            argv,
            png,
            statements,
            credits: !no_credits,
        }),
        Command::Chart {
            kind,
            plan,
            data,
            out,
            png,
            scheme,
        } => chart::run(&chart::Args {
            kind,
            plan,
            data,
            out,
            png,
            scheme,
        }),
        Command::Explain {
            plan,
            rep,
            period,
            data,
            deals,
        } => explain::run(&plan, &rep, period.as_deref(), data.as_deref(), deals),
        Command::Fractures { plan, data, out } => fractures::run(&plan, data.as_deref(), out),
        Command::Quota { plan, data, out } => planning::run_quota(&plan, data.as_deref(), out),
        Command::Capacity { plan, data, out } => planning::run_capacity(&plan, data.as_deref(), out),
        Command::Recruit { plan, candidates } => planning::run_recruit(&plan, &candidates),
        Command::Generate {
            out,
            reps,
            deals,
            opportunities,
            seed,
            plan,
        } => generate::run(&generate::Args {
            out,
            options: crate::gen::Options {
                reps,
                deals,
                opportunities,
                seed,
            },
            plan,
        }),
        Command::Simulate {
            plan,
            data,
            trials,
            seed,
            threads,
            out,
            generic,
        } => simulate::run(&simulate::Args {
            plan,
            data,
            trials,
            seed,
            threads,
            out,
            generic,
            argv,
        }),
        Command::Diff {
            before,
            after,
            out,
            format,
        } => diff::run(&diff::Args {
            before,
            after,
            out,
            format,
            argv,
        }),
        Command::Compare {
            plans,
            data,
            trials,
            seed,
            threads,
            out,
            actual,
        } => compare::run(&compare::Args {
            plans,
            data,
            trials,
            seed,
            threads,
            out,
            actual,
            argv,
        }),
    }
}

/// A command's default output folder: `out/<plan file stem><suffix>`; each
/// command has its own, so one run never replaces another command's folder.
pub fn default_out(plan: &Path, suffix: &str) -> PathBuf {
    let stem = plan.file_stem().unwrap_or_default().to_string_lossy();
    PathBuf::from("out").join(format!("{stem}{suffix}"))
}

/// What a run must not write over: the files it read and its data folder.
pub fn guard(stamps: &[InputStamp], data: Option<&Path>) -> Guard {
    Guard::new(stamps.iter().map(|s| Path::new(&s.file)), data)
}

/// Stamps `files` with `manifest` and replaces folder `out` with them, all or nothing.
pub fn publish(out: &Path, mut files: Vec<OutFile>, manifest: Manifest, guard: &Guard) -> Result<(), Failure> {
    manifest.append_to(&mut files);
    folder::publish(out, &files, guard)?;
    Ok(())
}

/// Prints notes (facts about the inputs) to stderr.
pub fn print_notes(notes: &[String]) {
    for n in notes {
        eprintln!("note: {n}");
    }
}

/// Prints warnings to stderr.
pub fn print_warnings(warnings: &[Diagnostic]) {
    for w in warnings {
        eprint!("{}", w.render());
    }
}
