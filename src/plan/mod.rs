//! The plan: TOML text → spanned document → draft → checks → validated model.

pub mod checks;
pub mod doc;
pub mod load;
pub mod model;

pub use model::*;

use crate::diag::Diagnostic;

/// A plan that passed every check, and the warnings it raised.
pub struct Loaded {
    /// The model.
    pub plan: Plan,
    /// Warnings (never errors).
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates a plan. `file` is the name shown in messages.
/// Returns every error found when the plan is invalid.
pub fn load(src: &str, file: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let mut ctx = doc::Ctx::new(src, file);
    let mut draft = load::read(&mut ctx, src);
    checks::run(&mut draft, &mut ctx);
    let mut diags = std::mem::take(&mut ctx.diags);
    crate::diag::sort(&mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags.into_iter().filter(Diagnostic::is_error).collect());
    }
    Ok(Loaded {
        plan: draft.plan,
        warnings: diags,
    })
}
