//! The `fuerza` binary: parse arguments, run, render diagnostics, choose the exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = fuerza::cli::Cli::parse(); // usage errors exit with status 2
    match fuerza::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(fuerza::cli::Failure(diags)) => {
            for d in &diags {
                eprint!("{}", d.render());
            }
            let n = diags.iter().filter(|d| d.is_error()).count();
            eprintln!("{n} error(s); nothing was written");
            ExitCode::from(1)
        }
    }
}
