//! Diagnostics: every user mistake is a located, explained value, never a panic.
//!
//! The loaders collect `Diagnostic`s into a list so that one run reports every
//! error it found; `render` turns one into the text a person reads
//! (`error: FILE:LINE:COL: message`, the offending line, a caret, a hint).

use std::fmt::Write as _;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The run cannot go on.
    Error,
    /// The run goes on; a person should look.
    Warning,
}

/// One located message about an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in (as the user named it), if any.
    pub file: Option<String>,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column (characters for TOML, CSV column number for CSV), if known.
    pub column: Option<usize>,
    /// Name of the CSV column, when the problem is in one cell.
    pub column_name: Option<String>,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The source line to show under the message.
    pub source_line: Option<String>,
    /// What kind of mistake it is, stable for scripts and tests: `deals.bad-date`,
    /// `reps.unknown-scheme`, `plan.unknown-key`, ... (`FILE-ROLE.KIND`).
    pub code: Option<String>,
}

impl Diagnostic {
    /// An error with only a message.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            column_name: None,
            value: None,
            message: message.into(),
            help: None,
            source_line: None,
            code: None,
        }
    }

    /// A warning with only a message.
    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    /// Sets the code (`deals.bad-date`).
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the code unless one is set already.
    pub fn or_code(mut self, code: impl Into<String>) -> Self {
        if self.code.is_none() {
            self.code = Some(code.into());
        }
        self
    }

    /// Sets the file.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the CSV column name.
    pub fn column_named(mut self, name: impl Into<String>) -> Self {
        self.column_name = Some(name.into());
        self
    }

    /// Sets the offending value.
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets the hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the source line shown under the message.
    pub fn with_source(mut self, line: impl Into<String>) -> Self {
        self.source_line = Some(line.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The `FILE:LINE:COL` prefix (as much of it as is known).
    pub fn location(&self) -> String {
        let mut out = String::new();
        if let Some(f) = &self.file {
            out.push_str(f);
        }
        if let Some(l) = self.line {
            let _ = write!(out, ":{l}");
            if let Some(c) = self.column {
                let _ = write!(out, ":{c}");
            }
        }
        out
    }

    /// Renders the diagnostic as plain text (no colour), ending with a newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let kind = match &self.code {
            Some(c) => format!("{kind}[{c}]"),
            None => kind.to_string(),
        };
        let loc = self.location();
        if loc.is_empty() {
            let _ = writeln!(out, "{kind}: {}", self.message);
        } else {
            let _ = writeln!(out, "{kind}: {loc}: {}", self.message);
        }
        if self.column_name.is_some() || self.value.is_some() {
            let col = self.column_name.as_deref().unwrap_or("");
            let val = self.value.as_deref().map(show_value).unwrap_or_default();
            match (col.is_empty(), val.is_empty()) {
                (false, false) => {
                    let _ = writeln!(out, "  column `{col}`, value {val}");
                }
                (false, true) => {
                    let _ = writeln!(out, "  column `{col}`");
                }
                _ => {
                    let _ = writeln!(out, "  value {val}");
                }
            }
        }
        if let Some(src) = &self.source_line {
            let line_no = self.line.map(|l| l.to_string()).unwrap_or_default();
            let pad = " ".repeat(line_no.len());
            let _ = writeln!(out, "{pad} |");
            // A source line is shown up to 200 characters (a file that is one huge line stays readable).
            let shown: String = src.chars().take(200).collect();
            let cut = if shown.len() < src.len() { " ..." } else { "" };
            let _ = writeln!(out, "{line_no} | {}{cut}", printable(&shown));
            if let Some(c) = self.column {
                let caret_pad: String = src
                    .chars()
                    .take(c.saturating_sub(1))
                    .map(|ch| if ch == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{pad} | {caret_pad}^");
            }
        }
        if let Some(h) = &self.help {
            let _ = writeln!(out, "  help: {h}");
        }
        out
    }
}

/// The first `max` items joined with ", ", then "... and N more": a list in
/// a message stays one readable line however many items there are.
pub fn some_of<S: AsRef<str>>(items: &[S], max: usize) -> String {
    let mut out: Vec<&str> = items.iter().take(max).map(AsRef::as_ref).collect();
    let more = items.len().saturating_sub(max);
    let tail = format!("... and {more} more");
    if more > 0 {
        out.push(&tail);
    }
    out.join(", ")
}

/// Shows a value quoted, with control characters escaped and long values cut.
fn show_value(v: &str) -> String {
    let mut s: String = printable(v);
    if s.chars().count() > 80 {
        s = s.chars().take(77).collect::<String>() + "...";
    }
    format!("\"{s}\"")
}

/// Escapes control characters so that a hostile value cannot garble a terminal.
fn printable(v: &str) -> String {
    v.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Maps a byte offset in `src` to a 1-based (line, column-in-characters) and the line's text.
pub fn line_col(src: &str, offset: usize) -> (usize, usize, String) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = src.get(line_start..offset).map(|s| s.chars().count() + 1).unwrap_or(1);
    let line_end = src[line_start..]
        .find('\n')
        .map(|i| line_start + i)
        .unwrap_or(src.len());
    let text = src[line_start..line_end].trim_end_matches('\r').to_string();
    (line, col, text)
}

/// Errors first, then warnings; each group in file/line order.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (a.severity, &a.file, a.line, a.column).cmp(&(b.severity, &b.file, b.line, b.column)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = "a = 1\nbé = x\n";
        let off = src.find('x').unwrap();
        assert_eq!(line_col(src, off), (2, 6, "bé = x".to_string()));
    }

    #[test]
    fn render_shows_location_line_and_caret() {
        let d = Diagnostic::error("bad")
            .in_file("p.toml")
            .at(2, 3)
            .with_source("ab cd")
            .with_help("fix it");
        let r = d.render();
        assert!(r.starts_with("error: p.toml:2:3: bad\n"));
        assert!(r.contains("2 | ab cd\n  |   ^\n"));
        assert!(r.contains("help: fix it"));
    }
}
