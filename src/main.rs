//! The `fuerza` binary: parse arguments, run, render diagnostics, choose the exit code.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_broken_pipe();
    let cli = fuerza::cli::Cli::parse(); // usage errors exit with status 2
    match fuerza::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(fuerza::cli::Failure(diags)) => {
            let mut err = std::io::stderr().lock();
            for d in &diags {
                let _ = write!(err, "{}", d.render());
            }
            let n = diags.iter().filter(|d| d.is_error()).count();
            let _ = writeln!(err, "{n} error(s); nothing was written");
            ExitCode::from(1)
        }
    }
}

/// `fuerza ... | head` closes the pipe early: the print macros then panic on
/// the write, which is not a crash of fuerza. Exit quietly (status 141, as a
/// shell reports SIGPIPE) instead of printing a panic.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
