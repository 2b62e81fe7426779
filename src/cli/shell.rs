//! `fuerza completions SHELL` and `fuerza man`: shell completion scripts and
//! man pages, both generated from the clap definitions the binary parses with.

use super::{Cli, Failure};
use crate::diag::Diagnostic;
use clap::CommandFactory;
use std::io::Write;

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "fuerza", &mut out);
    emit(&out)
}

/// Writes the man page of fuerza (or of one subcommand) to stdout, in roff.
pub fn man(subcommand: Option<&str>) -> Result<(), Failure> {
    let mut out = Vec::new();
    render_man(subcommand, &mut out)?;
    emit(&out)
}

/// Renders the man page of fuerza, or of `subcommand` (named `fuerza-NAME`).
pub fn render_man(subcommand: Option<&str>, out: &mut Vec<u8>) -> Result<(), Failure> {
    let cli = Cli::command();
    let page = match subcommand {
        None => cli,
        Some(name) => {
            let names: Vec<String> = cli.get_subcommands().map(|c| c.get_name().to_string()).collect();
            let Some(sub) = cli.find_subcommand(name).cloned() else {
                return Err(Diagnostic::error(format!("no subcommand {name:?}"))
                    .with_help(format!("use one of: {}", names.join(", ")))
                    .into());
            };
            let full = format!("fuerza-{}", sub.get_name());
            sub.name(full).version(env!("CARGO_PKG_VERSION"))
        }
    };
    clap_mangen::Man::new(page)
        .render(out)
        .map_err(|e| Failure::from(Diagnostic::error(format!("cannot render the man page: {e}"))))
}

fn emit(bytes: &[u8]) -> Result<(), Failure> {
    let mut o = std::io::stdout().lock();
    o.write_all(bytes)
        .and_then(|()| o.flush())
        .map_err(|e| Failure::from(Diagnostic::error(format!("cannot write to stdout: {e}"))))
}
